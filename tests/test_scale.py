"""At scale: after an import only weekly tables are read, and what cannot be held is refused.

Timings live in ``bench/bench_ingest.py``; these tests pin the behaviour the figures rely on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from bench.bench_ingest import generate
from strategy.domain.analysis import analyse
from strategy.domain.errors import ImportRejected
from strategy.ingest import event_sql, sizes
from strategy.ingest import read as ingest
from strategy.report import report_json, weekly_csv
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, workspace_state
from tests.engines import delete_stored_files

ROOT = Path(__file__).resolve().parent.parent


def refuse_to_read(*args: Any, **kwargs: Any) -> None:
    raise AssertionError(f"raw file read: {args!r}")


def forbid_reading_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every way of reading parquet or starting DuckDB fail the test."""
    for module, name in [
        (pq, "read_table"),
        (pq, "read_metadata"),
        (pq, "read_schema"),
        (pq, "ParquetFile"),
        (pd, "read_parquet"),
        (duckdb, "connect"),
    ]:
        monkeypatch.setattr(module, name, refuse_to_read)


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    """Two years of events on 8 platforms, from the benchmark's generator (small)."""
    path = tmp_path / "events.parquet"
    generate(20_000, path)
    return path


def test_the_analysis_after_an_import_never_reads_the_events_again(
    demo_ws: Workspace, events_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = demo_ws.import_file(EDITOR, events_file, today=TODAY)
    assert len(upload.platforms) == 8
    before = analyse(demo_ws.snapshot(), TODAY)

    events_file.unlink()
    delete_stored_files(demo_ws)
    forbid_reading_files(monkeypatch)
    snapshot = demo_ws.snapshot()
    after = analyse(snapshot, TODAY)

    assert report_json(after) == report_json(before)
    assert weekly_csv(after) == weekly_csv(before)
    assert set(upload.platforms) <= set(after.statuses)
    assert len(snapshot.weekly) < upload.rows / 2  # weekly numbers, not the events


def test_the_dashboard_renders_with_the_raw_files_gone(
    demo_ws: Workspace, events_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_ws.import_file(EDITOR, events_file, today=TODAY)
    delete_stored_files(demo_ws)
    forbid_reading_files(monkeypatch)
    monkeypatch.setenv("ROLLOUT_WORKSPACE", demo_ws.location.key)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()

    assert not at.exception
    assert at.title[0].value == "Social rollout dashboard: Northwind Outdoor"
    shown = {m.label for m in at.metric}
    assert {"youtube", "discord", "x"} <= shown  # platforms known only from the events file


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    demo_ws: Workspace, events_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = events_file.stat().st_size
    monkeypatch.setenv(ingest.MAX_IMPORT_ENV, str(size / 2 / 2**20))
    before = workspace_state(demo_ws)
    forbid_reading_files(monkeypatch)

    with pytest.raises(ImportRejected) as refused:
        demo_ws.import_file(EDITOR, events_file, today=TODAY)

    message = str(refused.value)
    assert message.startswith("events.parquet: the file is ")
    assert "more than the" in message and "accepted" in message
    assert workspace_state(demo_ws) == before


def test_long_or_wide_data_too_large_to_load_is_refused_before_it_is_read(
    demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wide.parquet"
    days = pd.date_range("2025-01-06", periods=400, freq="D")
    pd.DataFrame({"date": days, "platform": "instagram", "followers": 1.0}).to_parquet(path)
    monkeypatch.setattr(sizes, "MAX_TABLE_BYTES", 1000)
    monkeypatch.setattr(pq, "read_table", refuse_to_read)
    before = workspace_state(demo_ws)

    with pytest.raises(ImportRejected, match=r"^wide\.parquet: .* of wide-layout data is more"):
        demo_ws.import_file(EDITOR, path, today=TODAY)

    assert workspace_state(demo_ws) == before


def test_events_beyond_the_memory_budget_are_refused_in_words(
    demo_ws: Workspace, events_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_sql, "DUCKDB_MEMORY_LIMIT", "1MB")
    before = workspace_state(demo_ws)

    with pytest.raises(ImportRejected) as refused:
        demo_ws.import_file(EDITOR, events_file, today=TODAY)

    assert str(refused.value) == (
        "events.parquet: the file is too large to import within the memory limit (1MB); "
        "split it into smaller files"
    )
    assert workspace_state(demo_ws) == before
