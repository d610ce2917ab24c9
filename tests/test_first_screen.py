"""The dashboard's first screen: four cards answering the executives' questions, with the
numbers of the report's JSON, and the values other work fills in later."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from strategy.demo import DEMO_COMPANY_NAME
from strategy.domain.access import LOCAL_USER
from strategy.domain.analysis import Analysis, analyse
from strategy.domain.gates import Stage
from strategy.domain.hire_check import Review, ReviewClose, Verdict
from strategy.domain.requests import RequestView
from strategy.domain.resources import SignalStatus
from strategy.report import report_json
from strategy.usecases import Workspace
from strategy.views.first_screen import FirstScreen, answers, first_screen
from tests.conftest import EDITOR, TODAY, open_page
from ui import session

QUESTIONS = [
    ("Where the rollout stands", "stage-timeline"),
    ("Cost this month", "what-the-team-costs"),
    ("Extra resources", "extra-resources"),
    ("Waiting for you", "resource-requests"),
]
"""Each card's question, linked to its detail further down the page."""


def first_cards(at: AppTest) -> list[tuple[str, str]]:
    """The four cards of the first screen, by their keys: (the question, its answer)."""
    cards = [at.get_by_key(f"first_screen_{anchor}") for _, anchor in QUESTIONS]
    return [(card.markdown[0].value, card.subheader[0].value) for card in cards]


def captions(at: AppTest) -> set[str]:
    return {c.value for c in at.caption}


def test_the_first_screen_shows_the_four_answers_with_the_reports_numbers(
    app_read: Workspace,
) -> None:
    report = json.loads(report_json(analyse(app_read.snapshot(), TODAY)))
    counts, team, signal = report["stage_counts"], report["team"], report["resource_signal"]

    at = open_page("app.py", timeout=60)

    labels = [f"[{question}](#{anchor})" for question, anchor in QUESTIONS]
    total = sum(counts.values())
    assert first_cards(at) == list(
        zip(
            labels,
            [
                f"{counts['active']} of {total} active",
                f"EUR {team['cost_per_month']:,.0f}",
                "Justified",
                "1 decision",  # the forum's stop-or-continue review
            ],
            strict=True,
        )
    )
    assert {
        f"{counts['retention']} in retention, {counts['setup']} in setup",
        f"return: {report['value_total']['return']:,.1f}x",
        f"gap: {len(signal['positions'])} positions, "
        f"{round(sum(p['fte'] for p in signal['positions']), 1):g} FTE, "
        f"EUR {signal['gap_cost_per_week']:,.0f} a week",
        "0 requests · 0 hire reviews · 1 platform review",
    } <= captions(at)
    assert [r["platform"] for r in report["reviews"] if r["status"] == "open"] == ["forum"]
    assert signal["status"] == "justified" and signal["gap_hours_per_week"] > 0


def test_a_raised_request_waits_on_the_first_screen_and_an_approved_one_is_hiring(
    app_ws: Workspace,
) -> None:
    raised = app_ws.raise_request(EDITOR, today=TODAY)
    at = open_page("app.py", timeout=60)
    assert first_cards(at)[3][1] == "2 decisions"  # the request and the forum's review
    assert "1 request · 0 hire reviews · 1 platform review" in captions(at)

    app_ws.decide_request(LOCAL_USER, raised.id, "approve", "budget agreed", today=TODAY)
    at.run()

    assert first_cards(at)[2][1] == "Hiring in progress"
    assert first_cards(at)[3][1] == "1 decision"  # the forum's review still waits
    approved = raised.evidence.gap_hours_per_week
    assert f"{approved:.1f}".removesuffix(".0") + " h approved, 0 h started" in captions(at)


def test_an_empty_workspace_has_no_platforms_yet_and_nothing_to_decide(
    empty_ws: Workspace,
) -> None:
    screen = first_screen(analyse(empty_ws.snapshot(), TODAY))

    shown = [(a.value, a.caption) for a in answers(screen)]

    assert shown == [
        ("No platforms yet", "upload metrics to start"),
        ("EUR 0", "return: value not measured yet"),
        ("Not justified", "no gap to close"),
        ("Nothing", "0 requests · 0 hire reviews · 0 platform reviews"),
    ]


