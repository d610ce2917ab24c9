"""The resource signal: when extra people are justified, and how big the gap is."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import pytest

from strategy.domain.errors import ValidationError
from strategy.domain.gates import Stage
from strategy.domain.horizons import SignalWindow, common_window, horizons
from strategy.domain.metrics import to_wide
from strategy.domain.resources import (
    NO_COMPLETE_WEEK,
    NO_DATA,
    ConditionKey,
    DemandSettings,
    ResourceSignal,
    SignalStatus,
    TestOutcome,
    WeekDemand,
    resource_signal,
    settings_from_dict,
    settings_to_dict,
    weekly_demand,
)
from strategy.domain.stages import PlatformStatus, WeekState
from strategy.domain.team import Role

FIRST_MONDAY = dt.date(2024, 1, 1)
SETTINGS = DemandSettings()
WIN = TestOutcome("Reels vs carousel", concluded=True, significant=True, abs_lift=0.02)
SMM = ["social_media_manager"]

Value = float | Sequence[float | None]


def monday(n: int) -> dt.date:
    """The n-th week of the history (0 = the first)."""
    return FIRST_MONDAY + dt.timedelta(weeks=n)


def metrics(weeks: int, **platforms: Mapping[str, Value]) -> pd.DataFrame:
    """A wide weekly table: per platform, each metric constant or given week by week."""
    rows = []
    for platform, values in platforms.items():
        for metric, value in values.items():
            series = [value] * weeks if isinstance(value, int | float) else list(value)
            for n, v in enumerate(series):
                if v is not None:
                    rows.append((pd.Timestamp(monday(n)), platform, metric, float(v)))
    long = pd.DataFrame(rows, columns=["week", "platform", "metric", "value"])
    long["week"] = long["week"].astype("datetime64[ns]")
    return to_wide(long)


def history(platform: str, **weeks_per_stage: int) -> PlatformStatus:
    """A platform that spent the given weeks in each stage, in order, e.g. retention=3, active=9."""
    timeline: list[WeekState] = []
    for stage_name, count in weeks_per_stage.items():
        for _ in range(count):
            timeline.append(WeekState(monday(len(timeline)), Stage(stage_name), None))
    current = timeline[-1].stage
    run = 0
    for state in reversed(timeline):
        if state.stage is not current:
            break
        run += 1
    return PlatformStatus(
        platform=platform,
        stage=current,
        since=timeline[-run].week,
        weeks_in_stage=run,
        stalled=False,
        stall_reason="",
        checklist_complete=True,
        transitions=(),
        timeline=tuple(timeline),
    )


def signal(
    wide: pd.DataFrame,
    *statuses: PlatformStatus,
    tests: Sequence[TestOutcome] = (WIN,),
    capacity: float = 40.0,
    team: Sequence[str] = SMM,
    settings: DemandSettings = SETTINGS,
) -> ResourceSignal:
    window = window_of(wide, settings)
    by_name = {s.platform: s for s in statuses}
    demand = weekly_demand(wide, by_name, capacity, settings, window)
    roles = [Role(r) for r in team]
    return resource_signal(demand, by_name, tests, capacity, roles, window, settings)


def window_of(wide: pd.DataFrame, settings: DemandSettings = SETTINGS) -> SignalWindow:
    """The signal's window on a table whose every week is complete."""
    weeks = wide[["platform", "week"]].assign(complete=True)
    return common_window(horizons(weeks), settings.window_weeks)


def demand_of(
    wide: pd.DataFrame,
    statuses: Mapping[str, PlatformStatus],
    capacity: float,
    settings: DemandSettings = SETTINGS,
) -> tuple[WeekDemand, ...]:
    return weekly_demand(wide, statuses, capacity, settings, window_of(wide, settings))


def condition(result: ResourceSignal, key: str) -> tuple[bool, str, str]:
    (found,) = [c for c in result.conditions if c.key == key]
    return found.met, found.value, found.reason


# 240 messages x 5 min = 20 h, 28 posts x 1 h = 28 h, monitoring 2 h: 50 h a week.
BUSY = {"inbound_messages": 240, "brand_posts": 28}


# --- the verdict ---------------------------------------------------------------------------


