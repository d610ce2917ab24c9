"""Commands declared beside their functions, as click declares them, on argparse.

A command is a function from the parsed arguments to what it prints. Stacked on it, from the
top: ``@command("team add", help=...)``, then one ``@option``/``@arg`` per argument in the
order ``--help`` lists them. Every command takes the workspace first; ``WORKSPACE`` declares
it once. A top-level command (``init``) has no help of its own here: its line in the list of
commands is the one ``parser.ENTRIES`` gives, so ``--help`` names every command without
importing any of them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

Run = Callable[[argparse.Namespace], str]
"""A command's function: the parsed arguments in, the text to print out ("" for nothing)."""

Declaration = Callable[[Run], Run]
"""What ``@option``, ``@arg`` and ``@command`` return: a decorator that records and passes on."""

WORKSPACE_HELP: Final = "a workspace folder, or a postgresql://user:password@host:port/database URL"


@dataclass(frozen=True)
class Param:
    """One argument of a command: ``add_argument``'s flags (or positional name) and keywords."""

    flags: tuple[str, ...]
    settings: tuple[tuple[str, Any], ...]

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Declare this argument on ``parser``."""
        parser.add_argument(*self.flags, **dict(self.settings))


WORKSPACE: Final = Param(("workspace",), (("help", WORKSPACE_HELP),))
"""The first argument of every command: where the workspace lives."""


@dataclass(frozen=True)
class Command:
    """A command as a user types it (``("team", "add")``), its help line, its function and its
    arguments after the workspace."""

    words: tuple[str, ...]
    help: str | None
    run: Run
    params: tuple[Param, ...]

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` this command's arguments and function."""
        WORKSPACE.add_to(parser)
        for param in self.params:
            param.add_to(parser)
        parser.set_defaults(run=self.run)


COMMANDS: Final[list[Command]] = []
"""Every command declared so far, in the order their modules declare them."""

_PARAMS: Final[dict[Run, list[Param]]] = {}
"""The arguments declared on each function, top first, until ``@command`` takes them."""


def _declare(flags: tuple[str, ...], settings: dict[str, Any]) -> Declaration:
    def record(run: Run) -> Run:
        # decorators apply bottom up: each goes in front of those below it
        _PARAMS.setdefault(run, []).insert(0, Param(flags, tuple(settings.items())))
        return run

    return record


def option(*flags: str, **settings: Any) -> Declaration:
    """An option (``--name``), with ``add_argument``'s keywords."""
    if not all(flag.startswith("-") for flag in flags):
        raise ValueError(f"an option's flags start with '-': {flags}")
    return _declare(flags, settings)


def arg(name: str, **settings: Any) -> Declaration:
    """A positional argument after the workspace, with ``add_argument``'s keywords."""
    if name.startswith("-"):
        raise ValueError(f"a positional argument has no '-': {name}")
    return _declare((name,), settings)


def together(*declarations: Declaration) -> Declaration:
    """Several declarations as one, in the order given (options that commands share)."""

    def apply(run: Run) -> Run:
        for declare in reversed(declarations):
            run = declare(run)
        return run

    return apply


def command(name: str, help: str | None = None) -> Declaration:
    """Register the function as the command ``name`` (``"team add"``) with the arguments
    declared below this line; a function may be registered under two names."""
    words = tuple(name.split())
    if not 1 <= len(words) <= 2 or (len(words) == 1) != (help is None):
        raise ValueError(f"{name!r}: a group's command has a help line, a top-level one not")

    def register(run: Run) -> Run:
        COMMANDS.append(Command(words, help, run, tuple(_PARAMS.get(run, ()))))
        return run

    return register
