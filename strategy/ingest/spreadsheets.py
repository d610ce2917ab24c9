"""CSV, xlsx and xls metric files, read into the arrow columns the parquet path reads.

``strategy.ingest.read`` validates every layout the same way whatever the file; this module only
turns a spreadsheet into columns, refusing what makes a spreadsheet ambiguous: text that is
not UTF-8 or UTF-16 with its byte-order mark, a delimiter that is not clear from the header
(or a ``sep=`` first line), a workbook whose sheet to read is not clear. The header is found
below title and description rows (``_pick_header``), and the rows skipped are said
(``Spreadsheet.notes``). Rows are named as a spreadsheet user counts them: the header is a
row too, so below a header on row 1 the first data row is row 2 (``Spreadsheet.first_row``).

Cells become arrow columns like this:

- CSV: every cell is read as text (``pyarrow.csv``, one block at a time, so no guess from
  the first rows can fail on a later row). A column that must hold numbers is cast to
  float64 when every non-blank cell is a number (``nan`` and ``inf`` included, for the
  checks to name them; in a comma-separated file ``15,000`` too, ``THOUSANDS``), else left
  as text for ``strategy.ingest.read`` to name the first bad cell. Dates stay ISO text, as in a
  parquet text column.
- xlsx and xls (``python-calamine``; an .xls file in a child process, ``_read_xls``): a
  column of number cells is float64, of date cells a timestamp, of TRUE/FALSE cells
  boolean, of text cells text; a column mixing kinds is text (numbers, dates and booleans
  written out), which the checks then read or refuse by row. Empty and error cells are
  missing values. A formula cell of the sheet read is refused, named (``B7``): calamine
  would give its cached result, or nothing, not the formula.

A ``date`` or ``ts`` column may state its format in its header, ``date (DD/MM/YYYY)``,
``ts (DD.MM.YYYY HH:MM)``, ``Date (DDD, MMM D, YYYY)`` (``date_format``): its text cells are
then read in that format (and refused, by row, when one is not). The file alone says how to
read it, so the stored original always means the same weekly table. Trailing rows and
unnamed columns that hold nothing are ignored.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import itertools
import json
import posixpath
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from xml.etree import ElementTree
from xml.parsers import expat

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import python_calamine as calamine

from strategy.domain.errors import ImportRejected, shortened
from strategy.domain.metrics import normalise_name

SUFFIXES: Final[dict[str, str]] = {
    ".parquet": "parquet",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".xls": "xls",
}
"""File name endings and the kind of file each names."""
SHEET_NAME: Final[str] = "metrics"
"""In a workbook of several sheets, the one so named (case and spaces ignored) is read."""
DATE_COLUMNS: Final[frozenset[str]] = frozenset({"date", "ts"})
"""Columns whose header may state a date format."""
DELIMITERS: Final[dict[str, str]] = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
"""Column delimiters told apart by the header row; a comma unless the header says otherwise."""
HEADER_SEARCH_ROWS: Final[int] = 10
"""How many non-blank rows at the top (after a ``sep=`` line) the header is looked for in."""
BATCH_ROWS: Final[int] = 65_536
"""xlsx rows converted at a time."""

_PARQUET_MAGIC: Final[bytes] = b"PAR1"
_ZIP_MAGIC: Final[bytes] = b"PK\x03\x04"
_OLE_MAGIC: Final[bytes] = b"\xd0\xcf\x11\xe0"
_HEADER_PROBE: Final[int] = 1 << 20
_FORMAT_NOTE: Final[re.Pattern[str]] = re.compile(
    r"^(?P<name>.*?)\s*[(\[](?P<format>[^()\[\]]*)[)\]]\s*$"
)
_FORMAT_TOKENS: Final[re.Pattern[str]] = re.compile(
    r"(?i)yyyy|yy|mmmm|mmm|mm|m(?![a-z])|dddd|ddd|dd|d(?![a-z])|hh|h(?![a-z])|ss|[a-z]+|."
)
_FORMAT_CODES: Final[dict[str, str]] = {
    "yyyy": "%Y",
    "yy": "%y",
    "mmmm": "%B",
    "mmm": "%b",
    "dddd": "%A",
    "ddd": "%a",
    "dd": "%d",
    "d": "%d",
    "hh": "%H",
    "h": "%H",
    "ss": "%S",
}
_XML_CHUNK: Final[int] = 1 << 20
_F_TAG: Final[re.Pattern[bytes]] = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?f[\s/>]")
"""The start of an ``f`` (formula) element, with or without a namespace prefix."""
_F_TAG_OVERLAP: Final[int] = 40
_FORMAT_WORDS: Final[str] = (
    "DD or D the day, MM or M the month, MMM or MMMM its name, YYYY or YY the year, DDD a "
    "weekday's name, HH:MM or HH:MM:SS a time"
)
_FORMAT_HELP: Final[str] = (
    "write it with DD, MM and YYYY (or YY), and HH:MM or HH:MM:SS for a time, "
    f"e.g. 'date (DD/MM/YYYY)' ({_FORMAT_WORDS})"
)


def file_kind(path: Path, label: str) -> str:
    """ "parquet", "csv", "xlsx" or "xls": by the path's ending, else the name's, else the
    content.

    A file whose name says neither and that is not parquet, a zip archive or an OLE2
    compound file (Excel 97-2003) is refused.
    """
    for name in (path.name, label):
        kind = SUFFIXES.get(Path(name.strip()).suffix.lower())
        if kind:
            return kind
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == _PARQUET_MAGIC:
        return "parquet"
    if head == _ZIP_MAGIC:
        return "xlsx"
    if head == _OLE_MAGIC:
        return "xls"
    raise ImportRejected(
        f"{label}: not a parquet file, and the name does not end in .csv, .xlsx or .xls; "
        "name a CSV file .csv and an Excel workbook .xlsx (or .xls for Excel 97-2003)"
    )


@dataclass(frozen=True)
class DateFormat:
    """A format stated in a column's header: as written, and as ``strptime`` reads it.

    ``year``: for a format without a year (``MMMM D``), the year the caller gave; each
    text cell is read with it appended (``code`` holds no year, ``parse_code`` does).
    """

    shown: str
    code: str
    year: int | None = None

    @property
    def parse_code(self) -> str:
        return self.code if self.year is None else f"{self.code} %Y"


@dataclass(eq=False)
class Spreadsheet:
    """A CSV file or a workbook's sheet: its header and a way to read its columns."""

    label: str
    columns: list[str]
    """The column names as written, a stated date format taken off (``date (DD/MM/YYYY)``
    is ``date``); the names the layout is detected from. Unnamed columns at the right
    that hold nothing are left out."""
    first_row: int
    """The row number a spreadsheet shows for the first data row (the header's plus one)."""
    data_bytes: int
    """About how much the cells take: the CSV file's size, or the sheet's unpacked XML."""
    formats: dict[str, DateFormat] = field(default_factory=dict)
    width: int = 0
    """How many columns the rows hold, the ones left out included."""
    csv: tuple[Path, str] | None = None
    sheet: Any = None
    """The calamine sheet (``python_calamine.CalamineSheet``) of a workbook."""
    origin: int = 0
    """The sheet row (0-based) of the first row the calamine sheet gives."""
    types: list[pa.DataType] = field(default_factory=list)
    """A workbook's column types, decided over the whole sheet."""
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """Rows above the header that hold something: (row number, its text shortened)."""
    encoding: str = "utf-8"
    """A CSV file's text encoding (``utf-8``, ``utf-16-le`` or ``utf-16-be``)."""
    offset: int = 0
    """Where a CSV file's header row starts, in bytes (after a byte-order mark)."""

    @property
    def notes(self) -> tuple[str, ...]:
        """What the import says about how the file was read: the rows skipped above the
        header, named as a spreadsheet counts them."""
        if not self.skipped:
            return ()
        shown = ", ".join(f"{n} ({text!r})" for n, text in self.skipped)
        word = "row" if len(self.skipped) == 1 else "rows"
        return (
            f"the header is row {self.first_row - 1}; {word} {shown} above it "
            f"{'was' if len(self.skipped) == 1 else 'were'} skipped",
        )

    def read(self, columns: Sequence[str]) -> pa.Table:
        """The named columns as one table (long and wide files are loaded whole)."""
        raw = [batch for batch, _ in self._batches(columns)]
        if raw:
            table = pa.Table.from_batches(raw).combine_chunks()
        else:
            table = pa.schema([(c, pa.string()) for c in columns]).empty_table()
        return pa.table(
            self._typed(table.schema.names, table.columns, self.first_row), names=table.schema.names
        )

    def write_parquet(self, columns: Sequence[str], target: Path) -> int:
        """Write the named columns to a parquet file a batch at a time; returns the rows.

        DuckDB reads events files from parquet; converting a batch at a time keeps the
        memory to a batch whatever the file's size (and the events columns keep their type
        from batch to batch: text, or timestamps in a stated format).
        """
        rows = 0
        writer: Any = None
        try:
            for raw, first in self._batches(columns):
                batch = pa.record_batch(
                    self._typed(raw.schema.names, raw.columns, first), names=raw.schema.names
                )
                if writer is None:
                    writer = pq.ParquetWriter(target, batch.schema, compression="zstd")
                writer.write_batch(batch.cast(writer.schema))
                rows += batch.num_rows
        finally:
            if writer is not None:
                writer.close()
        return rows

    def _batches(self, columns: Sequence[str]) -> Iterator[tuple[pa.RecordBatch, int]]:
        """(batch of the named columns, row number of its first row), trailing blank rows
        left out. An unnamed column left out must be blank throughout."""
        positions = [self.columns.index(c) for c in columns]
        unnamed = list(range(len(self.columns), self.width))
        raw = self._csv_batches() if self.csv is not None else self._xlsx_batches()
        row = self.first_row
        held: list[pa.RecordBatch] = []  # blank rows: they count only if data follows
        for batch in raw:
            for i in unnamed:
                filled = (~_blank_rows([batch.column(i)])).nonzero()[0]
                if len(filled):
                    raise ImportRejected(
                        f"{self.label}: a column has no name but holds values (row "
                        f"{row + int(filled[0])}); name it or delete it"
                    )
            picked = pa.record_batch([batch.column(i) for i in positions], names=list(columns))
            filled = (~_blank_rows(batch.columns)).nonzero()[0]
            if len(filled) == 0:
                held.append(picked)
                continue
            for early in held:
                yield early, row
                row += early.num_rows
            last = int(filled[-1]) + 1
            held = [picked.slice(last)] if last < picked.num_rows else []
            yield picked.slice(0, last), row
            row += last

    def _typed(self, names: Sequence[str], columns: Sequence[Any], first: int) -> list[Any]:
        """Stated date formats applied; text of only numbers (in a number column) made numeric."""
        out = []
        for name, column in zip(names, columns, strict=True):
            stated = self.formats.get(name)
            if stated is not None and _is_text(column.type):
                column = _parse_dates(column, stated, self.label, name, first)
            elif normalise_name(name) not in _TEXT_COLUMNS and _is_text(column.type):
                column = _as_numbers(column, thousands=self.csv is not None and self.csv[1] == ",")
            out.append(column)
        return out

    # --- CSV -------------------------------------------------------------------------

    def _csv_batches(self) -> Iterator[pa.RecordBatch]:
        assert self.csv is not None
        path, delimiter = self.csv
        invalid: list[Any] = []

        def refuse_row(row: Any) -> str:
            invalid.append(row)
            return "error"

        shift = self.first_row - 2  # the rows above the header
        names = _csv_names(path, delimiter, self.encoding, self.offset)
        with pa.OSFile(str(path)) as fh:  # pyarrow's own file: no Python in the reads
            fh.seek(self.offset)
            try:  # opening reads the first block
                reader = pcsv.open_csv(
                    fh,
                    read_options=_csv_reading(self.encoding),
                    parse_options=_csv_parsing(delimiter, refuse_row),
                    convert_options=pcsv.ConvertOptions(
                        column_types={n: pa.string() for n in names}, strings_can_be_null=False
                    ),
                )
            except (pa.ArrowInvalid, OSError) as exc:
                raise _csv_refusal(self.label, exc, invalid, delimiter, shift) from None
            with contextlib.closing(reader):
                while True:
                    try:
                        batch = reader.read_next_batch()
                    except StopIteration:
                        return
                    except (pa.ArrowInvalid, OSError) as exc:
                        raise _csv_refusal(self.label, exc, invalid, delimiter, shift) from None
                    yield batch

    # --- xlsx ------------------------------------------------------------------------

    def _xlsx_batches(self) -> Iterator[pa.RecordBatch]:
        header_at = self.first_row - 2 - self.origin  # as iter_rows counts
        names = [str(i) for i in range(self.width)]
        formats = [self.formats.get(c) for c in self.columns]
        formats += [None] * (self.width - len(formats))
        chunk: list[list[Any]] = [[] for _ in range(self.width)]
        for n, cells in enumerate(self.sheet.iter_rows()):
            if n <= header_at:
                continue
            for i in range(self.width):
                value = cells[i] if i < len(cells) else ""
                chunk[i].append(_cell_value(value, self.types[i], formats[i]))
            if len(chunk[0]) >= BATCH_ROWS:
                yield _xlsx_batch(chunk, self.types, names)
                chunk = [[] for _ in range(self.width)]
        if chunk and chunk[0]:
            yield _xlsx_batch(chunk, self.types, names)


