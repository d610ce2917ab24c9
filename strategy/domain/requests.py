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
from typing import Any, Final

from strategy.domain.choices import parse_enum
from strategy.domain.clock import day_text
from strategy.domain.errors import ValidationError, given
from strategy.domain.evidence import Evidence as Evidence
from strategy.domain.evidence import evidence_from_dict as evidence_from_dict
from strategy.domain.evidence import evidence_to_dict as evidence_to_dict
from strategy.domain.evidence import evidence_value_lines as evidence_value_lines
from strategy.domain.evidence import freeze_evidence as freeze_evidence
from strategy.domain.hire_check import (
    Review,
    review_to_dict,
)
from strategy.domain.limits import finite_number, free_text
from strategy.domain.positions import (
    positions_text,
)
from strategy.domain.request_status import Decision as Decision
from strategy.domain.request_status import RequestStatus as RequestStatus
from strategy.domain.resources import ResourceSignal, SignalStatus
from strategy.domain.team import Role, parse_role

SAME_PERSON: Final = "raised and decided by the same person"
"""How a local workspace's self-decided request is shown (one user, nobody else to ask)."""
MAX_REQUEST_HOURS: Final = 1_000.0
"""The most hours a week one request approves: more is a typo."""


@dataclass(frozen=True)
class Grant:
    """What a request approves (or an amendment asks): hours a week, roles, cost a week."""

    hours_per_week: float
    roles: tuple[Role, ...]
    cost_per_week: float
    currency: str

    @property
    def roles_text(self) -> str:
        """The roles as their identifiers, e.g. ``social_media_manager, content_creator``."""
        return ", ".join(r.value for r in self.roles)


@dataclass(frozen=True)
class Amendment:
    """An admin's change to an approved request, waiting for an executive's decision."""

    grant: Grant
    on: dt.date
    by: str
    reason: str


@dataclass(frozen=True)
class Hired:
    """The people onboarded against a request, their hours per role and their cost a week."""

    people: tuple[str, ...] = ()
    hours_by_role: tuple[tuple[Role, float], ...] = ()
    cost_per_week: float = 0.0

    @property
    def hours(self) -> float:
        return round(sum(h for _, h in self.hours_by_role), 2)


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
    granted: Grant | None = None
    """What an approved amendment set; None: what the evidence asked."""
    amendment: Amendment | None = None
    """An amendment waiting for a decision (the request is open again meanwhile)."""
    review: Review | None = None
    """The hire's review as an executive closed it (kept as it was then)."""

    @property
    def grant(self) -> Grant:
        """What the request approves (or, while open, asks): its hours, roles and cost."""
        if self.granted is not None:
            return self.granted
        e = self.evidence
        return Grant(e.gap_hours_per_week, e.roles, e.gap_cost_per_week, e.currency)

    @property
    def asked(self) -> Grant:
        """What a decision now decides: the pending amendment, else the request's grant."""
        return self.amendment.grant if self.amendment is not None else self.grant

    @property
    def same_person(self) -> bool:
        """True when whoever decided it also raised it (a single-user local workspace)."""
        return bool(self.decided_by) and self.decided_by.casefold() == self.raised_by.casefold()

    @property
    def label(self) -> str:
        """How pages and the stand-up name it, e.g. ``#3 (50.0 h/week, raised 23 Nov 2026)``."""
        return (
            f"#{self.id} ({self.evidence.gap_hours_per_week:.1f} h/week, "
            f"raised {day_text(self.raised_on)})"
        )


@dataclass(frozen=True)
class RequestView:
    """A request as the dashboard and the report show it: is its frozen signal still true?"""

    request: ResourceRequest
    stale: bool
    stale_reason: str
    hired: Hired = Hired()
    review: Review | None = None
    """The hire's review once its people all serve in full hours (``hiring.review``)."""

    @property
    def filled(self) -> bool:
        """An approved request whose hours are all taken by the people hired against it."""
        r = self.request
        return r.status is RequestStatus.APPROVED and is_filled(r.grant, self.hired)


