"""The audit log: one row per write, in the write's own transaction, and its wording."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain import clock
from strategy.domain.errors import shortened
from strategy.domain.gates import GateSet, gates_to_dict
from strategy.domain.snapshot import AuditEntry
from strategy.domain.team import Member


def record(conn: Connection, actor: str, action: str, detail: str) -> None:
    """Append the write's audit row and bump the data version (caches key on it)."""
    conn.execute(
        text(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'data_version'"
        )
    )
    conn.execute(
        text("INSERT INTO audit(at, actor, action, detail) VALUES (:at, :actor, :action, :detail)"),
        {"at": clock.now_text(), "actor": actor, "action": action, "detail": detail},
    )


def latest(conn: Connection, limit: int) -> tuple[AuditEntry, ...]:
    """The latest ``limit`` audit rows, newest first."""
    return tuple(
        AuditEntry(int(r[0]), r[1], r[2], r[3], r[4])
        for r in conn.execute(
            text("SELECT id, at, actor, action, detail FROM audit ORDER BY id DESC LIMIT :n"),
            {"n": limit},
        )
    )


def names(listed: Sequence[str], shown: int = 5) -> str:
    """Up to ``shown`` names, then how many more."""
    said = ", ".join(shortened(n) for n in listed[:shown])
    return said if len(listed) <= shown else f"{said} and {len(listed) - shown} more"


def roster_key(members: Iterable[Member]) -> list[tuple[Any, ...]]:
    """A roster in a form that compares equal whatever the order of people and roles."""
    return sorted(
        (
            m.name.casefold(),
            m.name,
            float(m.available_hours),
            tuple(sorted((a.role.value, a.channel or "", float(a.hours)) for a in m.assignments)),
        )
        for m in members
    )


def roster_change(before: Sequence[Member], after: Sequence[Member]) -> str:
    """The words for a roster save: who was added, removed or changed."""
    old = {m.name.casefold(): m for m in before}
    new = {m.name.casefold(): m for m in after}
    changes = {
        "added": [m.name for k, m in new.items() if k not in old],
        "removed": [m.name for k, m in old.items() if k not in new],
        "changed": [
            m.name for k, m in new.items() if k in old and roster_key([old[k]]) != roster_key([m])
        ],
    }
    said = [f"{what} {names(who)}" for what, who in changes.items() if who]
    return f"{len(after)} people: " + ("; ".join(said) or "no change")


def gates_change(before: GateSet, after: GateSet) -> str:
    """The words for a gate save: which gate changed, and in what."""
    old, new = gates_to_dict(before), gates_to_dict(after)
    said = []
    for key, gate in (("to_retention", after.to_retention), ("to_active", after.to_active)):
        parts = [p.replace("_", " ") for p in new[key] if new[key][p] != old[key][p]]
        if parts:
            said.append(f"{gate.source.value} -> {gate.target.value}: {', '.join(parts)}")
    return "; ".join(said) or "no change"