_TEXT_COLUMNS: Final[frozenset[str]] = frozenset(
    {"date", "ts", "platform", "metric", "member_id", "kind", "by_brand"}
)
"""Columns kept as text: everything else of a layout is a number (value, each metric)."""


@contextlib.contextmanager
def open_spreadsheet(
    path: Path, label: str, kind: str, *, year: int | None = None
) -> Iterator[Spreadsheet]:
    """The CSV file or the workbook's sheet to read, or why it is ambiguous or unreadable.

    ``year`` is the year of dates whose header states a format without one (``MMMM D``);
    without it such a format is refused, saying the year is missing.
    """
    if kind == "csv":
        yield _open_csv(path, label, year)
        return
    workbook = _open_workbook(path, label, kind)
    with contextlib.closing(workbook):
        yield _open_sheet(workbook, path, label, kind, year)


def renumber_rows(message: str, label: str, shift: int) -> str:
    """A refusal of the events reader with its row named as the spreadsheet counts it.

    The events checks name rows of the converted file ("at row 3"); ``shift`` is how far the
    spreadsheet's numbering runs ahead. Quoted text (a value shown from the file) is left as
    it is, so a cell that reads "at row 3" is not renumbered.
    """
    prefix = f"{label}: "
    if not message.startswith(prefix):
        return message
    done = False

    def one(match: re.Match[str]) -> str:
        nonlocal done
        if match.group("quoted") or done:
            return match.group(0)
        done = True
        return f"at row {int(match.group('row')) + shift}"

    return prefix + _ROW_MENTION.sub(one, message[len(prefix) :])


