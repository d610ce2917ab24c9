"""The rollout analysis of a workspace snapshot: stages, tests, team and the resource signal.

``analyse`` is the one place where they are put together; the report, the request's frozen
evidence and every page read from its result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import ClassVar

import pandas as pd

from strategy.domain.baselines import missing_baselines, with_baselines
from strategy.domain.clock import as_date
from strategy.domain.costs import Cost, positions_cost, team_cost
from strategy.domain.demand import WeekDemand, weekly_demand
from strategy.domain.experiments import (
    StrategyTest,
    TestStats,
    TestStatus,
    conclusion_text,
)
from strategy.domain.experiments.kept import stats_of
from strategy.domain.gates import Stage
from strategy.domain.hire_check import Reading
from strategy.domain.hiring import hires, hiring_progress, review, review_due_on, signal_reading
from strategy.domain.horizons import (
    Horizon,
    common_window,
    complete_weeks,
    horizons,
    with_completeness,
)
from strategy.domain.metrics import to_wide
from strategy.domain.partial_weeks import partial_weeks
from strategy.domain.platform_cost import (
    PlatformSplit,
    Team,
    platform_week_demand,
    split_by_demand,
)
from strategy.domain.platform_review import (
    PlatformDecision,
    Review,
    platform_reviews,
    stopped_platforms,
)
from strategy.domain.presence import present, ramped_serving_hours
from strategy.domain.requests import RequestView, ResourceRequest, as_of, view
from strategy.domain.resources import (
    ResourceSignal,
    TestOutcome,
    resource_signal,
)
from strategy.domain.snapshot import Snapshot
from strategy.domain.stages import (
    PlatformStatus,
    evaluate_all,
    overall_stage,
    stage_counts,
)
from strategy.domain.team import (
    Member,
    Seat,
    TeamBenchmark,
    coverage_gaps,
    recommended_core_team,
    team_capacity,
    team_size_benchmark,
    team_warnings,
)
from strategy.domain.value import ValueView, value_view


@dataclass(frozen=True)
class TestResult:
    """A logged test with its statistics and its conclusion in plain words."""

    __test__: ClassVar[bool] = False  # not a pytest test class, despite its name

    test: StrategyTest
    stats: TestStats | None
    conclusion: str


@dataclass(frozen=True)
class TeamView:
    """The team against the recommended core team and the size benchmark."""

    capacity_hours: float
    """Every role's hours of the people present, capped at what each has: social hours."""
    serving_hours: float
    """The hours of the roles that serve demand, each new person's at their ramp-up share:
    what the resource signal compares with."""
    seats: tuple[Seat, ...]
    empty_seats: tuple[Seat, ...]
    benchmark: TeamBenchmark
    warnings: tuple[str, ...]
    cost: Cost
    """What the team's social hours cost a week (and who has no rate)."""


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything the dashboard and the report show, computed from one snapshot."""

    data_version: int
    today: dt.date
    latest_week: dt.date | None
    """The newest horizon of any platform: the latest complete week with data."""
    wide: pd.DataFrame = field(repr=False)
    """Every week with data up to ``today``, complete or in progress (``complete`` column)."""
    horizons: dict[str, Horizon]
    statuses: dict[str, PlatformStatus]
    stage_counts: dict[Stage, int]
    overall_stage: Stage
    tests: tuple[TestResult, ...]
    team: TeamView
    demand: tuple[WeekDemand, ...]
    signal: ResourceSignal
    gap_cost: Cost
    """What the gap's positions cost a week: each role's hours at its rate, a junior
    position's at the role's junior rate."""
    requests: tuple[RequestView, ...] = ()
    """Every resource request, newest first, flagged stale when today's signal is not
    justified, with who was hired against it and, once due, its review."""
    reading: Reading | None = None
    """What the signal read over its window: a new request's evidence keeps it."""
    missing_baselines: frozenset[str] = frozenset()
    """Platforms whose followers wait for a baseline (``strategy.domain.baselines``)."""
    stopped: dict[str, PlatformDecision] = field(default_factory=dict)
    """Platforms stopped on ``today``, each with its stop decision: out of the demand, the
    stall list and the signal, still in ``statuses`` (not stalled)."""
    reviews: tuple[Review, ...] = ()
    """Every platform under a stop-or-continue review or decided (``platform_review``)."""
    value: ValueView | None = None
    """What social returns against what each platform costs (``strategy.domain.value``)."""


