"""Text a spreadsheet would run as a formula (OWASP "CSV Injection"): platform and metric
names starting like one are refused in every file and layout, storing nothing, and the CSV
the product writes shows such text from older workspaces with a quote, numbers untouched."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pyarrow as pa
import pytest

from strategy.domain.errors import ImportRejected
from strategy.domain.formulas import csv_cell, formula_prefix_problem
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, cli, workspace_state
from tests.spreadsheet_files import FORMATS, SUFFIX, as_format

WHY = "which a spreadsheet would run as a formula"


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("=1+1", "'='"),
        ("+cmd", "'+'"),
        ("-2+3", "'-'"),
        ("@sum(1)", "'@'"),
        ("\t=1", "a tab"),
        ("\r=1", "a carriage return"),
    ],
)
def test_a_name_starting_like_a_formula_is_refused_saying_why(name: str, first: str) -> None:
    assert formula_prefix_problem(name) == (
        f"starts with {first}, {WHY}; expected a name that does not start with =, +, -, @, "
        "a tab or a carriage return"
    )


@pytest.mark.parametrize("name", ["instagram", "a=b", "c++_forum", "me@brand", "_cmd", "1+1"])
def test_a_name_with_formula_characters_only_inside_is_accepted(name: str) -> None:
    assert formula_prefix_problem(name) is None


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("instagram", "instagram"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_csv_cell_starting_like_a_formula_is_written_after_a_quote(
    text: str, written: str
) -> None:
    assert csv_cell(text) == written


# --- uploads: refused in every format and layout, nothing stored ---------------------------

RAW_NAMES = {
    "=1+1": ("'=1+1'", "'='"),
    "=HYPERLINK": ('\'=hyperlink("http://evil.example","x")\'', "'='"),
    "+cmd": ("'+cmd'", "'+'"),
    "@SUM(1)": ("'@sum(1)'", "'@'"),
}
"""Name as typed (key, with the HYPERLINK one spelled out below) -> (as the message shows
it, normalised, and its first character)."""
TYPED = {"=HYPERLINK": '=HYPERLINK("http://evil.example","x")'}

MONDAY = dt.date(2026, 1, 5)
PLACES = ("long platform", "long metric", "wide platform", "wide metric column", "events")


def upload(place: str, bad: str) -> pa.Table:
    """A file whose second data row (or metric column) carries ``bad`` in ``place``."""
    days = pa.array([MONDAY, MONDAY + dt.timedelta(days=1)], pa.date32())
    if place == "long platform":
        return pa.table(
            {"date": days, "platform": ["forum", bad], "metric": ["followers"] * 2, "value": [1, 2]}
        )
    if place == "long metric":
        return pa.table(
            {"date": days, "platform": ["forum"] * 2, "metric": ["followers", bad], "value": [1, 2]}
        )
    if place == "wide platform":
        return pa.table({"date": days, "platform": ["forum", bad], "followers": [1.0, 2.0]})
    if place == "wide metric column":
        return pa.table({"date": days, "platform": ["forum"] * 2, bad: [1.0, 2.0]})
    times = [dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), dt.datetime(2026, 1, 6, 9, tzinfo=dt.UTC)]
    return pa.table(
        {
            "ts": pa.array(times, pa.timestamp("us", "UTC")),
            "platform": ["forum", bad],
            "member_id": ["m1", "m2"],
            "kind": ["comment"] * 2,
            "by_brand": [False] * 2,
        }
    )


def where(place: str, fmt: str, typed: str, shown: str) -> str:
    """Where the refusal says the name is: the row as the file's reader counts it."""
    row = 2 if fmt == "parquet" else 3  # a spreadsheet counts its header as row 1
    if place == "wide metric column":
        return f"metric column {typed!r}"
    what = "metric" if place == "long metric" else "platform"
    return f"{what} {shown} at row {row}"


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("raw", list(RAW_NAMES))
def test_a_name_starting_like_a_formula_is_refused_in_every_format_and_layout(
    empty_read: Workspace, tmp_path: Path, raw: str, fmt: str, place: str
) -> None:
    typed = TYPED.get(raw, raw)
    shown, first = RAW_NAMES[raw]
    name = f"export{SUFFIX[fmt]}"
    path = tmp_path / name
    path.write_bytes(as_format(upload(place, typed), fmt))
    before = workspace_state(empty_read)
    with pytest.raises(ImportRejected) as refused:
        empty_read.import_file(EDITOR, path, today=TODAY)
    assert str(refused.value) == (
        f"{name}: {where(place, fmt, typed, shown)} starts with {first}, {WHY}; expected a "
        "name that does not start with =, +, -, @, a tab or a carriage return"
    )
    assert workspace_state(empty_read) == before


