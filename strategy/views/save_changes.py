"""What a save of the gates, of what each role serves, or of an onboarding plan changed, in
the words the success message uses beside the button: "Retention → Active: active members
≥ 200 -> ≥ 250". A save that changed nothing is said by the page's saving helper instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from strategy.domain.gates import Criterion, Gate, GateSet
from strategy.domain.numbers import plain_number
from strategy.domain.onboarding import PlanItem
from strategy.domain.team import DemandKind, Role, RoleServes
from strategy.views.words import comparison_words, metric_words, role_words


def criterion_words(criterion: Criterion) -> str:
    """``active members ≥ 200``: a gate's condition as a page writes it."""
    comparison = comparison_words(criterion.op)
    return f"{metric_words(criterion.metric)} {comparison} {plain_number(criterion.threshold)}"


def gate_changes(before: GateSet, after: GateSet) -> tuple[str, ...]:
    """Each change to each gate, named by the gate: a condition whose threshold or comparison
    moved (``active members ≥ 200 -> ≥ 250``), one added or removed, and the weeks and the
    checklist rule."""
    pairs = ((before.to_retention, after.to_retention), (before.to_active, after.to_active))
    return tuple(
        f"{_gate_name(new)}: {change}"
        for old, new in pairs
        for change in _one_gate_changes(old, new)
    )


def _gate_name(gate: Gate) -> str:
    return f"{gate.source.value.title()} → {gate.target.value.title()}"


def _one_gate_changes(old: Gate, new: Gate) -> list[str]:
    gone = Counter(old.criteria) - Counter(new.criteria)
    came = Counter(new.criteria) - Counter(old.criteria)
    said = []
    for criterion in list(gone.elements()):
        moved = next((c for c in came.elements() if c.metric == criterion.metric), None)
        if moved is None:
            said.append(f"removed {criterion_words(criterion)}")
            continue
        came[moved] -= 1
        said.append(
            f"{criterion_words(criterion)} -> {comparison_words(moved.op)} "
            f"{plain_number(moved.threshold)}"
        )
    said += [f"added {criterion_words(c)}" for c in came.elements()]
    for label, was, now in (
        ("weeks to advance", old.weeks_to_advance, new.weeks_to_advance),
        ("weeks to fall back", old.weeks_to_fall_back, new.weeks_to_fall_back),
    ):
        if was != now:
            said.append(f"{label} {was} -> {now}")
    if old.requires_checklist != new.requires_checklist:
        said.append(
            "the setup checklist must be complete"
            if new.requires_checklist
            else "the setup checklist is no longer required"
        )
    return said


def serves_changes(before: RoleServes, after: RoleServes) -> tuple[str, ...]:
    """What each role's hours serve now that they did not, and no longer serve, role by role
    in the roles' order: ``IT now serves monitoring; customer support no longer serves
    content``."""
    said = []
    for role in Role:
        was, now = before.get(role, frozenset()), after.get(role, frozenset())
        added = [k.value for k in DemandKind if k in now - was]
        dropped = [k.value for k in DemandKind if k in was - now]
        parts = [f"now serves {' and '.join(added)}"] if added else []
        parts += [f"no longer serves {' and '.join(dropped)}"] if dropped else []
        if parts:
            said.append(f"{role_words(role)} {' and '.join(parts)}")
    return tuple(said)


def plan_changes(before: Sequence[PlanItem], after: Sequence[PlanItem]) -> tuple[str, ...]:
    """The items a plan save added, removed or moved to another day:
    ``added 'Shadow two stand-ups' (day 30); removed 'Learn the tools'; 'Learn the audience'
    day 30 -> 60``."""
    old = {item.title: item.day for item in before}
    new = {item.title: item.day for item in after}
    return (
        *(f"added '{title}' (day {day})" for title, day in new.items() if title not in old),
        *(f"removed '{title}'" for title in old if title not in new),
        *(
            f"'{title}' day {old[title]} -> {day}"
            for title, day in new.items()
            if title in old and old[title] != day
        ),
    )
