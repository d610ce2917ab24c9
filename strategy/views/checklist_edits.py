"""Setup checklist edits: each platform's full checklist, the writes a ticked form implies,
and the name of a platform whose checklist is started by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from strategy.domain.clock import day_text, parse_day
from strategy.domain.errors import ValidationError
from strategy.domain.gates import CHECKLIST_ITEMS, CHECKLIST_LABELS, ChecklistItem
from strategy.domain.metrics import normalise_name, valid_platform_name


def platform_checklists(
    items: Sequence[ChecklistItem], platforms: Iterable[str] = ()
) -> dict[str, dict[str, dt.date | None]]:
    """Every platform's checklist with all items (open ones None), platforms sorted.

    ``platforms`` adds platforms known otherwise (from their metrics) whose checklist has
    not been started; they show with every item open.
    """
    names = sorted({i.platform for i in items} | set(platforms))
    done = {(i.platform, i.item): i.done_on for i in items}
    return {name: {item: done.get((name, item)) for item in CHECKLIST_ITEMS} for name in names}


def checklist_changes(
    stored: Mapping[str, dt.date | None],
    form: Mapping[str, tuple[bool, dt.date | str | None]],
    today: dt.date,
) -> list[tuple[str, dt.date | None]]:
    """The (item, done_on) writes that bring a stored checklist to a ticked form's state.

    ``form`` maps an item to (ticked, day: a date, or as typed). A ticked item is done on its
    day, which must have come, or ``today`` when none is given; an unticked one is cleared
    (None), whatever day shows beside it. Items whose state did not change are not rewritten.
    """
    changes: list[tuple[str, dt.date | None]] = []
    for item in CHECKLIST_ITEMS:
        if item not in form:
            continue
        ticked, typed = form[item]
        if not ticked:
            wanted = None
        elif typed is None or (isinstance(typed, str) and not typed.strip()):
            wanted = today
        else:
            wanted = parse_day(typed, f"{CHECKLIST_LABELS[item]} done on", latest=today)
        if wanted != stored.get(item):
            changes.append((item, wanted))
    return changes


def new_platform(raw: str, known: Iterable[str]) -> str:
    """The normalised name of a platform whose checklist is to be started.

    Refuses a blank name, one the platform-name rule refuses (too long, invisible
    characters), and a platform already listed (its items are ticked in its own place, and
    starting it again would clear them).
    """
    if raw is not None and not isinstance(raw, str):
        raise ValidationError(f"platform: expected a platform name, got {raw!r}")
    if not normalise_name(raw or ""):
        raise ValidationError("platform: expected a platform name, got nothing")
    name = valid_platform_name(raw)
    if name in set(known):
        raise ValidationError(
            f"platform: {name} is already listed; tick its checklist items there instead"
        )
    return name


def changes_text(changes: Sequence[tuple[str, dt.date | None]]) -> str:
    """What a checklist save changed, in words: ``Tools chosen done on 07 Dec 2025; Launch
    content created not done``."""
    return "; ".join(
        f"{CHECKLIST_LABELS[item]} done on {day_text(day)}"
        if day
        else f"{CHECKLIST_LABELS[item]} not done"
        for item, day in changes
    )
