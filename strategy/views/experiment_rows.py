"""Each logged strategy test with its statistics, as one row for every place that shows it.

The report's JSON, the Tests page's tables and the dashboard's chart of concluded tests all
read their numbers here, so a test without data, a rate in percent or a lift in points is
shown the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

import pandas as pd

from strategy.domain.analysis import TestResult
from strategy.domain.experiments import TestKind, TestStats, TestStatus
from strategy.domain.experiments.words import result_words
from strategy.domain.numbers import chance_text, p_value_text
from strategy.views.words import metric_words

NO_DATA_WARNING: Final[str] = "no data yet"
"""The warning of a test that has no statistics yet (nothing exposed)."""

STAT_FIELDS: Final[tuple[str, ...]] = (
    "control_rate",
    "variant_rate",
    "abs_lift",
    "rel_lift",
    "ci_low",
    "ci_high",
    "p_value",
    "prob_variant_better",
)
"""The numbers of a test's statistics, in rate units (0.04 = 4%)."""

IN_POINTS: Final[tuple[str, ...]] = (
    "control_rate",
    "variant_rate",
    "abs_lift",
    "ci_low",
    "ci_high",
    "prob_variant_better",
)
"""The statistics tables and charts show times 100: rates and chances in percent, the lift
and its 95% interval in percentage points."""

TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "title",
    "platform",
    "metric",
    "kind",
    "status",
    *(f for f in STAT_FIELDS if f != "rel_lift"),
    "significant",
    "warning",
    "conclusion",
)


def stats_fields(stats: TestStats | None) -> dict[str, Any]:
    """A test's statistics by name, in rate units; None and ``no data yet`` before any data."""
    fields: dict[str, Any] = {name: getattr(stats, name) if stats else None for name in STAT_FIELDS}
    fields["significant"] = bool(stats and stats.significant)
    fields["warning"] = stats.warning if stats else NO_DATA_WARNING
    fields["required_n_per_arm"] = stats.required_n_per_arm if stats else None
    fields["srm_p_value"] = stats.srm_p_value if stats else None
    return fields


def results_table(results: Sequence[TestResult]) -> pd.DataFrame:
    """One row per test: id, title, platform, metric, kind, status, the statistics (a
    conversion test's ``IN_POINTS`` times 100; a mean test's in its metric's units, its
    chance in percent), significant, warning and conclusion."""
    rows = []
    for r in results:
        stats = stats_fields(r.stats)
        scaled = IN_POINTS if r.test.kind is TestKind.CONVERSION else ("prob_variant_better",)
        for name in scaled:
            stats[name] = None if stats[name] is None else stats[name] * 100
        rows.append(
            {
                "id": r.test.id,
                "title": r.test.title,
                "platform": r.test.platform,
                "metric": r.test.metric,
                "kind": r.test.kind.value,
                "status": r.test.status.value,
                **stats,
                "conclusion": r.conclusion,
            }
        )
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


LISTED: Final[dict[TestKind, dict[str, str]]] = {
    TestKind.CONVERSION: {
        "control_rate": "control rate %",
        "variant_rate": "variant rate %",
        "abs_lift": "lift (points)",
    },
    TestKind.MEAN: {
        "control_rate": "control mean",
        "variant_rate": "variant mean",
        "abs_lift": "difference",
    },
}
"""The Tests page's headings of the numbers that differ between conversion and mean tests."""


def listed_tests(results: Sequence[TestResult], kind: TestKind) -> pd.DataFrame:
    """The Tests page's table of one kind of test, with its headings: first what a reader
    looks for (title, platform, the result in words), then the detail; the p-value and the
    chance as text (``<0.0001``, ``>99%``), a test without data blank, never "None"."""
    shown = [r for r in results if r.test.kind is kind]
    table = results_table(shown)
    words = {
        "title": [r.test.title for r in shown],
        "platform": [r.test.platform for r in shown],
        "result": [result_words(r.test, r.stats) for r in shown],
        "status": list(table["status"]),
        "metric": [metric_words(m) for m in table["metric"]],
        **{heading: list(table[field]) for field, heading in LISTED[kind].items()},
        "95% CI low": list(table["ci_low"]),
        "95% CI high": list(table["ci_high"]),
        "p-value": [p_value_text(r.stats.p_value if r.stats else None) for r in shown],
        "P(variant better)": [
            chance_text(r.stats.prob_variant_better if r.stats else None) for r in shown
        ],
        "warning": list(table["warning"]),
        "#": list(table["id"]),
    }
    return pd.DataFrame(words, columns=list(words))


def update_default(results: Sequence[TestResult], today: dt.date) -> int | None:
    """The test the "Update a test" form opens on: the first overdue one, else the first
    running, else the first planned, else the first; never a concluded one while another
    is open."""
    tests = [r.test for r in results if r.test.id is not None]
    for wanted in (
        lambda t: t.overdue(today),
        lambda t: t.status is TestStatus.RUNNING,
        lambda t: t.status is TestStatus.PLANNED,
        lambda t: True,
    ):
        found = next((t.id for t in tests if wanted(t)), None)
        if found is not None:
            return found
    return None
