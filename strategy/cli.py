"""The command line, ``python -m strategy``: the same workspace operations as the app.

Exit code 0 on success; 1 with a one-line reason on stderr when the command fails, 2 (also
one line) when the arguments are wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from strategy.access import LOCAL_USER, AccessRole, Actor
from strategy.demo import DEMO_DIR, seed_demo
from strategy.errors import RolloutError
from strategy.gates import CHECKLIST_ITEMS
from strategy.report import analyse, report_json, report_text
from strategy.store import Workspace
from strategy.team import Role


def _actor(args: argparse.Namespace) -> Actor:
    return Actor(args.actor, AccessRole.ADMIN) if args.actor else LOCAL_USER


def _cmd_init(args: argparse.Namespace) -> str:
    root = Path(args.workspace)
    if root.exists() and not root.is_dir():
        raise RolloutError(f"{root}: this is a file; a workspace is a folder")
    if (root / "workspace.sqlite").exists():
        raise RolloutError(f"{root}: a workspace already exists here")
    if args.demo and root.exists() and any(root.iterdir()):
        raise RolloutError(f"{root}: the folder is not empty; the demo needs a new or empty one")
    if args.demo:
        seed_demo(root, Path(args.demo_source))
        return f"created demo workspace {root}"
    Workspace.open(root, create=True)
    return f"created workspace {root}"


def _cmd_import(args: argparse.Namespace) -> str:
    """Import the files in order, saying each one as it lands; stop at the first refusal."""
    ws = Workspace.open(args.workspace)
    for n, file in enumerate(args.files):
        try:
            up = ws.import_file(_actor(args), Path(file))
        except RolloutError as exc:
            if n == 0:
                raise
            rest = len(args.files) - n - 1
            raise RolloutError(
                f"{exc} ({n} earlier file(s) imported"
                + (f"; {rest} later file(s) not tried)" if rest else ")")
            ) from exc
        print(
            f"imported {up.name} as upload #{up.id}: {up.layout}, {up.rows} rows, "
            f"{', '.join(up.platforms)}, weeks {up.first_week} to {up.last_week}",
            flush=True,
        )
    return ""


def _cmd_remove_upload(args: argparse.Namespace) -> str:
    Workspace.open(args.workspace).remove_upload(_actor(args), args.upload_id)
    return f"removed upload #{args.upload_id}"


def _cmd_team_add(args: argparse.Namespace) -> str:
    member = Workspace.open(args.workspace).add_assignment(
        _actor(args),
        name=args.name,
        role=args.role,
        hours=args.hours,
        channel=args.channel,
        available_hours=args.available,
    )
    return f"{member.name}: {', '.join(r.value for r in member.roles)}"


def _cmd_team_list(args: argparse.Namespace) -> str:
    snap = Workspace.open(args.workspace).snapshot()
    lines = []
    for m in snap.members:
        roles = ", ".join(
            f"{a.role.value}{f' ({a.channel})' if a.channel else ''} {a.hours:g} h"
            for a in m.assignments
        )
        flag = "  OVERLOADED" if m.overloaded else ""
        lines.append(f"{m.name}: {roles}; available {m.available_hours:g} h{flag}")
    return "\n".join(lines) if lines else "(no team members yet)"


def _cmd_checklist(args: argparse.Namespace) -> str:
    Workspace.open(args.workspace).set_checklist(
        _actor(args), args.platform, args.done, args.on or _today()
    )
    return f"{args.platform}: {args.done} done"


def _cmd_test_log(args: argparse.Namespace) -> str:
    test = Workspace.open(args.workspace).log_test(
        _actor(args),
        {
            "title": args.title,
            "hypothesis": args.hypothesis,
            "platform": args.platform,
            "metric": args.metric,
            "control_n": args.control_n,
            "control_successes": args.control_successes,
            "variant_n": args.variant_n,
            "variant_successes": args.variant_successes,
            "start": args.start,
            "end": args.end,
            "status": args.status,
            "decision": args.decision,
        },
    )
    return f"logged test #{test.id}: {test.title}"


def _cmd_users_set(args: argparse.Namespace) -> str:
    role = None if args.role == "none" else args.role
    Workspace.open(args.workspace).set_user_role(_actor(args), args.email, role)
    return f"{args.email.strip().lower()}: {args.role}"


def _cmd_users_list(args: argparse.Namespace) -> str:
    roles = Workspace.open(args.workspace).user_roles()
    return "\n".join(f"{email}: {role}" for email, role in roles.items()) or "(no users mapped)"


def _cmd_report(args: argparse.Namespace) -> str:
    analysis = analyse(Workspace.open(args.workspace).snapshot())
    text = report_json(analysis) if args.format == "json" else report_text(analysis)
    return text.rstrip("\n")


def _today() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).date().isoformat()


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with --help on every sub-command."""
    parser = _Parser(
        prog="python -m strategy", description="Social Rollout Tracker workspace tool."
    )
    parser.add_argument("--actor", help="name recorded in the audit log (default: local)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create a workspace folder")
    p.add_argument("workspace")
    p.add_argument("--demo", action="store_true", help="fill it with the demo company")
    p.add_argument("--demo-source", default=str(DEMO_DIR), help=argparse.SUPPRESS)
    p.set_defaults(run=_cmd_init)

    p = sub.add_parser("import", help="import metric parquet files (long, wide or events)")
    p.add_argument("workspace")
    p.add_argument("files", nargs="+")
    p.set_defaults(run=_cmd_import)

    p = sub.add_parser("remove-upload", help="remove an upload; earlier values come back")
    p.add_argument("workspace")
    p.add_argument("upload_id", type=int)
    p.set_defaults(run=_cmd_remove_upload)

    team = sub.add_parser("team", help="the cross-functional team").add_subparsers(
        dest="team_command", required=True
    )
    p = team.add_parser("add", help="give a person a role (adds the person if new)")
    p.add_argument("workspace")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, help=", ".join(r.value for r in Role))
    p.add_argument("--channel", help="revenue channel, for channel_rep")
    p.add_argument("--hours", required=True, help="hours per week for this role")
    p.add_argument("--available", help="hours per week the person can give (default: --hours)")
    p.set_defaults(run=_cmd_team_add)
    p = team.add_parser("list", help="show the team")
    p.add_argument("workspace")
    p.set_defaults(run=_cmd_team_list)

    p = sub.add_parser("checklist", help="tick a setup checklist item of a platform")
    p.add_argument("workspace")
    p.add_argument("platform")
    p.add_argument("--done", required=True, help=f"{', '.join(CHECKLIST_ITEMS)} or all")
    p.add_argument("--on", help="date done, YYYY-MM-DD (default: today)")
    p.set_defaults(run=_cmd_checklist)

    test = sub.add_parser("test", help="strategy tests").add_subparsers(
        dest="test_command", required=True
    )
    p = test.add_parser("log", help="log a strategy test")
    p.add_argument("workspace")
    p.add_argument("--title", required=True)
    p.add_argument("--hypothesis", default="")
    p.add_argument("--platform", required=True)
    p.add_argument("--metric", required=True)
    p.add_argument("--control-n", required=True)
    p.add_argument("--control-successes", required=True)
    p.add_argument("--variant-n", required=True)
    p.add_argument("--variant-successes", required=True)
    p.add_argument("--start", required=True)
    p.add_argument("--end", required=True)
    p.add_argument("--status", required=True, choices=["planned", "running", "concluded"])
    p.add_argument("--decision", default="")
    p.set_defaults(run=_cmd_test_log)

    users = sub.add_parser(
        "users", help="who may do what when the app runs with login (OIDC)"
    ).add_subparsers(dest="users_command", required=True)
    p = users.add_parser("set", help="map an e-mail address to viewer, editor or admin")
    p.add_argument("workspace")
    p.add_argument("email")
    p.add_argument("role", choices=["viewer", "editor", "admin", "none"])
    p.set_defaults(run=_cmd_users_set)
    p = users.add_parser("list", help="show the e-mail to role mapping")
    p.add_argument("workspace")
    p.set_defaults(run=_cmd_users_list)

    p = sub.add_parser("report", help="the rollout report")
    p.add_argument("workspace")
    p.add_argument("--format", choices=["json", "text"], default="text")
    p.set_defaults(run=_cmd_report)
    return parser


def _fail(reason: str) -> int:
    print(f"error: {' '.join(reason.split())}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; print its result, or a one-line reason on stderr."""
    args = build_parser().parse_args(argv)
    try:
        output = args.run(args)
    except RolloutError as exc:
        return _fail(str(exc))
    except OSError as exc:  # a path that is a file, a folder not writable, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    if output:
        print(output)
    return 0
