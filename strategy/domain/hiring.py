"""An approval binds the hiring: people join against an approved request only within what it
approved (its roles, its hours a week and its cost a week); a new request waits until every
approved one is filled; an amendment never approves less than was hired already."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from strategy.domain.costs import Rates, team_cost
from strategy.domain.errors import ValidationError
from strategy.domain.onboarding import OnboardingItem
from strategy.domain.requests import Grant, Hired, RequestStatus, ResourceRequest, is_filled
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
    names = {i.person.casefold() for i in onboarding if i.request_id == request_id}
    people = [m for m in members if m.name.casefold() in names]
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
