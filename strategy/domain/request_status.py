"""Where a resource request stands and what an executive does with an open one: enums of
their own, so the command line's choices load without the requests' rules."""

from __future__ import annotations

from enum import StrEnum


class RequestStatus(StrEnum):
    """Where a request stands."""

    OPEN = "open"
    APPROVED = "approved"
    DECLINED = "declined"


class Decision(StrEnum):
    """What an executive does with an open request."""

    APPROVE = "approve"
    DECLINE = "decline"

    @property
    def status(self) -> RequestStatus:
        return RequestStatus.APPROVED if self is Decision.APPROVE else RequestStatus.DECLINED
