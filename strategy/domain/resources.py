"""The resource signal: does the community's demand justify adding people, and how many?
(The weekly demand it reads and its settings are ``strategy.domain.demand``'s; they are
importable from here too.)

Extra resources are justified only when three things hold together: a community has been
active for a while, its demand for the team's attention exceeds the hours that serve it, and
a tested strategy backs the plan. Each condition always says its value and why. Everything
is read at the end of the common window (``strategy.domain.horizons.common_window``): the last
complete weeks that every platform feeding demand has, so ragged uploads move nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

from strategy.domain.demand import DEFAULT_SETTINGS as DEFAULT_SETTINGS
from strategy.domain.demand import SETTING_NAMES as SETTING_NAMES
from strategy.domain.demand import DemandSettings as DemandSettings
from strategy.domain.demand import WeekDemand as WeekDemand
from strategy.domain.demand import check_capacity
from strategy.domain.demand import settings_from_dict as settings_from_dict
from strategy.domain.demand import settings_to_dict as settings_to_dict
from strategy.domain.demand import weekly_demand as weekly_demand
from strategy.domain.gates import Stage
from strategy.domain.hire_check import HOURS_TOLERANCE, NO_HIRING, HiringProgress
from strategy.domain.horizons import SignalWindow
from strategy.domain.numbers import plain_number, plural
from strategy.domain.positions import Position, positions, shared_hours
from strategy.domain.stages import PlatformStatus, stage_at
from strategy.domain.team import ROLE_LABELS, Role
from strategy.domain.tested import TestOutcome as TestOutcome
from strategy.domain.tested import tested_words


class SignalStatus(StrEnum):
    """The verdict of the resource signal."""

    JUSTIFIED = "justified"
    NOT_YET = "not_yet"
    NOT_JUSTIFIED = "not_justified"


# --- inputs and outputs ---------------------------------------------------------------


class ConditionKey(StrEnum):
    """The three conditions of the resource signal."""

    ACTIVE_COMMUNITY = "active_community"
    DEMAND_EXCEEDS_CAPACITY = "demand_exceeds_capacity"
    TESTED_STRATEGY = "tested_strategy"


ACTIVE_COMMUNITY: Final = ConditionKey.ACTIVE_COMMUNITY
DEMAND_EXCEEDS_CAPACITY: Final = ConditionKey.DEMAND_EXCEEDS_CAPACITY
TESTED_STRATEGY: Final = ConditionKey.TESTED_STRATEGY

NO_DATA: Final[str] = "no data"
"""A condition's value before any complete week of metrics."""
NO_COMPLETE_WEEK: Final[str] = "no complete week of metrics yet"
"""Why a condition, or the whole signal, cannot be read yet."""

CONDITION_LABELS: Final[dict[ConditionKey, str]] = {
    ACTIVE_COMMUNITY: "Active community, sustained",
    DEMAND_EXCEEDS_CAPACITY: "Demand exceeds part-time capacity",
    TESTED_STRATEGY: "Strategy backed by a tested win",
}


@dataclass(frozen=True)
class Condition:
    """One of the three conditions, with its measured value and why it is (not) met."""

    key: ConditionKey
    label: str
    met: bool
    value: str
    reason: str


@dataclass(frozen=True)
class ResourceSignal:
    """The verdict, its three conditions, and when justified the gap and who would close it."""

    status: SignalStatus
    conditions: tuple[Condition, ...]
    gap_hours_per_week: float
    gap_people: float
    recommended_roles: tuple[Role, ...]
    summary: str
    window: SignalWindow
    positions: tuple[Position, ...] = ()
    """The gap as positions a person could hold (``strategy.domain.positions``)."""
    hiring: HiringProgress = NO_HIRING
    """The approved hires: the gap leaves out the approved hours that do not serve yet."""
    facts: DemandFacts | None = None
    """The window's demand facts (None before any complete week)."""
    need_hours: float = 0.0
    """The hours a week demand needs beyond the serving hours, before the approved hires
    are counted: what a hire's review compares with its request's claimed gap."""
    active: tuple[tuple[str, int], ...] = ()
    """(platform, weeks active) at the window's last week, longest first."""

    @property
    def asks_for_more(self) -> bool:
        """Justified, and not all of it approved already: a request may be raised."""
        covered = self.hiring.in_progress and self.gap_hours_per_week <= 0
        return self.status is SignalStatus.JUSTIFIED and not covered


