"""What a save of the gates, the roles' serving or an onboarding plan says it changed."""

from __future__ import annotations

import dataclasses

import pytest

from strategy.domain.gates import DEFAULT_GATES, Criterion, GateSet
from strategy.domain.onboarding import PlanItem
from strategy.domain.team import DEFAULT_SERVES, DemandKind, Role
from strategy.views.save_changes import gate_changes, plan_changes, serves_changes

ACTIVE = DEFAULT_GATES.to_active
FIRST = ACTIVE.criteria[0]


def with_active(**changes: object) -> GateSet:
    return dataclasses.replace(DEFAULT_GATES, to_active=dataclasses.replace(ACTIVE, **changes))


@pytest.mark.parametrize(
    ("after", "said"),
    [
        (DEFAULT_GATES, ()),
        (
            with_active(criteria=(dataclasses.replace(FIRST, threshold=250), *ACTIVE.criteria[1:])),
            (f"Retention → Active: active members ≥ {FIRST.threshold:g} -> ≥ 250",),
        ),
        (
            with_active(criteria=ACTIVE.criteria[1:]),
            (f"Retention → Active: removed active members ≥ {FIRST.threshold:g}",),
        ),
        (
            with_active(criteria=(*ACTIVE.criteria, Criterion("followers", ">=", 1500))),
            ("Retention → Active: added followers ≥ 1,500",),
        ),
        (
            with_active(weeks_to_advance=9, weeks_to_fall_back=1),
            (
                f"Retention → Active: weeks to advance {ACTIVE.weeks_to_advance} -> 9",
                f"Retention → Active: weeks to fall back {ACTIVE.weeks_to_fall_back} -> 1",
            ),
        ),
        (
            dataclasses.replace(
                DEFAULT_GATES,
                to_retention=dataclasses.replace(
                    DEFAULT_GATES.to_retention,
                    requires_checklist=not DEFAULT_GATES.to_retention.requires_checklist,
                ),
            ),
            (
                "Setup → Retention: the setup checklist "
                + (
                    "is no longer required"
                    if DEFAULT_GATES.to_retention.requires_checklist
                    else "must be complete"
                ),
            ),
        ),
    ],
    ids=["nothing", "threshold moved", "removed", "added", "weeks", "checklist"],
)
def test_a_gate_save_names_each_gate_and_what_moved_in_it(
    after: GateSet, said: tuple[str, ...]
) -> None:
    assert gate_changes(DEFAULT_GATES, after) == said


SUPPORT_ONLY_MESSAGES = {Role.SUPPORT: frozenset({DemandKind.MESSAGES})}


@pytest.mark.parametrize(
    ("after", "said"),
    [
        (SUPPORT_ONLY_MESSAGES, ()),
        ({Role.SUPPORT: frozenset()}, ("customer support no longer serves messages",)),
        (
            {Role.SUPPORT: frozenset({DemandKind.CONTENT}), Role.IT: frozenset(DemandKind)},
            (
                "customer support now serves content and no longer serves messages",
                "IT now serves messages and content and monitoring",
            ),
        ),
    ],
    ids=["nothing", "one dropped", "added and dropped"],
)
def test_a_serving_save_says_which_role_now_serves_or_no_longer_serves_what(
    after: dict[Role, frozenset[DemandKind]], said: tuple[str, ...]
) -> None:
    assert serves_changes(SUPPORT_ONLY_MESSAGES, after) == said


def test_the_default_serving_saved_unchanged_says_nothing_changed() -> None:
    assert serves_changes(DEFAULT_SERVES, dict(DEFAULT_SERVES)) == ()


PLAN = (PlanItem(30, "Learn the tools"), PlanItem(60, "Run a campaign"))


@pytest.mark.parametrize(
    ("after", "said"),
    [
        (PLAN, ()),
        (
            (*PLAN, PlanItem(90, "Shadow two stand-ups")),
            ("added 'Shadow two stand-ups' (day 90)",),
        ),
        ((PLAN[1],), ("removed 'Learn the tools'",)),
        ((PLAN[0], PlanItem(90, "Run a campaign")), ("'Run a campaign' day 60 -> 90",)),
    ],
    ids=["nothing", "added", "removed", "moved"],
)
def test_a_plan_save_names_the_items_added_removed_or_moved(
    after: tuple[PlanItem, ...], said: tuple[str, ...]
) -> None:
    assert plan_changes(PLAN, after) == said
