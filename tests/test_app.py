"""The dashboard (`app.py`), headless: what an executive reads at a glance, and when it changes."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from streamlit.testing.v1 import AppTest

from strategy.domain.analysis import analyse
from strategy.domain.resources import TESTED_STRATEGY
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, open_page


def run() -> AppTest:
    return open_page("app.py", timeout=60)


def cards(at: AppTest) -> dict[str, tuple[str, str]]:
    """Each metric card's label -> (value, the small text under it)."""
    return {m.label: (m.value, m.delta) for m in at.metric}


def banner(at: AppTest) -> tuple[str, str]:
    """The resource signal's banner: its kind (success/warning/info) and its text."""
    for kind in ("success", "warning", "info"):
        for element in getattr(at, kind):
            if element.value.startswith("**Extra resources are"):
                return kind, element.value
    raise AssertionError("no resource-signal banner on the dashboard")


def conditions(at: AppTest) -> list[str]:
    """The lines under "Why: each condition and its evidence"."""
    return [m.value for m in at.expander[0].markdown]


def charts(at: AppTest) -> list[tuple[dict[str, Any], list[pd.DataFrame]]]:
    """Every Vega-Lite chart: its spec and the frames it was sent."""
    out = []
    for chart in at.get("vega_lite_chart"):
        frames = [
            pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets
        ]
        out.append((json.loads(chart.proto.spec), frames))
    return out


def test_each_platform_shows_its_stage_weeks_in_stage_and_the_stall(app_read: Workspace) -> None:
    at = run()

    shown = cards(at)
    assert shown["Overall stage"][0] == "Retention"  # 1 of 4 active: not an active rollout
    assert any(
        m.value == "### Where the rollout stands: 1 of 4 active, 2 in retention, 1 in setup"
        for m in at.markdown
    )
    statuses = analyse(app_read.snapshot(), TODAY).statuses
    for name, status in statuses.items():
        value, note = shown[name]
        assert value == status.stage.value.title()
        assert note.startswith(f"{status.weeks_in_stage} weeks in stage")
    latest = analyse(app_read.snapshot(), TODAY).latest_week
    assert latest is not None
    age = (TODAY - latest).days // 7
    assert any(f"{age} weeks ago: newer metrics" in c.value for c in at.caption)
    assert shown["forum"][1].endswith("· stalled")
    assert not shown["instagram"][1].endswith("stalled")
    stalls = [w.value for w in at.warning if "has stalled" in w.value]
    reason = statuses["forum"].stall_reason.replace("active_members", "active members")
    assert stalls == [f"**forum has stalled.** {reason}"]
    assert "no upward trend" in stalls[0]


def test_a_justified_signal_shows_its_evidence_and_the_gap_in_hours_positions_and_cost(
    app_read: Workspace,
) -> None:
    signal = analyse(app_read.snapshot(), TODAY).signal
    at = run()

    kind, text = banner(at)
    assert kind == "success" and text.startswith("**Extra resources are justified:**")
    shown = cards(at)
    assert shown["Gap"][0] == f"{signal.gap_hours_per_week:.1f} h/week"
    assert "In people" not in shown and "Roles to add" not in shown
    gap_cost = analyse(app_read.snapshot(), TODAY).gap_cost
    assert gap_cost.per_week > 0
    assert shown["Gap cost per week"][0] == f"EUR {gap_cost.per_week:,.0f}"
    assert shown["Team cost per week"][0].startswith("EUR ")
    # FTE and roles together, in one sentence
    assert any(
        m.value == "To close the gap: 0.8 FTE social media manager/community manager + 0.4 FTE "
        "content creator (part-time hybrid)."
        for m in at.markdown
    )
    why = conditions(at)
    assert len(why) == 3 and all(line.startswith("✅") for line in why)
    assert any("Demand exceeds part-time capacity" in line and "h/week" in line for line in why)


def test_a_requests_evidence_on_the_dashboard_names_the_positions_it_was_raised_for(
    app_ws: Workspace,
) -> None:
    app_ws.raise_request(EDITOR, today=TODAY)
    text = "\n".join(m.value for m in run().markdown)
    assert (
        "**Positions:** 0.8 FTE social media manager/community manager + 0.4 FTE content "
        "creator (part-time hybrid)" in text
    )


