"""CSV and xlsx metric files: the same workspace as the same parquet file, rows named as a
spreadsheet counts them, stated date formats, and refusals of what a spreadsheet leaves
ambiguous (encoding, delimiter, sheet) with what to fix, storing nothing."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from strategy.cli import main
from strategy.domain.errors import ImportRejected
from strategy.ingest import sheet, xls, xlsx
from strategy.ingest.read import MAX_IMPORT_ENV, ImportedFile, read_metrics
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, cli, workspace_state
from tests.spreadsheet_files import (
    FORMATS,
    SUFFIX,
    Formula,
    as_format,
    csv_bytes,
    parquet_bytes,
    table_rows,
    xlsx_bytes,
    xlsx_cell,
)
from tests.xls_files import XlsFormula, xls_bytes

D = dt.date
UTC = dt.UTC


def days(first: dt.date, n: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(n)]


LONG_DAYS = days(D(2026, 1, 5), 17)  # Monday 5 January to Wednesday 21 January
LONG = pa.table(
    {
        "date": pa.array(LONG_DAYS * 3, pa.date32()),
        "Platform": ["Instagram"] * 17 + ["Brand, Inc. Forum"] * 17 + ["Ünïcödé 小红书"] * 17,
        "metric": (["followers"] * 6 + ["brand_posts"] * 6 + ["response_minutes_median"] * 5) * 3,
        "value": [round(100 + i * 0.1 + (i % 3) * 7.25, 2) for i in range(51)],
    }
)
THURSDAYS = [D(2026, 1, 1) + dt.timedelta(weeks=n) for n in range(8)]
WIDE = pa.table(
    {
        "Date": pa.array(THURSDAYS * 2, pa.date32()),
        "platform": ["tiktok"] * 8 + ["LinkedIn"] * 8,
        "Followers": [1000.5 + 13 * n for n in range(16)],
        "Brand Posts": [float(n % 4) for n in range(16)],
        "shares": [0.1 * n for n in range(16)],
    }
)
EVENT_TIMES = [
    dt.datetime(2026, 1, 4, 23, 59, 59, tzinfo=UTC),  # a Sunday night
    dt.datetime(2026, 1, 5, 0, 0, tzinfo=UTC),
    dt.datetime(2026, 1, 7, 12, 30, tzinfo=UTC),
    dt.datetime(2026, 1, 13, 8, 15, 30, tzinfo=UTC),
    dt.datetime(2026, 1, 21, 18, 0, tzinfo=UTC),
    dt.datetime(2026, 1, 22, 9, 45, tzinfo=UTC),
]
EVENTS = pa.table(
    {
        "ts": pa.array(EVENT_TIMES * 2, pa.timestamp("us", "UTC")),
        "platform": ["Forum"] * 6 + ["discord server"] * 6,
        "member_id": ["m1", "m2", "m1", "m3", "brand", "m2"] * 2,
        "kind": ["comment", "message", "Mention ", "comment", "post", "reply"] * 2,
        "by_brand": [False, False, False, False, True, False] * 2,
    }
)
CONTENT = {"long": LONG, "wide": WIDE, "events": EVENTS}


def written(tmp_path: Path, content: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def read(tmp_path: Path, content: bytes, name: str, **kw: Any) -> ImportedFile:
    return read_metrics(written(tmp_path, content, name), today=TODAY, **kw)


def refused(tmp_path: Path, content: bytes, name: str, *fragments: str) -> str:
    with pytest.raises(ImportRejected) as info:
        read(tmp_path, content, name)
    message = str(info.value)
    assert message.startswith(f"{name}: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


def same_weekly(a: ImportedFile, b: ImportedFile) -> None:
    pd.testing.assert_frame_equal(a.weekly, b.weekly, check_exact=True)
    assert (a.layout, a.rows, a.data_through) == (b.layout, b.rows, b.data_through)


# --- the same content, the same workspace ------------------------------------------------


def stored_state(ws: Workspace, fmt: str, table: pa.Table, tmp_path: Path) -> dict[str, Any]:
    """Import ``table`` as a ``fmt`` file; what the workspace then holds of it; remove it."""
    content = as_format(table, fmt)
    path = written(tmp_path, content, f"export{SUFFIX[fmt]}")
    upload = ws.import_file(EDITOR, path, today=TODAY)
    assert ws.stored_bytes(upload) == content  # the original file, under its hash
    rows, _ = workspace_state(ws)
    state = {
        "observations": [r[1][1:] for r in rows if r[0] == "observations" and r[1][0] == upload.id],
        "weekly": ws.snapshot().weekly,
        "upload": (
            upload.layout,
            upload.rows,
            upload.platforms,
            upload.metrics,
            upload.data_through,
        ),
        "weeks": (upload.first_week, upload.last_week),
    }
    ws.remove_upload(EDITOR, upload.id)
    return state


@pytest.mark.parametrize("layout", list(CONTENT))
def test_a_csv_and_an_xlsx_file_give_the_workspace_the_same_parquet_file_gives(
    empty_ws: Workspace, tmp_path: Path, layout: str
) -> None:
    table = CONTENT[layout]
    states = {fmt: stored_state(empty_ws, fmt, table, tmp_path) for fmt in FORMATS}
    parquet = states["parquet"]
    assert parquet["observations"] and parquet["upload"][0] == layout
    for fmt in ("csv", "xlsx", "xls"):
        assert states[fmt]["observations"] == parquet["observations"], fmt
        assert states[fmt]["upload"] == parquet["upload"], fmt
        assert states[fmt]["weeks"] == parquet["weeks"], fmt
        pd.testing.assert_frame_equal(states[fmt]["weekly"], parquet["weekly"], check_exact=True)


# --- what is ambiguous is refused, with what to fix --------------------------------------

ROWS = [["date", "platform", "metric", "value"], ["2026-01-05", "Zoë", "followers", "120"]]
AMBIGUOUS = {
    "CSV in Latin-1": (
        "export.csv",
        csv_bytes(ROWS, encoding="latin-1"),
        "the file is not UTF-8 text (byte 0xEB on line 2 is not UTF-8); save it as CSV UTF-8",
    ),
    "CSV in UTF-16 without a byte-order mark": (
        "export.csv",
        csv_bytes(ROWS, encoding="utf-16-le"),
        "the file holds NUL bytes, so it is not UTF-8 text (UTF-16 without a byte-order "
        "mark, or not text at all); save it as CSV UTF-8",
    ),
    "CSV in UTF-16 with a broken character on line 2": (
        "export.csv",
        codecs.BOM_UTF16_LE
        + "date,platform,metric,value\n2026-01-05,".encode("utf-16-le")
        + b"\x00\xd8"  # half of a character outside the BMP, then none
        + "x,followers,1\n".encode("utf-16-le"),
        "the file is not UTF-16 text (byte 0x00 on line 2 is not UTF-16); save it as CSV UTF-8",
    ),
    "CSV whose header holds commas and semicolons": (
        "export.csv",
        b"date;platform,metric;value\n2026-01-05;ig,followers;120\n",
        "the header row holds commas and semicolons, so which one separates the columns is "
        "ambiguous; separate the columns with commas only",
    ),
    "CSV whose header holds tabs and bars": (
        "export.csv",
        b"date\tplatform|metric\tvalue\n",
        "the header row holds tabs and bars, so which one separates the columns is ambiguous",
    ),
    "workbook of two sheets, none named metrics": (
        "export.xlsx",
        xlsx_bytes({"Sheet1": ROWS, "Notes": [["read me"]]}),
        "the workbook has 2 sheets ('Sheet1', 'Notes') and none is named 'metrics', so which "
        "one to read is ambiguous; name the sheet with the metrics 'metrics', or remove the "
        "other sheets",
    ),
    "workbook of two sheets named metrics": (
        "export.xlsx",
        xlsx_bytes({"Metrics": ROWS, " metrics": ROWS}),
        "the workbook has 2 sheets named 'metrics' ('Metrics', ' metrics'); keep one",
    ),
}


@pytest.mark.parametrize("case", list(AMBIGUOUS))
def test_an_ambiguous_encoding_delimiter_or_sheet_is_refused_with_what_to_fix(
    empty_ws: Workspace, tmp_path: Path, case: str
) -> None:
    name, content, problem = AMBIGUOUS[case]
    path = written(tmp_path, content, name)
    before = workspace_state(empty_ws)
    with pytest.raises(ImportRejected) as info:
        empty_ws.import_file(EDITOR, path, today=TODAY)
    assert str(info.value).startswith(f"{name}: {problem}"), str(info.value)
    assert workspace_state(empty_ws) == before


# --- what is clear is read as the comma-separated UTF-8 file is ---------------------------

LONG_ROWS = table_rows(LONG)
CSV_VARIANTS = {
    "semicolons": csv_bytes(LONG_ROWS, delimiter=";"),
    "tabs": csv_bytes(LONG_ROWS, delimiter="\t"),
    "bars": csv_bytes(LONG_ROWS, delimiter="|"),
    "a byte-order mark, as Excel's CSV UTF-8 starts": b"\xef\xbb\xbf" + csv_bytes(LONG_ROWS),
    "UTF-16 little-endian with its byte-order mark": codecs.BOM_UTF16_LE
    + csv_bytes(LONG_ROWS, encoding="utf-16-le"),
    "UTF-16 big-endian with its byte-order mark": codecs.BOM_UTF16_BE
    + csv_bytes(LONG_ROWS, encoding="utf-16-be"),
    "a sep= line, as Excel's delimiter hint": b"sep=;\r\n" + csv_bytes(LONG_ROWS, delimiter=";"),
    "Windows line ends": csv_bytes(LONG_ROWS).replace(b"\n", b"\r\n"),
    "every value quoted": b"\n".join(
        b",".join(b'"' + cell + b'"' for cell in line.split(b","))
        for line in csv_bytes([[c.replace(",", "") for c in map(str, r)] for r in LONG_ROWS])
        .strip()
        .split(b"\n")
    ).replace(b"Brand Inc.", b"Brand, Inc."),
    "blank lines and empty rows at the end": csv_bytes(LONG_ROWS) + b",,,\n\n\n,, ,\n",
    "an empty unnamed column at the right": csv_bytes([[*r, ""] for r in LONG_ROWS]),
    "tabs around comma-separated names": csv_bytes(
        [[f" {c}\t" for c in LONG_ROWS[0]], *LONG_ROWS[1:]]
    ),
    "spaces around numbers": csv_bytes([*LONG_ROWS[:2], [*LONG_ROWS[2][:3], " 100.0 "]])
    + csv_bytes(LONG_ROWS[3:]),
}


@pytest.mark.parametrize("variant", list(CSV_VARIANTS))
def test_a_csv_file_with_a_clear_delimiter_or_a_bom_reads_as_the_plain_one(
    tmp_path: Path, variant: str
) -> None:
    plain = read(tmp_path, as_format(LONG, "csv"), "plain.csv")
    same_weekly(read(tmp_path, CSV_VARIANTS[variant], "variant.csv"), plain)


XLSX_VARIANTS = {
    "the sheet named Metrics among others": xlsx_bytes(
        {"Read me": [["notes"]], " Metrics ": LONG_ROWS, "Pivot": [["x"]]}
    ),
    "one sheet shown, others hidden": xlsx_bytes(
        {"lookup": [["a"]], "data": LONG_ROWS}, hidden=["lookup"]
    ),
    "the header on row 3": xlsx_bytes(LONG_ROWS, first_row=3),
    "dates as text": xlsx_bytes(
        [[str(c) if i == 0 else c for i, c in enumerate(r)] for r in LONG_ROWS]
    ),
}


@pytest.mark.parametrize("variant", list(XLSX_VARIANTS))
def test_a_workbook_whose_sheet_is_clear_reads_as_the_parquet_file(
    tmp_path: Path, variant: str
) -> None:
    parquet = read(tmp_path, parquet_bytes(LONG), "plain.parquet")
    same_weekly(read(tmp_path, XLSX_VARIANTS[variant], "variant.xlsx"), parquet)


@pytest.mark.parametrize("layout", list(CONTENT))
def test_a_workbook_read_in_small_batches_gives_the_same_weekly_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    whole = read(tmp_path, as_format(CONTENT[layout], "xlsx"), "whole.xlsx")
    monkeypatch.setattr(xlsx, "BATCH_ROWS", 2)
    rows = table_rows(CONTENT[layout])
    blank = [None] * len(rows[0])
    cells = [[xlsx_cell(v) for v in row] for row in rows]
    content = xlsx_bytes([*cells, blank, blank, blank])  # trailing empty rows, over batches
    same_weekly(read(tmp_path, content, "batched.xlsx"), whole)


def test_an_events_csv_file_over_several_blocks_gives_the_parquet_files_weekly_table(
    tmp_path: Path,
) -> None:
    n = 60_000  # about 3 MB: several of the CSV reader's 1 MB blocks
    start = dt.datetime(2026, 1, 5, tzinfo=UTC)
    table = pa.table(
        {
            "ts": pa.array(
                [start + dt.timedelta(minutes=7 * i) for i in range(n)], pa.timestamp("us", "UTC")
            ),
            "platform": [f"platform {i % 5}" for i in range(n)],
            "member_id": [f"member-{i % 9_001}" for i in range(n)],
            "kind": ["comment", "message", "post"] * (n // 3),
            "by_brand": [i % 3 == 2 for i in range(n)],
        }
    )
    today = D(2026, 11, 23)
    parquet = read_metrics(written(tmp_path, parquet_bytes(table), "e.parquet"), today=today)
    content = as_format(table, "csv") + b",,,,\n" * 3
    assert len(content) > 3 << 20
    same_weekly(read_metrics(written(tmp_path, content, "e.csv"), today=today), parquet)


# --- rows named as a spreadsheet counts them ----------------------------------------------

HEADER = ["date", "platform", "metric", "value"]


def good(day: int) -> list[Any]:
    return [f"2026-01-{day:02d}", "instagram", "followers", "120"]


ROW_NAMES = {
    "the first data row is row 2": (
        csv_bytes([HEADER, ["2026-01-05", "instagram", "followers", "n/a"]]),
        "text 'n/a' in numeric column value at row 2",
    ),
    "a value over two lines is one row": (
        csv_bytes([HEADER, ["2026-01-05", "Brand\nForum", "followers", "1"], good(6)])
        + csv_bytes([["2026-01-07", "instagram", "followers", "-4"]]),
        "negative value -4 in column value (metric followers) at row 4",
    ),
    "a blank row in the middle is a row without a date": (
        csv_bytes([HEADER, good(5)]) + b"\n" + csv_bytes([good(6)]),
        "missing date at row 3",
    ),
    "a row with more values than the header has columns": (
        csv_bytes([HEADER, good(5), [*good(6), "extra"]]),
        "row 3 has 5 values but the header has 4 columns; check the commas and the quotes "
        "in that row",
    ),
    "an unnamed column that holds values": (
        csv_bytes([[*HEADER, ""], [*good(5), ""], [*good(6), "note"]]),
        "a column has no name but holds values (row 3); name it or delete it",
    ),
    "conflicting rows": (
        csv_bytes([HEADER, good(5), good(6), ["2026-01-05", "Instagram", "followers", "130"]]),
        "row 4 has 130 but row 2 has 120",
    ),
    "a workbook whose header is on row 3": (
        xlsx_bytes([HEADER, good(5), [*good(6)[:3], "lots"]], first_row=3),
        "text 'lots' in numeric column value at row 5",
    ),
    "events: a missing member on row 3": (
        csv_bytes(
            [
                ["ts", "platform", "member_id", "kind", "by_brand"],
                ["2026-01-05 09:00", "forum", "m1", "comment", "false"],
                ["2026-01-05 10:00", "forum", "", "comment", "false"],
            ]
        ),
        "missing member_id at row 3",
    ),
    "events: a platform named 'at row 1' is not renumbered": (
        csv_bytes(
            [
                ["ts", "platform", "member_id", "kind", "by_brand"],
                ["2026-01-05 09:00", "forum", "m1", "comment", "false"],
                ["2026-01-05 10:00", "at row 1\u200b", "m2", "comment", "false"],
            ]
        ),
        "platform 'at_row_1\\u200b' at row 3 contains the invisible character U+200B",
    ),
}


@pytest.mark.parametrize("case", list(ROW_NAMES))
def test_a_refusal_names_the_row_as_a_spreadsheet_counts_it(tmp_path: Path, case: str) -> None:
    content, problem = ROW_NAMES[case]
    name = "export.xlsx" if content.startswith(b"PK") else "export.csv"
    refused(tmp_path, content, name, problem)


def test_a_workbook_with_nothing_on_its_sheet_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, xlsx_bytes([[None]]), "export.xlsx", "sheet 'Sheet1' is empty")


def test_a_csv_or_xlsx_file_with_only_a_header_has_no_rows(tmp_path: Path) -> None:
    refused(tmp_path, csv_bytes([HEADER]), "export.csv", "the file has no rows")
    refused(tmp_path, xlsx_bytes([HEADER, [None] * 4]), "export.xlsx", "the file has no rows")


# --- dates in a stated format --------------------------------------------------------------

STATED = {
    "DD/MM/YYYY": "%d/%m/%Y",
    "dd.mm.yyyy": "%d.%m.%Y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD/MM/YY": "%d/%m/%y",
    "YYYY-MM-DD HH:MM": "%Y-%m-%d %H:%M",
    "DD.MM.YYYY HH:MM:SS": "%d.%m.%Y %H:%M:%S",
    "%d %m %Y": "%d %m %Y",
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("stated", list(STATED))
def test_dates_in_the_format_their_header_states_read_as_iso_dates(
    tmp_path: Path, stated: str, fmt: str
) -> None:
    rows = [[f"date ({stated})", *LONG_ROWS[0][1:]]]
    rows += [[r[0].strftime(STATED[stated]), *r[1:]] for r in LONG_ROWS[1:]]
    content = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    same_weekly(
        read(tmp_path, content, f"stated.{fmt}"), read(tmp_path, parquet_bytes(LONG), "p.parquet")
    )


def test_event_times_in_a_stated_format_read_as_iso_times(tmp_path: Path) -> None:
    rows = table_rows(EVENTS)
    rows[0][0] = "TS (DD/MM/YYYY HH:MM:SS)"
    rows[1:] = [[r[0].strftime("%d/%m/%Y %H:%M:%S"), *r[1:]] for r in rows[1:]]
    parquet = read(tmp_path, parquet_bytes(EVENTS), "e.parquet")
    same_weekly(read(tmp_path, csv_bytes(rows), "e.csv"), parquet)


def test_a_date_not_in_the_stated_format_is_refused_by_row(tmp_path: Path) -> None:
    rows = [["Date (DD/MM/YYYY)", "platform", "followers"], ["05/01/2026", "x", 1]]
    rows += [["2026-01-06", "x", 2]]
    refused(
        tmp_path,
        csv_bytes(rows),
        "export.csv",
        "column date at row 3 holds '2026-01-06', which is not a date in the stated format "
        "DD/MM/YYYY",
    )


@pytest.mark.parametrize("stated", ["the 5th", "MM/YYYY", "DD/MM/YYYY AM", ""])
def test_a_date_format_this_cannot_read_is_refused_with_how_to_write_one(
    tmp_path: Path, stated: str
) -> None:
    content = csv_bytes([[f"date ({stated})", "platform", "followers"], ["05/01/2026", "x", 1]])
    refused(
        tmp_path,
        content,
        "export.csv",
        f"column 'date ({stated})' states the date format {stated!r}, which is not one this "
        "reads; write it with DD, MM and YYYY",
    )


# --- formula cells ------------------------------------------------------------------------

FORMULA_CELLS = {
    "a formula with its cached result": (Formula("120+1", 121.0), 3, "D3 holds a formula (=120+1)"),
    "a formula saved without a result": (
        Formula("SUM(D2:D2)"),
        3,
        "D3 holds a formula (=SUM(D2:D2))",
    ),
    "a formula giving text": (
        Formula('"insta"&"gram"', "instagram"),
        1,
        'B3 holds a formula (="insta"&"gram")',
    ),
}
"""Case -> (the cell, which column of the second data row it replaces, what is said of it)."""


@pytest.mark.parametrize("case", list(FORMULA_CELLS))
def test_a_formula_cell_is_refused_naming_its_sheet_and_cell_and_nothing_is_stored(
    empty_ws: Workspace, tmp_path: Path, case: str
) -> None:
    formula, column, said = FORMULA_CELLS[case]
    second = good(6)
    second[column] = formula
    path = written(tmp_path, xlsx_bytes({"Metrics": [HEADER, good(5), second]}), "export.xlsx")
    before = workspace_state(empty_ws)
    with pytest.raises(ImportRejected) as info:
        empty_ws.import_file(EDITOR, path, today=TODAY)
    assert str(info.value) == (
        f"export.xlsx: sheet 'Metrics' cell {said}, and formulas are not imported; replace "
        "the formulas with their values (e.g. Copy, then Paste Special > Values) and upload "
        "again"
    )
    assert workspace_state(empty_ws) == before


def test_a_formula_cell_is_named_as_the_spreadsheet_counts_rows(tmp_path: Path) -> None:
    rows = [HEADER, good(5), [*good(6)[:3], Formula("1+1", 2.0)]]
    refused(tmp_path, xlsx_bytes(rows, first_row=4), "export.xlsx", "sheet 'Sheet1' cell D6 ")


def test_a_formula_on_a_sheet_that_is_not_read_does_not_matter(tmp_path: Path) -> None:
    notes = [["total"], [Formula("SUM(Metrics!D2:D52)", 5400.0)]]
    content = xlsx_bytes({"Read me": notes, "Metrics": LONG_ROWS})
    same_weekly(
        read(tmp_path, content, "export.xlsx"), read(tmp_path, parquet_bytes(LONG), "p.parquet")
    )


# --- the kind of file, damage and the size limit --------------------------------------------


KINDS = {
    "parquet named .csv": ("export.csv", parquet_bytes(LONG), "this is a parquet file, not CSV"),
    "workbook named .csv": ("export.csv", as_format(LONG, "xlsx"), "an Excel workbook, not CSV"),
    "CSV named .xlsx": ("export.xlsx", as_format(LONG, "csv"), "not an xlsx file"),
    "truncated workbook": (
        "export.xlsx",
        as_format(LONG, "xlsx")[:-200],
        "the xlsx file is damaged or truncated; save it again from Excel",
    ),
    "Excel 97-2003 workbook": (
        "export.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "an Excel 97-2003 (.xls) or password-protected workbook; name an Excel 97-2003 "
        "workbook .xls, or save it as an Excel workbook (.xlsx) without a password",
    ),
    "a zip that is not a workbook": (
        "export.xlsx",
        b"PK\x05\x06" + bytes(18),
        "not an xlsx file",
    ),
    "an unterminated quote": (
        "export.csv",
        b'date,platform,metric,value\n2026-01-05,"ig,followers,1\n',
        "row 2 has 2 values but the header has 4 columns; check the commas and the quotes",
    ),
}


@pytest.mark.parametrize("case", list(KINDS))
def test_a_file_that_is_not_what_its_name_says_or_is_damaged_is_refused(
    tmp_path: Path, case: str
) -> None:
    name, content, problem = KINDS[case]
    refused(tmp_path, content, name, problem)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_without_an_ending_is_read_by_the_name_it_is_given(tmp_path: Path, fmt: str) -> None:
    imported = read_metrics(
        written(tmp_path, as_format(LONG, fmt), "upload"), name=f"march.{fmt}", today=TODAY
    )
    assert imported.name == f"march.{fmt}" and imported.layout == "long"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_size_limit_holds_for_spreadsheets_and_nothing_is_stored(
    empty_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv(MAX_IMPORT_ENV, "0.001")  # 1,048 bytes
    path = written(tmp_path, as_format(LONG, fmt), f"big.{fmt}")
    before = workspace_state(empty_ws)
    with pytest.raises(ImportRejected, match=rf"^big\.{fmt}: the file is .* more than the 1,048"):
        empty_ws.import_file(EDITOR, path, today=TODAY)
    assert workspace_state(empty_ws) == before


def test_a_refusal_of_the_events_reader_is_renumbered_outside_quoted_text() -> None:
    message = "e.csv: column by_brand at row 3 holds 'at row 9'; expected true or false"
    assert sheet.renumber_rows(message, "e.csv", 1) == (
        "e.csv: column by_brand at row 4 holds 'at row 9'; expected true or false"
    )
    quoted = "o'brien.csv: platform \"it's at row 1\" at row 2 contains the invisible character"
    assert sheet.renumber_rows(quoted, "o'brien.csv", 1) == quoted.replace("at row 2", "at row 3")


# --- the files platforms export: xls, rows above the header, UTF-16, 15,000, named dates -----
# Shapes from published exports (issue 17): LinkedIn Page .xls files, Meta Business Suite
# page series, TikTok Studio Overview, X account overview, YouTube Studio Totals, a Reddit
# traffic table. None names its platform, so the importable variants add a platform column;
# the files as downloaded are refused for that alone, with the rows skipped named.


def weekly_sums(days_: list[dt.date], values: list[float], platform: str, metric: str) -> Any:
    """The weekly table pandas makes of one summed daily metric (the test's own oracle)."""
    frame = pd.DataFrame({"day": pd.to_datetime(days_), "value": values})
    frame["week"] = frame["day"] - pd.to_timedelta(frame["day"].dt.day_of_week, unit="D")
    weekly = frame.groupby("week", as_index=False)["value"].sum()
    return weekly.assign(platform=platform, metric=metric)[["week", "platform", "metric", "value"]]


def assert_weekly(imported: ImportedFile, expected: pd.DataFrame) -> None:
    got = imported.weekly[["week", "platform", "metric", "value"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        got, expected.reset_index(drop=True), check_dtype=False, check_exact=True
    )


AUGUST = days(D(2025, 8, 1), 14)
FOLLOWS = [3.0, 0, 5, 2, 1, 0, 4, 7, 2, 0, 1, 3, 2, 6]


def meta_series(*, platform: bool, sep: bool = True, encoding: str = "utf-16") -> bytes:
    """A Meta Business Suite page series: sep=, then the title, then "Date","Primary"."""
    header = '"Date","Primary"' + (',"platform"' if platform else "")
    lines = (["sep=,"] if sep else []) + ['"Facebook follows"', header]
    for day, value in zip(AUGUST, FOLLOWS, strict=True):
        cells = [f'"{day.isoformat()}T00:00:00"', f'"{value:g}"']
        lines.append(",".join(cells + (['"facebook"'] if platform else [])))
    text = "\r\n".join(lines) + "\r\n"
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    return text.encode(encoding)  # "utf-16" writes a byte-order mark (little-endian here)


META_VARIANTS = {
    "UTF-16 LE with a byte-order mark, sep=, and the title": meta_series(platform=True),
    "UTF-16 BE with a byte-order mark": b"\xfe\xff"
    + meta_series(platform=True).decode("utf-16").encode("utf-16-be"),
    "re-saved in Excel: UTF-8 with a byte-order mark, the sep= line lost": meta_series(
        platform=True, sep=False, encoding="utf-8-sig"
    ),
}


@pytest.mark.parametrize("variant", list(META_VARIANTS))
def test_a_meta_business_suite_series_is_read_below_its_title_and_says_which_rows_it_skipped(
    tmp_path: Path, variant: str
) -> None:
    imported = read(tmp_path, META_VARIANTS[variant], "Facebook follows.csv")
    assert_weekly(imported, weekly_sums(AUGUST, FOLLOWS, "facebook", "primary"))
    sep = "sep=" not in variant or "lost" not in variant
    if "lost" in variant:
        assert imported.notes == (
            "the header is row 2; row 1 ('Facebook follows') above it was skipped",
        )
    else:
        assert sep and imported.notes == (
            "the header is row 3; rows 1 ('sep=,'), 2 ('Facebook follows') above it were skipped",
        )


def test_a_meta_series_as_downloaded_is_recognised_its_title_naming_platform_and_metric(
    empty_ws: Workspace, tmp_path: Path
) -> None:
    path = written(tmp_path, meta_series(platform=False), "Facebook follows.csv")
    upload = empty_ws.import_file(EDITOR, path, today=TODAY)
    assert (upload.layout, upload.platforms) == (
        "Meta Business Suite chart (one metric)",
        ("facebook",),
    )
    stored = empty_ws.snapshot().weekly
    assert set(stored["metric"]) == {"followers_gained"}
    assert stored["value"].sum() == sum(FOLLOWS)


def with_preamble(rows: list[list[Any]]) -> list[list[Any]]:
    return [["Report period:", "2025-08-01 - 2025-08-14"], [], *rows]


ROWS_BELOW = [["Date", "platform", "Likes"], *[[d.isoformat(), "x", 2] for d in AUGUST]]
PREAMBLES = {
    "a description row above the header": [
        ["Aggregated metrics for your Page, including organic and sponsored, by day."],
        *ROWS_BELOW,
    ],
    "a row of two cells and a blank row above the header": with_preamble(ROWS_BELOW),
    "sep=; then semicolons": [["sep=;"], *ROWS_BELOW],
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "xls"])
@pytest.mark.parametrize("case", list(PREAMBLES))
def test_rows_above_the_header_are_skipped_and_named_as_a_spreadsheet_counts_them(
    tmp_path: Path, case: str, fmt: str
) -> None:
    rows = PREAMBLES[case]
    if fmt == "csv" and case.startswith("sep=;"):
        content = b"sep=;\n" + csv_bytes(rows[1:], delimiter=";")
    elif fmt == "csv":
        content = csv_bytes(rows)
    else:
        content = xlsx_bytes({"Metrics": rows}) if fmt == "xlsx" else xls_bytes({"Metrics": rows})
    imported = read(tmp_path, content, f"page.{fmt}")
    assert_weekly(imported, weekly_sums(AUGUST, [2.0] * 14, "x", "likes"))
    header = len(rows) - len(ROWS_BELOW) + 1
    assert imported.notes[0].startswith(f"the header is row {header}; row")
    assert "row 1 (" in imported.notes[0] or "rows 1 (" in imported.notes[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "xls"])
