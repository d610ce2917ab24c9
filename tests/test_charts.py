"""The dashboard's charts read without a guide: each has a title, each mark a legend entry or
a label, gate thresholds are grey and labelled, week axes carry the year, and legends list
only what is drawn. Read from the Vega-Lite specifications the browser and the brief draw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema
import pandas as pd
import pytest
from altair.utils import schemapi
from altair.vegalite.v6.schema.core import Root

from strategy.brief import brief_charts
from strategy.domain.analysis import analyse
from strategy.usecases import Workspace
from strategy.views import charts, frames
from strategy.views.charts import SERVING_HOURS, THRESHOLD_GREY, dashboard_specs, week_axis
from strategy.views.value_charts import value_against_cost, value_by_week
from tests.conftest import EDITOR, TODAY

CHARTS = [
    "timeline",
    "stages",
    "demand",
    "tests",
    *(f"kpi:{m}" for m in frames.KPI_METRICS),
    "value",
]


@cache
def _specs(key: str) -> dict[str, dict[str, Any]]:
    ws = Workspace(key)
    snap = ws.snapshot()
    result = analyse(snap, TODAY)
    specs = dashboard_specs(result, snap.gates)
    specs["value"] = charts.spec(value_against_cost(value_by_week(result.value), "EUR"))
    return specs


@pytest.fixture
def specs(demo_read: Workspace) -> dict[str, dict[str, Any]]:
    """Every dashboard chart of the demo, and the value chart, as Vega-Lite specifications."""
    return _specs(demo_read.location.key)


def layers(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The spec itself and each of its layers."""
    yield spec
    for layer in spec.get("layer", []):
        yield from layers(layer)


def encodings(spec: dict[str, Any], channel: str) -> list[dict[str, Any]]:
    """Every encoding of ``channel`` in the spec's layers."""
    return [
        layer["encoding"][channel] for layer in layers(spec) if channel in layer.get("encoding", {})
    ]


def mark_of(layer: dict[str, Any]) -> dict[str, Any]:
    mark = layer.get("mark", {})
    return mark if isinstance(mark, dict) else {"type": mark}


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_valid_vega_lite(specs: dict[str, dict[str, Any]], name: str) -> None:
    """The product skips Altair's validation when it builds a spec (``charts.spec``, half the
    time it took); here each is validated against the Vega-Lite schema the browser reads."""
    Root.validate(specs[name])


def test_an_invalid_spec_is_caught_by_the_schema(specs: dict[str, dict[str, Any]]) -> None:
    broken = {**specs["stages"], "mark": {"type": "stacked area"}}
    with pytest.raises(jsonschema.ValidationError):
        Root.validate(broken)


