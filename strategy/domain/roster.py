"""The roster as a whole: a person's name as typed, a role added to a person, a saved
roster whose names are unique (any case), a row the roster table cannot save, and what a
save changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from strategy.domain.errors import ValidationError
from strategy.domain.numbers import plain_number
from strategy.domain.team import (
    ROLE_LABELS,
    Assignment,
    Member,
    Role,
    make_member,
    normalise_channel,
)


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


# --- a roster row the table cannot save, and what a save changed ---------------------------

ROW_NEEDS: Final[tuple[tuple[str, str], ...]] = (
    ("name", "no name"),
    ("role", "no role"),
    ("hours", "no hours for the role"),
)
"""The cells a roster row needs to be saved, and how a missing one is said."""


def row_gaps(number: int, cells: Mapping[str, object | None]) -> tuple[str, ...]:
    """One message per cell roster row ``number`` (from 1) lacks, None meaning blank:
    ``row 11: Omar Haddad has no role``. A complete row has none."""
    name = cells.get("name")
    who = " ".join(str(name).split()) if name is not None else "the person"
    return tuple(
        f"row {number}: {who if field != 'name' else 'the person'} has {gap}"
        for field, gap in ROW_NEEDS
        if cells.get(field) is None
    )


def _role_words(assignment: Assignment) -> str:
    label = ROLE_LABELS[assignment.role].lower()
    return f"{label} for {assignment.channel}" if assignment.channel else label


def _member_changes(old: Member, new: Member) -> list[str]:
    """What changed in one person: their roles, a role's hours, their available hours."""
    said: list[str] = []
    before = {(a.role, a.channel): a for a in old.assignments}
    after = {(a.role, a.channel): a for a in new.assignments}
    only_role = len(old.assignments) == 1 and len(new.assignments) == 1
    for key, a in after.items():
        if key not in before:
            said.append(f"{new.name} now also {_role_words(a)}")
        elif before[key].hours != a.hours:
            what = "hours" if only_role else f"hours as {_role_words(a)}"
            said.append(
                f"{new.name}'s {what} {plain_number(before[key].hours)} -> {plain_number(a.hours)}"
            )
    said += [
        f"{new.name} no longer {_role_words(a)}" for key, a in before.items() if key not in after
    ]
    if old.available_hours != new.available_hours:
        said.append(
            f"{new.name}'s available hours {plain_number(old.available_hours)} -> "
            f"{plain_number(new.available_hours)}"
        )
    return said


def roster_changes(before: Sequence[Member], after: Sequence[Member]) -> tuple[str, ...]:
    """What a roster save changed, in words: ``added Omar Haddad``, ``Jonas Weber's hours
    8 -> 6``, ``removed Ana Ruiz``; nothing for the same roster."""
    old = {m.name.casefold(): m for m in before}
    new = {m.name.casefold(): m for m in after}
    said = [f"added {m.name}" for key, m in new.items() if key not in old]
    for key, m in new.items():
        if key in old:
            said += _member_changes(old[key], m)
    said += [f"removed {m.name}" for key, m in old.items() if key not in new]
    return tuple(said)