def test_a_refusal_below_skipped_rows_names_the_row_as_a_spreadsheet_counts_it(
    tmp_path: Path, fmt: str
) -> None:
    rows = with_preamble([list(r) for r in ROWS_BELOW])
    rows[5][2] = "lots"  # the third data row: the header is row 3, so row 6
    content = {"csv": csv_bytes, "xlsx": xlsx_bytes, "xls": xls_bytes}[fmt](rows)
    refused(tmp_path, content, f"page.{fmt}", "text 'lots' in numeric column Likes at row 6")


def test_a_csv_row_with_too_many_values_below_skipped_rows_is_named_by_its_row(
    tmp_path: Path,
) -> None:
    rows = with_preamble([list(r) for r in ROWS_BELOW])
    rows[4].append("extra")
    refused(tmp_path, csv_bytes(rows), "page.csv", "row 5 has 4 values but the header has 3")


# --- .xls: Excel 97-2003 workbooks ----------------------------------------------------------

LINKEDIN_METRICS = [
    ["Aggregated metrics for the updates posted by your Page, by day (UTC)."],
    [
        "Date",
        "Impressions (organic)",
        "Impressions (sponsored)",
        "Impressions (total)",
        "Clicks (total)",
        "Reactions (total)",
    ],
    *[[f"{d:%m/%d/%Y}", 100 + n, 0, 100 + n, n % 4, 3] for n, d in enumerate(AUGUST)],
]
ALL_POSTS = [
    ["Update title", "Update link", "Posted by", "Created date"],
    ["Hello", "https://x", "a", "08/01/2025"],
]


