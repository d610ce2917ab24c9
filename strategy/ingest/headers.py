"""A file's header: which row it is (below title and description rows), its names with a
stated date format taken off, and the names as declarations and layouts compare them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import pyarrow as pa

from strategy.domain.metrics import normalise_name
from strategy.ingest.dates import FORMAT_NOTE, DateFormat, stated_format

DATE_COLUMNS: Final[frozenset[str]] = frozenset({"date", "ts"})
"""Columns whose header may state a date format."""


HEADER_SEARCH_ROWS: Final[int] = 10
"""How many non-blank rows at the top (after a ``sep=`` line) the header is looked for in."""


_DATE_NAME: Final[re.Pattern[str]] = re.compile(r"(?:^|_)(?:date|day|time|timestamp|ts)$")
"""A column name that says it holds dates: ``Date``, ``Publish time``, ``interval_start_ts``."""


def pick_header(rows: Sequence[Sequence[str]]) -> int:
    """Which of ``rows`` (each row's non-blank cells) is the header, among the first
    ``HEADER_SEARCH_ROWS`` that hold something: the first with a date column name and another
    name (a cell with a letter), else the first with two or more cells, else the first that
    holds anything."""
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
    """Whether a header cell names a date column (a stated format taken off)."""
    note = FORMAT_NOTE.match(cell)
    name = normalise_name(note.group("name") if note else cell)
    return bool(_DATE_NAME.search(name))


def named_columns(names: list[str], used: Sequence[bool] = ()) -> list[str]:
    """The names up to the last one given or (``used``) whose column holds something."""
    end = len(names)
    while end and not names[end - 1].strip() and not (end <= len(used) and used[end - 1]):
        end -= 1
    return names[:end]


def column_names(
    names: list[str], label: str, year: int | None = None
) -> tuple[list[str], dict[str, DateFormat]]:
    """Column names with a stated date format taken off, and the formats by column."""
    columns: list[str] = []
    formats: dict[str, DateFormat] = {}
    for raw in names:
        note = FORMAT_NOTE.match(raw)
        if note and normalise_name(note.group("name")) in DATE_COLUMNS:
            name = note.group("name")
            formats[name] = stated_format(note.group("format"), raw, label, year)
            columns.append(name)
        else:
            columns.append(raw)
    return columns, formats


def column_map(schema: pa.Schema) -> dict[str, str]:
    """Normalised column name -> the name as spelled in the file (first spelling wins)."""
    out: dict[str, str] = {}
    for raw in schema.names:
        out.setdefault(normalise_name(raw), raw)
    return out
