"""Shared fixtures: a seeded demo workspace template copied per test, small parquet files."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from strategy.access import AccessRole, Actor
from strategy.store import Workspace

ROOT = Path(__file__).resolve().parent.parent
EDITOR = Actor("maya@example.com", AccessRole.EDITOR)
VIEWER = Actor("ceo@example.com", AccessRole.VIEWER)
TODAY = dt.date(2026, 11, 23)
"""The tests' today: a week after the demo data ends (2026-11-15)."""


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company seeded once per test session; copy it, never write to it."""
    from strategy.demo import seed_demo

    root = tmp_path_factory.mktemp("demo-template") / "ws"
    seed_demo(root)
    return root


@pytest.fixture
def demo_ws(demo_template: Path, tmp_path: Path) -> Workspace:
    """A private copy of the demo workspace."""
    target = tmp_path / "demo-ws"
    shutil.copytree(demo_template, target)
    return Workspace.open(target)


@pytest.fixture
def app_ws(demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """The app opened (ROLLOUT_WORKSPACE) on a private demo copy, with fresh Streamlit caches."""
    import streamlit as st

    monkeypatch.setenv("ROLLOUT_WORKSPACE", str(demo_ws.root))
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())  # the pages' clock, as the tests'
    st.cache_data.clear()
    st.cache_resource.clear()
    yield demo_ws
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def empty_ws(tmp_path: Path) -> Workspace:
    """A new, empty workspace."""
    return Workspace.open(tmp_path / "ws", create=True)


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


def workspace_state(root: Path) -> tuple[list[str], dict[str, bytes]]:
    """A workspace's full content: the database as SQL and every stored file's bytes.

    Reading the database through SQLite (not its file bytes) also sees what sits in the
    write-ahead log, so two equal states mean nothing was stored in between.
    """
    conn = sqlite3.connect(root / "workspace.sqlite")
    try:
        dump = list(conn.iterdump())
    finally:
        conn.close()
    files = {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted((root / "files").rglob("*"))
        if p.is_file()
    }
    return dump, files
