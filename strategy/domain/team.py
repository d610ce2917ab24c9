"""The social team: members and their roles, the recommended core team, gaps, load and size.

Social strategy starts part-time and cross-functional: one channel rep per revenue channel
(integrated channels share one), plus customer support, IT and a social-media expert.
Specialist roles are added as the team grows; one person may hold several (a hybrid role).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from strategy.domain.choices import parse_enum
from strategy.domain.errors import ValidationError, given
from strategy.domain.limits import finite_number, week_hours
from strategy.domain.metrics import normalise_name, platform_name_problem, show_name


class Role(StrEnum):
    """What a person does for the social strategy; the values are the CLI identifiers."""

    CHANNEL_REP = "channel_rep"
    SUPPORT = "support"
    IT = "it"
    SOCIAL_EXPERT = "social_expert"
    SOCIAL_MEDIA_MANAGER = "social_media_manager"
    CONTENT_CREATOR = "content_creator"
    DATA_ANALYST = "data_analyst"
    COMMUNITY_MANAGER = "community_manager"
    PAID_MEDIA = "paid_media"


CORE_ROLES: Final[frozenset[Role]] = frozenset(
    {Role.CHANNEL_REP, Role.SUPPORT, Role.IT, Role.SOCIAL_EXPERT}
)
"""The part-time, cross-functional roles every social strategy starts with."""

SPECIALIST_ROLES: Final[frozenset[Role]] = frozenset(
    {
        Role.SOCIAL_MEDIA_MANAGER,
        Role.CONTENT_CREATOR,
        Role.DATA_ANALYST,
        Role.COMMUNITY_MANAGER,
        Role.PAID_MEDIA,
    }
)
"""Dedicated social roles a growing team adds; holding one makes a person dedicated staff."""

ROLE_LABELS: Final[dict[Role, str]] = {
    Role.CHANNEL_REP: "Channel rep",
    Role.SUPPORT: "Customer support",
    Role.IT: "IT",
    Role.SOCIAL_EXPERT: "Social-media expert",
    Role.SOCIAL_MEDIA_MANAGER: "Social media manager",
    Role.CONTENT_CREATOR: "Content creator",
    Role.DATA_ANALYST: "Social data analyst",
    Role.COMMUNITY_MANAGER: "Community manager",
    Role.PAID_MEDIA: "Paid-media specialist",
}


class DemandKind(StrEnum):
    """The kinds of work the community's demand is made of."""

    MESSAGES = "messages"
    CONTENT = "content"
    MONITORING = "monitoring"


RoleServes = Mapping[Role, frozenset[DemandKind]]
"""Which demand each role's hours serve; a role serving none adds no capacity."""

_ALL_DEMAND: Final[frozenset[DemandKind]] = frozenset(DemandKind)
DEFAULT_SERVES: Final[dict[Role, frozenset[DemandKind]]] = {
    Role.CHANNEL_REP: frozenset(),
    Role.SUPPORT: frozenset({DemandKind.MESSAGES}),
    Role.IT: frozenset(),
    Role.SOCIAL_EXPERT: _ALL_DEMAND,
    Role.SOCIAL_MEDIA_MANAGER: _ALL_DEMAND,
    Role.CONTENT_CREATOR: frozenset({DemandKind.CONTENT}),
    Role.DATA_ANALYST: frozenset({DemandKind.MONITORING}),
    Role.COMMUNITY_MANAGER: _ALL_DEMAND,
    Role.PAID_MEDIA: frozenset(),
}
"""Channel reps bring their channel's insight and IT sets up: their hours serve no demand."""

DEDICATED_ROLES: Final[frozenset[Role]] = frozenset({Role.SOCIAL_EXPERT, *SPECIALIST_ROLES})
"""The roles whose hours count as dedicated social staff in the team-size benchmark."""

FTE_HOURS: Final[float] = 40.0
"""The hours of one full-time person's week."""

CHANNEL_ROLES: Final[frozenset[Role]] = frozenset({Role.CHANNEL_REP})
"""The roles held for one revenue channel; every other role is held without one."""

SOCIAL_CHANNEL: Final[str] = "social"
"""The channel the social expert covers; it never gets a channel rep."""

CHANNEL_ALIASES: Final[dict[str, str]] = {
    "e_commerce": "ecommerce",
    "direct": "direct_marketing",
    "social_media": "social",
}
"""Common spellings of revenue channels, after ``normalise_name``, mapped to one name."""

MAX_NAME_LENGTH: Final[int] = 100

_ROLE_BY_NAME: Final[dict[str, Role]] = {
    **{normalise_name(label): role for role, label in ROLE_LABELS.items()},
    **{role.value: role for role in Role},
}


