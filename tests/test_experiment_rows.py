"""Each strategy test as one row: the report, the Tests page's table and the dashboard's chart
read the same numbers, in the same units, with the same words for a test without data."""

from __future__ import annotations

import math

import pytest

from strategy.domain.analysis import analyse
from strategy.report import report_dict
from strategy.usecases import Workspace
from strategy.views import frames
from strategy.views.experiment_rows import (
    NO_DATA_WARNING,
    STAT_FIELDS,
    TABLE_COLUMNS,
    results_table,
    stats_fields,
)
from tests.conftest import TODAY


def test_a_test_without_data_has_no_numbers_and_says_so() -> None:
    fields = stats_fields(None)
    assert [fields[name] for name in STAT_FIELDS] == [None] * len(STAT_FIELDS)
    assert (fields["significant"], fields["warning"]) == (False, NO_DATA_WARNING)
    assert fields["required_n_per_arm"] is None


def test_the_table_has_every_test_and_its_columns_even_with_none() -> None:
    assert list(results_table(()).columns) == list(TABLE_COLUMNS)


@pytest.mark.parametrize(
    ("column", "in_report"),
    [
        ("control_rate", "control_rate"),
        ("abs_lift", "abs_lift"),
        ("ci_low", "ci_low"),
        ("prob_variant_better", "prob_variant_better"),
    ],
)
def test_the_table_shows_the_reports_statistics_in_percent_and_points(
    demo_read: Workspace, column: str, in_report: str
) -> None:
    analysis = analyse(demo_read.snapshot(), TODAY)
    table = results_table(analysis.tests)
    reported = [t[in_report] for t in report_dict(analysis)["tests"]]
    for shown, value in zip(table[column], reported, strict=True):
        if value is None:
            assert math.isnan(shown)
        else:
            assert shown == pytest.approx(value * 100, abs=1e-4)


def test_the_report_table_and_chart_say_the_same_of_every_test(demo_read: Workspace) -> None:
    analysis = analyse(demo_read.snapshot(), TODAY)
    table = results_table(analysis.tests).set_index("title")
    for test in report_dict(analysis)["tests"]:
        row = table.loc[test["title"]]
        assert (row["warning"], row["significant"]) == (test["warning"], test["significant"])
        assert row["conclusion"] == test["conclusion"]
    chart = frames.concluded_tests(analysis.tests).set_index("title")
    assert list(chart["lift"]) == list(table.loc[chart.index, "abs_lift"])
    assert set(table.loc[table["warning"] == NO_DATA_WARNING, "status"]) == {"planned"}
