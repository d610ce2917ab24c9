"""What the social team costs, and what the gap would cost: hours at hourly rates.

A person's hours cost their own rate when they have one, else their role's rate. Each role
has a default rate (editable per workspace). A person or role with no rate is named
("no rate for: Jonas Weber") and counted for nothing, never silently as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from strategy.domain.errors import ValidationError, given
from strategy.domain.limits import finite_number
from strategy.domain.positions import Position, Seniority
from strategy.domain.team import Assignment, Member, Role, parse_role

WEEKS_PER_MONTH: Final = 52 / 12
"""A month's cost is a week's times 52/12."""
MAX_RATE: Final = 10_000.0
"""The highest hourly rate accepted: more is a typo (or a yearly salary)."""
DEFAULT_ROLE_RATES: Final[Mapping[Role, float]] = {
    Role.CHANNEL_REP: 45.0,
    Role.SUPPORT: 32.0,
    Role.IT: 50.0,
    Role.SOCIAL_EXPERT: 48.0,
    Role.SOCIAL_MEDIA_MANAGER: 45.0,
    Role.CONTENT_CREATOR: 38.0,
    Role.DATA_ANALYST: 48.0,
    Role.COMMUNITY_MANAGER: 38.0,
    Role.PAID_MEDIA: 45.0,
}
"""Starting rates per hour, in the company's currency, until the workspace sets its own."""
JUNIOR_SHARE: Final = 0.6
"""A junior's rate, unless the workspace sets one: 60% of the role's rate."""


def hourly_rate(raw: Any, what: str) -> float:
    """An hourly rate from a form or command: a finite number from 0 to MAX_RATE."""
    value = finite_number(raw)
    if value is None or not 0 <= value <= MAX_RATE:
        raise ValidationError(
            f"{what}: expected an hourly rate from 0 to {MAX_RATE:,.0f}, got {given(raw)}"
        )
    return value


@dataclass(frozen=True)
class Rates:
    """The workspace's hourly rates: per role (a rate of None: that role has none), per
    person (keyed by the name folded to lower case), and a junior's rate per role where the
    workspace set one (else ``JUNIOR_SHARE`` of the role's rate, none when the role has none)."""

    roles: Mapping[Role, float | None] = field(default_factory=lambda: dict(DEFAULT_ROLE_RATES))
    people: Mapping[str, float] = field(default_factory=dict)
    juniors: Mapping[Role, float] = field(default_factory=dict)

    def for_person(self, name: str) -> float | None:
        return self.people.get(name.casefold())

    def for_role(self, role: Role) -> float | None:
        return self.roles.get(role)

    def for_junior(self, role: Role) -> float | None:
        """A junior's rate in the role: its own when set, else 60% of the role's rate."""
        if role in self.juniors:
            return self.juniors[role]
        rate = self.for_role(role)
        return None if rate is None else round(rate * JUNIOR_SHARE, 2)


DEFAULT_RATES: Final = Rates()


def rates_to_dict(rates: Rates) -> dict[str, Any]:
    """The stored form: role rates by role name (null for none), people's rates by name,
    and the junior rates the workspace set."""
    return {
        "roles": {r.value: rates.roles.get(r) for r in Role},
        "people": dict(sorted(rates.people.items())),
        "juniors": {r.value: rates.juniors[r] for r in Role if r in rates.juniors},
    }


def rates_from_dict(raw: Mapping[str, Any]) -> Rates:
    """Rates from the stored form or a form's values; each bad value is named."""
    if not isinstance(raw, Mapping):
        raise ValidationError(f"rates: expected role and person rates, got {given(raw)}")
    for part in ("roles", "people", "juniors"):
        if not isinstance(raw.get(part) or {}, Mapping):
            raise ValidationError(
                f"rates: {part}: expected names and rates, got {given(raw[part])}"
            )
    roles: dict[Role, float | None] = dict(DEFAULT_ROLE_RATES)
    for key, value in dict(raw.get("roles") or {}).items():
        role = parse_role(key)
        roles[role] = None if value is None else hourly_rate(value, f"rate of {role.value}")
    people: dict[str, float] = {}
    for name, value in dict(raw.get("people") or {}).items():
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"rate: expected a person's name, got {given(name)}")
        people[" ".join(name.split()).casefold()] = hourly_rate(value, f"rate of {name}")
    juniors: dict[Role, float] = {}
    for key, value in dict(raw.get("juniors") or {}).items():
        role = parse_role(key)
        if value is not None:  # none set: 60% of the role's rate
            juniors[role] = hourly_rate(value, f"junior rate of {role.value}")
    return Rates(roles=roles, people=people, juniors=juniors)


