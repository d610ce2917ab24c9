"""The stand-up's four slots the team fills, and their titles: alone, so the command line
can name them in its help without loading the agenda's rules."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Slot(StrEnum):
    """The stand-up's four slots the team fills, in the order they are discussed."""

    OVERNIGHT = "overnight"
    TRENDING = "trending"
    SCHEDULED = "scheduled"
    RISKS = "risks"


SLOT_TITLES: Final[dict[Slot, str]] = {
    Slot.OVERNIGHT: "Overnight",
    Slot.TRENDING: "Trending",
    Slot.SCHEDULED: "Scheduled content",
    Slot.RISKS: "Risks and opportunities",
}