@dataclass(frozen=True)
class Assignment:
    """One role a member holds, with the weekly hours it takes; a channel for channel reps."""

    role: Role
    hours: float
    channel: str | None = None


@dataclass(frozen=True)
class Member:
    """A person on the social team, the hours a week they have and the roles they hold."""

    name: str
    available_hours: float
    assignments: tuple[Assignment, ...]
    start: dt.date | None = None  # their first day; None: from before any data
    end: dt.date | None = None  # the day they left (not counted from it); None: still here

    @property
    def assigned_hours(self) -> float:
        """Hours a week all their roles take together."""
        return sum(a.hours for a in self.assignments)

    @property
    def roles(self) -> tuple[Role, ...]:
        """Their distinct roles, in the order they were assigned."""
        return tuple(dict.fromkeys(a.role for a in self.assignments))

    @property
    def overloaded(self) -> bool:
        """True when their roles take more hours than they have: a burnout risk."""
        return self.assigned_hours > self.available_hours

    @property
    def capacity_hours(self) -> float:
        """Hours they really give: assigned hours, capped at what they have."""
        return min(self.assigned_hours, self.available_hours)


@dataclass(frozen=True)
class Seat:
    """A recommended core-team seat; ``channel`` is set for reps, e.g. ``ecommerce+retail``."""

    role: Role
    channel: str | None = None

    @property
    def label(self) -> str:
        """Human text, e.g. ``Channel rep (ecommerce+retail)``, ``Channel rep (direct
        marketing)``: the channel in words."""
        base = ROLE_LABELS[self.role]
        return f"{base} ({self.channel.replace('_', ' ')})" if self.channel else base


@dataclass(frozen=True)
class TeamBenchmark:
    """The company's size band, its usual number of dedicated social staff, and ours."""

    band: str
    employees: int
    low: int
    high: int | None
    dedicated_fte: float
    verdict: str


# --- parsing and validation -------------------------------------------------------------


def parse_role(raw: str) -> Role:
    """A role from its identifier or label (any case or spacing); ValidationError otherwise."""
    return parse_enum(Role, raw, "role", aliases=_ROLE_BY_NAME)


def normalise_channel(raw: str) -> str:
    """One channel name (``E-commerce`` -> ``ecommerce``); ``a + b`` gives ``a+b``, sorted."""
    if not isinstance(raw, str):
        raise ValidationError(f"channel: expected a channel name, got {raw!r}")
    parts = sorted({_one_channel(p) for p in str(raw).split("+")})
    if "" in parts:
        raise ValidationError(f"channel: expected a channel name, got {raw!r}")
    for part in parts:  # the rule for platform names: short, no invisible characters
        if (problem := platform_name_problem(part)) is not None:
            raise ValidationError(f"channel: {show_name(part)} {problem}")
    return "+".join(parts)


def _one_channel(raw: str) -> str:
    name = normalise_name(raw)
    return CHANNEL_ALIASES.get(name, name)


def role_channel(role: Role, raw: Any) -> str | None:
    """The channel a role is held for, from a form or the CLI (None or blank: no channel).

    A channel role needs a revenue channel, never the social one (the social expert covers
    it); every other role takes no channel.
    """
    blank = raw is None or (isinstance(raw, str) and not raw.strip())
    if role not in CHANNEL_ROLES:
        if not blank:
            raise ValidationError(
                f"channel: only a channel rep has a channel, got {given(raw)} for {role.value}"
            )
        return None
    if blank:
        raise ValidationError("channel: expected the revenue channel this rep covers, got nothing")
    channel = normalise_channel(raw)
    if channel == SOCIAL_CHANNEL:
        raise ValidationError(
            "channel: the social channel has no rep (the social expert covers it)"
        )
    return channel


def member_name(raw: Any) -> str:
    """A person's name from a form or the CLI: spaces folded, printable, at most 100 characters."""
    name = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not name:
        raise ValidationError(f"name: expected the person's name, got {given(raw)}")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"name: expected at most {MAX_NAME_LENGTH} characters, got {len(name)}"
        )
    if not name.isprintable():
        raise ValidationError(f"name: expected printable text, got {raw!r}")
    return name


def _assignment(raw: Assignment | Mapping[str, Any], where: str) -> Assignment:
    if isinstance(raw, Assignment):
        role_raw: Any = raw.role
        hours_raw: Any = raw.hours
        channel_raw: Any = raw.channel
    elif isinstance(raw, Mapping):
        role_raw, hours_raw, channel_raw = raw.get("role"), raw.get("hours"), raw.get("channel")
    else:
        raise ValidationError(f"{where}: expected a role with hours, got {raw!r}")
    try:
        role = parse_role(role_raw)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None
    where = f"{where} ({role.value})"
    try:
        return Assignment(
            role=role,
            hours=week_hours(hours_raw, "hours", allow_zero=False),
            channel=role_channel(role, channel_raw),
        )
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None


