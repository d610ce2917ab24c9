"""The stages' rows: each platform's setup ``checklist`` and the manual ``overrides``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.gates import ChecklistItem, Stage
from strategy.domain.stages import Override
from strategy.storage.rows import date_or_none, find, iso_or_none


def checklist(conn: Connection) -> tuple[ChecklistItem, ...]:
    return tuple(
        ChecklistItem(p, i, dt.date.fromisoformat(d) if d else None)
        for p, i, d in conn.execute(
            text("SELECT platform, item, done_on FROM checklist ORDER BY platform, item")
        )
    )


def save_checklist(conn: Connection, items: Sequence[ChecklistItem]) -> None:
    """Store each item's day done (or None), adding the items not stored yet."""
    conn.execute(
        text(
            "INSERT INTO checklist(platform, item, done_on) VALUES (:p, :i, :d) "
            "ON CONFLICT(platform, item) DO UPDATE SET done_on = excluded.done_on"
        ),
        [{"p": c.platform, "i": c.item, "d": iso_or_none(c.done_on)} for c in items],
    )


def overrides(conn: Connection) -> tuple[Override, ...]:
    return tuple(
        Override(p, dt.date.fromisoformat(w), Stage(s), r, b, date_or_none(until), int(oid))
        for oid, p, w, s, r, b, until in conn.execute(
            text("SELECT id, platform, week, stage, reason, by, until FROM overrides ORDER BY id")
        )
    )


def insert_override(conn: Connection, o: Override) -> Override:
    """Store a new override; returns it with its id."""
    new_id = conn.execute(
        text(
            "INSERT INTO overrides(platform, week, stage, reason, by, until) "
            "VALUES (:p, :w, :s, :r, :b, :u) RETURNING id"
        ),
        {
            "p": o.platform,
            "w": o.week.isoformat(),
            "s": o.stage.value,
            "r": o.reason,
            "b": o.by,
            "u": iso_or_none(o.until),
        },
    ).scalar_one()
    return dataclasses.replace(o, id=int(new_id))


def delete_override(conn: Connection, known: int) -> Override:
    """Remove an override; returns it as it was. NotFound if there is none."""
    removed = find(overrides(conn), known, "override")
    conn.execute(text("DELETE FROM overrides WHERE id = :id"), {"id": known})
    return removed