def test_building_the_charts_never_makes_altair_look_a_channels_class_up(
    demo_read: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A channel given as a string (``"platform"``, ``alt.value(0)``) makes Altair rebuild
    its table of schema classes to find the channel's class, about 20 ms each time: a third
    of the charts' time before 3 Dec. The dashboard's and the brief's charts give channels as
    objects."""
    lookups: list[object] = []
    build_table = schemapi._FromDict.__init__

    def counted(self: schemapi._FromDict, *args: Any) -> None:
        lookups.append(args)
        build_table(self, *args)

    monkeypatch.setattr(schemapi._FromDict, "__init__", counted)
    snap = demo_read.snapshot()
    result = analyse(snap, TODAY)
    assert len(dashboard_specs(result, snap.gates)) == len(CHARTS) - 1
    assert len([charts.spec(chart) for _, chart in brief_charts(result)]) == 2
    assert lookups == []


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_has_a_title(specs: dict[str, dict[str, Any]], name: str) -> None:
    title = specs[name].get("title")
    assert isinstance(title, str) and len(title) > 5, f"{name} has no title"
    assert "_" not in title, f"{name}'s title names an identifier: {title}"


@pytest.mark.parametrize("name", [c for c in CHARTS if c != "tests"])
def test_every_week_axis_carries_the_year(specs: dict[str, dict[str, Any]], name: str) -> None:
    axes = [x for x in encodings(specs[name], "x") if x.get("type") == "temporal" and "axis" in x]
    assert axes, f"{name} has no labelled time axis"
    for x in axes:
        assert "%Y" in x["axis"]["labelExpr"], f"{name}'s week axis shows no year"


@pytest.mark.parametrize("metric", frames.KPI_METRICS)
def test_gate_thresholds_are_grey_and_labelled(
    specs: dict[str, dict[str, Any]], metric: str
) -> None:
    spec = specs[f"kpi:{metric}"]
    rules = [layer for layer in layers(spec) if mark_of(layer).get("type") == "rule"]
    texts = [layer for layer in layers(spec) if mark_of(layer).get("type") == "text"]
    assert [mark_of(r)["color"] for r in rules] == [THRESHOLD_GREY]
    assert [t["encoding"]["text"]["field"] for t in texts] == ["label", "label"]  # halo, text
    assert mark_of(texts[-1])["color"] == THRESHOLD_GREY
    assert specs[f"kpi:{metric}"]["title"].startswith(metric.replace("_", " ").capitalize())


def test_the_demand_charts_serving_hours_line_has_a_legend_entry(
    specs: dict[str, dict[str, Any]],
) -> None:
    (stroke,) = encodings(specs["demand"], "stroke")
    assert stroke["scale"]["domain"] == [SERVING_HOURS] and stroke["legend"] is not None
    (colour,) = encodings(specs["demand"], "color")
    assert colour["title"] == "demand"


def test_the_timeline_shows_no_override_entry_when_no_stage_is_overridden(
    specs: dict[str, dict[str, Any]],
) -> None:
    (stroke,) = encodings(specs["timeline"], "stroke")
    assert stroke["legend"] is None
    (shape,) = encodings(specs["timeline"], "shape")
    assert shape["legend"]["values"] == ["measured"]


def test_the_timeline_names_an_override_once_one_is_drawn(demo_ws: Workspace) -> None:
    demo_ws.add_override(EDITOR, "tiktok", "2026-11-02", "retention", "Agency launch done")
    result = analyse(demo_ws.snapshot(), TODAY)
    spec = charts.stage_timeline(
        frames.stage_timeline(result.statuses), frames.transitions(result.statuses)
    ).to_dict()
    (stroke,) = encodings(spec, "stroke")
    assert stroke["legend"]["values"] == ["override"]
    (shape,) = encodings(spec, "shape")
    assert shape["legend"]["values"] == ["measured", "override"]


@pytest.mark.parametrize(
    ("significant", "entries", "colours"),
    [
        ([True, False], ["significant", "not significant"], ["#2a9d8f", "#8d99ae"]),
        ([False, False], ["not significant"], ["#8d99ae"]),
        ([True], ["significant"], ["#2a9d8f"]),
    ],
)
def test_the_lift_charts_legend_lists_only_the_results_drawn(
    significant: list[bool], entries: list[str], colours: list[str]
) -> None:
    tests = pd.DataFrame(
        {
            "title": [f"test {i}" for i in range(len(significant))],
            "lift": 1.0,
            "ci_low": -1.0,
            "ci_high": 3.0,
            "significant": significant,
            "conclusion": "",
        }
    )
    (colour,) = encodings(charts.test_lifts(tests).to_dict(), "color")
    assert colour["scale"] == {"domain": entries, "range": colours}


@pytest.mark.parametrize(
    ("first", "weeks", "label"),
    [
        (dt.date(2025, 11, 3), 52, "'%b %Y' : '%b'"),
        (dt.date(2026, 9, 7), 8, "'%d %b %Y' : '%d %b'"),
        (dt.date(2025, 12, 1), 10, "'%d %b %Y' : '%d %b'"),
    ],
)
def test_a_week_axis_labels_months_or_days_and_the_year(
    first: dt.date, weeks: int, label: str
) -> None:
    dates = pd.Series(pd.date_range(first, periods=weeks, freq="W-MON"))
    axis = week_axis(dates).to_dict()["axis"]
    assert label in axis["labelExpr"] and "datum.index == 0" in axis["labelExpr"]


def test_the_lift_charts_zero_line_is_named(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["tests"]
    texts = [layer for layer in layers(spec) if mark_of(layer).get("type") == "text"]
    assert [(t["encoding"]["x"]["field"], t["encoding"]["text"]["field"]) for t in texts] == [
        ("x", "label")
    ]
    shown = [row for rows in spec["datasets"].values() for row in rows if "label" in row]
    assert shown == [{"x": 0.0, "label": "no difference"}]
