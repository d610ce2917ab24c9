"""The roster's rows: ``members`` and their ``assignments`` (a role, its hours, a channel)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.errors import NotFound
from strategy.domain.presence import leave, on_roster
from strategy.domain.team import Assignment, Member, parse_role


def members(conn: Connection) -> tuple[Member, ...]:
    rows = conn.execute(
        text(
            'SELECT m.id, m.name, m.available_hours, m.start, m."end", '
            "a.role, a.channel, a.hours "
            "FROM members m LEFT JOIN assignments a ON a.member_id = m.id "
            "ORDER BY m.id, a.role, a.channel"
        )
    ).all()
    grouped: dict[int, tuple[Member, list[Assignment]]] = {}
    for mid, name, available, start, end, role, channel, hours in rows:
        person = Member(name, float(available), (), _day(start), _day(end))
        entry = grouped.setdefault(int(mid), (person, []))
        if role is not None:
            entry[1].append(Assignment(parse_role(role), float(hours), channel or None))
    return tuple(replace(person, assignments=tuple(found)) for person, found in grouped.values())


def _day(value: object) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def roster(conn: Connection) -> tuple[Member, ...]:
    """The people whose leaving is not recorded: the roster the editable table shows."""
    return on_roster(members(conn))


def save_member(conn: Connection, member: Member) -> None:
    """Store a person with their roles, start and end, replacing one of the same name (any
    case)."""
    conn.execute(
        text("DELETE FROM members WHERE lower(name) = lower(:name)"), {"name": member.name}
    )
    member_id = conn.execute(
        text(
            'INSERT INTO members(name, available_hours, start, "end") '
            "VALUES (:name, :hours, :start, :end) RETURNING id"
        ),
        {
            "name": member.name,
            "hours": member.available_hours,
            "start": _iso(member.start),
            "end": _iso(member.end),
        },
    ).scalar_one()
    if member.assignments:
        conn.execute(
            text(
                "INSERT INTO assignments(member_id, role, channel, hours) "
                "VALUES (:m, :role, :channel, :hours)"
            ),
            [
                {"m": member_id, "role": a.role.value, "channel": a.channel or "", "hours": a.hours}
                for a in member.assignments
            ],
        )


def replace_members(conn: Connection, new: Iterable[Member], today: dt.date) -> None:
    """The roster replaced (the editable table's save); people who have left stay as they were.

    A person kept keeps their start; one dropped leaves ``today`` (or, not started yet, is
    removed); one of a leaver's name comes back from ``today``.
    """
    stored = {m.name.casefold(): m for m in members(conn)}
    kept = {m.name.casefold(): m for m in new}
    for key, person in stored.items():
        if key not in kept and person.end is None:
            end_membership(conn, person.name, today)
    for key, person in kept.items():
        before = stored.get(key)
        start = today if before and before.end else (before.start if before else person.start)
        save_member(conn, replace(person, start=start, end=None))
    drop_onboarding_of_leavers(conn)


def end_membership(conn: Connection, name: str, on: dt.date) -> Member:
    """Record that a person (any case) leaves on ``on``: not counted from that day. One who
    never started by then is removed with their roles and onboarding plan. NotFound if none."""
    found = {m.name.casefold(): m for m in members(conn)}.get(name.casefold())
    if found is None:
        raise NotFound(f"team: nobody called {name!r}")
    if found.start is not None and found.start >= on and found.end is None:
        conn.execute(text("DELETE FROM members WHERE lower(name) = lower(:n)"), {"n": name})
        drop_onboarding_of_leavers(conn)  # never started: nothing of them to keep
        return replace(found, end=on)
    gone = leave(found, on)
    conn.execute(
        text('UPDATE members SET "end" = :end WHERE lower(name) = lower(:n)'),
        {"end": on.isoformat(), "n": name},
    )
    drop_onboarding_of_leavers(conn)
    return gone


def drop_onboarding_of_leavers(conn: Connection) -> None:
    """A person who leaves the roster (removed, or their end recorded) takes their
    onboarding plan with them."""
    conn.execute(
        text(
            "DELETE FROM onboarding WHERE lower(person) NOT IN "
            '(SELECT lower(name) FROM members WHERE "end" IS NULL)'
        )
    )