def is_filled(grant: Grant, hired: Hired) -> bool:
    """All the granted hours are hired (to a tenth of an hour)."""
    return hired.hours >= grant.hours_per_week - 0.05


def request_note(raw: Any) -> str:
    """The optional note the expert adds to a request."""
    return free_text(raw, "note")


def decision_of(raw: Any) -> Decision:
    """``approve`` or ``decline`` from a form or command."""
    return parse_enum(Decision, raw, "decision")


def decision_reason(raw: Any) -> str:
    """Why the executive decided so: a decision is never made without one."""
    return free_text(raw, "reason", needed_by="a decision")


def amendment_reason(raw: Any) -> str:
    """Why an admin amends an approved request: never without a reason."""
    return free_text(raw, "reason", needed_by="an amendment")


def check_open(request: ResourceRequest) -> None:
    """Refuse deciding a request that was decided already, naming who decided it and when."""
    if request.status is not RequestStatus.OPEN:
        on = f" on {day_text(request.decided_on)}" if request.decided_on else ""
        raise ValidationError(
            f"request #{request.id} was already {request.status.value} by {request.decided_by}"
            f"{on}; a decision is final"
        )


def decided(
    request: ResourceRequest, decision: Decision, reason: str, day: dt.date, by: str
) -> ResourceRequest:
    """The request as decided: only while open, never before the day it was raised."""
    check_open(request)
    if day < request.raised_on:
        raise ValidationError(
            f"request #{request.id}: decided on {day_text(day)}, before it was raised "
            f"({day_text(request.raised_on)})"
        )
    if request.amendment is not None:
        approve = decision is Decision.APPROVE
        return dataclasses.replace(
            request,
            status=RequestStatus.APPROVED,
            granted=request.amendment.grant if approve else request.granted,
            amendment=None,
            decided_on=day,
            decided_by=by,
            reason=reason if approve else f"amendment declined: {reason}",
        )
    return dataclasses.replace(
        request, status=decision.status, decided_on=day, decided_by=by, reason=reason
    )


def amended_hours(raw: Any) -> float:
    """The hours a week an amendment approves: more than 0, at most a week's hours."""
    value = finite_number(raw)
    if value is None or not 0 < value <= MAX_REQUEST_HOURS:
        raise ValidationError(
            f"hours: expected a number of hours a week more than 0, up to "
            f"{MAX_REQUEST_HOURS:,.0f}, got {given(raw)}"
        )
    return value


def amended_roles(raw: Any) -> tuple[Role, ...]:
    """The roles an amendment approves: role identifiers, a list or comma-separated text."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or ())
    roles = tuple(dict.fromkeys(parse_role(str(r).strip()) for r in items if str(r).strip()))
    if not roles:
        raise ValidationError("roles: expected at least one role, e.g. content_creator")
    return roles


def amended(
    request: ResourceRequest, grant: Grant, day: dt.date, by: str, reason: str
) -> ResourceRequest:
    """An approved request with an amendment: open again until an executive decides it."""
    if request.status is not RequestStatus.APPROVED:
        raise ValidationError(
            f"request #{request.id} is {request.status.value}; only an approved request is amended"
        )
    return dataclasses.replace(
        request, status=RequestStatus.OPEN, amendment=Amendment(grant, day, by, reason)
    )


def view(request: ResourceRequest, signal: ResourceSignal, hired: Hired = Hired()) -> RequestView:
    """Flag a request whose frozen signal no longer holds: today's signal is not justified."""
    if signal.status is SignalStatus.JUSTIFIED:
        return RequestView(request, False, "", hired)
    return RequestView(request, True, f"the signal no longer holds: {signal.summary}", hired)


