"""The gate editor's table: a gate as rows of (metric, comparison, threshold), and back.

The Stages page edits each gate's criteria as a table, metrics named in words (``active
members``; the one metric-name rule reads them back). This module turns a gate into those
rows and the edited rows plus week counts into the JSON form that
``strategy.domain.gates.gates_from_dict`` validates; every check is left to that one validator.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd

from strategy.domain.gates import Gate, GateSet
from strategy.views.words import metric_named, metric_words

COLUMNS: Final[tuple[str, ...]] = ("metric", "comparison", "threshold")
"""The editor's columns; ``comparison`` is the gate's ``op``."""

GATE_KEYS: Final[tuple[str, ...]] = ("to_retention", "to_active")
"""The two gates in the order the page shows them (the keys of the gate dict)."""


def gate_of(gates: GateSet, key: str) -> Gate:
    """The gate stored under ``key`` (``to_retention`` or ``to_active``)."""
    return gates.to_retention if key == "to_retention" else gates.to_active


def criteria_rows(gate: Gate) -> list[dict[str, Any]]:
    """A gate's criteria as editor rows: metric (in words), comparison, threshold."""
    return [
        {"metric": metric_words(c.metric), "comparison": c.op, "threshold": c.threshold}
        for c in gate.criteria
    ]


def _cell(value: Any) -> Any:
    """An edited cell with blanks (None, NaN, NA, empty text) as None, numbers as float."""
    if isinstance(value, str):
        return value.strip() or None
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except OverflowError:  # an integer beyond any float: validation names the cell
            return value
    return value


def _metric(cell: Any) -> Any:
    """An edited metric cell as the metric's name when it is written in words."""
    return metric_named(cell) if isinstance(cell, str) else cell


def gate_dict(
    rows: Sequence[Mapping[Any, Any]],
    *,
    weeks_to_advance: Any,
    weeks_to_fall_back: Any,
    requires_checklist: bool = False,
) -> dict[str, Any]:
    """The JSON form of one gate from its edited table rows and week counts.

    Trailing rows left wholly blank (a row added and never filled) are dropped; a blank
    cell anywhere else stays missing, so validation names that criterion by its row number.
    """
    criteria = [
        {
            "metric": _metric(_cell(row.get("metric"))),
            "op": _cell(row.get("comparison")),
            "threshold": _cell(row.get("threshold")),
        }
        for row in rows
    ]
    while criteria and all(v is None for v in criteria[-1].values()):
        criteria.pop()
    return {
        "criteria": criteria,
        "weeks_to_advance": _cell(weeks_to_advance),
        "weeks_to_fall_back": _cell(weeks_to_fall_back),
        "requires_checklist": requires_checklist,
    }
