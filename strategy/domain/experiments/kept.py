"""A test's statistics, kept with it: computed when its numbers are saved, read back when
they are shown.

scipy and statsmodels take longer to load than the rest of a report (about 1.5 s on a
2-core machine). A test's statistics depend only on its kind, planned split and each arm's
counts, means and sds (``stats_inputs``), so the use cases compute them once per write and
store them beside the test with the inputs they came from. A read (``stats_of``) uses the
kept statistics while those inputs and ``STATS_VERSION`` still match, and computes them
afresh otherwise: a test stored before they were kept, or statistics whose code changed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final

from strategy.domain.experiments.model import StrategyTest, TestStats
from strategy.domain.experiments.stats import test_stats

STATS_VERSION: Final[int] = 1
"""Raise it when a change to ``stats`` or its warnings changes what a test's statistics
give: every kept copy then no longer matches, and is computed afresh when read."""

Inputs = tuple[int | float | str | None, ...]


def stats_inputs(test: StrategyTest) -> Inputs:
    """What a test's statistics are computed from, with the version of that computation."""
    return (
        STATS_VERSION,
        test.kind.value,
        test.planned_split,
        test.control_n,
        test.control_successes,
        test.variant_n,
        test.variant_successes,
        test.control_mean,
        test.control_sd,
        test.variant_mean,
        test.variant_sd,
    )


@dataclass(frozen=True)
class KeptStats:
    """A test's statistics as computed from ``inputs`` (None: an arm had too few units)."""

    inputs: Inputs
    stats: TestStats | None


def keep_stats(test: StrategyTest) -> KeptStats:
    """Compute a test's statistics to store with it (loads scipy and statsmodels)."""
    return KeptStats(stats_inputs(test), test_stats(test))


def stats_of(test: StrategyTest, kept: KeptStats | None) -> TestStats | None:
    """A test's statistics: the kept ones while they were computed from its current inputs,
    otherwise computed now."""
    if kept is not None and kept.inputs == stats_inputs(test):
        return kept.stats
    return test_stats(test)


def kept_to_dict(kept: KeptStats) -> dict[str, Any]:
    """The JSON-ready form stored in ``tests.stats``."""
    stats = None if kept.stats is None else dataclasses.asdict(kept.stats)
    return {"inputs": list(kept.inputs), "stats": stats}


def kept_from_dict(raw: dict[str, Any]) -> KeptStats:
    """Read back ``kept_to_dict``'s form. Statistics of another ``STATS_VERSION`` are not
    read (their fields may differ): their inputs no longer match, so they are recomputed."""
    inputs, stats = tuple(raw["inputs"]), raw["stats"]
    current = inputs[:1] == (STATS_VERSION,)
    return KeptStats(inputs, TestStats(**stats) if current and stats is not None else None)
