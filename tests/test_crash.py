"""A process killed mid-import or mid-write leaves the workspace as it was before or after.

A child process imports a 100,000-row file and is killed with SIGKILL at many points: while
it reads the file, while it copies it into the workspace, inside the database transaction,
and at the end. Each time the workspace opens with the previous state or the new one (never
a mix), a stored file matches its hash, an orphan file is never counted as an upload, and
the next import works. Each test runs on a SQLite folder and on a PostgreSQL database; on
PostgreSQL the file is stored in the import's transaction, so a kill leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import shutil
import signal
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.context import ForkServerContext
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from strategy.domain.snapshot import Snapshot
from strategy.storage import database as storage_database
from strategy.storage import parse_location
from strategy.usecases import Workspace
from tests import workspace_child
from tests.conftest import EDITOR, TODAY
from tests.engines import ENGINES, Postgres

PLATFORMS, WEEKS, METRICS = 500, 50, ("followers", "brand_posts", "active_members", "threads")
ROWS = PLATFORMS * WEEKS * len(METRICS)
pytestmark = pytest.mark.crash


@dataclass(frozen=True)
class Reference:
    """The workspace before the big import, after it, and how long the import takes."""

    template: str
    before: Snapshot
    after: Snapshot
    seconds: float


@pytest.fixture(scope="module")
def ctx() -> ForkServerContext:
    return workspace_child.context()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with workspace_child.scratch_dir(tmp_path_factory.mktemp("crash")) as folder:
        yield folder


@pytest.fixture(scope="module")
def big_file(scratch: Path) -> Path:
    """100,000 rows: 500 platforms x 50 weeks x 4 metrics, one row per weekly value: big
    enough that the import takes well over the 0.3 s the kills are spread across, half the
    200,000 it once was, so each kill's import and check take half as long."""
    rng = np.random.default_rng(7)
    mondays = pd.date_range("2025-01-06", periods=WEEKS, freq="7D").date
    grid = pd.MultiIndex.from_product(
        [[f"platform {i:04d}" for i in range(PLATFORMS)], mondays, METRICS]
    ).to_frame(index=False, name=["platform", "date", "metric"])
    table = pa.table(
        {
            "date": pa.array(grid["date"], pa.date32()),
            "platform": grid["platform"].astype(str).to_numpy(),
            "metric": grid["metric"].astype(str).to_numpy(),
            "value": rng.integers(0, 10_000, ROWS).astype("float64"),
        }
    )
    path = scratch / "big export.parquet"
    pq.write_table(table, path)
    assert pq.read_metadata(path).num_rows == ROWS == 100_000
    return path


def small_file(folder: Path, n: int) -> Path:
    """A one-row file whose content differs with ``n``."""
    path = folder / f"small-{n}.parquet"
    table = pa.table(
        {"date": [dt.date(2026, 1, 5)], "platform": ["linkedin"], "followers": [float(n)]}
    )
    pq.write_table(table, path)
    return path


class Place:
    """Where one engine's crash-test workspaces live: folders, or databases on the server.

    ``stored`` names the files a workspace holds as ``<sha256>.parquet`` on both engines,
    so the checks below compare them the same way.
    """

    def __init__(self, engine: str, scratch: Path, postgres: Postgres | None) -> None:
        self.engine, self.scratch, self.postgres = engine, scratch, postgres

    def fresh(self, name: str) -> str:
        """A location for a new workspace: a folder not made yet, or an empty database."""
        if self.postgres is None:
            return str(self.scratch / name)
        return self.postgres.create()

    def copy(self, template: str, name: str) -> str:
        """A copy of the workspace at ``template``."""
        if self.postgres is None:
            shutil.copytree(template, self.scratch / name)
            return str(self.scratch / name)
        storage_database.dispose(parse_location(template))  # a template has no connections
        database = str(parse_location(template).url.database)
        return self.postgres.create(template=database)

    def stored(self, location: str) -> set[str]:
        where = parse_location(location)
        if where.folder is not None:
            return {p.name for p in (where.folder / "files").iterdir()}
        with storage_database.read(where) as conn:
            return {
                f"{sha}.parquet"
                for (sha,) in conn.execute(text("SELECT DISTINCT sha256 FROM stored_files"))
            }

    def discard(self, location: str) -> None:
        """Delete a copy once its checks are done (the server keeps databases in memory)."""
        if self.postgres is None:
            shutil.rmtree(location, ignore_errors=True)
        else:
            self.postgres.drop(location)

    def check_integrity(self, location: str) -> None:
        where = parse_location(location)
        if where.folder is not None:
            with sqlite3.connect(where.folder / "workspace.sqlite") as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture(scope="module", params=ENGINES)
def place(request: pytest.FixtureRequest, scratch: Path) -> Place:
    engine = str(request.param)
    server = request.getfixturevalue("postgres") if engine == "postgresql" else None
    return Place(engine, scratch / engine, server)


