"""The demo company: rebuilt by its script exactly, seeded atomically and only once."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from strategy.demo import DEMO_DIR, ensure_workspace, write_demo_source
from strategy.domain.access import LOCAL_USER
from strategy.usecases import Workspace
from tests import workspace_child


def test_the_committed_demo_is_what_the_script_generates(tmp_path: Path) -> None:
    write_demo_source(tmp_path)
    committed = sorted(p.name for p in DEMO_DIR.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    assert json.loads((tmp_path / "company.json").read_text()) == json.loads(
        (DEMO_DIR / "company.json").read_text()
    )
    for name in committed:
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(
                pd.read_parquet(tmp_path / name), pd.read_parquet(DEMO_DIR / name)
            )


def test_the_demo_holds_a_seven_person_team_and_a_year_of_metrics(demo_read: Workspace) -> None:
    snap = demo_read.snapshot()
    assert len(snap.members) == 7
    assert {u.layout for u in snap.uploads} == {"long", "wide", "events"}
    weeks = snap.weekly["week"]
    assert (weeks.max() - weeks.min()).days >= 51 * 7


def test_first_start_seeds_the_workspace_once(tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    first = ensure_workspace(root)
    first.add_assignment(LOCAL_USER, name="New", role="it", hours=1)
    again = ensure_workspace(root)
    assert "New" in [m.name for m in again.snapshot().members]


def _seed(root: str) -> int:
    return len(ensure_workspace(Path(root)).snapshot().members)


def test_two_processes_starting_at_once_get_one_whole_workspace(tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    # Forked from a server that has the store imported: both start within milliseconds.
    with workspace_child.context().Pool(2) as pool:
        counts = pool.map(_seed, [str(root), str(root)])
    assert counts == [7, 7]
    assert [p.name for p in tmp_path.iterdir()] == ["workspace"]


def test_the_demo_company_has_a_name_the_dashboard_shows(app_read: Workspace) -> None:
    from tests.conftest import open_page

    assert app_read.snapshot().company.name == "Northwind Outdoor"
    at = open_page("app.py")
    assert at.title[0].value == "Social rollout dashboard: Northwind Outdoor"


def test_a_company_without_a_name_gets_the_plain_dashboard_title(
    app_ws: Workspace,
) -> None:
    import dataclasses

    from tests.conftest import open_page

    company = app_ws.snapshot().company
    app_ws.set_company(LOCAL_USER, dataclasses.replace(company, name=""))
    at = open_page("app.py")
    assert at.title[0].value == "Social rollout dashboard"