def test_no_active_platform_is_not_justified_even_when_demand_is_high() -> None:
    result = signal(metrics(12, forum=BUSY), history("forum", setup=2, retention=10))

    assert result.status is SignalStatus.NOT_JUSTIFIED
    met, value, reason = condition(result, "active_community")
    assert not met
    assert value == "no platform active"
    assert "no platform is active" in reason
    assert condition(result, "demand_exceeds_capacity")[0]  # still reported, with its reason
    assert (result.gap_hours_per_week, result.gap_people, result.recommended_roles) == (
        0.0,
        0.0,
        (),
    )
    assert "not justified" in result.summary


def test_no_data_is_not_justified_and_every_condition_still_explains_itself() -> None:
    result = signal(metrics(0), tests=())

    assert result.status is SignalStatus.NOT_JUSTIFIED
    assert [c.key for c in result.conditions] == list(ConditionKey)
    for c in result.conditions:
        assert not c.met
        assert c.value and c.reason and c.label
    assert [(c.value, c.reason) for c in result.conditions[:2]] == [(NO_DATA, NO_COMPLETE_WEEK)] * 2
    assert "no complete week of metrics" in result.summary


def test_active_but_under_capacity_is_not_yet() -> None:
    # 120 messages = 10 h, 10 posts = 10 h, monitoring 2 h: 22 h against 40 h (55%).
    wide = metrics(12, instagram={"inbound_messages": 120, "brand_posts": 10})
    result = signal(wide, history("instagram", retention=3, active=9))

    assert result.status is SignalStatus.NOT_YET
    met, value, reason = condition(result, "demand_exceeds_capacity")
    assert not met
    assert value == "demand 22.0 h/week vs 40.0 serving hours (55%)"
    assert "55%" in reason and "under the 85% threshold" in reason
    assert "not measured" in reason
    assert condition(result, "active_community")[:2] == (True, "instagram active for 9 weeks")
    assert result.recommended_roles == ()
    assert "not yet justified" in result.summary


def test_active_for_only_three_weeks_is_not_yet() -> None:
    result = signal(metrics(10, forum=BUSY), history("forum", retention=7, active=3))

    assert result.status is SignalStatus.NOT_YET
    met, value, reason = condition(result, "active_community")
    assert not met
    assert value == "forum active for 3 weeks"
    assert reason == "forum active only 3 weeks, needs 4"
    assert reason in result.summary


def test_a_shorter_required_run_makes_three_active_weeks_enough() -> None:
    settings = DemandSettings(active_weeks_required=3)
    result = signal(
        metrics(10, forum=BUSY), history("forum", retention=7, active=3), settings=settings
    )

    assert result.status is SignalStatus.JUSTIFIED


def test_justified_gap_by_hand() -> None:
    # Demand 50 h against 40 h at 85%: 50 / 0.85 - 40 = 18.82 h, 18.82 / 40 = 0.47 people.
    result = signal(
        metrics(12, instagram=BUSY), history("instagram", retention=3, active=9), team=["support"]
    )

    assert result.status is SignalStatus.JUSTIFIED
    assert all(c.met for c in result.conditions)
    assert result.gap_hours_per_week == 18.8
    assert result.gap_people == 0.5
    # Content (28 h) is the largest workload and covers the gap alone; no social media
    # manager in the team, so that is the first hire.
    assert result.recommended_roles == ("social_media_manager", "content_creator")
    assert condition(result, "demand_exceeds_capacity")[1] == (
        "demand 50.0 h/week vs 40.0 serving hours (125%)"
    )
    assert "18.8 hours a week" in result.summary
    assert "social media manager" in result.summary
    # 18.8 h fit one person: a single hire, the social media manager, doing content too.
    assert [(p.roles, p.fte, p.seniority.value) for p in result.positions] == [
        ((Role.SOCIAL_MEDIA_MANAGER, Role.CONTENT_CREATOR), 0.5, "senior")
    ]


@pytest.mark.parametrize(
    ("wide", "status"),
    [
        (metrics(12, instagram=BUSY), SignalStatus.JUSTIFIED),
        (metrics(12, instagram={"inbound_messages": 1}), SignalStatus.NOT_YET),
    ],
)
def test_the_gap_is_positions_only_while_extra_resources_are_justified(
    wide: pd.DataFrame, status: SignalStatus
) -> None:
    result = signal(wide, history("instagram", retention=3, active=9), team=["support"])
    assert result.status is status
    assert bool(result.positions) is (status is SignalStatus.JUSTIFIED)
    assert sum(p.hours_total for p in result.positions) == pytest.approx(result.gap_hours_per_week)


