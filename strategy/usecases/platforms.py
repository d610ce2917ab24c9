"""A stalled platform's stop-or-continue review: an executive (or an admin) decides continue
(with a reason and a day to look again) or stop (with a reason), and restarts a stopped
platform. Each decision is read against the stored data under the write lock, and stored in
one transaction with its audit row."""

from __future__ import annotations

import datetime as dt

from strategy.domain import clock
from strategy.domain.access import Actor
from strategy.domain.metrics import platform_name
from strategy.domain.platform_review import (
    Decision,
    PlatformDecision,
    Review,
    check_restartable,
    check_reviewable,
    look_again,
    require_reviewer,
    review_choice,
    review_of,
    review_reason,
)
from strategy.storage import platform_rows
from strategy.storage.store import Connection, Store, snapshot
from strategy.usecases.common import analysed, writing


def _review(conn: Connection, platform: str, day: dt.date) -> tuple[Review | None, int]:
    """The platform's review as the stored data reads on ``day``, and the review setting."""
    snap = snapshot(conn, None)
    analysis = analysed(snap, day)
    return review_of(analysis.reviews, platform, analysis.statuses), (
        snap.demand.stall_review_weeks
    )


def review_platform(
    store: Store,
    actor: Actor,
    platform: object,
    decision: object,
    reason: object,
    *,
    until: object = None,
    today: dt.date | None = None,
) -> PlatformDecision:
    """Decide a platform's review: continue until a day after today (within a year), or
    stop. Only a platform under review (waiting, or continued) is decided."""
    require_reviewer(actor, "platform.review")
    name = platform_name(platform)
    choice = review_choice(decision)
    why = review_reason(reason)
    day = today or clock.today()
    again = look_again(until, choice, day)
    made = PlatformDecision(name, choice, why, day, actor.name, until=again)
    said = f"{name} {choice.value}" + (f" until {again.isoformat()}" if again else "") + f": {why}"
    with writing(store, actor, "platform.review", said, allowed=require_reviewer) as conn:
        review, weeks = _review(conn, name, day)
        check_reviewable(review, name, weeks)
        stored = platform_rows.add(conn, made)
    return PlatformDecision(name, choice, why, day, actor.name, until=again, id=stored)


def restart_platform(
    store: Store, actor: Actor, platform: object, *, today: dt.date | None = None
) -> PlatformDecision:
    """Restart a stopped platform: it counts again in the demand, the stall list and the
    signal (and is reviewed again while it stays stalled)."""
    require_reviewer(actor, "platform.restart")
    name = platform_name(platform)
    day = today or clock.today()
    with writing(store, actor, "platform.restart", name, allowed=require_reviewer) as conn:
        review, _ = _review(conn, name, day)
        stop = check_restartable(review, name)
        made = PlatformDecision(
            name, Decision.RESTART, f"stopped on {stop.decided_on.isoformat()}", day, actor.name
        )
        stored = platform_rows.add(conn, made)
    return PlatformDecision(made.platform, made.decision, made.reason, day, actor.name, id=stored)
