"""What the crash and concurrency tests run in other processes, and where workspaces live.

The children are forked from a fork server (itself started with ``sys.executable``) that has
imported the store once, so a child is ready in milliseconds rather than the seconds that
importing pandas and scipy takes. Each child reports over a pipe and exits; an error inside
one is sent back as text so the test can show it.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY


@contextlib.contextmanager
def scratch_dir(fallback: Path) -> Iterator[Path]:
    """A folder for test workspaces: in memory (/dev/shm) when there is one, else ``fallback``.

    These tests kill processes, they do not cut the power: what a killed process wrote has
    reached the kernel either way, so only the time fsync takes on disk differs.
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm, prefix="rollout-test-") as tmp:
            yield Path(tmp)
    else:
        yield fallback


def context() -> ForkServerContext:
    """Processes forked from a server that has this module (and so the store) imported."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def _reporting(conn: Connection, work: Callable[[], Any]) -> None:
    try:
        conn.send(("done", work()))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
        raise


def import_file(root: str, path: str, conn: Connection) -> None:
    """Open the workspace, say when the import starts, import, say how long it took."""
    ws = Workspace.open(root)
    start = time.monotonic()
    conn.send(("started", start))

    def work() -> float:
        ws.import_file(EDITOR, Path(path), today=TODAY)
        return time.monotonic() - start

    _reporting(conn, work)


def import_events(root: str, path: str, temp: str, conn: Connection) -> None:
    """Import an events file with ``temp`` as the system temp folder; say the PID first."""
    tempfile.tempdir = temp
    ws = Workspace.open(root)
    conn.send(("started", os.getpid()))
    _reporting(conn, lambda: ws.import_file(EDITOR, Path(path), today=TODAY).rows)


def add_members(root: str, prefix: str, conn: Connection) -> None:
    """Add people named prefix0, prefix1, ... one write each, until killed.

    After each write returns (it is committed) the child says how many it has made.
    """
    ws = Workspace.open(root)
    conn.send(("started", time.monotonic()))
    n = 0
    while True:
        ws.add_assignment(EDITOR, name=f"{prefix}{n}", role="support", hours=1)
        n += 1
        conn.send(("written", n))


def mixed_writes(root: str, worker: str, count: int, files: list[str], conn: Connection) -> None:
    """``count`` rounds of four writes that each add one distinct thing to the workspace."""

    def work() -> int:
        ws = Workspace.open(root)
        conn.send(("started", time.monotonic()))
        for n in range(count):
            one_round(ws, worker, n, files[n] if n < len(files) else None)
        return count

    _reporting(conn, work)


def one_round(ws: Workspace, worker: str, n: int, file: str | None) -> int:
    """Log a test, add a person, tick a checklist item and import a file (when given).

    Each write adds exactly one row (test, member, checklist item, upload); returns how many
    writes were made.
    """
    ws.log_test(
        EDITOR,
        {
            "title": f"{worker} test {n}",
            "platform": "instagram",
            "metric": "replies",
            "control_n": 100,
            "control_successes": 10,
            "variant_n": 100,
            "variant_successes": 12,
            "start": "2026-01-05",
            "end": "2026-01-20",
            "status": "concluded",
        },
    )
    ws.add_assignment(EDITOR, name=f"{worker} person {n}", role="support", hours=1)
    ws.set_checklist(EDITOR, f"{worker} platform {n}", "tools_chosen", "2026-01-05")
    if file is None:
        return 3
    ws.import_file(EDITOR, Path(file), today=TODAY)
    return 4
