"""Resource requests and what an approved one brings: ``request`` raise, decide, amend, list
and review, and
the ``onboarding`` of the people who join, with each role's 30-60-90-day plan."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from strategy.cli.commands import arg, command, option
from strategy.cli.common import (
    PERSON_IN_ROLE,
    ROLE,
    TEXT_OR_JSON,
    as_json,
    open_workspace,
    person_in_role,
    snapshot,
)
from strategy.domain import clock
from strategy.domain.errors import NotFound, RolloutError
from strategy.domain.request_status import Decision
from strategy.domain.team import parse_role

if TYPE_CHECKING:  # the requests' rules load in the commands that use them, not for --help
    from strategy.domain.requests import RequestView


@command("request raise", help="raise a request while extra resources are justified; prints its id")
@option("--note", default="", help="why now, what it is for (optional)")
def request_raise(args: argparse.Namespace) -> str:
    """Print the new request's id alone on stdout (for scripts), and what it asks on stderr."""
    ws, actor = open_workspace(args)
    request = ws.raise_request(actor, note=args.note, today=clock.today())
    print(
        f"raised request #{request.id}: {request.evidence.gap_hours_per_week:.1f} h/week for "
        f"{request.evidence.roles_text}",
        file=sys.stderr,
    )
    return str(request.id)


@command("request decide", help="approve or decline an open request (executives)")
@arg("request_id", type=int, metavar="ID")
@arg("decision", choices=[d.value for d in Decision])
@option("--reason", required=True, help="why, at least 5 characters")
def request_decide(args: argparse.Namespace) -> str:
    """Approve or decline an open request, with a reason."""
    ws, actor = open_workspace(args)
    decided = ws.decide_request(
        actor, args.request_id, args.decision, args.reason, today=clock.today()
    )
    return f"request #{decided.id} {decided.status.value}: {decided.reason}"


@command("request amend", help="change an approved request's hours and roles (admins); re-decided")
@arg("request_id", type=int, metavar="ID")
@option("--hours", required=True, help="hours a week it approves, e.g. 60")
@option("--roles", required=True, help="the roles, comma-separated, e.g. content_creator")
@option("--reason", required=True, help="why, at least 5 characters")
def request_amend(args: argparse.Namespace) -> str:
    """Amend an approved request: it waits for an executive's decision again."""
    ws, actor = open_workspace(args)
    amended = ws.amend_request(
        actor,
        args.request_id,
        hours=args.hours,
        roles=args.roles,
        reason=args.reason,
        today=clock.today(),
    )
    g = amended.asked
    return (
        f"request #{amended.id} amended to {g.hours_per_week:.1f} h/week for {g.roles_text} "
        f"({g.currency} {g.cost_per_week:,.0f}/week); waiting for an executive's decision"
    )


@command("request list", help="every request, its evidence, decision and stale flag")
@TEXT_OR_JSON
def request_list(args: argparse.Namespace) -> str:
    """Every request as the analysis reads it today (stale or not)."""
    from strategy.domain.analysis import analyse
    from strategy.domain.requests import request_dict

    found = analyse(snapshot(args), clock.today()).requests
    if args.format == "json":
        return as_json([request_dict(v) for v in found])
    return "\n".join(_request_lines(v) for v in found) or "(no resource requests)"


def _request_lines(v: RequestView) -> str:
    """A request in one line, then the platforms' value and return as it was raised."""
    from strategy.domain.requests import evidence_value_lines, request_text

    raised = v.request.evidence
    value = [f"  value as raised, {line}" for line in evidence_value_lines(raised)]
    return "\n".join([request_text(v), *value])


