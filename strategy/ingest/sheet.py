"""A CSV file or a workbook's sheet, opened: its header, and its columns read a batch at a
time into the arrow columns the parquet path reads."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import normalise_name
from strategy.ingest.cells import as_numbers, blank_rows, is_text
from strategy.ingest.dates import DateFormat, parse_dates


class BatchSource(Protocol):
    """Rows of a file as arrow batches of every column, in file order (header left out)."""

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The next rows, as many as the reader takes at a time."""
        ...


@dataclass(frozen=True, eq=False)
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
    source: BatchSource
    """Where the rows come from: the CSV reader or the workbook's sheet, a batch at a time."""
    formats: dict[str, DateFormat] = field(default_factory=dict)
    width: int = 0
    """How many columns the rows hold, the ones left out included."""
    thousands: bool = False
    """Whether text numbers may hold commas between groups of three digits (a
    comma-separated CSV file, where a comma inside a quoted number cannot be a decimal one)."""
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """Rows above the header that hold something: (row number, its text shortened)."""

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
        raw = self.source.batches()
        row = self.first_row
        held: list[pa.RecordBatch] = []  # blank rows: they count only if data follows
        for batch in raw:
            for i in unnamed:
                filled = (~blank_rows([batch.column(i)])).nonzero()[0]
                if len(filled):
                    raise ImportRejected(
                        f"{self.label}: a column has no name but holds values (row "
                        f"{row + int(filled[0])}); name it or delete it"
                    )
            picked = pa.record_batch([batch.column(i) for i in positions], names=list(columns))
            filled = (~blank_rows(batch.columns)).nonzero()[0]
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
            if stated is not None and is_text(column.type):
                column = parse_dates(column, stated, self.label, name, first)
            elif normalise_name(name) not in _TEXT_COLUMNS and is_text(column.type):
                column = as_numbers(column, thousands=self.thousands)
            out.append(column)
        return out


_TEXT_COLUMNS: Final[frozenset[str]] = frozenset(
    {"date", "ts", "platform", "metric", "member_id", "kind", "by_brand"}
)
"""Columns kept as text: everything else of a layout is a number (value, each metric)."""


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
