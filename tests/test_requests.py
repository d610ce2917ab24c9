"""Resource requests: raised only while the signal is justified, with their evidence frozen,
decided once by an executive with a reason, flagged stale when the signal no longer holds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from strategy.domain.access import AccessRole, Actor
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
        ValidationError, match=r"already declined by cfo@example\.com on 2026-11-23"
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
    }
    e = newest["evidence"]
    assert grant == {
        "hours_per_week": e["gap_hours_per_week"],
        "roles": e["recommended_roles"],
        "cost_per_week": e["gap_cost_per_week"],
        "currency": e["currency"],
    }
    assert e["gap_cost_per_week"] == report["resource_signal"]["gap_cost_per_week"]
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
