"""The gate editor's table: gates shown as rows, and edited rows turned back into gates."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from strategy.domain.errors import ValidationError
from strategy.domain.gates import (
    DEFAULT_GATES,
    Criterion,
    Gate,
    Stage,
    gate_from_dict,
    gates_from_dict,
)
from strategy.views.gate_table import COLUMNS, GATE_KEYS, criteria_rows, gate_dict, gate_of


def edited(gate_key: str) -> list[dict[str, object]]:
    """A default gate's rows as the editor returns them: a DataFrame's records."""
    frame = pd.DataFrame(criteria_rows(gate_of(DEFAULT_GATES, gate_key)), columns=COLUMNS)
    return frame.to_dict("records")


def test_unedited_rows_give_back_the_same_gates() -> None:
    data = {
        key: gate_dict(
            edited(key),
            weeks_to_advance=gate_of(DEFAULT_GATES, key).weeks_to_advance,
            weeks_to_fall_back=gate_of(DEFAULT_GATES, key).weeks_to_fall_back,
            requires_checklist=gate_of(DEFAULT_GATES, key).requires_checklist,
        )
        for key in GATE_KEYS
    }
    assert gates_from_dict(data) == DEFAULT_GATES


def test_rows_show_metric_in_words_comparison_and_threshold_in_gate_order() -> None:
    assert criteria_rows(DEFAULT_GATES.to_retention) == [
        {"metric": "audience", "comparison": ">=", "threshold": 100.0},
        {"metric": "brand posts", "comparison": ">=", "threshold": 1.0},
    ]
    assert gate_of(DEFAULT_GATES, "to_active") is DEFAULT_GATES.to_active


def test_an_edited_threshold_and_an_added_row_become_the_new_gate() -> None:
    rows = edited("to_active")
    rows[0]["threshold"] = 100000
    rows.append({"metric": "Inbound Messages", "comparison": "<", "threshold": 500})
    gate = gate_from_dict(
        gate_dict(rows, weeks_to_advance=3.0, weeks_to_fall_back=5),
        Stage.RETENTION,
        Stage.ACTIVE,
    )
    assert gate.criteria[0].threshold == 100000
    assert gate.criteria[-1].describe() == "inbound_messages < 500"
    assert (gate.weeks_to_advance, gate.weeks_to_fall_back) == (3, 5)


@pytest.mark.parametrize(
    ("metric", "name"),
    [
        ("response_minutes_median", "response_minutes_median"),
        ("member_initiated_share", "member_initiated_share"),
        ("returning_share", "returning_share"),
    ],
)
def test_a_metric_shown_in_words_is_saved_under_its_name(metric: str, name: str) -> None:
    gate = Gate(Stage.RETENTION, Stage.ACTIVE, (Criterion(metric, "<=", 60.0),), 4, 4)
    rows = criteria_rows(gate)
    assert "_" not in rows[0]["metric"]
    saved = gate_from_dict(
        gate_dict(rows, weeks_to_advance=4, weeks_to_fall_back=4), Stage.RETENTION, Stage.ACTIVE
    )
    assert saved.criteria[0].metric == name


def test_a_trailing_blank_row_is_ignored_but_a_blank_cell_is_named_by_its_row() -> None:
    rows = [*edited("to_retention"), {"metric": None, "comparison": None, "threshold": math.nan}]
    data = gate_dict(rows, weeks_to_advance=2, weeks_to_fall_back=4, requires_checklist=True)
    assert len(data["criteria"]) == 2

    rows = edited("to_retention")
    rows[1]["threshold"] = math.nan
    rows.append({"metric": "new_members", "comparison": ">=", "threshold": 1})
    data = gate_dict(rows, weeks_to_advance=2, weeks_to_fall_back=4)
    with pytest.raises(ValidationError, match=r"criterion 2: threshold: expected a number"):
        gate_from_dict(data, Stage.SETUP, Stage.RETENTION)


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("metric", "   ", r"criterion 1: metric: expected a metric name"),
        ("comparison", pd.NA, r"criterion 1: comparison: expected one of"),
        ("comparison", "=>", r"criterion 1: comparison: expected one of .*'=>'"),
        ("threshold", "lots", r"criterion 1: threshold: expected a number, got 'lots'"),
        ("threshold", 10**400, r"criterion 1: threshold: expected a number, got 1000"),
        ("metric", "brand_posts", r"each metric may appear only once"),
    ],
)
def test_bad_cells_reach_validation_which_names_gate_criterion_and_field(
    cell: str, value: object, message: str
) -> None:
    rows = edited("to_retention")
    rows[0][cell] = value
    with pytest.raises(ValidationError, match=rf"gate setup -> retention.*{message}"):
        gates_from_dict(
            {
                "to_retention": gate_dict(rows, weeks_to_advance=2, weeks_to_fall_back=4),
                "to_active": gate_dict(
                    edited("to_active"), weeks_to_advance=4, weeks_to_fall_back=4
                ),
            }
        )


def test_a_week_count_beyond_any_float_is_refused_with_its_field() -> None:
    data = gate_dict(edited("to_retention"), weeks_to_advance=10**400, weeks_to_fall_back=4)
    with pytest.raises(ValidationError, match="weeks to advance: expected a whole number"):
        gate_from_dict(data, Stage.SETUP, Stage.RETENTION)


def test_a_gate_with_every_row_deleted_is_refused() -> None:
    data = gate_dict([], weeks_to_advance=2, weeks_to_fall_back=4)
    with pytest.raises(ValidationError, match="expected at least one criterion"):
        gate_from_dict(data, Stage.SETUP, Stage.RETENTION)


def test_a_missing_week_count_is_refused_with_its_field() -> None:
    data = gate_dict(edited("to_active"), weeks_to_advance=None, weeks_to_fall_back=4)
    with pytest.raises(ValidationError, match="weeks to advance: expected a whole number"):
        gate_from_dict(data, Stage.RETENTION, Stage.ACTIVE)
