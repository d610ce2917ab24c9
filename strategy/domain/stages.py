"""Stage evaluation over time: each platform's stage week by week, its transitions and stalls.

The output types come first; the evaluation (gate evidence, the weekly state machine with
hysteresis, overrides and stall detection) follows them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from strategy.domain.choices import parse_enum
from strategy.domain.clock import SUNDAY, as_date, day_text, monday, mondays, parse_day
from strategy.domain.errors import ValidationError
from strategy.domain.gates import (
    CHECKLIST_CRITERION,
    ChecklistItem,
    Gate,
    GateSet,
    Stage,
    checklist_complete_on,
)
from strategy.domain.limits import free_text
from strategy.domain.metrics import platform_name
from strategy.domain.numbers import plain_number, plural

if TYPE_CHECKING:  # loaded where a frame is computed, not with the rules
    import pandas as pd


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
    """A person set a platform's stage from a week on, with a reason; shown as such.

    It holds until it is removed or, when ``until`` is set, through the week holding it.
    """

    platform: str
    week: dt.date
    stage: Stage
    reason: str
    by: str = ""
    until: dt.date | None = None
    id: int | None = None

    def holds_in(self, week: dt.date) -> bool:
        """Whether the override is in effect in the week starting on Monday ``week``."""
        start = monday(self.week)
        return start <= week and (self.until is None or week <= monday(self.until))


def make_override(
    platform: object,
    week: object,
    stage: object,
    reason: object,
    *,
    by: str = "",
    until: object = None,
) -> Override:
    """An override from form or command values, each refused with the field it came from.

    It starts on the Monday of ``week``; ``until``, when given, is on or after that Monday;
    the reason is printable text of MIN_REASON to MAX_TEXT characters (``limits.free_text``).
    """
    name = platform_name(platform)
    start = monday(parse_day(week, "week"))
    end = None if until in (None, "") else parse_day(until, "until")
    if end is not None and end < start:
        raise ValidationError(
            f"until: {day_text(end)} is before the override starts (week of "
            f"{day_text(start)}); expected a date on or after it"
        )
    parsed = parse_enum(Stage, stage, "stage")
    text = free_text(reason if isinstance(reason, str) else None, "reason", needed_by="an override")
    return Override(name, start, parsed, text, by, end)


class TransitionKind(StrEnum):
    """Who moved a platform: a gate on measured weeks, or a person's override."""

    MEASURED = "measured"
    OVERRIDE = "override"


@dataclass(frozen=True)
class Transition:
    """A change of stage, decided by a gate (with its evidence) or by an override."""

    week: dt.date
    source: Stage
    target: Stage
    kind: TransitionKind
    evidence: tuple[Evidence, ...]
    reason: str = ""


@dataclass(frozen=True)
class WeekState:
    """A platform's stage in one week, the share of its exit gate met, and whether an
    override held it there."""

    week: dt.date
    stage: Stage
    exit_share: float | None
    overridden: bool = False


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
    not_measured: tuple[str, ...] = ()
    """Gate metrics this platform never reported: they fail every week, and are named once."""


# --- evaluation ------------------------------------------------------------------------

STALL_WEEKS: Final[int] = 12
"""A platform this many weeks in setup or retention without an upward trend is stalled."""

TREND_WEEKS: Final[int] = 4
"""The trend compares the mean exit share of the first and last this-many of the stall weeks."""


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
        done = checklist_complete_on(checklist, as_date(week) + SUNDAY)
        evidence.append(Evidence(CHECKLIST_CRITERION, ">=", 1.0, 1.0 if done else 0.0, done))
    return tuple(evidence)


def _rows_by_week(wide: pd.DataFrame, metrics: set[str]) -> dict[dt.date, dict[str, float]]:
    """The gate metrics of a wide weekly table as ``{week: {metric: value}}``, one pass."""
    import pandas as pd

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
        f"{plural(weeks_in_stage, 'week')} in {stage.value}; exit criteria met {then:.0%} then, "
        f"{now:.0%} now: no upward trend"
    )


def not_measured_text(platform: str, metrics: Sequence[str]) -> str:
    """The one sentence for gate metrics a platform never reports."""
    return f"{', '.join(metrics)} not measured on {platform}"


def _unmet(evidence: Sequence[Evidence], platform: str, never: Sequence[str]) -> str:
    """What still holds a platform back in a week, e.g. ``active_members 10 (needs >= 50)``.

    Metrics the platform never reports (``never``) are named once, not as a failing value.
    """
    parts = []
    for e in evidence:
        if e.met or e.metric in never:
            continue
        if e.metric == CHECKLIST_CRITERION:
            parts.append("the setup checklist is not complete")
        elif e.value is None:
            parts.append(f"{e.metric} not measured (needs {e.op} {plain_number(e.threshold)})")
        else:
            parts.append(
                f"{e.metric} {plain_number(e.value)} (needs {e.op} {plain_number(e.threshold)})"
            )
    unmeasured = [e.metric for e in evidence if not e.met and e.metric in never]
    text = "not met in the latest week: " + ", ".join(parts) if parts else ""
    if unmeasured:
        text += ("; " if text else "") + not_measured_text(platform, unmeasured)
    return text