def linkedin_updates(*, platform: bool) -> bytes:
    """A LinkedIn Page updates export (.xls): a Metrics sheet with a description row above
    the header, dates MM/DD/YYYY as text, and an All posts sheet."""
    rows = [list(r) for r in LINKEDIN_METRICS]
    if platform:
        rows[1][0] = "Date (MM/DD/YYYY)"
        for row in rows[1:]:
            row.append("platform" if row is rows[1] else "linkedin")
    return xls_bytes({"Metrics": rows, "All posts": ALL_POSTS})


def test_a_linkedin_xls_export_is_read_from_its_metrics_sheet_below_the_description(
    empty_ws: Workspace, tmp_path: Path
) -> None:
    content = linkedin_updates(platform=True)
    path = written(tmp_path, content, "linkedin_updates.xls")
    upload = empty_ws.import_file(EDITOR, path, today=TODAY)
    assert empty_ws.stored_bytes(upload) == content
    assert upload.notes == (
        "the header is row 2; row 1 ('Aggregated metrics for the updates poste…') above it "
        "was skipped",
    )
    imported = read(tmp_path, content, "linkedin_updates.xls")
    clicks = imported.weekly[imported.weekly["metric"] == "clicks_(total)"]
    expected = weekly_sums(AUGUST, [float(n % 4) for n in range(14)], "linkedin", "clicks_(total)")
    assert_weekly(replace_weekly(imported, clicks), expected)