def analyse(snapshot: Snapshot, today: dt.date) -> Analysis:
    """Evaluate stages, tests, team and the resource signal as they stand on ``today``.

    Only complete weeks count (``strategy.domain.horizons``); data of weeks starting after
    ``today`` and overrides starting after it are ignored, so an earlier ``today`` shows the
    report as it stood then.
    """
    weeks = complete_weeks(snapshot.coverage, today, partial_weeks(snapshot.weekly, snapshot.gates))
    built = with_baselines(snapshot.weekly, snapshot.baselines, snapshot.daily_changes)
    wide = with_completeness(to_wide(built), weeks)
    counted = wide[wide["complete"]].drop(columns="complete").reset_index(drop=True)
    found = horizons(weeks)
    overrides = [o for o in snapshot.overrides if o.week <= today]
    measured = evaluate_all(counted, snapshot.gates, snapshot.checklist, overrides)
    stopped = stopped_platforms(snapshot.platform_decisions, today)
    statuses = {
        n: replace(s, stalled=False, stall_reason="") if n in stopped else s
        for n, s in measured.items()
    }
    live = {n: s for n, s in statuses.items() if n not in stopped}
    results = _test_results(snapshot)
    team = _team_view(snapshot, today)
    outcomes = [_outcome(r) for r in results]
    roles = {a.role for m in everyone(snapshot, today) for a in m.assignments}
    window = common_window(
        {n: h for n, h in found.items() if n not in stopped}, snapshot.demand.window_weeks
    )
    serving = team.serving_hours
    demand = weekly_demand(counted, live, serving, snapshot.demand, window)
    then = as_of(snapshot.requests, today)
    progress = hiring_progress(then, snapshot.onboarding, snapshot.members, today, snapshot.ramp_up)
    signal = resource_signal(
        demand, live, outcomes, serving, roles, window, snapshot.demand, progress
    )
    reading = signal_reading(signal, snapshot.demand)
    split = _split(snapshot, counted, measured, demand, stopped)
    gap = positions_cost(signal.positions, snapshot.rates, snapshot.company.currency)
    return Analysis(
        data_version=snapshot.data_version,
        today=today,
        latest_week=max((h.data_through for h in found.values() if h.data_through), default=None),
        wide=wide,
        horizons=found,
        statuses=statuses,
        stage_counts=stage_counts(statuses),
        overall_stage=overall_stage(statuses),
        tests=results,
        team=team,
        demand=demand,
        signal=signal,
        gap_cost=gap,
        requests=_request_views(snapshot, then, signal, reading, today),
        reading=reading,
        missing_baselines=missing_baselines(snapshot.weekly, snapshot.baselines),
        stopped=stopped,
        reviews=_reviews(snapshot, split, measured, today),
        value=value_view(counted, split, window, snapshot.company.currency),
    )


def _test_results(snapshot: Snapshot) -> tuple[TestResult, ...]:
    """Each logged test with its statistics (as kept from its last save while still current)
    and conclusion (a test on value's unit in the workspace's currency)."""
    currency = snapshot.company.currency
    kept = snapshot.kept_stats
    return tuple(
        TestResult(
            t,
            stats := stats_of(t, kept.get(t.id) if t.id is not None else None),
            conclusion_text(t, stats, currency),
        )
        for t in snapshot.tests
    )