def make_member(
    name: object,
    available_hours: object,
    assignments: Iterable[Assignment | Mapping[str, Any]],
) -> Member:
    """Validate a member from user input (form or CLI); ValidationError names the field.

    ``assignments`` holds Assignment values or mappings with ``role``, ``hours`` and, for a
    channel rep, ``channel``. At least one role is required; a role (and channel) may
    appear only once.
    """
    clean_name = member_name(name)
    if isinstance(assignments, str | bytes | Mapping) or not isinstance(assignments, Iterable):
        raise ValidationError(f"roles: expected a list of roles with hours, got {assignments!r}")
    # The roles first: a person's available hours often default to a role's hours.
    items = tuple(_assignment(a, f"assignment {n}") for n, a in enumerate(assignments, start=1))
    available = week_hours(available_hours, "available hours", allow_zero=True)
    if not items:
        raise ValidationError("roles: expected at least one role, got none")
    seen: set[tuple[Role, str | None]] = set()
    for item in items:
        key = (item.role, item.channel)
        if key in seen:
            what = f"{item.role.value} for {item.channel}" if item.channel else item.role.value
            raise ValidationError(f"roles: {what} is assigned twice")
        seen.add(key)
    return Member(name=clean_name, available_hours=available, assignments=items)


# --- the recommended core team and its coverage -------------------------------------


def _integrated_groups(integrated: Iterable[str] | Iterable[Iterable[str]]) -> list[set[str]]:
    if isinstance(integrated, str):
        raise ValidationError(f"integrated: expected a list of channels, got {integrated!r}")
    raw: list[Any] = list(integrated)
    if not raw:
        return []
    groups: list[Any]
    if all(isinstance(x, str) for x in raw):
        groups = [raw]
    elif all(isinstance(x, Iterable) and not isinstance(x, str) for x in raw):
        groups = raw
    else:
        raise ValidationError(
            "integrated: expected either one list of channels or a list of channel groups"
        )
    return [{normalise_channel(c) for c in group} for group in groups]


def recommended_core_team(
    channels: Iterable[str], integrated: Iterable[str] | Iterable[Iterable[str]] = ()
) -> tuple[Seat, ...]:
    """One rep per revenue channel (integrated channels share one), then support, IT, expert.

    The social channel gets no rep: the social expert covers it. Reps come in the order
    the channels were given; a shared seat's channel is its channels sorted and joined by
    ``+``. Integrated groups that overlap are one group; channels in ``integrated`` that
    are not among ``channels`` are ignored.
    """
    if isinstance(channels, str):
        raise ValidationError(f"channels: expected a list of channels, got {channels!r}")
    revenue = [
        c for c in dict.fromkeys(normalise_channel(c) for c in channels) if c != SOCIAL_CHANNEL
    ]
    group_of = {c: {c} for c in revenue}
    for group in _integrated_groups(integrated):
        present = [c for c in group if c in group_of]
        if not present:
            continue
        merged = set().union(*(group_of[c] for c in present))
        for c in merged:
            group_of[c] = merged
    seats: list[Seat] = []
    placed: set[str] = set()
    for c in revenue:
        if c in placed:
            continue
        group = group_of[c]
        placed |= group
        seats.append(Seat(Role.CHANNEL_REP, "+".join(sorted(group))))
    seats += [Seat(Role.SUPPORT), Seat(Role.IT), Seat(Role.SOCIAL_EXPERT)]
    return tuple(seats)


def _holds(member: Member, seat: Seat) -> bool:
    for a in member.assignments:
        if a.role is not seat.role:
            continue
        if seat.channel is None:
            return True
        if a.channel is not None and set(a.channel.split("+")) & set(seat.channel.split("+")):
            return True
    return False


def coverage_gaps(members: Sequence[Member], seats: Sequence[Seat]) -> tuple[Seat, ...]:
    """Seats nobody holds. A rep seat is held by a rep of the same or any overlapping channel."""
    return tuple(s for s in seats if not any(_holds(m, s) for m in members))


def overloaded(members: Iterable[Member]) -> tuple[Member, ...]:
    """Members whose roles take more hours than they have."""
    return tuple(m for m in members if m.overloaded)


def team_capacity(members: Iterable[Member]) -> float:
    """The team's real weekly social hours: hours above a person's availability do not count."""
    return sum((m.capacity_hours for m in members), start=0.0)


def _capped_hours(member: Member, roles: Callable[[Role], bool]) -> float:
    """A member's hours in the roles ``roles`` accepts, capped at what they have."""
    hours = sum(a.hours for a in member.assignments if roles(a.role))
    return min(hours, member.available_hours)


