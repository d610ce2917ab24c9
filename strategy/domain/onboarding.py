"""Onboarding a new person with a 30-60-90-day plan: items due 30, 60 and 90 days after
the start, and which of them are done, due this week or overdue.

The default plan follows the practice: learn the brand, the tools, the audience and the
approval routes and shadow the team in the first month; take over a workload with support
in the second; own its metrics and propose a strategy test in the third. Each role may
have its own plan (``Plans``); a role without one gets the default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from strategy.domain.clock import day_text, monday
from strategy.domain.errors import ValidationError, given
from strategy.domain.limits import finite_number, free_text
from strategy.domain.requests import RequestStatus, ResourceRequest
from strategy.domain.team import Member, Role, parse_role

PLAN_DAYS: Final[tuple[int, ...]] = (30, 60, 90)
"""The days after the start an item may fall due on."""
MAX_PLAN_ITEMS: Final[int] = 30
"""The most items one role's plan may have."""


@dataclass(frozen=True)
class PlanItem:
    """One step of a plan: what to have done by day 30, 60 or 90."""

    day: int
    title: str


DEFAULT_PLAN: Final[tuple[PlanItem, ...]] = (
    PlanItem(30, "Learn the brand voice"),
    PlanItem(30, "Learn the tools"),
    PlanItem(30, "Learn the audience"),
    PlanItem(30, "Learn the approval routes"),
    PlanItem(30, "Shadow the team"),
    PlanItem(60, "Take over a workload or a channel, with support"),
    PlanItem(90, "Own the workload's metrics"),
    PlanItem(90, "Propose one strategy test"),
)

Plans = Mapping[Role, tuple[PlanItem, ...]]
"""Each role's own plan; a role that is not in it follows DEFAULT_PLAN."""


def plan_for(plans: Plans, role: Role) -> tuple[PlanItem, ...]:
    """The plan a new person in ``role`` follows."""
    return plans.get(role, DEFAULT_PLAN)


def plan_item(day: Any, title: Any, where: str) -> PlanItem:
    """A plan item from a form row or stored data; ``where`` names the row."""
    value = finite_number(day)
    if value not in PLAN_DAYS:
        raise ValidationError(
            f"{where}: day: expected one of {', '.join(map(str, PLAN_DAYS))}, got {given(day)}"
        )
    text = free_text(title, f"{where}: title")
    if not text:
        raise ValidationError(f"{where}: title: expected what the new person does, got nothing")
    return PlanItem(int(value or 0), text)


def make_plan(items: Iterable[PlanItem | Mapping[str, Any]], role: Role) -> tuple[PlanItem, ...]:
    """A role's plan: 1 to MAX_PLAN_ITEMS items, in day order, no title twice on one day."""
    plan: list[PlanItem] = []
    for n, raw in enumerate(items, start=1):
        where = f"plan of {role.value}, item {n}"
        item = (
            plan_item(raw.day, raw.title, where)
            if isinstance(raw, PlanItem)
            else plan_item(raw.get("day"), raw.get("title"), where)
        )
        if any(p.day == item.day and p.title.casefold() == item.title.casefold() for p in plan):
            raise ValidationError(f"{where}: {item.title!r} on day {item.day} appears twice")
        plan.append(item)
    if not plan:
        raise ValidationError(f"plan of {role.value}: expected at least one item")
    if len(plan) > MAX_PLAN_ITEMS:
        raise ValidationError(
            f"plan of {role.value}: expected at most {MAX_PLAN_ITEMS} items, got {len(plan)}"
        )
    return tuple(sorted(plan, key=lambda p: p.day))


def plans_to_dict(plans: Plans) -> dict[str, list[dict[str, Any]]]:
    return {
        role.value: [{"day": p.day, "title": p.title} for p in plan]
        for role, plan in sorted(plans.items())
    }


def plans_from_dict(raw: Mapping[str, Any]) -> dict[Role, tuple[PlanItem, ...]]:
    if not isinstance(raw, Mapping):
        raise ValidationError(f"plans: expected each role's plan, got {raw!r}")
    plans: dict[Role, tuple[PlanItem, ...]] = {}
    for key, items in raw.items():
        role = parse_role(key)
        plans[role] = make_plan(items, role)
    return plans


