"""The stand-up's agenda written out: as JSON-ready data, Markdown to paste into a chat or
a meeting note, and plain text for a terminal (``strategy.views.standup`` builds it)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from strategy.views.standup import Agenda


def agenda_dict(a: Agenda) -> list[dict[str, Any]]:
    """The agenda as JSON-ready data: a list of sections with key, title and items."""
    return [
        {
            "key": s.key.value,
            "title": s.title,
            "items": [{"text": i.text, "owner": i.owner} for i in s.items],
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
