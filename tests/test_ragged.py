"""Data as it really arrives: one platform ahead, a week in progress, a platform that lags,
a community measured only from its events. The numbers an executive reads must not move."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from strategy.cli import main
from strategy.demo import DEMO_DIR, seed_demo
from strategy.domain.analysis import analyse
from strategy.domain.errors import NotFound, ValidationError
from strategy.domain.gates import DEFAULT_GATES, Criterion, GateSet, Stage, gates_to_dict
from strategy.domain.horizons import MAX_LAG_WEEKS, common_window, complete_weeks, horizons
from strategy.domain.stages import Override
from strategy.report import report_dict
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, workspace_state

LAST_DEMO_MONDAY = dt.date(2026, 11, 9)


def linkedin_days(first: dt.date, days: int, path: Path) -> Path:
    """LinkedIn's daily rows for ``days`` days from ``first``, copied from its last demo week."""
    demo = pd.read_parquet(DEMO_DIR / "instagram_linkedin_daily.parquet")
    demo["date"] = pd.to_datetime(demo["date"])
    last_week = demo[(demo["platform"] == "linkedin") & (demo["date"] >= "2026-11-09")]
    shifted = last_week.assign(date=last_week["date"] + pd.Timedelta(first - LAST_DEMO_MONDAY))
    rows = shifted[shifted["date"] < pd.Timestamp(first + dt.timedelta(days=days))]
    rows.assign(date=rows["date"].dt.date).to_parquet(path, index=False)
    return path


def signal_and_others(report: dict[str, Any], ahead: str = "linkedin") -> dict[str, Any]:
    """What must not move when one platform's data runs ahead: the whole signal but its lag
    list, and every other platform."""
    signal = {k: v for k, v in report["resource_signal"].items() if k != "lagging_platforms"}
    others = {
        name: {k: v for k, v in p.items() if k not in ("weeks_behind",)}
        for name, p in report["platforms"].items()
        if name != ahead
    }
    return {"signal": signal, "others": others, "tests": report["tests"], "team": report["team"]}


