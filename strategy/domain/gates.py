"""Stages, gate criteria and the setup checklist: the explicit rules that move a community.

A gate is a set of criteria on weekly metrics that must hold for ``weeks_to_advance``
consecutive weeks to move a platform from ``source`` to ``target``, and fail for
``weeks_to_fall_back`` consecutive weeks to move it back from ``target`` to ``source``.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from strategy.domain.errors import ValidationError
from strategy.domain.limits import week_count
from strategy.domain.metrics import AUDIENCE, known_metrics, normalise_name, unknown_metric_text
from strategy.domain.numbers import plain_number


class Stage(StrEnum):
    """The three stages of a community, in order."""

    SETUP = "setup"
    RETENTION = "retention"
    ACTIVE = "active"

    @property
    def rank(self) -> int:
        """0 for setup, 1 for retention, 2 for active."""
        return list(Stage).index(self)


OPERATORS: Final[dict[str, Callable[[float, float], bool]]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}

CHECKLIST_ITEMS: Final[tuple[str, ...]] = (
    "platforms_optimised",
    "tools_chosen",
    "key_metrics_defined",
    "launch_content_created",
)
"""The setup checklist every platform goes through, in the order it is usually done."""

CHECKLIST_LABELS: Final[dict[str, str]] = {
    "platforms_optimised": "Platforms optimised",
    "tools_chosen": "Tools chosen",
    "key_metrics_defined": "Key metrics defined",
    "launch_content_created": "Launch content created",
}

CHECKLIST_CRITERION: Final[str] = "setup_checklist_complete"
"""The pseudo-metric name under which a gate's checklist requirement shows in evidence."""


@dataclass(frozen=True)
class Criterion:
    """One condition of a gate: ``metric op threshold`` on a week's value."""

    metric: str
    op: str
    threshold: float

    def holds(self, value: float | None) -> bool:
        """True when the value is measured and meets the threshold; a missing value fails."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return OPERATORS[self.op](value, self.threshold)

    def describe(self) -> str:
        """Human text, e.g. ``followers >= 100``."""
        return f"{self.metric} {self.op} {plain_number(self.threshold)}"


@dataclass(frozen=True)
class Gate:
    """The rule between two adjacent stages."""

    source: Stage
    target: Stage
    criteria: tuple[Criterion, ...]
    weeks_to_advance: int
    weeks_to_fall_back: int
    requires_checklist: bool = False


@dataclass(frozen=True)
class GateSet:
    """The two gates of a workspace: setup -> retention and retention -> active."""

    to_retention: Gate
    to_active: Gate

    def exit_gate(self, stage: Stage) -> Gate | None:
        """The gate that leads out of a stage upwards (None for active)."""
        return {Stage.SETUP: self.to_retention, Stage.RETENTION: self.to_active}.get(stage)

    def hold_gate(self, stage: Stage) -> Gate | None:
        """The gate whose sustained failure moves a stage back (None for setup)."""
        return {Stage.RETENTION: self.to_retention, Stage.ACTIVE: self.to_active}.get(stage)


DEFAULT_GATES: Final[GateSet] = GateSet(
    to_retention=Gate(
        source=Stage.SETUP,
        target=Stage.RETENTION,
        criteria=(Criterion(AUDIENCE, ">=", 100.0), Criterion("brand_posts", ">=", 1.0)),
        weeks_to_advance=2,
        weeks_to_fall_back=4,
        requires_checklist=True,
    ),
    to_active=Gate(
        source=Stage.RETENTION,
        target=Stage.ACTIVE,
        criteria=(
            Criterion("active_members", ">=", 50.0),
            Criterion("returning_share", ">=", 0.25),
            Criterion("member_activity_share", ">=", 0.5),
            Criterion("engagement_rate", ">=", 0.01),
        ),
        weeks_to_advance=4,
        weeks_to_fall_back=4,
    ),
)


@dataclass(frozen=True)
class ChecklistItem:
    """One setup task of one platform; ``done_on`` is None while it is open."""

    platform: str
    item: str
    done_on: dt.date | None


def check_checklist_item(item: str) -> str:
    """One of the setup checklist's items (``CHECKLIST_ITEMS``), as named."""
    if item not in CHECKLIST_ITEMS:
        raise ValidationError(
            f"checklist item: expected one of {', '.join(CHECKLIST_ITEMS)} or all, got {item!r}"
        )
    return item


def checklist_complete_on(items: Sequence[ChecklistItem], day: dt.date) -> bool:
    """True when every checklist item is done on or before ``day``."""
    done = {i.item: i.done_on for i in items}
    return all((d := done.get(item)) is not None and d <= day for item in CHECKLIST_ITEMS)


