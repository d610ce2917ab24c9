"""Chart frames: small, weekly, and faithful to the analysis they draw."""

from __future__ import annotations

import datetime as dt

import pytest

from strategy.domain.analysis import analyse
from strategy.domain.gates import CHECKLIST_CRITERION, DEFAULT_GATES, Stage
from strategy.domain.stages import Override
from strategy.usecases import Workspace
from strategy.views import frames
from tests.conftest import TODAY


def test_the_stage_timeline_covers_every_week_once(demo_read: Workspace) -> None:
    result = analyse(demo_read.snapshot(), TODAY)
    stretches = frames.stage_timeline(result.statuses)
    for platform, status in result.statuses.items():
        mine = stretches[stretches["platform"] == platform].sort_values("start")
        assert mine["weeks"].sum() == len(status.timeline)
        assert (mine["start"].iloc[1:].to_numpy() == mine["end"].iloc[:-1].to_numpy()).all()
        assert mine["stage"].iloc[-1] == status.stage.value


def test_transitions_show_evidence_or_the_override_reason(demo_ws: Workspace) -> None:
    from tests.conftest import EDITOR

    demo_ws.add_override(EDITOR, "tiktok", "2026-11-02", "retention", "Agency launch done")
    moves = frames.transitions(analyse(demo_ws.snapshot(), TODAY).statuses)
    override = moves[moves["kind"] == "override"].iloc[0]
    assert override["platform"] == "tiktok" and override["why"] == "Agency launch done"
    measured = moves[(moves["platform"] == "instagram") & (moves["to"] == "active")].iloc[0]
    assert "active members" in measured["why"] and "≥ 50" in measured["why"]


def test_kpis_are_weekly_and_thresholds_come_from_the_gates(demo_read: Workspace) -> None:
    result = analyse(demo_read.snapshot(), TODAY)
    kpis = frames.kpi_long(result.wide)
    assert set(kpis["metric"]) <= set(frames.KPI_METRICS)
    assert not kpis.duplicated(["platform", "week", "metric"]).any()
    assert len(kpis) <= 4 * 52 * len(frames.KPI_METRICS)
    rules = frames.gate_thresholds(DEFAULT_GATES)
    assert rules.loc[rules["metric"] == "active_members", "threshold"].tolist() == [50.0]


def test_demand_frame_has_capacity_beside_each_kind_of_work(demo_read: Workspace) -> None:
    result = analyse(demo_read.snapshot(), TODAY)
    demand = frames.demand_vs_capacity(result.demand)
    assert set(demand["series"]) == {"messages", "content", "monitoring", "capacity"}
    latest = demand[demand["week"] == demand["week"].max()].set_index("series")["hours"]
    assert latest["capacity"] == result.team.serving_hours
    assert latest.drop("capacity").sum() == pytest.approx(result.demand[-1].total_hours)


def test_only_concluded_tests_with_data_are_listed_with_lift_in_points(
    demo_read: Workspace,
) -> None:
    result = analyse(demo_read.snapshot(), TODAY)
    concluded = frames.concluded_tests(result.tests)
    assert set(concluded["title"]) == {
        "Questions instead of product shots",
        "Weekly ask-me-anything thread",
    }
    win = concluded.set_index("title").loc["Questions instead of product shots"]
    assert win["ci_low"] < win["lift"] < win["ci_high"] and win["significant"]
    assert round(win["lift"], 1) == 2.1


def test_the_overrides_table_says_until_removed_for_an_open_ended_override() -> None:
    held = Override("forum", dt.date(2026, 1, 5), Stage.ACTIVE, "launch went well", "maya")
    table = frames.overrides([held])
    assert table.to_dict("records") == [
        {
            "id": None,
            "platform": "forum",
            "from week": dt.date(2026, 1, 5),
            "until": "until removed",
            "stage": "active",
            "reason": "launch went well",
            "by": "maya",
        }
    ]


def test_evidence_names_the_setup_checklist_in_words(demo_read: Workspace) -> None:
    result = analyse(demo_read.snapshot(), TODAY)
    moves = [t for s in result.statuses.values() for t in s.transitions if t.evidence]
    table = frames.evidence(moves[0])
    assert list(table.columns) == ["metric", "comparison", "value", "threshold", "met"]
    assert "setup checklist complete" in set(table["metric"])
    assert CHECKLIST_CRITERION not in set(table["metric"])
