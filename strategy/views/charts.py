"""Altair charts over the aggregated frames of strategy.views.frames (never raw events).

The dashboard draws them in the browser; the one-page brief (``strategy.brief``) renders the
same specifications to PNG without one, so both show the same chart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import altair as alt
import pandas as pd

from strategy.domain.analysis import Analysis
from strategy.domain.experiments import TestKind
from strategy.domain.gates import GateSet
from strategy.domain.stages import PlatformStatus, TransitionKind
from strategy.views import frames
from strategy.views.frames import STAGE_ORDER
from strategy.views.words import metric_words

STAGE_COLOURS = ["#b0b7c3", "#f2a541", "#2a9d8f"]
DECIDED_BY = [kind.value for kind in TransitionKind]
"""How a stage or a transition was decided: measured, override."""
THRESHOLD_GREY: Final[str] = "#6c757d"
"""Gate thresholds: grey, so no platform's colour is mistaken for one."""
SERVING_COLOUR: Final[str] = "#1d3557"
SERVING_HOURS: Final[str] = "serving hours (the team)"
"""The capacity line's legend entry."""
Constant = TypeVar("Constant", alt.XValue, alt.YValue)
"""A position channel set to a constant."""
SHORT_RANGE: Final[pd.Timedelta] = pd.Timedelta(weeks=16)
"""Up to this long, a week axis is labelled by day (``09 Nov``); longer, by month."""


def week_axis(weeks: pd.Series, title: str | None = None, field: str = "week") -> alt.X:
    """A time axis whose labels carry the year: on the first label and on January's (or on
    the first week of a year, by day), so December 2025 never reads as December 2026."""
    dates = pd.to_datetime(weeks)
    short = dates.empty or dates.max() - dates.min() <= SHORT_RANGE
    if short:
        first_of_year = "(month(datum.value) == 0 && date(datum.value) <= 7)"
        plain, with_year, interval = "%d %b", "%d %b %Y", "week"
    else:
        first_of_year = "month(datum.value) == 0"
        plain, with_year, interval = "%b", "%b %Y", "month"
    axis = alt.Axis(
        labelExpr=(
            f"timeFormat(datum.value, datum.index == 0 || {first_of_year} "
            f"? '{with_year}' : '{plain}')"
        ),
        tickCount={"interval": interval, "step": 1},
        labelOverlap=True,
    )
    return alt.X(f"{field}:T", title=title, axis=axis)


def drawn(values: pd.Series, domain: list[str]) -> list[str]:
    """The part of ``domain`` that ``values`` hold: a legend lists only what is drawn."""
    present = set(values)
    return [v for v in domain if v in present]


def stage_timeline(stretches: pd.DataFrame, moves: pd.DataFrame) -> alt.LayerChart:
    """Each platform's stages over time as bars, with transitions marked (override = ◆).

    A stretch held by an override is outlined, dashed; the outline's legend entry is shown
    only when an override is drawn, and the transitions' legend lists only the kinds drawn.
    """
    bars = (
        alt.Chart(stretches)
        .mark_bar(height={"band": 0.7})
        .encode(
            x=week_axis(pd.concat([stretches["start"], stretches["end"]]), field="start"),
            x2=alt.X2("end:T"),
            y=alt.Y("platform:N", title=None),
            color=alt.Color(
                "stage:N",
                scale=alt.Scale(domain=list(STAGE_ORDER), range=STAGE_COLOURS),
                legend=alt.Legend(orient="top", title=None),
            ),
            stroke=alt.Stroke(
                "decided:N",
                scale=alt.Scale(domain=DECIDED_BY, range=["#ffffff", SERVING_COLOUR]),
                legend=_override_outline(stretches),
            ),
            strokeDash=alt.StrokeDash(
                "decided:N",
                scale=alt.Scale(domain=DECIDED_BY, range=[[1, 0], [5, 3]]),
                legend=None,
            ),
            strokeWidth=alt.StrokeWidthValue(2),
            tooltip=[
                alt.Tooltip("platform"),
                alt.Tooltip("stage"),
                alt.Tooltip("start:T", title="from"),
                alt.Tooltip("weeks"),
                alt.Tooltip("decided:N", title="decided by"),
            ],
        )
    )
    chart: alt.LayerChart = (
        alt.LayerChart(layer=[bars, _transition_marks(moves)])
        .properties(height=alt.Step(34), title="Each platform's stage, week by week")
        .resolve_scale(shape="independent", stroke="independent", strokeDash="independent")
    )
    return chart


