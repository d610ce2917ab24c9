"""The KPI charts name each week as it stands: a complete week is a solid line, a week still
running is "in progress" and a week that ended without every metric its gates read is
"partly reported", in its tooltip; the weeks after the last complete one are a dashed tail,
an older incomplete week a hollow point on its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from strategy.domain.analysis import analyse
from strategy.domain.gates import DEFAULT_GATES
from strategy.domain.partial_weeks import PartialWeek
from strategy.usecases import Workspace
from strategy.views import charts, frames
from tests.conftest import TODAY, cli
from tests.test_partial_weeks import (
    INSTAGRAM_GATE_METRICS,
    NEXT_WEEK,
    RUNNING_WEEK,
    TWO_OF_THEM,
    week_file,
    written,
)

W1, W2, W3, W4 = (dt.date(2026, 10, 26) + dt.timedelta(weeks=n) for n in range(4))
COMPLETE, IN_PROGRESS, PARTLY = (
    frames.WEEK_COMPLETE,
    frames.WEEK_IN_PROGRESS,
    frames.WEEK_PARTLY_REPORTED,
)
WEEKS = [
    # platform, week, complete, among the horizons' partly reported weeks, status drawn
    ("instagram", W1, True, False, COMPLETE),
    ("instagram", W2, True, False, COMPLETE),
    ("instagram", W3, False, True, PARTLY),  # ended without brand_posts
    ("instagram", W4, False, False, IN_PROGRESS),  # still running
    ("forum", W1, False, False, PARTLY),  # older than its last complete week: will not fill in
    ("forum", W2, True, False, COMPLETE),
    ("tiktok", W1, False, False, IN_PROGRESS),  # no complete week yet
]
PARTLY_REPORTED = [PartialWeek(p, w, ("brand_posts",)) for p, w, _, listed, _ in WEEKS if listed]


def wide() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform": [p for p, *_ in WEEKS],
            "week": pd.to_datetime([w for _, w, *_ in WEEKS]),
            "complete": [c for _, _, c, *_ in WEEKS],
            "active_members": [float(n) for n in range(len(WEEKS))],
        }
    )


def kpis() -> pd.DataFrame:
    return frames.kpi_long(wide(), ("active_members",), partly_reported=PARTLY_REPORTED)


@pytest.mark.parametrize(("platform", "week", "complete", "listed", "status"), WEEKS)
def test_each_week_of_a_kpi_is_named_complete_in_progress_or_partly_reported(
    platform: str, week: dt.date, complete: bool, listed: bool, status: str
) -> None:
    table = kpis()
    row = table[(table["platform"] == platform) & (table["week"] == pd.Timestamp(week))]
    assert row["week_status"].tolist() == [status]


def drawn(spec: dict[str, Any], mark: str, dashed: bool = False) -> set[tuple[str, str, str]]:
    """(platform, week, status) of each row the layer drawing ``mark`` (dashed or not) has."""
    for layer in spec["layer"]:
        style = layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}
        if style["type"] == mark and ("strokeDash" in style) == dashed:
            rows = spec["datasets"][layer["data"]["name"]]
            return {(r["platform"], r["week"][:10], r["week_status"]) for r in rows}
    raise AssertionError(f"no {mark} layer")


@pytest.mark.parametrize(
    ("mark", "dashed", "weeks"),
    [
        (
            "line",
            False,
            {("instagram", W1, COMPLETE), ("instagram", W2, COMPLETE), ("forum", W2, COMPLETE)},
        ),
        (
            "line",
            True,  # the tail: the last complete week, then the weeks after it
            {("instagram", W2, COMPLETE), ("instagram", W3, PARTLY), ("tiktok", W1, IN_PROGRESS)}
            | {("instagram", W4, IN_PROGRESS)},
        ),
        (
            "point",
            False,  # every incomplete week, the forum's old one too
            {("instagram", W3, PARTLY), ("instagram", W4, IN_PROGRESS)}
            | {("forum", W1, PARTLY), ("tiktok", W1, IN_PROGRESS)},
        ),
    ],
)
def test_the_kpi_chart_draws_complete_weeks_solid_and_the_rest_dashed_or_hollow(
    mark: str, dashed: bool, weeks: set[tuple[str, dt.date, str]]
) -> None:
    spec = charts.kpi_trend(kpis(), frames.gate_thresholds(DEFAULT_GATES), "active_members")
    assert drawn(spec.to_dict(), mark, dashed) == {(p, w.isoformat(), s) for p, w, s in weeks}
    tooltip = spec.to_dict()["layer"][0]["encoding"]["tooltip"]
    assert {"field": "week_status", "type": "nominal", "title": "week"} in tooltip


@pytest.mark.parametrize(
    ("week", "metrics", "days", "status"),
    [
        (NEXT_WEEK, TWO_OF_THEM, 7, PARTLY),  # ended, lacking four of its gate metrics
        (RUNNING_WEEK, INSTAGRAM_GATE_METRICS, 1, IN_PROGRESS),  # its first day only
        (NEXT_WEEK, INSTAGRAM_GATE_METRICS, 7, COMPLETE),
    ],
)
def test_an_uploaded_week_is_named_in_the_dashboards_kpi_chart(
    demo_ws: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    week: dt.date,
    metrics: tuple[str, ...],
    days: int,
    status: str,
) -> None:
    path = written(tmp_path, week_file(week, metrics, days))
    assert cli(capsys, "import", demo_ws.location.key, str(path))[0] == 0
    snap = demo_ws.snapshot()
    spec = charts.dashboard_specs(analyse(snap, TODAY), snap.gates)["kpi:active_members"]
    rows = [r for rows in spec["datasets"].values() for r in rows if "week_status" in r]
    mine = {(r["platform"], r["week"][:10]): r["week_status"] for r in rows}
    assert mine[("instagram", week.isoformat())] == status