def _with_review(result: Analysis, closed: ReviewClose | None) -> Analysis:
    """The analysis with one approved request whose hire review is due, closed or not."""
    review = Review(1, dt.date(2026, 11, 2), Verdict.CLOSED, (), None, None, 3, "closed", closed)
    raised = result.requests
    assert raised, "the workspace needs a request"
    return dataclasses.replace(result, requests=(dataclasses.replace(raised[0], review=review),))


REVIEWS = [
    ("a review nobody closed waits", None, 1),
    ("a closed review does not", ReviewClose(dt.date(2026, 11, 20), "ceo", "keep both"), 0),
]


@pytest.mark.parametrize(
    ("closed", "waiting"), [r[1:] for r in REVIEWS], ids=[r[0] for r in REVIEWS]
)
def test_a_hire_review_waits_until_an_executive_closes_it(
    demo_ws: Workspace, closed: ReviewClose | None, waiting: int
) -> None:
    raised = demo_ws.raise_request(EDITOR, today=TODAY)
    demo_ws.decide_request(LOCAL_USER, raised.id, "approve", "budget agreed", today=TODAY)
    result = _with_review(analyse(demo_ws.snapshot(), TODAY), closed)
    assert isinstance(result.requests[0], RequestView)

    screen = first_screen(result)

    assert (screen.open_requests, screen.reviews_waiting) == (0, waiting)
    assert (
        answers(screen)[3].caption
        == f"0 requests · {waiting} hire review"
        + ("" if waiting == 1 else "s")
        + " · 1 platform review"
    )


FILLED = [
    (
        "nothing filled in",
        None,
        0,
        "return: value not measured yet",
        "0 requests · 0 hire reviews · 0 platform reviews",
    ),
    (
        "the month's return",
        2.46,
        0,
        "return: 2.5x",
        "0 requests · 0 hire reviews · 0 platform reviews",
    ),
    (
        "stalled platforms' reviews",
        None,
        2,
        "return: value not measured yet",
        "0 requests · 0 hire reviews · 2 platform reviews",
    ),
]


BASE = FirstScreen(
    today=TODAY,
    latest_week=None,
    stage_counts=(),
    overall_stage=Stage.SETUP,
    currency="EUR",
    cost_per_week=100.0,
    cost_per_month=433.33,
    cost_left_out="",
    verdict=SignalStatus.NOT_JUSTIFIED,
    summary="",
    gap_hours_per_week=0.0,
    gap_cost_per_week=0.0,
    positions="",
    hiring="",
    hiring_covers_gap=False,
    approved_hours=0.0,
    started_hours=0.0,
    open_requests=0,
    reviews_waiting=0,
)


@pytest.mark.parametrize(
    ("returned", "stalls", "cost", "waiting"), [f[1:] for f in FILLED], ids=[f[0] for f in FILLED]
)
def test_the_return_and_the_stalled_reviews_fill_their_places_when_given(
    returned: float | None, stalls: int, cost: str, waiting: str
) -> None:
    screen = dataclasses.replace(BASE, stalled_reviews=stalls, returned=returned)

    _, cost_card, _, waiting_card = answers(screen)

    assert (cost_card.caption, waiting_card.caption) == (cost, waiting)
    assert waiting_card.value == ("Nothing" if not stalls else f"{stalls} decisions")


def test_the_dashboards_brief_download_is_the_brief_of_the_pages_day(app_read: Workspace) -> None:
    at = open_page("app.py", timeout=60)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download the brief (PDF)" in labels

    pdf = session._brief(app_read.location.key, app_read.data_version(), TODAY)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    assert text.startswith(f"Social rollout brief: {DEMO_COMPANY_NAME} Week of 23 Nov 2026")
    assert "Platforms per stage, week by week" in text