def _transition_marks(moves: pd.DataFrame) -> alt.Chart:
    """The timeline's transitions: a triangle where measured, a diamond where overridden."""
    marks: alt.Chart = (
        alt.Chart(moves)
        .mark_point(filled=True, size=90, color="#1d3557")
        .encode(
            x=alt.X("week:T"),
            y=alt.Y("platform:N"),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=DECIDED_BY, range=["triangle", "diamond"]),
                legend=alt.Legend(
                    orient="top", title="transition", values=drawn(moves["kind"], DECIDED_BY)
                ),
            ),
            tooltip=[
                alt.Tooltip(field) for field in ("platform", "week:T", "from", "to", "kind", "why")
            ],
        )
    )
    return marks


def _override_outline(stretches: pd.DataFrame) -> alt.Legend | None:
    """The legend entry of a stretch held by an override (outlined, dashed), or none when
    no stretch is: a legend lists only what is drawn."""
    if TransitionKind.OVERRIDE.value not in set(stretches["decided"]):
        return None
    return alt.Legend(
        orient="top",
        title="stage held by",
        values=[TransitionKind.OVERRIDE.value],
        symbolType="square",
        symbolFillColor="#f2a541",
        symbolStrokeWidth=2,
        symbolDash=[3, 2],
    )


def stages_by_week(statuses: Mapping[str, PlatformStatus]) -> pd.DataFrame:
    """How many platforms were in each stage each week: week, stage, rank, platforms.

    Read from the stage history the timeline draws (measured or held by an override); a
    platform counts from its first week with data. Every stage has a row each week, 0 too.
    """
    counts: dict[tuple[pd.Timestamp, str], int] = {}
    for status in statuses.values():
        for state in status.timeline:
            key = (pd.Timestamp(state.week), state.stage.value)
            counts[key] = counts.get(key, 0) + 1
    weeks = sorted({week for week, _ in counts})
    rows = [
        {"week": week, "stage": stage, "rank": rank, "platforms": counts.get((week, stage), 0)}
        for week in weeks
        for rank, stage in enumerate(STAGE_ORDER)
    ]
    return pd.DataFrame(rows, columns=["week", "stage", "rank", "platforms"]).astype(
        {"week": "datetime64[ns]", "platforms": "int64"}
    )


def stages_over_time(frame: pd.DataFrame) -> alt.Chart:
    """Platforms per stage each week, stacked: setup at the bottom, active on top."""
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_area(interpolate="step-after", opacity=0.9)
        .encode(
            x=week_axis(frame["week"]),
            y=alt.Y("platforms:Q", stack=True, title="platforms", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "stage:N",
                scale=alt.Scale(domain=list(STAGE_ORDER), range=STAGE_COLOURS),
                legend=alt.Legend(orient="top", title=None),
            ),
            order=alt.Order("rank:Q", sort="ascending"),
            tooltip=[alt.Tooltip("week:T"), alt.Tooltip("stage"), alt.Tooltip("platforms")],
        )
        .properties(height=200, title="Platforms per stage, week by week")
    )
    return chart


PLATFORM_SCHEME: Final = "tableau10"
"""The KPI charts' platform colours: saturated enough that a small platform's line near the
axis reads on white (the theme's pale pink and light blue did not)."""


def _tails(data: pd.DataFrame) -> pd.DataFrame:
    """Each platform's weeks after its last complete one (in progress or partly reported),
    led by that complete week, for a dashed tail."""
    done = data[data["week_status"] == frames.WEEK_COMPLETE]
    last = done.groupby("platform")["week"].max()
    since = ~(data["week"] <= data["platform"].map(last))  # every week, without a complete one
    pending = data[(data["week_status"] != frames.WEEK_COMPLETE) & since]
    leads = done[done["platform"].isin(pending["platform"])]
    leads = leads.sort_values("week").groupby("platform", as_index=False).tail(1)
    return pd.concat([leads, pending], ignore_index=True)


