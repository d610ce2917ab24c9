"""An approval binds the hiring: people join against an approved request only within what it
approved (its roles, its hours a week and its cost a week); a new request waits until every
approved one is filled; an amendment never approves less than was hired already.

The hires are then followed: the resource signal reads how far the approved hours serve
(``hiring_progress``), and once a filled request's people all give their full hours, its
review checks what the request's evidence claimed against what the signal reads now
(``review``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from strategy.domain.clock import day_text
from strategy.domain.costs import Rates, team_cost
from strategy.domain.errors import ValidationError
from strategy.domain.hire_check import (
    HOURS_TOLERANCE,
    HiringProgress,
    Reading,
    Review,
    ReviewClose,
    ReviewLine,
    Verdict,
)
from strategy.domain.limits import free_text
from strategy.domain.onboarding import OnboardingItem
from strategy.domain.presence import DEFAULT_RAMP_UP, RampUp, full_hours_on, ramp_share
from strategy.domain.requests import (
    Grant,
    Hired,
    RequestStatus,
    RequestView,
    ResourceRequest,
    is_filled,
)
from strategy.domain.resources import DemandSettings, ResourceSignal
from strategy.domain.team import Member, Role


def hired(
    request_id: int,
    onboarding: Iterable[OnboardingItem],
    members: Iterable[Member],
    rates: Rates,
    currency: str,
) -> Hired:
    """Who joined against the request and is on the team: hours per role (each person's
    assigned hours, capped at what they have) and what they cost a week."""
    people = _people(request_id, onboarding, members)
    hours: dict[Role, float] = {}
    for m in people:
        share = m.capacity_hours / m.assigned_hours if m.assigned_hours else 0.0
        for a in m.assignments:
            hours[a.role] = hours.get(a.role, 0.0) + a.hours * share
    return Hired(
        people=tuple(m.name for m in people),
        hours_by_role=tuple((r, round(h, 2)) for r, h in hours.items()),
        cost_per_week=team_cost(people, rates, currency).per_week,
    )


def hires(
    requests: Sequence[ResourceRequest],
    onboarding: Sequence[OnboardingItem],
    members: Sequence[Member],
    rates: Rates,
    currency: str,
) -> dict[int, Hired]:
    """Each request's hires, by request id."""
    return {r.id: hired(r.id, onboarding, members, rates, currency) for r in requests}


def check_within(
    request: ResourceRequest, done: Hired, newcomer: Member, rates: Rates, currency: str
) -> None:
    """Refuse a start beyond what the request approved: a role it did not name, more hours
    than are left, or more cost than is left; each names what is left."""
    grant = request.grant
    for role in newcomer.roles:
        if role not in grant.roles:
            raise ValidationError(
                f"role: request #{request.id} approved {grant.roles_text}; {role.value} is "
                "not one of them"
            )
    left = max(grant.hours_per_week - done.hours, 0.0)
    if newcomer.capacity_hours > left + 0.05:
        raise ValidationError(
            f"request #{request.id} has {left:.1f} h/week left for {newcomer.roles[0].value}; "
            f"{newcomer.name} would take {newcomer.capacity_hours:.1f}"
        )
    cost = team_cost([newcomer], rates, currency).per_week
    money_left = max(grant.cost_per_week - done.cost_per_week, 0.0)
    if grant.cost_per_week > 0 and cost > money_left + 0.5:
        raise ValidationError(
            f"request #{request.id} has {grant.currency} {money_left:,.0f}/week left; "
            f"{newcomer.name} would cost {currency} {cost:,.0f}/week"
        )


def check_none_unfilled(requests: Sequence[ResourceRequest], found: Mapping[int, Hired]) -> None:
    """Refuse a new request while an approved one is not filled yet (an amendment waiting
    for its decision included), naming it."""
    for r in requests:
        done = found.get(r.id, Hired())
        approved = r.status is RequestStatus.APPROVED or r.amendment is not None
        if approved and not is_filled(r.grant, done):
            raise ValidationError(
                f"request #{r.id} is approved and not filled yet ({done.hours:.1f} of "
                f"{r.grant.hours_per_week:.1f} h/week hired); fill or amend it first"
            )


def check_amendment(request: ResourceRequest, grant: Grant, done: Hired) -> None:
    """An amendment keeps the hours and roles already hired against the request."""
    if grant.hours_per_week < done.hours - 0.05:
        raise ValidationError(
            f"hours: request #{request.id} has {done.hours:.1f} h/week hired already; "
            f"expected at least that, got {grant.hours_per_week:g}"
        )
    dropped = [r.value for r, h in done.hours_by_role if h > 0 and r not in grant.roles]
    if dropped:
        raise ValidationError(
            f"roles: request #{request.id} has people hired as {', '.join(dropped)}; "
            "expected the roles to keep them"
        )


def _people(
    request_id: int, onboarding: Iterable[OnboardingItem], members: Iterable[Member]
) -> list[Member]:
    """The people on the roster who joined against the request."""
    names = {i.person.casefold() for i in onboarding if i.request_id == request_id}
    return [m for m in members if m.name.casefold() in names]


# --- following the hires -----------------------------------------------------------------