def replace_weekly(imported: ImportedFile, weekly: pd.DataFrame) -> ImportedFile:
    return dataclasses.replace(imported, weekly=weekly)


def test_the_same_table_as_xls_gives_the_parquet_files_weekly_table(tmp_path: Path) -> None:
    rows = [[str(c) if i == 0 else c for i, c in enumerate(r)] for r in LONG_ROWS]
    same_weekly(
        read(tmp_path, xls_bytes({"metrics": rows, "notes": [["x"]]}), "long.xls"),
        read(tmp_path, parquet_bytes(LONG), "long.parquet"),
    )


def test_a_small_xls_file_whose_workbook_is_in_the_mini_stream_is_read(tmp_path: Path) -> None:
    rows = [HEADER, good(5), good(6)]
    imported = read(tmp_path, xls_bytes({"Metrics": rows}, mini=True), "small.xls")
    assert imported.rows == 2 and imported.metrics == ("followers",)


def test_an_xls_file_without_an_ending_is_read_by_its_content(tmp_path: Path) -> None:
    rows = [[str(c) if i == 0 else c for i, c in enumerate(r)] for r in LONG_ROWS]
    imported = read_metrics(written(tmp_path, xls_bytes(rows), "upload"), today=TODAY)
    assert imported.layout == "long" and imported.rows == 51