@pytest.fixture(scope="module")
def reference(place: Place, big_file: Path, ctx: ForkServerContext) -> Reference:
    """A workspace with a person and one upload; the big import into a copy, run to the end."""
    base = place.scratch / "reference"
    base.mkdir(parents=True)
    template = place.fresh("template")
    ws = Workspace.open(template, create=True)
    ws.add_assignment(EDITOR, name="Ana", role="support", hours=4)
    ws.import_file(EDITOR, small_file(base, 0), today=TODAY)
    before = ws.snapshot()
    full = place.copy(template, "full")
    child = Child(ctx, full, big_file)
    seconds = child.wait()
    return Reference(template, before, Workspace.open(full).snapshot(), seconds)


class Child:
    """The big import running in a forked child process."""

    def __init__(self, ctx: ForkServerContext, root: str, path: Path) -> None:
        self.reports, sender = ctx.Pipe(duplex=False)
        self.process = ctx.Process(
            target=workspace_child.import_file, args=(str(root), str(path), sender)
        )
        self.process.start()
        sender.close()
        kind, self.started = self.reports.recv()
        assert kind == "started"

    def wait(self) -> float:
        kind, value = self.reports.recv()
        self.process.join()
        assert kind == "done", value
        return float(value)

    def kill(self) -> bool:
        """SIGKILL the child; True if it had already finished the import."""
        self.process.kill()
        self.process.join()
        assert self.process.exitcode in (0, -signal.SIGKILL)
        try:
            return bool(self.reports.poll() and self.reports.recv()[0] == "done")
        except EOFError:  # killed before it could report
            return False


def weekly_in_order(snap: Snapshot) -> pd.DataFrame:
    return snap.weekly.sort_values(["platform", "week", "metric"]).reset_index(drop=True)


def check_consistent(place: Place, root: str, ref: Reference) -> tuple[str, set[str]]:
    """Open a killed import's workspace; it must hold exactly the previous or the new state.

    Returns which state it holds and the orphan files it had.
    """
    ws = Workspace.open(root)
    place.check_integrity(root)
    snap = ws.snapshot()
    if len(snap.uploads) == len(ref.before.uploads):
        state, expected = "previous", ref.before
    else:
        state, expected = "new", ref.after
        new = snap.uploads[-1]
        assert new.rows == ROWS and len(new.platforms) == PLATFORMS
        assert new.sha256 == ref.after.uploads[-1].sha256
    assert snap.data_version == expected.data_version == len(ws.audit_log(limit=1000))
    assert [(u.id, u.name, u.sha256) for u in snap.uploads] == [
        (u.id, u.name, u.sha256) for u in expected.uploads
    ]
    assert snap.members == expected.members
    pd.testing.assert_frame_equal(weekly_in_order(snap), weekly_in_order(expected))

    referenced = {f"{u.sha256}.parquet" for u in snap.uploads}
    for upload in snap.uploads:
        digest = hashlib.sha256(ws.stored_bytes(upload)).hexdigest()
        assert digest == upload.sha256
    orphans = place.stored(root) - referenced
    assert all(o.startswith(".incoming-") or o.endswith(".parquet") for o in orphans)
    return state, orphans


def stored_uploads(ws: Workspace) -> list[tuple[str, int]]:
    """(sha256, observation count) of each upload, read without building the weekly table."""
    with storage_database.read(ws.location) as conn:
        return [
            (str(sha), int(n))
            for sha, n in conn.execute(
                text(
                    "SELECT sha256, (SELECT count(*) FROM observations o "
                    "WHERE o.upload_id = u.id) FROM uploads u ORDER BY id"
                )
            )
        ]


def later_imports_work(
    place: Place, ctx: ForkServerContext, root: str, big_file: Path, n: int, *, again: bool
) -> None:
    """After the crash a new small file imports, and the big file again if ``again``."""
    ws = Workspace.open(root)
    if again:
        Child(ctx, root, big_file).wait()
        sha = hashlib.sha256(big_file.read_bytes()).hexdigest()
        assert stored_uploads(ws)[-1] == (sha, ROWS)
    small = ws.import_file(EDITOR, small_file(place.scratch, n), today=TODAY)
    assert stored_uploads(ws)[-1] == (small.sha256, 1)
    ws.collect_orphans(min_age_seconds=0)  # what a crash left is collected; nothing else
    assert place.stored(root) == {f"{sha}.parquet" for sha, _ in stored_uploads(ws)}


@dataclass
class Kill:
    """One kill: when (seconds after the import started, or after its file was stored)."""

    delay: float
    after_store: bool = False


def kills(seconds: float, engine: str) -> Iterator[Kill]:
    """Kills spread (geometrically) over the import, then some once its file is stored.

    Seven and two on SQLite, where the file is stored before the transaction; five and one
    on PostgreSQL, where storing it is part of the transaction (so "stored" is "committed").
    """
    spread, stored = (7, (0.0, 0.05)) if engine == "sqlite" else (5, (0.0,))
    for delay in np.geomspace(0.02, 0.95 * seconds, spread):
        yield Kill(float(delay))
    for delay in stored:
        yield Kill(delay, after_store=True)


