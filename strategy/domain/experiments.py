"""Strategy tests (A/B experiments) and the statistics a careful analyst would report.

A conversion-type test counts exposures and successes in a control and a variant arm.
The numbers are chosen to stay honest at small samples and extreme rates: a Newcombe
score interval rather than Wald, Fisher's exact test when a cell is thin, a Bayesian
probability computed deterministically, and a warning when the sample is too small for
the lift it shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np
from scipy import integrate, special
from scipy.stats import beta, chisquare, fisher_exact, ttest_ind_from_stats
from scipy.stats import t as student_t
from statsmodels.stats.power import tt_ind_solve_power
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from strategy.domain import clock
from strategy.domain.errors import ValidationError, given
from strategy.domain.limits import finite_number, text_field
from strategy.domain.metrics import normalise_name


class TestKind(StrEnum):
    """What a test compares: the share of exposures that converted, or a per-unit value."""

    __test__ = False  # not a pytest test class

    CONVERSION = "conversion"
    MEAN = "mean"


class TestStatus(StrEnum):
    """Where a strategy test is in its life."""

    __test__ = False  # not a pytest test class

    PLANNED = "planned"
    RUNNING = "running"
    CONCLUDED = "concluded"


@dataclass(frozen=True)
class StrategyTest:
    """One logged strategy test: what was tried, on which platform, and what it counted."""

    title: str
    hypothesis: str
    platform: str
    metric: str
    control_label: str
    variant_label: str
    control_n: int
    control_successes: int
    variant_n: int
    variant_successes: int
    start: dt.date
    end: dt.date
    status: TestStatus
    decision: str = ""
    id: int | None = None
    kind: TestKind = TestKind.CONVERSION
    planned_split: float = 0.5
    """The control arm's planned share of the exposures (0.5: a 50/50 split)."""
    control_mean: float | None = None
    """A mean test's per-unit mean and standard deviation in each arm (None otherwise)."""
    control_sd: float | None = None
    variant_mean: float | None = None
    variant_sd: float | None = None

    def overdue(self, today: dt.date) -> bool:
        """Still running after its end date: conclude it, or extend it."""
        return self.status is TestStatus.RUNNING and self.end < today

    @property
    def key(self) -> tuple[str, str, dt.date]:
        """What makes two logged tests the same test: title (any case), platform, start."""
        return (self.title.casefold(), self.platform, self.start)


@dataclass(frozen=True)
class TestStats:
    """The statistics of a test. For a conversion test rates, lifts and interval bounds are
    in rate units (0.04 = 4%); for a mean test ``control_rate`` and ``variant_rate`` are the
    arms' means and the lift and interval are in the metric's own units."""

    __test__ = False  # not a pytest test class

    control_rate: float
    variant_rate: float
    abs_lift: float
    rel_lift: float | None
    ci_low: float
    ci_high: float
    p_value: float
    prob_variant_better: float
    significant: bool
    warning: str
    required_n_per_arm: int | None
    sample_too_small: bool
    """Whether an arm has fewer exposures than it takes to detect the lift shown."""
    srm_p_value: float | None = None
    """The chi-square p-value of the exposures against the planned split."""
    sample_ratio_mismatch: bool = False
    """The exposures depart from the planned split (p < SRM_ALPHA): not trustworthy."""


MAX_TITLE: Final[int] = 200
MAX_LABEL: Final[int] = 60
MAX_NOTES: Final[int] = 5000
MAX_COUNT: Final[int] = 10**12
"""Exposures beyond any real test; keeps counts exact in floats and SQLite integers."""

SRM_ALPHA: Final[float] = 0.001
"""A split this unlikely under the plan is a broken test, whatever its p-value."""
MAX_VALUE: Final[float] = 1e12
"""The largest per-unit mean or standard deviation accepted: more is a typo."""

FISHER_MIN_EXPECTED: Final[float] = 5.0
"""Below this expected count in any cell the z-test's normal approximation is not trusted."""


# --- validation ---------------------------------------------------------------------------


