"""Stages week by week: gates with hysteresis, the checklist, overrides, stalls, the overall stage.

Each test builds a platform's weekly history from spans of weeks that look alike:
``history((2, POSTING), (4, THRIVING))`` is two weeks of a platform that posts to enough
followers, then four weeks of a community that participates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pytest

from strategy.domain.gates import (
    CHECKLIST_CRITERION,
    CHECKLIST_ITEMS,
    DEFAULT_GATES,
    ChecklistItem,
    Stage,
)
from strategy.domain.metrics import to_wide
from strategy.domain.stages import (
    Evidence,
    Override,
    PlatformStatus,
    Transition,
    TransitionKind,
    evaluate_all,
    evaluate_platform,
    gate_evidence,
    overall_stage,
    stage_counts,
)

FIRST_MONDAY = dt.date(2024, 1, 1)
CHECKLIST_DONE = dt.date(2023, 12, 20)
"""When the setup checklist is done, unless a test says otherwise: before the first week."""

QUIET: Mapping[str, float] = {"followers": 20, "brand_posts": 0}
"""Fails the setup gate: too few followers, no posts."""

POSTING: Mapping[str, float] = {"followers": 120, "brand_posts": 2}
"""Meets the setup gate; nothing measured for the active gate (0 of 4 met)."""

LULL: Mapping[str, float] = {
    "followers": 1000,
    "brand_posts": 2,
    "member_interactions": 2,
    "active_members": 10,
    "returning_members": 1,
}
"""Meets the setup gate; of the active gate only member_activity_share (2/4 = 0.5) holds."""

WARMING: Mapping[str, float] = {**LULL, "active_members": 60}
"""Like LULL plus enough active members: 2 of the 4 active criteria."""

THRIVING: Mapping[str, float] = {
    "followers": 1000,
    "brand_posts": 2,
    "brand_replies": 3,
    "member_interactions": 60,
    "active_members": 60,
    "returning_members": 20,
}
"""Meets every criterion of both gates."""

GAP: Mapping[str, float] = {}
"""A week with no data at all."""


def week(n: int) -> dt.date:
    """The Monday ``n`` weeks after the first one."""
    return FIRST_MONDAY + dt.timedelta(weeks=n)


def history(
    *spans: tuple[int, Mapping[str, float]], platform: str = "instagram", start: int = 0
) -> pd.DataFrame:
    """A wide weekly table: each span is (number of weeks, each week's metrics), back to back."""
    rows = []
    n = start
    for count, metrics in spans:
        for _ in range(count):
            rows += [(pd.Timestamp(week(n)), platform, m, float(v)) for m, v in metrics.items()]
            n += 1
    long = pd.DataFrame(rows, columns=["week", "platform", "metric", "value"])
    return to_wide(long.astype({"week": "datetime64[ns]", "value": "float64"}))


def checklist(
    platform: str = "instagram",
    done_on: dt.date | None = CHECKLIST_DONE,
    **other_days: dt.date | None,
) -> list[ChecklistItem]:
    """The setup checklist of a platform, every item done on ``done_on`` unless named otherwise."""
    return [
        ChecklistItem(platform, item, other_days.get(item, done_on)) for item in CHECKLIST_ITEMS
    ]


def status(
    wide: pd.DataFrame,
    items: Sequence[ChecklistItem] | None = None,
    overrides: Sequence[Override] = (),
    platform: str = "instagram",
) -> PlatformStatus:
    """Evaluate one platform with the default gates (checklist done before week 0 by default)."""
    items = checklist(platform) if items is None else items
    return evaluate_all(wide, DEFAULT_GATES, items, overrides)[platform]


def moves(result: PlatformStatus) -> list[tuple[dt.date, Stage, Stage, str]]:
    """The transitions of a platform as (week, from, to, kind)."""
    return [(t.week, t.source, t.target, t.kind) for t in result.transitions]


def stages(result: PlatformStatus) -> list[Stage]:
    """The stage of each timeline week."""
    return [w.stage for w in result.timeline]


def override(
    n: int, stage: Stage, reason: str = "agreed in review", *, weeks: int | None = None
) -> Override:
    """An override from week ``n``: held ``weeks`` weeks, or until removed when None."""
    until = None if weeks is None else week(n + weeks - 1) + dt.timedelta(days=3)
    return Override("instagram", week(n), stage, reason, by="expert@example.com", until=until)


def placed(stage: Stage) -> Override:
    """Put the platform in ``stage`` for week 0 only; from week 1 the gates decide."""
    return override(0, stage, weeks=1)


# --- the climb ---------------------------------------------------------------------------


def test_a_platform_climbs_from_setup_through_retention_to_active() -> None:
    result = status(history((2, POSTING), (4, THRIVING)))
    assert moves(result) == [
        (week(1), Stage.SETUP, Stage.RETENTION, "measured"),
        (week(5), Stage.RETENTION, Stage.ACTIVE, "measured"),
    ]
    assert stages(result) == [Stage.SETUP] + [Stage.RETENTION] * 4 + [Stage.ACTIVE]
    assert (result.stage, result.since, result.weeks_in_stage) == (Stage.ACTIVE, week(5), 1)
    assert not result.stalled
    assert result.checklist_complete


def test_evaluate_platform_walks_exactly_the_weeks_it_is_given() -> None:
    weeks = [week(n) for n in range(5)]
    result = evaluate_platform(
        "instagram", history((2, POSTING)), DEFAULT_GATES, checklist(), [], weeks
    )
    assert [w.week for w in result.timeline] == weeks
    assert moves(result) == [(week(1), Stage.SETUP, Stage.RETENTION, "measured")]
    assert result.weeks_in_stage == 4


# --- gate boundaries ---------------------------------------------------------------------


def test_setup_gate_advances_after_exactly_two_weeks_dated_the_second() -> None:
    result = status(history((3, QUIET), (2, POSTING)))
    assert moves(result) == [(week(4), Stage.SETUP, Stage.RETENTION, "measured")]


def test_setup_gate_does_not_advance_on_one_week() -> None:
    result = status(history((1, POSTING), (1, QUIET), (1, POSTING), (1, GAP), (1, POSTING)))
    assert result.transitions == ()
    assert result.stage is Stage.SETUP
    assert result.since == week(0)


def test_active_gate_advances_after_exactly_four_weeks() -> None:
    result = status(history((2, POSTING), (4, THRIVING)))
    assert result.transitions[-1].week == week(5)
    assert result.stage is Stage.ACTIVE


def test_active_gate_does_not_advance_on_three_weeks_then_a_dip() -> None:
    result = status(history((2, POSTING), (3, THRIVING), (1, LULL), (3, THRIVING)))
    assert result.stage is Stage.RETENTION
    assert moves(result) == [(week(1), Stage.SETUP, Stage.RETENTION, "measured")]


def test_weeks_before_reaching_retention_do_not_count_toward_active() -> None:
    # THRIVING meets both gates: the first two weeks take it into retention, and only
    # from the week after that do weeks count toward the active gate.
    result = status(history((5, THRIVING)))
    assert result.stage is Stage.RETENTION
    result = status(history((6, THRIVING)))
    assert moves(result)[-1] == (week(5), Stage.RETENTION, Stage.ACTIVE, "measured")


def test_a_dip_shorter_than_four_weeks_does_not_fall_back_from_active() -> None:
    result = status(history((2, POSTING), (4, THRIVING), (3, LULL), (1, THRIVING), (3, LULL)))
    assert result.stage is Stage.ACTIVE
    assert result.since == week(5)


def test_four_failing_weeks_fall_back_from_active_to_retention() -> None:
    result = status(history((2, POSTING), (4, THRIVING), (4, LULL)))
    assert moves(result)[-1] == (week(9), Stage.ACTIVE, Stage.RETENTION, "measured")
    assert result.stage is Stage.RETENTION
    assert result.since == week(9)


def test_falling_back_from_active_carries_the_failed_active_criteria() -> None:
    result = status(history((2, POSTING), (4, THRIVING), (4, LULL)))
    assert result.transitions[-1].evidence == (
        Evidence("active_members", ">=", 50.0, 10.0, False),
        Evidence("returning_share", ">=", 0.25, 0.1, False),
        Evidence("member_activity_share", ">=", 0.5, 0.5, True),
        Evidence("engagement_rate", ">=", 0.01, 0.002, False),
    )


def test_after_falling_back_the_lower_gate_counts_afresh() -> None:
    # Quiet weeks fail both gates, but they count toward leaving retention only once the
    # platform is back in retention: one stage at a time, four weeks each.
    result = status(history((2, POSTING), (4, THRIVING), (7, QUIET)))
    assert moves(result)[-1] == (week(9), Stage.ACTIVE, Stage.RETENTION, "measured")
    result = status(history((2, POSTING), (4, THRIVING), (8, QUIET)))
    assert moves(result)[-1] == (week(13), Stage.RETENTION, Stage.SETUP, "measured")


def test_missing_weeks_count_as_failing_weeks() -> None:
    result = status(history((2, POSTING), (4, THRIVING), (4, GAP), (1, THRIVING)))
    assert moves(result)[-1] == (week(9), Stage.ACTIVE, Stage.RETENTION, "measured")


def test_retention_falls_back_to_setup_after_four_weeks_below_the_setup_gate() -> None:
    assert status(history((2, POSTING), (3, QUIET), (1, POSTING))).stage is Stage.RETENTION
    result = status(history((2, POSTING), (4, QUIET)))
    assert moves(result)[-1] == (week(5), Stage.RETENTION, Stage.SETUP, "measured")
    assert [e.metric for e in result.transitions[-1].evidence] == [
        "audience",
        "brand_posts",
        CHECKLIST_CRITERION,
    ]


# --- the checklist -----------------------------------------------------------------------


def test_an_incomplete_checklist_keeps_a_platform_in_setup() -> None:
    items = checklist(launch_content_created=None)
    result = status(history((8, THRIVING)), items)
    assert result.stage is Stage.SETUP
    assert not result.checklist_complete
    assert [w.exit_share for w in result.timeline] == [pytest.approx(2 / 3)] * 8


def test_a_checklist_item_done_after_a_week_does_not_count_for_that_week() -> None:
    done_next_monday = checklist(tools_chosen=week(2))
    result = status(history((6, POSTING)), done_next_monday)
    assert moves(result) == [(week(3), Stage.SETUP, Stage.RETENTION, "measured")]


def test_a_checklist_item_done_on_the_sunday_counts_for_that_week() -> None:
    done_on_sunday = checklist(tools_chosen=week(2) - dt.timedelta(days=1))
    result = status(history((6, POSTING)), done_on_sunday)
    assert moves(result) == [(week(2), Stage.SETUP, Stage.RETENTION, "measured")]


def test_checklist_complete_is_judged_at_the_end_of_the_latest_week() -> None:
    wide = history((4, POSTING))
    assert status(wide, checklist(done_on=week(3) + dt.timedelta(days=6))).checklist_complete
    assert not status(wide, checklist(done_on=week(4))).checklist_complete


def test_another_platforms_checklist_does_not_count() -> None:
    result = status(history((4, POSTING)), checklist("linkedin"))
    assert result.stage is Stage.SETUP
    assert not result.checklist_complete


# --- evidence ----------------------------------------------------------------------------


def test_a_transition_carries_every_criterion_value_and_threshold() -> None:
    result = status(history((2, POSTING)))
    assert result.transitions[0].evidence == (
        Evidence("audience", ">=", 100.0, 120.0, True),
        Evidence("brand_posts", ">=", 1.0, 2.0, True),
        Evidence(CHECKLIST_CRITERION, ">=", 1.0, 1.0, True),
    )


def test_gate_evidence_marks_unmeasured_values_as_failing() -> None:
    row = {"audience": 150.0, "brand_posts": float("nan")}
    assert gate_evidence(DEFAULT_GATES.to_retention, row, [], week(0)) == (
        Evidence("audience", ">=", 100.0, 150.0, True),
        Evidence("brand_posts", ">=", 1.0, None, False),
        Evidence(CHECKLIST_CRITERION, ">=", 1.0, 0.0, False),
    )
    assert [e.value for e in gate_evidence(DEFAULT_GATES.to_active, None, [], week(0))] == [
        None
    ] * 4


def test_metric_columns_missing_from_the_table_fail_their_criteria() -> None:
    wide = pd.DataFrame(
        {
            "platform": ["instagram"] * 6,
            "week": pd.to_datetime([week(n) for n in range(6)]).astype("datetime64[ns]"),
            "audience": np.full(6, 500.0),
            "brand_posts": np.full(6, 3.0),
        }
    )
    result = status(wide)
    assert result.stage is Stage.RETENTION
    assert {w.exit_share for w in result.timeline[2:]} == {0.0}


def test_the_timeline_shares_the_exit_gate_met_for_the_stage_each_week_starts_in() -> None:
    result = status(history((1, QUIET), (1, POSTING), (1, POSTING), (4, THRIVING)))
    shares = [w.exit_share for w in result.timeline]
    # week 0: 1 of 3 setup criteria (the checklist); week 2 still starts in setup.
    assert shares[:3] == [pytest.approx(1 / 3), 1.0, 1.0]
    assert shares[3:6] == [1.0, 1.0, 1.0]
    assert shares[6] == 1.0  # the week it enters active started in retention
    assert status(history((2, POSTING), (5, THRIVING))).timeline[-1].exit_share is None


# --- overrides ---------------------------------------------------------------------------


def test_an_override_is_recorded_apart_with_its_reason_and_counts_from_its_end() -> None:
    ruling = override(2, Stage.RETENTION, "community moved from the old forum", weeks=1)
    result = status(history((2, QUIET), (5, THRIVING)), overrides=[ruling])
    assert result.transitions[0] == Transition(
        week(2),
        Stage.SETUP,
        Stage.RETENTION,
        TransitionKind.OVERRIDE,
        (),
        "community moved from the old forum",
    )
    # The override week itself is not evaluated: four THRIVING weeks after it.
    assert moves(result)[1:] == [(week(6), Stage.RETENTION, Stage.ACTIVE, "measured")]


def test_an_override_holds_until_it_is_removed_whatever_the_gates_say() -> None:
    # TikTok set to active stayed active a month later, not "retention since" the fall back.
    result = status(history((10, LULL)), overrides=[override(2, Stage.ACTIVE)])
    assert moves(result) == [
        (week(1), Stage.SETUP, Stage.RETENTION, "measured"),
        (week(2), Stage.RETENTION, Stage.ACTIVE, "override"),
    ]
    assert (result.stage, result.since, result.weeks_in_stage) == (Stage.ACTIVE, week(2), 8)
    assert [w.overridden for w in result.timeline] == [False, False] + [True] * 8
    assert not result.stalled


def test_an_override_holds_through_the_week_of_its_end_date_then_the_gates_decide() -> None:
    ruling = override(0, Stage.ACTIVE, weeks=3)
    result = status(history((10, LULL)), overrides=[ruling])
    assert [w.overridden for w in result.timeline] == [True] * 3 + [False] * 7
    # Four failing weeks after the override ends (weeks 3-6) take it back to retention.
    assert moves(result) == [
        (week(0), Stage.SETUP, Stage.ACTIVE, "override"),
        (week(6), Stage.ACTIVE, Stage.RETENTION, "measured"),
    ]


def test_an_override_to_the_same_stage_is_recorded_and_resets_the_count() -> None:
    result = status(
        history((4, POSTING)), overrides=[override(1, Stage.SETUP, "relaunch", weeks=1)]
    )
    assert moves(result) == [
        (week(1), Stage.SETUP, Stage.SETUP, "override"),
        (week(3), Stage.SETUP, Stage.RETENTION, "measured"),
    ]


def test_the_latest_recorded_override_of_a_week_wins() -> None:
    first = override(0, Stage.ACTIVE, "typo")
    second = override(0, Stage.RETENTION, "corrected")
    result = status(history((1, LULL)), overrides=[first, second])
    assert (result.stage, result.transitions[0].reason) == (Stage.RETENTION, "corrected")


def test_a_platform_overridden_above_its_evidence_falls_back_four_weeks_after_its_end() -> None:
    result = status(history((6, LULL)), overrides=[placed(Stage.ACTIVE)])
    assert moves(result) == [
        (week(0), Stage.SETUP, Stage.ACTIVE, "override"),
        (week(4), Stage.ACTIVE, Stage.RETENTION, "measured"),
    ]


# --- stalls ------------------------------------------------------------------------------


def test_twelve_flat_weeks_in_retention_is_a_stall() -> None:
    result = status(history((12, LULL)), overrides=[placed(Stage.RETENTION)])
    assert result.weeks_in_stage == 12
    assert result.stalled
    assert result.stall_reason == (
        "12 weeks in retention; exit criteria met 25% then, 25% now: no upward trend"
        "; not met in the latest week: active_members 10 (needs >= 50), "
        "returning_share 0.1 (needs >= 0.25), engagement_rate 0.002 (needs >= 0.01)"
    )


def test_eleven_flat_weeks_is_not_yet_a_stall() -> None:
    result = status(history((11, LULL)), overrides=[placed(Stage.RETENTION)])
    assert (result.weeks_in_stage, result.stalled, result.stall_reason) == (11, False, "")


def test_a_rising_share_is_not_a_stall() -> None:
    result = status(history((8, LULL), (6, WARMING)), overrides=[placed(Stage.RETENTION)])
    assert result.weeks_in_stage == 14
    assert not result.stalled


def test_a_falling_share_over_many_weeks_is_a_stall() -> None:
    result = status(history((12, WARMING), (8, LULL)), overrides=[placed(Stage.RETENTION)])
    assert result.stall_reason == (
        "20 weeks in retention; exit criteria met 50% then, 25% now: no upward trend"
        "; not met in the latest week: active_members 10 (needs >= 50), "
        "returning_share 0.1 (needs >= 0.25), engagement_rate 0.002 (needs >= 0.01)"
    )


def test_a_platform_that_never_leaves_setup_stalls() -> None:
    result = status(history((12, QUIET)), checklist(done_on=None))
    assert result.stall_reason == (
        "12 weeks in setup; exit criteria met 0% then, 0% now: no upward trend; "
        "not met in the latest week: audience 20 (needs >= 100), brand_posts 0 (needs >= 1), "
        "the setup checklist is not complete"
    )


def test_the_trend_measures_the_current_stages_gate_also_in_the_week_it_arrived() -> None:
    # Arrives in retention in week 1 with nothing of the active gate met, then rises to 25%:
    # week 1 met the *setup* gate fully, but that is not progress toward active.
    result = status(history((2, POSTING), (3, POSTING), (8, LULL)))
    assert (result.stage, result.weeks_in_stage) == (Stage.RETENTION, 12)
    assert not result.stalled


def test_an_active_community_never_stalls() -> None:
    result = status(history((2, POSTING), (20, THRIVING)))
    assert (result.stage, result.weeks_in_stage, result.stalled) == (Stage.ACTIVE, 17, False)


# --- all platforms -----------------------------------------------------------------------


def test_overall_stage_is_the_furthest_stage_half_of_the_platforms_reached() -> None:
    wide = pd.concat(
        [
            history((2, POSTING), (4, THRIVING), platform="forum"),
            history((6, QUIET), platform="linkedin"),
            history((6, POSTING), platform="instagram"),
        ]
    )
    items = checklist("forum") + checklist("linkedin") + checklist("instagram")
    statuses = evaluate_all(wide, DEFAULT_GATES, items, [])
    assert {p: s.stage for p, s in statuses.items()} == {
        "forum": Stage.ACTIVE,
        "instagram": Stage.RETENTION,
        "linkedin": Stage.SETUP,
    }
    assert overall_stage(statuses) is Stage.RETENTION  # 2 of 3 reached retention, 1 active
    assert stage_counts(statuses) == {Stage.SETUP: 1, Stage.RETENTION: 1, Stage.ACTIVE: 1}
    del statuses["linkedin"]
    assert overall_stage(statuses) is Stage.ACTIVE  # 1 of 2 active: half
    assert overall_stage({}) is Stage.SETUP


@pytest.mark.parametrize(
    ("stages", "overall"),
    [
        ("A", Stage.ACTIVE),
        ("ARRS", Stage.RETENTION),  # the demo: 1 of 4 active is not an active rollout
        ("AASS", Stage.ACTIVE),
        ("ASSS", Stage.SETUP),
        ("RSS", Stage.SETUP),
        ("RRS", Stage.RETENTION),
        ("SS", Stage.SETUP),
    ],
)
def test_overall_stage_counts_platforms_not_the_best_one(stages: str, overall: Stage) -> None:
    by_letter = {"S": QUIET, "R": POSTING, "A": THRIVING}
    wide = pd.concat(
        [
            history((2, POSTING), (4, by_letter[letter]), platform=f"p{n}")
            if letter != "S"
            else history((6, QUIET), platform=f"p{n}")
            for n, letter in enumerate(stages)
        ]
    )
    items = [i for n in range(len(stages)) for i in checklist(f"p{n}")]
    statuses = evaluate_all(wide, DEFAULT_GATES, items, [])
    assert "".join(s.stage.value[0].upper() for s in statuses.values()) == stages
    assert overall_stage(statuses) is overall


def test_each_platform_runs_from_its_first_week_to_its_own_latest_week() -> None:
    wide = pd.concat(
        [
            history((10, POSTING), platform="instagram"),
            history((2, POSTING), platform="linkedin", start=4),
            history((4, THRIVING), platform="forum", start=6),
        ]
    )
    items = [
        *checklist("forum"),
        *checklist("instagram"),
        *checklist("linkedin"),
        *checklist("tiktok", done_on=None),
    ]
    overrides = [Override("forum", week(2), Stage.RETENTION, "migrated community", until=week(2))]
    statuses = evaluate_all(wide, DEFAULT_GATES, items, overrides)

    assert list(statuses) == ["forum", "instagram", "linkedin", "tiktok"]
    spans = {
        p: (s.timeline[0].week, s.timeline[-1].week) for p, s in statuses.items() if s.timeline
    }
    assert spans == {
        "forum": (week(2), week(9)),  # from its override, before its first data
        "instagram": (week(0), week(9)),
        "linkedin": (week(4), week(5)),
    }
    # linkedin's data ends after week 5: it is judged up to there, not failed for the lag.
    assert moves(statuses["linkedin"]) == [(week(5), Stage.SETUP, Stage.RETENTION, "measured")]
    assert statuses["forum"].stage is Stage.ACTIVE
    tiktok = statuses["tiktok"]
    assert (tiktok.stage, tiktok.since, tiktok.weeks_in_stage) == (Stage.SETUP, None, 0)
    assert (tiktok.timeline, tiktok.transitions, tiktok.stalled) == ((), (), False)
    assert not tiktok.checklist_complete


def test_a_platform_without_data_reports_whether_its_checklist_is_done_at_all() -> None:
    statuses = evaluate_all(history(), DEFAULT_GATES, checklist("tiktok", done_on=week(30)), [])
    assert statuses["tiktok"].checklist_complete
    assert statuses["tiktok"].stage is Stage.SETUP


def test_nothing_to_evaluate_gives_no_platforms() -> None:
    assert evaluate_all(history(), DEFAULT_GATES, [], []) == {}


def test_two_years_of_eight_platforms_evaluate_in_one_pass() -> None:
    # Sized like a large workspace: two years of weekly data for eight platforms.
    names = [f"platform_{n}" for n in range(8)]
    wide = pd.concat(
        [history((2 + n, POSTING), (102 - n, THRIVING), platform=p) for n, p in enumerate(names)]
    )
    items = [item for p in names for item in checklist(p)]
    statuses = evaluate_all(wide, DEFAULT_GATES, items, [])
    assert [len(s.timeline) for s in statuses.values()] == [104] * 8
    assert [s.since for s in statuses.values()] == [week(n + 5) for n in range(8)]
    assert overall_stage(statuses) is Stage.ACTIVE
