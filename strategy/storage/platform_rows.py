"""The decisions on stalled platforms' reviews (``platform_decisions``), kept as history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.platform_review import Decision, PlatformDecision
from strategy.storage.rows import date_or_none, iso_or_none


def decisions(conn: Connection) -> tuple[PlatformDecision, ...]:
    """Every decision, oldest first."""
    rows = conn.execute(
        text(
            "SELECT id, platform, decision, reason, until, decided_on, decided_by "
            "FROM platform_decisions ORDER BY id"
        )
    ).all()
    return tuple(
        PlatformDecision(
            platform=platform,
            decision=Decision(decision),
            reason=reason,
            decided_on=dt.date.fromisoformat(on),
            decided_by=by,
            until=date_or_none(until),
            id=int(i),
        )
        for i, platform, decision, reason, until, on, by in rows
    )


def add(conn: Connection, d: PlatformDecision) -> int:
    """Store a decision; its new id."""
    return int(
        conn.execute(
            text(
                "INSERT INTO platform_decisions"
                "(platform, decision, reason, until, decided_on, decided_by) "
                "VALUES (:platform, :decision, :reason, :until, :on, :by) RETURNING id"
            ),
            {
                "platform": d.platform,
                "decision": d.decision.value,
                "reason": d.reason,
                "until": iso_or_none(d.until),
                "on": d.decided_on.isoformat(),
                "by": d.decided_by,
            },
        ).scalar_one()
    )
