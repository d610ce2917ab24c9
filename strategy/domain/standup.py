"""What the daily stand-up adds to the generated agenda: the team's own items in four slots
(what happened overnight, what is trending, scheduled content, risks and opportunities),
who owns each open setup checklist item, the new people starting or reaching day 30,
60 or 90 of their plan that day, and the standing risks.

Standing risks are states, not events: raised on every stand-up while they hold, made again
each day from the workspace and never stored: data behind on a platform (``data_behind``),
a platform stalled that no review has taken up yet (``stalled``; a review waits for an
executive on the agenda's reviews) and an approved request nobody is onboarding yet
(``not_onboarding``). The social expert picks each up: they upload the exports, watch the
stalls until a review takes one up, and start the onboarding of whoever is hired.

A slot item has a text and an owner and belongs to one day's stand-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from strategy.domain.clock import monday, weeks_between
from strategy.domain.errors import ValidationError
from strategy.domain.horizons import Horizon
from strategy.domain.limits import text_field
from strategy.domain.onboarding import PLAN_DAYS, OnboardingItem
from strategy.domain.requests import RequestStatus, RequestView
from strategy.domain.stages import PlatformStatus
from strategy.domain.standup_slots import SLOT_TITLES as SLOT_TITLES
from strategy.domain.standup_slots import Slot as Slot
from strategy.domain.team import Role

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


DATA_BEHIND_WEEKS: Final[int] = 2
"""Ended weeks a platform's data may miss before the stand-up raises it: a weekly export
comes a week or so after the week ends, so one missing week is the ordinary state."""


def weeks_missing(data_through: dt.date, today: dt.date) -> int:
    """The ended weeks after a platform's latest complete week (``data_through``, a Monday)
    up to ``today``: 0 on a Monday when the week just ended is complete."""
    return max(weeks_between(data_through, monday(today)) - 1, 0)


def data_behind(
    horizons: Mapping[str, Horizon], today: dt.date, leave_out: Collection[str] = ()
) -> list[str]:
    """The platforms missing ``DATA_BEHIND_WEEKS`` or more ended weeks, in one line per
    count: ``Data 2 weeks behind on forum, x, youtube: upload their exports``. Platforms in
    ``leave_out`` (stopped) and those without a complete week yet are not named."""
    behind: dict[int, list[str]] = {}
    for name, horizon in sorted(horizons.items()):
        if horizon.data_through is None or name in leave_out:
            continue
        missing = weeks_missing(horizon.data_through, today)
        if missing >= DATA_BEHIND_WEEKS:
            behind.setdefault(missing, []).append(name)
    return [
        f"Data {n} weeks behind on {', '.join(names)}: upload "
        + ("its export" if len(names) == 1 else "their exports")
        for n, names in sorted(behind.items(), reverse=True)
    ]


def stalled(statuses: Mapping[str, PlatformStatus], taken_up: Collection[str]) -> list[str]:
    """Each platform stalled in its latest week but those in ``taken_up`` (a platform review
    waiting or decided is on the agenda's reviews, for an executive; a stall begun since the
    last stand-up is said there): ``forum stalled in retention, 14 weeks in the stage:
    REASON``."""
    return [
        f"{name} stalled in {s.stage.value}, {s.weeks_in_stage} "
        f"week{'' if s.weeks_in_stage == 1 else 's'} in the stage: {s.stall_reason}"
        for name, s in sorted(statuses.items())
        if s.stalled and name not in taken_up
    ]


def not_onboarding(views: Sequence[RequestView], onboarding: Sequence[OnboardingItem]) -> list[str]:
    """Each approved request nobody is onboarding yet: no one hired against it and no
    onboarding started for it."""
    started = {i.request_id for i in onboarding}
    return [
        f"Approved request {v.request.label}: nobody is onboarding yet; start the onboarding "
        "of whoever is hired"
        for v in sorted(views, key=lambda v: v.request.id)
        if v.request.status is RequestStatus.APPROVED
        and not v.hired.people
        and v.request.id not in started
    ]
