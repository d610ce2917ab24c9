"""The cross-functional ``team`` and what each role's hours ``serves``."""

from __future__ import annotations

import argparse
from typing import Final

from strategy.cli.commands import arg, command, option
from strategy.cli.common import (
    PERSON_IN_ROLE,
    ROLE,
    open_workspace,
    person_in_role,
    snapshot,
)
from strategy.domain.team import DemandKind, Role, parse_role, serves_to_dict


@command("team add", help="give a person a role (adds the person if new)")
@PERSON_IN_ROLE
@option("--rate", help="the person's own hourly cost (default: their roles' rates)")
def team_add(args: argparse.Namespace) -> str:
    """Give a person a role, adding the person if new; prints the person's roles."""
    ws, actor = open_workspace(args)
    member = ws.add_assignment(actor, **person_in_role(args), rate=args.rate)
    return f"{member.name}: {', '.join(r.value for r in member.roles)}"


@command("team list", help="show the team")
def team_list(args: argparse.Namespace) -> str:
    """One line per person: roles with hours, hours available, and whether overloaded."""
    lines = []
    for m in snapshot(args).members:
        roles = ", ".join(
            f"{a.role.value}{f' ({a.channel})' if a.channel else ''} {a.hours:g} h"
            for a in m.assignments
        )
        flag = "  OVERLOADED" if m.overloaded else ""
        lines.append(f"{m.name}: {roles}; available {m.available_hours:g} h{flag}")
    return "\n".join(lines) if lines else "(no team members yet)"


@command("team remove", help="remove a person and their roles (and onboarding plan)")
@arg("name", help="the person's name (any case)")
def team_remove(args: argparse.Namespace) -> str:
    """Remove a person with their roles and onboarding plan."""
    ws, actor = open_workspace(args)
    ws.remove_member(actor, args.name)
    return f"removed {args.name} from the team"


def _serves_line(role: Role, kinds: frozenset[DemandKind]) -> str:
    return f"{role.value}: {', '.join(sorted(k.value for k in kinds)) or 'nothing'}"


KINDS_HELP: Final = f"{', '.join(k.value for k in DemandKind)}, or nothing"
"""The demand a role's hours may serve, as ``serves set`` takes it."""


@command("serves list", help="what each role's hours serve")
def serves_list(args: argparse.Namespace) -> str:
    """One line per role: the demand its hours serve."""
    serves = snapshot(args).role_serves
    return "\n".join(_serves_line(role, serves[role]) for role in Role)


@command("serves set", help="set what one role's hours serve")
@ROLE
@arg("kinds", nargs="+", metavar="KIND", help=KINDS_HELP)
def serves_set(args: argparse.Namespace) -> str:
    """Set the demand one role's hours serve (``nothing`` for none); the others stay."""
    ws, actor = open_workspace(args)
    current = ws.snapshot().role_serves
    kinds = [] if args.kinds == ["nothing"] else args.kinds
    stored = ws.set_role_serves(
        actor, {**serves_to_dict(current), args.role: kinds}, expected=current
    ).value
    role = parse_role(args.role)
    return _serves_line(role, stored[role])