XLS_REFUSED = {
    "a truncated xls file": (
        linkedin_updates(platform=True)[:700],
        "the xls file is damaged or truncated and cannot be read; open it in Excel and save "
        "it again",
    ),
    "an xlsx workbook named .xls": (
        as_format(LONG, "xlsx"),
        "this is an Excel workbook (.xlsx), not .xls; name it .xlsx",
    ),
    "CSV text named .xls": (as_format(LONG, "csv"), "not an xls file (an Excel 97-2003 workbook)"),
    "a LinkedIn export as downloaded: MM/DD/YYYY dates and no platform": (
        linkedin_updates(platform=False),
        "no 'platform' column (the header is row 2; row 1",
    ),
}


@pytest.mark.parametrize("case", list(XLS_REFUSED))
def test_a_damaged_or_misnamed_xls_file_is_refused_by_name_and_nothing_is_stored(
    empty_ws: Workspace, tmp_path: Path, case: str
) -> None:
    content, problem = XLS_REFUSED[case]
    path = written(tmp_path, content, "export.xls")
    before = workspace_state(empty_ws)
    with pytest.raises(ImportRejected) as info:
        empty_ws.import_file(EDITOR, path, today=TODAY)
    assert str(info.value).startswith("export.xls: ") and problem in str(info.value)
    assert workspace_state(empty_ws) == before


