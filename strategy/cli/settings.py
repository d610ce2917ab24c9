"""The workspace's settings: the ``company`` profile, the resource signal's ``settings`` and
the returning window, hourly ``rates``, and the ``users`` the app's login maps to roles."""

from __future__ import annotations

import argparse
from typing import Final

from strategy.cli.commands import arg, command, option
from strategy.cli.common import ROLE, open_workspace, snapshot
from strategy.domain.access import AccessRole
from strategy.domain.company import CompanyProfile
from strategy.domain.demand import SETTING_NAMES, settings_to_dict
from strategy.domain.errors import ValidationError
from strategy.domain.presence import ramp_up_text
from strategy.domain.team import Role, parse_role


def _company_lines(profile: CompanyProfile) -> str:
    """One field a line; a field never set says so and how to set it (no groups of
    integrated channels is a profile's own answer: ``none``)."""
    groups = "; ".join(", ".join(g) for g in profile.integrated) or "none"
    channels = (
        ", ".join(profile.channels) or "not set (company set WS --channel ..., once per channel)"
    )
    return "\n".join(
        [
            f"name: {profile.name or 'not set (company set WS --name ...)'}",
            f"channels: {channels}",
            f"integrated: {groups}",
            f"employees: {profile.employees}",
            f"currency: {profile.currency}",
        ]
    )


@command("company show", help="channels, integrated groups, employees, currency")
def company_show(args: argparse.Namespace) -> str:
    """The company profile, one field a line."""
    return _company_lines(snapshot(args).company)


@command("company set", help="change the profile; what is not given stays")
@option("--name", help="the company's name")
@option("--channel", action="append", help="a revenue channel; repeat for each (replaces them)")
@option(
    "--integrated",
    action="append",
    metavar="A,B",
    help="channels that share one rep, comma-separated; repeat for each group "
    "(--integrated '' for none)",
)
@option("--employees", help="headcount, a whole number")
@option("--currency", help="three-letter code, e.g. EUR")
def company_set(args: argparse.Namespace) -> str:
    """Change the fields given (``--integrated ''`` clears the groups); prints the profile."""
    ws, actor = open_workspace(args)
    current = ws.snapshot().company
    changed = CompanyProfile(
        channels=tuple(args.channel) if args.channel else current.channels,
        integrated=(
            tuple(tuple(c.strip() for c in g.split(",")) for g in args.integrated if g.strip())
            if args.integrated is not None
            else current.integrated
        ),
        employees=args.employees if args.employees is not None else current.employees,
        currency=args.currency if args.currency is not None else current.currency,
        name=args.name if args.name is not None else current.name,
    )
    ws.set_company(actor, changed, expected=current)
    return _company_lines(ws.snapshot().company)


RETURNING_WEEKS: Final[str] = "returning_weeks"
"""The one setting ``settings`` lists and sets beside the resource signal's: the returning
window events files are imported with (``Workspace.set_returning_weeks``)."""

RAMP_UP: Final[str] = "ramp_up"
"""A new person's shares of their serving hours on days 0-29 and 30-59 after their start
(``Workspace.set_ramp_up``)."""


@command("settings list", help="every setting and its value")
def settings_list(args: argparse.Namespace) -> str:
    """Every setting, the returning window and the ramp-up shares last."""
    from strategy.usecases import Workspace

    kept = Workspace.open(args.workspace).settings()
    listed = {**settings_to_dict(kept.demand), RETURNING_WEEKS: kept.returning_weeks}
    lines = [f"{key}: {value:g}" for key, value in listed.items()]
    return "\n".join([*lines, f"{RAMP_UP}: {ramp_up_text(kept.ramp_up)}"])


