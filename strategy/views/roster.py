"""The Team page's input as domain values: the roster table and the company profile form.

The roster is edited as a table with one row per role a person holds (name, role, channel,
hours, available). Rows become Members here, with errors that name the row and the field,
so a person fixing the table knows which cell to look at.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd

from strategy.domain.company import DEFAULT_CURRENCY, CompanyProfile, check_company
from strategy.domain.costs import Rates
from strategy.domain.errors import ValidationError
from strategy.domain.limits import week_hours
from strategy.domain.numbers import plain_number
from strategy.domain.roster import row_gaps
from strategy.domain.team import (
    ROLE_LABELS,
    Assignment,
    Member,
    Role,
    make_member,
    member_name,
    normalise_channel,
    parse_role,
    role_channel,
)
from strategy.views.words import channel_words

ROSTER_COLUMNS: Final[tuple[str, ...]] = ("name", "role", "channel", "hours", "available")
"""The roster table's columns, in the order the page shows them."""

REVENUE_CHANNELS: Final[tuple[str, ...]] = (
    "direct_marketing",
    "ecommerce",
    "retail",
    "social",
    "sales",
)
"""The revenue channels the company form offers; others are typed in as free text."""


# --- the roster table ---------------------------------------------------------------------


def members_to_rows(members: Sequence[Member]) -> list[dict[str, Any]]:
    """One row per role assignment, each repeating the person's name and available hours."""
    return [
        {
            "name": m.name,
            "role": a.role.value,
            "channel": a.channel or "",
            "hours": a.hours,
            "available": m.available_hours,
        }
        for m in members
        for a in m.assignments
    ]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, int | float):
        return isinstance(value, float) and math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _cell(value: Any) -> Any:
    """An edited cell, with a blank one (None, NaN, NA, empty text) as None."""
    return None if _blank(value) else value


class _Person:
    """The rows of one person gathered so far, to check them against each other."""

    def __init__(self, name: str, first_row: int) -> None:
        self.name = name
        self.first_row = first_row
        self.available: tuple[float, int] | None = None
        self.assignments: list[Assignment] = []
        self.rows_of: dict[tuple[Role, str | None], int] = {}

    def add(self, row: int, assignment: Assignment, available: float | None) -> None:
        if available is not None:
            if self.available is None:
                self.available = (available, row)
            elif self.available[0] != available:
                hours, where = self.available
                raise ValidationError(
                    f"available: {self.name} has {plain_number(hours)} h a week on row {where} "
                    f"but {plain_number(available)} h here; a person's available hours must be "
                    "the same on every row"
                )
        key = (assignment.role, assignment.channel)
        if key in self.rows_of:
            what = f"{key[0].value} for {key[1]}" if key[1] else key[0].value
            raise ValidationError(
                f"role: {self.name} already holds {what} on row {self.rows_of[key]}"
            )
        self.rows_of[key] = row
        self.assignments.append(assignment)


def roster_gaps(rows: Sequence[Mapping[Any, Any]]) -> tuple[str, ...]:
    """One message per cell a roster table row lacks (name, role, hours), its row counted
    from 1 as the table shows it; blank rows are skipped, as saving skips them."""
    return tuple(
        gap
        for number, row in enumerate(rows, start=1)
        if not all(_blank(row.get(column)) for column in ROSTER_COLUMNS)
        for gap in row_gaps(number, {c: _cell(row.get(c)) for c in ROSTER_COLUMNS})
    )


def members_from_rows(rows: Sequence[Mapping[Any, Any]]) -> tuple[Member, ...]:
    """Members from the roster table; ValidationError names the row (from 1) and the field.

    Blank rows are skipped. A person is every row with the same name (any case or spacing),
    in the order they first appear. ``available`` must agree across a person's rows; it may
    be left blank on all but one of them. Only a channel rep has a channel.
    """
    people: dict[str, _Person] = {}
    for number, row in enumerate(rows, start=1):
        if all(_blank(row.get(column)) for column in ROSTER_COLUMNS):
            continue
        try:
            name = member_name(_cell(row.get("name")))
            role = parse_role(_cell(row.get("role")))
            assignment = Assignment(
                role=role,
                hours=week_hours(_cell(row.get("hours")), "hours", allow_zero=False),
                channel=role_channel(role, _cell(row.get("channel"))),
            )
            raw_available = _cell(row.get("available"))
            available = (
                None
                if raw_available is None
                else week_hours(raw_available, "available", allow_zero=True)
            )
            person = people.setdefault(name.casefold(), _Person(name, number))
            person.add(number, assignment, available)
        except ValidationError as exc:
            raise ValidationError(f"row {number}: {exc}") from None
    return tuple(_member(p) for p in people.values())


def _member(person: _Person) -> Member:
    """The person of gathered rows; available hours blank on every row are named on the first."""
    available = person.available[0] if person.available else None
    try:
        return make_member(
            person.name, week_hours(available, "available", allow_zero=True), person.assignments
        )
    except ValidationError as exc:
        raise ValidationError(f"row {person.first_row}: {exc}") from None


# --- the company profile form ------------------------------------------------------------


