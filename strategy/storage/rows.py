"""Small facts every row module shares: ids as stored, dates as text, settings as JSON,
and the two failures storage itself raises (a missing row, a stale save)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any, Final, Protocol, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.errors import Conflict, NotFound

T = TypeVar("T")

MAX_ROW_ID: Final = 2**63 - 1
"""The largest integer id either engine stores: no row has a larger one."""

_UPSERT_SETTING: Final = text(
    "INSERT INTO settings(key, value) VALUES (:key, :value) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
)


class _HasId(Protocol):
    @property
    def id(self) -> int | None: ...


R = TypeVar("R", bound=_HasId)


def stored_id(value: int, what: str) -> int:
    """An id a row can have; NotFound at once for one no engine stores (too large, < 1)."""
    if not 1 <= value <= MAX_ROW_ID:
        raise missing(what, value)
    return value


def find(rows: Iterable[R], known: int, what: str) -> R:
    """The row whose id is ``known``; NotFound naming ``what`` and the id asked for."""
    for row in rows:
        if row.id == known:
            return row
    raise missing(what, known)


def missing(what: str, raw: object) -> NotFound:
    return NotFound(f"{what} #{raw} does not exist")


def conflict(what: str) -> Conflict:
    """A stale save: the stored value is not the one the form started from."""
    return Conflict(
        f"{what}: someone else changed the {what} since this page was opened, so nothing "
        "was saved; reload to see their change, then make yours again"
    )


def setting(conn: Connection, key: str, parse: Callable[[Any], T], default: T) -> T:
    """A setting stored as JSON, parsed; ``default`` while it was never saved."""
    value = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": key}).scalar()
    return default if value is None else parse(json.loads(value))


def save_setting(conn: Connection, key: str, payload: str) -> None:
    conn.execute(_UPSERT_SETTING, {"key": key, "value": payload})


def date_or_none(raw: str | None) -> dt.date | None:
    return None if raw is None else dt.date.fromisoformat(raw)


def iso_or_none(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
