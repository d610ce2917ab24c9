"""Resource requests: raised only while the signal is justified, with their evidence frozen,
decided once by an executive with a reason, flagged stale when the signal no longer holds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from strategy.domain.access import LOCAL_USER, AccessRole, Actor
from strategy.domain.analysis import analyse
from strategy.domain.errors import NotFound, PermissionDenied, ValidationError
from strategy.domain.requests import (
    Decision,
    RequestStatus,
    evidence_from_dict,
    evidence_to_dict,
    freeze_evidence,
    view,
)
from strategy.domain.resources import SignalStatus
from strategy.report import report_dict, report_text
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, VIEWER, workspace_state

CFO = Actor("cfo@example.com", AccessRole.EXECUTIVE)


def withdraw_the_tested_wins(ws: Workspace) -> None:
    """Remove the concluded tests: no tested strategy backs the plan any more."""
    for test in ws.snapshot().tests:
        if test.status.value == "concluded":
            ws.remove_test(EDITOR, test.id or 0)


def test_the_demo_signal_is_justified_so_a_request_can_be_raised(demo_ws: Workspace) -> None:
    analysis = analyse(demo_ws.snapshot(), TODAY)
    assert analysis.signal.status is SignalStatus.JUSTIFIED
    request = demo_ws.raise_request(EDITOR, note="Two people for Q1", today=TODAY)
    e = request.evidence
    assert (request.status, request.raised_on, request.raised_by) == (
        RequestStatus.OPEN,
        TODAY,
        EDITOR.name,
    )
    assert request.note == "Two people for Q1"
    assert e.gap_hours_per_week == analysis.signal.gap_hours_per_week > 0
    assert e.gap_people == analysis.signal.gap_people
    assert e.gap_cost_per_week == analysis.gap_cost.per_week > 0
    assert e.roles == analysis.signal.recommended_roles
    assert (e.window_from, e.window_to) == (
        analysis.signal.window.first,
        analysis.signal.window.last,
    )
    assert [c.met for c in e.conditions] == [True, True, True]
    assert demo_ws.snapshot().requests == (request,)


def test_a_request_is_refused_with_the_signals_reason_while_not_yet_justified(
    demo_ws: Workspace,
) -> None:
    withdraw_the_tested_wins(demo_ws)
    before = workspace_state(demo_ws)
    with pytest.raises(
        ValidationError,
        match="only be raised while extra resources are justified; today the signal says: "
        "Extra resources are not yet justified: ",
    ):
        demo_ws.raise_request(EDITOR, today=TODAY)
    assert workspace_state(demo_ws) == before


def test_a_request_is_refused_before_any_metrics(empty_ws: Workspace) -> None:
    before = workspace_state(empty_ws)
    with pytest.raises(ValidationError, match="no complete week of metrics yet"):
        empty_ws.raise_request(EDITOR, today=TODAY)
    assert workspace_state(empty_ws) == before


def test_the_frozen_evidence_stays_as_raised_when_later_data_arrives(
    demo_ws: Workspace, long_file: Callable[..., Path]
) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    busier = long_file([("2026-11-09", "instagram", "inbound_messages", 3000.0)])
    demo_ws.import_file(EDITOR, busier, today=TODAY)
    later = analyse(demo_ws.snapshot(), TODAY)
    assert later.signal.gap_hours_per_week != request.evidence.gap_hours_per_week
    (stored,) = demo_ws.snapshot().requests
    assert stored.evidence == request.evidence


def test_a_request_whose_signal_no_longer_holds_is_flagged_stale(demo_ws: Workspace) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    withdraw_the_tested_wins(demo_ws)
    later = analyse(demo_ws.snapshot(), TODAY)
    assert later.signal.status is SignalStatus.NOT_YET
    (shown,) = later.requests
    assert shown.request == request
    assert shown.stale
    assert shown.stale_reason == f"the signal no longer holds: {later.signal.summary}"


def test_a_request_is_not_stale_while_the_signal_still_holds(demo_ws: Workspace) -> None:
    demo_ws.raise_request(EDITOR, today=TODAY)
    (shown,) = analyse(demo_ws.snapshot(), TODAY).requests
    assert (shown.stale, shown.stale_reason) == (False, "")


def test_evidence_round_trips_through_its_stored_form(demo_read: Workspace) -> None:
    analysis = analyse(demo_read.snapshot(), TODAY)
    evidence = freeze_evidence(analysis.signal, analysis.gap_cost, TODAY)
    assert evidence_from_dict(evidence_to_dict(evidence)) == evidence


@pytest.mark.parametrize(
    ("decision", "status"),
    [("approve", RequestStatus.APPROVED), (" Decline ", RequestStatus.DECLINED)],
)
def test_an_executive_decides_with_a_reason_and_it_is_audited(
    demo_ws: Workspace, decision: str, status: RequestStatus
) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    later = TODAY + dt.timedelta(days=2)
    decided = demo_ws.decide_request(CFO, request.id, decision, "  Budget  for Q1 ", today=later)
    (stored,) = demo_ws.snapshot().requests
    assert stored == decided
    assert (stored.status, stored.decided_on, stored.decided_by, stored.reason) == (
        status,
        later,
        CFO.name,
        "Budget for Q1",
    )
    actions = [(e.actor, e.action) for e in demo_ws.audit_log(2)]
    assert actions == [(CFO.name, "request.decide"), (EDITOR.name, "request.raise")]
    assert f"#{request.id} {status.value}: Budget for Q1" in demo_ws.audit_log(1)[0].detail


@pytest.mark.parametrize(
    ("request_id", "decision", "reason", "error", "message"),
    [
        (None, "approve", "ok", ValidationError, "reason: a decision needs a reason of at least 5"),
        (
            None,
            "maybe",
            "Budget is there",
            ValidationError,
            "decision: expected approve or decline",
        ),
        (99, "approve", "Budget is there", NotFound, "request #99 does not exist"),
        (0, "approve", "Budget is there", NotFound, "request #0 does not exist"),
        ("1", "approve", "Budget is there", ValidationError, "request id: expected a whole"),
    ],
    ids=["short reason", "unknown decision", "missing", "zero", "text id"],
)
def test_a_bad_decision_is_refused_naming_the_field_and_changes_nothing(
    demo_ws: Workspace,
    request_id: object,
    decision: str,
    reason: str,
    error: type[Exception],
    message: str,
) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    before = workspace_state(demo_ws)
    with pytest.raises(error, match=message):
        demo_ws.decide_request(
            CFO, request.id if request_id is None else request_id, decision, reason, today=TODAY
        )
    assert workspace_state(demo_ws) == before


def test_a_decision_is_final_and_the_refusal_names_who_made_it(demo_ws: Workspace) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    demo_ws.decide_request(CFO, request.id, Decision.DECLINE, "Not this quarter", today=TODAY)
    before = workspace_state(demo_ws)
    with pytest.raises(
        ValidationError, match=r"already declined by cfo@example\.com on 23 Nov 2026"
    ):
        demo_ws.decide_request(CFO, request.id, "approve", "Changed my mind", today=TODAY)
    assert workspace_state(demo_ws) == before


def test_a_request_cannot_be_decided_before_it_was_raised(demo_ws: Workspace) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    with pytest.raises(ValidationError, match="before it was raised"):
        demo_ws.decide_request(
            CFO, request.id, "approve", "Budget is there", today=TODAY - dt.timedelta(days=1)
        )


@pytest.mark.parametrize("actor", [VIEWER, CFO], ids=["viewer", "executive"])
def test_only_someone_who_may_edit_raises_a_request(demo_ws: Workspace, actor: Actor) -> None:
    with pytest.raises(PermissionDenied, match="may not change the workspace"):
        demo_ws.raise_request(actor, today=TODAY)
    assert demo_ws.snapshot().requests == ()


def test_a_long_note_is_refused_naming_the_field(demo_ws: Workspace) -> None:
    with pytest.raises(ValidationError, match="note: expected at most 1,000 characters"):
        demo_ws.raise_request(EDITOR, note="x" * 1001, today=TODAY)


def test_the_report_lists_requests_with_status_stale_dates_reason_and_evidence(
    demo_ws: Workspace,
) -> None:
    first = demo_ws.raise_request(EDITOR, today=TODAY)
    demo_ws.decide_request(CFO, first.id, "decline", "Not this quarter", today=TODAY)
    second = demo_ws.raise_request(EDITOR, note="One more", today=TODAY)
    asked = report_dict(analyse(demo_ws.snapshot(), TODAY))["resource_signal"]
    demo_ws.decide_request(CFO, second.id, "approve", "Budget is there", today=TODAY)
    analysis = analyse(demo_ws.snapshot(), TODAY)
    report = report_dict(analysis)
    newest, oldest = report["requests"]
    assert (oldest["id"], oldest["status"], oldest["reason"]) == (
        first.id,
        "declined",
        "Not this quarter",
    )
    grant = newest["approved"]
    assert newest == {
        "id": second.id,
        "status": "approved",
        "stale": False,
        "stale_reason": "",
        "raised_on": "2026-11-23",
        "raised_by": EDITOR.name,
        "note": "One more",
        "decided_on": "2026-11-23",
        "decided_by": CFO.name,
        "reason": "Budget is there",
        "same_person": False,
        "evidence": evidence_to_dict(second.evidence),
        "approved": grant,
        "amendment": None,
        "hired_hours": 0.0,
        "hired_people": [],
        "hired_roles": {},
        "hired_cost_per_week": 0.0,
        "filled": False,
        "review": None,
    }
    e = newest["evidence"]
    assert grant == {
        "hours_per_week": e["gap_hours_per_week"],
        "roles": e["recommended_roles"],
        "cost_per_week": e["gap_cost_per_week"],
        "currency": e["currency"],
    }
    assert e["gap_cost_per_week"] == asked["gap_cost_per_week"]  # as the signal said when raised
    text = report_text(analysis)
    assert f"#{second.id} [approved]" in text and "approved by cfo@example.com" in text
    assert "hired 0.0 of " in text


def test_the_stale_flag_follows_todays_signal_not_the_frozen_one(demo_ws: Workspace) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    signal = analyse(demo_ws.snapshot(), TODAY).signal
    not_yet = dataclasses.replace(signal, status=SignalStatus.NOT_YET, summary="not yet: why")
    assert view(request, signal).stale is False
    assert view(request, not_yet).stale_reason == "the signal no longer holds: not yet: why"


def test_a_report_as_of_an_earlier_day_shows_requests_as_they_stood_then(
    demo_ws: Workspace,
) -> None:
    first = demo_ws.raise_request(EDITOR, today=TODAY)
    later = TODAY + dt.timedelta(days=3)
    demo_ws.decide_request(CFO, first.id, "decline", "Not this quarter", today=later)
    demo_ws.raise_request(EDITOR, today=later)
    snap = demo_ws.snapshot()
    then = report_dict(analyse(snap, TODAY))["requests"]
    assert [(r["id"], r["status"], r["reason"]) for r in then] == [(first.id, "open", "")]
    now = report_dict(analyse(snap, later))["requests"]
    assert [r["status"] for r in now] == ["open", "declined"]


# --- a new request waits for the approved one to be filled ------------------------------


def test_a_new_request_is_refused_while_an_approved_one_is_not_filled_naming_it(
    demo_ws: Workspace,
) -> None:
    first = demo_ws.raise_request(EDITOR, today=TODAY)
    demo_ws.decide_request(CFO, first.id, "approve", "Budget is there", today=TODAY)
    demo_ws.start_onboarding(
        EDITOR,
        request_id=first.id,
        name="Sara Lind",
        role="community_manager",
        hours=20,
        start=TODAY,
    )
    before = workspace_state(demo_ws)
    with pytest.raises(ValidationError) as refused:
        demo_ws.raise_request(EDITOR, note="One more", today=TODAY)
    assert str(refused.value) == (
        f"request #{first.id} is approved and not filled yet (20.0 of 50.0 h/week hired); "
        "fill or amend it first"
    )
    assert workspace_state(demo_ws) == before
    demo_ws.amend_request(
        LOCAL_USER, first.id, hours=40, roles="community_manager", reason="Smaller", today=TODAY
    )
    with pytest.raises(ValidationError, match=r"\(20\.0 of 50\.0 h/week hired\)"):
        demo_ws.raise_request(EDITOR, note="One more", today=TODAY)  # the amendment waits


# --- who decides ----------------------------------------------------------------------

ADMIN = Actor("maya@example.com", AccessRole.ADMIN)


@pytest.mark.parametrize(
    ("raiser", "decider"),
    [
        (EDITOR, Actor("maya@example.com", AccessRole.EXECUTIVE)),
        (ADMIN, ADMIN),
        (ADMIN, Actor("Maya@Example.com", AccessRole.ADMIN)),
    ],
    ids=["editor-then-executive", "admin", "admin-other-case"],
)
def test_the_person_who_raised_a_request_cannot_decide_it_admins_included(
    demo_ws: Workspace, raiser: Actor, decider: Actor
) -> None:
    request = demo_ws.raise_request(raiser, today=TODAY)
    before = workspace_state(demo_ws)
    with pytest.raises(PermissionDenied) as refused:
        demo_ws.decide_request(decider, request.id, "approve", "Budget is there", today=TODAY)
    assert str(refused.value) == (
        f"{decider.name} raised request #{request.id}; the person who raises a request does "
        "not decide it, admins included: another executive decides"
    )
    assert workspace_state(demo_ws) == before


def test_the_local_user_decides_its_own_request_and_it_is_shown_as_the_same_person(
    demo_ws: Workspace,
) -> None:
    request = demo_ws.raise_request(LOCAL_USER, today=TODAY)
    decided = demo_ws.decide_request(LOCAL_USER, request.id, "approve", "Only me", today=TODAY)
    assert (decided.status, decided.decided_by, decided.same_person) == (
        RequestStatus.APPROVED,
        LOCAL_USER.name,
        True,
    )
    analysis = analyse(demo_ws.snapshot(), TODAY)
    (shown,) = report_dict(analysis)["requests"]
    assert (shown["raised_by"], shown["decided_by"], shown["same_person"]) == (
        "local",
        "local",
        True,
    )
    assert "approved by local on 2026-11-23: Only me (raised and decided by the same person)" in (
        report_text(analysis)
    )


def test_a_request_decided_by_someone_else_is_not_the_same_person(demo_ws: Workspace) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    demo_ws.decide_request(CFO, request.id, "decline", "Not this quarter", today=TODAY)
    analysis = analyse(demo_ws.snapshot(), TODAY)
    assert report_dict(analysis)["requests"][0]["same_person"] is False
    assert "same person" not in report_text(analysis)


# --- amending an approved request -----------------------------------------------------


def approved_with_sara(ws: Workspace) -> int:
    """Request #1 approved (50 h, three roles) and Sara Lind started as a 20 h community
    manager against it."""
    request = ws.raise_request(EDITOR, today=TODAY)
    ws.decide_request(CFO, request.id, "approve", "Budget is there", today=TODAY)
    ws.start_onboarding(
        EDITOR,
        request_id=request.id,
        name="Sara Lind",
        role="community_manager",
        hours=20,
        start=TODAY,
    )
    return request.id


def test_an_admin_amends_an_approved_request_and_an_executive_re_approves_it(
    demo_ws: Workspace,
) -> None:
    request_id = approved_with_sara(demo_ws)
    amended = demo_ws.amend_request(
        LOCAL_USER,
        request_id,
        hours=60,
        roles="community_manager, paid_media",
        reason="Paid media instead",
        today=TODAY,
    )
    assert amended.status is RequestStatus.OPEN
    assert amended.amendment is not None
    assert (amended.amendment.grant.hours_per_week, amended.amendment.by) == (60.0, "local")
    assert amended.amendment.grant.cost_per_week == 30 * 38 + 30 * 45
    with pytest.raises(ValidationError, match="is open; onboarding starts from an approved"):
        demo_ws.start_onboarding(
            EDITOR,
            request_id=request_id,
            name="Noor Haddad",
            role="paid_media",
            hours=10,
            start=TODAY,
        )
    again = demo_ws.decide_request(CFO, request_id, "approve", "Paid media it is", today=TODAY)
    assert (again.status, again.grant.hours_per_week, again.amendment) == (
        RequestStatus.APPROVED,
        60.0,
        None,
    )
    demo_ws.start_onboarding(
        EDITOR,
        request_id=request_id,
        name="Noor Haddad",
        role="paid_media",
        hours=30,
        start=TODAY,
    )
    (shown,) = report_dict(analyse(demo_ws.snapshot(), TODAY))["requests"]
    assert (shown["approved"]["hours_per_week"], shown["hired_hours"]) == (60.0, 50.0)
    assert shown["approved"]["roles"] == ["community_manager", "paid_media"]
    newest = demo_ws.audit_log(3)
    assert [(e.action, e.actor) for e in newest] == [
        ("onboarding.start", EDITOR.name),
        ("request.decide", CFO.name),
        ("request.amend", "local"),
    ]
    assert newest[2].detail == (
        f"#{request_id}: 60.0 h/week for community_manager, paid_media: Paid media instead"
    )


def test_a_declined_amendment_leaves_the_earlier_approval_standing(demo_ws: Workspace) -> None:
    request_id = approved_with_sara(demo_ws)
    demo_ws.amend_request(
        LOCAL_USER,
        request_id,
        hours=80,
        roles="community_manager",
        reason="More of it",
        today=TODAY,
    )
    kept = demo_ws.decide_request(CFO, request_id, "decline", "Not this much", today=TODAY)
    assert (kept.status, kept.grant.hours_per_week, kept.reason) == (
        RequestStatus.APPROVED,
        50.0,
        "amendment declined: Not this much",
    )


@pytest.mark.parametrize(
    ("actor", "changes", "error", "refusal"),
    [
        (
            EDITOR,
            {},
            PermissionDenied,
            "maya@example.com is not an admin and may not do request.amend",
        ),
        (CFO, {}, PermissionDenied, "cfo@example.com is not an admin"),
        (
            LOCAL_USER,
            {"hours": 10},
            ValidationError,
            "hours: request #1 has 20.0 h/week hired already; expected at least that, got 10",
        ),
        (
            LOCAL_USER,
            {"roles": "content_creator"},
            ValidationError,
            "roles: request #1 has people hired as community_manager; expected the roles to "
            "keep them",
        ),
        (
            LOCAL_USER,
            {"hours": "lots"},
            ValidationError,
            "hours: expected a number of hours a week more than 0, up to 1,000, got 'lots'",
        ),
        (LOCAL_USER, {"roles": " , "}, ValidationError, "roles: expected at least one role"),
        (LOCAL_USER, {"roles": "astronaut"}, ValidationError, "role:"),
        (LOCAL_USER, {"reason": ""}, ValidationError, "reason: an amendment needs a reason"),
    ],
    ids=[
        "editor",
        "executive",
        "below-hired",
        "drops-hired-role",
        "hours-text",
        "no-roles",
        "unknown-role",
        "no-reason",
    ],
)
def test_a_bad_amendment_is_refused_naming_the_field_and_nothing_changes(
    demo_ws: Workspace,
    actor: Actor,
    changes: dict[str, object],
    error: type[Exception],
    refusal: str,
) -> None:
    request_id = approved_with_sara(demo_ws)
    fields: dict[str, object] = {"hours": 60, "roles": "community_manager", "reason": "Why not"}
    before = workspace_state(demo_ws)
    with pytest.raises(error) as refused:
        demo_ws.amend_request(actor, request_id, today=TODAY, **{**fields, **changes})  # type: ignore[arg-type]
    assert str(refused.value).startswith(refusal)
    assert workspace_state(demo_ws) == before


def test_only_an_approved_request_is_amended(demo_ws: Workspace) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    with pytest.raises(ValidationError, match=r"^request #1 is open; only an approved request"):
        demo_ws.amend_request(
            LOCAL_USER, request.id, hours=60, roles="paid_media", reason="Why not", today=TODAY
        )


def test_a_report_as_of_before_an_amendment_shows_the_request_approved_without_it(
    demo_ws: Workspace,
) -> None:
    request_id = approved_with_sara(demo_ws)
    later = TODAY + dt.timedelta(days=7)
    demo_ws.amend_request(
        LOCAL_USER,
        request_id,
        hours=60,
        roles="community_manager",
        reason="More hours",
        today=later,
    )
    snap = demo_ws.snapshot()
    (then,) = report_dict(analyse(snap, TODAY))["requests"]
    assert (then["status"], then["amendment"]) == ("approved", None)
    (now,) = report_dict(analyse(snap, later))["requests"]
    assert (now["status"], now["amendment"]["hours_per_week"]) == ("open", 60.0)
