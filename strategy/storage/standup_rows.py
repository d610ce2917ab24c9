"""The stand-up's slot items (``standup_items``): the team's own items, kept per day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.standup import SlotItem, parse_slot
from strategy.storage.rows import missing


def items(conn: Connection, day: dt.date) -> tuple[SlotItem, ...]:
    """The items of one day's stand-up, in the order they were added."""
    rows = conn.execute(
        text("SELECT id, day, slot, text, owner FROM standup_items WHERE day = :day ORDER BY id"),
        {"day": day.isoformat()},
    ).all()
    return tuple(
        SlotItem(dt.date.fromisoformat(d), parse_slot(slot), body, owner, int(i))
        for i, d, slot, body, owner in rows
    )


def add(conn: Connection, item: SlotItem) -> int:
    """Store an item; its new id."""
    return int(
        conn.execute(
            text(
                "INSERT INTO standup_items(day, slot, text, owner) "
                "VALUES (:day, :slot, :text, :owner) RETURNING id"
            ),
            {
                "day": item.day.isoformat(),
                "slot": item.slot.value,
                "text": item.text,
                "owner": item.owner,
            },
        ).scalar_one()
    )


def remove(conn: Connection, item_id: int) -> SlotItem:
    """Remove an item; the item removed, NotFound if there is none with this id."""
    row = conn.execute(
        text("DELETE FROM standup_items WHERE id = :id RETURNING day, slot, text, owner"),
        {"id": item_id},
    ).one_or_none()
    if row is None:
        raise missing("stand-up item", item_id)
    day, slot, body, owner = row
    return SlotItem(dt.date.fromisoformat(day), parse_slot(slot), body, owner, item_id)
