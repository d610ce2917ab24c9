"""Resource requests: the social expert asks for people while the signal is justified, an
executive approves or declines, with a reason.

A request freezes its evidence when it is raised (the signal, its conditions, the gap in
hours, people and cost, the roles and the window), so later data never rewrites what the
executive decided on. A request whose frozen signal no longer holds is *stale*: the
resource signal read today is no longer justified.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from strategy.domain.choices import parse_enum
from strategy.domain.costs import Cost
from strategy.domain.errors import ValidationError
from strategy.domain.limits import free_text
from strategy.domain.positions import Position, position_from_dict, position_to_dict
from strategy.domain.resources import Condition, ConditionKey, ResourceSignal, SignalStatus
from strategy.domain.team import ROLE_LABELS, Role


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


@dataclass(frozen=True)
class Evidence:
    """The resource signal as it stood when the request was raised, kept as it was."""

    as_of: dt.date
    summary: str
    conditions: tuple[Condition, ...]
    gap_hours_per_week: float
    gap_people: float
    gap_cost_per_week: float
    currency: str
    gap_no_rate_for: tuple[str, ...]
    roles: tuple[Role, ...]
    window_from: dt.date | None
    window_to: dt.date | None
    positions: tuple[Position, ...] = ()

    @property
    def roles_text(self) -> str:
        """The recommended roles in words, e.g. ``Social media manager, Community manager``."""
        return ", ".join(ROLE_LABELS[r] for r in self.roles)


@dataclass(frozen=True)
class ResourceRequest:
    """One request for extra people, with its frozen evidence and, once made, the decision."""

    id: int
    raised_on: dt.date
    raised_by: str
    note: str
    evidence: Evidence
    status: RequestStatus = RequestStatus.OPEN
    decided_on: dt.date | None = None
    decided_by: str = ""
    reason: str = ""

    @property
    def label(self) -> str:
        """How pages and the stand-up name it, e.g. ``#3 (50.0 h/week, raised 2026-11-23)``."""
        return (
            f"#{self.id} ({self.evidence.gap_hours_per_week:.1f} h/week, "
            f"raised {self.raised_on.isoformat()})"
        )


@dataclass(frozen=True)
class RequestView:
    """A request as the dashboard and the report show it: is its frozen signal still true?"""

    request: ResourceRequest
    stale: bool
    stale_reason: str


def freeze_evidence(signal: ResourceSignal, gap_cost: Cost, today: dt.date) -> Evidence:
    """The evidence a request keeps; refused with the signal's own reason unless justified."""
    if signal.status is not SignalStatus.JUSTIFIED:
        raise ValidationError(
            "request: a resource request can only be raised while extra resources are "
            f"justified; today the signal says: {signal.summary}"
        )
    return Evidence(
        as_of=today,
        summary=signal.summary,
        conditions=signal.conditions,
        gap_hours_per_week=signal.gap_hours_per_week,
        gap_people=signal.gap_people,
        gap_cost_per_week=gap_cost.per_week,
        currency=gap_cost.currency,
        gap_no_rate_for=gap_cost.no_rate_for,
        roles=signal.recommended_roles,
        window_from=signal.window.first,
        window_to=signal.window.last,
        positions=signal.positions,
    )


def request_note(raw: Any) -> str:
    """The optional note the expert adds to a request."""
    return free_text(raw, "note")


def decision_of(raw: Any) -> Decision:
    """``approve`` or ``decline`` from a form or command."""
    return parse_enum(Decision, raw, "decision")


def decision_reason(raw: Any) -> str:
    """Why the executive decided so: a decision is never made without one."""
    return free_text(raw, "reason", needed_by="a decision")


def check_open(request: ResourceRequest) -> None:
    """Refuse deciding a request that was decided already, naming who decided it and when."""
    if request.status is not RequestStatus.OPEN:
        raise ValidationError(
            f"request #{request.id} was already {request.status.value} by {request.decided_by} "
            f"on {request.decided_on}; a decision is final"
        )


def decided(
    request: ResourceRequest, decision: Decision, reason: str, day: dt.date, by: str
) -> ResourceRequest:
    """The request as decided: only while open, never before the day it was raised."""
    check_open(request)
    if day < request.raised_on:
        raise ValidationError(
            f"request #{request.id}: decided on {day.isoformat()}, before it was raised "
            f"({request.raised_on.isoformat()})"
        )
    return dataclasses.replace(
        request, status=decision.status, decided_on=day, decided_by=by, reason=reason
    )


