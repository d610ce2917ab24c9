"""Resource requests on the dashboard, driven headless: the social expert raises one while
the signal is justified, an executive approves or declines it with a reason, and a request
whose signal no longer holds is flagged."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from strategy.domain.access import AccessRole, Actor
from strategy.domain.analysis import analyse
from strategy.domain.requests import RequestStatus
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, VIEWER, open_page
from tests.pages import button_labels, click
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
        "Raised request #1 (50.0 h/week, raised 2026-11-23)."
    ]
    text = shown(at)
    assert "**Request #1: open** · raised on 23 Nov 2026 by maya@example.com" in text
    assert "**Note:** Two people before the holiday season" in text
    assert "gap 50.0 h/week, 1.2 FTE, EUR 2,017/week" in text
    assert "**Roles:** Social media manager, Community manager, Content creator" in text
    assert "**Window:** weeks of 19 Oct 2026 to 09 Nov 2026" in text
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
