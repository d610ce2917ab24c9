"""Gates: the criteria that move a community between stages, and how users edit them."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest

from strategy.domain.errors import RolloutError, ValidationError
from strategy.domain.gates import (
    CHECKLIST_ITEMS,
    CHECKLIST_LABELS,
    DEFAULT_GATES,
    ChecklistItem,
    Criterion,
    Stage,
    checklist_complete_on,
    gate_from_dict,
    gates_from_dict,
    gates_to_dict,
    make_criterion,
)


def editable_gates() -> dict[str, Any]:
    """The JSON form of the default gates, as a settings form would send it back."""
    return json.loads(json.dumps(gates_to_dict(DEFAULT_GATES)))


def gate_form(**changes: Any) -> dict[str, Any]:
    """A valid setup -> retention gate form with some fields changed."""
    form: dict[str, Any] = {
        "criteria": [{"metric": "followers", "op": ">=", "threshold": 100}],
        "weeks_to_advance": 2,
        "weeks_to_fall_back": 4,
        "requires_checklist": True,
    }
    return form | changes


def checklist(day: dt.date, **other_days: dt.date | None) -> list[ChecklistItem]:
    """Every setup item of instagram done on ``day``, except those named otherwise."""
    return [ChecklistItem("instagram", item, other_days.get(item, day)) for item in CHECKLIST_ITEMS]


# --- stages ------------------------------------------------------------------------------


def test_stages_are_ordered_setup_retention_active() -> None:
    assert [s.value for s in Stage] == ["setup", "retention", "active"]
    assert [s.rank for s in Stage] == [0, 1, 2]
    assert Stage("retention") is Stage.RETENTION


# --- criteria ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "below", "at", "above"),
    [
        (">=", False, True, True),
        (">", False, False, True),
        ("<=", True, True, False),
        ("<", True, False, False),
    ],
)
def test_a_criterion_compares_at_its_threshold(op: str, below: bool, at: bool, above: bool) -> None:
    criterion = Criterion("followers", op, 100.0)
    assert (criterion.holds(99.0), criterion.holds(100.0), criterion.holds(101.0)) == (
        below,
        at,
        above,
    )


@pytest.mark.parametrize("op", [">=", ">", "<=", "<"])
def test_an_unmeasured_value_fails_every_criterion(op: str) -> None:
    criterion = Criterion("response_minutes_median", op, 60.0)
    assert not criterion.holds(None)
    assert not criterion.holds(math.nan)


def test_a_criterion_describes_itself_for_people() -> None:
    assert Criterion("followers", ">=", 100.0).describe() == "followers >= 100"
    assert Criterion("returning_share", ">=", 0.25).describe() == "returning_share >= 0.25"


# --- the default gates -------------------------------------------------------------------


def test_default_gate_into_retention_is_checklist_audience_and_posts_for_two_weeks() -> None:
    gate = DEFAULT_GATES.to_retention
    assert (gate.source, gate.target) == (Stage.SETUP, Stage.RETENTION)
    assert [c.describe() for c in gate.criteria] == ["audience >= 100", "brand_posts >= 1"]
    assert gate.requires_checklist
    assert (gate.weeks_to_advance, gate.weeks_to_fall_back) == (2, 4)


def test_default_gate_into_active_asks_for_members_who_participate_for_four_weeks() -> None:
    gate = DEFAULT_GATES.to_active
    assert (gate.source, gate.target) == (Stage.RETENTION, Stage.ACTIVE)
    assert [c.describe() for c in gate.criteria] == [
        "active_members >= 50",
        "returning_share >= 0.25",
        "member_activity_share >= 0.5",
        "engagement_rate >= 0.01",
    ]
    assert not gate.requires_checklist
    assert (gate.weeks_to_advance, gate.weeks_to_fall_back) == (4, 4)


def test_each_stage_leaves_upwards_by_one_gate_and_is_held_by_the_one_below() -> None:
    gates = DEFAULT_GATES
    assert gates.exit_gate(Stage.SETUP) is gates.to_retention
    assert gates.exit_gate(Stage.RETENTION) is gates.to_active
    assert gates.exit_gate(Stage.ACTIVE) is None
    assert gates.hold_gate(Stage.SETUP) is None
    assert gates.hold_gate(Stage.RETENTION) is gates.to_retention
    assert gates.hold_gate(Stage.ACTIVE) is gates.to_active


# --- the setup checklist -----------------------------------------------------------------


def test_checklist_has_the_four_setup_tasks_with_labels() -> None:
    assert CHECKLIST_ITEMS == (
        "platforms_optimised",
        "tools_chosen",
        "key_metrics_defined",
        "launch_content_created",
    )
    assert set(CHECKLIST_LABELS) == set(CHECKLIST_ITEMS)


def test_checklist_is_complete_from_the_day_its_last_item_is_done() -> None:
    items = checklist(dt.date(2024, 1, 3), tools_chosen=dt.date(2024, 1, 10))
    assert not checklist_complete_on(items, dt.date(2024, 1, 9))
    assert checklist_complete_on(items, dt.date(2024, 1, 10))
    assert checklist_complete_on(items, dt.date(2025, 1, 1))


def test_checklist_with_an_open_or_absent_item_is_incomplete() -> None:
    day = dt.date(2024, 1, 3)
    assert not checklist_complete_on(checklist(day, key_metrics_defined=None), dt.date.max)
    assert not checklist_complete_on(checklist(day)[:3], dt.date.max)
    assert not checklist_complete_on([], dt.date.max)


# --- editing gates -----------------------------------------------------------------------


def test_gates_survive_a_round_trip_through_json() -> None:
    assert gates_from_dict(editable_gates()) == DEFAULT_GATES


def test_an_edited_gate_is_read_back_with_names_normalised_and_numbers_parsed() -> None:
    form = editable_gates()
    form["to_active"]["criteria"] = [
        {"metric": " Active Members ", "op": ">", "threshold": "80"},
        {"metric": "engagement-rate", "op": ">=", "threshold": 0.02},
    ]
    form["to_active"]["weeks_to_advance"] = "6"
    gate = gates_from_dict(form).to_active
    assert gate.criteria == (
        Criterion("active_members", ">", 80.0),
        Criterion("engagement_rate", ">=", 0.02),
    )
    assert gate.weeks_to_advance == 6


@pytest.mark.parametrize(
    ("metric", "op", "threshold", "names"),
    [
        ("", ">=", 1, "metric"),
        (None, ">=", 1, "metric"),
        ("followers", "=>", 1, "comparison"),
        ("followers", "==", 1, "comparison"),
        ("followers", [">="], 1, "comparison"),
        ("followers", ">=", "lots", "threshold"),
        ("followers", ">=", None, "threshold"),
        ("followers", ">=", math.inf, "threshold"),
        ("followers", ">=", "nan", "threshold"),
    ],
)
def test_a_bad_criterion_is_refused_naming_its_field(
    metric: Any, op: Any, threshold: Any, names: str
) -> None:
    with pytest.raises(ValidationError, match=f"criterion 2: {names}: expected"):
        make_criterion(metric, op, threshold, where="criterion 2")


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("weeks_to_advance", 0),
        ("weeks_to_advance", 105),
        ("weeks_to_advance", 2.5),
        ("weeks_to_advance", "two"),
        ("weeks_to_advance", None),
        ("weeks_to_fall_back", -1),
        ("weeks_to_fall_back", math.inf),
        ("weeks_to_fall_back", math.nan),
    ],
)
def test_week_counts_must_be_whole_weeks_from_1_to_104(field: str, raw: Any) -> None:
    label = field.replace("_", " ")
    with pytest.raises(ValidationError, match=f"gate setup -> retention: {label}: expected"):
        gate_from_dict(gate_form(**{field: raw}), Stage.SETUP, Stage.RETENTION)


def test_week_count_limits_are_accepted() -> None:
    gate = gate_from_dict(
        gate_form(weeks_to_advance=1, weeks_to_fall_back=104), Stage.SETUP, Stage.RETENTION
    )
    assert (gate.weeks_to_advance, gate.weeks_to_fall_back) == (1, 104)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (gate_form(criteria=[]), "criteria: expected at least one criterion"),
        (gate_form(criteria=None), "criteria: expected at least one criterion"),
        (gate_form(criteria=["followers >= 100"]), "criterion 1: expected a metric"),
        (
            gate_form(
                criteria=[
                    {"metric": "followers", "op": ">=", "threshold": 100},
                    {"metric": "Followers", "op": "<", "threshold": 900},
                ]
            ),
            "each metric may appear only once",
        ),
        (gate_form(requires_checklist="false"), "requires checklist: expected true or false"),
        ("followers >= 100", "expected criteria and week counts"),
    ],
)
def test_a_bad_gate_is_refused_with_a_message_naming_the_problem(form: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        gate_from_dict(form, Stage.SETUP, Stage.RETENTION)
    assert str(refused.value).startswith("gate setup -> retention")


def test_a_gate_set_without_both_gates_is_refused() -> None:
    form = editable_gates()
    del form["to_active"]
    with pytest.raises(ValidationError, match="to_retention and to_active"):
        gates_from_dict(form)


def test_a_refused_gate_is_an_error_the_user_caused() -> None:
    form = editable_gates()
    form["to_retention"]["weeks_to_advance"] = 0
    with pytest.raises(RolloutError):
        gates_from_dict(form)