def hiring_progress(
    requests: Sequence[ResourceRequest],
    onboarding: Sequence[OnboardingItem],
    members: Sequence[Member],
    day: dt.date,
    shares: RampUp = DEFAULT_RAMP_UP,
) -> HiringProgress:
    """The hours the approved ``requests`` (as they stood on ``day``) grant, the hours of
    the people hired against them who have started by ``day``, and those at each person's
    ramp-up share: all 0 when nothing is approved."""
    approved = started = effective = 0.0
    for r in requests:
        if r.status is not RequestStatus.APPROVED:
            continue
        approved += r.grant.hours_per_week
        for m in _people(r.id, onboarding, members):
            share = ramp_share(m, day, shares)
            if share > 0:
                started += m.capacity_hours
                effective += share * m.capacity_hours
    return HiringProgress(approved, started, effective)


def signal_reading(signal: ResourceSignal, settings: DemandSettings) -> Reading | None:
    """What the signal read over its window, as a request's evidence keeps it and a review
    compares it; None before any complete week."""
    f = signal.facts
    if f is None:
        return None
    return Reading(
        weeks=f.weeks,
        demand_hours=round(f.mean_total, 2),
        serving_hours=round(f.capacity, 2),
        response_minutes=None if f.mean_response is None else round(f.mean_response, 1),
        slow_weeks=f.slow_weeks,
        response_target=settings.response_target_minutes,
        active=tuple(name for name, _ in signal.active),
    )


def review_due_on(
    v: RequestView,
    onboarding: Sequence[OnboardingItem],
    members: Sequence[Member],
    shares: RampUp = DEFAULT_RAMP_UP,
) -> dt.date | None:
    """The day a filled request's people all give their full hours: its review is due from
    then; None while it is not filled."""
    people = _people(v.request.id, onboarding, members)
    if not v.filled or not people:
        return None
    days = [full_hours_on(m, shares) for m in people]
    return max((d for d in days if d is not None), default=v.request.decided_on)


def review(v: RequestView, due_on: dt.date, signal: ResourceSignal, now: Reading | None) -> Review:
    """What the request's evidence claimed against what the signal reads now, with the
    verdict: closed when demand no longer exceeds the serving hours (nor are responses slow
    every week); partly closed when it still does, but needs fewer hours than the request
    asked for or fewer weeks are slow; not closed otherwise."""
    claimed = v.request.evidence.claimed
    verdict, why = _verdict(v.request.evidence.gap_hours_per_week, signal, claimed, now)
    weeks = signal.window.weeks
    since = sum(1 for w in weeks if w >= due_on)
    if weeks:
        read = (
            f"read from the weeks of {day_text(weeks[0])} to {day_text(weeks[-1])}: "
            f"{'none' if since == 0 else since} of the {len(weeks)} after the people reached "
            f"full hours on {day_text(due_on)}"
        )
        if since == 0:
            read += " (upload the weeks since to check the hire on what followed it)"
    else:
        read = "no complete week of data to read"
    return Review(
        request_id=v.request.id,
        due_on=due_on,
        verdict=verdict,
        lines=tuple(
            ReviewLine(label, claimed_text, now_text)
            for label, claimed_text, now_text in _lines(claimed, now)
        ),
        window_from=signal.window.first,
        window_to=signal.window.last,
        weeks_since=since,
        summary=f"{why[0].upper()}{why[1:]}; {read}.",
    )


def _verdict(
    asked: float, signal: ResourceSignal, claimed: Reading | None, now: Reading | None
) -> tuple[Verdict, str]:
    """The review's verdict and why, from the signal read now and the hours asked."""
    facts = signal.facts
    if facts is None:
        return Verdict.NOT_CLOSED, "no complete week of data shows the gap closing"
    if not (facts.by_demand or facts.by_response):
        return Verdict.CLOSED, "demand no longer exceeds the serving hours"
    need = f"demand still needs {signal.need_hours:,.1f} h/week more"
    fewer_slow = (
        claimed is not None
        and now is not None
        and claimed.response_minutes is not None
        and now.response_minutes is not None
        and now.slow_weeks < claimed.slow_weeks
    )
    if signal.need_hours < asked - HOURS_TOLERANCE or fewer_slow:
        return Verdict.PARTLY_CLOSED, f"{need}, less than the {asked:,.1f} h/week asked for"
    return Verdict.NOT_CLOSED, f"{need}, no less than the {asked:,.1f} h/week asked for"


def _lines(claimed: Reading | None, now: Reading | None) -> list[tuple[str, str, str]]:
    """(label, claimed, now) for demand against capacity, responses and active platforms."""
    out = []
    for label, text in (
        ("Demand against capacity", Reading.demand_text),
        ("Response time against its target", Reading.response_text),
        ("Active platforms", Reading.active_text),
    ):
        out.append(
            (
                label,
                text(claimed) if claimed else "not kept (raised before requests kept it)",
                text(now) if now else "no complete week of data",
            )
        )
    return out


def review_note(raw: object) -> str:
    """Why an executive closes a hire's review: never without a note."""
    return free_text(raw, "note", needed_by="closing a review")


def closed_review(
    v: RequestView | None, request_id: int, day: dt.date, by: str, note: str
) -> Review:
    """The request's review as closed on ``day``: refused while it has no review (yet), or
    once it is closed already."""
    if v is None:
        raise ValidationError(f"request #{request_id} was raised after {day.isoformat()}")
    if v.review is None:
        raise ValidationError(
            f"request #{request_id} has no review yet: a request is reviewed once it is "
            "filled and its people all give their full hours"
        )
    if v.review.closed is not None:
        c = v.review.closed
        raise ValidationError(
            f"request #{request_id}'s review was closed by {c.by} on {c.on.isoformat()} already"
        )
    return replace(v.review, closed=ReviewClose(day, by, note))
