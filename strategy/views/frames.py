"""Small, aggregated frames for the dashboard's charts and tables (weekly, per platform).

Charts ship their whole frame to the browser, so everything here is already weekly and
holds only the columns a chart draws.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Final

import pandas as pd

from strategy.domain.analysis import TestResult
from strategy.domain.demand import WeekDemand
from strategy.domain.experiments import TestKind, TestStatus
from strategy.domain.gates import Gate, GateSet, Stage
from strategy.domain.numbers import plain_number
from strategy.domain.partial_weeks import PartialWeek
from strategy.domain.stages import Override, PlatformStatus, Transition, TransitionKind
from strategy.domain.team import DemandKind
from strategy.views.experiment_rows import results_table
from strategy.views.words import comparison_words, day_text, metric_words

KPI_METRICS: Final[tuple[str, ...]] = (
    "audience",
    "active_members",
    "returning_share",
    "member_activity_share",
    "engagement_rate",
    "inbound_messages",
)
"""The metrics the dashboard charts by default: audience, participation, demand."""

CAPACITY_SERIES: Final[str] = "capacity"
"""The series of ``demand_vs_capacity`` that is the team's hours; the others are demand."""

WEEK_COMPLETE: Final[str] = "complete"
WEEK_IN_PROGRESS: Final[str] = "in progress"
WEEK_PARTLY_REPORTED: Final[str] = "partly reported"
"""A week that has ended without every metric its gates read (``partial_weeks``), or an
incomplete week older than its platform's latest complete one: it will not fill in by
waiting."""


def stage_timeline(statuses: Mapping[str, PlatformStatus]) -> pd.DataFrame:
    """One row per contiguous stretch of a platform in a stage, measured or held by an
    override: platform, stage, rank, start, end, weeks, decided (``measured``/``override``)."""
    rows: list[dict[str, object]] = []
    for platform, status in sorted(statuses.items()):
        timeline = status.timeline
        start = 0
        for i in range(1, len(timeline) + 1):
            first = timeline[start]
            if (
                i == len(timeline)
                or timeline[i].stage is not first.stage
                or timeline[i].overridden != first.overridden
            ):
                rows.append(
                    {
                        "platform": platform,
                        "stage": first.stage.value,
                        "rank": first.stage.rank,
                        "start": pd.Timestamp(first.week),
                        "end": pd.Timestamp(timeline[i - 1].week) + pd.Timedelta(days=7),
                        "weeks": i - start,
                        "decided": (
                            TransitionKind.OVERRIDE if first.overridden else TransitionKind.MEASURED
                        ).value,
                    }
                )
                start = i
    return pd.DataFrame(
        rows, columns=["platform", "stage", "rank", "start", "end", "weeks", "decided"]
    ).astype({"start": "datetime64[ns]", "end": "datetime64[ns]"})


def transitions(statuses: Mapping[str, PlatformStatus]) -> pd.DataFrame:
    """Every transition, measured or override: platform, week, from, to, kind, why."""
    rows = [
        {
            "platform": platform,
            "week": pd.Timestamp(t.week),
            "from": t.source.value,
            "to": t.target.value,
            "kind": t.kind.value,
            "why": t.reason
            if t.kind is TransitionKind.OVERRIDE
            else "; ".join(
                f"{metric_words(e.metric)} {plain_number(e.value)} {comparison_words(e.op)} "
                f"{plain_number(e.threshold)}"
                for e in t.evidence
            ),
        }
        for platform, status in sorted(statuses.items())
        for t in status.transitions
    ]
    return pd.DataFrame(rows, columns=["platform", "week", "from", "to", "kind", "why"]).astype(
        {"week": "datetime64[ns]"}
    )


def evidence(transition: Transition) -> pd.DataFrame:
    """A measured transition's evidence: metric, comparison, value, threshold, met."""
    rows = [
        {
            "metric": metric_words(e.metric),
            "comparison": comparison_words(e.op),
            "value": e.value,
            "threshold": e.threshold,
            "met": e.met,
        }
        for e in transition.evidence
    ]
    return pd.DataFrame(rows, columns=["metric", "comparison", "value", "threshold", "met"])


def overrides(held: Sequence[Override]) -> pd.DataFrame:
    """The overrides as a table: id, platform, from week, until, stage, reason, by."""
    rows = [
        {
            "id": o.id,
            "platform": o.platform,
            "from week": o.week,
            "until": day_text(o.until) if o.until else "until removed",
            "stage": o.stage.value,
            "reason": o.reason,
            "by": o.by,
        }
        for o in held
    ]
    return pd.DataFrame(
        rows, columns=["id", "platform", "from week", "until", "stage", "reason", "by"]
    )


