"""CSV, xlsx and xls metric files, read into the arrow columns the parquet path reads.

``strategy.ingest.read`` validates every layout the same way whatever the file; this module only
turns a spreadsheet into columns, refusing what makes a spreadsheet ambiguous: text that is
not UTF-8 or UTF-16 with its byte-order mark, a delimiter that is not clear from the header
(or a ``sep=`` first line), a workbook whose sheet to read is not clear. The header is found
below title and description rows (``strategy.ingest.headers``), and the rows skipped are
said (``Spreadsheet.notes``). Rows are named as a spreadsheet user counts them: the header is a
row too, so below a header on row 1 the first data row is row 2 (``Spreadsheet.first_row``).

Cells become arrow columns like this:

- CSV: every cell is read as text (``pyarrow.csv``, one block at a time, so no guess from
  the first rows can fail on a later row). A column that must hold numbers is cast to
  float64 when every non-blank cell is a number (``nan`` and ``inf`` included, for the
  checks to name them; in a comma-separated file ``15,000`` too, ``THOUSANDS``), else left
  as text for ``strategy.ingest.read`` to name the first bad cell. Dates stay ISO text, as in a
  parquet text column.
- xlsx and xls (``python-calamine``; an .xls file in a child process, ``strategy.ingest.xls``): a
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

This module opens the file (``open_spreadsheet``); the work is done by one module a job:
``file_kinds`` (which kind of file), ``csv_files``, ``xlsx``, ``xlsx_formulas`` and ``xls``
(the readers), ``headers`` (where the header is), ``dates`` (stated formats), ``cells``
(text, blanks and numbers) and ``sheet`` (the opened sheet, read a batch at a time).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from strategy.ingest.cells import THOUSANDS
from strategy.ingest.csv_files import DELIMITERS, open_csv, sep_line, text_encoding
from strategy.ingest.dates import (
    SUGGESTED_FORMATS,
    DateFormat,
    date_format,
    format_advice,
    suggested_formats,
)
from strategy.ingest.file_kinds import SUFFIXES, FileKind, file_kind
from strategy.ingest.headers import DATE_COLUMNS, HEADER_SEARCH_ROWS
from strategy.ingest.sheet import Spreadsheet, renumber_rows
from strategy.ingest.xls import XLS_MEMORY_BYTES, XLS_SECONDS
from strategy.ingest.xlsx import SHEET_NAME, open_sheet, open_workbook, workbook_sheets

__all__ = [
    "DATE_COLUMNS",
    "DELIMITERS",
    "HEADER_SEARCH_ROWS",
    "SHEET_NAME",
    "SUFFIXES",
    "SUGGESTED_FORMATS",
    "THOUSANDS",
    "XLS_MEMORY_BYTES",
    "XLS_SECONDS",
    "DateFormat",
    "FileKind",
    "Spreadsheet",
    "date_format",
    "file_kind",
    "format_advice",
    "open_spreadsheet",
    "renumber_rows",
    "sep_line",
    "suggested_formats",
    "text_encoding",
    "workbook_sheets",
]


@contextlib.contextmanager
def open_spreadsheet(
    path: Path, label: str, kind: str, *, year: int | None = None
) -> Iterator[Spreadsheet]:
    """The CSV file or the workbook's sheet to read, or why it is ambiguous or unreadable.

    ``year`` is the year of dates whose header states a format without one (``MMMM D``);
    without it such a format is refused, saying the year is missing.
    """
    if kind == FileKind.CSV:
        yield open_csv(path, label, year)
        return
    workbook = open_workbook(path, label, kind)
    with contextlib.closing(workbook):
        yield open_sheet(workbook, path, label, kind, year)
