"""The strategy tests' rows (``tests``), with the days each was logged and concluded and
the statistics kept from its last save."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.experiments import StrategyTest, TestStatus
from strategy.domain.experiments.fields import TEST_COLUMNS, test_from_row, test_to_row
from strategy.domain.experiments.kept import KeptStats, keep_stats, kept_from_dict, kept_to_dict
from strategy.domain.snapshot import TestDates
from strategy.storage.rows import date_or_none, find, missing


def tests(conn: Connection) -> tuple[StrategyTest, ...]:
    """Every logged test, in the order logged; columns and values from ``TEST_FIELDS``."""
    columns = ", ".join(("id", *TEST_COLUMNS))
    query = text(f"SELECT {columns} FROM tests ORDER BY id")
    return tuple(test_from_row(dict(r._mapping)) for r in conn.execute(query))


def one(conn: Connection, known: int) -> StrategyTest:
    """The test with this id; NotFound if there is none."""
    return find(tests(conn), known, "test")


def dates(conn: Connection) -> dict[int, TestDates]:
    """Per test, the day it was logged and the day it was concluded."""
    return {
        int(i): TestDates(date_or_none(lo), date_or_none(co))
        for i, lo, co in conn.execute(text("SELECT id, logged_on, concluded_on FROM tests"))
    }


def kept(conn: Connection) -> dict[int, KeptStats]:
    """Per test, the statistics kept from its last save (none for a test saved before they
    were kept)."""
    query = text("SELECT id, stats FROM tests WHERE stats IS NOT NULL")
    return {int(i): kept_from_dict(json.loads(raw)) for i, raw in conn.execute(query)}


def insert(conn: Connection, new: StrategyTest, day: dt.date, stats: KeptStats) -> StrategyTest:
    """Store a new test, logged on ``day`` (and concluded then if it is), with its statistics;
    returns it with its id."""
    values = test_to_row(new)
    concluded = day.isoformat() if new.status is TestStatus.CONCLUDED else None
    test_id = conn.execute(
        text(
            f"INSERT INTO tests({', '.join(TEST_COLUMNS)}, logged_on, "
            f"concluded_on, stats) VALUES ({', '.join(':' + k for k in values)}, "
            ":logged_on, :concluded_on, :stats) RETURNING id"
        ),
        {**values, "logged_on": day.isoformat(), "concluded_on": concluded, "stats": _json(stats)},
    ).scalar_one()
    return dataclasses.replace(new, id=int(test_id))


def update(
    conn: Connection, known: int, changed: StrategyTest, day: dt.date, stats: KeptStats
) -> None:
    """Store a test's new values and statistics; ``concluded_on`` becomes ``day`` when it
    first concludes."""
    new = test_to_row(changed)
    sets = ", ".join(f"{c} = :{k}" for c, k in zip(TEST_COLUMNS, new, strict=True))
    conn.execute(
        text(
            f"UPDATE tests SET {sets}, stats = :stats, concluded_on = CASE WHEN :status = "
            f"'{TestStatus.CONCLUDED.value}' THEN COALESCE(concluded_on, :day) "
            "ELSE NULL END WHERE id = :id"
        ),
        {**new, "id": known, "day": day.isoformat(), "stats": _json(stats)},
    )


def keep_all(conn: Connection) -> None:
    """Store every test's statistics as computed now (the migration that began keeping them)."""
    for test in tests(conn):
        conn.execute(
            text("UPDATE tests SET stats = :stats WHERE id = :id"),
            {"stats": _json(keep_stats(test)), "id": test.id},
        )


def _json(stats: KeptStats) -> str:
    return json.dumps(kept_to_dict(stats), sort_keys=True)


def delete(conn: Connection, known: int) -> None:
    """Remove a test; NotFound if there is none."""
    if not conn.execute(text("DELETE FROM tests WHERE id = :id"), {"id": known}).rowcount:
        raise missing("test", known)