@command("request review", help="the hire's review once a request's people serve in full hours")
@arg("request_id", type=int, metavar="ID")
@TEXT_OR_JSON
def request_review(args: argparse.Namespace) -> str:
    """The review of a filled request whose people all give their full hours: what its
    evidence claimed against what the signal reads now, and the verdict (JSON: ``null``
    while there is none)."""
    from strategy.domain.analysis import analyse
    from strategy.domain.hire_check import review_text, review_to_dict
    from strategy.domain.requests import hiring_text

    found = analyse(snapshot(args), clock.today()).requests
    v = next((v for v in found if v.request.id == args.request_id), None)
    if v is None:
        raise NotFound(f"request #{args.request_id} does not exist")
    if args.format == "json":
        return as_json(review_to_dict(v.review) if v.review else None)
    if v.review is None:
        return (
            f"request #{v.request.id} has no review yet: a request is reviewed once it is "
            f"filled and its people all give their full hours ({hiring_text(v)})"
        )
    return review_text(v.review)


@command("request close-review", help="close a hire's review with a note (executives)")
@arg("request_id", type=int, metavar="ID")
@option("--note", required=True, help="what the executive concludes, at least 5 characters")
def request_close_review(args: argparse.Namespace) -> str:
    """Close a hire's review with a note: it is kept as it reads today."""
    ws, actor = open_workspace(args)
    closed = ws.close_review(actor, args.request_id, args.note, today=clock.today())
    return f"review of request #{closed.request_id} closed ({closed.verdict.value}): {args.note}"


@command("onboarding start", help="a new person joins from an approved request")
@option("--request", dest="request_id", type=int, required=True, metavar="ID")
@PERSON_IN_ROLE
@option("--start", required=True, help="first day, YYYY-MM-DD")
def onboarding_start(args: argparse.Namespace) -> str:
    """A person joins the team from an approved request, with their role's plan."""
    ws, actor = open_workspace(args)
    items = ws.start_onboarding(
        actor, request_id=args.request_id, start=args.start, **person_in_role(args)
    )
    first = items[0]
    return (
        f"{first.person} joins as {first.role.value} on {first.start}: {len(items)} plan "
        f"items, the first due {first.due}"
    )


@command("onboarding list", help="every plan item: person, title, due, done")
@TEXT_OR_JSON
def onboarding_list(args: argparse.Namespace) -> str:
    """Every plan item of everyone onboarding."""
    from strategy.domain.onboarding import item_dict, item_text

    today = clock.today()
    items = snapshot(args).onboarding
    if args.format == "json":
        return as_json([item_dict(i, today) for i in items])
    return "\n".join(item_text(i, today) for i in items) or "(nobody is onboarding)"


@command("onboarding done", help="tick a plan item done (or --undo it)")
@arg("item_id", type=int, metavar="ITEM_ID")
@option("--on", help="date done, YYYY-MM-DD (default: today)")
@option("--undo", action="store_true", help="mark it not done")
def onboarding_done(args: argparse.Namespace) -> str:
    """Tick a plan item done on a day (default today), or ``--undo`` it."""
    from strategy.domain.onboarding import item_text

    ws, actor = open_workspace(args)
    today = clock.today()
    on = None if args.undo else (args.on or today)
    item = ws.set_onboarding_done(actor, args.item_id, on, today=today)
    return item_text(item, today)


def _plan_item(raw: str) -> dict[str, str]:
    day, sep, title = raw.partition(":")
    if not sep:
        raise RolloutError(f"--item: expected DAY:TITLE (e.g. '30:Learn the tools'), got {raw!r}")
    return {"day": day.strip(), "title": title}


@command("onboarding plan", help="show a role's plan, or set it with --item lines, or --default")
@ROLE
@option(
    "--item",
    action="append",
    help="DAY:TITLE with DAY 30, 60 or 90 (e.g. '30:Learn the tools'); repeat for more",
)
@option("--default", action="store_true", help="use the default plan again")
def onboarding_plan(args: argparse.Namespace) -> str:
    """Show a role's plan; with ``--item`` lines set it, with ``--default`` reset it."""
    from strategy.domain.onboarding import plan_for

    ws, actor = open_workspace(args)
    role = parse_role(args.role)
    if args.default and args.item:
        raise RolloutError("plan: give --item lines or --default, not both")
    if args.default or args.item:
        items = None if args.default else [_plan_item(raw) for raw in args.item]
        plan = ws.set_plan(actor, role, items).value
    else:
        plan = plan_for(ws.snapshot().plans, role)
    return "\n".join(f"day {p.day}: {p.title}" for p in plan)
