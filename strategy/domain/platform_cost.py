"""Each platform's share of the team's serving hours and of their cost, week by week: the one
rule behind the value view's cost per platform (``strategy.domain.value``) and the
stop-or-continue review's hours and cost since a stall (``strategy.domain.platform_review``).

**The week's serving hours and cost.** The people present on the week's Monday serve with
their hours in the roles that serve demand, capped at the hours they have (as
``team.serving_hours`` counts them). A new person is paid in full from their start: the
week's cost is every present person's capped serving hours at their own rate, else each
role's (``costs.hours_cost``; a person or role without a rate is named and costs nothing).
Only their effective hours ramp up (``presence.ramp_share``: a third, then two thirds of
their hours in their first 60 days, by default).

**The split.** Both are split over the platforms in proportion to each platform's demand
that week: its messages x minutes a message, posts x hours a post, and monitoring while in
retention or active (``strategy.domain.demand``'s settings, the demand the signal sums). A
stopped platform has no demand from the Monday its stop decision was made on. A week
without demand leaves its hours and cost with no platform (the cost still counts in the
rollout's total).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from strategy.domain.clock import as_date
from strategy.domain.costs import Rates, hours_cost
from strategy.domain.demand import DemandSettings
from strategy.domain.gates import Stage
from strategy.domain.metrics import column_numbers
from strategy.domain.presence import DEFAULT_RAMP_UP, RampUp, present_on, ramp_share
from strategy.domain.stages import PlatformStatus
from strategy.domain.team import DEFAULT_SERVES, Member, RoleServes

if TYPE_CHECKING:  # loaded where a frame is computed, not with the rules
    import pandas as pd

PlatformWeek = tuple[str, dt.date]
"""A platform and the Monday of one of its weeks."""


@dataclass(frozen=True)
class Team:
    """What the split needs of the team: everyone who was ever on it (each week counts those
    present on its Monday), the rates, the roles that serve demand and the ramp-up shares."""

    members: Sequence[Member]
    rates: Rates = field(default_factory=Rates)
    serves: RoleServes = field(default_factory=lambda: DEFAULT_SERVES)
    ramp_up: RampUp = DEFAULT_RAMP_UP


@dataclass(frozen=True)
class ServingWeek:
    """One week's serving hours (new people's at their ramp-up share), what they cost (everyone
    paid in full) and who had no rate."""

    hours: float
    cost: float
    no_rate_for: tuple[str, ...] = ()


def serving_week(team: Team, week: dt.date) -> ServingWeek:
    """The team's serving hours and their cost in the week of Monday ``week``."""
    hours = cost = 0.0
    missing: list[str] = []
    for member in team.members:
        if not present_on(member, week):
            continue
        serving = [a for a in member.assignments if team.serves.get(a.role, frozenset())]
        assigned = sum(a.hours for a in serving)
        if assigned <= 0:
            continue
        capped = min(assigned, member.available_hours)
        paid, priced = hours_cost(member, serving, capped / assigned, team.rates)
        hours += ramp_share(member, week, team.ramp_up) * capped
        cost += paid
        if not priced:
            missing.append(member.name)
    return ServingWeek(hours, cost, tuple(dict.fromkeys(missing)))


def _stage_in(status: PlatformStatus | None, week: dt.date) -> Stage | None:
    """A platform's stage in a week: its last known stage by then (None before any)."""
    known = [s for s in status.timeline if as_date(s.week) <= week] if status else []
    return max(known, key=lambda s: as_date(s.week)).stage if known else None


def platform_week_demand(
    wide: pd.DataFrame,
    statuses: Mapping[str, PlatformStatus],
    weeks: Sequence[dt.date],
    platforms: Sequence[str],
    settings: DemandSettings,
    stopped: Mapping[str, dt.date] | None = None,
) -> dict[PlatformWeek, float]:
    """Each platform's demand hours in each week: messages at the minutes a message, posts at
    the hours a post, monitoring while in retention or active. ``stopped`` holds the day each
    stopped platform was stopped on: no demand from a week starting on or after it."""
    table = wide[wide["platform"].isin(platforms)] if not wide.empty else wide
    counts = {
        (str(p), as_date(w)): (m, b)
        for p, w, m, b in zip(
            table.get("platform", []),
            table.get("week", []),
            column_numbers(table, "inbound_messages", missing=0.0),
            column_numbers(table, "brand_posts", missing=0.0),
            strict=True,
        )
    }
    ended = stopped or {}
    out: dict[PlatformWeek, float] = {}
    for week in weeks:
        for platform in platforms:
            if platform in ended and week >= ended[platform]:
                continue
            messages, posts = counts.get((platform, week), (0.0, 0.0))
            watched = _stage_in(statuses.get(platform), week) in (Stage.RETENTION, Stage.ACTIVE)
            out[(platform, week)] = (
                messages * settings.minutes_per_message / 60.0
                + posts * settings.hours_per_post
                + (settings.monitoring_hours_per_platform if watched else 0.0)
            )
    return out


@dataclass(frozen=True)
class PlatformSplit:
    """Each week's serving hours and cost, and each platform's share of them by its demand."""

    demand: Mapping[PlatformWeek, float]
    weeks: Mapping[dt.date, ServingWeek]
    hours: Mapping[PlatformWeek, float]
    costs: Mapping[PlatformWeek, float]

    @property
    def no_rate_for(self) -> tuple[str, ...]:
        """Everyone whose hours had no rate in some week."""
        return tuple(dict.fromkeys(n for w in self.weeks.values() for n in w.no_rate_for))

    def since(self, platform: str, day: dt.date | None) -> tuple[float, float]:
        """A platform's hours and cost summed over its weeks from ``day`` (none: 0)."""
        if day is None:
            return 0.0, 0.0
        keys = [k for k in self.hours if k[0] == platform and k[1] >= day]
        return sum((self.hours[k] for k in keys), 0.0), sum((self.costs[k] for k in keys), 0.0)


def split_by_demand(demand: Mapping[PlatformWeek, float], team: Team) -> PlatformSplit:
    """Each week's serving hours and cost, split over the platforms by their demand."""
    weeks = sorted({w for _, w in demand})
    totals = {w: sum(h for (_, x), h in demand.items() if x == w) for w in weeks}
    serving = {w: serving_week(team, w) for w in weeks}

    def share(platform_week: PlatformWeek) -> float:
        total = totals[platform_week[1]]
        return demand[platform_week] / total if total > 0 else 0.0

    return PlatformSplit(
        demand,
        serving,
        {k: serving[k[1]].hours * share(k) for k in demand},
        {k: serving[k[1]].cost * share(k) for k in demand},
    )