def kpi_long(
    wide: pd.DataFrame,
    metrics: Sequence[str] = KPI_METRICS,
    partly_reported: Collection[PartialWeek] = (),
) -> pd.DataFrame:
    """KPI values in long form for trend charts: platform, week, metric, value, and
    ``week_status`` (``complete``, ``in progress`` or ``partly reported``: the last two are
    drawn apart, never counted). ``partly_reported`` are the weeks the horizons name so."""
    present = [m for m in metrics if m in wide.columns]
    if wide.empty or not present:
        return pd.DataFrame(
            {
                "platform": pd.Series([], dtype="str"),
                "week": pd.Series([], dtype="datetime64[ns]"),
                "week_status": pd.Series([], dtype="str"),
                "metric": pd.Series([], dtype="str"),
                "value": pd.Series([], dtype="float64"),
            }
        )
    long = wide.assign(week_status=week_statuses(wide, partly_reported)).melt(
        id_vars=["platform", "week", "week_status"],
        value_vars=present,
        var_name="metric",
        value_name="value",
    )
    return long.dropna(subset=["value"]).reset_index(drop=True)


def week_statuses(wide: pd.DataFrame, partly_reported: Collection[PartialWeek] = ()) -> pd.Series:
    """Each row's week status: complete; partly reported when it is among ``partly_reported``
    or older than its platform's latest complete week; otherwise in progress."""
    if "complete" not in wide.columns:
        return pd.Series(WEEK_COMPLETE, index=wide.index, dtype="str")
    complete = wide["complete"].astype(bool)
    latest = wide["week"].where(complete).groupby(wide["platform"]).transform("max")
    named = {(p.platform, pd.Timestamp(p.week)) for p in partly_reported}
    weeks = zip(wide["platform"], wide["week"], strict=True)
    listed = pd.Series(
        [(str(p), pd.Timestamp(w)) in named for p, w in weeks],
        index=wide.index,
        dtype="bool",
    )
    partly = ~complete & (listed | (wide["week"] < latest))
    status = pd.Series(WEEK_IN_PROGRESS, index=wide.index, dtype="str")
    return status.mask(complete, WEEK_COMPLETE).mask(partly, WEEK_PARTLY_REPORTED)


def gate_thresholds(gates: GateSet) -> pd.DataFrame:
    """Each gate criterion as a threshold rule to draw on its metric's trend chart."""
    rows = [
        {
            "metric": c.metric,
            "threshold": c.threshold,
            "gate": f"{gate.source.value} -> {gate.target.value}",
            "label": f"gate to {gate.target.value}: {comparison_words(c.op)} "
            f"{plain_number(c.threshold)}",
        }
        for gate in _gates(gates)
        for c in gate.criteria
    ]
    return pd.DataFrame(rows, columns=["metric", "threshold", "gate", "label"])


def _gates(gates: GateSet) -> tuple[Gate, ...]:
    return (gates.to_retention, gates.to_active)


def demand_vs_capacity(demand: Sequence[WeekDemand]) -> pd.DataFrame:
    """Weekly demand by kind of work, and capacity, in long form: week, series, hours."""
    rows = [
        {"week": pd.Timestamp(d.week), "series": series, "hours": hours}
        for d in demand
        for series, hours in (
            (DemandKind.MESSAGES.value, d.message_hours),
            (DemandKind.CONTENT.value, d.content_hours),
            (DemandKind.MONITORING.value, d.monitoring_hours),
            (CAPACITY_SERIES, d.capacity_hours),
        )
    ]
    return pd.DataFrame(rows, columns=["week", "series", "hours"]).astype(
        {"week": "datetime64[ns]", "hours": "float64"}
    )


STAGE_ORDER: Final[tuple[str, ...]] = tuple(s.value for s in Stage)


CONCLUDED_COLUMNS: Final[tuple[str, ...]] = (
    "title",
    "platform",
    "kind",
    "metric",
    "lift",
    "ci_low",
    "ci_high",
    "p_value",
    "significant",
    "conclusion",
)


def concluded_tests(results: Sequence[TestResult]) -> pd.DataFrame:
    """Concluded tests with data, from ``results_table``: the lift (``abs_lift``) and its 95%
    interval in percentage points, p-value, whether significant, and the conclusion."""
    table = results_table(results).rename(columns={"abs_lift": "lift"})
    shown = [r.test.status is TestStatus.CONCLUDED and r.stats is not None for r in results]
    return table.loc[shown, list(CONCLUDED_COLUMNS)].reset_index(drop=True)


def interval_groups(results: Sequence[TestResult]) -> list[tuple[str, pd.DataFrame]]:
    """Every test with statistics, grouped by the unit of its lift so each group shares an
    axis: conversion tests in percentage points, mean tests per metric in its own units.
    Each group is (axis title, rows as ``concluded_tests`` has them)."""
    table = results_table(results).rename(columns={"abs_lift": "lift"})
    table = table.loc[[r.stats is not None for r in results], list(CONCLUDED_COLUMNS)]
    groups = []
    conversion = table[table["kind"] == TestKind.CONVERSION.value]
    if not conversion.empty:
        groups.append(("lift (percentage points)", conversion.reset_index(drop=True)))
    means = table[table["kind"] == TestKind.MEAN.value]
    for metric, rows in means.groupby("metric", sort=True):
        groups.append(
            (f"difference in {str(metric).replace('_', ' ')}", rows.reset_index(drop=True))
        )
    return groups