@pytest.mark.parametrize(
    ("raw", "stored"), [("-cmd", "_cmd"), ("\tcmd", "cmd"), ("\rcmd", "cmd"), (" - cmd", "_cmd")]
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_leading_dash_tab_or_carriage_return_never_reaches_a_stored_name(
    empty_ws: Workspace, tmp_path: Path, fmt: str, raw: str, stored: str
) -> None:
    """Names are trimmed and their dashes made underscores: what is stored cannot start a
    formula, so these names are kept, not refused."""
    path = tmp_path / f"export{SUFFIX[fmt]}"
    path.write_bytes(as_format(upload("long platform", raw), fmt))
    assert empty_ws.import_file(EDITOR, path, today=TODAY).platforms == (stored, "forum")
    path.write_bytes(as_format(upload("long metric", raw), fmt))
    assert empty_ws.import_file(EDITOR, path, today=TODAY).metrics == (stored, "followers")


def test_a_checklist_or_override_platform_follows_the_same_rule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = str(tmp_path / "ws")
    assert cli(capsys, "init", root)[0] == 0
    before = workspace_state(root)
    rule = f"platform name '=1+1' starts with '=', {WHY}"
    code, _, err = cli(capsys, "checklist", root, "=1+1", "--done", "all", "--on", "2026-01-05")
    assert code == 1 and rule in err
    code, _, err = cli(
        capsys, "override", "add", root, "=1+1", "active", "--from", "2026-01-05",
        "--reason", "launch campaign agreed",
    )  # fmt: skip
    assert code == 1 and rule in err
    assert workspace_state(root) == before


# --- the CSV written from a workspace that already holds such names ------------------------

OLD_NAMES = {"forum": '=HYPERLINK("http://evil.example","x")', "tiktok": "-cmd"}
OLD_METRIC = "@sum(1)"


@pytest.fixture
def older_workspace(tmp_path: Path) -> str:
    """A folder workspace holding names stored before they were refused: imported under
    harmless names, then renamed in the database, as an older release could have stored
    them; one value made negative, which no import accepts either."""
    root = tmp_path / "older"
    ws = Workspace.open(root, create=True)
    days = [MONDAY + dt.timedelta(weeks=n) for n in range(3)]
    table = pa.table(
        {
            "date": pa.array(days * 2, pa.date32()),
            "platform": ["forum"] * 3 + ["tiktok"] * 3,
            "followers": [100.0, 110.0, 120.0] * 2,
            "clicks": [5.0, 6.0, 7.0] * 2,
        }
    )
    path = tmp_path / "old.parquet"
    path.write_bytes(as_format(table, "parquet"))
    ws.import_file(EDITOR, path, today=TODAY)
    with sqlite3.connect(root / "workspace.sqlite") as conn:
        for old, new in OLD_NAMES.items():
            conn.execute("UPDATE observations SET platform = ? WHERE platform = ?", (new, old))
        conn.execute("UPDATE observations SET metric = ? WHERE metric = 'clicks'", (OLD_METRIC,))
        conn.execute(
            "UPDATE observations SET value = -5 WHERE metric = ? AND week = ?",
            (OLD_METRIC, MONDAY.isoformat()),
        )
        platforms, through = conn.execute("SELECT platforms, data_through FROM uploads").fetchone()
        renamed = [OLD_NAMES.get(p, p) for p in json.loads(platforms)]
        dates = {OLD_NAMES.get(p, p): d for p, d in json.loads(through).items()}
        conn.execute(
            "UPDATE uploads SET platforms = ?, metrics = ?, data_through = ?",
            (json.dumps(renamed), json.dumps(["followers", OLD_METRIC]), json.dumps(dates)),
        )
    conn.close()
    return str(root)


def test_the_weekly_csv_shows_formula_like_names_of_an_older_workspace_as_text(
    older_workspace: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "report", older_workspace, "--format", "csv")
    assert code == 0
    header, *rows = list(csv.reader(io.StringIO(out)))
    assert header[:3] == ["platform", "week", "complete"]
    assert "'" + OLD_METRIC in header and OLD_METRIC not in header
    at = {name: header.index(name) for name in ("followers", "'" + OLD_METRIC)}
    by_platform = {(r[0], r[1]): r for r in rows}
    assert {p for p, _ in by_platform} == {"'" + name for name in OLD_NAMES.values()}
    first = by_platform[("'" + OLD_NAMES["forum"], MONDAY.isoformat())]
    assert first[at["'" + OLD_METRIC]] == "-5"  # a number: written as it is, no quote
    assert first[at["followers"]] == "100"
    later = by_platform[("'-cmd", (MONDAY + dt.timedelta(weeks=1)).isoformat())]
    assert later[at["'" + OLD_METRIC]] == "6"
