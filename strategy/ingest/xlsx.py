"""Excel workbooks: the sheet to read, where its header is, what type each column is, and its
rows as arrow batches (``python-calamine``)."""

from __future__ import annotations

import datetime as dt
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import python_calamine as calamine

from strategy.domain.errors import ImportRejected, shortened
from strategy.domain.metrics import normalise_name
from strategy.ingest.dates import DateFormat
from strategy.ingest.file_kinds import OLE_MAGIC, PARQUET_MAGIC, ZIP_MAGIC, FileKind
from strategy.ingest.headers import HEADER_SEARCH_ROWS, column_names, named_columns, pick_header
from strategy.ingest.sheet import Spreadsheet
from strategy.ingest.xls import open_xls, xls_formula
from strategy.ingest.xlsx_formulas import formula_refusal, refuse_formulas

SHEET_NAME: Final[str] = "metrics"
"""In a workbook of several sheets, the one so named (case and spaces ignored) is read."""


BATCH_ROWS: Final[int] = 65_536
"""xlsx rows converted at a time."""


def open_workbook(path: Path, label: str, kind: str = "xlsx") -> Any:
    """The calamine workbook of an .xlsx file; for .xls, the sheets read in a child process."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if kind == FileKind.XLS:
        return open_xls(path, label, head)
    if head == OLE_MAGIC:
        raise ImportRejected(
            f"{label}: this is an Excel 97-2003 (.xls) or password-protected workbook; name "
            "an Excel 97-2003 workbook .xls, or save it as an Excel workbook (.xlsx) without "
            "a password"
        )
    if head == PARQUET_MAGIC:
        raise ImportRejected(f"{label}: this is a parquet file, not xlsx; name it .parquet")
    if head != ZIP_MAGIC:
        raise ImportRejected(f"{label}: not an xlsx file (an Excel workbook)")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        raise ImportRejected(
            f"{label}: the xlsx file is damaged or truncated; save it again from Excel"
        ) from None
    if "xl/workbook.xml" not in parts:
        raise ImportRejected(f"{label}: not an xlsx file (the archive holds no Excel workbook)")
    try:
        return calamine.CalamineWorkbook.from_path(path)
    except (calamine.CalamineError, OSError, ValueError):
        raise ImportRejected(
            f"{label}: the xlsx file is damaged and cannot be read; save it again from Excel"
        ) from None


def workbook_sheets(
    path: Path, label: str, kind: str, *, limit: int | None = None, only: str | None = None
) -> Iterator[tuple[str, list[list[Any]]]]:
    """Each sheet of a workbook (or the one named ``only``), by name, with its first
    ``limit`` rows (all: None) as cells: what recognising a platform's export reads (an
    .xls through the child process, as every .xls is read)."""
    workbook = open_workbook(path, label, kind)
    try:
        for meta in workbook.sheets_metadata:
            if only is None or meta.name == only:
                rows = workbook.get_sheet_by_name(meta.name).iter_rows()
                yield meta.name, [list(row) for row in itertools.islice(rows, limit)]
    finally:
        workbook.close()


def open_sheet(
    workbook: Any,
    path: Path,
    label: str,
    kind: str = "xlsx",
    year: int | None = None,
) -> Spreadsheet:
    """The sheet to read (``_pick_sheet``), its header found below any title rows and each
    column's type decided over the whole sheet; a formula cell is refused."""
    name = _pick_sheet(workbook, label)
    sheet = _formula_free_sheet(workbook, path, label, kind, name)
    leading = _leading_rows(sheet, label, name)
    header_at = pick_header(
        [[t for c in cells if (t := _header_text(c).strip())] for cells in leading]
    )
    header = leading[header_at]
    kinds, total = _column_kinds(sheet, header_at, len(header))
    # iter_rows starts at A1's row (or, should a version start at the data, there): the
    # sheet's last row tells which, so rows are numbered as the spreadsheet shows them
    origin = max(0, sheet.end[0] + 1 - total) if sheet.end is not None else 0
    names = [_header_text(c) for c in header]
    columns, formats = column_names(named_columns(names, [bool(k) for k in kinds]), label, year)
    texts = [" ".join(t for c in cells if (t := _header_text(c).strip())) for cells in leading]
    skipped = [(origin + n + 1, shortened(text, 40)) for n, text in enumerate(texts[:header_at])]
    types = [_column_type(k) for k in kinds]
    stated = [formats.get(c) for c in columns]
    stated += [None] * (len(names) - len(stated))
    return Spreadsheet(
        label=label,
        columns=columns,
        first_row=origin + header_at + 2,
        data_bytes=_sheet_bytes(path) if kind == FileKind.XLSX else path.stat().st_size,
        source=SheetSource(sheet, header_at, types, stated),
        formats=formats,
        width=len(names),
        skipped=[(n, text) for n, text in skipped if text],
    )


def _formula_free_sheet(workbook: Any, path: Path, label: str, kind: str, name: str) -> Any:
    """The named calamine sheet, once its file says it holds no formula cell."""
    if kind == FileKind.XLSX:
        refuse_formulas(path, name, label)
    elif (cell := xls_formula(path, name)) is not None:
        raise formula_refusal(label, name, cell)
    try:
        return workbook.get_sheet_by_name(name)
    except (calamine.CalamineError, OSError, ValueError):
        raise ImportRejected(
            f"{label}: sheet {name!r} is damaged and cannot be read; save it again from Excel"
        ) from None


