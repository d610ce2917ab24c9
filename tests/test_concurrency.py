"""Several sessions writing at once lose no write, never see "database is locked", and
readers always see a consistent snapshot.

Eight threads and two processes write to one workspace at the same time: logging tests,
adding people, ticking checklist items and importing files. Every write adds exactly one
row, so each snapshot a reader takes must show as many rows as writes counted by its data
version, and in the end every write is there, audited once.
"""

from __future__ import annotations

import datetime as dt
import threading
import traceback
from collections import Counter
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from strategy.domain.errors import Conflict
from strategy.domain.snapshot import Snapshot
from strategy.domain.team import Assignment, Member, Role
from strategy.usecases import Workspace
from tests import workspace_child
from tests.conftest import EDITOR, workspace_state

THREADS, WRITES_PER_THREAD = 8, 15
PROCESSES, ROUNDS_PER_PROCESS = 2, 6
THREAD_PLAN = ("team.add", "checklist.set", "test.log", "team.add", "upload.import")
"""What a thread's n-th write is: THREAD_PLAN[n % 5]. A process's round does one of each."""


def one_row_file(folder: Path, worker: str, n: int) -> Path:
    """A file of one value on a platform of its own, so each import adds one weekly row."""
    path = folder / f"{worker}-{n}.parquet"
    table = pa.table(
        {
            "date": [dt.date(2026, 1, 5)],
            "platform": [f"{worker} platform {n}"],
            "followers": [float(n)],
        }
    )
    pq.write_table(table, path)
    return path


def rows(snap: Snapshot) -> int:
    """Rows the writes of this test add: one per test, person, checklist item or upload."""
    return len(snap.tests) + len(snap.members) + len(snap.checklist) + len(snap.uploads)