def as_of(requests: Sequence[ResourceRequest], today: dt.date) -> tuple[ResourceRequest, ...]:
    """Every request as it stood on ``today``, newest first: requests raised later are left
    out, decisions and amendments made later not made yet (``report --as-of``)."""
    shown = []
    for r in sorted(requests, key=lambda r: -r.id):
        if r.raised_on > today:
            continue
        if r.amendment is not None and r.amendment.on > today:
            r = dataclasses.replace(r, status=RequestStatus.APPROVED, amendment=None)
        if r.decided_on is not None and r.decided_on > today:
            r = dataclasses.replace(
                r, status=RequestStatus.OPEN, decided_on=None, decided_by="", reason=""
            )
        if r.review is not None and r.review.closed is not None and r.review.closed.on > today:
            r = dataclasses.replace(r, review=None)
        shown.append(r)
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
        "same_person": r.same_person,
        "evidence": evidence_to_dict(r.evidence),
        "approved": grant_to_dict(r.grant),
        "amendment": amendment_to_dict(r.amendment) if r.amendment else None,
        "hired_hours": v.hired.hours,
        "hired_people": list(v.hired.people),
        "hired_roles": {role.value: hours for role, hours in v.hired.hours_by_role},
        "hired_cost_per_week": v.hired.cost_per_week,
        "filled": v.filled,
        "review": review_to_dict(v.review) if v.review else None,
    }


def hiring_text(v: RequestView) -> str:
    """Approved against hired, e.g. ``hired 30.0 of 50.0 h/week (2 people, EUR 1,200 of
    EUR 2,017/week)``, or ``FILLED: ...`` once all the hours are taken."""
    g, h = v.request.grant, v.hired
    said = (
        f"hired {h.hours:.1f} of {g.hours_per_week:.1f} h/week ({len(h.people)} "
        f"{'person' if len(h.people) == 1 else 'people'}, {g.currency} {h.cost_per_week:,.0f} "
        f"of {g.currency} {g.cost_per_week:,.0f}/week) for {g.roles_text}"
    )
    return f"FILLED: {said}" if v.filled else said


def request_text(v: RequestView) -> str:
    """A request in one line: status, gap, roles and positions, decision, hiring, review,
    stale flag."""
    r = v.request
    e = r.evidence
    decided = (
        f"; {r.status.value} by {r.decided_by} on {r.decided_on}: {r.reason}"
        if r.status is not RequestStatus.OPEN
        else ""
    )
    if r.same_person and r.status is not RequestStatus.OPEN:
        decided += f" ({SAME_PERSON})"
    if r.status is RequestStatus.APPROVED:
        decided += f"; {hiring_text(v)}"
    if r.amendment is not None:
        a = r.amendment
        decided += (
            f"; amended by {a.by} on {a.on} to {a.grant.hours_per_week:.1f} h/week for "
            f"{a.grant.roles_text}, waiting for a decision: {a.reason}"
        )
    return (
        f"#{r.id} [{r.status.value}] raised {r.raised_on} by {r.raised_by}: "
        f"{e.gap_hours_per_week:.1f} h/week ({e.gap_people:.1f} FTE, "
        f"{e.currency} {e.gap_cost_per_week:,.0f}/week) for {e.roles_text}"
        + (f" as {positions_text(e.positions)}" if e.positions else "")
        + (f"; note: {r.note}" if r.note else "")
        + decided
        + (f"; review: {v.review.verdict.words}" if v.review else "")
        + (f" (closed by {v.review.closed.by})" if v.review and v.review.closed else "")
        + (f"; STALE: {v.stale_reason}" if v.stale else "")
    )


# --- stored form ----------------------------------------------------------------------


def grant_to_dict(g: Grant) -> dict[str, Any]:
    """What a request approves, as JSON-ready data (stored, and shown in the report)."""
    return {
        "hours_per_week": g.hours_per_week,
        "roles": [r.value for r in g.roles],
        "cost_per_week": g.cost_per_week,
        "currency": g.currency,
    }


def grant_from_dict(d: Mapping[str, Any]) -> Grant:
    return Grant(
        float(d["hours_per_week"]),
        tuple(Role(r) for r in d["roles"]),
        float(d["cost_per_week"]),
        str(d["currency"]),
    )


def amendment_to_dict(a: Amendment) -> dict[str, Any]:
    return {**grant_to_dict(a.grant), "on": a.on.isoformat(), "by": a.by, "reason": a.reason}


def amendment_from_dict(d: Mapping[str, Any]) -> Amendment:
    return Amendment(grant_from_dict(d), dt.date.fromisoformat(d["on"]), d["by"], d["reason"])