def test_an_xls_file_that_makes_the_reader_panic_or_abort_is_refused_and_the_app_lives_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """calamine's .xls reader panics on some damaged files (this cut ends inside the
    directory) and aborts its process on others (an allocation of hundreds of GB): it
    reads in a process of its own, whose end is a refusal of the file."""
    content = xls_bytes([["date", "platform", "metric", "value"]])[:518]
    refused(tmp_path, content, "cut.xls", "the xls file is damaged or truncated")
    monkeypatch.setattr(xls, "_XLS_CHILD", "import os; os.abort()")
    refused(tmp_path, linkedin_updates(platform=True), "abort.xls", "the xls file is damaged")


@pytest.mark.parametrize("mini", [False, True], ids=["in sectors", "in the mini stream"])
def test_a_formula_cell_of_an_xls_sheet_is_refused_naming_its_cell_and_nothing_is_stored(
    empty_ws: Workspace, tmp_path: Path, mini: bool
) -> None:
    rows = [HEADER, good(5), [*good(6)[:3], XlsFormula(121.0)]]
    content = xls_bytes({"Notes": [["x"]], "Metrics": rows}, mini=mini)
    assert read_calamine_values(tmp_path, content)[-1][-1] == 121.0  # calamine: the result only
    path = written(tmp_path, content, "export.xls")
    before = workspace_state(empty_ws)
    with pytest.raises(ImportRejected) as info:
        empty_ws.import_file(EDITOR, path, today=TODAY)
    assert str(info.value) == (
        "export.xls: sheet 'Metrics' cell D3 holds a formula, and formulas are not imported; "
        "replace the formulas with their values (e.g. Copy, then Paste Special > Values) and "
        "upload again"
    )
    assert workspace_state(empty_ws) == before


