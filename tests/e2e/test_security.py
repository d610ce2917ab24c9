"""Attacks tried in a real browser: stored script in typed text, and a database outage.

The hostile workspace (``tests.hostile``) is served on each engine, and an executive opens
the dashboard: what the editor typed shows as text, no script runs, no iframe, image or
link comes from it. Then the PostgreSQL server is stopped under a running app: the page
says so in one sentence, with no traceback, and shows the data again once it is back.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from strategy.demo import seed_demo
from strategy.usecases import Workspace
from tests.conftest import TODAY
from tests.e2e.conftest import (
    REPO_ROOT,
    TIMEOUT_MS,
    VIEWPORT,
    Server,
    free_port,
    healthy,
    running,
    streamlit_command,
    wait_for_run,
)
from tests.hostile import IFRAME, IMAGE, LINK, PLATFORM, hostile_workspace

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one server, one browser


@contextlib.contextmanager
def serve(location: str, folder: Path) -> Iterator[Server]:
    """``streamlit run app.py`` on ``location``, its clock on the suite's day."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ROLLOUT_WORKSPACE": location, "ROLLOUT_TODAY": TODAY.isoformat()}
    log = folder / "streamlit.log"
    with running(streamlit_command(port), env, log, "streamlit", lambda: healthy(url)):
        yield Server(url, folder, log)


@contextlib.contextmanager
def tab(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser context on ``server``, no cookies yet, and one tab in it."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hostile_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The demo company with hostile text in every typed field, served on one engine."""
    folder = tmp_path_factory.mktemp(f"hostile-{request.param}")
    if request.param == "sqlite":
        location = str(folder / "workspace")
    else:
        location = request.getfixturevalue("postgres").create()
    seed_demo(location)
    hostile_workspace(Workspace.open(location), folder)
    with serve(location, folder) as server:
        yield server


@pytest.fixture
def executive(browser: Browser, hostile_server: Server) -> Iterator[Page]:
    with tab(browser, hostile_server) as page:
        yield page


def test_an_editors_hostile_text_shows_as_text_on_the_executives_dashboard_and_runs_nothing(
    executive: Page, hostile_server: Server, tmp_path: Path
) -> None:
    executive.goto("/")
    wait_for_run(executive)
    main = executive.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Social rollout dashboard")).to_be_visible()
    # What was typed is on the screen, as the characters typed: the test title in the
    # tested-strategy condition, the note and reason of the request, the platform's card.
    for typed in (IFRAME, f"{IMAGE} {LINK}", f"{IFRAME} {LINK}"):
        expect(main.get_by_text(typed, exact=False).first).to_be_visible()
    expect(main.get_by_test_id("stMetric").filter(has_text=PLATFORM)).to_be_visible()
    executive.wait_for_timeout(500)  # time for an injected script or handler to have run
    assert executive.evaluate("window.__pwned") is None
    assert executive.evaluate("window.parent.__pwned") is None
    assert executive.locator("iframe[srcdoc]").count() == 0
    assert executive.locator('img[src="x"]').count() == 0
    # A typed address may stay a link, but one that shows where it goes, never "Sign in again".
    links = executive.locator('a[href^="http://evil.example"]')
    assert all(a.inner_text() == a.get_attribute("href") for a in links.all())
    why = main.get_by_test_id("stExpander").filter(has_text="each condition and its evidence")
    why.screenshot(path=tmp_path / "hostile-conditions.png")


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A PostgreSQL server of this test's own (the others' keeps running): URL and folder."""
    folder = tmp_path / "pg"
    script = str(REPO_ROOT / "scripts" / "postgres.sh")
    url = subprocess.run(
        ["bash", script, "start", str(folder), "--fast"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        yield url, folder
    finally:
        subprocess.run(["bash", script, "stop", str(folder)], check=False)


def postgres_script(command: str, folder: Path) -> None:
    subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "postgres.sh"), command, str(folder)], check=True
    )


def test_a_database_outage_reads_as_one_sentence_and_the_page_recovers_by_itself(
    own_postgres: tuple[str, Path], browser: Browser, tmp_path: Path
) -> None:
    url, folder = own_postgres
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE DATABASE outage")
    location = url.rsplit("/", 1)[0] + "/outage"
    seed_demo(location)
    with serve(location, tmp_path) as server, tab(browser, server) as page:
        main = page.get_by_test_id("stMain")
        page.goto("/")
        wait_for_run(page)
        expect(main.get_by_test_id("stMetric").filter(has_text="Overall stage")).to_be_visible()

        postgres_script("halt", folder)
        for path in ("/", "/Team", "/Stand_up"):
            page.goto(path)
            wait_for_run(page)
            alert = main.get_by_test_id("stAlert")
            expect(alert).to_contain_text("cannot reach the PostgreSQL server at 127.0.0.1")
            expect(page.get_by_test_id("stException")).to_have_count(0)
            for frame_word in ("Traceback", "sqlalchemy", "psycopg.", 'File "'):
                expect(main).not_to_contain_text(frame_word)
        page.screenshot(path=tmp_path / "outage.png", full_page=True)

        postgres_script("resume", folder)
        page.goto("/")
        wait_for_run(page)
        expect(main.get_by_test_id("stMetric").filter(has_text="Overall stage")).to_be_visible()
        expect(main.get_by_test_id("stAlert").filter(has_text="cannot reach")).to_have_count(0)