def _split(
    snapshot: Snapshot,
    counted: pd.DataFrame,
    measured: dict[str, PlatformStatus],
    demand: tuple[WeekDemand, ...],
    stopped: dict[str, PlatformDecision],
) -> PlatformSplit:
    """Each week's serving hours and cost split over the platforms by their demand
    (``platform_cost``): every week of the table and of the signal's demand, every platform
    (a stopped one up to its stop), everyone who was ever on the team."""
    weeks = sorted({d.week for d in demand} | {as_date(w) for w in counted["week"]})
    platforms = sorted(measured)
    ended = {name: d.decided_on for name, d in stopped.items()}
    hours = platform_week_demand(counted, measured, weeks, platforms, snapshot.demand, ended)
    team = Team(
        (*snapshot.members, *snapshot.former),
        snapshot.rates,
        snapshot.role_serves,
        snapshot.ramp_up,
    )
    return split_by_demand(hours, team)


def _reviews(
    snapshot: Snapshot,
    split: PlatformSplit,
    measured: dict[str, PlatformStatus],
    today: dt.date,
) -> tuple[Review, ...]:
    """The stop-or-continue reviews, from the stages as measured (a stopped platform's stall
    included), with each platform's serving hours and cost since it stalled."""
    if not any(s.stalled for s in measured.values()) and not snapshot.platform_decisions:
        return ()
    return platform_reviews(
        measured,
        snapshot.platform_decisions,
        today,
        snapshot.demand.stall_review_weeks,
        split,
        snapshot.company.currency,
    )


def _request_views(
    snapshot: Snapshot,
    then: tuple[ResourceRequest, ...],
    signal: ResourceSignal,
    reading: Reading | None,
    today: dt.date,
) -> tuple[RequestView, ...]:
    """The requests as they stood on ``today`` with who was hired against each and, once its
    people all give their full hours, the hire's review (as closed, or read now)."""
    found = hires(
        then, snapshot.onboarding, snapshot.members, snapshot.rates, snapshot.company.currency
    )
    shown = []
    for r in then:
        v = view(r, signal, found[r.id])
        due = review_due_on(v, snapshot.onboarding, snapshot.members, snapshot.ramp_up)
        if r.review is not None:
            v = replace(v, review=r.review)
        elif due is not None and due <= today:
            v = replace(v, review=review(v, due, signal, reading))
        shown.append(v)
    return tuple(shown)


def _team_view(snapshot: Snapshot, today: dt.date) -> TeamView:
    """The team present on ``today`` against the recommended core team: hours (new people's
    serving hours ramped up), empty seats, benchmark, cost."""
    seats = recommended_core_team(snapshot.company.channels, snapshot.company.integrated)
    members = everyone(snapshot, today)
    return TeamView(
        capacity_hours=team_capacity(members),
        serving_hours=ramped_serving_hours(members, today, snapshot.role_serves, snapshot.ramp_up),
        seats=seats,
        empty_seats=coverage_gaps(members, seats),
        benchmark=team_size_benchmark(
            snapshot.company.employees, members, snapshot.demand.fte_hours
        ),
        warnings=team_warnings(members, seats),
        cost=team_cost(members, snapshot.rates, snapshot.company.currency),
    )


def everyone(snapshot: Snapshot, day: dt.date) -> tuple[Member, ...]:
    """The people on the team on ``day``: on the roster or left since, started by then."""
    return present((*snapshot.members, *snapshot.former), day)


def _outcome(result: TestResult) -> TestOutcome:
    """What the signal needs of one test: concluded, significant, its lift, trustworthy."""
    stats = result.stats
    return TestOutcome(
        title=result.test.title,
        concluded=result.test.status is TestStatus.CONCLUDED,
        significant=bool(stats and stats.significant),
        abs_lift=stats.abs_lift if stats else None,
        trustworthy=not (stats and stats.sample_ratio_mismatch),
        on_value=result.test.metric if result.test.on_value else None,
    )