def test_demand_exactly_at_the_threshold_counts() -> None:
    # 34 h is exactly 85% of 40 h.
    wide = metrics(8, forum={"inbound_messages": 120, "brand_posts": 22})
    result = signal(wide, history("forum", retention=2, active=6))

    met, value, _ = condition(result, "demand_exceeds_capacity")
    assert met
    assert value == "demand 34.0 h/week vs 40.0 serving hours (85%)"


def test_demand_exactly_at_the_threshold_says_there_is_no_slack_rather_than_zero_hours() -> None:
    wide = metrics(8, forum={"inbound_messages": 120, "brand_posts": 22})
    result = signal(wide, history("forum", retention=2, active=6), team=SMM)

    assert result.status is SignalStatus.JUSTIFIED
    assert result.gap_hours_per_week == 0.0
    assert result.summary == (
        "Extra resources are justified: demand has reached the 85% limit of the team's "
        "capacity, with no slack left; any growth needs more hours, starting with a "
        "content creator."
    )


def test_only_the_last_four_weeks_count() -> None:
    # Eight busy weeks, then four quiet ones (2 h of monitoring only).
    wide = metrics(12, forum={"inbound_messages": [240] * 8 + [0] * 4})
    result = signal(wide, history("forum", retention=2, active=10))

    assert condition(result, "demand_exceeds_capacity")[1].startswith(
        "demand 2.0 h/week vs 40.0 serving hours"
    )
    assert result.status is SignalStatus.NOT_YET


def test_no_capacity_with_any_demand_counts_as_exceeded() -> None:
    wide = metrics(6, forum={"inbound_messages": 12})  # 1 h of messages + 2 h monitoring
    result = signal(wide, history("forum", retention=1, active=5), capacity=0.0)

    met, value, reason = condition(result, "demand_exceeds_capacity")
    assert met
    assert value == "demand 3.0 h/week vs 0.0 serving hours"
    assert "no team hours serve demand" in reason
    assert result.gap_hours_per_week == round(3 / 0.85, 1)


# --- the response-time route ---------------------------------------------------------------


def test_slow_responses_every_week_justify_even_under_capacity() -> None:
    # 120 messages = 10 h, monitoring 2 h: 12 h of 40 h, but 90-minute responses all along.
    wide = metrics(8, instagram={"inbound_messages": 120, "response_minutes_median": 90})
    result = signal(wide, history("instagram", retention=2, active=6), team=["support"])

    assert result.status is SignalStatus.JUSTIFIED
    met, value, reason = condition(result, "demand_exceeds_capacity")
    assert met
    assert value == (
        "demand 12.0 h/week vs 40.0 serving hours (30%); "
        "slowest response over 60 min in 4 of 4 weeks"
    )
    assert "slower than the 60-minute target in each of the 4 weeks of the window" in reason
    # The message workload over target: 10 h x (90 / 60 - 1) = 5 h, 5 / 40 = 0.125 people.
    assert result.gap_hours_per_week == 5.0
    assert result.gap_people == 0.1
    assert result.recommended_roles == ("social_media_manager", "community_manager")
    assert result.summary == (
        "Extra resources are justified: responses were slower than the 60-minute target "
        "every week, 50% over it on average; add about 5.0 hours a week of message handling "
        "(0.1 full-time equivalent), starting with a social media manager, then a community "
        "manager."
    )


def test_the_slowest_platform_sets_the_weeks_response_time() -> None:
    wide = metrics(
        4,
        instagram={"inbound_messages": 120, "response_minutes_median": 30},
        forum={"response_minutes_median": 75},
    )
    demand = demand_of(wide, {}, 40.0, SETTINGS)

    assert [w.response_minutes for w in demand] == [75.0] * 4


def test_one_week_on_target_breaks_the_response_route() -> None:
    wide = metrics(
        8, instagram={"inbound_messages": 120, "response_minutes_median": [90] * 6 + [45, 90]}
    )
    result = signal(wide, history("instagram", retention=2, active=6))

    met, _, reason = condition(result, "demand_exceeds_capacity")
    assert not met
    assert "in only 3 of the 4 weeks of the window" in reason
    assert result.status is SignalStatus.NOT_YET


