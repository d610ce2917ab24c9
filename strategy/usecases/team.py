"""The roster: a role added to a person, the whole table saved, a person removed."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from strategy.domain.access import Actor
from strategy.domain.costs import hourly_rate
from strategy.domain.roster import check_unique_names, typed_name, with_role
from strategy.domain.team import Member, parse_role
from strategy.storage import audit, settings_rows, team_rows
from strategy.storage.store import Store
from strategy.usecases.common import Saved, Whole, save_whole, writing

ROSTER: Whole[tuple[Member, ...]] = Whole(
    "roster", team_rows.members, audit.roster_key, team_rows.replace_members
)


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
) -> Member:
    """Give a person a role (creating the person if new); re-adding a role updates hours.

    ``rate``, when given, is the person's own hourly rate (kept with the workspace's rates).
    """
    parsed_role = parse_role(role)
    own_rate = None if rate is None else hourly_rate(rate, "rate")
    clean_name = typed_name(name)
    with writing(store, actor, "team.add", f"{clean_name}: {parsed_role.value}") as conn:
        current = {m.name.casefold(): m for m in team_rows.members(conn)}
        existing = current.get(clean_name.casefold())
        member = with_role(existing, clean_name, parsed_role, hours, channel, available_hours)
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


def remove_member(store: Store, actor: Actor, name: str) -> None:
    """Remove a person and their roles."""
    with writing(store, actor, "team.remove", name) as conn:
        team_rows.remove_member(conn, name)
