"""CSV files: their text encoding, their delimiter, where the header is, and their rows
read as text a block at a time (``pyarrow.csv``)."""

from __future__ import annotations

import codecs
import contextlib
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.csv as pcsv

from strategy.domain.errors import ImportRejected, shortened
from strategy.domain.numbers import plural
from strategy.ingest.file_kinds import OLE_MAGIC, PARQUET_MAGIC, ZIP_MAGIC
from strategy.ingest.headers import HEADER_SEARCH_ROWS, column_names, named_columns, pick_header
from strategy.ingest.sheet import Spreadsheet

DELIMITERS: Final[dict[str, str]] = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
"""Column delimiters told apart by the header row; a comma unless the header says otherwise."""


_HEADER_PROBE: Final[int] = 1 << 20


_BOMS: Final[tuple[tuple[bytes, str], ...]] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


_SEP_LINE: Final[re.Pattern[str]] = re.compile(r'^\s*"?sep=(?P<delimiter>.)"?\s*$', re.IGNORECASE)
"""Excel's delimiter hint, a first line ``sep=,`` (or ``sep=;``, ``sep=\\t``, ``sep=|``)."""


def open_csv(path: Path, label: str, year: int | None = None) -> Spreadsheet:
    """A CSV file opened: its encoding and delimiter decided, its header found (past a ``sep=``
    line and title rows), or a refusal naming why the file cannot be read as CSV."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == PARQUET_MAGIC:
        raise ImportRejected(f"{label}: this is a parquet file, not CSV; name it .parquet")
    if head == ZIP_MAGIC:
        raise ImportRejected(f"{label}: this is an Excel workbook, not CSV; name it .xlsx")
    if head == OLE_MAGIC:
        raise ImportRejected(f"{label}: this is an Excel 97-2003 workbook, not CSV; name it .xls")
    encoding, start = text_encoding(head)
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
    columns, formats = column_names(named_columns(names), label, year)
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
        source=CsvSource(label, path, delimiter, encoding, offset, shift=at),
        formats=formats,
        width=len(names),
        thousands=delimiter == ",",
        skipped=[(n, text) for n, text in skipped if text],
    )


@dataclass(frozen=True)
class CsvSource:
    """A CSV file's rows below its header, every cell as text, a block at a time."""

    label: str
    path: Path
    delimiter: str
    encoding: str
    """The text encoding (``utf-8``, ``utf-16-le`` or ``utf-16-be``)."""
    offset: int
    """Where the header row starts, in bytes (after a byte-order mark)."""
    shift: int
    """How many rows lie above the header: a refusal names rows as a spreadsheet counts them."""

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The rows as text batches; a row of the wrong width or a broken quote is refused."""
        invalid: list[Any] = []

        def refuse_row(row: Any) -> str:
            invalid.append(row)
            return "error"

        label, delimiter, shift = self.label, self.delimiter, self.shift
        names = _csv_names(self.path, delimiter, self.encoding, self.offset)
        with pa.OSFile(str(self.path)) as fh:  # pyarrow's own file: no Python in the reads
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
                raise _csv_refusal(label, exc, invalid, delimiter, shift) from None
            with contextlib.closing(reader):
                while True:
                    try:
                        batch = reader.read_next_batch()
                    except StopIteration:
                        return
                    except (pa.ArrowInvalid, OSError) as exc:
                        raise _csv_refusal(label, exc, invalid, delimiter, shift) from None
                    yield batch


def text_encoding(head: bytes) -> tuple[str, int]:
    """The text encoding a file's byte-order mark names (UTF-8 without one) and where the text
    starts: the one rule every reader of text files follows."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    return "utf-8", 0


def sep_line(line: str) -> str | None:
    """The delimiter an Excel ``sep=,`` line names, or None when the line is not one."""
    found = _SEP_LINE.match(line)
    return found.group("delimiter") if found else None


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
    """Which of the leading ``rows`` (byte offset, text) is the header (``pick_header``)."""
    return pick_header([_cells(text, delimiter) for _, text in rows])


def _csv_refusal(
    label: str, exc: Exception, invalid: list[Any], delimiter: str, shift: int = 0
) -> ImportRejected:
    """Why the CSV reader stopped; ``shift`` is how many rows lie above the header."""
    if invalid:
        bad = invalid[0]
        where = f"row {bad.number + shift}" if bad.number is not None else "a row"
        return ImportRejected(
            f"{label}: {where} has {plural(bad.actual_columns, 'value')} but the header has "
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
    """pyarrow's read options for a file in ``encoding``, one thread."""
    options = pcsv.ReadOptions(
        use_threads=False, encoding="utf8" if encoding == "utf-8" else encoding
    )
    if block_size is not None:
        options.block_size = block_size
    return options


def _csv_parsing(delimiter: str, on_invalid: Any = None) -> pcsv.ParseOptions:
    """pyarrow's parse options: blank lines kept as rows, so rows keep their numbers."""
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