def test_without_a_tested_win_the_signal_is_not_yet_and_says_which_condition_failed(
    app_ws: Workspace,
) -> None:
    for result in analyse(app_ws.snapshot(), TODAY).tests:
        if result.stats is not None and result.stats.significant:
            app_ws.remove_test(EDITOR, result.test.id or 0)

    at = run()

    kind, text = banner(at)
    assert kind == "warning" and text.startswith("**Extra resources are not yet justified:**")
    assert "Gap" not in cards(at)
    failed = [line for line in conditions(at) if line.startswith("❌")]
    assert len(failed) == 1 and "Strategy backed by a tested win" in failed[0]
    signal = analyse(app_ws.snapshot(), TODAY).signal
    assert not next(c for c in signal.conditions if c.key == TESTED_STRATEGY).met


def test_the_charts_carry_weekly_frames_and_the_gate_thresholds(app_read: Workspace) -> None:
    at = run()

    drawn = charts(at)
    timeline_frames = drawn[0][1]
    stretches = timeline_frames[0]
    assert set(stretches["platform"]) == {"forum", "instagram", "linkedin", "tiktok"}
    moves = timeline_frames[1]
    assert {"setup", "retention"} <= set(moves["from"]) and "active" in set(moves["to"])
    thresholds = {
        row.metric: row.threshold
        for _, frames in drawn
        for frame in frames
        if "threshold" in frame.columns
        for row in frame.itertuples()
    }
    assert thresholds["active_members"] == 50.0
    assert thresholds["returning_share"] == 0.25
    weekly_rows = len(app_read.snapshot().weekly)
    assert all(len(frame) <= weekly_rows for _, frames in drawn for frame in frames)
    demand = next(frames for _, frames in drawn if "series" in frames[0].columns)
    drawn_series = {
        series
        for frame in demand
        for column in ("series", "line")
        for series in frame.get(column, [])
    }
    assert drawn_series == {"messages", "content", "monitoring", "serving hours (the team)"}
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == [
        "Download the report (JSON)",
        "Download the weekly table (CSV)",
        "Download the brief (PDF)",
    ]


def test_concluded_tests_are_listed_with_their_lift_and_open_ones_are_not(
    app_read: Workspace,
) -> None:
    at = run()

    listed = [m.value for m in at.markdown if m.value.startswith("- **")]
    results = analyse(app_read.snapshot(), TODAY).tests
    concluded = [r for r in results if r.test.status.value == "concluded"]
    assert listed == [
        f"- **{r.test.title}** ({r.test.platform}): {r.conclusion}" for r in concluded
    ]
    assert all("lifted" in line for line in listed)
    assert not any("Carousel vs single image" in line for line in listed)  # still running


def test_a_rerun_after_an_import_shows_the_new_platform(app_ws: Workspace, long_file: Any) -> None:
    at = run()
    assert "youtube" not in cards(at)

    path = long_file(
        [
            (f"2026-10-{day:02d}", "YouTube ", metric, value)
            for day in (5, 12, 19)
            for metric, value in (("followers", 300.0), ("brand_posts", 2.0))
        ]
    )
    app_ws.import_file(EDITOR, path, today=TODAY)
    at.run()

    assert not at.exception
    assert cards(at)["youtube"][0] == "Setup"  # its setup checklist is still open


def test_an_empty_workspace_says_where_to_start(
    empty_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    monkeypatch.setenv("ROLLOUT_WORKSPACE", empty_ws.location.key)
    st.cache_data.clear()
    st.cache_resource.clear()

    at = run()

    assert any("No metrics yet" in i.value for i in at.info)
    assert cards(at)["Overall stage"][0] == "Setup"
    kind, text = banner(at)
    assert kind == "info" and text.startswith("**Extra resources are not justified:**")
    assert not at.get("vega_lite_chart")
    assert any("No concluded tests yet" in c.value for c in at.caption)