def test_a_newer_week_for_one_platform_leaves_the_signal_as_it_was(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    before = report_dict(analyse(demo_ws.snapshot(), TODAY))
    demo_ws.import_file(EDITOR, linkedin_days(dt.date(2026, 11, 16), 7, tmp_path / "w.parquet"))
    after = report_dict(analyse(demo_ws.snapshot(), TODAY))

    assert after["platforms"]["linkedin"]["data_through"] == "2026-11-16"
    assert after["resource_signal"]["lagging_platforms"] == ["forum", "instagram", "tiktok"]
    assert after["resource_signal"]["window"] == {
        "from": "2026-10-19",
        "to": "2026-11-09",
        "platforms": ["forum", "instagram", "linkedin", "tiktok"],
    }
    assert {n: p["weeks_behind"] for n, p in after["platforms"].items()} == {
        "forum": 1,
        "instagram": 1,
        "linkedin": 0,
        "tiktok": 1,
    }
    assert signal_and_others(after) == signal_and_others(before)
    assert after["resource_signal"]["gap_hours_per_week"] > 0


def test_a_week_in_progress_never_moves_a_stage_a_stall_or_the_gap(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    wednesday = dt.date(2026, 11, 25)
    before = report_dict(analyse(demo_ws.snapshot(), wednesday))
    demo_ws.import_file(
        EDITOR, linkedin_days(dt.date(2026, 11, 23), 2, tmp_path / "p.parquet"), today=wednesday
    )
    after = report_dict(analyse(demo_ws.snapshot(), wednesday))

    linkedin = after["platforms"]["linkedin"]
    assert linkedin["in_progress_week"] == "2026-11-23"
    assert linkedin["data_through"] == "2026-11-09"  # the partial week is not its horizon
    assert after == {**before, "platforms": {**before["platforms"], "linkedin": linkedin}}
    assert {k: v for k, v in linkedin.items() if k != "in_progress_week"} == {
        k: v for k, v in before["platforms"]["linkedin"].items() if k != "in_progress_week"
    }


def test_a_week_whose_daily_data_stops_before_sunday_is_in_progress_even_once_it_ended(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    # The export ran on Wednesday of last week: that week has ended, but its data has not.
    path = linkedin_days(dt.date(2026, 11, 16), 3, tmp_path / "mon-wed.parquet")
    demo_ws.import_file(EDITOR, path)
    linkedin = report_dict(analyse(demo_ws.snapshot(), TODAY))["platforms"]["linkedin"]
    assert (linkedin["data_through"], linkedin["in_progress_week"]) == (
        "2026-11-09",
        "2026-11-16",
    )


def weekly_file(path: Path, spans: dict[str, tuple[int, dict[str, float]]]) -> Path:
    """A wide file dated on Mondays from 2026-06-01: per platform (weeks, metrics each week)."""
    rows = [
        {"date": dt.date(2026, 6, 1) + dt.timedelta(weeks=n), "platform": name, **metrics}
        for name, (weeks, metrics) in spans.items()
        for n in range(weeks)
    ]
    pd.DataFrame(rows).to_parquet(path, index=False)
    return path


IN_RETENTION = {"followers": 500.0, "brand_posts": 3.0, "active_members": 5.0}


@pytest.mark.parametrize(("lag", "left_out"), [(2, False), (MAX_LAG_WEEKS, False), (6, True)])
def test_a_lagging_platform_is_named_never_failed_and_far_behind_left_out_of_demand(
    empty_ws: Workspace, tmp_path: Path, lag: int, left_out: bool
) -> None:
    path = weekly_file(
        tmp_path / "w.parquet", {"a": (10, IN_RETENTION), "b": (10 - lag, IN_RETENTION)}
    )
    empty_ws.import_file(EDITOR, path)
    for platform in ("a", "b"):
        empty_ws.set_checklist(EDITOR, platform, "all", "2026-05-01")
    result = analyse(empty_ws.snapshot(), TODAY)

    b = result.statuses["b"]
    assert (b.stage, b.stalled, [t.target for t in b.transitions]) == (
        Stage.RETENTION,
        False,
        [Stage.RETENTION],
    )
    horizon = result.horizons["b"]
    assert horizon.weeks_behind == lag
    assert (
        horizon.lag_text == f"data to week of {horizon.data_through:%d %b %Y}, {lag} weeks behind"
    )
    window = result.signal.window
    assert window.lagging == {"b": lag}
    assert (window.left_out == ("b",)) is left_out
    assert ("left out of demand" in window.describe()) is left_out
    a_horizon = result.horizons["a"].data_through
    assert window.last == (a_horizon if left_out else horizon.data_through)


def test_a_community_measured_only_from_its_events_leaves_setup_on_its_members(
    empty_ws: Workspace, tmp_path: Path
) -> None:
    rng = np.random.default_rng(7)
    start = pd.Timestamp("2026-06-01 12:00", tz="UTC")
    rows = []
    for week in range(8):
        for n in range(30):  # 30 new members a week ask or answer questions
            member = f"m{week * 30 + n}"
            day = start + pd.Timedelta(days=7 * week + int(rng.integers(0, 7)))
            rows.append((day, "Q&A", member, "question", False))
        rows.append((start + pd.Timedelta(days=7 * week), "Q&A", "brand", "post", True))
    events = pd.DataFrame(rows, columns=["ts", "platform", "member_id", "kind", "by_brand"])
    path = tmp_path / "qa.parquet"
    events.to_parquet(path, index=False)
    empty_ws.import_file(EDITOR, path)
    empty_ws.set_checklist(EDITOR, "q&a", "all", "2026-05-01")

    result = analyse(empty_ws.snapshot(), TODAY)
    status = result.statuses["q&a"]
    members = result.wide.set_index("week")["community_members"]
    assert members.iloc[:4].tolist() == [30.0, 60.0, 90.0, 120.0]
    assert result.wide["audience"].tolist() == members.tolist()  # no followers: members
    assert status.stage is Stage.RETENTION
    (move,) = status.transitions
    assert move.week == dt.date(2026, 6, 29)  # audience 120 >= 100 in its 4th and 5th week
    assert "followers" not in " ".join(status.not_measured)


def test_a_misspelt_gate_metric_is_refused_naming_the_closest_and_nothing_is_stored(
    demo_ws: Workspace,
) -> None:
    before = workspace_state(demo_ws)
    to_active = DEFAULT_GATES.to_active
    typo = GateSet(
        DEFAULT_GATES.to_retention,
        type(to_active)(
            to_active.source,
            to_active.target,
            (Criterion("actve_members", ">=", 50.0), *to_active.criteria[1:]),
            to_active.weeks_to_advance,
            to_active.weeks_to_fall_back,
        ),
    )
    with pytest.raises(ValidationError, match=r"'actve_members'.*did you mean active_members\?"):
        demo_ws.set_gates(EDITOR, typo)
    assert workspace_state(demo_ws) == before


def test_a_gate_may_use_a_metric_the_workspace_uploaded(
    empty_ws: Workspace, long_file: Any
) -> None:
    empty_ws.import_file(EDITOR, long_file([("2026-10-05", "forum", "accepted_answers", 3.0)]))
    gates = gates_to_dict(DEFAULT_GATES)
    gates["to_active"]["criteria"].append(
        {"metric": "accepted_answers", "op": ">=", "threshold": 2}
    )
    stored = empty_ws.set_gates(EDITOR, gates).value
    assert stored.to_active.criteria[-1] == Criterion("accepted_answers", ">=", 2.0)


def test_an_override_is_stored_with_its_end_and_removed_with_an_audit_row(
    empty_ws: Workspace,
) -> None:
    kept = empty_ws.add_override(EDITOR, "tiktok", "2026-10-07", "active", "launch campaign")
    ended = empty_ws.add_override(
        EDITOR, "forum", "2026-10-05", "retention", "migration", until="2026-10-20"
    )
    by = EDITOR.name
    monday = dt.date(2026, 10, 5)
    assert empty_ws.snapshot().overrides == (
        Override("tiktok", monday, Stage.ACTIVE, "launch campaign", by, None, kept.id),
        Override(
            "forum", monday, Stage.RETENTION, "migration", by, dt.date(2026, 10, 20), ended.id
        ),
    )
    assert empty_ws.remove_override(EDITOR, kept.id or 0).platform == "tiktok"
    assert [o.id for o in empty_ws.snapshot().overrides] == [ended.id]
    entry = empty_ws.audit_log()[0]
    assert (entry.action, entry.actor) == ("stage.override.remove", EDITOR.name)
    assert "tiktok -> active" in entry.detail
    with pytest.raises(NotFound, match=f"override #{kept.id} does not exist"):
        empty_ws.remove_override(EDITOR, kept.id or 0)


def test_an_override_that_ends_before_it_starts_is_refused(empty_ws: Workspace) -> None:
    with pytest.raises(ValidationError, match=r"^until: 01 Oct 2026 is before the override"):
        empty_ws.add_override(
            EDITOR, "tiktok", "2026-10-07", "active", "launch", until="2026-10-01"
        )
    assert empty_ws.snapshot().overrides == ()


def test_the_report_as_of_a_date_reproduces_the_report_of_that_day_byte_for_byte(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    demo_ws = seed_demo(tmp_path / "ws")  # uploaded on TODAY
    root = demo_ws.location.key
    assert main(["report", root, "--format", "json"]) == 0
    that_day = capsys.readouterr().out

    monkeypatch.setenv("ROLLOUT_TODAY", "2026-12-02")
    for first, days in (
        (dt.date(2026, 11, 16), 7),
        (dt.date(2026, 11, 23), 7),
        (dt.date(2026, 11, 30), 2),
    ):
        demo_ws.import_file(EDITOR, linkedin_days(first, days, tmp_path / f"{first}.parquet"))
    assert main(["report", root, "--format", "json"]) == 0
    assert capsys.readouterr().out != that_day
    assert main(["report", root, "--format", "json", "--as-of", TODAY.isoformat()]) == 0
    assert capsys.readouterr().out == that_day


def test_the_weekly_csv_has_a_row_per_platform_week_with_derived_metrics_and_completeness(
    demo_ws: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", "2026-11-25")
    demo_ws.import_file(EDITOR, linkedin_days(dt.date(2026, 11, 23), 2, tmp_path / "p.parquet"))
    assert main(["report", demo_ws.location.key, "--format", "csv"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert list(table.columns[:3]) == ["platform", "week", "complete"]
    assert {"audience", "engagement_rate", "community_members"} <= set(table.columns)
    assert not table.duplicated(["platform", "week"]).any()
    pending = table[~table["complete"]]
    assert pending[["platform", "week"]].values.tolist() == [["linkedin", "2026-11-23"]]


def test_completeness_needs_the_week_ended_and_the_data_through_its_sunday() -> None:
    coverage = pd.DataFrame(
        {
            "platform": ["a", "a", "b", "c"],
            "week": pd.to_datetime(["2026-11-09", "2026-11-16", "2026-11-16", "2026-11-16"]),
            "through": pd.to_datetime(["2026-11-18", "2026-11-18", "2026-11-22", None]),
        }
    )
    on = {
        day: complete_weeks(coverage, dt.date.fromisoformat(day))["complete"].tolist()
        for day in ("2026-11-22", "2026-11-23", "2026-11-20")
    }
    assert on["2026-11-22"] == [True, False, False, False]  # Sunday: the week has not ended
    assert on["2026-11-23"] == [True, False, True, True]  # a's data stops on Wednesday
    assert on["2026-11-20"] == [True, False, False, False]  # as of Friday: data after it cut
    found = horizons(complete_weeks(coverage, dt.date(2026, 11, 23)))
    assert (found["a"].data_through, found["a"].in_progress_week) == (
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
    )
    assert common_window(found, 2).weeks == (dt.date(2026, 11, 2), dt.date(2026, 11, 9))


def test_a_workspace_of_schema_1_opens_migrated_and_its_weeks_count_whole(
    demo_template: Path, tmp_path: Path
) -> None:
    import sqlite3

    root = tmp_path / "schema-1"
    shutil.copytree(demo_template, root)
    conn = sqlite3.connect(root / "workspace.sqlite")
    with conn:  # back to schema 1: no data_through, no until, nothing of schemas 3 to 6
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        conn.execute("ALTER TABLE uploads DROP COLUMN data_through")
        conn.execute("ALTER TABLE overrides DROP COLUMN until")
        conn.execute("DROP INDEX members_name_folded")
        conn.execute("DROP TABLE stored_files")
        conn.execute("DROP TABLE onboarding")
        conn.execute("DROP TABLE requests")
        conn.execute("ALTER TABLE tests DROP COLUMN logged_on")
        conn.execute("ALTER TABLE tests DROP COLUMN concluded_on")
        for column in ("kind", "planned_split", "control_mean", "control_sd"):
            conn.execute(f"ALTER TABLE tests DROP COLUMN {column}")
        conn.execute("ALTER TABLE tests DROP COLUMN variant_mean")
        conn.execute("ALTER TABLE tests DROP COLUMN variant_sd")
        conn.execute("DROP TABLE standup_items")
        conn.execute("ALTER TABLE members DROP COLUMN start")
        conn.execute('ALTER TABLE members DROP COLUMN "end"')
        conn.execute("DROP TABLE platform_decisions")
        conn.execute("ALTER TABLE tests DROP COLUMN stats")
    conn.close()
    reopened = Workspace.open(root)
    snapshot = reopened.snapshot()
    assert all(u.data_through == {} for u in snapshot.uploads)
    assert snapshot.coverage["through"].isna().all()
    result = analyse(snapshot, TODAY)
    assert {h.data_through for h in result.horizons.values()} == {LAST_DEMO_MONDAY}
    assert json.loads(json.dumps(report_dict(result)))["overall_stage"] == "retention"