def test_a_formula_on_an_xls_sheet_that_is_not_read_does_not_matter(tmp_path: Path) -> None:
    rows = [[str(c) if i == 0 else c for i, c in enumerate(r)] for r in LONG_ROWS]
    content = xls_bytes({"Read me": [["total"], [XlsFormula(5400.0)]], "Metrics": rows})
    same_weekly(
        read(tmp_path, content, "export.xls"), read(tmp_path, parquet_bytes(LONG), "p.parquet")
    )


def read_calamine_values(tmp_path: Path, content: bytes) -> list[list[Any]]:
    import python_calamine

    path = written(tmp_path, content, "values.xls")
    return list(
        python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_name("Metrics").iter_rows()
    )


# --- numbers with thousands separators ------------------------------------------------------

THOUSANDS_CASES = {
    'quoted "15,000" and "1,573" in a comma-separated file': (
        b'Date,platform,Views\n2025-08-04,reddit,"15,000"\n2025-08-05,reddit,"1,573"\n'
        b"2025-08-06,reddit,12.5\n",
        [15000.0 + 1573 + 12.5],
    ),
    "a negative and a decimal part": (
        b'Date,platform,Views\n2025-08-04,reddit,"1,234.5"\n2025-08-05,reddit,"2,000,000"\n',
        [2_001_234.5],
    ),
}


@pytest.mark.parametrize("case", list(THOUSANDS_CASES))
def test_thousands_separators_in_a_comma_separated_file_are_read_as_numbers(
    tmp_path: Path, case: str
) -> None:
    content, weekly = THOUSANDS_CASES[case]
    imported = read(tmp_path, content, "traffic.csv")
    assert imported.weekly["value"].tolist() == weekly


AMBIGUOUS_NUMBERS = {
    "1,5 may be a decimal comma": (
        b'Date,platform,Views\n2025-08-04,reddit,"15,000"\n2025-08-05,reddit,"1,5"\n',
        "text '15,000' in numeric column Views at row 2",
    ),
    "a comma in a semicolon-separated file may be a decimal comma": (
        b"Date;platform;Views\n2025-08-04;reddit;1,573\n",
        "text '1,573' in numeric column Views at row 2",
    ),
    "groups that are not of three digits": (
        b'Date,platform,Views\n2025-08-04,reddit,"15,00"\n',
        "text '15,00' in numeric column Views at row 2",
    ),
}