_ROW_MENTION: Final[re.Pattern[str]] = re.compile(
    r"(?P<quoted>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|\bat row (?P<row>\d+)\b"
)


# --- CSV: encoding, delimiter, header --------------------------------------------------


_BOMS: Final[tuple[tuple[bytes, str], ...]] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SEP_LINE: Final[re.Pattern[str]] = re.compile(r'^\s*"?sep=(?P<delimiter>.)"?\s*$', re.IGNORECASE)
"""Excel's delimiter hint, a first line ``sep=,`` (or ``sep=;``, ``sep=\\t``, ``sep=|``)."""
_DATE_NAME: Final[re.Pattern[str]] = re.compile(r"(?:^|_)(?:date|day|time|timestamp|ts)$")
"""A column name that says it holds dates: ``Date``, ``Publish time``, ``interval_start_ts``."""


def _open_csv(path: Path, label: str, year: int | None = None) -> Spreadsheet:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == _PARQUET_MAGIC:
        raise ImportRejected(f"{label}: this is a parquet file, not CSV; name it .parquet")
    if head == _ZIP_MAGIC:
        raise ImportRejected(f"{label}: this is an Excel workbook, not CSV; name it .xlsx")
    if head == _OLE_MAGIC:
        raise ImportRejected(f"{label}: this is an Excel 97-2003 workbook, not CSV; name it .xls")
    encoding, start = _encoding(head)
    _check_text(path, label, encoding, start)
    rows = _leading_rows(path, encoding, start)
    hinted = None
    if rows and (sep := _SEP_LINE.match(rows[0][1])):
        hinted = sep.group("delimiter")
        if hinted not in DELIMITERS:
            raise ImportRejected(
                f"{label}: row 1 ({rows[0][1].strip()!r}) says the columns are separated by "
                f"{hinted!r}, which is not one this reads; separate them with commas"
            )
    at = _header_at(rows[1:] if hinted else rows, hinted) + (1 if hinted else 0)
    header_text = rows[at][1] if at < len(rows) else ""
    delimiter = hinted or _delimiter(header_text, label)
    offset = start + (rows[at][0] if at < len(rows) else 0)
    try:
        names = _csv_names(path, delimiter, encoding, offset)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _csv_refusal(label, exc, [], delimiter, at) from None
    columns, formats = _header(_named(names), label, year)
    skipped = [  # the sep= line as it is, other rows' cells
        (
            n + 1,
            shortened(text.strip() if hinted and n == 0 else " ".join(_cells(text, delimiter)), 40),
        )
        for n, (_, text) in enumerate(rows[:at])
    ]
    return Spreadsheet(
        label=label,
        columns=columns,
        first_row=at + 2,
        data_bytes=path.stat().st_size,
        formats=formats,
        width=len(names),
        csv=(path, delimiter),
        skipped=[(n, text) for n, text in skipped if text],
        encoding=encoding,
        offset=offset,
    )