def kpi_trend(kpis: pd.DataFrame, thresholds: pd.DataFrame, metric: str) -> alt.LayerChart:
    """One KPI per platform over the weeks, with the gate thresholds drawn as rules.

    Complete weeks are a solid line; the weeks after them are a dashed tail to hollow points,
    and an older incomplete week a hollow point, each named in its tooltip (``in progress``
    or ``partly reported``): shown, never counted.
    """
    data = kpis[kpis["metric"] == metric]
    encoding: dict[str, Any] = {
        "x": week_axis(data["week"]),
        "y": alt.Y("value:Q", title=None),  # the title names the metric
        "color": alt.Color(
            "platform:N",
            scale=alt.Scale(scheme=PLATFORM_SCHEME),
            legend=alt.Legend(orient="bottom", title=None),
        ),
        "tooltip": [
            alt.Tooltip("platform"),
            alt.Tooltip("week:T"),
            alt.Tooltip("week_status:N", title="week"),
            alt.Tooltip("value:Q", format=".3~g"),
        ],
    }
    complete = data["week_status"] == frames.WEEK_COMPLETE
    lines = alt.Chart(data[complete]).mark_line(point=False).encode(**encoding)
    dashed = alt.Chart(_tails(data)).mark_line(strokeDash=[4, 3]).encode(**encoding)
    pending = alt.Chart(data[~complete]).mark_point(filled=False, size=60).encode(**encoding)
    rules, labels = threshold_rules(thresholds[thresholds["metric"] == metric])
    return alt.LayerChart(layer=[lines, dashed, pending, rules, labels]).properties(
        height=260, title=f"{metric_words(metric).capitalize()} by platform"
    )


def threshold_rules(thresholds: pd.DataFrame) -> tuple[alt.Chart, alt.LayerChart]:
    """Gate thresholds as grey dashed rules, each labelled at its left end (``gate to
    active: ≥ 50``) on a white halo that keeps it legible over the lines."""
    rules = (
        alt.Chart(thresholds)
        .mark_rule(strokeDash=[6, 4], color=THRESHOLD_GREY)
        .encode(y=alt.Y("threshold:Q"), tooltip=[alt.Tooltip("label")])
    )
    placed = alt.Chart(thresholds).encode(
        y=alt.Y("threshold:Q"), x=_value(alt.XValue, 0), text=alt.Text("label:N")
    )
    halo = placed.mark_text(
        align="left", baseline="bottom", dx=3, dy=-2, fontSize=11, stroke="white", strokeWidth=3
    )
    label = placed.mark_text(
        align="left", baseline="bottom", dx=3, dy=-2, fontSize=11, color=THRESHOLD_GREY
    )
    return rules, alt.LayerChart(layer=[halo, label])


