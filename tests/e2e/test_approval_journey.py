"""The decision loop in a browser: the social expert raises a request on the dashboard and
it is approved there (the one local user, shown as the same person); two people start within
it on the Team page, one beyond it is refused naming what is left, and the dashboard shows
the request filled and the signal "hiring in progress". Ninety days on (``ROLLOUT_TODAY``),
the people give their full hours and the dashboard carries the hire's review, which is
closed with a note.

The journey has its own servers and workspace: once filled, the request changes what every
other journey's workspace would allow (a new request waits for an approved one to fill).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from strategy.domain import clock
from tests.e2e.conftest import (
    TIMEOUT_MS,
    VIEWPORT,
    Server,
    open_page,
    seeded_home,
    serving,
    wait_for_run,
)
from tests.e2e.test_journeys import choose, go_to

TODAY = clock.today()
LATER = TODAY + dt.timedelta(days=90)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo workspace without any request, and the home folder it lives in."""
    return seeded_home(tmp_path_factory.mktemp("e2e-approval"))


@contextmanager
def browsing(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def start(page: Page, name: str, role: str, hours: str) -> None:
    """Fill the Team page's onboarding form and press its button."""
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Start onboarding")
    )
    form.get_by_label("Name").fill(name)
    choose(form, "Role", role)
    form.get_by_label("Hours a week").fill(hours)
    form.get_by_label("Hours a week").press("Tab")
    form.get_by_role("button", name="Start onboarding").click()
    wait_for_run(page)


def raise_and_approve(page: Page) -> None:
    """Raise a request on the dashboard, then approve it with a reason."""
    open_page(page, "/")
    page.get_by_label("Note (optional)").fill("Before the holidays")
    page.get_by_role("button", name="Raise the request").click()
    wait_for_run(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Raised request")).to_contain_text(
        "Raised request #1"
    )
    page.get_by_label("Reason for the decision", exact=True).fill("Budget agreed in the review")
    page.get_by_role("button", name="Approve").click()
    wait_for_run(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Request #1")).to_contain_text(
        "Request #1 approved."
    )


def test_a_request_raised_approved_and_filled_is_reviewed_ninety_days_on(
    browser: Browser, demo_home: tuple[Path, Path], tmp_path: Path
) -> None:
    workspace, home = demo_home
    with (
        serving(workspace, home, tmp_path / "now.log", TODAY) as now,
        browsing(browser, now) as page,
    ):
        raise_and_approve(page)
        go_to(page, "Team")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Onboarding")).to_be_visible()
        start(page, "Sara Lind", "Community manager", "20")
        expect(page.get_by_test_id("stAlert").filter(has_text="joins the team")).to_contain_text(
            "Sara Lind joins the team"
        )
        start(page, "Noor Haddad", "Content creator", "40")
        expect(page.get_by_test_id("stAlert").filter(has_text="left for")).to_contain_text(
            "request #1 has 30.0 h/week left for content_creator; Noor Haddad would take 40.0"
        )
        start(page, "Noor Haddad", "Content creator", "30")
        expect(page.get_by_test_id("stAlert").filter(has_text="Noor Haddad joins")).to_contain_text(
            "Noor Haddad joins the team"
        )
        # filled: the form is gone, nobody more can start against it
        expect(main.get_by_role("button", name="Start onboarding")).to_have_count(0)
        expect(main.get_by_text("Every approved resource request is filled")).to_be_visible()

        open_page(page, "/")
        card = page.get_by_test_id("stVerticalBlock").filter(has_text="Before the holidays").last
        expect(card).to_contain_text("Request #1: approved, filled")
        expect(card).to_contain_text("Filled: 50.0 of 50.0 h/week approved")
        expect(card).to_contain_text("People: Sara Lind, Noor Haddad")
        expect(card).to_contain_text("Approved by local")
        signal = page.get_by_test_id("stAlert").filter(has_text="Extra resources")
        expect(signal).to_contain_text(
            "hiring in progress: 50 h approved, 50 h started, 16.7 h effective"
        )
        expect(card.get_by_text("Review:")).to_have_count(0)  # not before full hours

    with (
        serving(workspace, home, tmp_path / "later.log", LATER) as later,
        browsing(browser, later) as page,
    ):
        open_page(page, "/")
        review = page.get_by_test_id("stAlert").filter(has_text="Review:")
        expect(review).to_contain_text("Review: the gap is")
        expect(review).to_contain_text("after the people reached full hours on")
        expect(page.get_by_test_id("stTable")).to_contain_text("Demand against capacity")
        page.get_by_label("Note closing the review", exact=True).fill("Partly closed: keep both")
        page.get_by_role("button", name="Close the review").click()
        wait_for_run(page)
        expect(page.get_by_text("Review closed by local")).to_be_visible()
        page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
