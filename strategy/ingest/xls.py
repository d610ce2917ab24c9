"""Excel 97-2003 (.xls) workbooks: read in a child process (calamine's .xls reader can abort
its process on a damaged file), and their formula cells found in the BIFF records."""

from __future__ import annotations

import datetime as dt
import json
import struct
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import python_calamine as calamine

from strategy.domain.errors import ImportRejected
from strategy.ingest.file_kinds import OLE_MAGIC, PARQUET_MAGIC, ZIP_MAGIC
from strategy.ingest.xlsx_formulas import column_letters


def open_xls(path: Path, label: str, head: bytes) -> Any:
    """An Excel 97-2003 workbook (an OLE2 compound file holding BIFF records)."""
    if head == ZIP_MAGIC:
        raise ImportRejected(f"{label}: this is an Excel workbook (.xlsx), not .xls; name it .xlsx")
    if head == PARQUET_MAGIC:
        raise ImportRejected(f"{label}: this is a parquet file, not xls; name it .parquet")
    if head != OLE_MAGIC:
        raise ImportRejected(
            f"{label}: not an xls file (an Excel 97-2003 workbook); if it is text, name it .csv"
        )
    return _read_xls(path, label)


XLS_MEMORY_BYTES: Final[int] = 2 << 30
"""The address space the process reading an .xls file may take (2 GiB)."""


XLS_SECONDS: Final[float] = 120.0
"""How long reading an .xls file may take."""


_XLS_CHILD: Final[str] = r"""
import datetime, json, resource, sys
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import python_calamine as calamine

def cell(v):
    if isinstance(v, (bool, float, int, str)):
        return v
    if isinstance(v, datetime.datetime):
        return {"datetime": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"date": v.isoformat()}
    if isinstance(v, datetime.timedelta):
        return {"seconds": v.total_seconds()}
    if isinstance(v, datetime.time):
        return {"time": v.isoformat()}
    return str(v)

try:
    book = calamine.CalamineWorkbook.from_path(sys.argv[1])
    sheets = []
    for meta in book.sheets_metadata:
        entry = {"name": meta.name, "typ": str(meta.typ).rpartition(".")[2],
                 "visible": str(meta.visible).rpartition(".")[2], "rows": None, "end": None}
        if entry["typ"] == "WorkSheet":
            sheet = book.get_sheet_by_name(meta.name)
            entry["rows"] = [[cell(v) for v in row] for row in sheet.iter_rows()]
            entry["end"] = list(sheet.end) if sheet.end is not None else None
        sheets.append(entry)
    json.dump({"sheets": sheets}, sys.stdout)
except Exception as exc:
    json.dump({"error": str(exc)[:300]}, sys.stdout)
"""
"""Reads an .xls workbook with python-calamine and writes its sheets as JSON, in a process of
its own: calamine's .xls reader can panic or abort on a damaged file (an allocation of
hundreds of GB ends the process), which must not end the app's."""


def _xls_cell(value: Any) -> Any:
    """A cell as the child process wrote it (JSON), back to the value calamine gave."""
    if not isinstance(value, dict):
        return value
    if "datetime" in value:
        return dt.datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return dt.date.fromisoformat(value["date"])
    if "seconds" in value:
        return dt.timedelta(seconds=value["seconds"])
    return dt.time.fromisoformat(value["time"])


@dataclass(frozen=True)
class _XlsSheet:
    """An .xls sheet's cells, as a calamine sheet gives them (``iter_rows``, ``end``)."""

    name: str
    typ: Any
    visible: Any
    rows: list[list[Any]]
    end: tuple[int, int] | None

    def iter_rows(self) -> Iterator[list[Any]]:
        return iter(self.rows)


@dataclass(frozen=True)
class _XlsWorkbook:
    """An .xls workbook read by the child process: what ``strategy.ingest.xlsx`` and
    ``open_sheet`` ask of a calamine workbook."""

    sheets: list[_XlsSheet]

    @property
    def sheets_metadata(self) -> list[_XlsSheet]:
        return self.sheets

    def get_sheet_by_name(self, name: str) -> _XlsSheet:
        return next(s for s in self.sheets if s.name == name)

    def close(self) -> None:
        pass


def _read_xls(path: Path, label: str) -> _XlsWorkbook:
    """The workbook's sheets, read by ``_XLS_CHILD`` in a process of its own under memory
    and time limits; a damaged, encrypted or too slow file is refused."""
    damaged = ImportRejected(
        f"{label}: the xls file is damaged or truncated and cannot be read; open it in "
        "Excel and save it again (as .xlsx, Excel Workbook)"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _XLS_CHILD, str(path), str(XLS_MEMORY_BYTES)],
            capture_output=True,
            timeout=XLS_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ImportRejected(
            f"{label}: reading the xls file took over {XLS_SECONDS:.0f} s; save it as an "
            "Excel workbook (.xlsx) and upload that"
        ) from None
    try:
        found: dict[str, Any] = json.loads(done.stdout) if done.returncode == 0 else {"error": ""}
    except ValueError:
        raise damaged from None
    if "error" in found:
        error = str(found["error"]).lower()
        if "password" in error or "encrypt" in error:
            raise ImportRejected(
                f"{label}: the xls workbook is password-protected; save it without a password "
                "(or as .xlsx) and upload that"
            )
        raise damaged
    sheets: list[dict[str, Any]] = found["sheets"]
    return _XlsWorkbook(
        [
            _XlsSheet(
                name=entry["name"],
                typ=getattr(calamine.SheetTypeEnum, entry["typ"]),
                visible=getattr(calamine.SheetVisibleEnum, entry["visible"]),
                rows=[[_xls_cell(v) for v in row] for row in entry["rows"] or []],
                end=tuple(entry["end"]) if entry["end"] else None,
            )
            for entry in sheets
        ]
    )


