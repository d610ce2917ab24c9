"""The rollout analysis (``strategy.domain.analysis``) as JSON, CSV and text reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

import pandas as pd

from strategy.domain.analysis import Analysis, TestResult
from strategy.domain.baselines import missing_baseline_text
from strategy.domain.clock import day_text, weeks_between
from strategy.domain.costs import money
from strategy.domain.experiments import (
    StrategyTest,
    TestKind,
)
from strategy.domain.formulas import csv_cell
from strategy.domain.gates import Stage
from strategy.domain.hire_check import review_text
from strategy.domain.horizons import Horizon, latest_weeks, latest_weeks_text
from strategy.domain.platform_review import (
    PlatformDecision,
    Review,
    review_line,
    stopped_text,
)
from strategy.domain.positions import position_to_dict, positions_sentence
from strategy.domain.requests import request_dict, request_text
from strategy.domain.stages import (
    PlatformStatus,
    TransitionKind,
    not_measured_text,
)
from strategy.domain.value import TOTAL, ValueView, value_dict, value_text
from strategy.views.experiment_rows import stats_fields


def stage_counts_text(counts: dict[Stage, int]) -> str:
    """Where the rollout stands, e.g. ``1 of 4 active, 2 in retention, 1 in setup``."""
    total = sum(counts.values())
    if not total:
        return "no platforms yet"
    parts = [f"{counts[Stage.ACTIVE]} of {total} active"]
    parts += [f"{counts[s]} in {s.value}" for s in (Stage.RETENTION, Stage.SETUP) if counts[s]]
    return ", ".join(parts)


# --- JSON ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready form: dates as YYYY-MM-DD, enums as values, NaN as null, floats rounded."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return None if not math.isfinite(value) else round(value, 6)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def _platform_json(
    status: PlatformStatus, horizon: Horizon | None, stopped: PlatformDecision | None
) -> dict[str, Any]:
    return {
        "stopped": stopped is not None,
        "stopped_on": _plain(stopped.decided_on) if stopped else None,
        "stop_reason": stopped.reason if stopped else None,
        "data_through": _plain(horizon.data_through) if horizon else None,
        "weeks_behind": horizon.weeks_behind if horizon else 0,
        "in_progress_week": _plain(horizon.in_progress_week) if horizon else None,
        "partly_reported": [
            {"week": p.week.isoformat(), "lacks": list(p.lacks)}
            for p in (horizon.partly_reported if horizon else ())
        ],
        "not_measured": list(status.not_measured),
        "stage": status.stage.value,
        "since": _plain(status.since),
        "weeks_in_stage": status.weeks_in_stage,
        "stalled": status.stalled,
        "stall_reason": status.stall_reason,
        "checklist_complete": status.checklist_complete,
        "transitions": [
            {
                "week": t.week.isoformat(),
                "from": t.source.value,
                "to": t.target.value,
                "kind": t.kind.value,
                "reason": t.reason,
                "evidence": [_plain(e) for e in t.evidence],
            }
            for t in status.transitions
        ],
    }


def _arm_json(test: StrategyTest, arm: str) -> dict[str, Any]:
    """An arm's counts: exposures and successes, or a mean test's units, mean and sd."""
    shown: dict[str, Any] = {"label": getattr(test, f"{arm}_label"), "n": getattr(test, f"{arm}_n")}
    if test.kind is TestKind.CONVERSION:
        return shown | {"successes": getattr(test, f"{arm}_successes")}
    return shown | {"mean": getattr(test, f"{arm}_mean"), "sd": getattr(test, f"{arm}_sd")}


def test_json(result: TestResult, today: dt.date) -> dict[str, Any]:
    """One test as the report and ``test list`` show it: its fields, statistics, conclusion."""
    test = result.test
    return {
        "overdue": test.overdue(today),
        "id": test.id,
        "title": test.title,
        "hypothesis": test.hypothesis,
        "platform": test.platform,
        "metric": test.metric,
        "status": test.status.value,
        "start": test.start.isoformat(),
        "end": test.end.isoformat(),
        "kind": test.kind.value,
        "planned_split": test.planned_split,
        "control": _arm_json(test, "control"),
        "variant": _arm_json(test, "variant"),
        "decision": test.decision,
        **_plain(stats_fields(result.stats)),
        "conclusion": result.conclusion,
    }


def report_dict(analysis: Analysis) -> dict[str, Any]:
    """The report as plain JSON-ready data; the same workspace gives the same dict."""
    signal = analysis.signal
    window = signal.window
    return {
        "today": _plain(analysis.today),
        "latest_week": _plain(analysis.latest_week),
        "overall_stage": analysis.overall_stage.value,
        "stage_counts": {s.value: n for s, n in analysis.stage_counts.items()},
        "platforms": {
            name: _platform_json(s, analysis.horizons.get(name), analysis.stopped.get(name))
            for name, s in sorted(analysis.statuses.items())
        },
        "reviews": [review_dict(r) for r in analysis.reviews],
        "resource_signal": {
            "window": {
                "from": _plain(window.first),
                "to": _plain(window.last),
                "platforms": list(window.platforms),
            },
            "lagging_platforms": sorted(window.lagging),
            "left_out_platforms": list(window.left_out),
            "status": signal.status.value,
            "summary": signal.summary,
            "conditions": [_plain(c) for c in signal.conditions],
            "gap_hours_per_week": _plain(signal.gap_hours_per_week),
            "gap_people": _plain(signal.gap_people),
            "recommended_roles": [r.value for r in signal.recommended_roles],
            "gap_cost_per_week": _plain(analysis.gap_cost.per_week),
            "gap_no_rate_for": list(analysis.gap_cost.no_rate_for),
            "positions": [position_to_dict(p) for p in signal.positions],
            "hiring": signal.hiring.to_dict(),
        },
        "tests": [test_json(r, analysis.today) for r in analysis.tests],
        "requests": [_plain(request_dict(v)) for v in analysis.requests],
        "team": {
            "capacity_hours_per_week": _plain(analysis.team.capacity_hours),
            "serving_hours_per_week": _plain(analysis.team.serving_hours),
            "recommended_seats": [_plain(s) for s in analysis.team.seats],
            "empty_seats": [_plain(s) for s in analysis.team.empty_seats],
            "benchmark": _plain(analysis.team.benchmark),
            "warnings": list(analysis.team.warnings),
            "cost_per_week": _plain(analysis.team.cost.per_week),
            "cost_per_month": _plain(round(analysis.team.cost.per_month, 2)),
            "currency": analysis.team.cost.currency,
            "no_rate_for": list(analysis.team.cost.no_rate_for),
        },
        **value_json(analysis.value),
    }


def review_dict(r: Review) -> dict[str, Any]:
    """One platform's stop-or-continue review as the report gives it."""
    return {
        "platform": r.platform,
        "status": r.status.value,
        "stage": r.stage.value,
        "weeks_stalled": r.weeks_in_stage,
        "stalled_since": _plain(r.stalled_since),
        "stall_reason": r.stall_reason,
        "hours_since_stalled": _plain(r.hours_since_stalled),
        "cost_since_stalled": _plain(r.cost_since_stalled),
        "currency": r.currency,
        "value": r.value,
        "decided_by": r.decided_by,
        "decided_on": _plain(r.decided_on),
        "reason": r.reason,
        "until": _plain(r.until),
    }


