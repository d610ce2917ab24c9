"""What moves a platform between stages: the setup ``checklist``, the ``gates`` and their
criteria, and the manual decisions kept as an ``override``."""

from __future__ import annotations

import argparse
import re
from typing import Final

from strategy.cli.commands import arg, command, option
from strategy.cli.common import open_workspace, snapshot
from strategy.domain import clock
from strategy.domain.errors import RolloutError
from strategy.domain.gates import CHECKLIST_ITEMS, OPERATORS, Gate, Stage, gates_to_dict
from strategy.domain.numbers import plural
from strategy.domain.stages import Override


@command("checklist")
@arg("platform")
@option("--done", required=True, help=f"{', '.join(CHECKLIST_ITEMS)} or all")
@option("--on", help="date done, YYYY-MM-DD (default: today)")
@option("--undo", action="store_true", help="mark it not done")
def checklist(args: argparse.Namespace) -> str:
    """Tick a setup checklist item (or all) done on a day, or ``--undo`` it."""
    ws, actor = open_workspace(args)
    if args.undo and args.on:
        raise RolloutError("checklist: give --on or --undo, not both")
    ws.set_checklist(
        actor, args.platform, args.done, None if args.undo else (args.on or clock.today())
    )
    return f"{args.platform}: {args.done} {'not done' if args.undo else 'done'}"


_GATE_KEYS: Final = {
    (Stage.SETUP.value, Stage.RETENTION.value): "to_retention",
    (Stage.RETENTION.value, Stage.ACTIVE.value): "to_active",
}
"""The two gates a command line can name, by their stages, and their key in the gate set."""

_CRITERION: Final = re.compile(r"([^<>=]+?)\s*(>=|<=|>|<)\s*([^<>=]+)")
"""``METRIC OP VALUE``; the store checks the metric and the number."""


def _gate_line(gate: Gate) -> str:
    checklist = "setup checklist required" if gate.requires_checklist else "no setup checklist"
    return (
        f"{gate.source.value} -> {gate.target.value}: "
        f"{', '.join(c.describe() for c in gate.criteria)}; "
        f"{plural(gate.weeks_to_advance, 'week')} to advance, "
        f"{plural(gate.weeks_to_fall_back, 'week')} to fall back; {checklist}"
    )


def _criterion(raw: str) -> dict[str, str]:
    """A ``--criterion`` as the gate set's fields; the store checks the metric and number."""
    match = _CRITERION.fullmatch(raw.strip())
    if match is None:
        raise RolloutError(
            f"--criterion: expected METRIC OP VALUE with OP one of {', '.join(OPERATORS)} "
            f"(e.g. 'active_members >= 50'), got {raw!r}"
        )
    metric, op, threshold = match.groups()
    return {"metric": metric, "op": op, "threshold": threshold.strip()}


@command("gates list", help="show the two gates: criteria and week counts")
def gates_list(args: argparse.Namespace) -> str:
    """Both gates, one line each."""
    gates = snapshot(args).gates
    return "\n".join(_gate_line(g) for g in (gates.to_retention, gates.to_active))


@command("gates set", help="replace one gate's criteria (and, if given, its week counts)")
@arg("source", metavar="FROM", help="setup or retention")
@arg("target", metavar="TO", help="retention or active (the next stage)")
@option(
    "--criterion",
    action="append",
    required=True,
    help="METRIC OP VALUE, OP one of >=, >, <=, < (e.g. 'audience >= 100'); repeat for more",
)
@option("--weeks", help="consecutive weeks the criteria must hold to advance")
@option("--fallback-weeks", help="consecutive weeks failing them to fall back")
def gates_set(args: argparse.Namespace) -> str:
    """Replace the criteria of the gate between two stages; prints the gate as stored."""
    pair = (args.source.strip().lower(), args.target.strip().lower())
    key = _GATE_KEYS.get(pair)
    if key is None:
        valid = " or ".join(f"{a} {b}" for a, b in _GATE_KEYS)
        raise RolloutError(f"gate: expected {valid}, got {args.source} {args.target}")
    criteria = [_criterion(raw) for raw in args.criterion]
    ws, actor = open_workspace(args)
    current = ws.snapshot().gates
    new = gates_to_dict(current)
    new[key]["criteria"] = criteria
    if args.weeks is not None:
        new[key]["weeks_to_advance"] = args.weeks
    if args.fallback_weeks is not None:
        new[key]["weeks_to_fall_back"] = args.fallback_weeks
    stored = ws.set_gates(actor, new, expected=current).value
    return _gate_line(stored.to_retention if key == "to_retention" else stored.to_active)


def _override_line(o: Override) -> str:
    until = f" until {o.until.isoformat()}" if o.until else ""
    return f"#{o.id}: {o.platform} -> {o.stage.value} from {o.week.isoformat()}{until}"


@command("override add", help="set a platform's stage from a week on, with a reason")
@arg("platform")
@arg("stage", help="setup, retention or active")
@option("--from", dest="from_date", required=True, help="YYYY-MM-DD; it holds from its week")
@option("--until", help="YYYY-MM-DD; it holds through that week (default: until removed)")
@option("--reason", required=True, help="why, at least 5 characters")
def override_add(args: argparse.Namespace) -> str:
    """Set a platform's stage from a week on (through ``--until``), whatever the gates say."""
    ws, actor = open_workspace(args)
    override = ws.add_override(
        actor, args.platform, args.from_date, args.stage, args.reason, until=args.until
    )
    return f"override {_override_line(override)}"


@command("override remove", help="remove an override; the gates decide again")
@arg("override_id", type=int, metavar="ID")
def override_remove(args: argparse.Namespace) -> str:
    """Remove an override; the gates decide its weeks again."""
    ws, actor = open_workspace(args)
    removed = ws.remove_override(actor, args.override_id)
    return f"removed override {_override_line(removed)}"


@command("override list", help="show the overrides")
def override_list(args: argparse.Namespace) -> str:
    """One line per override, with who set it and why."""
    overrides = snapshot(args).overrides
    lines = [f"{_override_line(o)}{f' by {o.by}' if o.by else ''}: {o.reason}" for o in overrides]
    return "\n".join(lines) or "(no overrides)"
