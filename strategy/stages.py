"""Stage evaluation over time: each platform's stage week by week, its transitions and stalls.

The output types come first; the evaluation (gate evidence, the weekly state machine with
hysteresis, overrides and stall detection) follows them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from strategy.gates import (
    CHECKLIST_CRITERION,
    ChecklistItem,
    Gate,
    GateSet,
    Stage,
    checklist_complete_on,
)


@dataclass(frozen=True)
class Evidence:
    """One criterion of a gate in one week: the measured value against its threshold."""

    metric: str
    op: str
    threshold: float
    value: float | None
    met: bool


@dataclass(frozen=True)
class Override:
    """A person set a platform's stage from a week on, with a reason; shown as such."""

    platform: str
    week: dt.date
    stage: Stage
    reason: str
    by: str = ""


@dataclass(frozen=True)
class Transition:
    """A change of stage. ``kind`` is ``measured`` (a gate decided) or ``override``."""

    week: dt.date
    source: Stage
    target: Stage
    kind: str
    evidence: tuple[Evidence, ...]
    reason: str = ""


@dataclass(frozen=True)
class WeekState:
    """A platform's stage in one week and the share of its exit gate's criteria met."""

    week: dt.date
    stage: Stage
    exit_share: float | None


@dataclass(frozen=True)
class PlatformStatus:
    """Where a platform stands at the latest week, and how it got there."""

    platform: str
    stage: Stage
    since: dt.date | None
    weeks_in_stage: int
    stalled: bool
    stall_reason: str
    checklist_complete: bool
    transitions: tuple[Transition, ...]
    timeline: tuple[WeekState, ...]


# --- evaluation ------------------------------------------------------------------------

STALL_WEEKS: Final[int] = 12
"""A platform this many weeks in setup or retention without an upward trend is stalled."""

TREND_WEEKS: Final[int] = 4
"""The trend compares the mean exit share of the first and last this-many of the stall weeks."""

_ONE_WEEK: Final[dt.timedelta] = dt.timedelta(days=7)


def _as_date(day: dt.date) -> dt.date:
    """A plain date, also from a datetime or pandas Timestamp (which hash differently)."""
    return day.date() if isinstance(day, dt.datetime) else day


def _monday(day: dt.date) -> dt.date:
    day = _as_date(day)
    return day - dt.timedelta(days=day.weekday())