@dataclass(frozen=True)
class _Platform:
    """One platform's weeks prepared for the walk: its gate metrics by week, which criteria
    of each gate hold in each week (computed once), and the gates out of and holding each
    stage. Evidence is built only for the weeks that move it."""

    name: str
    weeks: tuple[dt.date, ...]
    items: tuple[ChecklistItem, ...]
    rows: Mapping[dt.date, Mapping[str, float]]
    never: tuple[str, ...]
    checklist_done: tuple[bool, ...]
    exit_gate_of: Mapping[Stage, Gate | None]
    hold_gate_of: Mapping[Stage, Gate | None]
    exit_checks_of: Mapping[Stage, Sequence[tuple[bool, ...]]]
    hold_checks_of: Mapping[Stage, Sequence[tuple[bool, ...]]]

    def evidence(self, gate: Gate, week: dt.date) -> tuple[Evidence, ...]:
        return gate_evidence(gate, self.rows.get(week), self.items, week)


def _prepared(
    platform: str,
    wide: pd.DataFrame,
    gates: GateSet,
    checklist: Sequence[ChecklistItem],
    weeks: Sequence[dt.date],
) -> _Platform:
    """One platform's checklist, gate metrics by week and which checks hold, computed once."""
    items = tuple(i for i in checklist if i.platform == platform)
    week_list = tuple(as_date(w) for w in weeks)
    gate_list = (gates.to_retention, gates.to_active)
    gate_metrics = {c.metric for g in gate_list for c in g.criteria}
    rows = _rows_by_week(wide, gate_metrics)
    never = tuple(
        sorted(m for m in gate_metrics if rows and all(_value(r, m) is None for r in rows.values()))
    )
    done = tuple(checklist_complete_on(items, w + SUNDAY) for w in week_list)
    checks = {
        gate: [_checks(gate, rows.get(w), d) for w, d in zip(week_list, done, strict=True)]
        for gate in gate_list
    }
    exit_gate_of = {s: gates.exit_gate(s) for s in Stage}
    hold_gate_of = {s: gates.hold_gate(s) for s in Stage}
    return _Platform(
        name=platform,
        weeks=week_list,
        items=items,
        rows=rows,
        never=never,
        checklist_done=done,
        exit_gate_of=exit_gate_of,
        hold_gate_of=hold_gate_of,
        exit_checks_of={s: checks[g] for s, g in exit_gate_of.items() if g},
        hold_checks_of={s: checks[g] for s, g in hold_gate_of.items() if g},
    )


def _measured_move(
    p: _Platform, stage: Stage, n: int, advance_count: int, fail_count: int
) -> Transition | None:
    """The gate's move in week ``n``: up after enough weeks met, back after enough failed."""
    week = p.weeks[n]
    exit_gate, hold_gate = p.exit_gate_of[stage], p.hold_gate_of[stage]
    if exit_gate and advance_count >= exit_gate.weeks_to_advance:
        target, gate = exit_gate.target, exit_gate
    elif hold_gate and fail_count >= hold_gate.weeks_to_fall_back:
        target, gate = hold_gate.source, hold_gate
    else:
        return None
    return Transition(week, stage, target, TransitionKind.MEASURED, p.evidence(gate, week))


def _walk(
    p: _Platform, overrides: Sequence[Override]
) -> tuple[tuple[Transition, ...], tuple[WeekState, ...]]:
    """The platform's transitions and stage in each week, from setup: the gates with their
    hysteresis, or the override that holds a week (the latest recorded wins)."""
    stage = Stage.SETUP
    advance_count = fail_count = 0
    transitions: list[Transition] = []
    timeline: list[WeekState] = []
    held_by: Override | None = None
    for n, week in enumerate(p.weeks):
        exit_gate, hold_gate = p.exit_gate_of[stage], p.hold_gate_of[stage]
        exit_checks = p.exit_checks_of[stage][n] if exit_gate else ()
        override = next((o for o in reversed(overrides) if o.holds_in(week)), None)
        move: Transition | None = None
        if override is not None:
            if override is not held_by:
                move = Transition(
                    week, stage, override.stage, TransitionKind.OVERRIDE, (), override.reason
                )
        else:
            advance_count = advance_count + 1 if exit_gate and all(exit_checks) else 0
            fail_count = fail_count + 1 if hold_gate and not all(p.hold_checks_of[stage][n]) else 0
            move = _measured_move(p, stage, n, advance_count, fail_count)
        held_by = override
        if move is not None:
            transitions.append(move)
            stage = move.target
            advance_count = fail_count = 0
        timeline.append(
            WeekState(week, stage, _share(exit_checks) if exit_gate else None, override is not None)
        )
    return tuple(transitions), tuple(timeline)


