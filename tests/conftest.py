"""Shared fixtures: workspaces on each engine (the demo copied per test), small parquet files.

``workspace_state`` (from ``tests.engines``) is re-exported for the tests that compare states.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Final

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from strategy.cli import main
from strategy.domain.access import AccessRole, Actor
from strategy.storage import database as storage_database
from strategy.storage import parse_location
from strategy.usecases import Workspace
from tests.engines import ENGINES, Postgres, workspace_state

ROOT = Path(__file__).resolve().parent.parent
EDITOR = Actor("maya@example.com", AccessRole.EDITOR)
VIEWER = Actor("ceo@example.com", AccessRole.VIEWER)
TODAY = dt.date(2026, 11, 23)
__all__ = ["EDITOR", "TODAY", "VIEWER", "cli", "open_page", "workspace_state"]
"""The tests' today: a week after the demo data ends (2026-11-15)."""


class _CompiledOnce:
    """A stand-in for AppTest's per-run ``ScriptCache``: each script compiled once a session.

    AppTest builds a new script cache for every run, so each click recompiled ``app.py`` and
    the page (about 0.03 s a run). This one keeps the bytecode of every script by its path and
    the file's size and modification time, so a script that changes is compiled again.
    """

    compiled: ClassVar[dict[tuple[str, int, int], Any]] = {}

    def __init__(self) -> None:
        from streamlit.runtime.scriptrunner.script_cache import ScriptCache

        self._fresh = ScriptCache()

    def clear(self) -> None:
        self._fresh.clear()

    def get_bytecode(self, script_path: str) -> Any:
        path = os.path.abspath(script_path)
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in self.compiled:
            self.compiled[key] = self._fresh.get_bytecode(path)
        return self.compiled[key]


@pytest.fixture(scope="session", autouse=True)
def _apptest_setup_once() -> Iterator[None]:
    """What every new ``AppTest`` and every run of one would redo, done once per session.

    A new ``AppTest`` looks for custom components by parsing the metadata of every installed
    distribution (about 0.07 s, half a Team page run); the installed packages do not change
    during a session, so the first scan's answer stands for all. And each run compiles its
    scripts once (``_CompiledOnce``), not on every click.
    """
    from streamlit.components.v2 import manifest_scanner
    from streamlit.testing.v1 import app_test

    found = manifest_scanner.scan_component_manifests()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", lambda *_a, **_k: list(found))
        patch.setattr(app_test, "ScriptCache", _CompiledOnce)
        yield


PAGE_FIXTURES: Final = frozenset({"app_ws", "app_read"})
"""The fixtures of page tests (``AppTest`` on a workspace): they run on SQLite only. A page
reaches storage only through ``Workspace``, whose every read and write the use-case, CLI and
browser tests run on both engines; running each page again on PostgreSQL cost a minute of the
full run and checked no storage code the others don't."""


def _on_postgres_page(item: pytest.Item) -> bool:
    """A page test's PostgreSQL variant."""
    callspec = getattr(item, "callspec", None)
    on_postgres = callspec is not None and callspec.params.get("engine") == "postgresql"
    return on_postgres and bool(PAGE_FIXTURES & set(getattr(item, "fixturenames", ())))


def _deselect(config: pytest.Config, items: list[pytest.Item], kept: list[pytest.Item]) -> None:
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in set(kept)])
        items[:] = kept


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Page tests run on SQLite only (``PAGE_FIXTURES``). Without PostgreSQL among the engines
    (``scripts/test.sh --quick``), leave out the tests that need its server by name; the
    engine-parametrised ones already run on SQLite only."""
    _deselect(config, items, [i for i in items if not _on_postgres_page(i)])
    if "postgresql" in ENGINES:
        return
    needs_server = {
        "postgres",
        "pg_demo_template",
        "pg_empty_template",
        "demo_read_postgresql",
        "empty_read_postgresql",
    }
    _deselect(
        config, items, [i for i in items if not needs_server & set(getattr(i, "fixturenames", ()))]
    )


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """The PostgreSQL server of this test session (ROLLOUT_TEST_PG, or one started here)."""
    server = Postgres()
    yield server
    server.stop()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each engine in turn: the test runs once on a SQLite folder, once on PostgreSQL."""
    return str(request.param)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company seeded once per test session in a folder; copy it, never write to it."""
    from strategy.demo import seed_demo

    root = tmp_path_factory.mktemp("demo-template") / "ws"
    seed_demo(root)
    return root


@pytest.fixture(scope="session")
def pg_demo_template(postgres: Postgres) -> Iterator[str]:
    """The demo company seeded once per test session in a PostgreSQL database: a template
    each test's database is copied from (by name)."""
    from strategy.demo import seed_demo

    url = postgres.create()
    seed_demo(url)
    storage_database.dispose(parse_location(url))  # a template must have no connections
    yield str(parse_location(url).url.database)
    postgres.drop(url)