def _mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every Monday from ``first`` to ``last`` inclusive (both Mondays)."""
    count = (last - first).days // 7 + 1
    return [first + n * _ONE_WEEK for n in range(max(count, 0))]


def gate_evidence(
    gate: Gate,
    row: Mapping[str, float] | None,
    checklist: Sequence[ChecklistItem],
    week: dt.date,
) -> tuple[Evidence, ...]:
    """Each criterion of ``gate`` against one week's metrics, plus the checklist if required.

    ``row`` maps metric names to the week's values (None: no data that week); an absent or
    NaN value is unmeasured and fails. The checklist counts when every item was done on or
    before the Sunday that ends ``week``.
    """
    evidence = []
    for criterion in gate.criteria:
        raw = row.get(criterion.metric) if row is not None else None
        value = None if raw is None or math.isnan(raw) else float(raw)
        evidence.append(
            Evidence(
                criterion.metric, criterion.op, criterion.threshold, value, criterion.holds(value)
            )
        )
    if gate.requires_checklist:
        done = checklist_complete_on(checklist, _as_date(week) + dt.timedelta(days=6))
        evidence.append(Evidence(CHECKLIST_CRITERION, ">=", 1.0, 1.0 if done else 0.0, done))
    return tuple(evidence)


def _all_met(evidence: Sequence[Evidence]) -> bool:
    return all(e.met for e in evidence)


def _share_met(evidence: Sequence[Evidence]) -> float:
    return sum(e.met for e in evidence) / len(evidence) if evidence else 0.0


def _rows_by_week(wide: pd.DataFrame, metrics: set[str]) -> dict[dt.date, dict[str, float]]:
    """The gate metrics of a wide weekly table as ``{week: {metric: value}}``, one pass."""
    if wide.empty or "week" not in wide.columns:
        return {}
    weeks = pd.to_datetime(wide["week"]).dt.date.tolist()
    columns = {
        m: wide[m].to_numpy(dtype="float64", na_value=math.nan).tolist()
        for m in sorted(metrics)
        if m in wide.columns
    }
    return {week: {m: values[n] for m, values in columns.items()} for n, week in enumerate(weeks)}


def _gate_metrics(gates: GateSet) -> set[str]:
    return {c.metric for g in (gates.to_retention, gates.to_active) for c in g.criteria}


def _stall(
    stage: Stage,
    weeks_in_stage: int,
    recent: Sequence[tuple[Evidence, ...]],
) -> tuple[bool, str]:
    """Whether a platform is stalled, and the sentence that says why.

    ``recent`` is the current stage's exit-gate evidence of the last ``STALL_WEEKS`` weeks.
    """
    if stage is Stage.ACTIVE or weeks_in_stage < STALL_WEEKS or len(recent) < STALL_WEEKS:
        return False, ""
    shares = [_share_met(e) for e in recent[-STALL_WEEKS:]]
    then = sum(shares[:TREND_WEEKS]) / TREND_WEEKS
    now = sum(shares[-TREND_WEEKS:]) / TREND_WEEKS
    if now > then:
        return False, ""
    return True, (
        f"{weeks_in_stage} weeks in {stage.value}; exit criteria met {then:.0%} then, "
        f"{now:.0%} now: no upward trend"
    )


def evaluate_platform(
    platform: str,
    wide: pd.DataFrame,
    gates: GateSet,
    checklist: Sequence[ChecklistItem],
    overrides: Sequence[Override],
    weeks: Sequence[dt.date],
) -> PlatformStatus:
    """Walk one platform through ``weeks`` (continuous Mondays, in order) and say where it stands.

    ``wide`` holds this platform's rows of the wide weekly table (may be empty; missing
    weeks and metric columns fail their criteria). Checklist items and overrides of other
    platforms are ignored. Where several overrides name the same week, the last one given
    (the latest recorded) wins.
    """
    items = [i for i in checklist if i.platform == platform]
    override_at = {_monday(o.week): o for o in overrides if o.platform == platform}
    rows = _rows_by_week(wide, _gate_metrics(gates))
    timeline_weeks = [_as_date(w) for w in weeks]

    stage = Stage.SETUP
    advance_count = fail_count = 0
    transitions: list[Transition] = []
    timeline: list[WeekState] = []
    for week in timeline_weeks:
        row = rows.get(week)
        exit_gate = gates.exit_gate(stage)
        exit_evidence = gate_evidence(exit_gate, row, items, week) if exit_gate else ()
        exit_share = _share_met(exit_evidence) if exit_gate else None
        override = override_at.get(week)
        move: Transition | None = None
        if override is not None:
            move = Transition(week, stage, override.stage, "override", (), override.reason)
        else:
            hold_gate = gates.hold_gate(stage)
            hold_evidence = gate_evidence(hold_gate, row, items, week) if hold_gate else ()
            advance_count = advance_count + 1 if exit_gate and _all_met(exit_evidence) else 0
            fail_count = fail_count + 1 if hold_gate and not _all_met(hold_evidence) else 0
            if exit_gate and advance_count >= exit_gate.weeks_to_advance:
                move = Transition(week, stage, exit_gate.target, "measured", exit_evidence)
            elif hold_gate and fail_count >= hold_gate.weeks_to_fall_back:
                move = Transition(week, stage, hold_gate.source, "measured", hold_evidence)
        if move is not None:
            transitions.append(move)
            stage = move.target
            advance_count = fail_count = 0
        timeline.append(WeekState(week, stage, exit_share))

    if not timeline_weeks:
        return PlatformStatus(
            platform=platform,
            stage=Stage.SETUP,
            since=None,
            weeks_in_stage=0,
            stalled=False,
            stall_reason="",
            checklist_complete=checklist_complete_on(items, dt.date.max),
            transitions=(),
            timeline=(),
        )

    since = transitions[-1].week if transitions else timeline_weeks[0]
    weeks_in_stage = sum(1 for w in timeline_weeks if w >= since)
    current_exit = gates.exit_gate(stage)
    recent = (
        [gate_evidence(current_exit, rows.get(w), items, w) for w in timeline_weeks[-STALL_WEEKS:]]
        if current_exit
        else []
    )
    stalled, stall_reason = _stall(stage, weeks_in_stage, [(e,) for e in []] or [()] * 0 + [tuple(Evidence("x", ">=", 0, 0, w.exit_share == 1.0) for _ in range(1)) for w in timeline[-12:]])
    return PlatformStatus(
        platform=platform,
        stage=stage,
        since=since,
        weeks_in_stage=weeks_in_stage,
        stalled=stalled,
        stall_reason=stall_reason,
        checklist_complete=checklist_complete_on(items, timeline_weeks[-1] + dt.timedelta(days=6)),
        transitions=tuple(transitions),
        timeline=tuple(timeline),
    )


def evaluate_all(
    wide: pd.DataFrame,
    gates: GateSet,
    checklist: Sequence[ChecklistItem],
    overrides: Sequence[Override],
) -> dict[str, PlatformStatus]:
    """Every platform that has data, a checklist or an override, keyed by name, sorted.

    Each platform is evaluated from its first data (or override) week to the latest week
    of any platform, so a platform that stopped reporting keeps failing its criteria.
    """
    has_data = not wide.empty and {"platform", "week"} <= set(wide.columns)
    parts: dict[str, pd.DataFrame] = (
        {str(name): part for name, part in wide.groupby("platform", sort=False)} if has_data else {}
    )
    latest = _monday(pd.to_datetime(wide["week"]).max()) if has_data else None
    names = sorted(set(parts) | {i.platform for i in checklist} | {o.platform for o in overrides})

    statuses: dict[str, PlatformStatus] = {}
    for name in names:
        part = parts.get(name, wide.iloc[0:0])
        starts = [_monday(o.week) for o in overrides if o.platform == name]
        if name in parts:
            starts.append(_monday(pd.to_datetime(part["week"]).min()))
        weeks = _mondays(min(starts), latest) if starts and latest is not None else []
        statuses[name] = evaluate_platform(name, part, gates, checklist, overrides, weeks)
    return statuses


def overall_stage(statuses: Mapping[str, PlatformStatus]) -> Stage:
    """The most advanced stage any platform holds; setup when there are none."""
    return max((s.stage for s in statuses.values()), key=lambda s: s.rank, default=Stage.SETUP)
