"""The metric vocabulary: names, ISO weeks, the wide table and its derived ratios."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from strategy.domain.errors import ValidationError
from strategy.domain.metrics import (
    CANONICAL,
    DERIVED,
    Agg,
    aggregation_for,
    aggregation_rule,
    derivation_text,
    normalise_name,
    to_wide,
    valid_platform_name,
    week_start,
)


def test_names_are_normalised_for_case_spaces_and_dashes() -> None:
    assert normalise_name("  Instagram ") == "instagram"
    assert normalise_name("Direct  Marketing") == "direct_marketing"
    assert normalise_name("E-Commerce") == "e_commerce"


def test_a_name_typed_with_a_combining_accent_is_the_same_name() -> None:
    composed, decomposed = "Jos\u00e9 Forum", "Jose\u0301 Forum"  # both show as "José Forum"
    assert composed != decomposed
    assert normalise_name(composed) == normalise_name(decomposed) == "jos\u00e9_forum"


def test_a_platform_name_is_normalised_and_checked() -> None:
    assert valid_platform_name("  Ünïcödé Forum ") == "ünïcödé_forum"
    assert valid_platform_name("p" * 100) == "p" * 100


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "a platform name is required"),
        ("   ", "a platform name is required"),
        ("ig\x00", "'ig\\x00' contains the invisible character U+0000 (control character)"),
        ("gram\u202eeliforp", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("zero\u200bwidth", "U+200B (ZERO WIDTH SPACE)"),
        ("p" * 101, "is 101 characters long; expected a name of at most 100 characters"),
    ],
)
def test_a_platform_name_that_is_blank_invisible_or_too_long_is_refused(
    raw: str, problem: str
) -> None:
    with pytest.raises(ValidationError) as info:
        valid_platform_name(raw)
    assert problem in str(info.value)


def test_weeks_start_on_monday_in_utc() -> None:
    stamps = pd.Series(
        pd.to_datetime(["2026-01-04 23:30", "2026-01-05 00:00", "2026-01-11 23:59"], utc=True)
    )
    assert week_start(stamps).dt.strftime("%Y-%m-%d").tolist() == [
        "2025-12-29",
        "2026-01-05",
        "2026-01-05",
    ]
    berlin = pd.Series(pd.to_datetime(["2026-01-05 00:30"]).tz_localize("Europe/Berlin"))
    assert week_start(berlin).dt.strftime("%Y-%m-%d").tolist() == ["2025-12-29"]


def test_each_canonical_metric_has_its_weekly_rule_and_an_unknown_count_is_summed() -> None:
    assert aggregation_for("followers") is Agg.LAST
    assert aggregation_for("active_members") is Agg.MAX
    assert aggregation_for("response_minutes_median") is Agg.MEDIAN
    assert aggregation_for("story_views") is Agg.SUM


@pytest.mark.parametrize(
    ("metric", "agg", "reason"),
    [
        ("followers", Agg.LAST, ""),
        ("new_members", Agg.SUM, ""),
        ("community_members", Agg.LAST, ""),
        ("active_members", Agg.MAX, ""),
        ("response_minutes_median", Agg.MEDIAN, ""),
    ],
)
def test_a_canonical_metric_keeps_its_own_aggregation_without_a_reason(
    metric: str, agg: Agg, reason: str
) -> None:
    assert aggregation_rule(metric) == (agg, reason)


@pytest.mark.parametrize(
    ("raw", "agg", "reason"),
    [
        # a rate, percentage, share, ratio or "per": the mean of its days, never their sum
        ("pct_communicated", Agg.MEAN, "a rate"),
        ("pct_opened_channels", Agg.MEAN, "a rate"),
        ("messages_per_communicator", Agg.MEAN, "a rate"),
        ("engagement rate", Agg.MEAN, "a rate"),
        ("Click-Through Rate", Agg.MEAN, "a rate"),
        ("Engagement rate (organic)", Agg.MEAN, "a rate"),
        ("percent_returning", Agg.MEAN, "a rate"),
        ("completion percentage", Agg.MEAN, "a rate"),
        ("audience_share", Agg.MEAN, "a rate"),
        ("like_ratio", Agg.MEAN, "a rate"),
        ("CTR (%)", Agg.MEAN, "a rate"),
        ("follower_growth_rate", Agg.MEAN, "a rate"),
        # a day's change, even of followers: summed
        ("new_followers", Agg.SUM, "a change"),
        ("subscribers_gained", Agg.SUM, "a change"),
        ("followers_lost", Agg.SUM, "a change"),
        ("Difference in followers from previous day", Agg.SUM, "a change"),
        ("net_subscribers", Agg.SUM, "a change"),
        # a total, followers, members or subscribers: the week's last day
        ("total_membership", Agg.LAST, "a total"),
        ("Total followers", Agg.LAST, "a total"),
        ("subscribers", Agg.LAST, "a total"),
        ("discord_members", Agg.LAST, "a total"),
        # anything else is a count: summed
        ("likes", Agg.SUM, "a count"),
        ("shares", Agg.SUM, "a count"),
        ("Story Views", Agg.SUM, "a count"),
        ("messages", Agg.SUM, "a count"),
        ("visitors", Agg.SUM, "a count"),
        ("operator_tickets", Agg.SUM, "a count"),
        ("superfans", Agg.SUM, "a count"),
        ("percentile_views", Agg.SUM, "a count"),
        ("ratings", Agg.SUM, "a count"),
        ("totals_clicked", Agg.SUM, "a count"),
        ("follower_posts", Agg.SUM, "a count"),
        ("unfollowers", Agg.SUM, "a count"),
        ("newsletter_signups", Agg.SUM, "a count"),
        # a qualifier in brackets names a part of a breakdown, not what the number is
        ("Impressions (total)", Agg.SUM, "a count"),
        ("Engagement rate (total)", Agg.MEAN, "a rate"),
        ("Followers (organic)", Agg.LAST, "a total"),
    ],
)
def test_an_unknown_metric_is_aggregated_by_what_its_name_says_on_whole_words(
    raw: str, agg: Agg, reason: str
) -> None:
    metric = normalise_name(raw)
    assert aggregation_rule(metric) == (agg, reason)
    assert aggregation_for(metric) is agg


def test_the_wide_table_has_every_metric_and_the_derived_ratios() -> None:
    long = pd.DataFrame(
        {
            "week": pd.to_datetime(["2026-01-05"] * 6).astype("datetime64[ns]"),
            "platform": ["forum"] * 6,
            "metric": [
                "followers",
                "member_interactions",
                "brand_posts",
                "brand_replies",
                "active_members",
                "returning_members",
            ],
            "value": [200.0, 30.0, 5.0, 5.0, 40.0, 10.0],
        }
    )
    row = to_wide(long).iloc[0]
    assert set(CANONICAL) <= set(row.index)
    assert row["engagement_rate"] == 30 / 200
    assert row["member_activity_share"] == 30 / 40
    assert row["returning_share"] == 10 / 40
    assert math.isnan(row["member_initiated_share"])  # threads never measured
    assert math.isnan(row["inbound_messages"])


def test_a_ratio_over_zero_is_undefined_not_infinite() -> None:
    long = pd.DataFrame(
        {
            "week": pd.to_datetime(["2026-01-05"] * 2).astype("datetime64[ns]"),
            "platform": ["forum"] * 2,
            "metric": ["followers", "member_interactions"],
            "value": [0.0, 3.0],
        }
    )
    assert math.isnan(to_wide(long).iloc[0]["engagement_rate"])


def one_week(**values: float) -> pd.DataFrame:
    """A long weekly table of one forum week holding ``values``."""
    return pd.DataFrame(
        {
            "week": pd.to_datetime(["2026-01-05"] * len(values)).astype("datetime64[ns]"),
            "platform": ["forum"] * len(values),
            "metric": list(values),
            "value": [float(v) for v in values.values()],
        }
    )


@pytest.mark.parametrize(
    ("measured", "audience", "engagement_rate"),
    [
        ({"followers": 200, "community_members": 400}, 200, 30 / 200),  # followers first
        ({"community_members": 400}, 400, 30 / 400),  # a forum, a Q&A site, a chat server
        ({"followers": 200}, 200, 30 / 200),
        ({}, math.nan, math.nan),  # nobody to engage: not measured
        ({"community_members": 0}, 0, math.nan),  # zero members: undefined, not infinite
    ],
    ids=["followers", "members-only", "followers-only", "neither", "zero-members"],
)
def test_engagement_rate_is_interactions_per_member_of_the_audience(
    measured: dict[str, float], audience: float, engagement_rate: float
) -> None:
    row = to_wide(one_week(member_interactions=30, **measured)).iloc[0]
    assert row["audience"] == pytest.approx(audience, nan_ok=True)
    assert row["engagement_rate"] == pytest.approx(engagement_rate, nan_ok=True)


def test_every_derived_ratio_says_how_it_is_computed() -> None:
    assert derivation_text("engagement_rate") == (
        "member_interactions / audience (followers, else community_members)"
    )
    assert derivation_text("returning_share") == "returning_members / active_members"
    assert derivation_text("member_activity_share") == (
        "member_interactions / (member_interactions + brand_posts + brand_replies)"
    )
    assert set(DERIVED) == {
        "engagement_rate", "returning_share", "member_initiated_share", "member_activity_share"
    }  # fmt: skip