# --- validation and (de)serialisation, so gates can be edited per workspace -----------


def make_criterion(metric: Any, op: Any, threshold: Any, *, where: str = "criterion") -> Criterion:
    """Validate one criterion from user input; raises ValidationError naming the field."""
    name = normalise_name(str(metric)) if metric is not None else ""
    if not name:
        raise ValidationError(f"{where}: metric: expected a metric name, got nothing")
    if not isinstance(op, str) or op not in OPERATORS:
        raise ValidationError(
            f"{where}: comparison: expected one of {', '.join(OPERATORS)}, got {op!r}"
        )
    try:
        value = float(threshold)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(f"{where}: threshold: expected a number, got {threshold!r}") from None
    if not math.isfinite(value):
        raise ValidationError(f"{where}: threshold: expected a finite number, got {threshold!r}")
    return Criterion(name, str(op), value)


def gate_from_dict(data: Mapping[str, Any], source: Stage, target: Stage) -> Gate:
    """Build and validate a gate from its JSON form."""
    where = f"gate {source.value} -> {target.value}"
    if not isinstance(data, Mapping):
        raise ValidationError(f"{where}: expected criteria and week counts, got {data!r}")
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise ValidationError(f"{where}: criteria: expected at least one criterion")
    for n, c in enumerate(raw_criteria, start=1):
        if not isinstance(c, Mapping):
            raise ValidationError(
                f"{where}, criterion {n}: expected a metric, comparison and threshold, got {c!r}"
            )
    criteria = tuple(
        make_criterion(
            c.get("metric"), c.get("op"), c.get("threshold"), where=f"{where}, criterion {n}"
        )
        for n, c in enumerate(raw_criteria, start=1)
    )
    if len({c.metric for c in criteria}) != len(criteria):
        raise ValidationError(f"{where}: criteria: each metric may appear only once")
    requires_checklist = data.get("requires_checklist", False)
    if not isinstance(requires_checklist, bool):
        raise ValidationError(
            f"{where}: requires checklist: expected true or false, got {requires_checklist!r}"
        )
    return Gate(
        source=source,
        target=target,
        criteria=criteria,
        weeks_to_advance=week_count(data.get("weeks_to_advance"), f"{where}: weeks to advance"),
        weeks_to_fall_back=week_count(
            data.get("weeks_to_fall_back"), f"{where}: weeks to fall back"
        ),
        requires_checklist=requires_checklist,
    )


def gate_to_dict(gate: Gate) -> dict[str, Any]:
    """The JSON form of a gate."""
    return {
        "criteria": [
            {"metric": c.metric, "op": c.op, "threshold": c.threshold} for c in gate.criteria
        ],
        "weeks_to_advance": gate.weeks_to_advance,
        "weeks_to_fall_back": gate.weeks_to_fall_back,
        "requires_checklist": gate.requires_checklist,
    }


def gates_from_dict(data: Mapping[str, Any]) -> GateSet:
    """Build and validate a gate set from ``{"to_retention": {...}, "to_active": {...}}``."""
    if not isinstance(data, Mapping) or not {"to_retention", "to_active"} <= set(data):
        raise ValidationError("gates: expected both gates, to_retention and to_active")
    return GateSet(
        to_retention=gate_from_dict(data["to_retention"], Stage.SETUP, Stage.RETENTION),
        to_active=gate_from_dict(data["to_active"], Stage.RETENTION, Stage.ACTIVE),
    )


def gates_to_dict(gates: GateSet) -> dict[str, Any]:
    """The JSON form of a gate set."""
    return {
        "to_retention": gate_to_dict(gates.to_retention),
        "to_active": gate_to_dict(gates.to_active),
    }


def check_known_metrics(gates: GateSet, uploaded: Collection[str]) -> GateSet:
    """Refuse a criterion on a metric that is neither known nor ever uploaded; return ``gates``.

    A misspelt metric would otherwise fail every week and hold platforms back silently; the
    message names the closest known metric (``metrics.unknown_metric_text``).
    """
    known = known_metrics(uploaded)
    for gate in (gates.to_retention, gates.to_active):
        for n, criterion in enumerate(gate.criteria, start=1):
            if criterion.metric in known:
                continue
            raise ValidationError(
                f"gate {gate.source.value} -> {gate.target.value}, criterion {n}: metric: "
                + unknown_metric_text(criterion.metric, known)
            )
    return gates
