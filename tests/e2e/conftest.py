"""A live ``streamlit run app.py`` on a free loopback port and Debian's headless Chromium.

The server runs once per session on a seeded temporary workspace; each test gets a fresh
browser context. The browser is the system ``chromium`` (no Playwright browser download).
``replica_workspace`` is the one location the sign-in journey's replicas all serve
(``test_login_replicas.py`` starts them, and its identity provider).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from strategy.demo import seed_demo
from strategy.domain.access import LOCAL_USER
from strategy.usecases import Workspace
from tests.engines import Postgres

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


def responds(url: str) -> bool:
    """Whether ``url`` answers 200 right now (not while a server is still starting)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:  # refused, reset or timed out while starting
        return False


def healthy(url: str) -> bool:
    """Whether the Streamlit server at ``url`` is up and serving."""
    return responds(f"{url}/_stcore/health")


def _wait_until(
    ready: Callable[[], bool], process: subprocess.Popen[bytes], what: str, log: Path
) -> None:
    """Poll ``ready`` until it holds; fail with the process's log if it exits or times out."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not ready():
        output = log.read_text(encoding="utf-8", errors="replace")
        assert process.poll() is None, f"{what} exited with {process.returncode}:\n{output}"
        assert time.monotonic() < deadline, (
            f"{what} not ready after {STARTUP_TIMEOUT_S:.0f} s:\n{output}"
        )
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End a process this module started: politely, then for sure."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def running(
    command: list[str], env: Mapping[str, str], log: Path, what: str, ready: Callable[[], bool]
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command`` in the repository, its output in ``log``; stop it when the block ends."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=dict(env), stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        _wait_until(ready, process, what, log)
        yield process
    finally:
        _stop(process)


def streamlit_command(port: int, *options: str) -> list[str]:
    """``streamlit run app.py`` on ``port`` of the loopback interface, with more ``options``."""
    return [
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
        *options,
    ]


def seeded_home(tmp: Path) -> tuple[Path, Path]:
    """A freshly seeded demo workspace in a home folder under ``tmp``, as a user's (so the
    sidebar and the screenshots show ``~/acme-rollout``): the workspace and the home."""
    home = tmp / "home"
    workspace = home / "acme-rollout"
    seed_demo(workspace)
    return workspace, home


@contextlib.contextmanager
def serving(
    workspace: Path, home: Path, log: Path, today: dt.date | None = None
) -> Iterator[Server]:
    """``streamlit run app.py`` on a free port serving ``workspace``, with the app's clock
    at ``today`` when given (``ROLLOUT_TODAY``), its output in ``log``."""
    port = free_port()
    env = {**os.environ, "ROLLOUT_WORKSPACE": str(workspace), "HOME": str(home)}
    if today is not None:
        env["ROLLOUT_TODAY"] = today.isoformat()
    url = f"http://127.0.0.1:{port}"
    with running(streamlit_command(port), env, log, "streamlit", lambda: healthy(url)):
        yield Server(url, workspace, log)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``streamlit run app.py`` on a free port, serving a freshly seeded demo workspace.

    The workspace sits in the server's home folder, as a user's would, so the sidebar (and
    the README's screenshot) shows ``~/acme-rollout`` rather than a temporary path.
    """
    tmp = tmp_path_factory.mktemp("e2e-server")
    workspace, home = seeded_home(tmp)
    with serving(workspace, home, tmp / "streamlit.log") as server:
        yield server


REPLICA_EDITOR = "maya@example.com"
"""Mapped ``editor`` in ``replica_workspace``: the social expert who changes things."""
REPLICA_VIEWER = "ceo@example.com"
"""Mapped ``viewer`` in ``replica_workspace``: the executive who reads."""


@pytest.fixture(scope="session")
def replica_workspace(postgres: Postgres) -> Iterator[str]:
    """The database every replica serves (their ``ROLLOUT_WORKSPACE``): a PostgreSQL URL.

    The demo company, with REPLICA_EDITOR mapped ``editor`` and REPLICA_VIEWER ``viewer``;
    nobody else is mapped. Replicas share nothing but this database.
    """
    location = postgres.create()
    seed_demo(location)
    ws = Workspace.open(location)
    ws.set_user_role(LOCAL_USER, REPLICA_EDITOR, "editor")
    ws.set_user_role(LOCAL_USER, REPLICA_VIEWER, "viewer")
    yield location


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
