"""The stand-up's slot items: the team adds an item (a text and an owner) to a day's slot,
or removes one; each write is audited."""

from __future__ import annotations

import dataclasses
import datetime as dt

from strategy.domain.access import Actor
from strategy.domain.errors import shortened
from strategy.domain.standup import SlotItem, slot_item
from strategy.storage import database, standup_rows
from strategy.storage.store import Store
from strategy.usecases.common import known_id, writing


def add_standup_item(
    store: Store, actor: Actor, *, day: object, slot: object, text: object, owner: object
) -> SlotItem:
    """Add an item to ``day``'s stand-up in ``slot``; refused, writing nothing, for an
    unknown slot, empty or too long text, or no owner."""
    item = slot_item(day, slot, text, owner)
    detail = f"{item.day.isoformat()} {item.slot.value}: {shortened(item.text)} ({item.owner})"
    with writing(store, actor, "standup.add", detail) as conn:
        new_id = standup_rows.add(conn, item)
    return dataclasses.replace(item, id=new_id)


def remove_standup_item(store: Store, actor: Actor, item_id: object) -> SlotItem:
    """Remove an item by its id; NotFound when there is none."""
    found = known_id(item_id, "stand-up item")
    with writing(store, actor, "standup.remove", f"#{found}") as conn:
        return standup_rows.remove(conn, found)


def standup_items(store: Store, day: dt.date) -> tuple[SlotItem, ...]:
    """The items the team added to ``day``'s stand-up, in the order added."""
    with database.read(store.location) as conn:
        return standup_rows.items(conn, day)
