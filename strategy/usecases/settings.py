"""The workspace's settings: the company profile, hourly rates, what each role's hours
serve, the returning window, and who may do what (users)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from strategy.domain.access import (
    Actor,
    check_identity,
    parse_access_role,
    require_admin,
)
from strategy.domain.company import CompanyProfile, check_company
from strategy.domain.costs import Rates, hourly_rate, rates_from_dict, rates_to_dict
from strategy.domain.presence import RampUp, ramp_up, ramp_up_text
from strategy.domain.settings import returning_weeks
from strategy.domain.team import RoleServes, parse_role, serves_from_dict, serves_to_dict
from strategy.storage import settings_rows
from strategy.storage.store import Store
from strategy.usecases.common import Saved, Whole, save_whole, writing


def _company_key(profile: CompanyProfile) -> tuple[object, ...]:
    return (
        tuple(profile.channels),
        tuple(tuple(g) for g in profile.integrated),
        int(profile.employees),
        str(profile.currency),
        str(profile.name),
    )


COMPANY: Whole[CompanyProfile] = Whole(
    "company profile", settings_rows.company, _company_key, settings_rows.save_company
)
RETURNING: Whole[int] = Whole(
    "returning weeks", settings_rows.returning, lambda weeks: weeks, settings_rows.save_returning
)
RAMP_UP: Whole[RampUp] = Whole("ramp-up shares", settings_rows.ramp, tuple, settings_rows.save_ramp)
SERVES: Whole[RoleServes] = Whole(
    "roles' demand", settings_rows.role_serves, serves_to_dict, settings_rows.save_role_serves
)
RATES: Whole[Rates] = Whole(
    "hourly rates", settings_rows.rates, rates_to_dict, settings_rows.save_rates
)


def set_company(
    store: Store, actor: Actor, profile: CompanyProfile, *, expected: CompanyProfile | None = None
) -> Saved[CompanyProfile]:
    """Store the company's revenue channels, integrations and headcount.

    ``expected`` is the profile the form started from: if it changed since, Conflict.
    The profile as stored writes nothing.
    """
    checked = check_company(profile)
    said = settings_rows.company_json(checked)
    return save_whole(
        store, actor, "company.set", COMPANY, checked, expected=expected, said=lambda *_: said
    )


def set_returning_weeks(
    store: Store, actor: Actor, weeks: object, *, expected: int | None = None
) -> Saved[int]:
    """Validate and store the returning window: a member is returning in a week when also
    active in any of the previous ``weeks`` weeks (1 to 52).

    It applies to the events files imported from then on; the weekly metrics of those
    already imported stay as they were derived (remove and import a file again to derive
    it anew). ``expected`` is the value the form started from: if it changed since,
    Conflict. The value as stored writes nothing.
    """
    checked = returning_weeks(weeks)
    return save_whole(
        store,
        actor,
        "returning_weeks.set",
        RETURNING,
        checked,
        expected=None if expected is None else returning_weeks(expected),
        said=lambda before, after: f"{before} -> {after} weeks",
    )


def set_role_serves(
    store: Store,
    actor: Actor,
    serves: object,
    *,
    expected: RoleServes | None = None,
) -> Saved[RoleServes]:
    """Store which demand (messages, content, monitoring) each role's hours serve.

    ``expected`` is the mapping the form started from: if it changed since, Conflict.
    The mapping as stored writes nothing.
    """
    checked = serves_from_dict(serves)
    said = settings_rows.serves_json(checked)
    return save_whole(
        store, actor, "team.serves", SERVES, checked, expected=expected, said=lambda *_: said
    )


def set_rates(
    store: Store,
    actor: Actor,
    rates: Mapping[str, object] | Rates,
    *,
    expected: Rates | None = None,
) -> Saved[Rates]:
    """Store the hourly rates of roles and people (the Team page's table save).

    ``expected`` is the rates the form started from: if they changed since, Conflict.
    The rates as stored write nothing.
    """
    checked = rates_from_dict(rates_to_dict(rates) if isinstance(rates, Rates) else rates)
    said = settings_rows.rates_json(checked)
    return save_whole(
        store, actor, "rates.set", RATES, checked, expected=expected, said=lambda *_: said
    )


def set_role_rate(store: Store, actor: Actor, role: str, rate: object) -> Rates:
    """Set one role's hourly rate (``None``: the role has no rate)."""
    parsed = parse_role(role)
    value = None if rate is None else hourly_rate(rate, f"rate of {parsed.value}")
    with writing(store, actor, "rates.role", f"{parsed.value}: {value}") as conn:
        before = settings_rows.rates(conn)
        changed = dataclasses.replace(before, roles={**before.roles, parsed: value})
        settings_rows.save_rates(conn, changed)
    return changed


def set_junior_rate(store: Store, actor: Actor, role: str, rate: object) -> Rates:
    """Set a junior's hourly rate in one role (``None``: back to 60% of the role's rate)."""
    parsed = parse_role(role)
    value = None if rate is None else hourly_rate(rate, f"junior rate of {parsed.value}")
    with writing(store, actor, "rates.junior", f"{parsed.value}: {value}") as conn:
        before = settings_rows.rates(conn)
        juniors = {r: v for r, v in before.juniors.items() if r is not parsed}
        if value is not None:
            juniors[parsed] = value
        changed = dataclasses.replace(before, juniors=juniors)
        settings_rows.save_rates(conn, changed)
    return changed


def set_user_role(store: Store, actor: Actor, identity: str, role: str | None) -> str:
    """Map an identity (a verified e-mail address, or ``ISSUER|SUBJECT``) to a role
    (``viewer``, ``editor``, ``admin``, ``executive``), or remove it with None; returns
    the identity as stored."""
    require_admin(actor, "users.set")
    address = check_identity(identity)
    parsed = None if role is None else parse_access_role(role)
    with writing(store, actor, "users.set", f"{address}: {role}") as conn:
        settings_rows.set_user_role(conn, address, parsed)
    return address


def set_ramp_up(
    store: Store, actor: Actor, shares: object, *, expected: RampUp | None = None
) -> Saved[RampUp]:
    """Validate and store the ramp-up shares: a new person's serving hours count at the
    first share on days 0-29 after their start, the second on days 30-59, in full from 60.

    ``expected`` is the value the form started from: if it changed since, Conflict.
    """
    checked = ramp_up(shares)
    return save_whole(
        store,
        actor,
        "ramp_up.set",
        RAMP_UP,
        checked,
        expected=None if expected is None else ramp_up(expected),
        said=lambda _before, after: ramp_up_text(after),
    )
