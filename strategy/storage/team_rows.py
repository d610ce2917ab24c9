"""The roster's rows: ``members`` and their ``assignments`` (a role, its hours, a channel)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.errors import NotFound
from strategy.domain.team import Assignment, Member, parse_role


def members(conn: Connection) -> tuple[Member, ...]:
    rows = conn.execute(
        text(
            "SELECT m.id, m.name, m.available_hours, a.role, a.channel, a.hours "
            "FROM members m LEFT JOIN assignments a ON a.member_id = m.id "
            "ORDER BY m.id, a.role, a.channel"
        )
    ).all()
    grouped: dict[int, tuple[str, float, list[Assignment]]] = {}
    for mid, name, available, role, channel, hours in rows:
        entry = grouped.setdefault(int(mid), (name, float(available), []))
        if role is not None:
            entry[2].append(Assignment(parse_role(role), float(hours), channel or None))
    return tuple(
        Member(name, available, tuple(assignments))
        for name, available, assignments in grouped.values()
    )


def save_member(conn: Connection, member: Member) -> None:
    """Store a person with their roles, replacing one of the same name (any case)."""
    conn.execute(
        text("DELETE FROM members WHERE lower(name) = lower(:name)"), {"name": member.name}
    )
    member_id = conn.execute(
        text("INSERT INTO members(name, available_hours) VALUES (:name, :hours) RETURNING id"),
        {"name": member.name, "hours": member.available_hours},
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


def replace_members(conn: Connection, roster: Iterable[Member]) -> None:
    """The whole roster, replaced; leavers take their onboarding plans with them."""
    conn.execute(text("DELETE FROM members"))
    for member in roster:
        save_member(conn, member)
    drop_onboarding_of_leavers(conn)


def remove_member(conn: Connection, name: str) -> None:
    """Remove a person (any case) and their roles and onboarding plan; NotFound if none."""
    deleted = conn.execute(
        text("DELETE FROM members WHERE lower(name) = lower(:name)"), {"name": name}
    ).rowcount
    if not deleted:
        raise NotFound(f"team: nobody called {name!r}")
    drop_onboarding_of_leavers(conn)


def drop_onboarding_of_leavers(conn: Connection) -> None:
    """A person who leaves the roster takes their onboarding plan with them."""
    conn.execute(
        text("DELETE FROM onboarding WHERE lower(person) NOT IN (SELECT lower(name) FROM members)")
    )