@dataclass(frozen=True)
class Cost:
    """A weekly cost, the month it makes, its currency, and who or what had no rate."""

    per_week: float
    currency: str
    no_rate_for: tuple[str, ...] = ()

    @property
    def per_month(self) -> float:
        return self.per_week * WEEKS_PER_MONTH

    @property
    def missing_text(self) -> str:
        """``no rate for: A, B`` or empty."""
        return f"no rate for: {', '.join(self.no_rate_for)}" if self.no_rate_for else ""


def team_cost(members: Sequence[Member], rates: Rates, currency: str) -> Cost:
    """The team's weekly cost: each person's hours (assigned, capped at what they have) at
    their own rate, else each role's hours at the role's rate."""
    total = 0.0
    missing: list[str] = []
    for member in members:
        share = member.capacity_hours / member.assigned_hours if member.assigned_hours else 0.0
        cost, priced = hours_cost(member, member.assignments, share, rates)
        total += cost
        if not priced:
            missing.append(member.name)
    return Cost(round(total, 2), currency, tuple(dict.fromkeys(missing)))


def hours_cost(
    member: Member, assignments: Iterable[Assignment], share: float, rates: Rates
) -> tuple[float, bool]:
    """What ``share`` of the hours of ``member``'s ``assignments`` costs a week, at their own
    rate, else each role's; and False when some role had no rate (counted for nothing).

    The one pricing rule of the team's cost, the serving hours' cost and a platform's share
    of it."""
    total = 0.0
    priced = True
    own = rates.for_person(member.name)
    for a in assignments:
        rate = own if own is not None else rates.for_role(a.role)
        if rate is None:
            priced = False
            continue
        total += a.hours * share * rate
    return total, priced


def gap_cost(gap_hours: float, roles: Sequence[Role], rates: Rates, currency: str) -> Cost:
    """The gap's weekly cost: its hours shared equally by the recommended roles, each at
    its rate (no roles recommended: nothing to price)."""
    if gap_hours <= 0 or not roles:
        return Cost(0.0, currency)
    each = gap_hours / len(roles)
    priced = [rates.for_role(r) for r in roles]
    missing = tuple(r.value for r, rate in zip(roles, priced, strict=True) if rate is None)
    total = sum(each * rate for rate in priced if rate is not None)
    return Cost(round(total, 2), currency, missing)


def positions_cost(positions: Sequence[Position], rates: Rates, currency: str) -> Cost:
    """The gap's weekly cost by position: each role's hours at the senior (role's) rate, or
    at the junior rate in a junior position; a role without one is named (``content_creator
    (junior)``)."""
    total = 0.0
    missing: list[str] = []
    for p in positions:
        junior = p.seniority is Seniority.JUNIOR
        for role, hours in zip(p.roles, p.hours, strict=True):
            rate = rates.for_junior(role) if junior else rates.for_role(role)
            if rate is None:
                missing.append(f"{role.value} (junior)" if junior else role.value)
                continue
            total += hours * rate
    return Cost(round(total, 2), currency, tuple(dict.fromkeys(missing)))


def money(cost: Cost, *, monthly: bool = False) -> str:
    """A cost as a reader sees it: ``EUR 1,234`` (whole units; a month is 52/12 weeks)."""
    amount = cost.per_month if monthly else cost.per_week
    return f"{cost.currency} {amount:,.0f}"
