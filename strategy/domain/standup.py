"""What the daily stand-up adds to the generated agenda: the team's own items in four slots
(what happened overnight, what is trending, scheduled content, risks and opportunities),
who owns each open setup checklist item, and the new people starting or reaching day 30,
60 or 90 of their plan that day.

A slot item has a text and an owner and belongs to one day's stand-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from strategy.domain.errors import ValidationError
from strategy.domain.limits import text_field
from strategy.domain.onboarding import PLAN_DAYS, OnboardingItem
from strategy.domain.team import Role


class Slot(StrEnum):
    """The stand-up's four slots the team fills, in the order they are discussed."""

    OVERNIGHT = "overnight"
    TRENDING = "trending"
    SCHEDULED = "scheduled"
    RISKS = "risks"


SLOT_TITLES: Final[dict[Slot, str]] = {
    Slot.OVERNIGHT: "Overnight",
    Slot.TRENDING: "Trending",
    Slot.SCHEDULED: "Scheduled content",
    Slot.RISKS: "Risks and opportunities",
}

MAX_OWNER: Final[int] = 100
"""The longest owner name accepted, in characters."""


@dataclass(frozen=True)
class SlotItem:
    """One item the team added to a day's stand-up."""

    day: dt.date
    slot: Slot
    text: str
    owner: str
    id: int | None = None


def parse_slot(raw: Any) -> Slot:
    """A slot by its key (``overnight``, ``trending``, ``scheduled``, ``risks``)."""
    try:
        return Slot(raw)
    except ValueError:
        raise ValidationError(
            f"slot: expected one of {', '.join(s.value for s in Slot)}, got {raw!r}"
        ) from None


def slot_item(day: Any, slot: Any, text: Any, owner: Any) -> SlotItem:
    """A new slot item from a form or the CLI: a known slot, a day, some text (one line,
    at most the free-text limit) and an owner."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError(f"day: expected a date, got {day!r}")
    return SlotItem(
        day,
        parse_slot(slot),
        text_field(text, "text", required=True),
        text_field(owner, "owner", limit=MAX_OWNER, required=True),
    )


CHECKLIST_OWNERS: Final[dict[str, tuple[Role, ...]]] = {
    "platforms_optimised": (Role.SOCIAL_MEDIA_MANAGER, Role.SOCIAL_EXPERT),
    "tools_chosen": (Role.IT,),
    "key_metrics_defined": (Role.DATA_ANALYST, Role.SOCIAL_EXPERT),
    "launch_content_created": (Role.CONTENT_CREATOR, Role.SOCIAL_MEDIA_MANAGER, Role.SOCIAL_EXPERT),
}
"""Who owns each setup checklist item: the first of these roles someone holds (IT owns the
tools); when nobody holds any, the first role is named."""


@dataclass(frozen=True)
class Milestone:
    """A new person starting (``day`` 0) or reaching day 30, 60 or 90 of their plan."""

    person: str
    role: Role
    request_id: int
    day: int
    done: int
    """Items due by this day that are done."""
    due: int
    """Items due by this day."""


def milestones(items: Sequence[OnboardingItem], on: dt.date) -> list[Milestone]:
    """The people starting on ``on`` or reaching day 30, 60 or 90 of their plan that day."""
    plans: dict[tuple[str, dt.date], list[OnboardingItem]] = {}
    for i in items:
        plans.setdefault((i.person, i.start), []).append(i)
    found = []
    for (person, start), plan in sorted(plans.items(), key=lambda kv: kv[0][0].casefold()):
        reached = (on - start).days
        if reached == 0 or reached in PLAN_DAYS:
            due = [i for i in plan if i.day <= reached]
            done = sum(1 for i in due if i.done_on is not None and i.done_on <= on)
            first = plan[0]
            found.append(Milestone(person, first.role, first.request_id, reached, done, len(due)))
    return found