def workbook_sheets(
    path: Path, label: str, kind: str, *, limit: int | None = None, only: str | None = None
) -> Iterator[tuple[str, list[list[Any]]]]:
    """Each sheet of a workbook (or the one named ``only``), by name, with its first
    ``limit`` rows (all: None) as cells: what recognising a platform's export reads (an
    .xls through the child process, as every .xls is read)."""
    workbook = _open_workbook(path, label, kind)
    try:
        for meta in workbook.sheets_metadata:
            if only is None or meta.name == only:
                rows = workbook.get_sheet_by_name(meta.name).iter_rows()
                yield meta.name, [list(row) for row in itertools.islice(rows, limit)]
    finally:
        workbook.close()


def text_encoding(head: bytes) -> tuple[str, int]:
    """The text encoding a file's first bytes name (``_encoding``), for other readers."""
    return _encoding(head)


def sep_line(line: str) -> str | None:
    """The delimiter an Excel ``sep=,`` line names, or None when the line is not one."""
    found = _SEP_LINE.match(line)
    return found.group("delimiter") if found else None


def _encoding(head: bytes) -> tuple[str, int]:
    """The text encoding its byte-order mark names (UTF-8 without one) and where text starts."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    return "utf-8", 0


def _leading_rows(path: Path, encoding: str, start: int) -> list[tuple[int, str]]:
    """The first rows of a CSV file: (where the row starts in bytes after ``start``, its
    text), as many as the header may be looked for in, blank rows included (they keep the
    row numbers). A row ends at a line break outside quotes."""
    with path.open("rb") as fh:
        fh.seek(start)
        data = fh.read(_HEADER_PROBE)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(data)
    rows: list[tuple[int, str]] = []
    filled = 0
    begin, quoted, at = 0, False, 0
    while at < len(text) and filled <= HEADER_SEARCH_ROWS:
        char = text[at]
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            rows.append((begin, text[begin:at]))
            filled += bool(text[begin:at].strip())
            at += 2 if text.startswith("\r\n", at) else 1
            begin = at
            continue
        at += 1
    if begin < len(text) and filled <= HEADER_SEARCH_ROWS:
        rows.append((begin, text[begin:]))
    return [(len(text[:b].encode(encoding)), row) for b, row in rows]  # characters to bytes


def _cells(row: str, delimiter: str | None) -> list[str]:
    """A row's non-blank cells, split by ``delimiter`` (else the one the row suggests)."""
    if delimiter is None:
        try:
            delimiter = _delimiter(row, "")
        except ImportRejected:
            delimiter = ","
    try:
        cells = next(csv.reader([row], delimiter=delimiter), [])
    except csv.Error:
        cells = [row]
    return [c.strip() for c in cells if c.strip()]


def _header_at(rows: Sequence[tuple[int, str]], delimiter: str | None) -> int:
    """Which of ``rows`` (non-blank rows counted up to ``HEADER_SEARCH_ROWS``) is the header:
    the first with a date column name and another name (a cell with a letter), else the
    first with two or more cells, else the first that holds anything."""
    return _pick_header([_cells(text, delimiter) for _, text in rows])


def _pick_header(rows: Sequence[Sequence[str]]) -> int:
    filled = [n for n, cells in enumerate(rows) if cells][:HEADER_SEARCH_ROWS]
    for n in filled:
        names = [c for c in rows[n] if any(ch.isalpha() for ch in c)]
        if len(names) >= 2 and any(_is_date_name(c) for c in names):
            return n
    for n in filled:
        if len(rows[n]) >= 2:
            return n
    return filled[0] if filled else 0


def _is_date_name(cell: str) -> bool:
    note = _FORMAT_NOTE.match(cell)
    name = normalise_name(note.group("name") if note else cell)
    return bool(_DATE_NAME.search(name))


def _named(names: list[str], used: Sequence[bool] = ()) -> list[str]:
    """The names up to the last one given or (``used``) whose column holds something."""
    end = len(names)
    while end and not names[end - 1].strip() and not (end <= len(used) and used[end - 1]):
        end -= 1
    return names[:end]


def _csv_refusal(
    label: str, exc: Exception, invalid: list[Any], delimiter: str, shift: int = 0
) -> ImportRejected:
    """Why the CSV reader stopped; ``shift`` is how many rows lie above the header."""
    if invalid:
        bad = invalid[0]
        where = f"row {bad.number + shift}" if bad.number is not None else "a row"
        return ImportRejected(
            f"{label}: {where} has {bad.actual_columns} value(s) but the header has "
            f"{bad.expected_columns} columns; check the {DELIMITERS[delimiter]} and the "
            "quotes in that row"
        )
    reason = str(exc).removeprefix("CSV parse error: ").strip()
    return ImportRejected(
        f"{label}: the CSV file cannot be read ({reason[:120]}); check that every quoted "
        f"value is closed and that the columns are separated by {DELIMITERS[delimiter]}"
    )


