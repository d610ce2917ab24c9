"""The roster as a whole: a person's name as typed, a role added to a person, and a saved
roster whose names are unique (any case)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from strategy.domain.errors import ValidationError
from strategy.domain.team import Member, Role, make_member, normalise_channel


def typed_name(name: object) -> str:
    """A person's name as typed, spaces folded (``make_member`` checks the rest)."""
    if not isinstance(name, str):
        raise ValidationError(f"name: expected the person's name, got {name!r}")
    return " ".join(name.split())


def with_role(
    existing: Member | None,
    name: str,
    role: Role,
    hours: object,
    channel: str | None,
    available_hours: object,
) -> Member:
    """The person ``name`` (``existing`` when on the roster already) holding ``role``.

    Re-adding a role (with its channel) replaces its hours; the available hours stay as they
    were unless given, and a new person's default to the role's hours.
    """
    blank = channel is None or str(channel).strip() == ""
    channel_key = None if channel is None or blank else normalise_channel(channel)
    kept = tuple(
        a
        for a in (existing.assignments if existing else ())
        if not (a.role == role and a.channel == channel_key)
    )
    available = (
        available_hours
        if available_hours is not None
        else (existing.available_hours if existing else hours)
    )
    new = {"role": role, "hours": hours, "channel": channel_key}  # make_member checks
    return make_member(existing.name if existing else name, available, (*kept, new))


def check_unique_names(members: object) -> tuple[Member, ...]:
    """A whole roster (the editable table's save): each person valid, no name twice."""
    if isinstance(members, str | bytes | Mapping) or not isinstance(members, Iterable):
        raise ValidationError(f"team: expected a list of people, got {members!r}")
    seen: set[str] = set()
    roster: list[Member] = []
    for n, member in enumerate(members, start=1):
        if not isinstance(member, Member):
            raise ValidationError(f"row {n}: expected a person, got {member!r}")
        checked = make_member(member.name, member.available_hours, member.assignments)
        key = checked.name.casefold()
        if key in seen:
            raise ValidationError(f"row {n}: name: {checked.name!r} appears twice")
        seen.add(key)
        roster.append(checked)
    return tuple(roster)
