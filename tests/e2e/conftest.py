"""A live ``streamlit run app.py`` on a free loopback port and Debian's headless Chromium.

The server runs once per session on a seeded temporary workspace; each test gets a fresh
browser context. The browser is the system ``chromium`` (no Playwright browser download).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from strategy.demo import seed_demo

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
STARTUP_TIMEOUT_S = 60.0
TIMEOUT_MS = 30_000
"""How long any one expectation may take: generous, since a first run imports pandas & co."""

APP = '[data-testid="stApp"]'
FAILED = pytest.StashKey[bool]()

expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class Server:
    """A running app: where to reach it, which workspace it serves, and its log."""

    url: str
    workspace: Path
    log: Path

    def output(self) -> str:
        """The server's stdout and stderr so far, for failure messages."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:  # refused, reset or timed out while starting
        return False


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``streamlit run app.py`` on a free port, serving a freshly seeded demo workspace."""
    tmp = tmp_path_factory.mktemp("e2e-server")
    workspace = tmp / "ws"
    seed_demo(workspace)
    port = free_port()
    log = tmp / "streamlit.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "ROLLOUT_WORKSPACE": str(workspace)}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    running = Server(f"http://127.0.0.1:{port}", workspace, log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(running.url):
            assert process.poll() is None, (
                f"streamlit exited with {process.returncode}:\n{running.output()}"
            )
            assert time.monotonic() < deadline, (
                f"streamlit not healthy after {STARTUP_TIMEOUT_S:.0f} s:\n{running.output()}"
            )
            time.sleep(0.2)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by every journey."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether a journey failed, so its page fixture can leave evidence."""
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


@pytest.fixture
def page(
    browser: Browser, server: Server, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Page]:
    """A fresh browser context (no cookies, no session state) and one tab in it.

    When the journey fails, the tab's screenshot is saved and the server's log printed.
    """
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
        if request.node.stash.get(FAILED, False):
            shot = tmp_path / "failure.png"
            tab.screenshot(path=shot, full_page=True)
            print(f"screenshot of the failing page: {shot}\nserver log:\n{server.output()}")
    finally:
        context.close()


def wait_for_run(page: Page) -> None:
    """Wait until the app is connected and Streamlit has finished running the script.

    The frontend marks its root with ``data-test-script-state``; a short pause first lets
    a rerun that a click just requested flip the state away from ``notRunning``.
    """
    page.wait_for_timeout(150)
    expect(page.locator(f'{APP}[data-test-connection-state="CONNECTED"]')).to_be_attached()
    expect(page.locator(f'{APP}[data-test-script-state="notRunning"]')).to_be_attached()


def open_page(page: Page, path: str = "/") -> None:
    """Load one of the app's pages by URL and wait for its first script run to end."""
    page.goto(path)
    wait_for_run(page)
