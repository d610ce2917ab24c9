"""A strategy test's types: what it compares, where it is in its life, what was logged and
the statistics computed from it, and the bounds its numbers must keep."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from strategy.domain.errors import ValidationError
from strategy.domain.metrics import VALUE_METRICS


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
    def on_value(self) -> bool:
        """A test on a value metric (``leads``, ``conversions``, ``revenue``) per visitor:
        a conversion test's exposures are visitors and its successes the leads or
        conversions; a mean test's units are visitors and its mean the value per visitor."""
        return self.metric in VALUE_METRICS

    @property
    def key(self) -> tuple[str, str, dt.date]:
        """What makes two logged tests the same test: title (any case), platform, start."""
        return (self.title.casefold(), self.platform, self.start)


PER_VISITOR_ONLY: Final[frozenset[str]] = frozenset({"revenue"})
"""Value metrics a visitor has an amount of, not a yes or no: only a mean test compares them."""


def check_value_kind(metric: str, kind: TestKind) -> None:
    """The rule of a test on value: ``revenue`` per visitor is a mean test (per-visitor mean
    and sd in the workspace's currency); a conversion test on it has no successes to count."""
    if metric in PER_VISITOR_ONLY and kind is TestKind.CONVERSION:
        raise ValidationError(
            f"metric: {metric} is a value per visitor, not a conversion: expected a mean test "
            f"(kind mean: visitors, the mean {metric} per visitor and its sd in each arm), "
            "got a conversion test"
        )


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