# --- the three conditions ------------------------------------------------------------------


def _active_at(
    statuses: Mapping[str, PlatformStatus], window: SignalWindow
) -> list[tuple[str, int]]:
    """(platform, weeks active) at the window's last week, longest first."""
    if window.last is None:
        return []
    found = []
    for name in window.platforms:
        status = statuses.get(name)
        at = stage_at(status, window.last) if status else None
        if at is not None and at[0] is Stage.ACTIVE:
            found.append((name, at[1]))
    return sorted(found, key=lambda item: (-item[1], item[0]))


def _active_condition(
    active: Sequence[tuple[str, int]], has_data: bool, settings: DemandSettings
) -> Condition:
    required = settings.active_weeks_required

    def condition(met: bool, value: str, reason: str) -> Condition:
        return Condition(ACTIVE_COMMUNITY, CONDITION_LABELS[ACTIVE_COMMUNITY], met, value, reason)

    if not has_data:
        return condition(False, NO_DATA, NO_COMPLETE_WEEK)
    if not active:
        return condition(
            False, "no platform active", "no platform is active in the window's last week"
        )
    value = ", ".join(f"{name} active for {plural(weeks, 'week')}" for name, weeks in active)
    name, weeks = active[0]
    if weeks >= required:
        return condition(
            True,
            value,
            f"{name} has been active for {plural(weeks, 'week')}, at least the {required} required",
        )
    return condition(False, value, f"{name} active only {plural(weeks, 'week')}, needs {required}")


@dataclass(frozen=True)
class DemandFacts:
    """The demand facts of the window's weeks that the demand condition, the gap and a
    hire's review rely on."""

    weeks: int
    capacity: float
    mean_total: float
    mean_messages: float
    mean_content: float
    mean_monitoring: float
    slow_weeks: int
    measured_weeks: int
    mean_response: float | None
    by_demand: bool
    by_response: bool


