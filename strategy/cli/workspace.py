"""The workspace as a whole: ``init`` (empty or the demo company), ``report`` and
``standup`` (the agenda, or ``standup add``/``standup remove`` for an item of the team's
own)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Final

from strategy.cli.commands import arg, command, option
from strategy.cli.common import day, open_workspace
from strategy.domain import clock
from strategy.domain.errors import PermissionDenied, RolloutError
from strategy.domain.standup_slots import SLOT_TITLES, Slot

if TYPE_CHECKING:  # the store, the analysis and the demo load when a command runs, not for --help
    from strategy.storage import Location


@command("init")
@option("--demo", action="store_true", help="fill it with the demo company")
@option("--demo-source", help=argparse.SUPPRESS)
def init(args: argparse.Namespace) -> str:
    """Create the workspace, empty or with the demo company: a folder, or the schema in an
    empty database."""
    from strategy.demo import DEMO_DIR, seed_demo
    from strategy.storage import parse_location
    from strategy.usecases import Workspace

    where = parse_location(args.workspace)
    _refuse_to_overwrite(where, demo=args.demo)
    named: Path | Location = where if where.folder is None else where.folder
    if args.demo:
        seed_demo(named, Path(args.demo_source or DEMO_DIR))
        return f"created demo workspace {named}"
    Workspace.open(named, create=True)
    return f"created workspace {named}"


def _refuse_to_overwrite(where: Location, *, demo: bool) -> None:
    """Refuse a database or folder that holds a workspace, a file where the folder would
    be, and a folder not empty for the demo (it would mix with what is there)."""
    from strategy.storage import DB_NAME
    from strategy.usecases import Workspace

    root = where.folder
    if root is None:
        if Workspace(where).exists():
            raise RolloutError(f"{where}: a workspace already exists in this database")
        return
    if root.exists() and not root.is_dir():
        raise RolloutError(f"{root}: this is a file; a workspace is a folder")
    if (root / DB_NAME).exists():
        raise RolloutError(f"{root}: a workspace already exists here")
    if demo and root.exists() and any(root.iterdir()):
        raise RolloutError(f"{root}: the folder is not empty; the demo needs a new or empty one")


ADD: Final = "add"
REMOVE: Final = "remove"
"""``standup add WS ...`` and ``standup remove WS ID``: the first word after ``standup`` adds
or removes an item rather than naming the workspace (the agenda is ``standup WS``)."""

ITEM_FIELDS: Final = ("slot", "text", "owner")
"""The options only ``standup add`` takes."""


@command("standup")
@arg(
    "item_workspace",
    nargs="?",
    metavar="WORKSPACE",
    help="after `add` or `remove`: the workspace of the item (`standup add WS --slot ...`, "
    "`standup remove WS ID`)",
)
@arg(
    "item_id",
    nargs="?",
    type=int,
    metavar="ID",
    help="after `remove WS`: the item's number, as #ID in the agenda's text",
)
@option("--on", help="the stand-up's day, YYYY-MM-DD (default: today)")
@option("--format", choices=["text", "markdown", "json"], default="text")
@option("--slot", help=f"with add: {' | '.join(s.value for s in Slot)}")
@option("--text", help="with add: what to raise")
@option("--owner", help="with add: who picks it up")
def standup(args: argparse.Namespace) -> str:
    """The agenda of the day's stand-up, read from the workspace as it stood each day, with
    the items the team added (in the text, each with its number); or, as ``standup add WS``,
    add an item to a slot; or, as ``standup remove WS ID``, remove one."""
    on = day(args.on, "--on") if args.on else clock.today()
    acting_on_item = args.item_workspace is not None
    if args.workspace == REMOVE and acting_on_item:
        return _remove_item(args)
    if args.item_id is not None:
        raise RolloutError(f"{args.item_id}: an item's number only with `standup remove WS ID`")
    if args.workspace == ADD and acting_on_item:
        return _add_item(args, on)
    if acting_on_item:
        raise RolloutError(
            f"{args.item_workspace}: expected `standup WS`, `standup add WS` or "
            "`standup remove WS ID`"
        )
    given = [f"--{name}" for name in ITEM_FIELDS if getattr(args, name) is not None]
    if given:
        raise RolloutError(f"{given[0]}: only with `standup add WS`")
    from strategy.domain.access import executives
    from strategy.usecases import Workspace
    from strategy.views.standup import agenda, agenda_json, agenda_markdown, agenda_text, with_slots

    ws = Workspace.open(args.workspace)
    found = agenda(on, lambda d: ws.snapshot(as_of=d), executives(ws.user_roles()))
    found = with_slots(found, ws.standup_items(on))
    writers = {"text": agenda_text, "markdown": agenda_markdown, "json": agenda_json}
    return writers[args.format](found).rstrip("\n")


def _add_item(args: argparse.Namespace, on: dt.date) -> str:
    args.workspace = args.item_workspace
    ws, acting = open_workspace(args)
    item = ws.add_standup_item(acting, day=on, slot=args.slot, text=args.text, owner=args.owner)
    return (
        f"added item #{item.id} to {SLOT_TITLES[item.slot]} of {on.isoformat()}: "
        f"{item.text} ({item.owner})"
    )


def _remove_item(args: argparse.Namespace) -> str:
    """Remove the item numbered ID; a refusal names it (``stand-up item #ID: ...``)."""
    given = [f"--{name}" for name in (*ITEM_FIELDS, "on") if getattr(args, name) is not None]
    if given:
        raise RolloutError(
            f"{given[0]}: not with `standup remove WS ID` (the number names the item)"
        )
    if args.item_id is None:
        raise RolloutError("standup remove: expected the item's number: `standup remove WS ID`")
    args.workspace = args.item_workspace
    ws, acting = open_workspace(args)
    try:
        item = ws.remove_standup_item(acting, args.item_id)
    except PermissionDenied as exc:
        raise PermissionDenied(f"stand-up item #{args.item_id}: {exc}") from None
    return (
        f"removed item #{item.id} from {SLOT_TITLES[item.slot]} of {item.day.isoformat()}: "
        f"{item.text} ({item.owner})"
    )


@command("report")
@option("--format", choices=["json", "text", "csv"], default="text")
@option(
    "--as-of",
    help="the report as it stood on this date, YYYY-MM-DD: uploads made later and data "
    "after it ignored, weeks not ended by then in progress",
)
def report(args: argparse.Namespace) -> str:
    """The report now, or as it stood on ``--as-of`` (not after today)."""
    from strategy.domain.analysis import analyse
    from strategy.report import report_json, report_text, weekly_csv
    from strategy.usecases import Workspace

    today = clock.today()
    as_of = day(args.as_of, "--as-of") if args.as_of else today
    if as_of > today:
        raise RolloutError(f"--as-of: {as_of.isoformat()} is after today ({today.isoformat()})")
    state = Workspace.open(args.workspace).snapshot(as_of=as_of if args.as_of else None)
    writers = {"json": report_json, "text": report_text, "csv": weekly_csv}
    return writers[args.format](analyse(state, as_of)).rstrip("\n")