def _count(raw: Any, field: str) -> int:
    expected = f"{field}: expected a whole number from 0 to {MAX_COUNT:,}"
    if isinstance(raw, bool):
        raise ValidationError(f"{expected}, got {raw!r}")
    if isinstance(raw, int):
        value = raw
    else:
        try:
            number = float(raw.strip() if isinstance(raw, str) else raw)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(f"{expected}, got {raw!r}") from None
        if not math.isfinite(number) or number != math.floor(number):
            raise ValidationError(f"{expected}, got {raw!r}")
        value = int(number)
    if value < 0 or value > MAX_COUNT:
        raise ValidationError(f"{expected}, got {raw!r}")
    return value


def _date(raw: Any, field: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise ValidationError(f"{field}: expected a date like 2024-03-18, got {raw!r}")


def _status(raw: Any) -> TestStatus:
    if isinstance(raw, TestStatus):
        return raw
    try:
        return TestStatus(normalise_name(raw) if isinstance(raw, str) else raw)
    except ValueError:
        allowed = ", ".join(s.value for s in TestStatus)
        raise ValidationError(f"status: expected one of {allowed}, got {raw!r}") from None


def _arm(raw_n: Any, raw_s: Any, arm: str, status: TestStatus) -> tuple[int, int]:
    n = _count(raw_n, f"{arm} exposures")
    s = _count(raw_s, f"{arm} successes")
    if s > n:
        raise ValidationError(
            f"{arm} successes: expected at most {arm} exposures ({n:,}), got {s:,}"
        )
    if status is TestStatus.CONCLUDED and n < 1:
        raise ValidationError(
            f"{arm} exposures: a concluded test needs at least 1 exposure, got {n:,}"
        )
    return n, s


def _kind(raw: Any) -> TestKind:
    try:
        return TestKind(str(raw).strip().lower())
    except ValueError:
        allowed = " or ".join(k.value for k in TestKind)
        raise ValidationError(f"kind: expected {allowed}, got {raw!r}") from None


def _split(raw: Any) -> float:
    value = finite_number(raw)
    if value is None or not 0.01 <= value <= 0.99:
        raise ValidationError(
            "planned split: expected the control arm's share of the exposures, from 0.01 to "
            f"0.99 (0.5 for 50/50), got {given(raw)}"
        )
    return value


def _value(raw: Any, field: str, *, spread: bool) -> float:
    value = finite_number(raw)
    low = 0.0 if spread else -MAX_VALUE
    if value is None or not low <= value <= MAX_VALUE:
        what = "a standard deviation from 0" if spread else "a mean from -1e12"
        raise ValidationError(f"{field}: expected {what} to 1e12, got {given(raw)}")
    return value


def _mean_arm(
    raw_n: Any, raw_mean: Any, raw_sd: Any, arm: str, status: TestStatus
) -> tuple[int, float | None, float | None]:
    """An arm of a mean test: its units, mean and sd; a planned arm with no units may have
    no mean yet, a concluded one needs at least 2 units."""
    n = _count(raw_n, f"{arm} units")
    if status is TestStatus.CONCLUDED and n < 2:
        raise ValidationError(
            f"{arm} units: a concluded mean test needs at least 2 units, got {n:,}"
        )
    if n == 0 and raw_mean in (None, "") and raw_sd in (None, ""):
        return 0, None, None
    return (
        n,
        _value(raw_mean, f"{arm} mean", spread=False),
        _value(raw_sd, f"{arm} sd", spread=True),
    )


def make_test(
    *,
    title: Any,
    hypothesis: Any = "",
    platform: Any,
    metric: Any,
    control_label: Any = "A",
    variant_label: Any = "B",
    control_n: Any,
    control_successes: Any = None,
    variant_n: Any,
    variant_successes: Any = None,
    start: Any,
    end: Any,
    status: Any,
    decision: Any = "",
    id: Any = None,
    kind: Any = TestKind.CONVERSION,
    planned_split: Any = 0.5,
    control_mean: Any = None,
    control_sd: Any = None,
    variant_mean: Any = None,
    variant_sd: Any = None,
    today: dt.date | None = None,
) -> StrategyTest:
    """Validate a strategy test from raw user input (form or CLI strings are fine).

    Raises ValidationError naming the field and what was expected. Beyond the shapes of
    the fields: end on or after start, successes at most exposures, a concluded test has
    exposures in both arms, and a running or concluded test has started by ``today``
    (default: the current date) and a concluded one has ended by then.
    """
    clean_title = text_field(title, "title", required=True, limit=MAX_TITLE)
    clean_platform = normalise_name(
        text_field(platform, "platform", required=True, limit=MAX_TITLE)
    )
    clean_metric = normalise_name(text_field(metric, "metric", required=True, limit=MAX_TITLE))
    clean_status = _status(status)
    start_date = _date(start, "start")
    end_date = _date(end, "end")
    if end_date < start_date:
        raise ValidationError(
            f"end: expected on or after the start ({start_date.isoformat()}), "
            f"got {end_date.isoformat()}"
        )
    today = today or clock.today()
    if clean_status is not TestStatus.PLANNED and start_date > today:
        raise ValidationError(
            f"start: a {clean_status.value} test must have started by today "
            f"({today.isoformat()}), got {start_date.isoformat()}"
        )
    if clean_status is TestStatus.CONCLUDED and end_date > today:
        raise ValidationError(
            f"end: a concluded test must have ended by today ({today.isoformat()}), "
            f"got {end_date.isoformat()}"
        )
    clean_kind = _kind(kind)
    split = _split(planned_split)
    means: dict[str, float | None] = dict.fromkeys(
        ("control_mean", "control_sd", "variant_mean", "variant_sd")
    )
    if clean_kind is TestKind.CONVERSION:
        c_n, c_s = _arm(control_n, control_successes, "control", clean_status)
        v_n, v_s = _arm(variant_n, variant_successes, "variant", clean_status)
    else:
        raw = (control_mean, control_sd, variant_mean, variant_sd)
        c_n, c_mean, c_sd = _mean_arm(control_n, raw[0], raw[1], "control", clean_status)
        v_n, v_mean, v_sd = _mean_arm(variant_n, raw[2], raw[3], "variant", clean_status)
        c_s = v_s = 0
        means = {"control_mean": c_mean, "control_sd": c_sd}
        means |= {"variant_mean": v_mean, "variant_sd": v_sd}
    if id is not None:
        test_id = _count(id, "id")
        if test_id < 1:
            raise ValidationError(f"id: expected a positive whole number, got {id!r}")
    return StrategyTest(
        title=clean_title,
        hypothesis=text_field(
            hypothesis, "hypothesis", required=False, limit=MAX_NOTES, one_line=False
        ),
        platform=clean_platform,
        metric=clean_metric,
        control_label=text_field(control_label, "control label", required=True, limit=MAX_LABEL),
        variant_label=text_field(variant_label, "variant label", required=True, limit=MAX_LABEL),
        control_n=c_n,
        control_successes=c_s,
        variant_n=v_n,
        variant_successes=v_s,
        start=start_date,
        end=end_date,
        status=clean_status,
        decision=text_field(decision, "decision", required=False, limit=MAX_NOTES, one_line=False),
        id=None if id is None else test_id,
        kind=clean_kind,
        planned_split=split,
        **means,
    )


# --- statistics ---------------------------------------------------------------------------


def newcombe_interval(
    s_v: int, n_v: int, s_c: int, n_c: int, alpha: float = 0.05
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p_variant - p_control (his method 10, from the
    two arms' Wilson intervals): statsmodels' ``confint_proportions_2indep``."""
    low, high = confint_proportions_2indep(
        s_v, n_v, s_c, n_c, method="newcomb", compare="diff", alpha=alpha
    )
    return max(-1.0, float(low)), min(1.0, float(high))


def two_sided_p_value(s_v: int, n_v: int, s_c: int, n_c: int) -> float:
    """Pooled two-proportion z-test (statsmodels' ``proportions_ztest``), or Fisher's exact
    test (scipy) when an expected cell is below 5."""
    total = n_v + n_c
    successes = s_v + s_c
    failures = total - successes
    expected = (n * k / total for n in (n_v, n_c) for k in (successes, failures))
    if min(expected) < FISHER_MIN_EXPECTED:
        table = np.array([[s_v, n_v - s_v], [s_c, n_c - s_c]], dtype=np.int64)
        return float(min(1.0, fisher_exact(table, alternative="two-sided").pvalue))
    _, p_value = proportions_ztest([s_v, s_c], [n_v, n_c], alternative="two-sided")
    return float(min(1.0, p_value))


def prob_variant_better(s_v: int, n_v: int, s_c: int, n_c: int) -> float:
    """P(p_variant > p_control) under independent uniform-prior Beta posteriors.

    Deterministic: the integral of the variant's posterior density times the control's
    posterior CDF over the variant posterior's effective support (so quadrature sees its
    peak even for very large samples), divided by the integral of the density alone over
    the same support, which cancels the normalising constant's rounding at huge counts.
    """
    a_v, b_v = 1 + s_v, 1 + n_v - s_v
    a_c, b_c = 1 + s_c, 1 + n_c - s_c
    post_v = beta(a_v, b_v)
    low, high = float(post_v.ppf(1e-13)), float(post_v.isf(1e-13))
    breaks = [x for x in (a_c / (a_c + b_c), a_v / (a_v + b_v)) if low < x < high] or None
    log_norm_v = float(special.betaln(a_v, b_v))

    # scipy.special's scalar ufuncs: the functions behind scipy.stats.beta, without its
    # per-call argument handling (quadrature calls these a few hundred times).
    def density_v(x: float) -> float:
        log_density = special.xlogy(a_v - 1, x) + special.xlog1py(b_v - 1, -x) - log_norm_v
        return math.exp(float(log_density))

    def both(x: float) -> float:
        return density_v(x) * float(special.betainc(a_c, b_c, x))

    with warnings.catch_warnings():
        # At counts near MAX_COUNT quadpack reports roundoff; the ratio stays accurate.
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        wins, _ = integrate.quad(
            both, low, high, points=breaks, limit=200, epsabs=1e-12, epsrel=1e-10
        )
        mass, _ = integrate.quad(
            density_v, low, high, points=breaks, limit=200, epsabs=1e-12, epsrel=1e-10
        )
    return min(1.0, max(0.0, float(wins) / float(mass)))


def required_n_per_arm(
    p_control: float, p_variant: float, alpha: float = 0.05, power: float = 0.8
) -> int | None:
    """Exposures per arm to detect this difference (two-sided) with this power; None for 0.

    statsmodels' ``samplesize_proportions_2indep_onetail``: the normal approximation with
    the pooled variance under no difference and each arm's own under the difference.
    """
    diff = p_variant - p_control
    if diff == 0:
        return None
    n = samplesize_proportions_2indep_onetail(
        diff, p_control, power, ratio=1, alpha=alpha, alternative="two-sided"
    )
    return math.ceil(float(n))


def _check_level(value: float, field: str) -> float:
    if not (isinstance(value, int | float) and 0 < value < 1):
        raise ValidationError(f"{field}: expected a number between 0 and 1, got {value!r}")
    return float(value)


def conversion_stats(
    test: StrategyTest, alpha: float = 0.05, power: float = 0.8
) -> TestStats | None:
    """The statistics of a conversion test; None while an arm has no exposures.

    The interval is the (1 - alpha) Newcombe interval of variant minus control (95% by
    default); ``required_n_per_arm`` is the sample that would detect the observed lift.
    """
    alpha = _check_level(alpha, "alpha")
    power = _check_level(power, "power")
    n_c, s_c = test.control_n, test.control_successes
    n_v, s_v = test.variant_n, test.variant_successes
    if n_c == 0 or n_v == 0:
        return None
    p_c, p_v = s_c / n_c, s_v / n_v
    diff = p_v - p_c
    ci_low, ci_high = newcombe_interval(s_v, n_v, s_c, n_c, alpha)
    p_value = two_sided_p_value(s_v, n_v, s_c, n_c)
    needed = required_n_per_arm(p_c, p_v, alpha, power)
    return TestStats(
        control_rate=p_c,
        variant_rate=p_v,
        abs_lift=diff,
        rel_lift=None if p_c == 0 else diff / p_c,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        prob_variant_better=prob_variant_better(s_v, n_v, s_c, n_c),
        significant=p_value < alpha,
        warning=_warning(p_c, p_v, n_c, n_v, needed),
        required_n_per_arm=needed,
        sample_too_small=_sample_too_small(p_c, p_v, n_c, n_v, needed),
    )


def sample_ratio(n_c: int, n_v: int, planned_split: float) -> float | None:
    """The chi-square goodness-of-fit p-value of the exposures against the planned split
    (the control arm's share); None before any exposure."""
    total = n_c + n_v
    if total == 0:
        return None
    expected = [total * planned_split, total * (1 - planned_split)]
    return float(chisquare([n_c, n_v], f_exp=expected).pvalue)


def _split_text(split: float) -> str:
    control = round(split * 100)
    return f"{control}/{100 - control}"


def srm_warning(test: StrategyTest) -> str:
    """The sample-ratio warning, e.g. ``sample ratio mismatch: exposures 1,000 vs 1,200 for
    a 50/50 split; the result is not trustworthy``."""
    return (
        f"sample ratio mismatch: exposures {test.control_n:,} vs {test.variant_n:,} for a "
        f"{_split_text(test.planned_split)} split; the result is not trustworthy"
    )


def _with_srm(test: StrategyTest, stats: TestStats) -> TestStats:
    p = sample_ratio(test.control_n, test.variant_n, test.planned_split)
    mismatch = p is not None and p < SRM_ALPHA
    warning = srm_warning(test) if mismatch else stats.warning
    return dataclasses.replace(
        stats, srm_p_value=p, sample_ratio_mismatch=mismatch, warning=warning
    )


def mean_stats(test: StrategyTest, alpha: float = 0.05, power: float = 0.8) -> TestStats | None:
    """Welch's t-test of variant minus control means (scipy), its (1 - alpha) interval on the
    Welch-Satterthwaite degrees of freedom, the probability that the variant's mean is the
    higher (the t distribution of the difference, flat prior), and the units per arm that
    would detect the observed difference (statsmodels' ``tt_ind_solve_power``). None while
    an arm has fewer than 2 units."""
    alpha = _check_level(alpha, "alpha")
    power = _check_level(power, "power")
    n_c, n_v = test.control_n, test.variant_n
    m_c, m_v, sd_c, sd_v = test.control_mean, test.variant_mean, test.control_sd, test.variant_sd
    if n_c < 2 or n_v < 2 or m_c is None or m_v is None or sd_c is None or sd_v is None:
        return None
    diff = m_v - m_c
    var_c, var_v = sd_c**2 / n_c, sd_v**2 / n_v
    se = math.sqrt(var_c + var_v)
    if se == 0:  # no spread at all: the difference is exact
        p_value = 1.0 if diff == 0 else 0.0
        low = high = diff
        better = 1.0 if diff > 0 else (0.5 if diff == 0 else 0.0)
    else:
        df = (var_c + var_v) ** 2 / (var_c**2 / (n_c - 1) + var_v**2 / (n_v - 1))
        welch = ttest_ind_from_stats(m_v, sd_v, n_v, m_c, sd_c, n_c, equal_var=False)
        p_value = float(welch.pvalue)
        half = float(student_t.ppf(1 - alpha / 2, df)) * se
        low, high = diff - half, diff + half
        better = float(student_t.cdf(diff / se, df))
    pooled_sd = math.sqrt((sd_c**2 + sd_v**2) / 2)
    needed = None
    if diff != 0 and pooled_sd > 0:
        n = tt_ind_solve_power(
            effect_size=abs(diff) / pooled_sd, alpha=alpha, power=power, ratio=1.0
        )
        needed = math.ceil(float(n))
    short = needed is not None and min(n_c, n_v) < needed
    return TestStats(
        control_rate=m_c,
        variant_rate=m_v,
        abs_lift=diff,
        rel_lift=None if m_c == 0 else diff / m_c,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        prob_variant_better=better,
        significant=p_value < alpha,
        warning=_mean_warning(test, diff, needed) if short else "",
        required_n_per_arm=needed,
        sample_too_small=short,
    )


def _mean_warning(test: StrategyTest, diff: float, needed: int | None) -> str:
    change = "rise" if diff > 0 else "fall"
    n_c, n_v = test.control_n, test.variant_n
    has = _arm_sizes(n_c, n_v)
    return (
        f"Sample too small to detect a {change} of {_number(abs(diff))}: needs about "
        f"{_about(needed or 0)} units per arm, has {has}."
    )


def test_stats(test: StrategyTest, alpha: float = 0.05, power: float = 0.8) -> TestStats | None:
    """A test's statistics, by its kind, with the sample-ratio check of its exposures."""
    stats = (
        conversion_stats(test, alpha, power)
        if test.kind is TestKind.CONVERSION
        else mean_stats(test, alpha, power)
    )
    return None if stats is None else _with_srm(test, stats)


# --- words ----------------------------------------------------------------------------


def _number(value: float) -> str:
    """A mean or a difference of means, to three significant digits (``4.2``, ``1,250``)."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _pct(rate: float) -> str:
    value = rate * 100
    return f"{value:.1f}%" if value == 0 or abs(value) >= 1 else f"{value:.2g}%"


def _points(diff: float) -> str:
    value = abs(diff) * 100
    return f"{value:.1f}" if value >= 1 else f"{value:.2g}"


def _about(n: int) -> str:
    """A sample size rounded up to two significant digits, e.g. 4,763 -> 4,800."""
    if n < 100:
        return f"{n:,}"
    step = 10 ** (len(str(n)) - 2)
    return f"{math.ceil(n / step) * step:,}"


def _arm_sizes(n_c: int, n_v: int) -> str:
    """What a test has, for its "sample too small" warning: ``30`` or ``30 (control) and 40
    (variant)``."""
    return f"{n_c:,}" if n_c == n_v else f"{n_c:,} (control) and {n_v:,} (variant)"


def _sample_too_small(p_c: float, p_v: float, n_c: int, n_v: int, needed: int | None) -> bool:
    return p_c != p_v and needed is not None and min(n_c, n_v) < needed


def _warning(p_c: float, p_v: float, n_c: int, n_v: int, needed: int | None) -> str:
    if p_c == p_v:
        if p_c in (0.0, 1.0):
            what = "no exposure converted" if p_c == 0 else "every exposure converted"
            return f"In both arms {what}: the test cannot tell them apart."
        return f"Both arms converted at {_pct(p_c)}: there is no lift to detect."
    if needed is None or not _sample_too_small(p_c, p_v, n_c, n_v, needed):
        return ""
    change = "lift" if p_v > p_c else "drop"
    has = _arm_sizes(n_c, n_v)
    return (
        f"Sample too small to detect a {change} of {_points(p_v - p_c)} points: "
        f"needs about {_about(needed)} per arm, has {has}."
    )


def _likelihood(probability: float) -> str:
    pct = round(probability * 100)
    if pct >= 100:
        return "over 99%"
    if pct <= 0:
        return "under 1%"
    return f"{pct}%"


def conclusion_text(test: StrategyTest, stats: TestStats | None) -> str:
    """The result in words a non-statistician understands."""
    if stats is None:
        return "No data yet."
    metric = test.metric.replace("_", " ")
    variant = f"Variant {test.variant_label}"
    mean = test.kind is TestKind.MEAN
    value = _number if mean else _pct
    if stats.abs_lift == 0:
        return (
            f"{variant} and control {test.control_label} did equally well on {metric} "
            f"({value(stats.control_rate)}); no difference to act on."
            + (f" But the {stats.warning}." if stats.sample_ratio_mismatch else "")
        )
    won = stats.abs_lift > 0
    verb = "lifted" if won else "lowered"
    chance = stats.prob_variant_better if won else 1 - stats.prob_variant_better
    by = _number(abs(stats.abs_lift)) if mean else f"{_points(stats.abs_lift)} points"
    likely = ("higher" if won else "lower") if mean else ("better" if won else "worse")
    headline = (
        f"{variant} {verb} {metric} by {by} "
        f"(from {value(stats.control_rate)} to {value(stats.variant_rate)}); "
        f"{_likelihood(chance)} likely to be {likely}"
    )
    if stats.sample_ratio_mismatch:
        return f"{headline}; but the {stats.warning}."
    short = stats.sample_too_small
    units = "units " if mean else ""
    needs = f"about {_about(stats.required_n_per_arm or 0)} {units}per arm"
    if stats.significant and not short:
        tail = "enough data."
    elif stats.significant:
        tail = (
            f"significant, but the sample is small for a lift this size: {needs} would confirm it."
        )
    elif short:
        tail = f"not enough data to be sure yet: needs {needs}."
    else:
        tail = "not a clear difference at this sample size."
    return f"{headline}; {tail}"


UPDATABLE: Final[tuple[str, ...]] = (
    "control_n",
    "control_successes",
    "control_mean",
    "control_sd",
    "variant_n",
    "variant_successes",
    "variant_mean",
    "variant_sd",
    "planned_split",
    "end",
    "status",
    "decision",
)
"""What may change in a logged test: its counts and end while it is planned or running, its
status and decision at any time (a concluded test may be reopened)."""


def updated_test(test: StrategyTest, changes: Mapping[str, Any]) -> StrategyTest:
    """``test`` with ``changes`` (a subset of UPDATABLE), checked as a new test is.

    A concluded test's counts and end are final: reopen it (status running) to change them.
    """
    if not isinstance(changes, Mapping):
        raise ValidationError(f"test update: expected the fields to change, got {changes!r}")
    unknown = sorted(repr(k) for k in changes if k not in UPDATABLE)
    if unknown:
        raise ValidationError(
            f"test update: {', '.join(unknown)} cannot change; expected some of "
            f"{', '.join(UPDATABLE)}"
        )
    current = dataclasses.asdict(test)
    final = [k for k in changes if k != "decision" and str(changes[k]).strip() != str(current[k])]
    after = make_test(**{**current, **changes})
    if test.status is TestStatus.CONCLUDED and after.status is TestStatus.CONCLUDED and final:
        raise ValidationError(
            f"test #{test.id} is concluded: its counts and end are final (asked to change "
            f"{', '.join(final)}); reopen it as running to change them"
        )
    return after


def duplicate_of(test: StrategyTest, logged: Iterable[StrategyTest]) -> StrategyTest | None:
    """The logged test that ``test`` repeats (same title, platform and start), if any."""
    return next((t for t in logged if t.key == test.key and t.id != test.id), None)


def test_fields(fields: object) -> dict[str, Any]:
    """A test form's or command's fields as make_test's keywords; unknown or missing ones
    are named."""
    if not isinstance(fields, Mapping):
        raise ValidationError(f"test: expected the test's fields, got {fields!r}")
    accepted = {
        name: p.default is inspect.Parameter.empty
        for name, p in inspect.signature(make_test).parameters.items()
    }
    unknown = sorted(repr(k) for k in fields if k not in accepted)
    if unknown:
        raise ValidationError(
            f"test: unknown field(s) {', '.join(unknown)}; expected some of {', '.join(accepted)}"
        )
    missing = [k for k, required in accepted.items() if required and k not in fields]
    if missing:
        raise ValidationError(f"test: missing field(s) {', '.join(missing)}")
    return {str(k): v for k, v in fields.items()}