_SAVE_UTF8: Final[str] = (
    "save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8 (Comma delimited)) and upload that"
)


def _check_text(path: Path, label: str, encoding: str, start: int) -> None:
    """Refuse a file that is not text in ``encoding``, naming the first bad byte's line.

    UTF-8 is read without a byte-order mark too; UTF-16 needs its mark, so a file of
    NUL bytes (UTF-16 without one, or not text at all) is refused.
    """
    with path.open("rb") as fh:
        fh.seek(start)
        if encoding == "utf-8" and b"\x00" in fh.read(4096):
            raise ImportRejected(
                f"{label}: the file holds NUL bytes, so it is not UTF-8 text (UTF-16 without a "
                f"byte-order mark, or not text at all); {_SAVE_UTF8}"
            )
        fh.seek(start)
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 1
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                data = pending + chunk
                line = lines + data[: exc.start].decode(encoding, errors="replace").count("\n")
                raise ImportRejected(
                    f"{label}: the file is not {_ENCODING_NAMES[encoding]} text (byte "
                    f"0x{data[exc.start]:02X} on line {line} is not {_ENCODING_NAMES[encoding]}); "
                    f"{_SAVE_UTF8}"
                ) from None
            lines += text.count("\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportRejected(
                f"{label}: the file is not {_ENCODING_NAMES[encoding]} text (it ends inside a "
                f"character, on line {lines}); save it as CSV UTF-8 and upload that"
            ) from None


_ENCODING_NAMES: Final[dict[str, str]] = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
}


def _delimiter(header: str, label: str) -> str:
    """The delimiter the header row uses: a comma, or the one other candidate it holds."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    if "," in unquoted:  # a tab around a comma-separated name is only space
        names = [n.strip() for n in unquoted.split(",")]
        found = [",", *(d for d in DELIMITERS if d != "," and any(d in n for n in names))]
    else:
        found = [d for d in DELIMITERS if d in unquoted]
    if not found or found == [","]:
        return ","
    if len(found) == 1:
        return found[0]
    both = " and ".join(DELIMITERS[d] for d in found)
    raise ImportRejected(
        f"{label}: the header row holds {both}, so which one separates the columns is "
        "ambiguous; separate the columns with commas only (quote a name that holds one of "
        "the others), e.g. save it as CSV UTF-8 (Comma delimited)"
    )


def _csv_reading(encoding: str, block_size: int | None = None) -> pcsv.ReadOptions:
    # pyarrow reads "utf8" as it is, and transcodes any other encoding by Python's codecs
    options = pcsv.ReadOptions(
        use_threads=False, encoding="utf8" if encoding == "utf-8" else encoding
    )
    if block_size is not None:
        options.block_size = block_size
    return options


def _csv_parsing(delimiter: str, on_invalid: Any = None) -> pcsv.ParseOptions:
    return pcsv.ParseOptions(
        delimiter=delimiter,
        newlines_in_values=True,
        ignore_empty_lines=False,  # a blank line is a row of blanks: rows keep their numbers
        invalid_row_handler=on_invalid,
    )


def _csv_names(path: Path, delimiter: str, encoding: str = "utf-8", offset: int = 0) -> list[str]:
    """The header row's names (the row starting at byte ``offset``), as pyarrow reads them."""
    with pa.OSFile(str(path)) as fh:
        fh.seek(offset)
        reader = pcsv.open_csv(
            fh,
            read_options=_csv_reading(encoding, _HEADER_PROBE),
            parse_options=_csv_parsing(delimiter, lambda _row: "skip"),
        )
        with contextlib.closing(reader):
            return list(reader.schema.names)


# --- xlsx: the workbook and its sheet --------------------------------------------------


def _open_workbook(path: Path, label: str, kind: str = "xlsx") -> Any:
    """The calamine workbook of an .xlsx file; for .xls, the sheets read in a child process."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if kind == "xls":
        return _open_xls(path, label, head)
    if head == _OLE_MAGIC:
        raise ImportRejected(
            f"{label}: this is an Excel 97-2003 (.xls) or password-protected workbook; name "
            "an Excel 97-2003 workbook .xls, or save it as an Excel workbook (.xlsx) without "
            "a password"
        )
    if head == _PARQUET_MAGIC:
        raise ImportRejected(f"{label}: this is a parquet file, not xlsx; name it .parquet")
    if head != _ZIP_MAGIC:
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


def _open_xls(path: Path, label: str, head: bytes) -> Any:
    """An Excel 97-2003 workbook (an OLE2 compound file holding BIFF records)."""
    if head == _ZIP_MAGIC:
        raise ImportRejected(f"{label}: this is an Excel workbook (.xlsx), not .xls; name it .xlsx")
    if head == _PARQUET_MAGIC:
        raise ImportRejected(f"{label}: this is a parquet file, not xls; name it .parquet")
    if head != _OLE_MAGIC:
        raise ImportRejected(
            f"{label}: not an xls file (an Excel 97-2003 workbook); if it is text, name it .csv"
        )
    return _read_xls(path, label)


# --- xls: read in a child process -------------------------------------------------------

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
    if not isinstance(value, dict):
        return value
    if "datetime" in value:
        return dt.datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return dt.date.fromisoformat(value["date"])
    if "seconds" in value:
        return dt.timedelta(seconds=value["seconds"])
    return dt.time.fromisoformat(value["time"])


@dataclass
class _XlsSheet:
    """An .xls sheet's cells, as a calamine sheet gives them (``iter_rows``, ``end``)."""

    name: str
    typ: Any
    visible: Any
    rows: list[list[Any]]
    end: tuple[int, int] | None

    def iter_rows(self) -> Iterator[list[Any]]:
        return iter(self.rows)


