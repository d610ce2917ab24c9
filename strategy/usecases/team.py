"""The roster: a role added to a person, the whole table saved, a person removed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from strategy.domain import clock
from strategy.domain.access import Actor
from strategy.domain.costs import hourly_rate
from strategy.domain.roster import check_unique_names, typed_name, with_role
from strategy.domain.team import Member, parse_role
from strategy.storage import audit, settings_rows, team_rows
from strategy.storage.store import Store
from strategy.usecases.common import Saved, Whole, save_whole, writing

ROSTER: Whole[tuple[Member, ...]] = Whole(
    "roster",
    team_rows.roster,
    audit.roster_key,
    lambda conn, new: team_rows.replace_members(conn, new, clock.today()),
)
"""The people on the roster (not those who have left): the editable table's rows."""


def add_assignment(
    store: Store,
    actor: Actor,
    *,
    name: str,
    role: str,
    hours: object,
    channel: str | None = None,
    available_hours: object = None,
    rate: object = None,
    start: dt.date | str | None = None,
) -> Member:
    """Give a person a role (creating the person if new); re-adding a role updates hours.

    ``rate``, when given, is the person's own hourly rate (kept with the workspace's rates).
    ``start``, when given, is their first day (a new person's hours then ramp up); without
    it a new person counts from before any data and one already here keeps theirs. A person
    who had left comes back from ``start`` or today.
    """
    parsed_role = parse_role(role)
    own_rate = None if rate is None else hourly_rate(rate, "rate")
    first = None if start is None else clock.parse_day(start, "start")
    clean_name = typed_name(name)
    with writing(store, actor, "team.add", f"{clean_name}: {parsed_role.value}") as conn:
        current = {m.name.casefold(): m for m in team_rows.members(conn)}
        existing = current.get(clean_name.casefold())
        member = with_role(existing, clean_name, parsed_role, hours, channel, available_hours)
        back = existing is not None and existing.end is not None
        kept = existing.start if existing is not None and not back else None
        member = replace(member, start=first or (clock.today() if back else kept), end=None)
        team_rows.save_member(conn, member)
        if own_rate is not None:
            before = settings_rows.rates(conn)
            people = {**before.people, member.name.casefold(): own_rate}
            settings_rows.save_rates(conn, dataclasses.replace(before, people=people))
    return member


def replace_team(
    store: Store, actor: Actor, members: object, *, expected: Sequence[Member] | None = None
) -> Saved[tuple[Member, ...]]:
    """Replace the whole roster (the editable table's save); names must be unique.

    ``expected`` is the roster the editor started from: if it changed since, Conflict.
    The same roster as stored (in any order) writes nothing.
    """
    roster = check_unique_names(members)
    return save_whole(
        store,
        actor,
        "team.replace",
        ROSTER,
        roster,
        expected=None if expected is None else tuple(expected),
        said=audit.roster_change,
    )


def remove_member(
    store: Store, actor: Actor, name: str, *, on: dt.date | str | None = None
) -> Member:
    """Record that a person leaves on ``on`` (default today): they no longer count from that
    day, and stay listed as having left. One who had not started by then is removed."""
    day = clock.today() if on is None else clock.parse_day(on, "on")
    with writing(store, actor, "team.remove", f"{name} on {day.isoformat()}") as conn:
        return team_rows.end_membership(conn, name, day)
