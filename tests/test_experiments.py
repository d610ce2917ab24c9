"""Strategy tests: validation of what a person logs, and statistics against known values.

Reference values are computed here independently (the standard library's math and
statistics modules) or taken from the literature, never from the module under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from statistics import NormalDist
from typing import Any

import pytest

from strategy.domain import experiments as ex
from strategy.domain.errors import ValidationError

TODAY = dt.date(2024, 6, 1)


def logged(control: tuple[int, int], variant: tuple[int, int], **fields: Any) -> ex.StrategyTest:
    """A concluded test with (successes, exposures) per arm."""
    values: dict[str, Any] = {
        "title": "Question posts vs announcements",
        "platform": "Instagram",
        "metric": "engagement",
        "control_n": control[1],
        "control_successes": control[0],
        "variant_n": variant[1],
        "variant_successes": variant[0],
        "start": "2024-03-04",
        "end": "2024-03-31",
        "status": "concluded",
        "today": TODAY,
    }
    values.update(fields)
    return ex.make_test(**values)


def stats_of(control: tuple[int, int], variant: tuple[int, int]) -> ex.TestStats:
    result = ex.conversion_stats(logged(control, variant))
    assert result is not None
    return result


def phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def exact_prob_b_beats_a(s_a: int, n_a: int, s_b: int, n_b: int) -> float:
    """Closed form of P(p_B > p_A) for Beta(1+s, 1+n-s) posteriors (integer parameters)."""
    a_a, b_a, a_b, b_b = 1 + s_a, 1 + n_a - s_a, 1 + s_b, 1 + n_b - s_b
    return sum(
        math.exp(
            log_beta(a_a + i, b_a + b_b)
            - math.log(b_b + i)
            - log_beta(1 + i, b_b)
            - log_beta(a_a, b_a)
        )
        for i in range(a_b)
    )


# --- logging a test --------------------------------------------------------------------


def test_make_test_accepts_raw_form_strings_and_normalises_them() -> None:
    test = ex.make_test(
        title="  Questions   vs announcements ",
        hypothesis="Questions invite replies.\nAnnouncements do not.",
        platform=" LinkedIn ",
        metric="Engagement rate",
        control_n="1000",
        control_successes="40",
        variant_n="1000.0",
        variant_successes=61,
        start="2024-03-04",
        end=dt.datetime(2024, 3, 31, 18, 30),
        status=" Concluded ",
        today=TODAY,
    )
    assert test.title == "Questions vs announcements"
    assert test.hypothesis == "Questions invite replies.\nAnnouncements do not."
    assert (test.platform, test.metric) == ("linkedin", "engagement_rate")
    assert (test.control_label, test.variant_label) == ("A", "B")
    assert (test.control_n, test.control_successes) == (1000, 40)
    assert (test.variant_n, test.variant_successes) == (1000, 61)
    assert (test.start, test.end) == (dt.date(2024, 3, 4), dt.date(2024, 3, 31))
    assert test.status is ex.TestStatus.CONCLUDED


def test_a_planned_test_may_have_no_counts_and_future_dates() -> None:
    test = logged((0, 0), (0, 0), status="planned", start="2024-07-01", end="2024-07-31")
    assert test.status is ex.TestStatus.PLANNED
    assert ex.conversion_stats(test) is None
    assert ex.conclusion_text(test, None) == "No data yet."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, r"^title: expected some text"),
        ({"title": "x" * 201}, r"^title: expected at most 200 characters"),
        ({"platform": ""}, r"^platform: expected some text"),
        ({"metric": None}, r"^metric: expected some text"),
        ({"control_n": "many"}, r"^control exposures: expected a whole number"),
        ({"control_n": -1}, r"^control exposures: expected a whole number"),
        ({"control_n": 10.5}, r"^control exposures: expected a whole number"),
        ({"variant_n": True}, r"^variant exposures: expected a whole number"),
        ({"variant_n": math.inf}, r"^variant exposures: expected a whole number"),
        ({"control_successes": math.nan}, r"^control successes: expected a whole number"),
        (
            {"variant_n": 120, "variant_successes": 130},
            r"^variant successes: expected at most variant exposures \(120\), got 130$",
        ),
        ({"start": "last week"}, r"^start: expected a date such as"),
        ({"end": "2024-02-30"}, r"^end: expected a date such as"),
        ({"end": "2024-03-01"}, r"^end: expected on or after the start \(2024-03-04\)"),
        ({"status": "done"}, r"^status: expected one of planned, running, concluded"),
        ({"control_n": 0, "control_successes": 0}, r"^control exposures: a concluded test"),
        ({"end": "2024-06-02"}, r"^end: a concluded test must have ended by today"),
        ({"status": "running", "start": "2024-06-02", "end": "2024-06-30"}, r"^start: a running"),
        ({"id": 0}, r"^id: expected a positive whole number"),
    ],
)
def test_make_test_refuses_bad_input_naming_the_field(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        logged((40, 1000), (61, 1000), **fields)


# --- the p-value -------------------------------------------------------------------------


def test_large_sample_uses_the_pooled_z_test() -> None:
    # Textbook case: 200/1000 vs 250/1000.
    pooled = 450 / 2000
    z = (0.25 - 0.20) / math.sqrt(pooled * (1 - pooled) * (1 / 1000 + 1 / 1000))
    expected_p = 2 * (1 - phi(z))
    assert z == pytest.approx(2.68, abs=0.005)
    assert expected_p == pytest.approx(0.0074, abs=0.0002)

    result = stats_of((200, 1000), (250, 1000))
    assert result.p_value == pytest.approx(expected_p, rel=1e-9)
    assert result.significant


def test_a_tiny_table_uses_fishers_exact_test() -> None:
    # Fisher's tea tasting: 3 of 4 right vs 1 of 4; two-sided p = 34/70 = 0.4857.
    result = stats_of((1, 4), (3, 4))
    assert result.p_value == pytest.approx(34 / 70, rel=1e-9)
    assert round(result.p_value, 4) == 0.4857
    assert not result.significant


def test_no_successes_anywhere_gives_p_one_not_a_crash() -> None:
    result = stats_of((0, 50), (0, 50))
    assert result.p_value == 1.0
    assert result.rel_lift is None
    assert not result.significant


def test_alpha_sets_the_bar_for_significance() -> None:
    test = logged((200, 1000), (250, 1000))
    strict = ex.conversion_stats(test, alpha=0.005)
    assert strict is not None
    assert not strict.significant


# --- rates, lift and the confidence interval ------------------------------------------------


def test_rates_and_lifts() -> None:
    result = stats_of((40, 1000), (61, 1000))
    assert (result.control_rate, result.variant_rate) == (0.04, 0.061)
    assert result.abs_lift == pytest.approx(0.021)
    assert result.rel_lift == pytest.approx(0.525)


def test_relative_lift_is_undefined_when_control_never_converts() -> None:
    result = stats_of((0, 200), (5, 200))
    assert result.abs_lift == pytest.approx(0.025)
    assert result.rel_lift is None


@pytest.mark.parametrize(
    ("control", "variant", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10.
        ((48, 80), (56, 70), 0.0524, 0.3339),
        ((3, 10), (9, 10), 0.1705, 0.8090),
        ((0, 10), (0, 10), -0.2775, 0.2775),
        ((0, 10), (10, 10), 0.6075, 1.0000),
    ],
)
def test_interval_matches_newcombes_published_values(
    control: tuple[int, int], variant: tuple[int, int], low: float, high: float
) -> None:
    result = stats_of(control, variant)
    assert (round(result.ci_low, 4), round(result.ci_high, 4)) == (low, high)


def test_interval_holds_the_observed_difference_and_narrows_with_more_data() -> None:
    small = stats_of((4, 100), (7, 100))
    large = stats_of((400, 10_000), (700, 10_000))
    for result in (small, large):
        assert result.ci_low < result.abs_lift < result.ci_high
    assert small.ci_high - small.ci_low > 5 * (large.ci_high - large.ci_low)
    assert small.ci_low < 0 < large.ci_low


# --- probability that the variant is better ---------------------------------------------------


def test_identical_arms_are_a_coin_flip() -> None:
    assert stats_of((100, 1000), (100, 1000)).prob_variant_better == pytest.approx(0.5, abs=1e-9)


def test_a_clear_win_is_nearly_certain() -> None:
    assert stats_of((4000, 100_000), (4600, 100_000)).prob_variant_better > 0.99


@pytest.mark.parametrize(
    ("control", "variant"),
    [((1, 4), (3, 4)), ((0, 1), (1, 1)), ((36, 900), (47, 900)), ((12, 40), (9, 35))],
)
def test_probability_matches_the_closed_form(
    control: tuple[int, int], variant: tuple[int, int]
) -> None:
    expected = exact_prob_b_beats_a(control[0], control[1], variant[0], variant[1])
    assert stats_of(control, variant).prob_variant_better == pytest.approx(expected, abs=1e-9)


def test_swapping_the_arms_gives_the_complement() -> None:
    forward = stats_of((36, 900), (47, 900))
    backward = stats_of((47, 900), (36, 900))
    assert forward.prob_variant_better + backward.prob_variant_better == pytest.approx(
        1.0, abs=1e-9
    )
    assert backward.abs_lift == pytest.approx(-forward.abs_lift)
    assert backward.p_value == pytest.approx(forward.p_value)


def test_probability_stays_accurate_for_huge_samples() -> None:
    # At 10^12 exposures the posteriors are normal to many digits.
    n = 10**12
    control, variant = (n // 10, n), (n // 10 + 10**6, n)
    mean = [(1 + s) / (2 + n) for s, _ in (control, variant)]
    sd = math.sqrt(sum(m * (1 - m) / (n + 3) for m in mean))
    expected = NormalDist().cdf((mean[1] - mean[0]) / sd)
    assert stats_of(control, variant).prob_variant_better == pytest.approx(expected, abs=1e-6)


# --- sample size and the warning ----------------------------------------------------------


def required_n(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int:
    z_a, z_b = NormalDist().inv_cdf(1 - alpha / 2), NormalDist().inv_cdf(power)
    p_bar = (p1 + p2) / 2
    spread = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil(spread**2 / (p2 - p1) ** 2)


def test_required_sample_uses_the_standard_two_proportion_formula() -> None:
    assert required_n(0.20, 0.25) == 1094  # the usual calculators' figure
    assert stats_of((200, 1000), (250, 1000)).required_n_per_arm == 1094
    assert stats_of((36, 900), (47, 900)).required_n_per_arm == required_n(0.04, 47 / 900)
    test = logged((200, 1000), (250, 1000))
    result = ex.conversion_stats(test, alpha=0.01, power=0.9)
    assert result is not None
    assert result.required_n_per_arm == required_n(0.20, 0.25, 0.01, 0.9)


def test_a_small_test_is_warned_about_in_plain_words() -> None:
    result = stats_of((36, 900), (47, 900))
    assert result.required_n_per_arm == 4621
    assert result.warning == (
        "Sample too small to detect a lift of 1.2 points: needs about 4,700 per arm, has 900."
    )


def test_a_big_test_carries_no_warning() -> None:
    result = stats_of((4000, 100_000), (4600, 100_000))
    assert result.warning == ""


@pytest.mark.parametrize(
    ("control", "variant", "too_small"),
    [
        ((36, 900), (47, 900), True),
        ((47, 900), (30, 700), True),
        ((4000, 100_000), (4600, 100_000), False),
        ((100, 1000), (100, 1000), False),  # no lift: nothing to detect, not a small sample
    ],
)
def test_a_sample_too_small_is_a_flag_not_only_words(
    control: tuple[int, int], variant: tuple[int, int], too_small: bool
) -> None:
    result = stats_of(control, variant)
    assert result.sample_too_small is too_small
    assert result.warning.startswith("Sample too small") is too_small


def test_unequal_arms_report_both_sizes_and_a_drop_says_so() -> None:
    result = stats_of((47, 900), (30, 700))
    assert "too small to detect a drop of" in result.warning
    assert "has 900 (control) and 700 (variant)" in result.warning


def test_no_lift_means_nothing_to_detect() -> None:
    same = stats_of((100, 1000), (100, 1000))
    assert same.required_n_per_arm is None
    assert same.warning == "Both arms converted at 10.0%: there is no lift to detect."
    assert "no exposure converted" in stats_of((0, 50), (0, 50)).warning
    assert "every exposure converted" in stats_of((50, 50), (50, 50)).warning


def test_an_empty_arm_has_no_statistics() -> None:
    running = logged((0, 0), (3, 40), status="running", end="2024-06-30")
    assert ex.conversion_stats(running) is None


# --- the conclusion in words ---------------------------------------------------------------


def conclude(control: tuple[int, int], variant: tuple[int, int]) -> str:
    test = logged(control, variant)
    return ex.conclusion_text(test, ex.conversion_stats(test))


def test_conclusion_for_a_win_with_enough_data() -> None:
    assert conclude((4000, 100_000), (4600, 100_000)) == (
        "Variant B lifted engagement by 0.6 points (from 4.0% to 4.6%); "
        "over 99% likely to be better; enough data."
    )


def test_conclusion_for_a_loss() -> None:
    assert conclude((4600, 100_000), (4000, 100_000)) == (
        "Variant B lowered engagement by 0.6 points (from 4.6% to 4.0%); "
        "over 99% likely to be worse; enough data."
    )


@pytest.mark.parametrize(
    ("status", "tail"),
    [
        ("running", "not enough data to be sure yet: needs about 4,700 per arm."),
        ("planned", "not enough data to be sure yet: needs about 4,700 per arm."),
        ("concluded", "the data was not enough to be sure: it needed about 4,700 per arm."),
    ],
)
def test_conclusion_when_there_is_not_enough_data_says_yet_only_before_the_test_ends(
    status: str, tail: str
) -> None:
    test = dataclasses.replace(logged((36, 900), (47, 900)), status=ex.TestStatus(status))
    text = ex.conclusion_text(test, ex.conversion_stats(test))
    assert text == (
        "Variant B lifted engagement by 1.2 points (from 4.0% to 5.2%); "
        f"89% likely to be better; {tail}"
    )


@pytest.mark.parametrize(
    ("status", "words"), [("planned", "No data yet."), ("concluded", "No data was collected.")]
)
def test_a_test_without_statistics_says_yet_only_until_it_is_concluded(
    status: str, words: str
) -> None:
    test = logged((0, 0), (0, 0), status="planned", start="2024-07-01", end="2024-07-31")
    shown = dataclasses.replace(test, status=ex.TestStatus(status))
    assert ex.conclusion_text(shown, None) == words


def test_conclusion_for_a_significant_but_underpowered_win() -> None:
    text = conclude((200, 1000), (250, 1000))
    assert text.startswith("Variant B lifted engagement by 5.0 points (from 20.0% to 25.0%)")
    assert text.endswith(
        "significant, but the sample is small for a lift this size: "
        "about 1,100 per arm would confirm it."
    )


def test_conclusion_uses_the_labels_and_metric_a_person_typed() -> None:
    test = logged(
        (100, 1000),
        (100, 1000),
        metric="Click-through rate",
        control_label="Old",
        variant_label="New",
    )
    assert ex.conclusion_text(test, ex.conversion_stats(test)) == (
        "Variant New and control Old did equally well on click through rate (10.0%); "
        "no difference to act on."
    )


REFERENCE = [
    # (control, variant, 95% CI low, CI high, p-value, n per arm), as the hand-written
    # Wilson/Newcombe, z-test and sample-size code of the previous release computed them
    (
        (160, 4000),
        (240, 4000),
        0.010468366077140202,
        0.029620311836084073,
        4.062195589053596e-05,
        1863,
    ),
    ((10, 100), (20, 120), -0.026490263999358707, 0.15555166303996315, 0.15136113519249145, 407),
    ((3, 50), (9, 50), -0.01119401330212949, 0.25388457537808773, 0.06483815699206645, 114),
    ((0, 10), (1, 10), -0.18942835274958877, 0.4041500267952385, 1.0, 74),
    ((500, 1000), (480, 1000), -0.063670693863384, 0.023778887683289583, 0.37099767373660797, 9806),
    (
        (229, 1000),
        (258, 1000),
        -0.008628309766685223,
        0.0665273053825515,
        0.13081984403075753,
        3438,
    ),
    ((30, 1000), (40, 1000), -0.006320387200472493, 0.02660095227549626, 0.22371431082766724, 5301),
    ((0, 500), (0, 500), -0.007624340461552241, 0.007624340461552241, 1.0, None),
    ((500, 500), (499, 500), -0.011240706705146764, 0.005800174819104142, 1.0, 3920),
    ((1, 2), (2, 2), -0.2725727851131816, 0.9054687942657693, 1.0, 11),
    (
        (200, 1000),
        (250, 1000),
        0.013395969886116244,
        0.08645099471882534,
        0.007419649261025687,
        1094,
    ),
    ((36, 900), (47, 900), -0.007356112678064498, 0.03206155836690289, 0.21636730117351344, 4621),
    (
        (123456, 1000000),
        (124321, 1000000),
        -4.8185282949015306e-05,
        0.0017781867081650784,
        0.06337564641735051,
        2277171,
    ),
    ((5, 20), (1, 25), -0.4311622294176033, -0.0020481274874635247, 0.07408907976122951, 43),
]


@pytest.mark.parametrize(("control", "variant", "low", "high", "p", "n"), REFERENCE)
def test_the_reference_library_gives_the_previous_releases_results_to_1e_9(
    control: tuple[int, int],
    variant: tuple[int, int],
    low: float,
    high: float,
    p: float,
    n: int | None,
) -> None:
    stats = stats_of(control, variant)
    assert stats is not None
    assert stats.ci_low == pytest.approx(low, abs=1e-9)
    assert stats.ci_high == pytest.approx(high, abs=1e-9)
    assert stats.p_value == pytest.approx(p, abs=1e-9)
    assert stats.required_n_per_arm == n


# --- mean tests ---------------------------------------------------------------------------

SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
"""Student's sleep data (R's ``sleep``): extra hours of sleep under two drugs."""


def mean_test(
    control: list[float] | tuple[int, float, float],
    variant: list[float] | tuple[int, float, float],
    **fields: Any,
) -> ex.StrategyTest:
    """A concluded mean test from per-unit values, or from (n, mean, sd) per arm."""

    def arm(values: list[float] | tuple[int, float, float]) -> tuple[int, float, float]:
        if isinstance(values, tuple):
            return values
        n = len(values)
        mean = sum(values) / n
        return n, mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))

    (n_c, m_c, sd_c), (n_v, m_v, sd_v) = arm(control), arm(variant)
    values: dict[str, Any] = {
        "title": "Questions vs statements",
        "platform": "forum",
        "metric": "replies_per_post",
        "kind": "mean",
        "control_n": n_c, "control_mean": m_c, "control_sd": sd_c,
        "variant_n": n_v, "variant_mean": m_v, "variant_sd": sd_v,
        "start": "2024-03-04", "end": "2024-03-31", "status": "concluded", "today": TODAY,
    } | fields  # fmt: skip
    return ex.make_test(**values)


def test_welchs_test_gives_rs_published_result_for_the_sleep_data() -> None:
    # R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p-value = 0.07939,
    # 95 percent confidence interval -3.3654832 0.2054832 (group 1 minus group 2)
    stats = ex.mean_stats(mean_test(SLEEP_2, SLEEP_1))
    assert stats is not None
    assert stats.abs_lift == pytest.approx(0.75 - 2.33)
    assert stats.p_value == pytest.approx(0.07939, abs=5e-6)
    assert (stats.ci_low, stats.ci_high) == (
        pytest.approx(-3.3654832, abs=5e-8),
        pytest.approx(0.2054832, abs=5e-8),
    )
    assert not stats.significant
    assert stats.prob_variant_better == pytest.approx(0.0397, abs=5e-4)  # p/2: one side


def test_welchs_test_from_summaries_matches_the_test_on_the_raw_values() -> None:
    from scipy.stats import ttest_ind

    control = [3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7]
    variant = [2.0, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5, 2, 3]
    raw = ttest_ind(variant, control, equal_var=False)
    interval = raw.confidence_interval(0.95)
    stats = ex.mean_stats(mean_test(control, variant))
    assert stats is not None
    assert stats.p_value == pytest.approx(float(raw.pvalue), abs=1e-12)
    assert stats.ci_low == pytest.approx(float(interval.low), abs=1e-12)
    assert stats.ci_high == pytest.approx(float(interval.high), abs=1e-12)


@pytest.mark.parametrize(
    ("control", "variant", "short", "warning"),
    [
        (
            (30, 2.0, 1.5),
            (30, 2.5, 1.5),
            True,
            "Sample too small to detect a rise of 0.5: needs about 150 units per arm, has 30.",
        ),
        ((400, 2.0, 1.5), (400, 2.5, 1.5), False, ""),
        ((30, 2.0, 0.0), (30, 2.0, 0.0), False, ""),
    ],
    ids=["small for the effect seen", "enough", "no spread, no difference"],
)
def test_a_mean_test_warns_when_its_sample_is_small_for_the_effect_it_shows(
    control: tuple[int, float, float], variant: tuple[int, float, float], short: bool, warning: str
) -> None:
    stats = ex.test_stats(mean_test(control, variant))
    assert stats is not None
    assert (stats.sample_too_small, stats.warning) == (short, warning)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"control_n": 1}, r"^control units: a concluded mean test needs at least 2 units, got 1$"),
        ({"variant_sd": -1}, r"^variant sd: expected a standard deviation from 0 to 1e12, got -1$"),
        (
            {"control_mean": "lots"},
            r"^control mean: expected a mean from -1e12 to 1e12, got 'lots'$",
        ),
        ({"kind": "median"}, r"^kind: expected conversion or mean, got 'median'$"),
        ({"planned_split": 1.0}, r"^planned split: expected the control arm's share"),
    ],
    ids=["one unit", "negative sd", "mean not a number", "kind", "split"],
)
def test_a_bad_mean_test_names_the_field(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        mean_test((50, 2.0, 1.0), (50, 2.5, 1.0), **fields)


def test_a_mean_tests_conclusion_speaks_of_the_metric_in_its_units() -> None:
    test = mean_test((400, 2.1, 1.4), (400, 2.6, 1.5))
    text = ex.conclusion_text(test, ex.test_stats(test))
    assert text.startswith(
        "Variant B lifted replies per post by 0.5 (from 2.1 to 2.6); over 99% likely to be higher"
    )


# --- the sample-ratio check -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("control_n", "variant_n", "split", "flagged"),
    [
        (1000, 1200, 0.5, True),
        (1000, 1040, 0.5, False),
        (3000, 1000, 0.75, False),
        (1000, 1000, 0.75, True),
    ],
    ids=["1,000 vs 1,200", "1,000 vs 1,040", "75/25 as planned", "50/50 on a 75/25 plan"],
)
def test_exposures_far_from_the_planned_split_are_flagged_as_not_trustworthy(
    control_n: int, variant_n: int, split: float, flagged: bool
) -> None:
    test = logged((control_n // 10, control_n), (variant_n // 8, variant_n), planned_split=split)
    stats = ex.test_stats(test)
    assert stats is not None
    assert stats.sample_ratio_mismatch is flagged
    assert stats.srm_p_value is not None and (stats.srm_p_value < 0.001) is flagged
    if flagged:
        share = round(split * 100)
        assert stats.warning == (
            f"sample ratio mismatch: exposures {control_n:,} vs {variant_n:,} for a "
            f"{share}/{100 - share} split; the result is not trustworthy"
        )
        assert ex.conclusion_text(test, stats).endswith(f"; but the {stats.warning}.")


def test_the_sample_ratio_p_value_is_the_chi_square_test_of_the_split() -> None:
    # chi2 = (100^2 / 1100) * 2 = 18.18 on 1 df: p = erfc(sqrt(chi2 / 2))
    stats = ex.test_stats(logged((100, 1000), (150, 1200)))
    assert stats is not None
    assert stats.srm_p_value == pytest.approx(math.erfc(math.sqrt(200 / 11 / 2)), rel=1e-9)