@pytest.fixture
def new_location(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Where a test may create a workspace: a folder not made yet, or an empty database."""
    if engine == "sqlite":
        yield str(tmp_path / "ws")
        return
    server: Postgres = request.getfixturevalue("postgres")
    url = server.create()
    yield url
    server.drop(url)


@pytest.fixture
def demo_ws(
    engine: str, demo_template: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Workspace]:
    """A private copy of the demo workspace, on each engine."""
    if engine == "sqlite":
        target = tmp_path / "demo-ws"
        shutil.copytree(demo_template, target)
        yield Workspace.open(target)
        return
    server: Postgres = request.getfixturevalue("postgres")
    url = server.create(template=request.getfixturevalue("pg_demo_template"))
    yield Workspace.open(url)
    server.drop(url)


def _shared(ws: Workspace, engine: str) -> Iterator[Workspace]:
    """Yield a shared copy (of the demo, or empty); afterwards it must hold what it held at
    first."""
    pristine = workspace_state(ws)
    yield ws
    assert workspace_state(ws) == pristine, (
        f"a test given demo_read or empty_read wrote to the shared copy on {engine}: "
        "give it demo_ws or empty_ws"
    )


@pytest.fixture(scope="session")
def demo_read_sqlite(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    """The session's one shared copy of the demo in a folder (see ``demo_read``)."""
    target = tmp_path_factory.mktemp("demo-read") / "ws"
    shutil.copytree(demo_template, target)
    yield from _shared(Workspace.open(target), "sqlite")


@pytest.fixture(scope="session")
def demo_read_postgresql(postgres: Postgres, pg_demo_template: str) -> Iterator[Workspace]:
    """The session's one shared copy of the demo in a database (see ``demo_read``)."""
    url = postgres.create(template=pg_demo_template)
    yield from _shared(Workspace.open(url), "postgresql")
    postgres.drop(url)


@pytest.fixture
def demo_read(engine: str, request: pytest.FixtureRequest) -> Workspace:
    """The demo workspace, on each engine, for a test that only reads it: one copy shared by
    every such test of the session, checked unchanged at its end (``demo_ws`` gives a
    private copy, to write to)."""
    ws: Workspace = request.getfixturevalue(f"demo_read_{engine}")
    return ws


def _app_on(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """The app opened (ROLLOUT_WORKSPACE) on ``ws``, with fresh Streamlit caches."""
    import streamlit as st

    monkeypatch.setenv("ROLLOUT_WORKSPACE", ws.location.key)
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())  # the pages' clock, as the tests'
    st.cache_data.clear()
    st.cache_resource.clear()
    yield ws
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_ws(demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """The app opened (ROLLOUT_WORKSPACE) on a private demo copy, with fresh Streamlit caches."""
    yield from _app_on(demo_ws, monkeypatch)


@pytest.fixture
def app_read(demo_read: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """The app opened on the shared demo copy (``demo_read``), for a test that only reads."""
    yield from _app_on(demo_read, monkeypatch)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty workspace created once per test session in a folder; copy it, never
    write to it."""
    root = tmp_path_factory.mktemp("empty-template") / "ws"
    Workspace.open(root, create=True)
    storage_database.dispose(parse_location(str(root)))
    return root


@pytest.fixture(scope="session")
def pg_empty_template(postgres: Postgres) -> Iterator[str]:
    """A new, empty workspace created once per test session in a PostgreSQL database: the
    template each test's empty database is copied from (by name)."""
    url = postgres.create()
    Workspace.open(url, create=True)
    storage_database.dispose(parse_location(url))  # a template must have no connections
    yield str(parse_location(url).url.database)
    postgres.drop(url)


@pytest.fixture
def empty_ws(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Workspace]:
    """A new, empty workspace, on each engine: a private copy of one created once per session
    (what creating one stores is the same every time; ``new_location`` tests creating it)."""
    if engine == "sqlite":
        target = tmp_path / "empty-ws"
        shutil.copytree(request.getfixturevalue("empty_template"), target)
        yield Workspace.open(target)
        return
    server: Postgres = request.getfixturevalue("postgres")
    url = server.create(template=request.getfixturevalue("pg_empty_template"))
    yield Workspace.open(url)
    server.drop(url)


@pytest.fixture(scope="session")
def empty_read_sqlite(
    empty_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    """The session's one shared empty workspace in a folder (see ``empty_read``)."""
    target = tmp_path_factory.mktemp("empty-read") / "ws"
    shutil.copytree(empty_template, target)
    yield from _shared(Workspace.open(target), "sqlite")


@pytest.fixture(scope="session")
def empty_read_postgresql(postgres: Postgres, pg_empty_template: str) -> Iterator[Workspace]:
    """The session's one shared empty workspace in a database (see ``empty_read``)."""
    url = postgres.create(template=pg_empty_template)
    yield from _shared(Workspace.open(url), "postgresql")
    postgres.drop(url)


@pytest.fixture
def empty_read(engine: str, request: pytest.FixtureRequest) -> Workspace:
    """An empty workspace, on each engine, for a test that only reads it or whose writes are
    all refused: one copy shared by every such test of the session, checked unchanged at its
    end (``empty_ws`` gives a private copy, to write to)."""
    ws: Workspace = request.getfixturevalue(f"empty_read_{engine}")
    return ws


@pytest.fixture
def long_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a long-layout parquet file from (date, platform, metric, value) rows."""

    def write(rows: list[tuple[str, str, str, float]], name: str = "metrics.parquet") -> Path:
        frame = pd.DataFrame(rows, columns=["date", "platform", "metric", "value"])
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
        path = tmp_path / name
        frame.to_parquet(path, index=False)
        return path

    return write


def open_page(page: str | Path = "app.py", *, timeout: float = 30) -> AppTest:
    """Run one screen the way a user reaches it: the app, switched to ``page``.

    Starting from ``app.py`` keeps the sidebar's page links resolvable, as in the browser.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    relative = (ROOT / page).resolve().relative_to(ROOT).as_posix()
    if relative != "app.py":
        at.switch_page(relative)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process: exit code, stdout and stderr, each stripped."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()
