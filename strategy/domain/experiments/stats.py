"""The statistics a careful analyst would report for a strategy test.

The numbers are chosen to stay honest at small samples and extreme rates: a Newcombe
score interval rather than Wald, Fisher's exact test when a cell is thin, a Bayesian
probability computed deterministically, and a warning when the sample is too small for
the lift it shows. A mean test gets Welch's t-test. Either kind's exposures are checked
against the planned split.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

from strategy.domain.errors import ValidationError
from strategy.domain.experiments.model import (
    FISHER_MIN_EXPECTED,
    SRM_ALPHA,
    StrategyTest,
    TestKind,
    TestStats,
)
from strategy.domain.experiments.words import (
    conversion_warning,
    mean_warning,
    sample_too_small,
    srm_warning,
)


def newcombe_interval(
    s_v: int, n_v: int, s_c: int, n_c: int, alpha: float = 0.05
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p_variant - p_control (his method 10, from the
    two arms' Wilson intervals): statsmodels' ``confint_proportions_2indep``."""
    # scipy and statsmodels load when a test is computed, not with the domain (the command
    # line's light commands never compute one)
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(
        s_v, n_v, s_c, n_c, method="newcomb", compare="diff", alpha=alpha
    )
    return max(-1.0, float(low)), min(1.0, float(high))


def two_sided_p_value(s_v: int, n_v: int, s_c: int, n_c: int) -> float:
    """Pooled two-proportion z-test (statsmodels' ``proportions_ztest``), or Fisher's exact
    test (scipy) when an expected cell is below 5."""
    import numpy as np
    from scipy.stats import fisher_exact
    from statsmodels.stats.proportion import proportions_ztest

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
    from scipy import integrate, special
    from scipy.stats import beta

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
    from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail

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


def _stats(
    control: float,
    variant: float,
    interval: tuple[float, float],
    p_value: float,
    better: float,
    *,
    alpha: float,
    needed: int | None,
    short: bool,
    warning: str,
) -> TestStats:
    """The statistics of either kind from its arms' rates (or means), its interval of
    variant minus control, p-value and probability that the variant is better."""
    diff = variant - control
    return TestStats(
        control_rate=control,
        variant_rate=variant,
        abs_lift=diff,
        rel_lift=None if control == 0 else diff / control,
        ci_low=interval[0],
        ci_high=interval[1],
        p_value=p_value,
        prob_variant_better=better,
        significant=p_value < alpha,
        warning=warning,
        required_n_per_arm=needed,
        sample_too_small=short,
    )


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
    needed = required_n_per_arm(p_c, p_v, alpha, power)
    return _stats(
        p_c,
        p_v,
        newcombe_interval(s_v, n_v, s_c, n_c, alpha),
        two_sided_p_value(s_v, n_v, s_c, n_c),
        prob_variant_better(s_v, n_v, s_c, n_c),
        alpha=alpha,
        needed=needed,
        short=sample_too_small(p_c, p_v, n_c, n_v, needed),
        warning=conversion_warning(p_c, p_v, n_c, n_v, needed),
    )


def sample_ratio(n_c: int, n_v: int, planned_split: float) -> float | None:
    """The chi-square goodness-of-fit p-value of the exposures against the planned split
    (the control arm's share); None before any exposure."""
    from scipy.stats import chisquare

    total = n_c + n_v
    if total == 0:
        return None
    expected = [total * planned_split, total * (1 - planned_split)]
    return float(chisquare([n_c, n_v], f_exp=expected).pvalue)


def _with_srm(test: StrategyTest, stats: TestStats) -> TestStats:
    p = sample_ratio(test.control_n, test.variant_n, test.planned_split)
    mismatch = p is not None and p < SRM_ALPHA
    warning = srm_warning(test) if mismatch else stats.warning
    return dataclasses.replace(
        stats, srm_p_value=p, sample_ratio_mismatch=mismatch, warning=warning
    )


def _welch(
    m_c: float, sd_c: float, n_c: int, m_v: float, sd_v: float, n_v: int, alpha: float
) -> tuple[tuple[float, float], float, float]:
    """Welch's interval of variant minus control means, its p-value and the probability
    that the variant's mean is the higher; exact when neither arm has any spread."""
    from scipy.stats import t as student_t
    from scipy.stats import ttest_ind_from_stats

    diff = m_v - m_c
    var_c, var_v = sd_c**2 / n_c, sd_v**2 / n_v
    se = math.sqrt(var_c + var_v)
    if se == 0:  # no spread at all: the difference is exact
        better = 1.0 if diff > 0 else (0.5 if diff == 0 else 0.0)
        return (diff, diff), 1.0 if diff == 0 else 0.0, better
    df = (var_c + var_v) ** 2 / (var_c**2 / (n_c - 1) + var_v**2 / (n_v - 1))
    welch = ttest_ind_from_stats(m_v, sd_v, n_v, m_c, sd_c, n_c, equal_var=False)
    half = float(student_t.ppf(1 - alpha / 2, df)) * se
    return (diff - half, diff + half), float(welch.pvalue), float(student_t.cdf(diff / se, df))


def required_units_per_arm(
    diff: float, sd_c: float, sd_v: float, alpha: float, power: float
) -> int | None:
    """Units per arm to detect this difference of means (statsmodels' ``tt_ind_solve_power``
    on the pooled standard deviation); None for no difference or no spread."""
    from statsmodels.stats.power import tt_ind_solve_power

    pooled_sd = math.sqrt((sd_c**2 + sd_v**2) / 2)
    if diff == 0 or pooled_sd <= 0:
        return None
    n = tt_ind_solve_power(effect_size=abs(diff) / pooled_sd, alpha=alpha, power=power, ratio=1.0)
    return math.ceil(float(n))


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
    interval, p_value, better = _welch(m_c, sd_c, n_c, m_v, sd_v, n_v, alpha)
    needed = required_units_per_arm(m_v - m_c, sd_c, sd_v, alpha, power)
    short = sample_too_small(m_c, m_v, n_c, n_v, needed)
    warning = mean_warning(test, m_v - m_c, needed) if short else ""
    return _stats(
        m_c, m_v, interval, p_value, better, alpha=alpha, needed=needed, short=short,
        warning=warning,
    )  # fmt: skip


def test_stats(test: StrategyTest, alpha: float = 0.05, power: float = 0.8) -> TestStats | None:
    """A test's statistics, by its kind, with the sample-ratio check of its exposures."""
    stats = (
        conversion_stats(test, alpha, power)
        if test.kind is TestKind.CONVERSION
        else mean_stats(test, alpha, power)
    )
    return None if stats is None else _with_srm(test, stats)
