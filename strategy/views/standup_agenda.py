"""The stand-up's agenda as data (its sections, each item with who picks it up) and written
out: JSON-ready data, Markdown to paste into a chat or a meeting note, and plain text for a
terminal. ``strategy.views.standup`` builds it from the workspace."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from strategy.domain.standup import SLOT_TITLES


class SectionKey(StrEnum):
    """The agenda's sections, in the order they are discussed: first the team's own slots
    (``domain.standup.Slot``), then what the workspace shows."""

    OVERNIGHT = "overnight"
    TRENDING = "trending"
    SCHEDULED = "scheduled"
    RISKS = "risks"
    PEOPLE = "people"
    STAGES = "stages"
    STALLS = "stalls"
    SETUP = "setup"
    UPLOADS = "uploads"
    TESTS = "tests"
    OVERLOADED = "overloaded"
    RESPONSES = "responses"
    ONBOARDING = "onboarding"
    REQUESTS = "requests"
    REVIEWS = "reviews"


SECTION_TITLES: dict[SectionKey, str] = {
    **{SectionKey(slot.value): title for slot, title in SLOT_TITLES.items()},
    SectionKey.PEOPLE: "People starting or at a milestone",
    SectionKey.STAGES: "Stage transitions",
    SectionKey.STALLS: "Stalls begun",
    SectionKey.SETUP: "Open setup checklist items",
    SectionKey.UPLOADS: "Uploads",
    SectionKey.TESTS: "Strategy tests",
    SectionKey.OVERLOADED: "People overloaded",
    SectionKey.RESPONSES: "Responses over target",
    SectionKey.ONBOARDING: "Onboarding",
    SectionKey.REQUESTS: "Resource requests",
    SectionKey.REVIEWS: "Platform reviews: stop or continue",
}


@dataclass(frozen=True)
class AgendaItem:
    """One thing to raise, and who picks it up: a person, or the role nobody holds yet."""

    text: str
    owner: str
    id: int | None = None
    """An item the team added: its number (``standup remove WS ID``), shown in the text."""


@dataclass(frozen=True)
class Section:
    key: SectionKey
    title: str
    items: tuple[AgendaItem, ...]


@dataclass(frozen=True)
class Agenda:
    day: dt.date
    since: dt.date
    """The previous working day: events from it up to ``day`` are on the agenda."""
    sections: tuple[Section, ...]


def agenda_dict(a: Agenda) -> list[dict[str, Any]]:
    """The agenda as JSON-ready data: a list of sections with key, title and items; an item
    the team added carries its ``id`` (for ``standup remove WS ID``), the others ``null``."""
    return [
        {
            "key": s.key.value,
            "title": s.title,
            "items": [{"id": i.id, "text": i.text, "owner": i.owner} for i in s.items],
        }
        for s in a.sections
    ]


def agenda_json(a: Agenda) -> str:
    return json.dumps(agenda_dict(a), indent=2, ensure_ascii=False) + "\n"


def _heading(a: Agenda) -> str:
    return f"Stand-up {a.day:%A %d %b %Y} (since {a.since:%A %d %b})"


def agenda_markdown(a: Agenda) -> str:
    """The agenda as Markdown, to paste into a chat or a meeting note."""
    lines = [f"# {_heading(a)}", ""]
    if not a.sections:
        lines.append("Nothing changed since the previous working day.")
    for s in a.sections:
        lines += [f"## {s.title}", ""]
        lines += [f"- {i.text} — **{i.owner}**" for i in s.items]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def agenda_text(a: Agenda) -> str:
    """The agenda for a terminal: the team's own items with their number (#ID)."""
    lines = [_heading(a)]
    if not a.sections:
        lines.append("  Nothing changed since the previous working day.")
    for s in a.sections:
        lines += ["", f"{s.title}:"]
        for i in s.items:
            number = "" if i.id is None else f"#{i.id} "
            lines.append(f"  - {number}{i.text} [{i.owner}]")
    return "\n".join(lines) + "\n"
