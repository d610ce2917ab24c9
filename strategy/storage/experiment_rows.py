"""The strategy tests' rows (``tests``), with the days each was logged and concluded."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.experiments import StrategyTest, TestKind, TestStatus
from strategy.domain.snapshot import TestDates
from strategy.storage.rows import date_or_none, find, float_or_none, missing

COLUMNS: Final = (
    "title",
    "hypothesis",
    "platform",
    "metric",
    "control_label",
    "variant_label",
    "control_n",
    "control_successes",
    "variant_n",
    "variant_successes",
    "start",
    '"end"',
    "status",
    "decision",
    "kind",
    "planned_split",
    "control_mean",
    "control_sd",
    "variant_mean",
    "variant_sd",
)
"""The tests table's columns as stored (``end`` is quoted: a keyword in PostgreSQL)."""


def tests(conn: Connection) -> tuple[StrategyTest, ...]:
    columns = ", ".join(("id", *COLUMNS))
    return tuple(
        StrategyTest(
            title=r.title,
            hypothesis=r.hypothesis,
            platform=r.platform,
            metric=r.metric,
            control_label=r.control_label,
            variant_label=r.variant_label,
            control_n=int(r.control_n),
            control_successes=int(r.control_successes),
            variant_n=int(r.variant_n),
            variant_successes=int(r.variant_successes),
            start=dt.date.fromisoformat(r.start),
            end=dt.date.fromisoformat(r.end),
            status=TestStatus(r.status),
            decision=r.decision,
            id=int(r.id),
            kind=TestKind(r.kind),
            planned_split=float(r.planned_split),
            control_mean=float_or_none(r.control_mean),
            control_sd=float_or_none(r.control_sd),
            variant_mean=float_or_none(r.variant_mean),
            variant_sd=float_or_none(r.variant_sd),
        )
        for r in conn.execute(text(f"SELECT {columns} FROM tests ORDER BY id"))
    )


def one(conn: Connection, known: int) -> StrategyTest:
    """The test with this id; NotFound if there is none."""
    return find(tests(conn), known, "test")


def dates(conn: Connection) -> dict[int, TestDates]:
    """Per test, the day it was logged and the day it was concluded."""
    return {
        int(i): TestDates(date_or_none(lo), date_or_none(co))
        for i, lo, co in conn.execute(text("SELECT id, logged_on, concluded_on FROM tests"))
    }


def row(test: StrategyTest) -> dict[str, Any]:
    """A test's stored values, keyed in the order of COLUMNS (``end`` unquoted)."""
    return {
        "title": test.title,
        "hypothesis": test.hypothesis,
        "platform": test.platform,
        "metric": test.metric,
        "control_label": test.control_label,
        "variant_label": test.variant_label,
        "control_n": test.control_n,
        "control_successes": test.control_successes,
        "variant_n": test.variant_n,
        "variant_successes": test.variant_successes,
        "start": test.start.isoformat(),
        "end": test.end.isoformat(),
        "status": test.status.value,
        "decision": test.decision,
        "kind": test.kind.value,
        "planned_split": test.planned_split,
        "control_mean": test.control_mean,
        "control_sd": test.control_sd,
        "variant_mean": test.variant_mean,
        "variant_sd": test.variant_sd,
    }


def insert(conn: Connection, new: StrategyTest, day: dt.date) -> StrategyTest:
    """Store a new test, logged on ``day`` (and concluded then if it is); returns it with its id."""
    values = row(new)
    concluded = day.isoformat() if new.status is TestStatus.CONCLUDED else None
    test_id = conn.execute(
        text(
            f"INSERT INTO tests({', '.join(COLUMNS)}, logged_on, "
            f"concluded_on) VALUES ({', '.join(':' + k for k in values)}, "
            ":logged_on, :concluded_on) RETURNING id"
        ),
        {**values, "logged_on": day.isoformat(), "concluded_on": concluded},
    ).scalar_one()
    return dataclasses.replace(new, id=int(test_id))


def update(conn: Connection, known: int, changed: StrategyTest, day: dt.date) -> None:
    """Store a test's new values; ``concluded_on`` becomes ``day`` when it first concludes."""
    new = row(changed)
    sets = ", ".join(f"{c} = :{k}" for c, k in zip(COLUMNS, new, strict=True))
    conn.execute(
        text(
            f"UPDATE tests SET {sets}, concluded_on = CASE WHEN :status = "
            f"'{TestStatus.CONCLUDED.value}' THEN COALESCE(concluded_on, :day) "
            "ELSE NULL END WHERE id = :id"
        ),
        {**new, "id": known, "day": day.isoformat()},
    )


def delete(conn: Connection, known: int) -> None:
    """Remove a test; NotFound if there is none."""
    if not conn.execute(text("DELETE FROM tests WHERE id = :id"), {"id": known}).rowcount:
        raise missing("test", known)