def value_json(value: ValueView | None) -> dict[str, Any]:
    """``value_by_platform`` (each platform over the signal's window) and ``value_total``
    (the whole rollout): leads, conversions, revenue (null: not measured), cost, cost per
    lead and per conversion, return (null when revenue is not measured); and
    ``cost_by_platform``, each platform's cost alone."""
    if value is None:
        return {"value_by_platform": {}, "value_total": None, "cost_by_platform": {}}
    platforms = sorted(value.platforms.items())
    return {
        "value_by_platform": {name: _plain(value_dict(v)) for name, v in platforms},
        "value_total": _plain(value_dict(value.total)),
        "cost_by_platform": {name: _plain(v.cost) for name, v in platforms},
    }


def value_lines(value: ValueView | None) -> list[str]:
    """The text report's "Value" block: each platform's value and cost over the signal's
    window, then the rollout's."""
    if value is None or not value.window:
        return []
    span = f"weeks of {day_text(value.window[0])} to {day_text(value.window[-1])}"
    lines = ["", f"Value ({span}; cost: the serving hours' cost split by each platform's demand):"]
    for name, v in sorted(value.platforms.items()):
        lines.append(f"  {name}: {value_text(v, value.currency)}")
    lines.append(f"  {TOTAL}: {value_text(value.total, value.currency)}")
    return lines