@dataclass(frozen=True)
class OnboardingItem:
    """One plan item of one new person, with its due date and the day it was done."""

    id: int
    request_id: int
    person: str
    role: Role
    start: dt.date
    day: int
    title: str
    done_on: dt.date | None = None

    @property
    def due(self) -> dt.date:
        return self.start + dt.timedelta(days=self.day)

    def overdue(self, today: dt.date) -> bool:
        """Not done, and its due day has passed."""
        return self.done_on is None and self.due < today

    def due_this_week(self, today: dt.date) -> bool:
        """Not done, and due in the ISO week holding ``today``, today or later."""
        return self.done_on is None and today <= self.due and monday(self.due) == monday(today)


def schedule(start: dt.date, plan: Sequence[PlanItem]) -> list[tuple[int, str, dt.date]]:
    """The plan laid on the calendar: (day, title, due date) for each item."""
    return [(p.day, p.title, start + dt.timedelta(days=p.day)) for p in plan]


@dataclass(frozen=True)
class Progress:
    """How far one new person is with their plan."""

    person: str
    role: Role
    start: dt.date
    done: int
    total: int
    overdue: int
    items: tuple[OnboardingItem, ...]

    @property
    def share(self) -> float:
        return self.done / self.total if self.total else 0.0


def progress(items: Iterable[OnboardingItem], today: dt.date) -> tuple[Progress, ...]:
    """Each new person's progress, in the order they started."""
    by_person: dict[str, list[OnboardingItem]] = {}
    for item in sorted(items, key=lambda i: (i.start, i.person.casefold(), i.due, i.id)):
        by_person.setdefault(item.person, []).append(item)
    return tuple(
        Progress(
            person=person,
            role=own[0].role,
            start=own[0].start,
            done=sum(1 for i in own if i.done_on is not None),
            total=len(own),
            overdue=sum(1 for i in own if i.overdue(today)),
            items=tuple(own),
        )
        for person, own in by_person.items()
    )


def item_dict(item: OnboardingItem, today: dt.date) -> dict[str, Any]:
    """An onboarding item as ``onboarding list`` and the pages show it."""
    return {
        "id": item.id,
        "person": item.person,
        "role": item.role.value,
        "request_id": item.request_id,
        "day": item.day,
        "title": item.title,
        "due": item.due.isoformat(),
        "done": item.done_on.isoformat() if item.done_on else None,
        "overdue": item.overdue(today),
    }


def item_text(item: OnboardingItem, today: dt.date) -> str:
    """An onboarding item in one line, e.g. ``#4 Sara Lind: Learn the tools, due 2026-12-23``."""
    state = (
        f"done {item.done_on}"
        if item.done_on
        else ("OVERDUE" if item.overdue(today) else "not done")
    )
    return f"#{item.id} {item.person}: {item.title} (day {item.day}), due {item.due}; {state}"


def check_done_on(item: OnboardingItem, day: dt.date, today: dt.date) -> dt.date:
    """The day an item was done: not before its person started, not after today."""
    if day < item.start:
        raise ValidationError(
            f"on: {day_text(day)} is before {item.person} started ({day_text(item.start)})"
        )
    if day > today:
        raise ValidationError(f"on: {day.isoformat()} is after today ({today.isoformat()})")
    return day


def check_start(
    request: ResourceRequest, start: dt.date, newcomer: Member, roster: Iterable[Member]
) -> None:
    """Onboarding starts from an approved request, on or after the day it was approved, for
    someone not yet on the team."""
    if request.status is not RequestStatus.APPROVED:
        raise ValidationError(
            f"request #{request.id} is {request.status.value}; onboarding starts from an "
            "approved request"
        )
    assert request.decided_on is not None
    if start < request.decided_on:
        raise ValidationError(
            f"start: {start.isoformat()} is before request #{request.id} was approved "
            f"({request.decided_on.isoformat()})"
        )
    same = [m for m in roster if m.name.casefold() == newcomer.name.casefold()]
    if same:
        raise ValidationError(
            f"name: {same[0].name} is already on the team; onboarding is for a new person"
        )
