"""A strategy test's fields, declared once: the stored row and the columns, what may change,
the command line's options, one parser for its dates and choices."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from strategy.domain import experiments as ex
from strategy.domain.errors import ValidationError

TODAY = dt.date(2024, 6, 1)

MEAN_TEST = ex.StrategyTest(
    title="Longer captions",
    hypothesis="People read on",
    platform="instagram",
    metric="watch_seconds",
    control_label="short",
    variant_label="long",
    control_n=40,
    control_successes=0,
    variant_n=42,
    variant_successes=0,
    start=dt.date(2024, 3, 4),
    end=dt.date(2024, 3, 31),
    status=ex.TestStatus.CONCLUDED,
    decision="Roll it out",
    id=7,
    kind=ex.TestKind.MEAN,
    planned_split=0.4,
    control_mean=12.5,
    control_sd=3.0,
    variant_mean=14.0,
    variant_sd=None,
)


def test_the_stored_columns_are_the_tests_tables_in_its_order() -> None:
    assert ex.TEST_COLUMNS == (
        "title", "hypothesis", "platform", "metric", "control_label", "variant_label",
        "control_n", "control_successes", "variant_n", "variant_successes", "start", '"end"',
        "status", "decision", "kind", "planned_split", "control_mean", "control_sd",
        "variant_mean", "variant_sd",
    )  # fmt: skip


def test_a_tests_row_holds_text_dates_and_choices_as_the_table_stores_them() -> None:
    row = ex.test_to_row(MEAN_TEST)
    assert list(row) == [c.strip('"') for c in ex.TEST_COLUMNS]
    assert (row["start"], row["end"], row["status"], row["kind"]) == (
        "2024-03-04",
        "2024-03-31",
        "concluded",
        "mean",
    )
    assert (row["control_n"], row["planned_split"], row["variant_sd"]) == (40, 0.4, None)
    assert "id" not in row


def test_a_stored_row_reads_back_as_the_same_test() -> None:
    stored = {**ex.test_to_row(MEAN_TEST), "id": 7, "control_n": "40", "control_mean": "12.5"}
    assert ex.test_from_row(stored) == MEAN_TEST


def test_what_may_change_is_the_counts_end_split_status_and_decision() -> None:
    assert set(ex.UPDATABLE) == {
        "control_n", "control_successes", "control_mean", "control_sd", "variant_n",
        "variant_successes", "variant_mean", "variant_sd", "planned_split", "end", "status",
        "decision",
    }  # fmt: skip
    final = {f.name for f in ex.TEST_FIELDS if f.updatable is ex.Updatable.WHILE_OPEN}
    assert final == set(ex.UPDATABLE) - {"status", "decision"}


def test_each_field_names_its_command_line_option() -> None:
    options = {f.name: f.option for f in ex.TEST_FIELDS}
    assert (options["control_n"], options["planned_split"], options["end"]) == (
        "--control-n",
        "--planned-split",
        "--end",
    )


def test_make_test_takes_exactly_the_declared_fields() -> None:
    with pytest.raises(ValidationError, match=r"^test: unknown field 'colour'"):
        ex.make_test(**ex.test_to_row(MEAN_TEST), colour="red", today=TODAY)
    with pytest.raises(ValidationError, match=r"^test: missing field metric$"):
        ex.make_test(title="T", platform="x", control_n=1, variant_n=1, start="2024-03-04",
                     end="2024-03-05", status="planned")  # fmt: skip


def test_a_test_reads_dates_and_choices_with_the_one_parser_of_each() -> None:
    row = ex.test_to_row(MEAN_TEST) | {"variant_sd": 2.0, "status": " Concluded ", "kind": "MEAN"}
    test = ex.make_test(**row | {"start": "2024-03-04T10:00:00"}, today=TODAY)
    assert test == dataclasses.replace(MEAN_TEST, id=None, variant_sd=2.0)
    with pytest.raises(ValidationError, match=r"^start: 07 Jan 1980 is before 01 Jan 1990"):
        ex.make_test(**{**ex.test_to_row(MEAN_TEST), "start": "1980-01-07"}, today=TODAY)
    with pytest.raises(ValidationError, match=r"^kind: expected conversion or mean, got nothing$"):
        ex.make_test(**{**ex.test_to_row(MEAN_TEST), "kind": None}, today=TODAY)
