"""A strategy test's result in words a non-statistician understands: its warnings (too small
a sample, a broken split) and its conclusion."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from strategy.domain.clock import day_text
from strategy.domain.experiments.model import StrategyTest, TestKind, TestStats, TestStatus


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


def sample_too_small(p_c: float, p_v: float, n_c: int, n_v: int, needed: int | None) -> bool:
    return p_c != p_v and needed is not None and min(n_c, n_v) < needed


def conversion_warning(p_c: float, p_v: float, n_c: int, n_v: int, needed: int | None) -> str:
    if p_c == p_v:
        if p_c in (0.0, 1.0):
            what = "no exposure converted" if p_c == 0 else "every exposure converted"
            return f"In both arms {what}: the test cannot tell them apart."
        return f"Both arms converted at {_pct(p_c)}: there is no lift to detect."
    if needed is None or not sample_too_small(p_c, p_v, n_c, n_v, needed):
        return ""
    change = "lift" if p_v > p_c else "drop"
    has = _arm_sizes(n_c, n_v)
    return (
        f"Sample too small to detect a {change} of {_points(p_v - p_c)} points: "
        f"needs about {_about(needed)} per arm, has {has}."
    )


def mean_warning(test: StrategyTest, diff: float, needed: int | None) -> str:
    change = "rise" if diff > 0 else "fall"
    n_c, n_v = test.control_n, test.variant_n
    has = _arm_sizes(n_c, n_v)
    return (
        f"Sample too small to detect a {change} of {_number(abs(diff))}: needs about "
        f"{_about(needed or 0)} units per arm, has {has}."
    )


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


def _money(currency: str, value: float, *, signed: bool = False) -> str:
    """An amount per visitor in the workspace's currency: ``EUR 3.10``, ``EUR +0.85``."""
    amount = f"{value:+,.2f}" if signed else f"{value:,.2f}"
    return f"{currency} {amount}".strip()


def value_unit(test: StrategyTest) -> str:
    """What a test on value measures, e.g. ``conversions per visitor``; empty otherwise."""
    return f"{test.metric.replace('_', ' ')} per visitor" if test.on_value else ""


def value_lift(test: StrategyTest, lift: float, currency: str) -> str:
    """A test on value's lift with its unit: ``+1.2 points of conversions per visitor``
    (a conversion test), ``EUR +0.85 revenue per visitor`` (a mean test on revenue),
    ``+0.12 leads per visitor`` (a mean test on a count)."""
    unit = value_unit(test)
    if test.kind is TestKind.CONVERSION:
        sign = "+" if lift > 0 else "-" if lift < 0 else ""
        return f"{sign}{_points(lift)} points of {unit}"
    if test.metric == "revenue":
        return f"{_money(currency, lift, signed=True)} {unit}"
    return f"{'+' if lift > 0 else ''}{_number(lift)} {unit}"


def _shown(test: StrategyTest, currency: str) -> Callable[[float], str]:
    """How a test's arms are shown: rates in percent, means as numbers, revenue per visitor
    as money."""
    if test.kind is TestKind.CONVERSION:
        return _pct
    if test.on_value and test.metric == "revenue":
        return lambda v: _money(currency, v)
    return _number


def _likelihood(probability: float) -> str:
    pct = round(probability * 100)
    if pct >= 100:
        return "over 99%"
    if pct <= 0:
        return "under 1%"
    return f"{pct}%"


def conclusion_text(test: StrategyTest, stats: TestStats | None, currency: str = "") -> str:
    """The result in words a non-statistician understands; a concluded test's words never
    say "yet": its data is all there is. A test on value says its unit ("+1.2 points of
    conversions per visitor", "EUR +0.85 revenue per visitor"; ``currency`` is the
    workspace's)."""
    concluded = test.status is TestStatus.CONCLUDED
    if stats is None:
        return "No data was collected." if concluded else "No data yet."
    metric = value_unit(test) or test.metric.replace("_", " ")
    variant = f"Variant {test.variant_label}"
    mean = test.kind is TestKind.MEAN
    value = _shown(test, currency)
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
    what = f"{metric} by {by}"
    if test.on_value:
        what = f"the value: {value_lift(test, stats.abs_lift, currency)}"
    headline = (
        f"{variant} {verb} {what} "
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
    elif short and concluded:
        tail = f"the data was not enough to be sure: it needed {needs}."
    elif short:
        tail = f"not enough data to be sure yet: needs {needs}."
    else:
        tail = "not a clear difference at this sample size."
    return f"{headline}; {tail}"


def result_words(test: StrategyTest, stats: TestStats | None) -> str:
    """A test's result in a few words, for a table's first columns: ``variant +2.1 points,
    significant`` (a mean test's difference in its metric's units); blank without data."""
    if stats is None:
        return ""
    sign = "-" if stats.abs_lift < 0 else "+"
    if test.kind is TestKind.CONVERSION:
        size = f"{_points(stats.abs_lift)} points"
    else:
        size = _number(abs(stats.abs_lift))
    verdict = "significant" if stats.significant else "not significant"
    return f"variant {sign}{size}, {verdict}"


CHANGE_WORDS: tuple[tuple[str, str], ...] = (
    ("status", "status"),
    ("end", "end"),
    ("control_n", "control exposures"),
    ("control_successes", "control successes"),
    ("variant_n", "variant exposures"),
    ("variant_successes", "variant successes"),
    ("control_mean", "control mean"),
    ("control_sd", "control standard deviation"),
    ("variant_mean", "variant mean"),
    ("variant_sd", "variant standard deviation"),
)
"""A test's fields an update may change, and their words."""


def _value_words(value: object) -> str:
    if isinstance(value, TestStatus):
        return value.value
    if isinstance(value, dt.date):
        return day_text(value)
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) else _number(value)
    return "blank" if value is None else str(value)


def update_changes(before: StrategyTest, after: StrategyTest) -> tuple[str, ...]:
    """What an update changed, in words: ``status running -> concluded``, ``control
    exposures 4,200 -> 4,500``, ``decision changed``."""
    said = [
        f"{words} {_value_words(getattr(before, field))} -> {_value_words(getattr(after, field))}"
        for field, words in CHANGE_WORDS
        if getattr(before, field) != getattr(after, field)
    ]
    if before.decision != after.decision:
        said.append("decision changed")
    return tuple(said)
