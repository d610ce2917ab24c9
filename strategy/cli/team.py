"""The cross-functional ``team`` and what each role's hours ``serves``."""

from __future__ import annotations

import argparse
from typing import Final

from strategy.cli.commands import arg, command, option
from strategy.cli.common import (
    PERSON_IN_ROLE,
    ROLE,
    TEXT_OR_JSON,
    as_json,
    day,
    open_workspace,
    person_in_role,
    snapshot,
)
from strategy.domain.presence import leavers, on_roster
from strategy.domain.team import DemandKind, Member, Role, parse_role, serves_to_dict


@command("team add", help="give a person a role (adds the person if new)")
@PERSON_IN_ROLE
@option("--rate", help="the person's own hourly cost (default: their roles' rates)")
@option(
    "--start",
    help="their first day, YYYY-MM-DD: they count from it, their serving hours ramping up "
    "(default: a new person counts from before any data)",
)
def team_add(args: argparse.Namespace) -> str:
    """Give a person a role, adding the person if new; prints the person's roles."""
    ws, actor = open_workspace(args)
    start = day(args.start, "--start") if args.start else None
    member = ws.add_assignment(actor, **person_in_role(args), rate=args.rate, start=start)
    return f"{member.name}: {', '.join(r.value for r in member.roles)}"


def _member_json(m: Member) -> dict[str, object]:
    return {
        "name": m.name,
        "available_hours": m.available_hours,
        "roles": [
            {"role": a.role.value, "hours": a.hours, "channel": a.channel} for a in m.assignments
        ],
        "overloaded": m.overloaded,
        "start": m.start.isoformat() if m.start else None,
        "end": m.end.isoformat() if m.end else None,
    }


@command("team list", help="show the team, and who has left")
@TEXT_OR_JSON
def team_list(args: argparse.Namespace) -> str:
    """One line per person: roles with hours, hours available, and whether overloaded; then
    one line per person who has left. JSON lists everyone, with ``start`` and ``end``."""
    from strategy.usecases import Workspace

    everyone = Workspace.open(args.workspace).people()  # without the metrics: no pandas
    members, former = on_roster(everyone), leavers(everyone)
    if args.format == "json":
        return as_json([_member_json(m) for m in (*members, *former)])
    lines = []
    for m in members:
        roles = ", ".join(
            f"{a.role.value}{f' ({a.channel})' if a.channel else ''} {a.hours:g} h"
            for a in m.assignments
        )
        flag = "  OVERLOADED" if m.overloaded else ""
        since = f"; from {m.start.isoformat()}" if m.start else ""
        lines.append(f"{m.name}: {roles}; available {m.available_hours:g} h{since}{flag}")
    lines += [f"Left: {m.name} on {m.end.isoformat()}" for m in former if m.end]
    return "\n".join(lines) if lines else "(no team members yet)"


@command("team remove", help="record that a person leaves (they stay listed as having left)")
@arg("name", help="the person's name (any case)")
@option("--on", help="the day they leave, YYYY-MM-DD: not counted from it (default: today)")
def team_remove(args: argparse.Namespace) -> str:
    """Record that a person leaves: not counted from that day, listed as having left; one
    who had not started by then is removed with their roles and onboarding plan."""
    ws, actor = open_workspace(args)
    gone = ws.remove_member(actor, args.name, on=day(args.on, "--on") if args.on else None)
    when = gone.end.isoformat() if gone.end else ""
    return f"{gone.name} leaves the team on {when}"


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
