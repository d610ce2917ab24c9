"""The executives' journey, in a browser at 1366x768: the dashboard's first screen answers the
four questions without scrolling (its screenshot is ``docs/first-screen.png``); the executive
stops the stalled forum on its stop-or-continue card, the forum leaves the resource signal,
the next day's stand-up records the decision, and the one-page brief downloads.

The journey has its own servers and workspace: a stopped forum changes what every other
journey's dashboard shows.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from strategy.domain import clock
from tests.conftest import ROOT
from tests.e2e.conftest import TIMEOUT_MS, open_page, seeded_home, serving, wait_for_run
from tests.e2e.test_journeys import go_to

FIRST_SCREEN = {"width": 1366, "height": 768}
CARDS = ("stage-timeline", "what-the-team-costs", "extra-resources", "resource-requests")
"""The first screen's four cards, by the anchor of the detail each links to."""
TODAY = clock.today()


def test_an_executive_reads_the_first_screen_stops_the_forum_and_takes_the_brief(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("e2e-executive")
    workspace, home = seeded_home(tmp)
    with serving(workspace, home, tmp / "today.log", TODAY) as server:
        context = browser.new_context(viewport=FIRST_SCREEN, base_url=server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        open_page(page, "/")
        for anchor in CARDS:  # the four answers, inside the first screen
            box = page.locator(f".st-key-first_screen_{anchor}").bounding_box()
            assert box is not None, anchor
            assert box["y"] >= 0 and box["y"] + box["height"] <= FIRST_SCREEN["height"], anchor
            assert box["x"] + box["width"] <= FIRST_SCREEN["width"], anchor
        expect(page.get_by_text("The signal reads the weeks of")).to_contain_text(
            "its demand comes from forum, instagram, linkedin, tiktok."
        )
        waiting = page.locator(".st-key-first_screen_resource-requests")
        expect(waiting).to_contain_text("1 platform review")
        page.screenshot(path=str(ROOT / "docs" / "first-screen.png"))

        card = page.get_by_test_id("stForm").filter(has_text="Reason to stop or continue")
        card.get_by_label("Reason to stop or continue", exact=True).fill(
            "No members after a year of trying"
        )
        card.get_by_role("button", name="Stop", exact=True).click()
        wait_for_run(page)
        page.screenshot(path=str(tmp / "stopped.png"), full_page=True)
        expect(page.get_by_text("forum stopped.")).to_be_visible()
        expect(page.get_by_text("forum: stopped on").first).to_be_visible()
        signal_window = page.get_by_text("The signal reads the weeks of")
        expect(signal_window).to_contain_text("its demand comes from instagram, linkedin, tiktok.")
        expect(waiting).to_contain_text("0 platform reviews")
        expect(page.get_by_test_id("stAlert").filter(has_text="forum has stalled")).to_have_count(0)

        wait_for_run(page)
        button = page.get_by_role("button", name="Download the brief (PDF)")
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=90_000) as download:  # built on the click
            button.click()
        pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert len(pdf.pages) == 1
        text = pdf.pages[0].extract_text()
        assert f"{TODAY:%d %b %Y}" in text or TODAY.isoformat() in text
        context.close()

    tomorrow = TODAY + dt.timedelta(days=1)
    with serving(workspace, home, tmp / "tomorrow.log", tomorrow) as server:
        context = browser.new_context(viewport=FIRST_SCREEN, base_url=server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        open_page(page, "/")
        go_to(page, "Stand-up")
        expect(page.get_by_test_id("stMain")).to_contain_text(
            "forum stopped by local: No members after a year of trying"
        )
        context.close()