@dataclass
class _XlsWorkbook:
    """An .xls workbook read by the child process: what ``_pick_sheet`` and
    ``_open_sheet`` ask of a calamine workbook."""

    sheets: list[_XlsSheet]

    @property
    def sheets_metadata(self) -> list[_XlsSheet]:
        return self.sheets

    def get_sheet_by_name(self, name: str) -> _XlsSheet:
        return next(s for s in self.sheets if s.name == name)

    def close(self) -> None:
        pass


def _read_xls(path: Path, label: str) -> _XlsWorkbook:
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


def _open_sheet(
    workbook: Any,
    path: Path,
    label: str,
    kind: str = "xlsx",
    year: int | None = None,
) -> Spreadsheet:
    name = _pick_sheet(workbook, label)
    if kind == "xlsx":
        _refuse_formulas(path, name, label)
    elif (cell := _xls_formula(path, name)) is not None:
        raise ImportRejected(
            f"{label}: sheet {name!r} cell {cell} holds a formula, and formulas are not "
            "imported; replace the formulas with their values (e.g. Copy, then Paste Special "
            "> Values) and upload again"
        )
    try:
        sheet = workbook.get_sheet_by_name(name)
    except (calamine.CalamineError, OSError, ValueError):
        raise ImportRejected(
            f"{label}: sheet {name!r} is damaged and cannot be read; save it again from Excel"
        ) from None
    leading: list[list[Any]] = []  # the rows the header is looked for in
    filled = 0
    for cells in sheet.iter_rows():
        leading.append(list(cells))
        filled += any(c != "" for c in cells)
        if filled >= HEADER_SEARCH_ROWS:
            break
    if not filled:
        raise ImportRejected(f"{label}: sheet {name!r} is empty")
    header_at = _pick_header(
        [[t for c in cells if (t := _header_text(c).strip())] for cells in leading]
    )
    header = leading[header_at]
    kinds: list[set[str]] = [set() for _ in header]
    total = 0
    for n, cells in enumerate(sheet.iter_rows()):
        total += 1
        if n <= header_at:
            continue
        for i, value in enumerate(cells[: len(kinds)]):
            if value != "":
                kinds[i].add(_cell_kind(value))
    # iter_rows starts at A1's row (or, should a version start at the data, there): the
    # sheet's last row tells which, so rows are numbered as the spreadsheet shows them
    origin = max(0, sheet.end[0] + 1 - total) if sheet.end is not None else 0
    names = [_header_text(c) for c in header]
    columns, formats = _header(_named(names, [bool(k) for k in kinds]), label, year)
    texts = [" ".join(t for c in cells if (t := _header_text(c).strip())) for cells in leading]
    skipped = [(origin + n + 1, shortened(text, 40)) for n, text in enumerate(texts[:header_at])]
    return Spreadsheet(
        label=label,
        columns=columns,
        first_row=origin + header_at + 2,
        data_bytes=_sheet_bytes(path) if kind == "xlsx" else path.stat().st_size,
        formats=formats,
        width=len(names),
        sheet=sheet,
        origin=origin,
        types=[_column_type(k) for k in kinds],
        skipped=[(n, text) for n, text in skipped if text],
    )


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


def _refuse_formulas(path: Path, sheet: str, label: str) -> None:
    """Refuse a sheet holding a formula cell, naming the first one (``B7``).

    calamine gives a formula's cached result (or nothing, when the file was never
    calculated): what a spreadsheet would show now, which may not be what the file means.
    Only values are imported, so the person who knows the workbook replaces the formulas.
    """
    damaged = ImportRejected(
        f"{label}: sheet {sheet!r} is damaged and cannot be read; save it again from Excel"
    )
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                raise damaged
            if not _may_hold_formulas(archive, part):
                return
            found = _first_formula(archive, part)
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        raise damaged from None
    except (KeyError, NotImplementedError, RuntimeError):  # a part missing, odd, encrypted
        raise damaged from None
    if found is not None:
        cell, formula = found
        shown = f" (={shortened(formula, 60)})" if formula else ""
        raise ImportRejected(
            f"{label}: sheet {sheet!r} cell {cell} holds a formula{shown}, and formulas are "
            "not imported; replace the formulas with their values (e.g. Copy, then Paste "
            "Special > Values) and upload again"
        )


# --- xls: formula cells -----------------------------------------------------------------

_XLS_STREAMS: Final[tuple[str, ...]] = ("Workbook", "Book")
_NO_SECTOR: Final[int] = 0xFFFFFFFA  # and above: free, end of chain, FAT or DIFAT sectors


def _xls_formula(path: Path, sheet: str) -> str | None:
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
    if data[:8] != _OLE_MAGIC + b"\xa1\xb1\x1a\xe1":
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
            return f"{_column_letters(column + 1)}{row + 1}"
        if kind == 0x000A:
            return None
        at += 4 + length
    return None


