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

_SUNDAY: Final[dt.timedelta] = dt.timedelta(days=6)
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


def _value(row: Mapping[str, float] | None, metric: str) -> float | None:
    """A metric's value in a week's row; None when unmeasured (absent or NaN)."""
    raw = row.get(metric) if row is not None else None
    return None if raw is None or math.isnan(raw) else float(raw)


def _checks(gate: Gate, row: Mapping[str, float] | None, checklist_done: bool) -> tuple[bool, ...]:
    """Whether each criterion of ``gate`` holds in a week, in ``gate_evidence`` order."""
    met = tuple(c.holds(_value(row, c.metric)) for c in gate.criteria)
    return (*met, checklist_done) if gate.requires_checklist else met


def _share(checks: Sequence[bool]) -> float:
    return sum(checks) / len(checks) if checks else 1.0


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
        value = _value(row, criterion.metric)
        evidence.append(
            Evidence(
                criterion.metric, criterion.op, criterion.threshold, value, criterion.holds(value)
            )
        )
    if gate.requires_checklist:
        done = checklist_complete_on(checklist, _as_date(week) + _SUNDAY)
        evidence.append(Evidence(CHECKLIST_CRITERION, ">=", 1.0, 1.0 if done else 0.0, done))
    return tuple(evidence)


def _rows_by_week(wide: pd.DataFrame, metrics: set[str]) -> dict[dt.date, dict[str, float]]:
    """The gate metrics of a wide weekly table as ``{week: {metric: value}}``, one pass."""
    if wide.empty or "week" not in wide.columns:
        return {}
    weeks = pd.to_datetime(wide["week"]).to_numpy().astype("datetime64[D]").tolist()
    columns = {
        m: wide[m].to_numpy(dtype="float64", na_value=math.nan).tolist()
        for m in metrics
        if m in wide.columns
    }
    return {week: {m: values[n] for m, values in columns.items()} for n, week in enumerate(weeks)}


def _stall(stage: Stage, weeks_in_stage: int, shares: Sequence[float]) -> tuple[bool, str]:
    """Whether a platform is stalled, and the sentence that says why.

    ``shares`` is the share of the current stage's exit gate met in each of the last weeks.
    """
    if stage is Stage.ACTIVE or weeks_in_stage < STALL_WEEKS or len(shares) < STALL_WEEKS:
        return False, ""
    window = shares[-STALL_WEEKS:]
    then = sum(window[:TREND_WEEKS]) / TREND_WEEKS
    now = sum(window[-TREND_WEEKS:]) / TREND_WEEKS
    if now > then:
        return False, ""
    return True, (
        f"{weeks_in_stage} weeks in {stage.value}; exit criteria met {then:.0%} then, "
        f"{now:.0%} now: no upward trend"
    )


def _unmet(evidence: Sequence[Evidence]) -> str:
    """What still holds a platform back in a week, e.g. ``active_members 10 (needs >= 50)``."""
    parts = []
    for e in evidence:
        if e.met:
            continue
        if e.metric == CHECKLIST_CRITERION:
            parts.append("the setup checklist is not complete")
        elif e.value is None:
            parts.append(f"{e.metric} not measured (needs {e.op} {e.threshold:g})")
        else:
            parts.append(f"{e.metric} {e.value:.3g} (needs {e.op} {e.threshold:g})")
    return "not met in the latest week: " + ", ".join(parts)


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
    (the latest recorded) wins. The stall trend is measured against the exit gate of the
    stage the platform is in now, also for the week it arrived there.
    """
    items = [i for i in checklist if i.platform == platform]
    override_at = {_monday(o.week): o for o in overrides if o.platform == platform}
    week_list = [_as_date(w) for w in weeks]
    gate_list = (gates.to_retention, gates.to_active)
    rows = _rows_by_week(wide, {c.metric for g in gate_list for c in g.criteria})
    # Which criteria hold, per gate and week, computed once; Evidence only for transitions.
    checklist_done = [checklist_complete_on(items, w + _SUNDAY) for w in week_list]
    checks = {
        gate: [
            _checks(gate, rows.get(w), done)
            for w, done in zip(week_list, checklist_done, strict=True)
        ]
        for gate in gate_list
    }
    exit_gate_of = {s: gates.exit_gate(s) for s in Stage}
    hold_gate_of = {s: gates.hold_gate(s) for s in Stage}
    exit_checks_of = {s: checks[g] for s, g in exit_gate_of.items() if g}
    hold_checks_of = {s: checks[g] for s, g in hold_gate_of.items() if g}

    def evidence(gate: Gate, week: dt.date) -> tuple[Evidence, ...]:
        return gate_evidence(gate, rows.get(week), items, week)

    stage = Stage.SETUP
    advance_count = fail_count = 0
    transitions: list[Transition] = []
    timeline: list[WeekState] = []
    for n, week in enumerate(week_list):
        exit_gate, hold_gate = exit_gate_of[stage], hold_gate_of[stage]
        exit_checks = exit_checks_of[stage][n] if exit_gate else ()
        override = override_at.get(week)
        move: Transition | None = None
        if override is not None:
            move = Transition(week, stage, override.stage, "override", (), override.reason)
        else:
            advance_count = advance_count + 1 if exit_gate and all(exit_checks) else 0
            fail_count = fail_count + 1 if hold_gate and not all(hold_checks_of[stage][n]) else 0
            if exit_gate and advance_count >= exit_gate.weeks_to_advance:
                move = Transition(
                    week, stage, exit_gate.target, "measured", evidence(exit_gate, week)
                )
            elif hold_gate and fail_count >= hold_gate.weeks_to_fall_back:
                move = Transition(
                    week, stage, hold_gate.source, "measured", evidence(hold_gate, week)
                )
        if move is not None:
            transitions.append(move)
            stage = move.target
            advance_count = fail_count = 0
        timeline.append(WeekState(week, stage, _share(exit_checks) if exit_gate else None))

    if not week_list:
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

    since = transitions[-1].week if transitions else week_list[0]
    weeks_in_stage = sum(1 for w in week_list if w >= since)
    shares = [_share(c) for c in exit_checks_of.get(stage, [])[-STALL_WEEKS:]]
    stalled, stall_reason = _stall(stage, weeks_in_stage, shares)
    exit_gate = exit_gate_of[stage]
    if stalled and exit_gate is not None:
        stall_reason += f"; {_unmet(evidence(exit_gate, week_list[-1]))}"
    return PlatformStatus(
        platform=platform,
        stage=stage,
        since=since,
        weeks_in_stage=weeks_in_stage,
        stalled=stalled,
        stall_reason=stall_reason,
        checklist_complete=checklist_done[-1],
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