@command("settings set", help="change one setting")
@arg(
    "key",
    help=f"{', '.join(SETTING_NAMES)}, {RETURNING_WEEKS} (1 to 52: a member is returning "
    "when also active in any of the previous N weeks; applies to events files imported "
    f"from then on), or {RAMP_UP} (a new person's shares of their hours on days 0-29 and "
    "30-59 after their start, e.g. 0.333,0.667)",
)
@arg("value")
def settings_set(args: argparse.Namespace) -> str:
    """Change one setting; the resource signal's others stay."""
    ws, actor = open_workspace(args)
    snap = ws.snapshot()
    if args.key == RETURNING_WEEKS:
        weeks = ws.set_returning_weeks(actor, args.value, expected=snap.returning_weeks).value
        return f"{RETURNING_WEEKS}: {weeks} (for events files imported from now on)"
    if args.key == RAMP_UP:
        shares = ws.set_ramp_up(actor, args.value, expected=snap.ramp_up).value
        return f"{RAMP_UP}: {ramp_up_text(shares)}"
    if args.key not in SETTING_NAMES:
        raise ValidationError(
            f"settings: unknown setting {args.key!r}; expected one of: "
            f"{', '.join((*SETTING_NAMES, RETURNING_WEEKS, RAMP_UP))}"
        )
    current = snap.demand
    stored = ws.set_demand_settings(
        actor, {**settings_to_dict(current), args.key: args.value}, expected=current
    ).value
    return f"{args.key}: {settings_to_dict(stored)[args.key]:g}"


def _rate_text(value: float | None) -> str:
    return "no rate" if value is None else f"{value:g}"


@command(
    "rates set",
    help="set a role's default hourly rate (none: no rate), or with --junior a junior's "
    "rate in the role (none: 60%% of the role's rate)",
)
@ROLE
@arg("rate", help="per hour, in the company's currency; or none")
@option("--junior", action="store_true", help="set the rate of a junior in the role")
def rates_set(args: argparse.Namespace) -> str:
    """Set (or, with ``none``, clear) a role's default hourly rate, or a junior's."""
    rate = None if args.rate.strip().lower() == "none" else args.rate
    ws, actor = open_workspace(args)
    role = parse_role(args.role)
    if args.junior:
        juniors = ws.set_junior_rate(actor, args.role, rate)
        return f"{role.value} (junior): {_rate_text(juniors.for_junior(role))}"
    rates = ws.set_role_rate(actor, args.role, rate)
    return f"{role.value}: {_rate_text(rates.for_role(role))}"


@command("rates list", help="show the roles' rates and people's own rates")
def rates_list(args: argparse.Namespace) -> str:
    """Each role's rate, then the people with a rate of their own."""
    snap = snapshot(args)
    lines = [f"Hourly rates ({snap.company.currency}), by role:"]
    lines += [
        f"  {role.value}: {_rate_text(snap.rates.for_role(role))} "
        f"(junior: {_rate_text(snap.rates.for_junior(role))})"
        for role in Role
    ]
    people = {m.name: snap.rates.for_person(m.name) for m in snap.members}
    own = {name: rate for name, rate in people.items() if rate is not None}
    if own:
        lines.append("People with their own rate:")
        lines += [f"  {name}: {rate:g}" for name, rate in own.items()]
    return "\n".join(lines)


@command(
    "users set",
    help="map a verified e-mail address, or an account as ISSUER|SUBJECT, to viewer, "
    "editor, admin or executive (none: unmap)",
)
@arg(
    "email",
    metavar="identity",
    help="an e-mail address the provider marks verified, or ISSUER|SUBJECT (the ID "
    "token's iss and sub) for providers without e-mail",
)
@arg("role", choices=[*(r.value for r in AccessRole), "none"])
def users_set(args: argparse.Namespace) -> str:
    """Map an identity to a role, or unmap it with ``none``."""
    role = None if args.role == "none" else args.role
    ws, actor = open_workspace(args)
    return f"{ws.set_user_role(actor, args.email, role)}: {args.role}"


@command("users list", help="show the e-mail to role mapping")
def users_list(args: argparse.Namespace) -> str:
    """One line per mapped identity."""
    from strategy.usecases import Workspace

    roles = Workspace.open(args.workspace).user_roles()
    return "\n".join(f"{email}: {role}" for email, role in roles.items()) or "(no users mapped)"