def report_json(analysis: Analysis) -> str:
    """The report as JSON text, keys sorted, so equal workspaces give equal bytes."""
    return json.dumps(report_dict(analysis), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def report_text(analysis: Analysis) -> str:
    """A short plain-text report for a terminal or an e-mail."""
    lines = [
        f"Overall stage: {analysis.overall_stage.value} "
        f"({stage_counts_text(analysis.stage_counts)})"
    ]
    if analysis.latest_week:
        age = data_age_text(analysis.latest_week, analysis.today)
        if len(latest_weeks(analysis.horizons, analysis.stopped)) > 1:
            split = latest_weeks_text(analysis.horizons, analysis.stopped)
            lines.append(f"Latest complete week: {split}. Newest: {age}")
        else:
            lines.append(f"Latest complete week: {analysis.latest_week.isoformat()} ({age})")
    lines.append("")
    lines.append("Platforms:")
    for name, s in sorted(analysis.statuses.items()):
        since = f" since {s.since.isoformat()}" if s.since else ""
        held = override_text(s)
        notes = ([held] if held else []) + [n.text for n in platform_notes(analysis, name)]
        stall = f"  STALLED: {s.stall_reason}" if s.stalled else ""
        if name in analysis.stopped:
            stall = f"  STOPPED: {stopped_text(analysis.stopped[name])}"
        extra = f" [{'; '.join(notes)}]" if notes else ""
        lines.append(f"  {name}: {s.stage.value}{since} ({s.weeks_in_stage} weeks){extra}{stall}")
    if analysis.reviews:
        lines += ["", "Platform reviews:"]
        lines += [f"  {review_line(r)}" for r in analysis.reviews]
    lines += _signal_lines(analysis)
    if analysis.requests:
        lines += ["", "Resource requests:"]
        for v in analysis.requests:
            lines.append(f"  {request_text(v)}")
            if v.review is not None:
                lines += [f"    {line}" for line in review_text(v.review).splitlines()]
    lines += value_lines(analysis.value)
    lines += ["", "Tests:"]
    for r in analysis.tests:
        late = " (still running past its end)" if r.test.overdue(analysis.today) else ""
        lines.append(f"  {r.test.title} [{r.test.status.value}]{late}: {r.conclusion}")
    lines += [
        "",
        f"Team: {analysis.team.capacity_hours:.1f} social hours a week, "
        f"{analysis.team.serving_hours:.1f} serving hours a week (the hours that serve demand, "
        "what the resource signal compares it with)",
        f"  Cost: {money(analysis.team.cost)}/week, "
        f"{money(analysis.team.cost, monthly=True)}/month"
        + (f" ({analysis.team.cost.missing_text})" if analysis.team.cost.no_rate_for else ""),
    ]
    lines += [f"  ! {w}" for w in analysis.team.warnings]
    return "\n".join(lines) + "\n"


def _signal_lines(analysis: Analysis) -> list[str]:
    """The text report's resource signal: verdict, window, conditions, gap and positions."""
    signal = analysis.signal
    lines = ["", f"Resource signal: {signal.status.value} - {signal.summary}"]
    lines.append(f"  Window: {signal.window.describe()}")
    for c in signal.conditions:
        lines.append(f"  [{'x' if c.met else ' '}] {c.label}: {c.value} - {c.reason}")
    if signal.gap_hours_per_week > 0:
        lines.append(
            f"  Gap: {signal.gap_hours_per_week:.1f} h/week = {signal.gap_people:.1f} people; "
            f"roles: {', '.join(r.value for r in signal.recommended_roles)}; "
            f"costs {money(analysis.gap_cost)}/week"
            + (f" ({analysis.gap_cost.missing_text})" if analysis.gap_cost.no_rate_for else "")
        )
    if signal.positions:
        lines.append(f"  Positions: {positions_sentence(signal.positions)}")
    return lines


def data_age_text(latest_week: dt.date, today: dt.date) -> str:
    """How far behind ``today`` the data is, counted as the dashboard counts it (whole weeks
    from the latest complete week's Monday), e.g. ``data through the week of 09 Nov 2026,
    3 weeks behind today``; up to date while that week is the last one that has ended."""
    age = weeks_between(latest_week, today)
    behind = "up to date" if age <= 1 else f"{age} weeks behind today"
    return f"data through the week of {day_text(latest_week)}, {behind}"


def override_text(status: PlatformStatus) -> str:
    """``stage set by an override: REASON`` while an override holds the platform's latest
    week; empty when the gates decided its stage."""
    if not status.timeline or not status.timeline[-1].overridden:
        return ""
    held = [t for t in status.transitions if t.kind is TransitionKind.OVERRIDE]
    reason = held[-1].reason if held else ""
    return "stage set by an override" + (f": {reason}" if reason else "")


class NoteKind(StrEnum):
    """What a note on a platform's data is about."""

    LAGGING = "lagging"
    IN_PROGRESS = "in_progress"
    PARTLY_REPORTED = "partly_reported"
    NOT_MEASURED = "not_measured"


@dataclass(frozen=True)
class PlatformNote:
    """One thing a reader of a platform's stage must know of its data, in words."""

    kind: NoteKind
    text: str


def platform_notes(analysis: Analysis, platform: str) -> list[PlatformNote]:
    """What a reader of one platform's stage must know of its data: lag, week in progress,
    weeks partly reported, gate metrics it never reports, followers waiting for a baseline."""
    status = analysis.statuses[platform]
    horizon = analysis.horizons.get(platform)
    notes = []
    if horizon is not None and horizon.lag_text:
        notes.append(PlatformNote(NoteKind.LAGGING, horizon.lag_text))
    if horizon is not None and horizon.in_progress_week is not None:
        week = horizon.in_progress_week
        notes.append(
            PlatformNote(NoteKind.IN_PROGRESS, f"week of {day_text(week)} in progress, not counted")
        )
    for partial in horizon.partly_reported if horizon is not None else ():
        notes.append(PlatformNote(NoteKind.PARTLY_REPORTED, partial.note))
    if status.not_measured:
        text = not_measured_text(status.platform, status.not_measured)
        notes.append(PlatformNote(NoteKind.NOT_MEASURED, text))
    if platform in analysis.missing_baselines:
        notes.append(PlatformNote(NoteKind.NOT_MEASURED, missing_baseline_text(platform)))
    return notes


def weekly_csv(analysis: Analysis) -> str:
    """The weekly table as CSV: one row per (platform, week), metrics (derived ones too) as
    columns, weeks as YYYY-MM-DD, and whether the week is complete (counted).

    Names and other text cells go through ``csv_cell``, so a name stored before such names
    were refused is shown, not run, by a spreadsheet; numbers are written as numbers."""
    frame = analysis.wide.copy()
    frame["week"] = frame["week"].dt.strftime("%Y-%m-%d")
    complete = frame.pop("complete")
    frame.insert(2, "complete", complete.map({True: "true", False: "false"}))
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: csv_cell(v) if isinstance(v, str) else v)
    frame.columns = [csv_cell(str(c)) for c in frame.columns]
    return str(frame.to_csv(index=False, float_format="%.6g"))