class Errors:
    """Exceptions raised in threads, kept with their traceback for the failure message."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[str] = []

    def run(self, work: Callable[[], None]) -> Callable[[], None]:
        def guarded() -> None:
            try:
                work()
            except BaseException:
                with self.lock:
                    self.seen.append(traceback.format_exc())

        return guarded


def start_processes(ws: Workspace, folder: Path) -> list[tuple[BaseProcess, Connection]]:
    ctx = workspace_child.context()
    children: list[tuple[BaseProcess, Connection]] = []
    for p in range(PROCESSES):
        worker = f"process {p}"
        files = [str(one_row_file(folder, worker, n)) for n in range(ROUNDS_PER_PROCESS)]
        reports, sender = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=workspace_child.mixed_writes,
            args=(ws.location.key, worker, ROUNDS_PER_PROCESS, files, sender),
        )
        process.start()
        sender.close()
        children.append((process, reports))
    return children


def test_threads_and_processes_writing_at_once_lose_no_write(
    new_location: str, tmp_path: Path
) -> None:
    ws = Workspace.open(new_location, create=True)
    files = tmp_path / "files"
    files.mkdir()
    errors = Errors()
    done = threading.Event()
    seen_versions: list[int] = []

    def writer(t: int) -> None:
        worker = f"thread {t}"
        for n in range(WRITES_PER_THREAD):
            action = THREAD_PLAN[n % len(THREAD_PLAN)]
            if action == "upload.import":
                ws.import_file(EDITOR, one_row_file(files, worker, n), today=dt.date(2026, 11, 23))
            elif action == "team.add":
                ws.add_assignment(EDITOR, name=f"{worker} person {n}", role="it", hours=1)
            elif action == "checklist.set":
                ws.set_checklist(EDITOR, f"{worker} platform {n}", "tools_chosen", None)
            else:
                ws.log_test(
                    EDITOR,
                    {
                        "title": f"{worker} test {n}",
                        "platform": "tiktok",
                        "metric": "shares",
                        "control_n": 50,
                        "control_successes": 5,
                        "variant_n": 50,
                        "variant_successes": 9,
                        "start": "2026-02-02",
                        "end": "2026-02-16",
                        "status": "running",
                    },
                )

    def reader() -> None:
        last = -1
        while not done.is_set():
            snap = ws.snapshot()
            assert snap.data_version >= last, "a later snapshot went back in time"
            last = snap.data_version
            assert rows(snap) == snap.data_version, "a snapshot showed part of the writes"
            assert len(snap.weekly) == len(snap.uploads)
            seen_versions.append(snap.data_version)

    readers = [threading.Thread(target=errors.run(reader)) for _ in range(2)]
    writers = [threading.Thread(target=errors.run(partial(writer, t))) for t in range(THREADS)]
    for thread in readers:
        thread.start()
    children = start_processes(ws, files)
    assert [reports.recv()[0] for _, reports in children] == ["started"] * PROCESSES
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    reports = [reports.recv() for _, reports in children]
    for process, _ in children:
        process.join()
    done.set()
    for thread in readers:
        thread.join()

    assert not errors.seen, "\n".join(errors.seen)
    assert [kind for kind, _ in reports] == ["done"] * PROCESSES, reports
    planned = Counter(THREAD_PLAN[n % len(THREAD_PLAN)] for n in range(WRITES_PER_THREAD))
    expected = {
        action: THREADS * planned[action] + PROCESSES * ROUNDS_PER_PROCESS for action in planned
    }
    writes = sum(expected.values())
    snap = ws.snapshot()
    assert len(snap.members) == expected["team.add"]
    assert len(snap.checklist) == expected["checklist.set"]
    assert len(snap.tests) == expected["test.log"]
    assert len(snap.uploads) == len(snap.weekly) == expected["upload.import"]
    assert snap.data_version == writes
    audit = ws.audit_log(limit=100_000)
    assert Counter(e.action for e in audit) == expected  # one audit row per write
    # The processes' writes landed between the threads' ones: they really ran at once.
    by_process = [e.id for e in audit if e.detail.startswith("process")]
    by_thread = [e.id for e in audit if e.detail.startswith("thread")]
    assert min(by_thread) < max(by_process) and min(by_process) < max(by_thread)
    assert len(set(seen_versions)) > 10, "the readers did not overlap the writers"


ROSTER = 20


def roster(generation: str) -> list[Member]:
    return [
        Member(f"{generation} member {i}", 10.0, (Assignment(Role.SUPPORT, 2.0),))
        for i in range(ROSTER)
    ]


GENERATIONS = 10
"""Whole rosters each of the two writers saves."""


def test_readers_never_see_half_a_saved_roster(new_location: str) -> None:
    ws = Workspace.open(new_location, create=True)
    errors = Errors()
    done = threading.Event()
    looks: list[int] = []

    def writer(name: str) -> None:
        for g in range(GENERATIONS):
            ws.replace_team(EDITOR, roster(f"{name} {g}"))

    def reader() -> None:
        while not done.is_set():
            names = [m.name for m in ws.snapshot().members]
            generations = {n.rsplit(" member ", 1)[0] for n in names}
            assert len(names) in (0, ROSTER) and len(generations) <= 1, names
            looks.append(len(names))

    readers = [threading.Thread(target=errors.run(reader)) for _ in range(3)]
    writers = [threading.Thread(target=errors.run(partial(writer, w))) for w in ("a", "b")]
    for thread in (*readers, *writers):
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    for thread in readers:
        thread.join()

    assert not errors.seen, "\n".join(errors.seen)
    assert len(ws.snapshot().members) == ROSTER
    assert looks.count(ROSTER) > 10
    assert ws.data_version() == 2 * GENERATIONS


EDITORS = 6


def test_stale_whole_table_saves_are_refused_and_no_person_is_lost(new_location: str) -> None:
    """Editors each add a person by saving the whole roster they read; a stale save is refused.

    Every editor reads the roster, adds their person and saves it with ``expected=`` what it
    read; refused (Conflict), it reads again and retries, as a person reloading the page would.
    Without the check, one save would drop the person another saved in between.
    """
    ws = Workspace.open(new_location, create=True)
    errors = Errors()
    refused: list[str] = []
    start = threading.Barrier(EDITORS)

    def editor(e: int) -> None:
        start.wait()
        for _ in range(200):
            seen = ws.snapshot().members
            mine = Member(f"editor {e}", 5.0, (Assignment(Role.SUPPORT, 1.0),))
            try:
                ws.replace_team(EDITOR, [*seen, mine], expected=seen)
            except Conflict as exc:
                refused.append(str(exc))
                continue
            return
        raise AssertionError(f"editor {e} never got their save in")

    threads = [threading.Thread(target=errors.run(partial(editor, e))) for e in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors.seen, "\n".join(errors.seen)
    assert sorted(m.name for m in ws.snapshot().members) == [f"editor {e}" for e in range(EDITORS)]
    assert refused, "the editors never overlapped"
    assert all("someone else changed the roster" in message for message in refused)
    saves = [e for e in ws.audit_log(limit=1000) if e.action == "team.replace"]
    assert len(saves) == EDITORS  # a refused save is not a write


def test_the_second_of_two_stale_saves_is_refused_and_the_first_kept(new_location: str) -> None:
    ws = Workspace.open(new_location, create=True)
    ws.replace_team(EDITOR, roster("start")[:2])
    seen = ws.snapshot()  # both editors open the Team page
    a = [*seen.members, Member("Ana", 4.0, (Assignment(Role.IT, 1.0),))]
    b = [*seen.members, Member("Bea", 4.0, (Assignment(Role.IT, 1.0),))]
    ws.replace_team(EDITOR, a, expected=seen.members)
    before = workspace_state(ws)
    with pytest.raises(Conflict, match="reload"):
        ws.replace_team(EDITOR, b, expected=seen.members)
    assert workspace_state(ws) == before
    assert "Ana" in {m.name for m in ws.snapshot().members}
