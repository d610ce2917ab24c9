"""The README's command examples are the command line's: every ``python -m strategy`` line of
its fenced blocks (and every such inline example) parses with the real parser, and every
command the parser has is shown in the fenced blocks at least once."""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from strategy.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

FENCED = re.compile(r"^```[\w-]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
"""A fenced block's text."""

CALL = re.compile(r"(?:^|[\s;&|(])(?:\S*/)?python -m strategy(?=\s|$)(.*)")
"""A call of the command line in a shell line (``.venv/bin/python`` too, not ``strategy.demo``),
and what follows it."""

INLINE = re.compile(r"`(?:\S*/)?python -m strategy\s([^`]*)`")
"""An inline example in the prose: ``python -m strategy users set WS ...``."""

SHELL = frozenset({"|", "||", "&&", ";", ">", ">>", "2>"})
"""Where the shell takes over from the command's arguments (``report ... | head -1``)."""

PLACEHOLDERS = {
    "WS": "ws",
    "$URL": "postgresql://rollout:secret@localhost:5432/rollout",
    "FILE...": "metrics.csv",
    "N": "4",
}
"""The README's stand-ins, as a user would fill them in."""


def _fenced_examples() -> list[str]:
    """The arguments of each call in the fenced blocks, continuation lines joined."""
    found = []
    for block in FENCED.findall(README):
        for line in block.replace("\\\n", " ").splitlines():
            call = CALL.search(line)
            if call:
                found.append(call.group(1).strip())
    return found


def _inline_examples() -> list[str]:
    """The arguments of each inline example, its line breaks read as spaces."""
    return [" ".join(found.split()) for found in INLINE.findall(README)]


def _argv(example: str) -> list[str]:
    """The words the command line gets: quotes and comments as the shell reads them, up to a
    pipe or the next command, placeholders filled in."""
    words = shlex.split(example, comments=True)
    end = next((n for n, word in enumerate(words) if word in SHELL), len(words))
    return [PLACEHOLDERS.get(word, word) for word in words[:end]]


def _parsed(example: str) -> argparse.Namespace:
    """The example as the real parser reads it; a usage error fails with the example."""
    try:
        return build_parser().parse_args(_argv(example))
    except SystemExit as exit_:
        pytest.fail(f"the README's `python -m strategy {example}` does not parse ({exit_.code})")


def _command(args: argparse.Namespace) -> tuple[str, ...]:
    """The command the parsed arguments run, as the words a user types (``team add``)."""
    sub = getattr(args, f"{args.command}_command", None)
    return (args.command,) if sub is None else (args.command, sub)


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every command of the parser that runs something, as the words a user types."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        return {path}
    return {leaf for name, sub in groups[0].choices.items() for leaf in _leaves(sub, (*path, name))}


FENCED_EXAMPLES = _fenced_examples()
INLINE_EXAMPLES = _inline_examples()


def test_the_readme_has_command_examples_to_check() -> None:
    assert len(FENCED_EXAMPLES) >= 40 and len(INLINE_EXAMPLES) >= 4


@pytest.mark.parametrize("example", FENCED_EXAMPLES + INLINE_EXAMPLES)
def test_each_readme_example_parses_with_the_real_parser(example: str) -> None:
    assert _parsed(example).run is not None


def test_every_command_is_shown_in_the_readmes_command_blocks() -> None:
    shown = {_command(_parsed(example)) for example in FENCED_EXAMPLES}
    missing = sorted(" ".join(words) for words in _leaves(build_parser()) - shown)
    assert not missing, f"commands with no example in the README: {', '.join(missing)}"


def test_listing_the_commands_imports_no_command_module() -> None:
    """``python -m strategy --help`` answers without pandas, the statistics or the database."""
    probe = (
        "import sys, contextlib, io\n"
        "from strategy.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "heavy = ('pandas', 'statsmodels', 'scipy', 'duckdb', 'sqlalchemy', 'strategy.storage')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr
