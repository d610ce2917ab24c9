"""The command line, ``python -m strategy``: the same workspace operations as the app.

Exit code 0 on success; 1 with a one-line reason on stderr when the command fails, 2 (also
one line) when the arguments are wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final, NoReturn

from strategy.demo import DEMO_DIR, seed_demo
from strategy.domain import clock
from strategy.domain.access import LOCAL_USER, AccessRole, Actor, executives, parse_access_role
from strategy.domain.analysis import analyse
from strategy.domain.company import CompanyProfile
from strategy.domain.errors import NotFound, RolloutError, ValidationError
from strategy.domain.experiments import TestKind, TestStatus
from strategy.domain.gates import CHECKLIST_ITEMS, OPERATORS, Gate, Stage, gates_to_dict
from strategy.domain.metrics import Agg, aggregation_for
from strategy.domain.onboarding import item_dict, item_text, plan_for
from strategy.domain.requests import Decision, request_dict, request_text
from strategy.domain.resources import SETTING_NAMES, settings_to_dict
from strategy.domain.snapshot import Upload
from strategy.domain.stages import Override
from strategy.domain.team import DemandKind, Role, parse_role, serves_to_dict
from strategy.domain.unit_values import read_arm
from strategy.ingest.mappings import chosen_aggregations, mappings_to_dict
from strategy.report import report_json, report_text, test_json, weekly_csv
from strategy.storage import DB_NAME, Workspace, parse_location
from strategy.views.standup import agenda, agenda_json, agenda_markdown, agenda_text

WORKSPACE_HELP = "a workspace folder, or a postgresql://user:password@host:port/database URL"


def _actor(args: argparse.Namespace, ws: Workspace) -> Actor:
    """Who acts: ``--actor NAME`` with the role the workspace maps NAME to (an admin when it
    maps NAME to nothing), else the local user."""
    if not args.actor:
        return LOCAL_USER
    role = ws.user_roles().get(args.actor.strip().lower())
    return Actor(args.actor, parse_access_role(role) if role else AccessRole.ADMIN)


def _open(args: argparse.Namespace) -> tuple[Workspace, Actor]:
    """The named workspace, and who acts in it."""
    ws = Workspace.open(args.workspace)
    return ws, _actor(args, ws)


def _cmd_init(args: argparse.Namespace) -> str:
    where = parse_location(args.workspace)
    if where.folder is None:
        if Workspace(where).exists():
            raise RolloutError(f"{where}: a workspace already exists in this database")
        if args.demo:
            seed_demo(where, Path(args.demo_source))
            return f"created demo workspace {where}"
        Workspace.open(where, create=True)
        return f"created workspace {where}"
    root = where.folder
    if root.exists() and not root.is_dir():
        raise RolloutError(f"{root}: this is a file; a workspace is a folder")
    if (root / DB_NAME).exists():
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
    ws, actor = _open(args)
    for n, file in enumerate(args.files):
        try:
            up = ws.import_file(
                actor, Path(file), platform=args.platform, year=args.year, mapping=args.mapping
            )
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
            f"{', '.join(up.platforms)}, weeks {up.first_week} to {up.last_week}"
            + "".join(f"; {note}" for note in up.notes),
            flush=True,
        )
    return ""


def _cmd_mappings_list(args: argparse.Namespace) -> str:
    found = Workspace.open(args.workspace).snapshot().mappings
    lines = [f"{m.name}: {m.platform}, {', '.join(m.header)}" for _, m in sorted(found.items())]
    return "\n".join(lines) or "(no mappings)"


def _cmd_mappings_show(args: argparse.Namespace) -> str:
    found = Workspace.open(args.workspace).snapshot().mappings
    if args.name not in found:
        raise NotFound(f"no mapping is named {args.name!r}")
    return json.dumps(mappings_to_dict({args.name: found[args.name]})[args.name], indent=2)


def _cmd_mappings_remove(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    return f"removed mapping {ws.remove_mapping(actor, args.name).name!r}"


def _cmd_remove_upload(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    ws.remove_upload(actor, args.upload_id)
    return f"removed upload #{args.upload_id}"


def _cmd_team_add(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    member = ws.add_assignment(
        actor,
        name=args.name,
        role=args.role,
        hours=args.hours,
        channel=args.channel,
        available_hours=args.available,
        rate=args.rate,
    )
    return f"{member.name}: {', '.join(r.value for r in member.roles)}"


def _cmd_rates_set(args: argparse.Namespace) -> str:
    rate = None if args.rate.strip().lower() == "none" else args.rate
    ws, actor = _open(args)
    rates = ws.set_role_rate(actor, args.role, rate)
    value = rates.for_role(parse_role(args.role))
    return f"{parse_role(args.role).value}: {'no rate' if value is None else f'{value:g}'}"


def _cmd_rates_list(args: argparse.Namespace) -> str:
    snap = Workspace.open(args.workspace).snapshot()
    currency = snap.company.currency
    lines = [f"Hourly rates ({currency}), by role:"]
    for role in Role:
        value = snap.rates.for_role(role)
        lines.append(f"  {role.value}: {'no rate' if value is None else f'{value:g}'}")
    people = {m.name: snap.rates.for_person(m.name) for m in snap.members}
    own = {name: rate for name, rate in people.items() if rate is not None}
    if own:
        lines.append("People with their own rate:")
        lines += [f"  {name}: {rate:g}" for name, rate in own.items()]
    return "\n".join(lines)


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
    ws, actor = _open(args)
    if args.undo and args.on:
        raise RolloutError("checklist: give --on or --undo, not both")
    ws.set_checklist(
        actor, args.platform, args.done, None if args.undo else (args.on or clock.today())
    )
    return f"{args.platform}: {args.done} {'not done' if args.undo else 'done'}"


def _serves_line(role: Role, kinds: frozenset[DemandKind]) -> str:
    return f"{role.value}: {', '.join(sorted(k.value for k in kinds)) or 'nothing'}"


def _cmd_serves_list(args: argparse.Namespace) -> str:
    serves = Workspace.open(args.workspace).snapshot().role_serves
    return "\n".join(_serves_line(role, serves[role]) for role in Role)


def _cmd_serves_set(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    current = ws.snapshot().role_serves
    kinds = [] if args.kinds == ["nothing"] else args.kinds
    stored = ws.set_role_serves(
        actor, {**serves_to_dict(current), args.role: kinds}, expected=current
    ).value
    role = parse_role(args.role)
    return _serves_line(role, stored[role])


ARM_OPTIONS = (
    "n",
    "successes",
    "mean",
    "sd",
)
"""Each arm's options: ``--control-n``, ``--variant-mean`` and so on."""