def serving_hours(members: Iterable[Member], serves: RoleServes = DEFAULT_SERVES) -> float:
    """The team's weekly hours in roles that serve some demand, capped at each availability.

    This is the capacity the resource signal compares demand with: a channel rep's or IT's
    hours are real social work, but not inbox, content or monitoring work.
    """
    return sum(
        (_capped_hours(m, lambda r: bool(serves.get(r, frozenset()))) for m in members),
        start=0.0,
    )


def dedicated_fte(members: Iterable[Member], fte_hours: float = FTE_HOURS) -> float:
    """Full-time equivalents (``fte_hours`` = 1) held in social-expert and specialist roles."""
    hours = sum((_capped_hours(m, DEDICATED_ROLES.__contains__) for m in members), start=0.0)
    return round(hours / fte_hours, 1)


def serves_from_dict(raw: Any) -> dict[Role, frozenset[DemandKind]]:
    """Validate a role -> demand kinds mapping (JSON form); roles not named keep the default."""
    if not isinstance(raw, Mapping):
        raise ValidationError(
            f"roles' demand: expected each role mapped to what it serves, got {raw!r}"
        )
    out = dict(DEFAULT_SERVES)
    for key, kinds in raw.items():
        role = parse_role(key)
        if isinstance(kinds, str) or not isinstance(kinds, Iterable):
            raise ValidationError(
                f"roles' demand: {role.value}: expected a list of "
                f"{', '.join(k.value for k in DemandKind)}, got {kinds!r}"
            )
        what = f"roles' demand: {role.value}"
        out[role] = frozenset(parse_enum(DemandKind, kind, what) for kind in kinds)
    return out


def serves_to_dict(serves: RoleServes) -> dict[str, list[str]]:
    """The JSON form of a role -> demand kinds mapping, every role, kinds in a fixed order."""
    return {
        role.value: [k.value for k in DemandKind if k in serves.get(role, frozenset())]
        for role in Role
    }


# --- size benchmark and warnings ------------------------------------------------------

MAX_EMPLOYEES: Final[int] = 10_000_000

_BANDS: Final[tuple[tuple[int, str, str, int, int | None], ...]] = (
    # (largest employee count, band, who, low, high) of dedicated social staff
    (50, "small", "small companies (1-50 employees)", 1, 2),
    (999, "mid-size", "mid-size companies (51-999 employees)", 3, 5),
    (MAX_EMPLOYEES, "enterprise", "enterprises (1,000+ employees)", 11, None),
)


def employee_count(raw: Any) -> int:
    """A company's headcount from a form or the store: a whole number from 1 to 10,000,000."""
    expected = f"employees: expected a whole number from 1 to {MAX_EMPLOYEES:,}"
    value = finite_number(raw)
    if value is None or value != int(value) or not 1 <= value <= MAX_EMPLOYEES:
        raise ValidationError(f"{expected}, got {given(raw)}")
    return int(value)


def team_size_benchmark(
    employees: int, members: Iterable[Member], fte_hours: float = FTE_HOURS
) -> TeamBenchmark:
    """Compare the dedicated social staff, in full-time equivalents, with the usual band.

    1-50 employees mostly have 1-2 dedicated social staff, mid-size companies 3-5,
    enterprises (1,000+) 11 or more. Dedicated staff is the hours held in social-expert and
    specialist roles, ``fte_hours`` to one person (``dedicated_fte``).
    """
    count = employee_count(employees)
    band, who, low, high = next((b, w, lo, hi) for top, b, w, lo, hi in _BANDS if count <= top)
    fte = dedicated_fte(members, fte_hours)
    usual = f"{low}-{high}" if high is not None else f"{low} or more"
    if fte < low:
        position = "below"
    elif high is not None and fte > high:
        position = "above"
    else:
        position = "within"
    verdict = (
        f"{fte:.1f} full-time equivalents of dedicated social staff for {count:,} employees: "
        f"{position} the benchmark of {usual} for {who}."
    )
    return TeamBenchmark(
        band=band, employees=count, low=low, high=high, dedicated_fte=fte, verdict=verdict
    )


def _fmt_hours(hours: float) -> str:
    return f"{round(hours, 2):g}"


def team_warnings(members: Sequence[Member], seats: Sequence[Seat]) -> tuple[str, ...]:
    """Plain sentences about empty seats and overloaded people, seats first."""
    warnings = [f"Nobody holds the {s.label} seat." for s in coverage_gaps(members, seats)]
    warnings += [
        f"{m.name} is assigned {_fmt_hours(m.assigned_hours)} h but has "
        f"{_fmt_hours(m.available_hours)} h: burnout risk."
        for m in overloaded(members)
    ]
    return tuple(warnings)
