"""What the command groups share: the workspace a command opens and who acts in it, a day
given as an option, JSON for scripts, and the arguments several commands declare alike (a
role, a person in a role, a listing's ``--format``)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING, Final, TypedDict

from strategy.cli.commands import arg, option, together
from strategy.domain import clock
from strategy.domain.access import LOCAL_USER, AccessRole, Actor, parse_access_role
from strategy.domain.team import Role

if TYPE_CHECKING:  # the store loads when a command opens a workspace, not for --help
    from strategy.domain.snapshot import Snapshot
    from strategy.usecases import Workspace

ROLE_NAMES: Final = ", ".join(r.value for r in Role)
"""The help of an argument naming a role."""

ROLE: Final = arg("role", help=ROLE_NAMES)
"""A role named after the workspace: ``rates set``, ``serves set``, ``onboarding plan``."""

TEXT_OR_JSON: Final = option("--format", choices=["text", "json"], default="text")
"""A listing's ``--format``: lines of text, or JSON for scripts."""

PERSON_IN_ROLE: Final = together(
    option("--name", required=True),
    option("--role", required=True, help=ROLE_NAMES),
    option("--channel", help="revenue channel, for channel_rep"),
    option("--hours", required=True, help="hours per week for this role"),
    option("--available", help="hours per week the person can give (default: --hours)"),
)
"""A person and one role of theirs: ``team add`` and ``onboarding start``."""


class PersonInRole(TypedDict):
    """What ``PERSON_IN_ROLE`` gives, named as ``Workspace`` takes it."""

    name: str
    role: str
    hours: str
    channel: str | None
    available_hours: str | None


def person_in_role(args: argparse.Namespace) -> PersonInRole:
    """The person and role a command's ``PERSON_IN_ROLE`` options give."""
    return PersonInRole(
        name=args.name,
        role=args.role,
        hours=args.hours,
        channel=args.channel,
        available_hours=args.available,
    )


def actor(args: argparse.Namespace, ws: Workspace) -> Actor:
    """Who acts: ``--actor NAME`` with the role the workspace maps NAME to (an admin when it
    maps NAME to nothing), else the local user."""
    if not args.actor:
        return LOCAL_USER
    role = ws.user_roles().get(args.actor.strip().lower())
    return Actor(args.actor, parse_access_role(role) if role else AccessRole.ADMIN)


def open_workspace(args: argparse.Namespace) -> tuple[Workspace, Actor]:
    """The named workspace, and who acts in it: for a command that writes."""
    from strategy.usecases import Workspace

    ws = Workspace.open(args.workspace)
    return ws, actor(args, ws)


def snapshot(args: argparse.Namespace) -> Snapshot:
    """The named workspace's state now: for a command that only reads."""
    from strategy.usecases import Workspace

    return Workspace.open(args.workspace).snapshot()


def day(raw: str, what: str) -> dt.date:
    """The day an option gives (``what`` names it in the message), read by the clock's one
    date parser; the command bounds it from above itself, if at all."""
    return clock.parse_day(raw, what, latest=dt.date.max)


def as_json(value: object) -> str:
    """A listing as JSON for scripts: indented, non-ASCII text kept as it is."""
    return json.dumps(value, indent=2, ensure_ascii=False)
