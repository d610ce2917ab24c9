"""Workspaces written by earlier versions open migrated, with everything they held.

``tests/data/schema-2-workspace`` was written by the previous release (schema 2, before
PostgreSQL): a person with two roles, one upload, an override with an end, a ticked
checklist and a mapped user.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from strategy.domain.analysis import analyse
from strategy.domain.stages import Stage
from strategy.storage.schema import SCHEMA_VERSION
from strategy.usecases import Workspace
from tests.conftest import EDITOR
from tests.engines import scalar

EARLIEST = dt.date(2000, 1, 3)
WRITTEN_BY_SCHEMA_2 = Path(__file__).parent / "data" / "schema-2-workspace"


@pytest.fixture
def old_ws(tmp_path: Path) -> Path:
    """A private copy of the workspace the previous release wrote."""
    target = tmp_path / "old"
    shutil.copytree(WRITTEN_BY_SCHEMA_2, target)
    return target


def test_a_workspace_written_by_the_previous_release_opens_migrated_with_all_it_held(
    old_ws: Path,
) -> None:
    ws = Workspace.open(old_ws)
    assert int(scalar(ws, "SELECT value FROM meta WHERE key = 'schema_version'")) == SCHEMA_VERSION
    snap = ws.snapshot()
    assert [(m.name, sorted(r.value for r in m.roles)) for m in snap.members] == [
        ("Ana Souza", ["social_expert", "support"])
    ]
    (upload,) = snap.uploads
    assert (upload.name, upload.rows, upload.data_through) == (
        "forum.parquet",
        16,
        {"forum": dt.date(2026, 11, 1)},  # weekly rows: the Sunday of the last week
    )
    assert ws.stored_bytes(upload)[:4] == b"PAR1"
    (override,) = snap.overrides
    assert (override.stage, override.week, override.until) == (
        Stage.RETENTION,
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 26),
    )
    assert {i.platform for i in snap.checklist} == {"forum"}
    assert ws.user_roles() == {"maya@example.com": "editor"}
    assert snap.data_version == 6 == len(ws.audit_log())
    assert (snap.requests, snap.onboarding, snap.plans, snap.test_dates) == ((), (), {}, {})


def test_a_migrated_workspace_takes_new_writes_and_opens_again_unchanged(old_ws: Path) -> None:
    ws = Workspace.open(old_ws)
    ws.add_assignment(EDITOR, name="ANA SOUZA", role="it", hours=1)  # the same person
    assert [m.name for m in ws.snapshot().members] == ["Ana Souza"]
    version = ws.data_version()
    again = Workspace.open(old_ws)  # already current: opening only reads
    assert again.data_version() == version
    assert again.snapshot().members == ws.snapshot().members


def test_people_of_a_migrated_workspace_count_from_before_any_data_with_their_hours(
    old_ws: Path,
) -> None:
    ws = Workspace.open(old_ws)
    (ana,) = ws.snapshot().members
    assert (ana.start, ana.end) == (None, None)
    early, late = (analyse(ws.snapshot(), day).team for day in (EARLIEST, dt.date(2026, 11, 23)))
    assert early.capacity_hours == late.capacity_hours == ana.capacity_hours > 0
    assert early.serving_hours == late.serving_hours > 0
