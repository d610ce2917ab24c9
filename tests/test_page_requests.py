"""Resource requests on the dashboard, driven headless: the social expert raises one while
the signal is justified, an executive approves or declines it with a reason, and a request
whose signal no longer holds is flagged."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from strategy.domain.access import LOCAL_USER, AccessRole, Actor
from strategy.domain.analysis import analyse
from strategy.domain.requests import RequestStatus
from strategy.domain.value import value_text
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, VIEWER, open_page
from tests.pages import button_labels, click, said_beside
from ui import session

EXECUTIVE = Actor("cfo@example.com", AccessRole.EXECUTIVE)
RAISE = "Raise the request"
DECISIONS = ("Approve", "Decline")


def run() -> AppTest:
    return open_page("app.py", timeout=60)


def acting(monkeypatch: pytest.MonkeyPatch, who: Actor) -> None:
    monkeypatch.setattr(session, "actor", lambda: who)


def shown(at: AppTest) -> str:
    """Every Markdown text on the page, one after another, as the reader reads them."""
    return "\n".join(m.value for m in at.markdown)


def test_an_editor_raises_a_request_and_it_is_listed_open_with_its_evidence(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    acting(monkeypatch, EDITOR)
    at = run()
    assert "No resource requests yet." in [c.value for c in at.caption]

    at.text_area(key="request_note").input("Two people before the holiday season")
    click(at, RAISE)

    assert [s.value for s in at.success if s.value.startswith("Raised")] == [
        "Raised request #1 (50.0 h/week, raised 23 Nov 2026)."
    ]
    text = shown(at)
    assert "**Request #1: open** · raised on 23 Nov 2026 by maya@example.com" in text
    assert "**Note:** Two people before the holiday season" in text
    assert "gap 50.0 h/week, 1.2 FTE, EUR 2,017/week" in text
    assert "**Roles:** Social media manager, Community manager, Content creator" in text
    assert "**Window:** weeks of 19 Oct 2026 to 09 Nov 2026" in text
    (raised,) = app_ws.snapshot().requests
    for platform in raised.evidence.value:
        frozen = value_text(platform, "EUR")
        assert f"**Value as raised** · {platform.name}: {frozen}" in text
    assert "**Value as raised** · forum: value not measured; cost EUR " in text
    signal = analyse(app_ws.snapshot(), TODAY).signal
    assert signal.summary in text
    for condition in signal.conditions:
        assert f"✅ {condition.label} — {condition.value}" in text
    assert "Open: waiting for an executive's decision." in [c.value for c in at.caption]
    assert not [w for w in at.warning if "Stale" in w.value]

    (stored,) = app_ws.snapshot().requests
    assert (stored.status, stored.raised_by, stored.raised_on) == (
        RequestStatus.OPEN,
        EDITOR.name,
        TODAY,
    )
    assert stored.note == "Two people before the holiday season"


@pytest.mark.parametrize(
    ("button", "status", "icon"),
    [("Approve", RequestStatus.APPROVED, "✅"), ("Decline", RequestStatus.DECLINED, "❌")],
)
def test_an_executive_decides_with_a_reason_and_the_request_shows_the_decision(
    app_ws: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    button: str,
    status: RequestStatus,
    icon: str,
) -> None:
    raised = app_ws.raise_request(EDITOR, note="", today=TODAY)
    acting(monkeypatch, EXECUTIVE)
    at = run()
    assert RAISE not in button_labels(at)  # an executive decides; raising is the expert's
    assert [b for b in DECISIONS if b in button_labels(at)] == list(DECISIONS)

    at.text_input(key=f"decide_{raised.id}_reason").input("Budget agreed in the Q4 review")
    click(at, button)

    assert f"Request #{raised.id} {status.value}." in [s.value for s in at.success]
    text = shown(at)
    assert f"**Request #{raised.id}: {status.value}**" in text
    assert (
        f"{icon} **{status.value.title()}** by cfo@example.com on 23 Nov 2026: "
        "Budget agreed in the Q4 review"
    ) in text
    assert not [b for b in DECISIONS if b in button_labels(at)]  # a decision is final
    (stored,) = app_ws.snapshot().requests
    assert (stored.status, stored.decided_by, stored.decided_on, stored.reason) == (
        status,
        EXECUTIVE.name,
        TODAY,
        "Budget agreed in the Q4 review",
    )


@pytest.mark.parametrize("reason", ["", "   ", "No"])
def test_declining_without_a_reason_shows_the_error_and_changes_nothing(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch, reason: str
) -> None:
    raised = app_ws.raise_request(EDITOR, note="", today=TODAY)
    version = app_ws.data_version()
    acting(monkeypatch, EXECUTIVE)
    at = run()

    at.text_input(key=f"decide_{raised.id}_reason").input(reason)
    click(at, "Decline")

    assert [e.value for e in at.error] == [
        "reason: a decision needs a reason of at least 5 characters"
    ]
    assert app_ws.data_version() == version
    (stored,) = app_ws.snapshot().requests
    assert stored.status is RequestStatus.OPEN
    assert f"**Request #{raised.id}: open**" in shown(at)
    assert [b for b in DECISIONS if b in button_labels(at)] == list(DECISIONS)


@pytest.mark.parametrize(("who", "may_raise"), [(VIEWER, False), (EDITOR, True)])
def test_viewers_and_editors_see_the_request_but_no_decision_control(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch, who: Actor, may_raise: bool
) -> None:
    raised = app_ws.raise_request(EDITOR, note="For the spring campaign", today=TODAY)
    acting(monkeypatch, who)
    at = run()

    assert f"**Request #{raised.id}: open**" in shown(at)
    assert "**Note:** For the spring campaign" in shown(at)
    assert not [b for b in DECISIONS if b in button_labels(at)]
    assert not [t for t in at.text_input if str(t.key).startswith("decide_")]
    assert (RAISE in button_labels(at)) is may_raise
    if not may_raise:
        assert not at.form_submit_button and not at.text_area


def test_a_request_whose_signal_no_longer_holds_is_flagged_stale(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    raised = app_ws.raise_request(EDITOR, note="", today=TODAY)
    # the team grows by 60 hours of community management and the response target loosens:
    # demand falls under the threshold and responses are within the target
    app_ws.add_assignment(
        EDITOR, name="Ana Lima", role="community_manager", hours=60, available_hours=60
    )
    app_ws.set_demand_settings(EDITOR, {"response_target_minutes": 120})
    acting(monkeypatch, EDITOR)
    at = run()

    signal = analyse(app_ws.snapshot(), TODAY).signal
    stale = [w.value for w in at.warning if w.value.startswith("**Stale:**")]
    assert stale == [f"**Stale:** the signal no longer holds: {signal.summary}"]
    assert "not yet justified" in stale[0]
    text = shown(at)
    assert f"**Request #{raised.id}: open**" in text
    assert "gap 50.0 h/week, 1.2 FTE" in text  # the evidence stays as it was raised
    assert RAISE not in button_labels(at)
    assert "A resource request can be raised once extra resources are justified." in [
        c.value for c in at.caption
    ]


# --- approved against hired, who decides ------------------------------------------------


def hire(ws: Workspace, request_id: int, name: str, role: str, hours: float) -> None:
    ws.start_onboarding(
        EDITOR, request_id=request_id, name=name, role=role, hours=hours, start=TODAY
    )


@pytest.mark.parametrize(
    ("people", "status_line", "hired_line"),
    [
        ([], "**Request #1: approved**", "**Hired:** 0.0 of 50.0 h/week approved"),
        (
            [("Sara Lind", "community_manager", 20.0)],
            "**Request #1: approved**",
            "**Hired:** 20.0 of 50.0 h/week approved",
        ),
        (
            [("Sara Lind", "community_manager", 20.0), ("Noor Haddad", "content_creator", 30.0)],
            "**Request #1: approved, filled**",
            "**Filled:** 50.0 of 50.0 h/week approved",
        ),
    ],
    ids=["nobody", "one", "filled"],
)
def test_an_approved_request_shows_approved_against_hired_and_filled_once_all_taken(
    app_ws: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    people: list[tuple[str, str, float]],
    status_line: str,
    hired_line: str,
) -> None:
    raised = app_ws.raise_request(EDITOR, note="", today=TODAY)
    app_ws.decide_request(EXECUTIVE, raised.id, "approve", "Budget agreed", today=TODAY)
    for name, role, hours in people:
        hire(app_ws, raised.id, name, role, hours)
    acting(monkeypatch, EDITOR)
    text = shown(run())

    assert status_line in text
    assert hired_line in text
    hired = dict(((role, hours) for _, role, hours in people))
    assert (
        "**Roles:** Social media manager 0.0 h, "
        f"Community manager {hired.get('community_manager', 0.0):.1f} h, "
        f"Content creator {hired.get('content_creator', 0.0):.1f} h"
    ) in text
    names = ", ".join(name for name, _, _ in people) or "nobody yet"
    assert f"**People:** {names}" in text
    cost = sum(hours * 38 for _, _, hours in people)
    assert f"**Cost:** EUR {cost:,.0f} of EUR 2,017/week" in text


def test_the_raiser_sees_no_decision_control_on_their_own_request(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    raiser = Actor("cfo@example.com", AccessRole.ADMIN)
    app_ws.raise_request(raiser, note="", today=TODAY)
    acting(monkeypatch, raiser)
    at = run()

    assert not [b for b in DECISIONS if b in button_labels(at)]
    assert "Open: you raised it, so another executive decides it." in [c.value for c in at.caption]


def test_a_local_users_own_decision_is_shown_as_raised_and_decided_by_the_same_person(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    acting(monkeypatch, LOCAL_USER)
    at = run()
    click(at, RAISE)
    at.text_input(key="decide_1_reason").input("Only me to ask")
    click(at, "Approve")

    assert "Request #1 approved." in [s.value for s in at.success]
    assert "⚠️ Raised and decided by the same person." in [c.value for c in at.caption]
    (stored,) = app_ws.snapshot().requests
    assert (stored.raised_by, stored.decided_by, stored.same_person) == ("local", "local", True)


def test_an_amended_request_shows_the_amendment_waiting_for_a_decision(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    raised = app_ws.raise_request(EDITOR, note="", today=TODAY)
    app_ws.decide_request(EXECUTIVE, raised.id, "approve", "Budget agreed", today=TODAY)
    app_ws.amend_request(
        LOCAL_USER,
        raised.id,
        hours=40,
        roles="paid_media",
        reason="Paid media first",
        today=TODAY,
    )
    acting(monkeypatch, EXECUTIVE)
    at = run()

    text = shown(at)
    assert f"**Request #{raised.id}: open**" in text
    assert (
        "**Amended** by local on 23 Nov 2026 to 40.0 h/week for Paid-media specialist "
        "(EUR 1,800/week): Paid media first"
    ) in text
    assert [b for b in DECISIONS if b in button_labels(at)] == list(DECISIONS)


def test_a_raised_request_empties_its_note_box_and_says_so_under_the_button(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    acting(monkeypatch, EDITOR)
    at = run()
    at.text_area(key="request_note").input("Two people before the holiday season")
    click(at, RAISE)
    note = at.text_area(key="request_note")
    assert (note.value, note.proto.set_value) == ("", True)  # set, so the browser empties it
    (said,) = said_beside(at, RAISE)
    assert said.startswith("Raised request #1 (50.0 h/week")
