"""The command line's first level (each command or group, its help line, the module that
declares it), the parser built from it, and ``main``.

Listing the first level here lets ``python -m strategy --help`` print every command without
importing a command module, and so without pandas, the statistics or the database: a command
line loads only the modules of the commands it names.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final, NoReturn

from strategy.cli.commands import COMMANDS, Command
from strategy.domain.errors import RolloutError

PROG: Final = "python -m strategy"


@dataclass(frozen=True)
class Entry:
    """A first word of the command line: its help line and the module under ``strategy.cli``
    that declares it (a command, or a group's commands)."""

    name: str
    help: str
    module: str


_FIRST_LEVEL: Final = {
    "init": ("workspace", "create a workspace: a folder, or an empty PostgreSQL database"),
    "import": ("uploads", "import metric files: parquet, CSV, xlsx or xls (long, wide or events)"),
    "mappings": ("uploads", "saved mappings of files that are neither exports nor layouts"),
    "remove-upload": ("uploads", "the same as `uploads remove` (older spelling)"),
    "team": ("team", "the cross-functional team"),
    "company": ("settings", "the company profile the recommended team is built from"),
    "settings": ("settings", "the resource signal's settings and the returning window"),
    "uploads": ("uploads", "imported metric files"),
    "rates": ("settings", "hourly rates: what the team and the gap cost"),
    "checklist": ("stages", "tick a setup checklist item of a platform"),
    "serves": ("team", "which demand (messages, content, monitoring) each role's hours serve"),
    "test": ("experiments", "strategy tests"),
    "users": ("settings", "who may do what when the app runs with login (OIDC)"),
    "gates": ("stages", "the criteria that move a platform between stages"),
    "override": ("stages", "manual stage decisions, shown as overrides"),
    "baseline": (
        "uploads",
        "a platform's followers on one day, from which exports of daily gains build its followers",
    ),
    "request": (
        "requests",
        "resource requests: raised by the social expert, decided by an executive",
    ),
    "onboarding": ("requests", "30-60-90-day plans of the people an approved request brings"),
    "platform": ("platforms", "a stalled platform's stop-or-continue review, and its restart"),
    "standup": ("workspace", "the daily stand-up's agenda: what changed, who picks up"),
    "report": ("workspace", "the rollout report, or the weekly table as CSV"),
    "brief": ("brief", "the executives' one-page brief, as a PDF"),
}
"""The first level, in the order ``--help`` lists it: each word's module under ``strategy.cli``
and its help line."""

ENTRIES: Final = tuple(Entry(name, help, module) for name, (module, help) in _FIRST_LEVEL.items())


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see --help)\n")


def _declared(entry: Entry) -> list[Command]:
    """The commands under ``entry``, its module imported (which declares them); a command the
    module declares under a first word listed with another module (or none) is refused, as it
    would be missing whenever that module is not loaded."""
    module = importlib.import_module(f"strategy.cli.{entry.module}").__name__
    for cmd in COMMANDS:
        listed = _FIRST_LEVEL.get(cmd.words[0], ("nowhere",))[0]
        if cmd.run.__module__ == module and listed != entry.module:
            raise LookupError(f"{module} declares {' '.join(cmd.words)!r}; ENTRIES lists {listed}")
    found = [c for c in COMMANDS if c.words[0] == entry.name]
    if not found:
        raise LookupError(f"{module} declares no {entry.name!r} command")
    return found


def _add_entry(parser: argparse.ArgumentParser, entry: Entry) -> None:
    """Give ``parser`` (the entry's own) its command's arguments, or its group's commands."""
    found = _declared(entry)
    if found[0].words == (entry.name,):
        found[0].add_to(parser)
        return
    group = parser.add_subparsers(dest=f"{entry.name}_command", required=True)
    for cmd in found:
        cmd.add_to(group.add_parser(cmd.words[1], help=cmd.help))


def build_parser(named: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser, with --help on every sub-command.

    Given the words of a command line, only the commands it names get their arguments (and
    their modules imported); the others are listed with their help line alone.
    """
    parser = _Parser(prog=PROG, description="Social Rollout Tracker workspace tool.")
    parser.add_argument(
        "--actor",
        help="who acts, as recorded in the audit log: acts with the role `users set` maps "
        "this address to, or as an admin when it is mapped to nothing (default: local)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for entry in ENTRIES:
        own = sub.add_parser(entry.name, help=entry.help)
        if named is None or entry.name in named:
            _add_entry(own, entry)
    return parser


def _fail(reason: str) -> int:
    print(f"error: {' '.join(reason.split())}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; print its result, or a one-line reason on stderr.

    A reader that closes the pipe early (``report | head -1``) ends the command quietly.
    """
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(named=set(words)).parse_args(words)
    try:
        output = args.run(args)
        if output:
            print(output)
            sys.stdout.flush()
    except BrokenPipeError:
        # Python's advice: point stdout at devnull, so the flush at exit does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except RolloutError as exc:
        return _fail(str(exc))
    except OSError as exc:  # a path that is a file, a folder not writable, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    return 0