def test_an_import_killed_at_any_point_leaves_the_previous_or_the_new_state(
    place: Place, big_file: Path, reference: Reference, ctx: ForkServerContext
) -> None:
    assert reference.seconds > 0.3, "the import is too quick for kills to land inside it"
    outcomes: list[tuple[Kill, str, set[str]]] = []
    retried = False
    for n, kill in enumerate(kills(reference.seconds, place.engine), start=1):
        root = place.copy(reference.template, f"import-{n}")
        known = place.stored(root)
        child = Child(ctx, root, big_file)
        if kill.after_store:
            while place.stored(root) == known and time.monotonic() < child.started + 60:
                time.sleep(0.001)
        else:
            time.sleep(max(0.0, child.started + kill.delay - time.monotonic()))
        finished = child.kill()
        state, orphans = check_consistent(place, root, reference)
        assert state == "new" or not finished
        outcomes.append((kill, state, orphans))
        # The big file is imported again once (that takes seconds), over what a kill left.
        again = state == "previous" and bool(orphans) and not retried
        retried |= again
        later_imports_work(place, ctx, root, big_file, n, again=again)
        place.discard(root)
    states = [state for _, state, _ in outcomes]
    assert states[0] == "previous"  # 20 ms in: still reading the file
    if place.engine == "sqlite":
        # Some kills landed between storing the file and committing: an orphan, not an upload.
        assert any(state == "previous" and orphans for _, state, orphans in outcomes)
    else:
        # The file is stored in the import's own transaction: a kill leaves nothing behind.
        assert not any(orphans for _, _, orphans in outcomes)
        assert "previous" in states[1:] and "new" in states


def test_a_writer_killed_at_any_point_loses_no_committed_write_and_half_writes_none(
    place: Place, ctx: ForkServerContext
) -> None:
    template = place.fresh("writer-template")
    Workspace.open(template, create=True)
    for n, delay in enumerate((0.1, 0.3, 0.6)):
        root = place.copy(template, f"writer-{n}")
        reports, sender = ctx.Pipe(duplex=False)
        process = ctx.Process(target=workspace_child.add_members, args=(root, "p", sender))
        process.start()
        sender.close()
        kind, _ = reports.recv()
        assert kind == "started"
        assert reports.recv() == ("written", 1)  # killed only once it is writing, however busy
        time.sleep(delay)
        process.kill()
        process.join()
        acknowledged = 1
        with contextlib.suppress(EOFError):
            while True:
                acknowledged = reports.recv()[1]

        ws = Workspace.open(root)
        snap = ws.snapshot()
        audit = [e for e in ws.audit_log(limit=100_000) if e.action == "team.add"]
        written = len(snap.members)
        # Every write the child saw committed is there; at most the one in flight besides.
        assert 0 < acknowledged <= written <= acknowledged + 1
        assert [m.name for m in snap.members] == [f"p{i}" for i in range(written)]
        assert len(audit) == written == snap.data_version
        ws.add_assignment(EDITOR, name="after the crash", role="it", hours=1)
        assert len(ws.snapshot().members) == written + 1
        assert place.stored(root) == set()
        place.discard(root)


def events_export(folder: Path, rows: int, seed: int) -> Path:
    """An events file of ``rows`` interactions on 20 platforms over 2026's first 40 weeks."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-05T00:00:00", "us")
    seconds = rng.integers(0, 40 * 7 * 86_400, rows)
    table = pa.table(
        {
            "ts": pa.array(start + seconds.astype("timedelta64[s]"), pa.timestamp("us")),
            "platform": pa.array(rng.integers(0, 20, rows).astype(str)).cast(pa.string()),
            "member_id": pa.array(rng.integers(0, rows // 4, rows)),
            "kind": pa.array(np.where(rng.random(rows) < 0.1, "post", "like")),
            "by_brand": pa.array(rng.random(rows) < 0.1),
        }
    )
    path = folder / f"events-{seed}.parquet"
    pq.write_table(table, path)
    return path


def test_the_import_after_a_killed_events_import_removes_the_temp_folder_it_left(
    scratch: Path, ctx: ForkServerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = scratch / "events-kill-tmp"  # this test's own system temp folder
    temp.mkdir()
    root = scratch / "events-kill"
    Workspace.open(root, create=True)
    reports, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=workspace_child.import_events,
        args=(str(root), str(events_export(scratch, 2_000_000, 1)), str(temp), sender),
    )
    process.start()
    sender.close()
    kind, pid = reports.recv()
    assert kind == "started"
    deadline = time.monotonic() + 60
    while not list(temp.glob(f"rollout-duckdb-{pid}-*")):  # killed once its folder exists
        assert time.monotonic() < deadline and not reports.poll(), "the import never started"
        time.sleep(0.001)
    process.kill()
    process.join()
    assert process.exitcode == -signal.SIGKILL
    assert list(temp.glob(f"rollout-duckdb-{pid}-*"))  # what SIGKILL leaves behind

    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    upload = Workspace.open(root).import_file(EDITOR, events_export(scratch, 1_000, 2), today=TODAY)
    assert upload.layout == "events"
    assert list(temp.iterdir()) == []