def test_response_gap_is_at_least_one_hour() -> None:
    # 6 messages = 0.5 h; 0.5 h x (66 / 60 - 1) = 0.05 h, raised to 1 hour.
    wide = metrics(6, forum={"inbound_messages": 6, "response_minutes_median": 66})
    result = signal(wide, history("forum", retention=1, active=5), team=SMM)

    assert result.status is SignalStatus.JUSTIFIED
    assert result.gap_hours_per_week == 1.0
    assert result.recommended_roles == ("community_manager",)


# --- tested strategy -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "test",
    [
        TestOutcome("Not significant", concluded=True, significant=False, abs_lift=0.03),
        TestOutcome("Significant loss", concluded=True, significant=True, abs_lift=-0.02),
        TestOutcome("No lift computed", concluded=True, significant=True, abs_lift=None),
        TestOutcome("Still running", concluded=False, significant=True, abs_lift=0.05),
        TestOutcome(
            "Broken split", concluded=True, significant=True, abs_lift=0.05, trustworthy=False
        ),
    ],
    ids=lambda t: t.title,
)
def test_only_a_concluded_significant_trustworthy_win_backs_the_plan(test: TestOutcome) -> None:
    result = signal(metrics(12, instagram=BUSY), history("instagram", active=12), tests=[test])

    assert not condition(result, "tested_strategy")[0]
    assert result.status is SignalStatus.NOT_YET


def test_tested_strategy_names_the_winning_tests() -> None:
    other = TestOutcome("Weekly AMA", concluded=True, significant=True, abs_lift=0.1)
    loss = TestOutcome("Longer captions", concluded=True, significant=False, abs_lift=0.01)
    result = signal(metrics(6, forum=BUSY), history("forum", active=6), tests=[WIN, loss, other])

    met, value, _ = condition(result, "tested_strategy")
    assert met
    assert value == "Reels vs carousel, Weekly AMA"


@pytest.mark.parametrize(
    ("tests", "reason"),
    [
        ([], "no strategy test has been logged yet"),
        (
            [TestOutcome("A", concluded=False, significant=False, abs_lift=None)],
            "1 test logged, none concluded yet",
        ),
        (
            [
                TestOutcome("A", concluded=True, significant=False, abs_lift=0.01),
                TestOutcome("B", concluded=True, significant=True, abs_lift=-0.01),
            ],
            "2 tests concluded, none a significant win",
        ),
    ],
)
def test_tested_strategy_says_why_it_fails(tests: list[TestOutcome], reason: str) -> None:
    result = signal(metrics(6, forum=BUSY), history("forum", active=6), tests=tests)

    assert condition(result, "tested_strategy")[::2] == (False, reason)


# --- weekly demand ---------------------------------------------------------------------------


def test_monitoring_only_counts_retention_and_active_weeks() -> None:
    wide = metrics(6, forum={"brand_posts": 1}, instagram={"brand_posts": 1})
    statuses = {
        "forum": history("forum", setup=2, retention=2, active=2),
        "instagram": history("instagram", setup=6),
    }
    demand = demand_of(wide, statuses, 40.0, SETTINGS)

    assert [w.week for w in demand] == [monday(n) for n in range(6)]
    assert [w.monitoring_hours for w in demand] == [0, 0, 2, 2, 2, 2]
    assert [w.content_hours for w in demand] == [2] * 6
    assert [w.total_hours for w in demand] == [2, 2, 4, 4, 4, 4]
    assert {w.capacity_hours for w in demand} == {40.0}


def test_unmeasured_metrics_count_as_no_work() -> None:
    wide = metrics(3, forum={"inbound_messages": [60, None, 12], "brand_posts": [None, 3, None]})
    demand = demand_of(wide, {}, 10.0, SETTINGS)

    assert [w.message_hours for w in demand] == [5.0, 0.0, 1.0]
    assert [w.content_hours for w in demand] == [0.0, 3.0, 0.0]
    assert [w.response_minutes for w in demand] == [None, None, None]


def test_a_week_without_data_still_carries_monitoring() -> None:
    wide = metrics(4, forum={"inbound_messages": [12, None, None, 12]})
    wide = wide[wide["week"] != pd.Timestamp(monday(1))]
    demand = demand_of(wide, {"forum": history("forum", retention=4)}, 40.0, SETTINGS)

    assert [w.week for w in demand] == [monday(n) for n in range(4)]
    assert [w.total_hours for w in demand] == [3.0, 2.0, 2.0, 3.0]