_XLS_STREAMS: Final[tuple[str, ...]] = ("Workbook", "Book")


_NO_SECTOR: Final[int] = 0xFFFFFFFA  # and above: free, end of chain, FAT or DIFAT sectors


def xls_formula(path: Path, sheet: str) -> str | None:
    """The first cell (``B7``) of the named .xls sheet that holds a formula, or None.

    calamine gives a formula's last result, never the formula, so the file's records are
    read here: the OLE2 compound file's ``Workbook`` stream, its BOUNDSHEET8 records (where
    each sheet starts) and the sheet's FORMULA records. A file whose structure this does not
    follow (calamine read it, so it is not damaged) is taken as holding no formula.
    """
    try:
        stream = _cfb_stream(path.read_bytes(), _XLS_STREAMS)
        return None if stream is None else _biff_formula(stream, sheet)
    except (ValueError, IndexError, KeyError, struct.error, UnicodeDecodeError):
        return None


def _cfb_stream(data: bytes, names: Sequence[str]) -> bytes | None:
    """The first of the named streams of an OLE2 compound file (MS-CFB), or None."""
    if data[:8] != OLE_MAGIC + b"\xa1\xb1\x1a\xe1":
        return None
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if sector_shift not in (9, 12) or mini_shift != 6:
        return None
    size = 1 << sector_shift
    (fat_count, first_dir, _, cutoff, first_mini, mini_count, first_difat, difat_count) = (
        struct.unpack_from("<8I", data, 44)
    )

    def sector(i: int) -> bytes:
        if i >= _NO_SECTOR or (i + 1) * size >= len(data):
            raise ValueError("a sector out of the file")
        return data[(i + 1) * size : (i + 2) * size]

    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    at, seen = first_difat, 0
    while at < _NO_SECTOR and seen < difat_count:
        block = struct.unpack(f"<{size // 4}I", sector(at).ljust(size, b"\xff"))
        fat_sectors += block[:-1]
        at, seen = block[-1], seen + 1
    fat: list[int] = []
    for i in fat_sectors[:fat_count]:
        fat += struct.unpack(f"<{size // 4}I", sector(i).ljust(size, b"\xff"))

    def chain(start: int, table: Sequence[int]) -> list[int]:
        found: list[int] = []
        while start < _NO_SECTOR:
            if len(found) > len(table):
                raise ValueError("a chain that loops")
            found.append(start)
            start = table[start]
        return found

    directory = b"".join(sector(i) for i in chain(first_dir, fat))
    entries = [directory[n : n + 128] for n in range(0, len(directory) - 127, 128)]
    root_start, root_size = struct.unpack_from("<IQ", entries[0], 116)
    for entry in entries:
        length, kind = struct.unpack_from("<HB", entry, 64)
        name = entry[: max(0, min(length, 64) - 2)].decode("utf-16-le")
        if kind != 2 or name not in names:
            continue
        start, stream_size = struct.unpack_from("<IQ", entry, 116)
        stream_size &= 0xFFFFFFFF if sector_shift == 9 else (1 << 64) - 1
        if stream_size >= cutoff:
            return b"".join(sector(i) for i in chain(start, fat))[:stream_size]
        mini_fat: list[int] = []
        for i in chain(first_mini, fat)[:mini_count]:
            mini_fat += struct.unpack(f"<{size // 4}I", sector(i).ljust(size, b"\xff"))
        mini = b"".join(sector(i) for i in chain(root_start, fat))[:root_size]
        return b"".join(mini[i * 64 : (i + 1) * 64] for i in chain(start, mini_fat))[:stream_size]
    return None


def _biff_formula(stream: bytes, sheet: str) -> str | None:
    """The first FORMULA record's cell in the named sheet's BIFF8 substream, or None."""
    starts: dict[str, int] = {}
    at = 0
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4 : at + 4 + length]
        if kind == 0x0085:  # BOUNDSHEET8: where a sheet starts, and its name
            count, wide = body[6], body[7] & 1
            raw = body[8 : 8 + count * (2 if wide else 1)]
            starts[raw.decode("utf-16-le" if wide else "cp1252", errors="replace")] = (
                struct.unpack_from("<I", body)[0]
            )
        elif kind == 0x000A:  # EOF of the globals
            break
        at += 4 + length
    at = starts[sheet]
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        if kind == 0x0006:  # FORMULA: row, column, then the cached result and the formula
            row, column = struct.unpack_from("<HH", stream, at + 4)
            return f"{column_letters(column + 1)}{row + 1}"
        if kind == 0x000A:
            return None
        at += 4 + length
    return None