def _window_facts(window: Sequence[WeekDemand], capacity: float, s: DemandSettings) -> DemandFacts:
    n = len(window)

    def mean(values: Sequence[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    mean_total = mean([w.total_hours for w in window])
    responses = [w.response_minutes for w in window if w.response_minutes is not None]
    slow = sum(1 for r in responses if r > s.response_target_minutes)
    # With no capacity at all, any demand exceeds it (and no demand does not).
    limit = s.utilisation_threshold * capacity
    by_demand = mean_total >= limit if capacity > 0 else mean_total > 0
    return DemandFacts(
        weeks=n,
        capacity=capacity,
        mean_total=mean_total,
        mean_messages=mean([w.message_hours for w in window]),
        mean_content=mean([w.content_hours for w in window]),
        mean_monitoring=mean([w.monitoring_hours for w in window]),
        slow_weeks=slow,
        measured_weeks=len(responses),
        mean_response=mean(responses) if responses else None,
        by_demand=by_demand,
        by_response=n > 0 and slow == n,
    )


def _demand_condition(w: DemandFacts, s: DemandSettings) -> Condition:
    target = f"{plain_number(s.response_target_minutes)}-minute"
    period = f"the {plural(w.weeks, 'week')} of the window"
    if w.weeks == 0:
        return Condition(
            DEMAND_EXCEEDS_CAPACITY,
            CONDITION_LABELS[DEMAND_EXCEEDS_CAPACITY],
            False,
            NO_DATA,
            NO_COMPLETE_WEEK,
        )
    value = f"demand {w.mean_total:,.1f} h/week vs {w.capacity:,.1f} serving hours"
    if w.capacity > 0:
        share = w.mean_total / w.capacity
        value += f" ({share:.0%})"
        demand_text = (
            f"demand over {period} averages {share:.0%} of capacity, "
            f"{'at least' if w.by_demand else 'under'} the {s.utilisation_threshold:.0%} threshold"
        )
    elif w.by_demand:
        demand_text = f"no team hours serve demand while it averages {w.mean_total:,.1f} h/week"
    else:
        demand_text = "no team hours serve demand, but there is no demand either"
    if w.measured_weeks:
        value += (
            f"; slowest response over {plain_number(s.response_target_minutes)} min "
            f"in {w.slow_weeks} of {w.weeks} weeks"
        )
    if w.by_response:
        response_text = f"responses were slower than the {target} target in each of {period}"
    elif w.measured_weeks == 0:
        response_text = "response times were not measured"
    else:
        response_text = (
            f"responses were slower than the {target} target in only {w.slow_weeks} of {period}"
        )
    if w.by_demand and w.by_response:
        reason = f"{demand_text}, and {response_text}"
    elif w.by_demand:
        reason = demand_text
    elif w.by_response:
        reason = f"{response_text} (although {demand_text})"
    else:
        reason = f"{demand_text}, and {response_text}"
    return Condition(
        DEMAND_EXCEEDS_CAPACITY,
        CONDITION_LABELS[DEMAND_EXCEEDS_CAPACITY],
        w.by_demand or w.by_response,
        value,
        reason,
    )


def _tested_condition(tests: Sequence[TestOutcome]) -> Condition:
    met, value, reason = tested_words(tests)
    return Condition(TESTED_STRATEGY, CONDITION_LABELS[TESTED_STRATEGY], met, value, reason)


# --- the gap ---------------------------------------------------------------------------------


def _gap(w: DemandFacts, s: DemandSettings) -> tuple[float, bool]:
    """Hours per week to add, and whether they come from the response-time route."""
    gap = max(w.mean_total / s.utilisation_threshold - w.capacity, 0.0) if w.by_demand else 0.0
    if round(gap, 1) > 0 or not w.by_response or w.mean_response is None:
        return gap, False
    over = w.mean_messages * (w.mean_response / s.response_target_minutes - 1.0)
    return max(over, 1.0), True


def _roles(
    w: DemandFacts, gap: float, from_response: bool, team_roles: Collection[Role]
) -> tuple[Role, ...]:
    specialists: list[Role]
    if from_response:
        specialists = [Role.COMMUNITY_MANAGER]
    else:
        workloads = [
            (w.mean_messages, Role.COMMUNITY_MANAGER),
            (w.mean_content, Role.CONTENT_CREATOR),
            (w.mean_monitoring, Role.DATA_ANALYST),
        ]
        specialists = []
        covered = 0.0
        for hours, role in sorted((x for x in workloads if x[0] > 0), key=lambda x: -x[0]):
            specialists.append(role)
            covered += hours
            if covered >= gap:
                break
    if Role.SOCIAL_MEDIA_MANAGER not in team_roles:
        specialists.insert(0, Role.SOCIAL_MEDIA_MANAGER)
    return tuple(specialists)


# --- the signal ------------------------------------------------------------------------------


def _role_text(role: Role) -> str:
    """A recommended role in running text, e.g. ``a social media manager``."""
    return f"a {ROLE_LABELS[role].lower()}"


def _justified_summary(
    w: DemandFacts,
    s: DemandSettings,
    gap: float,
    people: float,
    from_response: bool,
    roles: Sequence[Role],
) -> str:
    hires = ", then ".join(_role_text(r) for r in roles)
    fte = f"{people:.1f} full-time equivalent" if people > 0 else "under 0.1 full-time equivalent"
    if from_response:
        over = (w.mean_response or 0.0) / s.response_target_minutes - 1.0
        return (
            "Extra resources are justified: responses were slower than the "
            f"{plain_number(s.response_target_minutes)}-minute target every week, "
            f"{over:.0%} over it on "
            f"average; add about {gap:,.1f} hours a week of message handling ({fte}), "
            f"starting with {hires}."
        )
    if gap == 0:
        return (
            "Extra resources are justified: demand has reached the "
            f"{s.utilisation_threshold:.0%} limit of the team's capacity, with no slack left; "
            f"any growth needs more hours, starting with {hires}."
        )
    return (
        f"Extra resources are justified: add about {gap:,.1f} hours a week ({fte}), "
        f"starting with {hires}."
    )


def _summary(status: SignalStatus, conditions: Sequence[Condition], has_data: bool) -> str:
    """The verdict in one sentence when it is not justified (yet)."""
    if status is SignalStatus.NOT_JUSTIFIED:
        if not has_data:
            return f"Extra resources are not justified: {NO_COMPLETE_WEEK}."
        return "Extra resources are not justified: no platform has an active community yet."
    missing = "; ".join(c.reason for c in conditions if not c.met)
    return f"Extra resources are not yet justified: {missing}."


def _hiring_summary(summary: str, status: SignalStatus, gap: float, hiring: HiringProgress) -> str:
    """The verdict's sentence with the hiring in progress said: when justified, the gap is
    what remains beyond the approved hours that do not serve yet."""
    if not hiring.in_progress:
        return summary
    if status is SignalStatus.JUSTIFIED and gap <= 0:
        unhired = hiring.approved_hours - hiring.started_hours
        then = (
            f"{plain_number(round(unhired, 1))} h approved have not started yet"
            if unhired > HOURS_TOLERANCE
            else "the new people ramp up to their full hours"
        )
        return (
            f"Extra resources are justified, and the hours are approved already: {hiring.text}. "
            f"Nothing more to ask for: {then}."
        )
    beyond = "; the gap is counted beyond them" if status is SignalStatus.JUSTIFIED else ""
    return f"{summary} {hiring.text[0].upper()}{hiring.text[1:]}{beyond}."


def resource_signal(
    demand: Sequence[WeekDemand],
    statuses: Mapping[str, PlatformStatus],
    tests: Sequence[TestOutcome],
    capacity_hours: float,
    team_roles: Collection[Role],
    window: SignalWindow,
    settings: DemandSettings = DEFAULT_SETTINGS,
    hiring: HiringProgress = NO_HIRING,
) -> ResourceSignal:
    """Whether extra resources are justified at the window's end, with every reason.

    ``demand`` is ``weekly_demand`` for the same window; ``capacity_hours`` the hours of the
    roles that serve demand (``strategy.domain.team.serving_hours``); ``hiring`` the approved
    hires, whose hours that do not serve yet are never asked for again.
    """
    capacity = check_capacity(capacity_hours)
    in_window = [d for d in demand if d.week in window.weeks]
    facts = _window_facts(in_window, capacity, settings)
    active = tuple(_active_at(statuses, window))
    has_data = bool(in_window)
    conditions = (
        _active_condition(active, has_data, settings),
        _demand_condition(facts, settings),
        _tested_condition(tests),
    )
    if not has_data or not active:
        status = SignalStatus.NOT_JUSTIFIED
    elif all(c.met for c in conditions):
        status = SignalStatus.JUSTIFIED
    else:
        status = SignalStatus.NOT_YET
    need, from_response = _gap(facts, settings) if has_data else (0.0, False)
    found = ResourceSignal(
        status=status,
        conditions=conditions,
        gap_hours_per_week=0.0,
        gap_people=0.0,
        recommended_roles=(),
        summary="",
        window=window,
        hiring=hiring,
        facts=facts if has_data else None,
        need_hours=round(need, 1),
        active=active,
    )
    if status is not SignalStatus.JUSTIFIED:
        summary = _summary(status, conditions, has_data)
        return replace(found, summary=_hiring_summary(summary, status, 0.0, hiring))
    return _justified(found, settings, need, from_response, team_roles)


def _justified(
    found: ResourceSignal,
    settings: DemandSettings,
    need: float,
    from_response: bool,
    team_roles: Collection[Role],
) -> ResourceSignal:
    """The justified signal with its gap: the hours demand needs beyond the serving hours,
    less the approved hours that do not serve yet, as roles and positions."""
    facts, hiring = found.facts, found.hiring
    assert facts is not None  # justified: there are complete weeks
    raw_gap = max(need - hiring.pending_hours, 0.0)
    gap = round(raw_gap, 1)
    if hiring.in_progress and gap <= 0:
        return replace(found, summary=_hiring_summary("", found.status, 0.0, hiring))
    people = round(raw_gap / settings.fte_hours, 1)
    roles = _roles(facts, raw_gap, from_response, team_roles)
    summary = _justified_summary(facts, settings, gap, people, from_response, roles)
    return replace(
        found,
        gap_hours_per_week=gap,
        gap_people=people,
        recommended_roles=roles,
        summary=_hiring_summary(summary, found.status, gap, hiring),
        positions=positions(shared_hours(gap, roles), settings.fte_hours, team_roles),
    )