@pytest.mark.parametrize("case", list(AMBIGUOUS_NUMBERS))
def test_a_number_whose_comma_is_ambiguous_is_not_guessed_but_refused_by_column_and_row(
    tmp_path: Path, case: str
) -> None:
    content, problem = AMBIGUOUS_NUMBERS[case]
    refused(tmp_path, content, "traffic.csv", problem)


# --- dates with names, without a year, and refusals that say how to state a format ----------

NAMED_DATES = {
    "X: Thu, Sep 11, 2025": ("DDD, MMM D, YYYY", "{d:%a}, {d:%b} {d.day}, {d.year}", None),
    "Reddit: 6/30/17": ("M/D/YY", "{d.month}/{d.day}/{d:%y}", None),
    "YouTube: 1/14/2022": ("M/D/YYYY", "{d.month}/{d.day}/{d.year}", None),
    "TikTok: August 31, with the year given": ("MMMM D", "{d:%B} {d.day}", 2025),
    "a weekday's and a month's full names": (
        "dddd D MMMM YYYY",
        "{d:%A} {d.day} {d:%B} {d.year}",
        None,
    ),
}


@pytest.mark.parametrize("case", list(NAMED_DATES))
def test_dates_with_weekday_and_month_names_read_in_the_format_the_header_states(
    tmp_path: Path, case: str
) -> None:
    stated, shape, year = NAMED_DATES[case]
    rows = [[f"Date ({stated})", "platform", "Views"]]
    rows += [[shape.format(d=d), "x", n] for n, d in enumerate(AUGUST)]
    imported = read(tmp_path, csv_bytes(rows), "overview.csv", year=year)
    assert_weekly(imported, weekly_sums(AUGUST, [float(n) for n in range(14)], "x", "views"))


def test_meta_iso_times_need_no_stated_format(tmp_path: Path) -> None:
    rows = [["Date", "platform", "Views"], *[[f"{d}T00:00:00", "x", 1] for d in AUGUST]]
    assert_weekly(
        read(tmp_path, csv_bytes(rows), "m.csv"), weekly_sums(AUGUST, [1.0] * 14, "x", "views")
    )


DATE_ADVICE = {
    "6/30/17": "column date at row 2 holds '6/30/17', which is not a date; write ISO dates "
    "(2026-03-02), or state the format in the header, e.g. 'date (M/D/YY)'",
    "1/2/2022": "holds '1/2/2022', which is not a date; state its format in the header, "
    "'date (M/D/YYYY)' or 'date (D/M/YYYY)', whichever the file uses",
    "Thu, Sep 11, 2025": "e.g. 'date (DDD, MMM D, YYYY)'",
    "August 31": "holds 'August 31', which is not a date; the date has no year; put the year "
    "in the dates and state the format in the header, e.g. 'date (MMMM D, YYYY)'",
    "someday": "e.g. 'date (DD/MM/YYYY)' (DD or D the day, MM or M the month",
}


@pytest.mark.parametrize("value", list(DATE_ADVICE))
def test_a_date_refusal_says_how_to_state_the_format_in_the_header(
    tmp_path: Path, value: str
) -> None:
    content = csv_bytes([["Date", "platform", "Views"], [value, "x", 1]])
    refused(tmp_path, content, "dates.csv", DATE_ADVICE[value])


def test_a_format_without_a_year_is_refused_when_no_year_is_given(
    empty_ws: Workspace, tmp_path: Path
) -> None:
    rows = [["Date (MMMM D)", "platform", "Views"], ["August 31", "tiktok", 5]]
    path = written(tmp_path, csv_bytes(rows), "Overview.csv")
    before = workspace_state(empty_ws)
    with pytest.raises(ImportRejected) as info:
        empty_ws.import_file(EDITOR, path, today=TODAY)
    assert str(info.value) == (
        "Overview.csv: column 'Date (MMMM D)' states the date format 'MMMM D', which has no "
        "year, so the dates cannot be placed in time; put the year in the dates and in the "
        "format (e.g. 'MMMM D, YYYY')"
    )
    assert workspace_state(empty_ws) == before


# --- speed ----------------------------------------------------------------------------------


def test_a_five_year_daily_export_is_read_well_under_a_second(tmp_path: Path) -> None:
    five_years = days(D(2021, 1, 1), 1826)
    rows = [["Date (DDD, MMM D, YYYY)", "platform", "Impressions", "Likes", "New follows"]]
    rows += [
        [f"{d:%a}, {d:%b} {d.day}, {d.year}", "x", f"{10_000 + n:,}", n % 50, n % 7]
        for n, d in enumerate(five_years)
    ]
    content = meta_preamble_utf16(csv_bytes(rows))
    path = written(tmp_path, content, "account_overview.csv")
    read_metrics(path, today=TODAY)  # warm: imports, the first strptime
    started = time.perf_counter()
    imported = read_metrics(path, today=TODAY)
    elapsed = time.perf_counter() - started
    assert imported.rows == 1826 and imported.notes
    assert elapsed < 1.0, elapsed


def meta_preamble_utf16(content: bytes) -> bytes:
    """The worst case: UTF-16 with sep= and a title line above the header."""
    return ('sep=,\n"Account overview"\n' + content.decode()).encode("utf-16")


def test_import_on_the_command_line_says_the_rows_skipped_above_the_header(
    new_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = written(tmp_path, meta_series(platform=True), "Facebook follows.csv")
    main(["init", new_location])
    capsys.readouterr()
    code, out, _ = cli(capsys, "import", new_location, str(path), "--new-metrics")
    assert code == 0, out
    assert out.startswith("imported Facebook follows.csv as upload #1: wide, 14 rows, facebook")
    assert out.endswith(
        "; the header is row 3; rows 1 ('sep=,'), 2 ('Facebook follows') above it were skipped"
    )
