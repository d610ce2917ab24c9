"""Strategy tests, the ``test`` commands: log one, list them with their statistics, update
its counts, status or decision, remove it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

from strategy.cli.commands import Declaration, arg, command, option, together
from strategy.cli.common import TEXT_OR_JSON, as_json, open_workspace, snapshot
from strategy.domain import clock
from strategy.domain.analysis import analyse
from strategy.domain.errors import RolloutError
from strategy.domain.experiments import TestKind, TestStatus
from strategy.domain.unit_values import read_arm
from strategy.report import test_json

ARMS: Final = ("control", "variant")

ARM_OPTIONS: Final = ("n", "successes", "mean", "sd")
"""Each arm's options: ``--control-n``, ``--variant-mean`` and so on."""


def _arm_options(arm: str) -> Declaration:
    return together(
        option(f"--{arm}-n", help=f"{arm} exposures (a mean test: units)"),
        option(f"--{arm}-successes", help=f"{arm} successes (a conversion test)"),
        option(f"--{arm}-mean", help=f"{arm} per-unit mean (a mean test)"),
        option(f"--{arm}-sd", help=f"{arm} per-unit standard deviation (a mean test)"),
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
        f"{arm}_{part}": getattr(args, f"{arm}_{part}") for arm in ARMS for part in ARM_OPTIONS
    }
    for arm in ARMS:
        file = getattr(args, f"{arm}_values", None)
        if file:
            summary = read_arm(Path(file))
            fields |= {f"{arm}_n": summary.n, f"{arm}_mean": summary.mean, f"{arm}_sd": summary.sd}
    return fields


@command("test log", help="log a strategy test")
@option("--title", required=True)
@option("--hypothesis", default="")
@option("--platform", required=True)
@option("--metric", required=True)
@option(
    "--kind",
    choices=[k.value for k in TestKind],
    default=TestKind.CONVERSION.value,
    help="conversion: exposures and successes per arm; mean: per-unit values per arm",
)
@ARM_COUNTS
@option(
    "--planned-split",
    default=0.5,
    help="the control arm's planned share of exposures (default 0.5, a 50/50 split)",
)
@option("--start", required=True)
@option("--end", required=True)
@option("--status", required=True, choices=[s.value for s in TestStatus])
@option("--decision", default="")
def log_test(args: argparse.Namespace) -> str:
    """Log a test with the counts known so far; prints its id."""
    ws, actor = open_workspace(args)
    arms = {k: v for k, v in _arms(args).items() if v is not None}
    fields = ("title", "hypothesis", "platform", "metric", "kind", "planned_split")
    test = ws.log_test(
        actor,
        {
            **{k: getattr(args, k) for k in fields},
            **arms,
            **{k: getattr(args, k) for k in ("start", "end", "status", "decision")},
        },
    )
    return f"logged test #{test.id}: {test.title}"


@command("test list", help="every test with its statistics and conclusion")
@TEXT_OR_JSON
def list_tests(args: argparse.Namespace) -> str:
    """Every test with its statistics and conclusion, flagging one running past its end."""
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


@command(
    "test update", help="change a test's counts and end (planned or running), status, decision"
)
@arg("test_id", type=int, metavar="ID")
@ARM_COUNTS
@option("--planned-split", help="the control arm's planned share of exposures")
@option("--end", help="YYYY-MM-DD")
@option("--status", choices=[s.value for s in TestStatus])
@option("--decision")
def update_test(args: argparse.Namespace) -> str:
    """Change the fields given (an empty ``--decision`` clears it); at least one is needed."""
    given = {**_arms(args), **{k: getattr(args, k) for k in ("planned_split", "end", "status")}}
    changes = {k: v for k, v in given.items() if v is not None}
    if args.decision is not None:
        changes["decision"] = args.decision
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