def _arms(args: argparse.Namespace) -> dict[str, object]:
    """The arms' fields a command gives (``None`` for those it leaves out); a file of
    per-unit values gives its arm's n, mean and sd."""
    fields: dict[str, object] = {
        f"{arm}_{part}": getattr(args, f"{arm}_{part}")
        for arm in ("control", "variant")
        for part in ARM_OPTIONS
    }
    for arm in ("control", "variant"):
        file = getattr(args, f"{arm}_values", None)
        if file:
            summary = read_arm(Path(file))
            fields |= {f"{arm}_n": summary.n, f"{arm}_mean": summary.mean, f"{arm}_sd": summary.sd}
    return fields


def _cmd_test_log(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    arms = {k: v for k, v in _arms(args).items() if v is not None}
    test = ws.log_test(
        actor,
        {
            "title": args.title,
            "hypothesis": args.hypothesis,
            "platform": args.platform,
            "metric": args.metric,
            "kind": args.kind,
            "planned_split": args.planned_split,
            **arms,
            "start": args.start,
            "end": args.end,
            "status": args.status,
            "decision": args.decision,
        },
    )
    return f"logged test #{test.id}: {test.title}"


def _cmd_team_remove(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    ws.remove_member(actor, args.name)
    return f"removed {args.name} from the team"


def _company_lines(profile: CompanyProfile) -> str:
    groups = "; ".join(", ".join(g) for g in profile.integrated) or "none"
    return "\n".join(
        [
            f"name: {profile.name or '(none)'}",
            f"channels: {', '.join(profile.channels) or 'none'}",
            f"integrated: {groups}",
            f"employees: {profile.employees}",
            f"currency: {profile.currency}",
        ]
    )


def _cmd_company_show(args: argparse.Namespace) -> str:
    return _company_lines(Workspace.open(args.workspace).snapshot().company)


def _cmd_company_set(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    current = ws.snapshot().company
    changed = CompanyProfile(
        channels=tuple(args.channel) if args.channel else current.channels,
        integrated=(
            tuple(tuple(c.strip() for c in g.split(",")) for g in args.integrated if g.strip())
            if args.integrated is not None
            else current.integrated
        ),
        employees=args.employees if args.employees is not None else current.employees,
        currency=args.currency if args.currency is not None else current.currency,
        name=args.name if args.name is not None else current.name,
    )
    ws.set_company(actor, changed, expected=current)
    return _company_lines(ws.snapshot().company)


RETURNING_WEEKS: Final[str] = "returning_weeks"
"""The one setting ``settings`` lists and sets beside the resource signal's: the returning
window events files are imported with (``Workspace.set_returning_weeks``)."""


def _cmd_settings_list(args: argparse.Namespace) -> str:
    snap = Workspace.open(args.workspace).snapshot()
    listed = {**settings_to_dict(snap.demand), RETURNING_WEEKS: snap.returning_weeks}
    return "\n".join(f"{key}: {value:g}" for key, value in listed.items())


def _cmd_settings_set(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    snap = ws.snapshot()
    if args.key == RETURNING_WEEKS:
        weeks = ws.set_returning_weeks(actor, args.value, expected=snap.returning_weeks).value
        return f"{RETURNING_WEEKS}: {weeks} (for events files imported from now on)"
    if args.key not in SETTING_NAMES:
        raise ValidationError(
            f"settings: unknown setting {args.key!r}; expected one of: "
            f"{', '.join((*SETTING_NAMES, RETURNING_WEEKS))}"
        )
    current = snap.demand
    stored = ws.set_demand_settings(
        actor, {**settings_to_dict(current), args.key: args.value}, expected=current
    ).value
    return f"{args.key}: {settings_to_dict(stored)[args.key]:g}"


def _upload_dict(u: Upload, chosen: Mapping[str, Agg]) -> dict[str, object]:
    return {
        "id": u.id,
        "name": u.name,
        "layout": u.layout,
        "rows": u.rows,
        "platforms": list(u.platforms),
        "first_week": u.first_week.isoformat(),
        "last_week": u.last_week.isoformat(),
        "metrics": list(u.metrics),
        "aggregations": {m: (chosen.get(m) or aggregation_for(m)).value for m in u.metrics},
        "uploaded_at": u.uploaded_at,
        "by": u.by,
        "data_through": {p: d.isoformat() for p, d in sorted(u.data_through.items())},
        "sha256": u.sha256,
    }


def _cmd_uploads_list(args: argparse.Namespace) -> str:
    snap = Workspace.open(args.workspace).snapshot()
    uploads = snap.uploads
    if args.format == "json":
        listed = [_upload_dict(u, chosen_aggregations(u.layout, snap.mappings)) for u in uploads]
        return json.dumps(listed, indent=2, ensure_ascii=False)
    lines = [
        f"#{u.id} {u.name}: {u.layout}, {u.rows:,} rows, {', '.join(u.platforms)}, weeks "
        f"{u.first_week} to {u.last_week}; uploaded {u.uploaded_at} by {u.by}"
        for u in uploads
    ]
    return "\n".join(lines) or "(no uploads)"


def _cmd_test_list(args: argparse.Namespace) -> str:
    today = clock.today()
    results = analyse(Workspace.open(args.workspace).snapshot(), today).tests
    if args.format == "json":
        return json.dumps([test_json(r, today) for r in results], indent=2, ensure_ascii=False)
    lines = [
        f"#{r.test.id} [{r.test.status.value}] {r.test.title} ({r.test.platform}, "
        f"{r.test.start} to {r.test.end})"
        + (" STILL RUNNING PAST ITS END" if r.test.overdue(today) else "")
        + f": {r.conclusion}"
        for r in results
    ]
    return "\n".join(lines) or "(no tests logged)"


def _cmd_test_update(args: argparse.Namespace) -> str:
    given = {**_arms(args), **{k: getattr(args, k) for k in ("planned_split", "end", "status")}}
    changes = {k: v for k, v in given.items() if v is not None}
    if args.decision is not None:
        changes["decision"] = args.decision
    if not changes:
        raise RolloutError(
            "test update: nothing to change; give the arms' --control-/--variant- counts "
            "(n, successes, mean, sd, values), --planned-split, --end, --status or --decision"
        )
    ws, actor = _open(args)
    test = ws.update_test(actor, args.test_id, changes).value
    return f"updated test #{test.id}: {test.title} [{test.status.value}]"


def _cmd_test_remove(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    ws.remove_test(actor, args.test_id)
    return f"removed test #{args.test_id}"


def _cmd_users_set(args: argparse.Namespace) -> str:
    role = None if args.role == "none" else args.role
    ws, actor = _open(args)
    return f"{ws.set_user_role(actor, args.email, role)}: {args.role}"


def _cmd_users_list(args: argparse.Namespace) -> str:
    roles = Workspace.open(args.workspace).user_roles()
    return "\n".join(f"{email}: {role}" for email, role in roles.items()) or "(no users mapped)"


def _cmd_request_raise(args: argparse.Namespace) -> str:
    """Print the new request's id alone on stdout (for scripts), and what it asks on stderr."""
    ws, actor = _open(args)
    request = ws.raise_request(actor, note=args.note, today=clock.today())
    print(
        f"raised request #{request.id}: {request.evidence.gap_hours_per_week:.1f} h/week for "
        f"{request.evidence.roles_text}",
        file=sys.stderr,
    )
    return str(request.id)


def _cmd_request_decide(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    decided = ws.decide_request(
        actor, args.request_id, args.decision, args.reason, today=clock.today()
    )
    return f"request #{decided.id} {decided.status.value}: {decided.reason}"


def _cmd_request_list(args: argparse.Namespace) -> str:
    today = clock.today()
    found = analyse(Workspace.open(args.workspace).snapshot(), today).requests
    if args.format == "json":
        return json.dumps([request_dict(v) for v in found], indent=2, ensure_ascii=False)
    return "\n".join(request_text(v) for v in found) or "(no resource requests)"


def _cmd_onboarding_start(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    items = ws.start_onboarding(
        actor,
        request_id=args.request_id,
        name=args.name,
        role=args.role,
        hours=args.hours,
        start=args.start,
        channel=args.channel,
        available_hours=args.available,
    )
    first = items[0]
    return (
        f"{first.person} joins as {first.role.value} on {first.start}: {len(items)} plan "
        f"items, the first due {first.due}"
    )


def _cmd_onboarding_list(args: argparse.Namespace) -> str:
    today = clock.today()
    items = Workspace.open(args.workspace).snapshot().onboarding
    if args.format == "json":
        return json.dumps([item_dict(i, today) for i in items], indent=2, ensure_ascii=False)
    return "\n".join(item_text(i, today) for i in items) or "(nobody is onboarding)"


def _cmd_onboarding_done(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    today = clock.today()
    on = None if args.undo else (args.on or today)
    item = ws.set_onboarding_done(actor, args.item_id, on, today=today)
    return item_text(item, today)


def _cmd_onboarding_plan(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    role = parse_role(args.role)
    if args.default and args.item:
        raise RolloutError("plan: give --item lines or --default, not both")
    if args.default or args.item:
        items = None if args.default else [_plan_item(raw) for raw in args.item]
        plan = ws.set_plan(actor, role, items).value
    else:
        plan = plan_for(ws.snapshot().plans, role)
    return "\n".join(f"day {p.day}: {p.title}" for p in plan)


def _plan_item(raw: str) -> dict[str, str]:
    day, sep, title = raw.partition(":")
    if not sep:
        raise RolloutError(f"--item: expected DAY:TITLE (e.g. '30:Learn the tools'), got {raw!r}")
    return {"day": day.strip(), "title": title}


def _cmd_standup(args: argparse.Namespace) -> str:
    day = _day(args.on, "--on") if args.on else clock.today()
    ws = Workspace.open(args.workspace)
    found = agenda(day, lambda d: ws.snapshot(as_of=d), executives(ws.user_roles()))
    writers = {"text": agenda_text, "markdown": agenda_markdown, "json": agenda_json}
    return writers[args.format](found).rstrip("\n")


def _cmd_report(args: argparse.Namespace) -> str:
    today = clock.today()
    as_of = _day(args.as_of, "--as-of") if args.as_of else today
    if as_of > today:
        raise RolloutError(f"--as-of: {as_of.isoformat()} is after today ({today.isoformat()})")
    snapshot = Workspace.open(args.workspace).snapshot(as_of=as_of if args.as_of else None)
    analysis = analyse(snapshot, as_of)
    writers = {"json": report_json, "text": report_text, "csv": weekly_csv}
    return writers[args.format](analysis).rstrip("\n")


_GATE_KEYS = {
    (Stage.SETUP.value, Stage.RETENTION.value): "to_retention",
    (Stage.RETENTION.value, Stage.ACTIVE.value): "to_active",
}
"""The two gates a command line can name, by their stages, and their key in the gate set."""

_CRITERION = re.compile(r"([^<>=]+?)\s*(>=|<=|>|<)\s*([^<>=]+)")
"""``METRIC OP VALUE``; the store checks the metric and the number."""


def _weeks(n: int) -> str:
    return f"{n} week{'' if n == 1 else 's'}"


def _gate_line(gate: Gate) -> str:
    checklist = "setup checklist required" if gate.requires_checklist else "no setup checklist"
    return (
        f"{gate.source.value} -> {gate.target.value}: "
        f"{', '.join(c.describe() for c in gate.criteria)}; "
        f"{_weeks(gate.weeks_to_advance)} to advance, "
        f"{_weeks(gate.weeks_to_fall_back)} to fall back; {checklist}"
    )


def _criterion(raw: str) -> dict[str, str]:
    match = _CRITERION.fullmatch(raw.strip())
    if match is None:
        raise RolloutError(
            f"--criterion: expected METRIC OP VALUE with OP one of {', '.join(OPERATORS)} "
            f"(e.g. 'active_members >= 50'), got {raw!r}"
        )
    metric, op, threshold = match.groups()
    return {"metric": metric, "op": op, "threshold": threshold.strip()}


def _cmd_gates_list(args: argparse.Namespace) -> str:
    gates = Workspace.open(args.workspace).snapshot().gates
    return "\n".join(_gate_line(g) for g in (gates.to_retention, gates.to_active))


def _cmd_gates_set(args: argparse.Namespace) -> str:
    pair = (args.source.strip().lower(), args.target.strip().lower())
    key = _GATE_KEYS.get(pair)
    if key is None:
        valid = " or ".join(f"{a} {b}" for a, b in _GATE_KEYS)
        raise RolloutError(f"gate: expected {valid}, got {args.source} {args.target}")
    criteria = [_criterion(raw) for raw in args.criterion]
    ws, actor = _open(args)
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


def _cmd_override_add(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    override = ws.add_override(
        actor, args.platform, args.from_date, args.stage, args.reason, until=args.until
    )
    return f"override {_override_line(override)}"


def _cmd_override_remove(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    removed = ws.remove_override(actor, args.override_id)
    return f"removed override {_override_line(removed)}"


def _cmd_override_list(args: argparse.Namespace) -> str:
    overrides = Workspace.open(args.workspace).snapshot().overrides
    lines = [f"{_override_line(o)}{f' by {o.by}' if o.by else ''}: {o.reason}" for o in overrides]
    return "\n".join(lines) or "(no overrides)"


def _cmd_baseline_set(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    baseline = ws.set_baseline(
        actor, args.platform, args.metric, args.value, args.on, today=clock.today()
    )
    return f"baseline {baseline.text}"


def _cmd_baseline_remove(args: argparse.Namespace) -> str:
    ws, actor = _open(args)
    return f"removed baseline {ws.remove_baseline(actor, args.platform).text}"


def _cmd_baseline_list(args: argparse.Namespace) -> str:
    baselines = Workspace.open(args.workspace).snapshot().baselines
    return "\n".join(b.text for _, b in sorted(baselines.items())) or "(no baselines)"


def _day(raw: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise RolloutError(f"{what}: expected a date as YYYY-MM-DD, got {raw!r}") from None


def _arm_arguments(p: argparse.ArgumentParser) -> None:
    """Each arm's counts: a conversion test's exposures and successes, a mean test's units,
    mean and sd, or a file of its per-unit values."""
    for arm in ("control", "variant"):
        p.add_argument(f"--{arm}-n", help=f"{arm} exposures (a mean test: units)")
        p.add_argument(f"--{arm}-successes", help=f"{arm} successes (a conversion test)")
        p.add_argument(f"--{arm}-mean", help=f"{arm} per-unit mean (a mean test)")
        p.add_argument(f"--{arm}-sd", help=f"{arm} per-unit standard deviation (a mean test)")
        p.add_argument(
            f"--{arm}-values",
            metavar="FILE",
            help=f"a mean test: a .parquet or .csv file of the {arm} arm's per-unit values "
            "(one column, or one named value); gives its n, mean and sd",
        )


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with --help on every sub-command."""
    parser = _Parser(
        prog="python -m strategy", description="Social Rollout Tracker workspace tool."
    )
    parser.add_argument(
        "--actor",
        help="who acts, as recorded in the audit log: acts with the role `users set` maps "
        "this address to, or as an admin when it is mapped to nothing (default: local)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create a workspace: a folder, or an empty PostgreSQL database")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--demo", action="store_true", help="fill it with the demo company")
    p.add_argument("--demo-source", default=str(DEMO_DIR), help=argparse.SUPPRESS)
    p.set_defaults(run=_cmd_init)

    p = sub.add_parser(
        "import", help="import metric files: parquet, CSV, xlsx or xls (long, wide or events)"
    )
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("files", nargs="+")
    p.add_argument(
        "--platform",
        help="the platform of a platform's export that does not name it (always wins)",
    )
    p.add_argument(
        "--year", type=int, help="the year of an export's dates written without one (TikTok)"
    )
    p.add_argument("--mapping", help="read the files with this saved mapping (`mappings list`)")
    p.set_defaults(run=_cmd_import)

    mappings = sub.add_parser(
        "mappings", help="saved mappings of files that are neither exports nor layouts"
    ).add_subparsers(dest="mappings_command", required=True)
    p = mappings.add_parser("list", help="each mapping: its name, platform and columns")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_mappings_list)
    p = mappings.add_parser("show", help="one mapping, as JSON")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("name")
    p.set_defaults(run=_cmd_mappings_show)
    p = mappings.add_parser("remove", help="forget a mapping")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("name")
    p.set_defaults(run=_cmd_mappings_remove)

    p = sub.add_parser("remove-upload", help="the same as `uploads remove` (older spelling)")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("upload_id", type=int, metavar="ID")
    p.set_defaults(run=_cmd_remove_upload)

    team = sub.add_parser("team", help="the cross-functional team").add_subparsers(
        dest="team_command", required=True
    )
    p = team.add_parser("add", help="give a person a role (adds the person if new)")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, help=", ".join(r.value for r in Role))
    p.add_argument("--channel", help="revenue channel, for channel_rep")
    p.add_argument("--hours", required=True, help="hours per week for this role")
    p.add_argument("--available", help="hours per week the person can give (default: --hours)")
    p.add_argument("--rate", help="the person's own hourly cost (default: their roles' rates)")
    p.set_defaults(run=_cmd_team_add)
    p = team.add_parser("list", help="show the team")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_team_list)
    p = team.add_parser("remove", help="remove a person and their roles (and onboarding plan)")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("name", help="the person's name (any case)")
    p.set_defaults(run=_cmd_team_remove)

    company = sub.add_parser(
        "company", help="the company profile the recommended team is built from"
    ).add_subparsers(dest="company_command", required=True)
    p = company.add_parser("show", help="channels, integrated groups, employees, currency")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_company_show)
    p = company.add_parser("set", help="change the profile; what is not given stays")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--name", help="the company's name")
    p.add_argument(
        "--channel", action="append", help="a revenue channel; repeat for each (replaces them)"
    )
    p.add_argument(
        "--integrated",
        action="append",
        metavar="A,B",
        help="channels that share one rep, comma-separated; repeat for each group "
        "(--integrated '' for none)",
    )
    p.add_argument("--employees", help="headcount, a whole number")
    p.add_argument("--currency", help="three-letter code, e.g. EUR")
    p.set_defaults(run=_cmd_company_set)

    settings = sub.add_parser(
        "settings", help="the resource signal's settings and the returning window"
    ).add_subparsers(dest="settings_command", required=True)
    p = settings.add_parser("list", help="every setting and its value")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_settings_list)
    p = settings.add_parser("set", help="change one setting")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument(
        "key",
        help=f"{', '.join(SETTING_NAMES)}, or {RETURNING_WEEKS} (1 to 52: a member is returning "
        "when also active in any of the previous N weeks; applies to events files imported "
        "from then on)",
    )
    p.add_argument("value")
    p.set_defaults(run=_cmd_settings_set)

    uploads = sub.add_parser("uploads", help="imported metric files").add_subparsers(
        dest="uploads_command", required=True
    )
    p = uploads.add_parser("remove", help="remove an upload; earlier values come back")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("upload_id", type=int, metavar="ID")
    p.set_defaults(run=_cmd_remove_upload)
    p = uploads.add_parser("list", help="every upload: file, layout, rows, platforms, weeks")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=_cmd_uploads_list)

    rates = sub.add_parser(
        "rates", help="hourly rates: what the team and the gap cost"
    ).add_subparsers(dest="rates_command", required=True)
    p = rates.add_parser("set", help="set a role's default hourly rate (none: no rate)")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("role", help=", ".join(r.value for r in Role))
    p.add_argument("rate", help="per hour, in the company's currency; or none")
    p.set_defaults(run=_cmd_rates_set)
    p = rates.add_parser("list", help="show the roles' rates and people's own rates")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_rates_list)

    p = sub.add_parser("checklist", help="tick a setup checklist item of a platform")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("platform")
    p.add_argument("--done", required=True, help=f"{', '.join(CHECKLIST_ITEMS)} or all")
    p.add_argument("--on", help="date done, YYYY-MM-DD (default: today)")
    p.add_argument("--undo", action="store_true", help="mark it not done")
    p.set_defaults(run=_cmd_checklist)

    serves = sub.add_parser(
        "serves", help="which demand (messages, content, monitoring) each role's hours serve"
    ).add_subparsers(dest="serves_command", required=True)
    p = serves.add_parser("list", help="what each role's hours serve")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_serves_list)
    p = serves.add_parser("set", help="set what one role's hours serve")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("role", help=", ".join(r.value for r in Role))
    p.add_argument(
        "kinds",
        nargs="+",
        metavar="KIND",
        help=f"{', '.join(k.value for k in DemandKind)}, or nothing",
    )
    p.set_defaults(run=_cmd_serves_set)

    test = sub.add_parser("test", help="strategy tests").add_subparsers(
        dest="test_command", required=True
    )
    p = test.add_parser("log", help="log a strategy test")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--title", required=True)
    p.add_argument("--hypothesis", default="")
    p.add_argument("--platform", required=True)
    p.add_argument("--metric", required=True)
    p.add_argument(
        "--kind",
        choices=[k.value for k in TestKind],
        default=TestKind.CONVERSION.value,
        help="conversion: exposures and successes per arm; mean: per-unit values per arm",
    )
    _arm_arguments(p)
    p.add_argument(
        "--planned-split",
        default=0.5,
        help="the control arm's planned share of exposures (default 0.5, a 50/50 split)",
    )
    p.add_argument("--start", required=True)
    p.add_argument("--end", required=True)
    p.add_argument("--status", required=True, choices=[s.value for s in TestStatus])
    p.add_argument("--decision", default="")
    p.set_defaults(run=_cmd_test_log)
    p = test.add_parser("list", help="every test with its statistics and conclusion")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=_cmd_test_list)
    p = test.add_parser(
        "update", help="change a test's counts and end (planned or running), status, decision"
    )
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("test_id", type=int, metavar="ID")
    _arm_arguments(p)
    p.add_argument("--planned-split", help="the control arm's planned share of exposures")
    p.add_argument("--end", help="YYYY-MM-DD")
    p.add_argument("--status", choices=[s.value for s in TestStatus])
    p.add_argument("--decision")
    p.set_defaults(run=_cmd_test_update)
    p = test.add_parser("remove", help="remove a logged test for good")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("test_id", type=int, metavar="ID")
    p.set_defaults(run=_cmd_test_remove)

    users = sub.add_parser(
        "users", help="who may do what when the app runs with login (OIDC)"
    ).add_subparsers(dest="users_command", required=True)
    p = users.add_parser(
        "set",
        help="map a verified e-mail address, or an account as ISSUER|SUBJECT, to viewer, "
        "editor, admin or executive (none: unmap)",
    )
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument(
        "email",
        metavar="identity",
        help="an e-mail address the provider marks verified, or ISSUER|SUBJECT (the ID "
        "token's iss and sub) for providers without e-mail",
    )
    p.add_argument("role", choices=[*(r.value for r in AccessRole), "none"])
    p.set_defaults(run=_cmd_users_set)
    p = users.add_parser("list", help="show the e-mail to role mapping")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_users_list)

    gates = sub.add_parser(
        "gates", help="the criteria that move a platform between stages"
    ).add_subparsers(dest="gates_command", required=True)
    p = gates.add_parser("list", help="show the two gates: criteria and week counts")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_gates_list)
    p = gates.add_parser("set", help="replace one gate's criteria (and, if given, its week counts)")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("source", metavar="FROM", help="setup or retention")
    p.add_argument("target", metavar="TO", help="retention or active (the next stage)")
    p.add_argument(
        "--criterion",
        action="append",
        required=True,
        help="METRIC OP VALUE, OP one of >=, >, <=, < (e.g. 'audience >= 100'); repeat for more",
    )
    p.add_argument("--weeks", help="consecutive weeks the criteria must hold to advance")
    p.add_argument("--fallback-weeks", help="consecutive weeks failing them to fall back")
    p.set_defaults(run=_cmd_gates_set)

    override = sub.add_parser(
        "override", help="manual stage decisions, shown as overrides"
    ).add_subparsers(dest="override_command", required=True)
    p = override.add_parser("add", help="set a platform's stage from a week on, with a reason")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("platform")
    p.add_argument("stage", help="setup, retention or active")
    p.add_argument(
        "--from", dest="from_date", required=True, help="YYYY-MM-DD; it holds from its week"
    )
    p.add_argument(
        "--until", help="YYYY-MM-DD; it holds through that week (default: until removed)"
    )
    p.add_argument("--reason", required=True, help="why, at least 5 characters")
    p.set_defaults(run=_cmd_override_add)
    p = override.add_parser("remove", help="remove an override; the gates decide again")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("override_id", type=int, metavar="ID")
    p.set_defaults(run=_cmd_override_remove)
    p = override.add_parser("list", help="show the overrides")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_override_list)

    baseline = sub.add_parser(
        "baseline",
        help="a platform's followers on one day, from which exports of daily gains build "
        "its followers",
    ).add_subparsers(dest="baseline_command", required=True)
    p = baseline.add_parser("set", help="give (or replace) a platform's baseline")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("platform")
    p.add_argument("metric", help="followers")
    p.add_argument("value", help="how many there were that day")
    p.add_argument("--on", required=True, help="YYYY-MM-DD: the day of the count")
    p.set_defaults(run=_cmd_baseline_set)
    p = baseline.add_parser("remove", help="forget a platform's baseline")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("platform")
    p.set_defaults(run=_cmd_baseline_remove)
    p = baseline.add_parser("list", help="show the baselines")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.set_defaults(run=_cmd_baseline_list)

    request = sub.add_parser(
        "request", help="resource requests: raised by the social expert, decided by an executive"
    ).add_subparsers(dest="request_command", required=True)
    p = request.add_parser(
        "raise", help="raise a request while extra resources are justified; prints its id"
    )
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--note", default="", help="why now, what it is for (optional)")
    p.set_defaults(run=_cmd_request_raise)
    p = request.add_parser("decide", help="approve or decline an open request (executives)")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("request_id", type=int, metavar="ID")
    p.add_argument("decision", choices=[d.value for d in Decision])
    p.add_argument("--reason", required=True, help="why, at least 5 characters")
    p.set_defaults(run=_cmd_request_decide)
    p = request.add_parser("list", help="every request, its evidence, decision and stale flag")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=_cmd_request_list)

    onboarding = sub.add_parser(
        "onboarding", help="30-60-90-day plans of the people an approved request brings"
    ).add_subparsers(dest="onboarding_command", required=True)
    p = onboarding.add_parser("start", help="a new person joins from an approved request")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--request", dest="request_id", type=int, required=True, metavar="ID")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, help=", ".join(r.value for r in Role))
    p.add_argument("--channel", help="revenue channel, for channel_rep")
    p.add_argument("--hours", required=True, help="hours per week for this role")
    p.add_argument("--available", help="hours per week the person can give (default: --hours)")
    p.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
    p.set_defaults(run=_cmd_onboarding_start)
    p = onboarding.add_parser("list", help="every plan item: person, title, due, done")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=_cmd_onboarding_list)
    p = onboarding.add_parser("done", help="tick a plan item done (or --undo it)")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("item_id", type=int, metavar="ITEM_ID")
    p.add_argument("--on", help="date done, YYYY-MM-DD (default: today)")
    p.add_argument("--undo", action="store_true", help="mark it not done")
    p.set_defaults(run=_cmd_onboarding_done)
    p = onboarding.add_parser(
        "plan", help="show a role's plan, or set it with --item lines, or --default"
    )
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("role", help=", ".join(r.value for r in Role))
    p.add_argument(
        "--item",
        action="append",
        help="DAY:TITLE with DAY 30, 60 or 90 (e.g. '30:Learn the tools'); repeat for more",
    )
    p.add_argument("--default", action="store_true", help="use the default plan again")
    p.set_defaults(run=_cmd_onboarding_plan)

    p = sub.add_parser("standup", help="the daily stand-up's agenda: what changed, who picks up")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--on", help="the stand-up's day, YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.set_defaults(run=_cmd_standup)

    p = sub.add_parser("report", help="the rollout report, or the weekly table as CSV")
    p.add_argument("workspace", help=WORKSPACE_HELP)
    p.add_argument("--format", choices=["json", "text", "csv"], default="text")
    p.add_argument(
        "--as-of",
        help="the report as it stood on this date, YYYY-MM-DD: uploads made later and data "
        "after it ignored, weeks not ended by then in progress",
    )
    p.set_defaults(run=_cmd_report)
    return parser


def _fail(reason: str) -> int:
    print(f"error: {' '.join(reason.split())}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; print its result, or a one-line reason on stderr.

    A reader that closes the pipe early (``report | head -1``) ends the command quietly.
    """
    args = build_parser().parse_args(argv)
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
