"""Strategy tests, the ``test`` commands: log one, list them with their statistics, update
its counts, status or decision, remove it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

from strategy.cli.commands import Declaration, arg, command, option, together
from strategy.cli.common import TEXT_OR_JSON, as_json, open_workspace, snapshot
from strategy.domain import clock
from strategy.domain.errors import RolloutError
from strategy.domain.experiments.fields import FIELD, UPDATABLE

ARMS: Final = ("control", "variant")

ARM_PARTS: Final = ("n", "successes", "mean", "sd")
"""Each arm's fields given as options: ``--control-n``, ``--variant-mean`` and so on."""

LOGGED: Final = ("title", "hypothesis", "platform", "metric", "kind")
"""The fields ``test log`` asks for before the arms' counts (the rest follow them)."""

CLOSING: Final = ("start", "end", "status", "decision")
"""The fields ``test log`` asks for after the arms' counts and the planned split."""


def _field_option(name: str, *, new: bool) -> Declaration:
    """A test's field as an option, from its one declaration (``TEST_FIELDS``): required
    and defaulted for a new test, neither for a change."""
    spec = FIELD[name]
    settings: dict[str, object] = {"help": spec.help or None}
    if spec.choices:
        settings["choices"] = [str(c) for c in spec.choices]
    if new and spec.required:
        settings["required"] = True
    elif new and spec.default is not None:
        settings["default"] = spec.default
    return option(spec.option, **settings)


def _arm_options(arm: str) -> Declaration:
    return together(
        *(_field_option(f"{arm}_{part}", new=False) for part in ARM_PARTS),
        option(
            f"--{arm}-values",
            metavar="FILE",
            help=f"a mean test: a .parquet or .csv file of the {arm} arm's per-unit values "
            "(one column, or one named value); gives its n, mean and sd",
        ),
    )


ARM_COUNTS: Final = together(*(_arm_options(arm) for arm in ARMS))
"""Each arm's counts: a conversion test's exposures and successes, a mean test's units, mean
and sd, or a file of its per-unit values."""


def _arms(args: argparse.Namespace) -> dict[str, object]:
    """The arms' fields a command gives (``None`` for those it leaves out); a file of
    per-unit values gives its arm's n, mean and sd."""
    fields: dict[str, object] = {
        f"{arm}_{part}": getattr(args, f"{arm}_{part}") for arm in ARMS for part in ARM_PARTS
    }
    for arm in ARMS:
        file = getattr(args, f"{arm}_values", None)
        if file:
            from strategy.domain.unit_values import read_arm

            summary = read_arm(Path(file))
            fields |= {f"{arm}_n": summary.n, f"{arm}_mean": summary.mean, f"{arm}_sd": summary.sd}
    return fields


@command("test log", help="log a strategy test")
@together(*(_field_option(name, new=True) for name in LOGGED))
@ARM_COUNTS
@_field_option("planned_split", new=True)
@together(*(_field_option(name, new=True) for name in CLOSING))
def log_test(args: argparse.Namespace) -> str:
    """Log a test with the counts known so far; prints its id."""
    ws, actor = open_workspace(args)
    arms = {k: v for k, v in _arms(args).items() if v is not None}
    named = (*LOGGED, "planned_split", *CLOSING)
    test = ws.log_test(actor, {**{k: getattr(args, k) for k in named}, **arms})
    return f"logged test #{test.id}: {test.title}"


@command("test list", help="every test with its statistics and conclusion")
@TEXT_OR_JSON
def list_tests(args: argparse.Namespace) -> str:
    """Every test with its statistics and conclusion, flagging one running past its end."""
    from strategy.domain.analysis import analyse
    from strategy.report import test_json

    today = clock.today()
    results = analyse(snapshot(args), today).tests
    if args.format == "json":
        return as_json([test_json(r, today) for r in results])
    lines = [
        f"#{r.test.id} [{r.test.status.value}] {r.test.title} ({r.test.platform}, "
        f"{r.test.start} to {r.test.end})"
        + (" STILL RUNNING PAST ITS END" if r.test.overdue(today) else "")
        + f": {r.conclusion}"
        for r in results
    ]
    return "\n".join(lines) or "(no tests logged)"


UPDATED_ONLY: Final = tuple(
    name for name in UPDATABLE if not name.startswith(tuple(f"{arm}_" for arm in ARMS))
)
"""What ``test update`` may change besides the arms' counts (``UPDATABLE``)."""


@command(
    "test update", help="change a test's counts and end (planned or running), status, decision"
)
@arg("test_id", type=int, metavar="ID")
@ARM_COUNTS
@together(*(_field_option(name, new=False) for name in UPDATED_ONLY))
def update_test(args: argparse.Namespace) -> str:
    """Change the fields given (an empty ``--decision`` clears it); at least one is needed."""
    given = {**_arms(args), **{k: getattr(args, k) for k in UPDATED_ONLY}}
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise RolloutError(
            "test update: nothing to change; give the arms' --control-/--variant- counts "
            "(n, successes, mean, sd, values), --planned-split, --end, --status or --decision"
        )
    ws, actor = open_workspace(args)
    test = ws.update_test(actor, args.test_id, changes).value
    return f"updated test #{test.id}: {test.title} [{test.status.value}]"


@command("test remove", help="remove a logged test for good")
@arg("test_id", type=int, metavar="ID")
def remove_test(args: argparse.Namespace) -> str:
    """Remove a logged test for good."""
    ws, actor = open_workspace(args)
    ws.remove_test(actor, args.test_id)
    return f"removed test #{args.test_id}"
