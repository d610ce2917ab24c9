"""An approval binds the hiring, in a browser: a request raised by the social expert and
approved by an executive takes two people within it on the Team page; a third beyond it is
refused, naming what is left, and the dashboard shows the request filled.

The journey has its own server and workspace: once filled, the request changes what every
other journey's workspace would allow (a new request waits for an approved one to fill).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from strategy.demo import seed_demo
from strategy.domain import clock
from strategy.domain.access import AccessRole, Actor
from strategy.usecases import Workspace
from tests.e2e.conftest import (
    TIMEOUT_MS,
    VIEWPORT,
    Server,
    free_port,
    healthy,
    open_page,
    running,
    streamlit_command,
    wait_for_run,
)
from tests.e2e.test_journeys import choose, go_to

EDITOR = Actor("maya@example.com", AccessRole.EDITOR)
EXECUTIVE = Actor("cfo@example.com", AccessRole.EXECUTIVE)


@pytest.fixture(scope="module")
def approval_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo workspace with request #1 raised by the editor and approved by an executive
    today, served by its own ``streamlit run app.py``."""
    tmp = tmp_path_factory.mktemp("e2e-approval")
    workspace = tmp / "home" / "acme-rollout"
    seed_demo(workspace)
    ws = Workspace.open(str(workspace))
    today = clock.today()
    raised = ws.raise_request(EDITOR, note="Before the holidays", today=today)
    ws.decide_request(EXECUTIVE, raised.id, "approve", "Budget agreed in the review", today=today)
    port = free_port()
    env = {**os.environ, "ROLLOUT_WORKSPACE": str(workspace), "HOME": str(tmp / "home")}
    url = f"http://127.0.0.1:{port}"
    log = tmp / "streamlit.log"
    with running(streamlit_command(port), env, log, "streamlit", lambda: healthy(url)):
        yield Server(url, workspace, log)


@pytest.fixture
def approval_page(browser: Browser, approval_server: Server, tmp_path: Path) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, base_url=approval_server.url)
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


def test_two_people_within_the_approval_fill_it_and_a_third_is_refused(
    approval_page: Page,
) -> None:
    page = approval_page
    open_page(page, "/")
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
    expect(card).to_contain_text("Approved by cfo@example.com")