def _leading_rows(sheet: Any, label: str, name: str) -> list[list[Any]]:
    """The sheet's first rows, up to ``HEADER_SEARCH_ROWS`` that hold something: where the
    header is looked for."""
    leading: list[list[Any]] = []
    filled = 0
    for cells in sheet.iter_rows():
        leading.append(list(cells))
        filled += any(c != "" for c in cells)
        if filled >= HEADER_SEARCH_ROWS:
            break
    if not filled:
        raise ImportRejected(f"{label}: sheet {name!r} is empty")
    return leading


def _column_kinds(sheet: Any, header_at: int, width: int) -> tuple[list[set[str]], int]:
    """The kinds of cell (``_cell_kind``) each column holds below the header, and how many
    rows the sheet gives."""
    kinds: list[set[str]] = [set() for _ in range(width)]
    total = 0
    for n, cells in enumerate(sheet.iter_rows()):
        total += 1
        if n <= header_at:
            continue
        for i, value in enumerate(cells[:width]):
            if value != "":
                kinds[i].add(_cell_kind(value))
    return kinds, total


@dataclass(frozen=True)
class SheetSource:
    """A calamine sheet's rows below its header, each column as its type, a batch at a time."""

    sheet: Any
    """The calamine sheet (``python_calamine.CalamineSheet``, or an .xls sheet read apart)."""
    header_at: int
    """The header's index among the rows ``iter_rows`` gives."""
    types: list[pa.DataType]
    """Each column's type, decided over the whole sheet."""
    formats: list[DateFormat | None]
    """Each column's stated date format, written out so in a text column."""

    def batches(self) -> Iterator[pa.RecordBatch]:
        """``BATCH_ROWS`` rows at a time, every column of the sheet."""
        width = len(self.types)
        names = [str(i) for i in range(width)]
        chunk: list[list[Any]] = [[] for _ in range(width)]
        for n, cells in enumerate(self.sheet.iter_rows()):
            if n <= self.header_at:
                continue
            for i in range(width):
                value = cells[i] if i < len(cells) else ""
                chunk[i].append(_cell_value(value, self.types[i], self.formats[i]))
            if len(chunk[0]) >= BATCH_ROWS:
                yield _xlsx_batch(chunk, self.types, names)
                chunk = [[] for _ in range(width)]
        if chunk and chunk[0]:
            yield _xlsx_batch(chunk, self.types, names)


def _pick_sheet(workbook: Any, label: str) -> str:
    """The sheet named "metrics", else the one visible worksheet, else a refusal."""
    worksheets = [m for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    named: list[str] = [m.name for m in worksheets if normalise_name(m.name) == SHEET_NAME]
    if len(named) == 1:
        return named[0]
    visible: list[str] = [
        m.name for m in worksheets if m.visible == calamine.SheetVisibleEnum.Visible
    ]
    if len(visible) == 1 and not named:
        return visible[0]
    if not worksheets:
        raise ImportRejected(f"{label}: the workbook has no worksheet")
    shown = ", ".join(repr(m.name) for m in worksheets[:10])
    more = f" and {len(worksheets) - 10} more" if len(worksheets) > 10 else ""
    if named:
        raise ImportRejected(
            f"{label}: the workbook has {len(named)} sheets named {SHEET_NAME!r} ({shown}); "
            "keep one"
        )
    raise ImportRejected(
        f"{label}: the workbook has {len(worksheets)} sheets ({shown}{more}) and none is "
        f"named {SHEET_NAME!r}, so which one to read is ambiguous; name the sheet with the "
        f"metrics {SHEET_NAME!r}, or remove the other sheets"
    )


def _sheet_bytes(path: Path) -> int:
    """The unpacked size of the workbook's sheets and shared text: what reading it takes."""
    with zipfile.ZipFile(path) as archive:
        return sum(
            info.file_size
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"
        )


def _header_text(cell: Any) -> str:
    """A header cell as text: a whole number without ``.0``, a date in ISO form."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell.isoformat() if isinstance(cell, dt.date) else str(cell)


def _cell_kind(value: Any) -> str:
    """What a cell holds: ``bool``, ``number``, ``date``, ``text`` or ``other``."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):  # datetime.datetime too
        return "date"
    return "text" if isinstance(value, str) else "other"


def _column_type(kinds: set[str]) -> pa.DataType:
    """A column's arrow type from the kinds of cell it holds: mixed kinds are text."""
    if not kinds:
        return pa.null()
    if len(kinds) > 1:
        return pa.string()
    return {
        "bool": pa.bool_(),
        "number": pa.float64(),
        "date": pa.timestamp("us"),
    }.get(next(iter(kinds)), pa.string())


def _cell_value(value: Any, to: pa.DataType, stated: DateFormat | None) -> Any:
    """A cell as the column's type holds it; in a text column, the cell written out."""
    if value == "" or pa.types.is_null(to):
        return None
    if pa.types.is_timestamp(to) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if not pa.types.is_string(to):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime(stated.code) if stated else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.strftime(stated.code) if stated else value.isoformat()
    return str(value)


def _xlsx_batch(
    chunk: list[list[Any]], types: list[pa.DataType], names: list[str]
) -> pa.RecordBatch:
    """One record batch of the chunk's columns, each of its decided type."""
    return pa.record_batch(
        [pa.array(values, to) for values, to in zip(chunk, types, strict=True)], names=names
    )
