"""The analysis of a workspace and its JSON/text report, on the demo company."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from strategy.domain.analysis import analyse
from strategy.domain.experiments import StrategyTest, TestStatus
from strategy.domain.gates import Stage
from strategy.domain.resources import DEMAND_EXCEEDS_CAPACITY, SignalStatus
from strategy.report import (
    NoteKind,
    data_age_text,
    platform_notes,
    report_dict,
    report_json,
    report_text,
    weekly_csv,
)
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY


@pytest.fixture
def demo_report(demo_read: Workspace) -> dict:
    return report_dict(analyse(demo_read.snapshot(), TODAY))


def test_the_demo_company_has_four_platforms_in_different_stages(demo_read: Workspace) -> None:
    result = analyse(demo_read.snapshot(), TODAY)
    stages = {name: s.stage for name, s in result.statuses.items()}
    assert stages == {
        "instagram": Stage.ACTIVE,
        "linkedin": Stage.RETENTION,
        "forum": Stage.RETENTION,
        "tiktok": Stage.SETUP,
    }
    # One of four active is not an active rollout: half of them have reached retention.
    assert result.overall_stage is Stage.RETENTION
    assert result.stage_counts == {Stage.SETUP: 1, Stage.RETENTION: 2, Stage.ACTIVE: 1}
    assert result.statuses["forum"].stalled and not result.statuses["linkedin"].stalled


def test_the_demo_justifies_extra_resources_with_a_sized_gap(demo_report: dict) -> None:
    signal = demo_report["resource_signal"]
    assert signal["status"] == "justified"
    assert all(c["met"] for c in signal["conditions"])
    assert signal["gap_hours_per_week"] > 0
    assert signal["gap_people"] == pytest.approx(signal["gap_hours_per_week"] / 40, abs=0.06)
    assert signal["recommended_roles"][0] == "social_media_manager"


def test_the_json_report_gives_the_gap_as_positions_with_roles_fte_and_seniority(
    demo_report: dict,
) -> None:
    # 50 h for three roles: the lean pair (strategy plus community) in one position,
    # content (under half a week) in the other; no one holds these roles yet, so both senior.
    assert demo_report["resource_signal"]["positions"] == [
        {"roles": ["social_media_manager", "community_manager"], "fte": 0.8, "seniority": "senior"},
        {"roles": ["content_creator"], "fte": 0.4, "seniority": "senior"},
    ]


def test_the_json_report_holds_what_the_issue_promises(demo_report: dict) -> None:
    assert set(demo_report) >= {"overall_stage", "platforms", "resource_signal", "tests", "team"}
    for platform in demo_report["platforms"].values():
        assert set(platform) >= {"stage", "since", "stalled", "checklist_complete", "transitions"}
        for move in platform["transitions"]:
            assert set(move) >= {"week", "from", "to", "evidence"}
            assert len(move["week"]) == 10 and move["week"][4] == "-"
    assert set(demo_report["resource_signal"]) >= {
        "status",
        "conditions",
        "gap_hours_per_week",
        "gap_people",
        "recommended_roles",
    }
    for test in demo_report["tests"]:
        assert set(test) >= {
            "title", "status", "control_rate", "variant_rate", "abs_lift", "rel_lift",
            "ci_low", "ci_high", "p_value", "prob_variant_better", "significant", "warning",
        }  # fmt: skip
    assert demo_report["team"]["capacity_hours_per_week"] == 37.0
    # The expert (12 h) and Jonas (support and community, capped at his 8 h) serve demand.
    assert demo_report["team"]["serving_hours_per_week"] == 20.0
    assert any("burnout" in w for w in demo_report["team"]["warnings"])


def test_a_planned_test_without_data_reports_no_statistics(demo_report: dict) -> None:
    planned = next(t for t in demo_report["tests"] if t["status"] == "planned")
    assert planned["p_value"] is None and planned["significant"] is False


def test_the_report_changes_when_the_workspace_does(demo_ws: Workspace) -> None:
    before = json.loads(report_json(analyse(demo_ws.snapshot(), TODAY)))
    demo_ws.add_assignment(EDITOR, name="Pia", role="content_creator", hours=30)
    after = json.loads(report_json(analyse(demo_ws.snapshot(), TODAY)))
    assert before["team"]["capacity_hours_per_week"] == 37.0
    assert after["team"]["capacity_hours_per_week"] == 67.0
    assert (
        after["resource_signal"]["gap_hours_per_week"]
        < before["resource_signal"]["gap_hours_per_week"]
    )


def test_without_an_active_platform_resources_are_not_justified(empty_ws: Workspace) -> None:
    result = analyse(empty_ws.snapshot(), TODAY)
    assert result.signal.status is SignalStatus.NOT_JUSTIFIED
    assert result.latest_week is None and result.statuses == {}
    assert "Overall stage: setup" in report_text(result)


def test_the_text_report_and_csv_are_readable(demo_read: Workspace) -> None:
    result = analyse(demo_read.snapshot(), TODAY)
    text = report_text(result)
    assert "forum: retention" in text and "STALLED" in text
    assert "Resource signal: justified" in text
    assert (
        "  Positions: To close the gap: 0.8 FTE social media manager/community manager "
        "+ 0.4 FTE content creator (part-time hybrid)." in text
    )
    csv = weekly_csv(result)
    header = csv.splitlines()[0].split(",")
    assert header[:2] == ["platform", "week"] and "member_activity_share" in header
    assert csv.splitlines()[1].split(",")[1].count("-") == 2


def test_each_platform_note_says_what_it_is_about(demo_read: Workspace) -> None:
    analysis = analyse(demo_read.snapshot(), TODAY)
    notes = {
        name: [(n.kind, n.text) for n in platform_notes(analysis, name)]
        for name, s in analysis.statuses.items()
    }
    (tiktok,) = notes["tiktok"]
    assert tiktok[0] is NoteKind.NOT_MEASURED
    assert tiktok[1].endswith("not measured on tiktok")


def test_a_concluded_win_whose_split_is_broken_does_not_justify_resources(
    demo_ws: Workspace,
) -> None:
    snap = demo_ws.snapshot()
    assert analyse(snap, TODAY).signal.status is SignalStatus.JUSTIFIED

    def skewed(t: StrategyTest) -> StrategyTest:
        more = round(t.variant_n * 1.3)
        return dataclasses.replace(
            t, variant_n=more, variant_successes=round(t.variant_successes * 1.3)
        )

    tests = tuple(skewed(t) if t.status is TestStatus.CONCLUDED else t for t in snap.tests)
    result = analyse(dataclasses.replace(snap, tests=tests), TODAY)
    assert result.signal.status is SignalStatus.NOT_YET
    report = report_dict(result)
    flagged = [t for t in report["tests"] if t["warning"].startswith("sample ratio mismatch")]
    assert "Questions instead of product shots" in [t["title"] for t in flagged]
    assert all(t["srm_p_value"] < 0.001 and t["planned_split"] == 0.5 for t in flagged)
    assert {t["kind"] for t in report["tests"]} == {"conversion"}


def test_the_text_report_says_how_far_behind_today_the_data_is(demo_read: Workspace) -> None:
    text = report_text(analyse(demo_read.snapshot(), dt.date(2026, 12, 2)))
    assert (
        "Latest complete week: 2026-11-09 "
        "(data through the week of 09 Nov 2026, 3 weeks behind today)"
    ) in text.splitlines()


@pytest.mark.parametrize(
    ("today", "age"),
    [
        (dt.date(2026, 11, 16), "up to date"),
        (dt.date(2026, 11, 22), "up to date"),
        (dt.date(2026, 11, 23), "2 weeks behind today"),
        (dt.date(2026, 12, 7), "4 weeks behind today"),
    ],
)
def test_the_datas_age_is_counted_in_whole_weeks(today: dt.date, age: str) -> None:
    assert data_age_text(dt.date(2026, 11, 9), today) == (
        f"data through the week of 09 Nov 2026, {age}"
    )


def test_the_text_report_names_a_stage_set_by_an_override_and_its_reason(
    demo_ws: Workspace,
) -> None:
    demo_ws.add_override(EDITOR, "tiktok", "2026-10-05", "active", "Launch campaign runs there")
    lines = report_text(analyse(demo_ws.snapshot(), TODAY)).splitlines()
    tiktok = next(line for line in lines if line.startswith("  tiktok:"))
    assert tiktok.startswith("  tiktok: active since 2026-10-05")
    assert "[stage set by an override: Launch campaign runs there;" in tiktok
    others = [line for line in lines if line.startswith("  ") and "since" in line]
    assert [line for line in others if "override" in line] == [tiktok]


def test_an_override_that_has_ended_no_longer_sets_the_stage(demo_ws: Workspace) -> None:
    demo_ws.add_override(
        EDITOR, "tiktok", "2026-09-07", "retention", "Trial month", until="2026-10-04"
    )
    text = report_text(analyse(demo_ws.snapshot(), TODAY))
    assert "override" not in text


def test_a_concluded_test_never_says_yet_in_the_report(demo_read: Workspace) -> None:
    report = report_dict(analyse(demo_read.snapshot(), TODAY))
    concluded = [t for t in report["tests"] if t["status"] == "concluded"]
    assert concluded and not [t["title"] for t in concluded if "yet" in t["conclusion"]]
    thread = next(t for t in concluded if t["title"] == "Weekly ask-me-anything thread")
    assert (
        "the data was not enough to be sure: it needed about 3,400 per arm."
        in (thread["conclusion"])
    )
    running = [t for t in report["tests"] if t["status"] == "running"]
    assert any("not enough data to be sure yet" in t["conclusion"] for t in running)


def test_the_text_report_names_social_and_serving_hours(demo_read: Workspace) -> None:
    text = report_text(analyse(demo_read.snapshot(), TODAY))
    assert "Team: 37.0 social hours a week, 20.0 serving hours a week" in text


@pytest.mark.parametrize(
    ("days_after_today", "capacity", "serving"),
    [(0, 37.0, 20.0), (7, 67.0, 30.0), (37, 67.0, 40.0), (67, 67.0, 50.0)],
    ids=["before the start", "first day", "day 30", "day 60"],
)
def test_the_team_block_counts_both_figures_as_of_the_reports_day(
    demo_ws: Workspace, days_after_today: int, capacity: float, serving: float
) -> None:
    start = TODAY + dt.timedelta(days=7)
    demo_ws.add_assignment(
        EDITOR, name="Pia", role="community_manager", hours=30, start=start.isoformat()
    )
    day = TODAY + dt.timedelta(days=days_after_today)
    report = report_dict(analyse(demo_ws.snapshot(), day))
    assert report["team"]["capacity_hours_per_week"] == capacity  # social hours, in full
    assert report["team"]["serving_hours_per_week"] == pytest.approx(serving)  # ramped up
    demand = next(
        c for c in report["resource_signal"]["conditions"] if c["key"] == DEMAND_EXCEEDS_CAPACITY
    )
    assert f"vs {serving:.1f} serving hours" in demand["value"]  # what the signal compares with