def view(request: ResourceRequest, signal: ResourceSignal) -> RequestView:
    """Flag a request whose frozen signal no longer holds: today's signal is not justified."""
    if signal.status is SignalStatus.JUSTIFIED:
        return RequestView(request, False, "")
    return RequestView(request, True, f"the signal no longer holds: {signal.summary}")


def views(
    requests: Sequence[ResourceRequest], signal: ResourceSignal, today: dt.date
) -> tuple[RequestView, ...]:
    """Every request as it stood on ``today``, newest first, with its stale flag: requests
    raised later are left out, decisions made later not made yet (``report --as-of``)."""
    shown = []
    for r in sorted(requests, key=lambda r: -r.id):
        if r.raised_on > today:
            continue
        if r.decided_on is not None and r.decided_on > today:
            r = dataclasses.replace(
                r, status=RequestStatus.OPEN, decided_on=None, decided_by="", reason=""
            )
        shown.append(view(r, signal))
    return tuple(shown)


def request_dict(v: RequestView) -> dict[str, Any]:
    """A request as the report's JSON and ``request list`` show it."""
    r = v.request
    return {
        "id": r.id,
        "status": r.status.value,
        "stale": v.stale,
        "stale_reason": v.stale_reason,
        "raised_on": r.raised_on.isoformat(),
        "raised_by": r.raised_by,
        "note": r.note,
        "decided_on": r.decided_on.isoformat() if r.decided_on else None,
        "decided_by": r.decided_by,
        "reason": r.reason,
        "evidence": evidence_to_dict(r.evidence),
    }


def request_text(v: RequestView) -> str:
    """A request in one line: status, gap, roles, decision, stale flag."""
    r = v.request
    e = r.evidence
    decided = (
        f"; {r.status.value} by {r.decided_by} on {r.decided_on}: {r.reason}"
        if r.status is not RequestStatus.OPEN
        else ""
    )
    return (
        f"#{r.id} [{r.status.value}] raised {r.raised_on} by {r.raised_by}: "
        f"{e.gap_hours_per_week:.1f} h/week ({e.gap_people:.1f} FTE, "
        f"{e.currency} {e.gap_cost_per_week:,.0f}/week) for {e.roles_text}"
        + (f"; note: {r.note}" if r.note else "")
        + decided
        + (f"; STALE: {v.stale_reason}" if v.stale else "")
    )


# --- stored form ----------------------------------------------------------------------


def evidence_to_dict(e: Evidence) -> dict[str, Any]:
    """The evidence as JSON-ready data (stored, and shown in the report)."""
    return {
        "as_of": e.as_of.isoformat(),
        "summary": e.summary,
        "conditions": [
            {
                "key": c.key.value,
                "label": c.label,
                "met": c.met,
                "value": c.value,
                "reason": c.reason,
            }
            for c in e.conditions
        ],
        "gap_hours_per_week": e.gap_hours_per_week,
        "gap_people": e.gap_people,
        "gap_cost_per_week": e.gap_cost_per_week,
        "currency": e.currency,
        "gap_no_rate_for": list(e.gap_no_rate_for),
        "recommended_roles": [r.value for r in e.roles],
        "window": {
            "from": e.window_from.isoformat() if e.window_from else None,
            "to": e.window_to.isoformat() if e.window_to else None,
        },
        "positions": [position_to_dict(p) for p in e.positions],
    }


def evidence_from_dict(d: Mapping[str, Any]) -> Evidence:
    """The evidence as stored, read back."""
    window = d.get("window", {})
    return Evidence(
        as_of=dt.date.fromisoformat(d["as_of"]),
        summary=str(d["summary"]),
        conditions=tuple(
            Condition(ConditionKey(c["key"]), c["label"], bool(c["met"]), c["value"], c["reason"])
            for c in d["conditions"]
        ),
        gap_hours_per_week=float(d["gap_hours_per_week"]),
        gap_people=float(d["gap_people"]),
        gap_cost_per_week=float(d["gap_cost_per_week"]),
        currency=str(d["currency"]),
        gap_no_rate_for=tuple(d.get("gap_no_rate_for", ())),
        roles=tuple(Role(r) for r in d["recommended_roles"]),
        window_from=dt.date.fromisoformat(window["from"]) if window.get("from") else None,
        window_to=dt.date.fromisoformat(window["to"]) if window.get("to") else None,
        positions=tuple(position_from_dict(p) for p in d.get("positions", ())),
    )