def _local(tag: str) -> str:
    """An XML name without its namespace (strict and transitional OOXML alike)."""
    return tag.rpartition("}")[2]


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The archive member holding the named sheet's cells, by ``xl/workbook.xml`` and its
    relationships; None when the workbook does not say."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return None
    rel_id = next(
        (
            value
            for element in workbook.iter()
            if _local(element.tag) == "sheet" and element.get("name") == sheet
            for key, value in element.attrib.items()
            if _local(key) == "id"
        ),
        None,
    )
    target = next(
        (
            element.get("Target", "")
            for element in rels.iter()
            if _local(element.tag) == "Relationship" and element.get("Id") == rel_id
        ),
        None,
    )
    if rel_id is None or not target:
        return None
    part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    part = posixpath.normpath(part)
    return part if part in archive.namelist() else None


def _may_hold_formulas(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML holds an ``f`` element at all: a quick scan of the bytes, so
    a large sheet without formulas is not parsed element by element."""
    tail = b""
    with archive.open(part) as stream:
        for chunk in iter(lambda: stream.read(_XML_CHUNK), b""):
            text = tail + chunk
            if (b"<f" in text or b":f" in text) and _F_TAG.search(text):
                return True
            tail = chunk[-_F_TAG_OVERLAP:]
    return False


class _FormulaFound(Exception):
    """Stops the parse at the first formula cell: (cell, formula text)."""


def _first_formula(archive: zipfile.ZipFile, part: str) -> tuple[str, str] | None:
    """The first cell (``B7``) with a formula (an ``f`` element in a ``c``) and its text.

    expat's callbacks keep no tree, so memory stays flat however long the sheet is.
    """
    row, column = 0, 0
    cell: str | None = None  # the cell being read, inside sheetData
    in_data = False
    formula: list[str] | None = None

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, column, cell, in_data, formula
        name = _local(tag)
        if name == "sheetData":
            in_data = True
        elif not in_data:
            return
        elif name == "row":
            row, column = int(attrs.get("r") or row + 1), 0
        elif name == "c":
            ref = attrs.get("r")
            column = _column_number(ref) if ref else column + 1
            cell = ref or f"{_column_letters(column)}{row}"
        elif name == "f" and cell is not None:
            formula = []

    def end(tag: str) -> None:
        nonlocal cell, in_data
        name = _local(tag)
        if name == "f" and formula is not None and cell is not None:
            raise _FormulaFound(cell, "".join(formula).strip())
        if name == "c":
            cell = None
        elif name == "sheetData":
            in_data = False

    def text(data: str) -> None:
        if formula is not None:
            formula.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with archive.open(part) as stream:
            parser.ParseFile(stream)
    except _FormulaFound as found:
        return found.args[0], found.args[1]
    return None


def _column_number(ref: str) -> int:
    """``B7`` -> 2 (A is 1)."""
    number = 0
    for char in ref:
        if not char.isalpha():
            break
        number = number * 26 + ord(char.upper()) - ord("A") + 1
    return number


def _column_letters(number: int) -> str:
    """2 -> ``B``, 27 -> ``AA``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _sheet_bytes(path: Path) -> int:
    """The unpacked size of the workbook's sheets and shared text: what reading it takes."""
    with zipfile.ZipFile(path) as archive:
        return sum(
            info.file_size
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"
        )


def _header_text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell.isoformat() if isinstance(cell, dt.date) else str(cell)


def _cell_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):  # datetime.datetime too
        return "date"
    return "text" if isinstance(value, str) else "other"


def _column_type(kinds: set[str]) -> pa.DataType:
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
    return pa.record_batch(
        [pa.array(values, to) for values, to in zip(chunk, types, strict=True)], names=names
    )


# --- both: header, blank rows, numbers, dates ------------------------------------------


def _header(
    names: list[str], label: str, year: int | None = None
) -> tuple[list[str], dict[str, DateFormat]]:
    """Column names with a stated date format taken off, and the formats by column."""
    columns: list[str] = []
    formats: dict[str, DateFormat] = {}
    for raw in names:
        note = _FORMAT_NOTE.match(raw)
        if note and normalise_name(note.group("name")) in DATE_COLUMNS:
            name = note.group("name")
            formats[name] = _date_format(note.group("format"), raw, label, year)
            columns.append(name)
        else:
            columns.append(raw)
    return columns, formats


def date_format(stated: str) -> DateFormat | None:
    """A format as a header states it (``DD/MM/YYYY``, ``ddd, MMM D, YYYY``, ``MMMM D``,
    or strptime's ``%d.%m.%Y``) as ``strptime`` reads it; None when this cannot read it.

    Tokens, case ignored: YYYY and YY the year; MMMM a month's name (August), MMM its
    abbreviation (Aug), MM or M its number (MM after a colon: minutes); DDDD a weekday's
    name, DDD its abbreviation (Thu), DD or D the day; HH or H the hour; SS the seconds.
    Other characters are taken as they are, except letters. A day and a month are needed;
    the year may be missing (``MMMM D``: then the caller gives it).
    """
    text = stated.strip()
    if "%" in text:  # strptime's own codes, e.g. %d.%m.%Y
        directives = set(re.findall(r"%(.)", text))
        dated = "d" in directives and directives & {"m", "b", "B"}
        if dated and directives <= set("dmbBYyHMSfzaA%"):
            return DateFormat(shown=text, code=text)
        return None
    code: list[str] = []
    for token in _FORMAT_TOKENS.findall(text):
        word = token.lower()
        if word in ("mm", "m"):
            code.append("%M" if code and code[-1] == ":" else "%m")
        elif word in _FORMAT_CODES:
            code.append(_FORMAT_CODES[word])
        elif token.isalpha() and token not in ("T",):
            return None
        else:
            code.append("%%" if token == "%" else token)
    parts = [c for c in code if c.startswith("%") and c != "%%"]
    days = parts.count("%d")
    months = sum(parts.count(m) for m in ("%m", "%b", "%B"))
    years = sum(parts.count(y) for y in ("%Y", "%y"))
    if days != 1 or months != 1 or years > 1:
        return None
    return DateFormat(shown=text, code="".join(code))