def test_settings_change_the_estimate() -> None:
    settings = DemandSettings(
        minutes_per_message=10, hours_per_post=0.5, monitoring_hours_per_platform=1
    )
    wide = metrics(1, forum={"inbound_messages": 30, "brand_posts": 4})
    (week,) = demand_of(wide, {"forum": history("forum", active=1)}, 40.0, settings)

    assert (week.message_hours, week.content_hours, week.monitoring_hours) == (5.0, 2.0, 1.0)


def test_negative_capacity_is_refused() -> None:
    with pytest.raises(ValidationError, match="capacity"):
        demand_of(metrics(1, forum={"brand_posts": 1}), {}, -1.0, SETTINGS)


# --- recommended roles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capacity", "roles"),
    [
        # Messages 30 h, content 10 h, monitoring 2 h = 42 h; gap = 42 / 0.85 - capacity.
        (20.0, ("community_manager",)),  # gap 29.4 h: messages alone cover it
        (10.0, ("community_manager", "content_creator")),  # gap 39.4 h: 30 + 10
        (0.0, ("community_manager", "content_creator", "data_analyst")),  # gap 49.4 h
    ],
)
def test_roles_take_the_largest_workloads_until_the_gap_is_covered(
    capacity: float, roles: tuple[str, ...]
) -> None:
    wide = metrics(6, forum={"inbound_messages": 360, "brand_posts": 10})
    result = signal(
        wide, history("forum", active=6), capacity=capacity, team=["social_media_manager"]
    )

    assert result.status is SignalStatus.JUSTIFIED
    assert result.recommended_roles == roles


def test_social_media_manager_comes_first_when_the_team_has_none() -> None:
    wide = metrics(6, forum={"inbound_messages": 360, "brand_posts": 10})
    result = signal(wide, history("forum", active=6), capacity=10.0, team=["support", "it"])

    assert result.recommended_roles == (
        "social_media_manager",
        "community_manager",
        "content_creator",
    )
    assert result.gap_hours_per_week == 39.4
    assert result.gap_people == 1.0


# --- settings --------------------------------------------------------------------------------


def test_settings_round_trip_and_partial_input_keeps_defaults() -> None:
    custom = DemandSettings(minutes_per_message=3.5, window_weeks=6)

    assert settings_from_dict(settings_to_dict(custom)) == custom
    assert settings_from_dict({"fte_hours": 37.5}) == DemandSettings(fte_hours=37.5)
    assert settings_from_dict({}) == DemandSettings()


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("minutes_per_message", -1),
        ("hours_per_post", 0),
        ("monitoring_hours_per_platform", "lots"),
        ("response_target_minutes", math.inf),
        ("fte_hours", math.nan),
        ("fte_hours", True),
        ("utilisation_threshold", 0),
        ("utilisation_threshold", 1.5),
        ("active_weeks_required", 0),
        ("window_weeks", 2.5),
        ("window_weeks", None),
        ("window_weeks", 10**9),
        ("active_weeks_required", 105),
        ("fte_hours", 1e308),
        ("minutes_per_message", 24 * 60 + 1),
    ],
)
def test_bad_settings_name_the_field(field: str, raw: object) -> None:
    with pytest.raises(ValidationError, match=field):
        settings_from_dict({field: raw})


def test_unknown_settings_are_refused() -> None:
    with pytest.raises(ValidationError, match="minutes_per_mesage"):
        settings_from_dict({"minutes_per_mesage": 4})


def test_a_threshold_of_one_is_allowed() -> None:
    assert settings_from_dict({"utilisation_threshold": 1}).utilisation_threshold == 1.0


def test_a_win_with_a_sample_ratio_mismatch_is_named_as_not_counted() -> None:
    broken = TestOutcome(
        "Reels", concluded=True, significant=True, abs_lift=0.05, trustworthy=False
    )
    result = signal(metrics(12, instagram=BUSY), history("instagram", active=12), tests=[broken])
    met, _, reason = condition(result, "tested_strategy")
    assert not met
    assert reason.endswith("(not counted, a sample ratio mismatch: Reels)")