def demand_vs_capacity(frame: pd.DataFrame) -> alt.LayerChart:
    """Weekly workload stacked by kind, against the team's serving hours (the line)."""
    work = frame[frame["series"] != frames.CAPACITY_SERIES]
    capacity = frame.loc[frame["series"] == frames.CAPACITY_SERIES, ["week", "hours"]].assign(
        line=SERVING_HOURS
    )
    area = (
        alt.Chart(work)
        .mark_area(opacity=0.75)
        .encode(
            x=week_axis(frame["week"]),
            y=alt.Y("hours:Q", stack=True, title="hours per week"),
            color=alt.Color("series:N", title="demand", legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("series"),
                alt.Tooltip("week:T"),
                alt.Tooltip("hours:Q", format=".1f"),
            ],
        )
    )
    line = (
        alt.Chart(capacity)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("week:T"),
            y=alt.Y("hours:Q"),
            stroke=alt.Stroke(  # its own field: a browser merges legends of one field
                "line:N",
                scale=alt.Scale(domain=[SERVING_HOURS], range=[SERVING_COLOUR]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[alt.Tooltip("hours:Q", title="serving hours", format=".1f")],
        )
    )
    chart: alt.LayerChart = (
        alt.LayerChart(layer=[area, line])
        .properties(height=240, title="Demand in hours a week, against the team's serving hours")
        .resolve_scale(stroke="independent")
        .resolve_legend(stroke="independent")
    )
    return chart


def test_lifts(tests: pd.DataFrame, axis: str = "lift (percentage points)") -> alt.LayerChart:
    """Each test's lift (variant minus control) with its 95% interval, against zero."""
    colours = {"significant": "#2a9d8f", "not significant": "#8d99ae"}
    results = list(colours)
    shown = tests.assign(
        result=[results[0] if bool(s) else results[1] for s in tests["significant"]]
    )
    base = alt.Chart(shown).encode(y=alt.Y("title:N", title=None, axis=alt.Axis(labelLimit=320)))
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title=axis), x2=alt.X2("ci_high:Q")
    )
    point = base.mark_point(filled=True, size=80).encode(
        x=alt.X("lift:Q"),
        color=alt.Color(
            "result:N",
            scale=alt.Scale(
                domain=drawn(shown["result"], results),
                range=[colours[r] for r in drawn(shown["result"], results)],
            ),
            legend=alt.Legend(orient="bottom", title=None),
        ),
        tooltip=[
            alt.Tooltip("title"),
            alt.Tooltip("lift:Q", format=".2f"),
            alt.Tooltip("conclusion"),
        ],
    )
    at_zero = alt.Chart(pd.DataFrame({"x": [0.0], "label": ["no difference"]})).encode(
        x=alt.X("x:Q")
    )
    zero = at_zero.mark_rule(color="#555")
    named = at_zero.mark_text(align="left", baseline="top", dx=3, color="#555").encode(
        y=_value(alt.YValue, 0), text=alt.Text("label:N")
    )
    return alt.LayerChart(layer=[interval, point, zero, named]).properties(
        height=alt.Step(36), title="Each test's lift, with its 95% interval"
    )


def _value(channel: Callable[[float], Constant], value: float) -> Constant:
    """``channel`` (``alt.XValue`` or ``alt.YValue``) at a constant: the class itself, since
    ``alt.value(0)`` is a dict Altair matches to its class through a lookup table it builds
    afresh each time (0.05 s)."""
    return channel(value)


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite specification, not validated against the schema here.

    Altair's validation took half of the dashboard's 1 s of chart building (3 Dec);
    ``tests/test_charts.py`` validates every specification the dashboard and the brief draw.
    Channels are given as objects (``alt.Tooltip("platform")``, not ``"platform"``): a bare
    string makes Altair look its class up afresh for each channel, a third of the time.
    """
    return chart.to_dict(validate=False)


def dashboard_specs(result: Analysis, gates: GateSet) -> dict[str, dict[str, Any]]:
    """Every dashboard chart as a Vega-Lite spec (``spec``), built once per data version;
    caching the finished specs keeps a rerun on unchanged data fast."""
    specs: dict[str, dict[str, Any]] = {}
    if result.latest_week is not None:  # no metrics yet: the dashboard draws no weekly charts
        specs["timeline"] = spec(
            stage_timeline(
                frames.stage_timeline(result.statuses), frames.transitions(result.statuses)
            )
        )
        specs["stages"] = spec(stages_over_time(stages_by_week(result.statuses)))
        specs["demand"] = spec(demand_vs_capacity(frames.demand_vs_capacity(result.demand)))
        partly = [p for h in result.horizons.values() for p in h.partly_reported]
        kpis = frames.kpi_long(result.wide, partly_reported=partly)
        thresholds = frames.gate_thresholds(gates)
        for metric in frames.KPI_METRICS:
            specs[f"kpi:{metric}"] = spec(kpi_trend(kpis, thresholds, metric))
    concluded = frames.concluded_tests(result.tests)
    in_points = concluded[concluded["kind"] == TestKind.CONVERSION.value]
    if not in_points.empty:  # mean tests' lifts are in their metrics' units: not on this axis
        specs["tests"] = spec(test_lifts(in_points))
    return specs