def _date_format(stated: str, column: str, label: str, year: int | None = None) -> DateFormat:
    """The stated format, or a refusal saying how to write one (or that a year is missing)."""
    found = date_format(stated)
    if found is None:
        raise ImportRejected(
            f"{label}: column {column!r} states the date format {stated.strip()!r}, which is "
            f"not one this reads; {_FORMAT_HELP}"
        )
    if not re.search(r"%[Yy]", found.code):
        if year is None:
            raise ImportRejected(
                f"{label}: column {column!r} states the date format {found.shown!r}, which "
                "has no year, so the dates cannot be placed in time; put the year in the "
                f"dates and in the format (e.g. '{found.shown}, YYYY')"
            )
        return DateFormat(shown=found.shown, code=found.code, year=year)
    return found


SUGGESTED_FORMATS: Final[tuple[str, ...]] = (
    "M/D/YYYY",
    "D/M/YYYY",
    "M/D/YY",
    "D/M/YY",
    "D.M.YYYY",
    "M/D/YYYY HH:MM",
    "D/M/YYYY HH:MM",
    "D.M.YYYY HH:MM",
    "DDD, MMM D, YYYY",
    "MMM D, YYYY",
    "MMMM D, YYYY",
    "D MMM YYYY",
    "D MMMM YYYY",
    "MMMM D",
    "MMM D",
)
"""Formats a refused date is tried in, to say which header would read it."""


def suggested_formats(value: str) -> list[str]:
    """The formats of ``SUGGESTED_FORMATS`` that read ``value`` (a date a file holds)."""
    text = value.strip()
    found = []
    for shown in SUGGESTED_FORMATS:
        stated = date_format(shown)
        assert stated is not None
        code = stated.code if re.search(r"%[Yy]", stated.code) else stated.code + " %Y"
        try:
            dt.datetime.strptime(text if code == stated.code else f"{text} 2000", code)
        except ValueError:
            continue
        found.append(shown)
    return found


def format_advice(column: str, value: str) -> str:
    """How to state the format of ``value`` in the header of ``column`` (for a refusal)."""
    found = suggested_formats(value)
    if found and not re.search(r"(?i)y", found[0]):
        return (
            f"the date has no year; put the year in the dates and state the format in the "
            f"header, e.g. '{column} ({found[0]}, YYYY)'"
        )
    if len(found) > 1:
        options = " or ".join(f"'{column} ({f})'" for f in found[:2])
        return f"state its format in the header, {options}, whichever the file uses"
    example = found[0] if found else "DD/MM/YYYY"
    return (
        f"write ISO dates (2026-03-02), or state the format in the header, e.g. "
        f"'{column} ({example})' ({_FORMAT_WORDS})"
    )


def _blank_rows(columns: Sequence[Any]) -> Any:
    """Per row, whether every cell of ``columns`` is missing or blank (a numpy bool array)."""
    blank: Any = None
    for column in columns:
        if pa.types.is_null(column.type):
            continue
        empty = pc.is_null(column)
        if _is_text(column.type):
            empty = pc.or_(empty, pc.equal(pc.utf8_trim_whitespace(column), ""))
        empty = pc.fill_null(empty, True)
        blank = empty if blank is None else pc.and_(blank, empty)
    if blank is None:
        return np.ones(len(columns[0]) if columns else 0, dtype=bool)
    return np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


THOUSANDS: Final[str] = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$"
"""A number with commas between groups of three digits (``15,000``, ``1,573.5``), or none."""


def _as_numbers(column: pa.Array, *, thousands: bool = False) -> pa.Array:
    """Text that is all numbers (or blank) as float64; any other text is left for the checks.

    With ``thousands`` (a comma-separated CSV file, where a comma inside a quoted number
    cannot be a decimal comma), a column whose every number matches ``THOUSANDS`` is read
    with its commas taken out. ``1,5`` matches nothing, so the column stays text and is
    refused by the checks, naming the cell.
    """
    trimmed = pc.utf8_trim_whitespace(column)
    values = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    try:
        return pc.cast(values, pa.float64())
    except pa.ArrowInvalid:
        pass
    if thousands and pc.all(pc.match_substring_regex(values, THOUSANDS)).as_py() is not False:
        try:
            return pc.cast(pc.replace_substring(values, ",", ""), pa.float64())
        except pa.ArrowInvalid:
            return column
    return column


def _parse_dates(
    column: pa.Array, stated: DateFormat, label: str, name: str, first: int
) -> pa.Array:
    """Text in the stated format as timestamps; blank cells missing, others refused by row."""
    trimmed = pc.utf8_trim_whitespace(column)
    blank = pc.fill_null(pc.equal(trimmed, ""), True)
    if stated.year is not None:  # a format without a year: the caller's year appended
        trimmed = pc.binary_join_element_wise(trimmed, pa.scalar(f" {stated.year}"), "")
    parsed = pc.strptime(trimmed, format=stated.parse_code, unit="us", error_is_null=True)
    bad = pc.and_(pc.invert(blank), pc.is_null(parsed)).to_numpy(zero_copy_only=False)
    if bad.any():
        at = int(bad.nonzero()[0][0])
        what = "date and time" if normalise_name(name) == "ts" else "date"
        raise ImportRejected(
            f"{label}: column {normalise_name(name)} at row {first + at} holds "
            f"{column[at].as_py()[:60]!r}, which is not a {what} in the stated format "
            f"{stated.shown}; correct the cell, or state the format the column uses in its "
            f"header ({_FORMAT_WORDS})"
        )
    return parsed
