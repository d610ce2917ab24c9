"""What every use case shares: the permission check before a write transaction, a stored
row's id from a caller, and a value saved whole (``Saved``) that writes nothing when
unchanged and nothing when someone else changed it first."""

from __future__ import annotations

import dataclasses
import datetime as dt
import numbers
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Generic, TypeVar

from strategy.domain.access import Actor, require_edit
from strategy.domain.errors import ValidationError
from strategy.storage.rows import conflict, stored_id
from strategy.storage.store import Connection, Store

if TYPE_CHECKING:
    from strategy.domain.analysis import Analysis
    from strategy.domain.snapshot import Snapshot

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Saved(Generic[T]):
    """What a whole-table save stored, and whether that changed anything.

    An unchanged save writes nothing, so the page can say "nothing to save" rather than
    claim a save.
    """

    value: T
    changed: bool


def writing(
    store: Store,
    actor: Actor,
    action: str,
    detail: str | Callable[[], str | None],
    *,
    allowed: Callable[[Actor, str], None] = require_edit,
) -> AbstractContextManager[Connection]:
    """One write transaction (``Store.write``) for an actor ``allowed`` to make it (default:
    anyone who may edit); refused before anything is locked."""
    allowed(actor, action)
    return store.write(actor.name, action, detail)


def known_id(raw: object, what: str) -> int:
    """A stored row's id from a caller: ValidationError for what is not a whole number,
    NotFound at once for one no row can have."""
    if isinstance(raw, bool) or not isinstance(raw, numbers.Integral):
        raise ValidationError(f"{what} id: expected a whole number, got {raw!r}")
    return stored_id(int(raw), what)


@dataclasses.dataclass(frozen=True)
class Whole(Generic[T]):
    """A value saved whole (a setting, the roster): how it is read, compared and stored."""

    what: str
    """Names it in a stale save's message."""
    read: Callable[[Connection], T]
    key: Callable[[T], object]
    """Equal keys: the same value (in any order where order does not matter)."""
    write: Callable[[Connection, T], None]


def save_whole(
    store: Store,
    actor: Actor,
    action: str,
    whole: Whole[T],
    new: T,
    *,
    expected: T | None,
    said: Callable[[T, T], str],
) -> Saved[T]:
    """Store ``new`` unless it is what is stored (then nothing is written); ``expected`` is
    the value the form started from: if the stored one differs, Conflict and nothing saved.
    ``said(before, after)`` is the audit row's detail."""
    change: str | None = None
    with writing(store, actor, action, lambda: change) as conn:
        current = whole.read(conn)
        if expected is not None and whole.key(current) != whole.key(expected):
            raise conflict(whole.what)
        if whole.key(current) != whole.key(new):
            change = said(current, new)
            whole.write(conn, new)
    return Saved(new, change is not None)


def analysed(snap: Snapshot, day: dt.date) -> Analysis:
    """The analysis of ``snap`` on ``day``, for a use case whose rule reads it (raising or
    reviewing a request, a platform's review). It loads here, with pandas: a command that
    only lists the workspace never pays for it."""
    from strategy.domain.analysis import analyse

    return analyse(snap, day)
