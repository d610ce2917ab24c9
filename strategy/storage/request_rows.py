"""Resource requests (``requests``: raised with frozen evidence, decided once) and the
onboarding items (``onboarding``) of the people they brought."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.hire_check import Review, review_from_dict, review_to_dict
from strategy.domain.onboarding import OnboardingItem
from strategy.domain.requests import (
    Evidence,
    RequestStatus,
    ResourceRequest,
    amendment_from_dict,
    amendment_to_dict,
    evidence_from_dict,
    evidence_to_dict,
    grant_from_dict,
    grant_to_dict,
)
from strategy.domain.team import Role, parse_role
from strategy.storage.rows import date_or_none, find, iso_or_none


def requests(conn: Connection) -> tuple[ResourceRequest, ...]:
    return tuple(
        ResourceRequest(
            id=int(r.id),
            raised_on=dt.date.fromisoformat(r.raised_on),
            raised_by=r.raised_by,
            note=r.note,
            evidence=evidence_from_dict(json.loads(r.evidence)),
            status=RequestStatus(r.status),
            decided_on=date_or_none(r.decided_on),
            decided_by=r.decided_by,
            reason=r.reason,
            granted=grant_from_dict(json.loads(r.granted)) if r.granted else None,
            amendment=amendment_from_dict(json.loads(r.amendment)) if r.amendment else None,
            review=review_from_dict(json.loads(r.review)) if r.review else None,
        )
        for r in conn.execute(
            text(
                "SELECT id, raised_on, raised_by, note, evidence, status, decided_on, "
                "decided_by, reason, granted, amendment, review FROM requests ORDER BY id"
            )
        )
    )


def request(conn: Connection, known: int) -> ResourceRequest:
    """The request with this id; NotFound if there is none."""
    return find(requests(conn), known, "request")


def insert_request(
    conn: Connection, day: dt.date, by: str, note: str, evidence: Evidence
) -> ResourceRequest:
    """Store a new open request; returns it with its id."""
    new_id = conn.execute(
        text(
            "INSERT INTO requests(raised_on, raised_by, note, evidence, status) "
            "VALUES (:on, :by, :note, :evidence, :status) RETURNING id"
        ),
        {
            "on": day.isoformat(),
            "by": by,
            "note": note,
            "evidence": json.dumps(evidence_to_dict(evidence), sort_keys=True),
            "status": RequestStatus.OPEN.value,
        },
    ).scalar_one()
    return ResourceRequest(int(new_id), day, by, note, evidence)


def decide_request(conn: Connection, decided: ResourceRequest) -> None:
    """Store a request's decision: its status, day, who and why, what it grants once
    amended and an amendment waiting for a decision."""
    conn.execute(
        text(
            "UPDATE requests SET status = :s, decided_on = :on, decided_by = :by, "
            "reason = :why, granted = :granted, amendment = :amendment WHERE id = :id"
        ),
        {
            "s": decided.status.value,
            "on": iso_or_none(decided.decided_on),
            "by": decided.decided_by,
            "why": decided.reason,
            "granted": _json_or_none(grant_to_dict(decided.granted) if decided.granted else None),
            "amendment": _json_or_none(
                amendment_to_dict(decided.amendment) if decided.amendment else None
            ),
            "id": decided.id,
        },
    )


def close_review(conn: Connection, review: Review) -> None:
    """Store a hire's review as an executive closed it."""
    conn.execute(
        text("UPDATE requests SET review = :review WHERE id = :id"),
        {"review": _json_or_none(review_to_dict(review)), "id": review.request_id},
    )


def _json_or_none(value: object) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True)


def onboarding(conn: Connection) -> tuple[OnboardingItem, ...]:
    return tuple(
        OnboardingItem(
            id=int(r.id),
            request_id=int(r.request_id),
            person=r.person,
            role=parse_role(r.role),
            start=dt.date.fromisoformat(r.start),
            day=int(r.day),
            title=r.title,
            done_on=date_or_none(r.done_on),
        )
        for r in conn.execute(
            text(
                "SELECT id, request_id, person, role, start, day, title, done_on "
                "FROM onboarding ORDER BY id"
            )
        )
    )


def insert_onboarding(
    conn: Connection,
    request_id: int,
    person: str,
    role: Role,
    start: dt.date,
    items: Sequence[tuple[int, str, dt.date]],
) -> tuple[OnboardingItem, ...]:
    """Store a new person's plan items, (day, title, due) each; returns all of theirs."""
    conn.execute(
        text(
            "INSERT INTO onboarding(request_id, person, role, start, day, title) "
            "VALUES (:r, :p, :role, :start, :day, :title)"
        ),
        [
            {
                "r": request_id,
                "p": person,
                "role": role.value,
                "start": start.isoformat(),
                "day": day,
                "title": title,
            }
            for day, title, _ in items
        ],
    )
    return tuple(i for i in onboarding(conn) if i.person == person)


def set_onboarding_done(conn: Connection, item_id: int, on: dt.date | None) -> None:
    conn.execute(
        text("UPDATE onboarding SET done_on = :on WHERE id = :id"),
        {"on": iso_or_none(on), "id": item_id},
    )