def split_channels(text: str) -> tuple[str, ...]:
    """Channel names typed as free text, separated by commas, semicolons or new lines."""
    if not isinstance(text, str):
        raise ValidationError(f"other channels: expected text, got {text!r}")
    parts = (p for p in re.split(r"[,;\n]", text) if p.strip())
    try:
        return tuple(dict.fromkeys(normalise_channel(p) for p in parts))
    except ValidationError as exc:
        raise ValidationError(f"other channels: {exc}") from None


def company_from_form(
    channels: Sequence[str],
    other_channels: str,
    integrated: Sequence[str],
    employees: Any,
    currency: Any = DEFAULT_CURRENCY,
    name: Any = "",
) -> CompanyProfile:
    """The company profile from the Team page's form, checked as the store checks it.

    ``channels`` are the picked revenue channels and ``other_channels`` free text for the
    rest; ``integrated`` is one group of channels that share a rep (empty for none).
    """
    if isinstance(channels, str) or isinstance(integrated, str):
        raise ValidationError("channels: expected a list of channel names")
    try:
        picked = [normalise_channel(c) for c in channels]
    except ValidationError as exc:
        raise ValidationError(f"revenue channels: {exc}") from None
    group = tuple(integrated)
    return check_company(
        CompanyProfile(
            channels=(*picked, *split_channels(other_channels)),
            integrated=(group,) if group else (),
            employees=_cell(employees),
            currency=currency,
            name=name,
        )
    )


# --- the hourly rates table ----------------------------------------------------------------

ROLE_KIND: Final = "role"
PERSON_KIND: Final = "person"


def rates_rows(rates: Rates, members: Sequence[Member]) -> pd.DataFrame:
    """The rates table: every role's rate and the junior rate set for it (blank: 60% of the
    role's), then every person's own rate (blank: none)."""
    rows = [
        {
            "key": role.value,
            "who": ROLE_LABELS[role],
            "kind": ROLE_KIND,
            "rate": rates.for_role(role),
            "junior": rates.juniors.get(role),
        }
        for role in Role
    ] + [
        {
            "key": m.name,
            "who": m.name,
            "kind": PERSON_KIND,
            "rate": rates.for_person(m.name),
            "junior": None,
        }
        for m in members
    ]
    return pd.DataFrame(rows, columns=["key", "who", "kind", "rate", "junior"]).set_index("key")


def rates_from_rows(table: pd.DataFrame) -> dict[str, Any]:
    """The rates table back as the store's form; a blank role rate is "no rate", a blank
    person rate "their roles' rates", a blank junior rate "60% of the role's rate"."""
    roles: dict[str, Any] = {}
    people: dict[str, Any] = {}
    juniors: dict[str, Any] = {}
    for key, row in table.iterrows():
        rate = _cell(row["rate"])
        junior = _cell(row["junior"]) if "junior" in row else None
        if row["kind"] == ROLE_KIND:
            roles[str(key)] = rate
            juniors[str(key)] = junior
            continue
        if junior is not None:
            raise ValidationError(
                f"junior rate of {key}: only a role has a junior rate; a person's own rate "
                "is the rate of their hours"
            )
        if rate is not None:
            people[str(key)] = rate
    return {"roles": roles, "people": people, "juniors": juniors}


# --- what a save changed ----------------------------------------------------------------------


def _shown(value: Any) -> str:
    return "blank" if _blank(value) else plain_number(value)


def value_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], labels: Mapping[str, str]
) -> tuple[str, ...]:
    """What a form's save changed: ``label 5 -> 6`` for each labelled field whose value
    moved, in the labels' order; a blank value reads ``blank``."""
    return tuple(
        f"{label} {_shown(before.get(field))} -> {_shown(after.get(field))}"
        for field, label in labels.items()
        if _shown(before.get(field)) != _shown(after.get(field))
    )


def rate_changes(before: Rates, after: Rates, members: Sequence[Member]) -> tuple[str, ...]:
    """What a rates save changed: ``IT's rate 50 -> 55``, ``Maya Okafor's rate blank -> 60``,
    ``IT's junior rate blank -> 30``."""
    old, new = rates_rows(before, members), rates_rows(after, members)
    labels = {
        f"{key}|{column}": f"{who}'s {'junior rate' if column == 'junior' else 'rate'}"
        for key, who in zip(old.index, old["who"], strict=True)
        for column in ("rate", "junior")
    }

    def flat(table: pd.DataFrame) -> dict[str, Any]:
        return {f"{k}|{c}": table.at[k, c] for k in table.index for c in ("rate", "junior")}

    return value_changes(flat(old), flat(new), labels)


def company_changes(before: CompanyProfile, after: CompanyProfile) -> tuple[str, ...]:
    """What a company profile save changed: ``employees 180 -> 200``, ``channels retail,
    sales -> retail, sales, social``; a blank value reads ``blank``."""

    def fields(p: CompanyProfile) -> dict[str, str]:
        return {
            "name": p.name,
            "channels": ", ".join(channel_words(c) for c in p.channels),
            "integrated channels": "; ".join(
                " + ".join(channel_words(c) for c in group) for group in p.integrated
            ),
            "employees": f"{p.employees:,}",
            "currency": p.currency,
        }

    old, new = fields(before), fields(after)
    return tuple(
        f"{label} {old[label] or 'blank'} -> {new[label] or 'blank'}"
        for label in old
        if old[label] != new[label]
    )