def _standing(
    p: _Platform, transitions: tuple[Transition, ...], timeline: tuple[WeekState, ...]
) -> PlatformStatus:
    """Where the walked platform stands: its stage since when, and whether it is stalled."""
    if not p.weeks:
        return PlatformStatus(
            p.name, Stage.SETUP, None, 0, False, "", checklist_complete_on(p.items, dt.date.max),
            (), (), not_measured=p.never,
        )  # fmt: skip
    stage = timeline[-1].stage
    since = transitions[-1].week if transitions else p.weeks[0]
    weeks_in_stage = sum(1 for w in p.weeks if w >= since)
    shares = [_share(c) for c in p.exit_checks_of.get(stage, [])[-STALL_WEEKS:]]
    stalled, stall_reason = _stall(stage, weeks_in_stage, shares)
    if timeline[-1].overridden:  # a person decided the stage: not a stall of the community
        stalled, stall_reason = False, ""
    exit_gate = p.exit_gate_of[stage]
    if stalled and exit_gate is not None:
        unmet = _unmet(p.evidence(exit_gate, p.weeks[-1]), p.name, p.never)
        stall_reason += f"; {unmet}" if unmet else ""
    return PlatformStatus(
        platform=p.name,
        stage=stage,
        since=since,
        weeks_in_stage=weeks_in_stage,
        stalled=stalled,
        stall_reason=stall_reason,
        checklist_complete=p.checklist_done[-1],
        transitions=transitions,
        timeline=timeline,
        not_measured=p.never,
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
    platforms are ignored. An override pins the stage while it holds (``Override.holds_in``);
    where several hold in one week, the last one given (the latest recorded) wins, and when
    it ends the gates decide again from that stage. The stall trend is measured against the
    exit gate of the stage the platform is in now, also for the week it arrived there.
    """
    prepared = _prepared(platform, wide, gates, checklist, weeks)
    transitions, timeline = _walk(prepared, [o for o in overrides if o.platform == platform])
    return _standing(prepared, transitions, timeline)


def evaluate_all(
    wide: pd.DataFrame,
    gates: GateSet,
    checklist: Sequence[ChecklistItem],
    overrides: Sequence[Override],
) -> dict[str, PlatformStatus]:
    """Every platform that has data, a checklist or an override, keyed by name, sorted.

    ``wide`` holds the weeks that count: complete weeks only (``strategy.domain.horizons``). Each
    platform is evaluated from its first data (or override) week up to its own horizon, its
    latest week in ``wide`` (or a later override's start), so a platform whose data lags is
    judged on the weeks it has, never failed for the weeks it has not reported yet. A
    platform with overrides but no data runs to the latest week of any platform.
    """
    import pandas as pd

    has_data = not wide.empty and {"platform", "week"} <= set(wide.columns)
    parts: dict[str, pd.DataFrame] = (
        {str(name): part for name, part in wide.groupby("platform", sort=False)} if has_data else {}
    )
    latest = monday(pd.to_datetime(wide["week"]).max()) if has_data else None
    names = sorted(set(parts) | {i.platform for i in checklist} | {o.platform for o in overrides})

    statuses: dict[str, PlatformStatus] = {}
    for name in names:
        part = parts.get(name, wide.iloc[0:0])
        starts = [monday(o.week) for o in overrides if o.platform == name]
        end = latest
        if name in parts:
            weeks_seen = pd.to_datetime(part["week"])
            starts.append(monday(weeks_seen.min()))
            end = max([monday(weeks_seen.max()), *starts])
        weeks = mondays(min(starts), end) if starts and end is not None else []
        statuses[name] = evaluate_platform(name, part, gates, checklist, overrides, weeks)
    return statuses


def stage_at(status: PlatformStatus, week: dt.date) -> tuple[Stage, int] | None:
    """A platform's stage in a week and how many weeks it had been in it by then.

    None when the week is not among the platform's evaluated weeks.
    """
    states = [s for s in status.timeline if as_date(s.week) <= week]
    if not states or as_date(states[-1].week) != week:
        return None
    stage = states[-1].stage
    run = 0
    for state in reversed(states):
        if state.stage is not stage:
            break
        run += 1
    return stage, run


def stage_counts(statuses: Mapping[str, PlatformStatus]) -> dict[Stage, int]:
    """How many platforms are in each stage, every stage present."""
    counts = dict.fromkeys(Stage, 0)
    for status in statuses.values():
        counts[status.stage] += 1
    return counts


def overall_stage(statuses: Mapping[str, PlatformStatus]) -> Stage:
    """The furthest stage that at least half of the platforms have reached; setup when none.

    One active platform of four does not make the rollout active: the rollout stands where
    most of its communities stand.
    """
    total = len(statuses)
    reached = [
        stage
        for stage in Stage
        if total and 2 * sum(s.stage.rank >= stage.rank for s in statuses.values()) >= total
    ]
    return max(reached, key=lambda s: s.rank, default=Stage.SETUP)
