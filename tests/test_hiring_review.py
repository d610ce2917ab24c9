"""The signal reads the hires, and the hire is checked (issue 19, parts 4 and 5).

While approved hours do not all serve yet, the signal says "hiring in progress" with the
approved, started and effective hours, and never asks for them again. Once a filled request's
people all give their full hours, the request carries a review: what its evidence claimed
against what the signal's window reads now, with a verdict an executive closes with a note.

The request of these tests: raised on TODAY by the editor for 50 h/week, approved by an
executive, filled by two people starting on START (25 h community manager, 25 h content
creator).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy.domain.access import AccessRole, Actor
from strategy.domain.analysis import Analysis, analyse
from strategy.domain.errors import PermissionDenied, ValidationError
from strategy.domain.hire_check import Reading, Verdict
from strategy.domain.hiring import review
from strategy.domain.requests import RequestView
from strategy.report import report_dict
from strategy.usecases import Workspace
from strategy.views.standup import agenda, agenda_text
from tests.conftest import EDITOR, TODAY, VIEWER, cli, open_page, workspace_state
from tests.engines import ENGINES, Postgres
from tests.pages import click
from ui import session

CFO = Actor("cfo@example.com", AccessRole.EXECUTIVE)
START = dt.date(2026, 11, 30)
FULL = START + dt.timedelta(days=60)
"""The day both give their full hours (the default ramp-up: 1/3, 2/3, then full on day 60)."""


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def hire(ws: Workspace) -> int:
    """Raise, approve and fill the request; its id."""
    raised = ws.raise_request(EDITOR, note="Inbox overflow", today=TODAY)
    ws.decide_request(CFO, raised.id, "approve", "Budget agreed in the review", today=TODAY)
    for name, role in (("Ana Lima", "community_manager"), ("Ben Ode", "content_creator")):
        ws.start_onboarding(
            EDITOR, request_id=raised.id, name=name, role=role, hours=25, start=START
        )
    return raised.id


@pytest.fixture(scope="module", params=ENGINES)
def hired(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    """One filled request on each engine, shared by the tests that only read it (or are
    refused: they check nothing changed)."""
    template: Path = request.getfixturevalue("demo_template")
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("hired") / "ws"
        shutil.copytree(template, target)
        ws = Workspace.open(target)
        hire(ws)
        yield ws
        return
    server: Postgres = request.getfixturevalue("postgres")
    url = server.create(template=request.getfixturevalue("pg_demo_template"))
    ws = Workspace.open(url)
    hire(ws)
    yield ws
    server.drop(url)


def on(ws: Workspace, when: dt.date) -> Analysis:
    return analyse(ws.snapshot(), when)


# --- the signal reads the hires ----------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "started", "effective"),
    [(-1, 0.0, 0.0), (0, 50.0, 50 / 3), (29, 50.0, 50 / 3), (30, 50.0, 100 / 3), (59, 50, 100 / 3)],
    ids=["day before the start", "day 0", "day 29", "day 30", "day 59"],
)
def test_while_the_hires_ramp_up_the_signal_says_hiring_in_progress_with_its_hours(
    hired: Workspace, days: int, started: float, effective: float
) -> None:
    report = report_dict(on(hired, day(days)))["resource_signal"]
    assert report["hiring"] == pytest.approx(
        {"approved_hours": 50.0, "started_hours": started, "effective_hours": effective}, abs=0.01
    )
    said = (
        f"hiring in progress: 50 h approved, {started:.0f} h started, "
        f"{round(effective, 1):g} h effective"
    )
    assert said in report["summary"].lower()


def test_once_the_hires_serve_in_full_the_signal_no_longer_says_hiring_in_progress(
    hired: Workspace,
) -> None:
    report = report_dict(on(hired, FULL))["resource_signal"]
    assert report["hiring"] == {
        "approved_hours": 50.0,
        "started_hours": 50.0,
        "effective_hours": 50.0,
    }
    assert "hiring in progress" not in report["summary"]


def test_with_nothing_approved_every_hiring_figure_is_0(demo_read: Workspace) -> None:
    report = report_dict(on(demo_read, TODAY))["resource_signal"]
    assert report["hiring"] == {"approved_hours": 0, "started_hours": 0, "effective_hours": 0}
    assert "hiring in progress" not in report["summary"]


@pytest.mark.parametrize("days", [0, 30, 59])
def test_the_gap_leaves_out_the_approved_hours_that_do_not_serve_yet(
    hired: Workspace, days: int
) -> None:
    signal = on(hired, day(days)).signal
    pending = signal.hiring.approved_hours - signal.hiring.effective_hours
    assert pending > 0
    assert signal.gap_hours_per_week == pytest.approx(max(signal.need_hours - pending, 0), abs=0.1)


def test_while_the_approved_hours_cover_the_gap_no_new_request_is_raised(
    hired: Workspace,
) -> None:
    signal = on(hired, TODAY).signal
    assert signal.gap_hours_per_week == 0 and not signal.asks_for_more
    assert signal.summary.startswith(
        "Extra resources are justified, and the hours are approved already: hiring in "
        "progress: 50 h approved, 0 h started, 0 h effective. Nothing more to ask for: 50 h "
        "approved have not started yet."
    )
    before = workspace_state(hired)
    with pytest.raises(ValidationError, match="the hours the signal asks for are approved already"):
        hired.raise_request(EDITOR, today=TODAY)
    assert workspace_state(hired) == before


# --- the review --------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "due"), [(59, False), (60, True), (90, True)])
def test_a_filled_request_is_reviewed_once_its_people_give_their_full_hours(
    hired: Workspace, days: int, due: bool
) -> None:
    (v,) = on(hired, day(days)).requests
    assert v.filled
    assert (v.review is not None) is due
    if v.review is not None:
        assert v.review.due_on == FULL
        assert v.review.closed is None


def test_the_review_sets_what_the_request_claimed_against_what_the_window_reads_now(
    hired: Workspace,
) -> None:
    analysis = on(hired, day(90))
    (v,) = analysis.requests
    claimed = v.request.evidence.claimed
    assert claimed is not None and v.review is not None
    lines = {x.label: (x.claimed, x.now) for x in v.review.lines}
    serving_now = analysis.team.serving_hours
    assert serving_now == pytest.approx(claimed.serving_hours + 50.0)  # both in full
    demand = claimed.demand_hours  # the same weeks: no newer data
    assert lines["Demand against capacity"] == (
        f"{demand:,.1f} h/week against {claimed.serving_hours:,.1f} serving hours "
        f"({demand / claimed.serving_hours:.0%})",
        f"{demand:,.1f} h/week against {serving_now:,.1f} serving hours "
        f"({demand / serving_now:.0%})",
    )
    assert lines["Active platforms"][0] == lines["Active platforms"][1]
    assert "60-minute target" in lines["Response time against its target"][1]
    assert v.review.weeks_since == 0
    assert ": none of the 4 after the people reached full hours on 29 Jan 2027" in v.review.summary
    assert "upload the weeks since" in v.review.summary
    report = report_dict(analysis)["requests"][0]["review"]
    assert report["verdict"] in {"closed", "partly_closed", "not_closed"}
    assert report["verdict"] == v.review.verdict.value


def _view(analysis: Analysis) -> RequestView:
    (v,) = analysis.requests
    return v


@pytest.mark.parametrize(
    ("by_demand", "by_response", "need", "slow_now", "verdict"),
    [
        (False, False, 0.0, 0, Verdict.CLOSED),
        (True, False, 20.0, 4, Verdict.PARTLY_CLOSED),
        (False, True, 5.0, 2, Verdict.PARTLY_CLOSED),
        (True, True, 50.0, 4, Verdict.NOT_CLOSED),
        (True, True, 80.0, 4, Verdict.NOT_CLOSED),
    ],
    ids=[
        "demand within capacity",
        "fewer hours needed",
        "fewer slow weeks",
        "as many hours",
        "more hours",
    ],
)
def test_the_verdict_follows_what_demand_still_needs_against_what_was_asked(
    hired: Workspace,
    by_demand: bool,
    by_response: bool,
    need: float,
    slow_now: int,
    verdict: Verdict,
) -> None:
    analysis = on(hired, day(90))
    v = _view(analysis)
    signal = analysis.signal
    assert signal.facts is not None and v.request.evidence.gap_hours_per_week == 50.0
    claimed = dataclasses.replace(
        v.request.evidence.claimed or _reading(), slow_weeks=4, response_minutes=91.0
    )
    request = dataclasses.replace(
        v.request, evidence=dataclasses.replace(v.request.evidence, claimed=claimed)
    )
    facts = dataclasses.replace(signal.facts, by_demand=by_demand, by_response=by_response)
    now = dataclasses.replace(claimed, slow_weeks=slow_now)
    read = dataclasses.replace(signal, facts=facts, need_hours=need)
    found = review(dataclasses.replace(v, request=request), FULL, read, now)
    assert found.verdict is verdict


def _reading() -> Reading:
    return Reading(4, 60.0, 20.0, 91.0, 4, 60.0, ("instagram",))


def test_a_request_raised_before_claims_were_kept_says_so_in_its_review(
    hired: Workspace,
) -> None:
    analysis = on(hired, day(90))
    v = _view(analysis)
    old = dataclasses.replace(
        v.request, evidence=dataclasses.replace(v.request.evidence, claimed=None)
    )
    found = review(dataclasses.replace(v, request=old), FULL, analysis.signal, analysis.reading)
    assert {x.claimed for x in found.lines} == {"not kept (raised before requests kept it)"}


def test_an_executive_closes_the_review_with_a_note_and_it_is_kept_as_it_read(
    demo_ws: Workspace,
) -> None:
    request_id = hire(demo_ws)
    when = day(90)
    closed = demo_ws.close_review(CFO, request_id, "Gap partly closed; keep both", today=when)
    assert closed.closed is not None
    assert (closed.closed.by, closed.closed.on, closed.closed.note) == (
        CFO.name,
        when,
        "Gap partly closed; keep both",
    )
    (stored,) = demo_ws.snapshot().requests
    assert stored.review == closed
    later = report_dict(on(demo_ws, when + dt.timedelta(days=30)))["requests"][0]["review"]
    assert later["closed"] is True and later["note"] == "Gap partly closed; keep both"
    assert later["summary"] == closed.summary  # kept as it read on the day it was closed
    earlier = report_dict(on(demo_ws, when - dt.timedelta(days=1)))["requests"][0]["review"]
    assert earlier["closed"] is False  # as of the day before, not closed yet
    before = workspace_state(demo_ws)
    with pytest.raises(ValidationError, match=r"review was closed by cfo@example\.com on"):
        demo_ws.close_review(CFO, request_id, "Once more with feeling", today=when)
    assert workspace_state(demo_ws) == before


@pytest.mark.parametrize(
    ("who", "note", "when", "error", "message"),
    [
        (EDITOR, "Looks closed to me", day(90), PermissionDenied, "only an executive decides"),
        (VIEWER, "Looks closed to me", day(90), PermissionDenied, "only an executive decides"),
        (CFO, "ok", day(90), ValidationError, "closing a review needs a reason"),
        (CFO, "Too early to say", day(59), ValidationError, "has no review yet"),
    ],
    ids=["editor", "viewer", "short note", "before it is due"],
)
def test_closing_a_review_is_refused_naming_why_and_changes_nothing(
    hired: Workspace,
    who: Actor,
    note: str,
    when: dt.date,
    error: type[Exception],
    message: str,
) -> None:
    before = workspace_state(hired)
    with pytest.raises(error, match=message):
        hired.close_review(who, 1, note, today=when)
    assert workspace_state(hired) == before


# --- where the review shows ----------------------------------------------------------------


def test_request_review_prints_the_review_and_its_json(
    hired: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    where = hired.location.key
    monkeypatch.setenv("ROLLOUT_TODAY", day(59).isoformat())
    code, out, _ = cli(capsys, "request", "review", where, "1", "--format", "json")
    assert (code, json.loads(out)) == (0, None)
    code, out, _ = cli(capsys, "request", "review", where, "1")
    assert out.startswith("request #1 has no review yet")
    monkeypatch.setenv("ROLLOUT_TODAY", day(90).isoformat())
    code, out, _ = cli(capsys, "request", "review", where, "1", "--format", "json")
    found = json.loads(out)
    assert found["verdict"] == _view(on(hired, day(90))).review.verdict.value  # type: ignore[union-attr]
    assert [x["label"] for x in found["lines"]] == [
        "Demand against capacity",
        "Response time against its target",
        "Active platforms",
    ]
    code, out, _ = cli(capsys, "request", "review", where, "1")
    assert out.startswith("Review of request #1: the gap is")
    assert "Open: an executive closes it with a note." in out
    code, out, err = cli(capsys, "request", "review", where, "9")
    assert (code, out) == (1, "")
    assert "request #9 does not exist" in err


def test_the_stand_up_carries_the_review_waiting_for_an_executive(hired: Workspace) -> None:
    def read(d: dt.date):  # type: ignore[no-untyped-def]
        return hired.snapshot(as_of=d)

    text = agenda_text(agenda(day(60), read, [CFO.name]))
    assert (
        "Review waiting: request #1 (50.0 h/week, raised 23 Nov 2026): the gap is" in text
        and "an executive closes it with a note [cfo@example.com]" in text
    )
    assert "Review waiting: request" not in agenda_text(agenda(day(59), read, [CFO.name]))


def test_the_dashboard_shows_the_review_and_an_executive_closes_it(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    hire(app_ws)
    monkeypatch.setenv("ROLLOUT_TODAY", day(90).isoformat())
    monkeypatch.setattr(session, "actor", lambda: CFO)
    at: AppTest = open_page("app.py", timeout=60)
    verdict = _view(on(app_ws, day(90))).review.verdict  # type: ignore[union-attr]
    boxes = [b.value for b in (*at.success, *at.warning, *at.error) if "Review:" in b.value]
    assert len(boxes) == 1 and boxes[0].startswith(f"**Review: {verdict.words}.**")
    table = at.table[0].value
    assert list(table.iloc[:, 0]) == [
        "Demand against capacity",
        "Response time against its target",
        "Active platforms",
    ]
    at.text_input(key="review_1_note").input("Partly closed: keep both, recheck in March")
    click(at, "Close the review")
    assert "Review of request #1 closed." in [s.value for s in at.success]
    assert any(
        "**Review closed** by cfo@example.com on 28 Feb 2027: Partly closed" in m.value
        for m in at.markdown
    )
    assert "Close the review" not in [b.label for b in at.button]
