"""A stalled platform's stop-or-continue review: ``platform review`` (continue until a day,
or stop) and ``platform restart`` (executives and admins)."""

from __future__ import annotations

import argparse

from strategy.cli.commands import arg, command, option
from strategy.cli.common import open_workspace
from strategy.domain import clock
from strategy.domain.platform_review import Decision, decision_text


@command(
    "platform review",
    help="decide a stalled platform's review: continue (with --until) or stop (executives, admins)",
)
@arg("platform")
@arg("decision", choices=[Decision.CONTINUE.value, Decision.STOP.value])
@option("--reason", required=True, help="why, at least 5 characters")
@option("--until", help="continue: the day to look again (YYYY-MM-DD, after today)")
def platform_review(args: argparse.Namespace) -> str:
    """Continue (until a day) or stop a platform under review, with a reason."""
    ws, actor = open_workspace(args)
    decided = ws.review_platform(
        actor, args.platform, args.decision, args.reason, until=args.until, today=clock.today()
    )
    if decided.decision is Decision.STOP:
        return (
            f"{decision_text(decided)} (on {decided.decided_on.isoformat()}); it leaves the "
            "demand, the stall list and the resource signal"
        )
    return decision_text(decided)


@command("platform restart", help="restart a stopped platform (executives, admins)")
@arg("platform")
def platform_restart(args: argparse.Namespace) -> str:
    """Restart a stopped platform: it counts again everywhere."""
    ws, actor = open_workspace(args)
    done = ws.restart_platform(actor, args.platform, today=clock.today())
    return (
        f"{decision_text(done)} on {done.decided_on.isoformat()}; it counts again in the "
        "demand, the stall list and the resource signal"
    )
