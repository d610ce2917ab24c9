"""The platforms' own analytics exports, each declared once as data
(``strategy.ingest.export_specs``), read as downloaded.

A known export is one ``Export``: the header that recognises it, its date format, where its
platform comes from, and what each column becomes (a metric, with the weekly aggregation
the metric's name gives it in ``strategy.domain.metrics``, or ignored, with the reason), plus the
metrics built from several columns (``member_interactions`` as the sum of likes, replies,
reposts...; ``followers_gained`` as new follows less unfollows). ``read_export`` finds the
export a file is (every sheet's header, looking past a ``sep=,`` line, a title line or a
description row), and turns it into long rows (day, platform, metric, value) that the long
layout's checks and weekly aggregation then take as they take any long file.

The shapes are those of the files as the platforms publish them (issue 17 lists them):
text in UTF-8 (with or without a BOM) or UTF-16 with a BOM, dates in the platform's own
format, thousands separators in numbers.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd
import python_calamine as calamine

from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import Agg, normalise_name, valid_platform_name
from strategy.ingest.cells import number
from strategy.ingest.csv_files import sep_line, text_encoding
from strategy.ingest.export_specs import EXPORTS, META_TITLES, Column, Export, ignored, metric
from strategy.ingest.file_kinds import FileKind
from strategy.ingest.xlsx import workbook_sheets

__all__ = [
    "EXPORTS",
    "HEADER_SEARCH_ROWS",
    "LAYOUT_MARK",
    "META_TITLES",
    "Column",
    "Export",
    "ExportRows",
    "Recognised",
    "header_name",
    "ignored",
    "mappable_header",
    "metric",
    "number",
    "platform_of",
    "read_export",
    "recognise",
]

LAYOUT_MARK: Final[str] = "platform"
"""A header with a ``platform`` column is a layout file (long, wide, events), never an export."""

HEADER_SEARCH_ROWS: Final[int] = 6
"""How many rows from a sheet's top may hold its header (a ``sep=,`` line, a title line,
a description row come first in some exports)."""


@dataclass(frozen=True)
class Recognised:
    """An export found in a file: which, on which sheet, and its rows as read."""

    export: Export
    sheet: str
    header_row: int
    """0-based index of the header among ``rows``."""
    header: tuple[str, ...]
    rows: list[list[Any]]
    title: str
    """The title line above the header (Meta's ``Facebook follows``), or empty."""


@dataclass(frozen=True)
class ExportRows:
    """An export turned into long rows (day, platform, metric, value), and what to say."""

    title: str
    frame: pd.DataFrame
    aggregations: Mapping[str, Agg]
    rows: int
    """The file's rows of data read (its days, or its posts)."""
    notes: tuple[str, ...]
    ignored: tuple[str, ...]
    """Each ignored column with the reason, ``Tweet id (an identifier, ...)``."""
    header: tuple[str, ...] = ()
    """The header's cells as written (a revenue column's currency is read from them)."""


def header_name(cell: Any) -> str:
    """A header cell as the declarations name columns: text, lower case, single spaces."""
    return " ".join(str(cell if cell is not None else "").replace("\ufeff", "").split()).lower()


def read_export(
    path: Path,
    label: str,
    kind: str,
    *,
    platform: str | None = None,
    year: int | None = None,
    mappings: Sequence[Export] = (),
    mapping: str | None = None,
) -> ExportRows | None:
    """The long rows of ``path`` when it is a known export or a saved mapping's file, else
    None (a layout file, or one to map). ``mapping`` names the saved mapping to read it with
    (``mappings`` are the workspace's, as declarations). A recognised file that cannot be
    read as its export is refused, naming the file, row or column and the fix."""
    if mapping is not None:
        chosen = [m for m in mappings if m.key == f"mapping:{mapping}"]
        if not chosen:
            raise ImportRejected(f"{label}: no mapping is named {mapping!r} in this workspace")
        found = recognise(path, label, kind, chosen)
        if found is None:
            expected = ", ".join(chosen[0].signature)
            raise ImportRejected(
                f"{label}: mapping {mapping!r} was made for a file with the columns "
                f"{expected}; this file's header differs"
            )
    else:
        found = recognise(path, label, kind, (*EXPORTS, *mappings))
    if found is None:
        return None
    spec = found.export
    if spec.refusal:
        raise ImportRejected(f"{label}: this is {spec.title}, which {spec.refusal}")
    found = dataclasses.replace(found, rows=_rows(path, label, kind, found.sheet))
    where = "" if spec.platform_column else platform_of(found, label, platform)
    days = _dates(found, label, year)
    frame = _long_rows(found, where, days, label)
    ignored_columns = tuple(
        f"{name} ({rule.why_ignored})"
        for name in found.header
        if (rule := spec.columns.get(name)) is not None and rule.metric is None
    )
    sheet = f", sheet {found.sheet!r}" if found.sheet else ""
    rows = sum(day is not None for day in days)
    title = f"{spec.title}{sheet}"
    written = tuple(str(c) for c in found.rows[found.header_row] if c is not None)
    return ExportRows(title, frame, spec.aggregations, rows, spec.notes, ignored_columns, written)


def recognise(
    path: Path, label: str, kind: str, specs: Sequence[Export] = EXPORTS
) -> Recognised | None:
    """The export of ``specs`` that ``path`` is, looking at every sheet's first rows; None
    if none."""
    best: Recognised | None = None
    for sheet, rows in _heads(path, label, kind):
        for index, row in enumerate(rows):
            names = tuple(header_name(c) for c in row)
            present = set(names)
            if LAYOUT_MARK in present:
                return None  # a file in one of the layouts names its platform per row
            for spec in specs:
                fits = set(spec.signature) <= present and not present & set(spec.excludes)
                fits = fits and (not spec.exact or set(spec.signature) == present - {""})
                if fits and (best is None or len(spec.signature) > len(best.export.signature)):
                    title = _title_above(rows, index)
                    best = Recognised(spec, sheet, index, names, rows, title)
        if best is not None:
            return best
    return None


def mappable_header(path: Path, label: str, kind: str) -> tuple[str, ...]:
    """The header a mapping would be made for: of the first sheet, the first row of two or
    more named cells (past a ``sep=`` line or a title); empty for a file in a layout (it
    has a ``platform`` column) or without such a row."""
    for _, rows in _heads(path, label, kind):
        for row in rows:
            names = tuple(header_name(c) for c in row)
            while names and not names[-1]:
                names = names[:-1]
            if len([n for n in names if n]) >= 2 and sep_line(names[0]) is None:
                return () if LAYOUT_MARK in names else names
        return ()
    return ()


def _title_above(rows: Sequence[Sequence[Any]], index: int) -> str:
    """The one-cell line just above the header, which is not a ``sep=`` line."""
    for row in reversed(rows[:index]):
        cells = [str(c).strip() for c in row if str(c if c is not None else "").strip()]
        if len(cells) == 1 and sep_line(cells[0]) is None:
            return cells[0]
    return ""


def _heads(path: Path, label: str, kind: str) -> Iterator[tuple[str, list[list[Any]]]]:
    """Each sheet's first rows, where a header is looked for: one unnamed sheet for a text
    file, each sheet of a workbook. Only these are read to recognise a file, so a large
    file in a layout costs no more than before."""
    if kind == FileKind.CSV:
        yield "", _text_rows(path, HEADER_SEARCH_ROWS)
        return
    try:
        yield from workbook_sheets(path, label, kind, limit=HEADER_SEARCH_ROWS)
    except (ImportRejected, calamine.CalamineError):
        return  # not a workbook that reads: the layout path names what is wrong


def _rows(path: Path, label: str, kind: str, sheet: str) -> list[list[Any]]:
    """Every row of the sheet a recognised export is on."""
    if kind == FileKind.CSV:
        return _text_rows(path)
    return next(rows for _, rows in workbook_sheets(path, label, kind, only=sheet))


def _text_rows(path: Path, limit: int | None = None) -> list[list[Any]]:
    """A text export's first ``limit`` records (all: None): UTF-16 with a BOM (Meta), UTF-8
    with or without one, read by the same encoding rule as every CSV file
    (``strategy.ingest.csv_files.text_encoding``)."""
    with path.open("rb") as raw:
        encoding, start = text_encoding(raw.read(4))
        raw.seek(start)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            first = text.readline()
            delimiter = sep_line(first.split("\n", 1)[0]) or ","
            records = csv.reader(itertools.chain([first], text), delimiter=delimiter)
            return _past_comments(records, limit)
        except UnicodeDecodeError:
            return []  # not text in its encoding: the layout path refuses it, naming the line


def _past_comments(records: Iterator[list[str]], limit: int | None) -> list[list[Any]]:
    """The first ``limit`` records (all: None), the comment lines above the header (``#``,
    as a web-analytics export starts: ``# Start date: 20261102``) kept as empty rows, so
    rows keep their numbers, and not counted in ``limit``."""
    out: list[list[Any]] = []
    counted = 0
    for record in records:
        comment = counted == 0 and (not record or str(record[0]).lstrip().startswith("#"))
        out.append([] if comment else record)
        counted += not comment
        if limit is not None and counted >= limit:
            break
    return out


def platform_of(found: Recognised, label: str, given: str | None) -> str:
    """The platform: given (``--platform`` always wins), the export's own, or the title's."""
    if given:
        return valid_platform_name(given)
    if found.export.platform:
        return found.export.platform
    words = found.title.split()
    if words:
        return valid_platform_name(words[0])
    raise ImportRejected(
        f"{label}: {found.export.title} does not say which platform it is of; give the "
        "platform (import WS FILE --platform NAME, or the Platform field of the Upload page)"
    )


_YEAR_IN_NAME: Final[re.Pattern[str]] = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _dates(found: Recognised, label: str, year: int | None) -> list[dt.date | None]:
    """Each data row's day (None for a blank row), by the export's date format."""
    spec = found.export
    column = found.header.index(spec.date) if spec.date in found.header else -1
    if column < 0:
        raise ImportRejected(f"{label}: {spec.title} without its {spec.date!r} column")
    if spec.year_less and year is None:
        in_name = _YEAR_IN_NAME.search(Path(label).name)
        if in_name is None:
            raise ImportRejected(
                f"{label}: the dates of this {spec.title} have no year (like "
                f"{_first_value(found, column)!r}) and the file's name holds none; give the "
                "year (import WS FILE --year YYYY, or the Year field of the Upload page)"
            )
        year = int(in_name.group(1))
    out: list[dt.date | None] = []
    previous_month: int | None = None
    for at_row, row in _data_rows(found):
        raw = row[column] if column < len(row) else None
        if raw is None or str(raw).strip() == "":
            out.append(None)
            continue
        day = _day(raw, spec, label, at_row)
        if spec.year_less and year is not None:
            if previous_month is not None and day.month < previous_month - 6:
                year += 1  # December, then January: the file runs into the next year
            elif previous_month is not None and day.month > previous_month + 6:
                year -= 1  # newest first: January, then December
            day = day.replace(year=year)
            previous_month = day.month
        out.append(day)
    return out


def _first_value(found: Recognised, column: int) -> Any:
    """The first non-blank cell of a column below the header (to show in a refusal)."""
    return next((r[column] for _, r in _data_rows(found) if column < len(r) and r[column]), "")


def _data_rows(found: Recognised) -> Iterator[tuple[int, list[Any]]]:
    """(row number as a spreadsheet counts it, cells) of each row below the header."""
    for index in range(found.header_row + 1, len(found.rows)):
        yield index + 1, found.rows[index]


def _day(raw: Any, spec: Export, label: str, row: int) -> dt.date:
    """A date cell read as the export writes dates (a date cell as it is), else refused."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    formats = (spec.date_format, *spec.alternatives) if spec.date_format else spec.alternatives
    for fmt in formats:
        try:
            if "%Y" in fmt or "%y" in fmt:
                parsed = dt.datetime.strptime(text, fmt)
            else:  # year-less: parsed in a leap year, so February 29 reads; the year is set later
                parsed = dt.datetime.strptime(f"{text} 2000", f"{fmt} %Y")
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(dt.UTC)
        return parsed.date()
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        shown = spec.date_format or "YYYY-MM-DD"
        raise ImportRejected(
            f"{label}: row {row}, column {spec.date!r}: {text[:40]!r} is not a date as "
            f"{spec.title} writes them ({shown})"
        ) from None
    return (stamp.astimezone(dt.UTC) if stamp.tzinfo is not None else stamp).date()


def _long_rows(
    found: Recognised, platform: str, days: Sequence[dt.date | None], label: str
) -> pd.DataFrame:
    """The export's long rows (date, platform, metric, value), one per day and metric."""
    spec = found.export
    title_metric = _title_metric(found) if spec.key == "meta_series" else ""
    position = {name: i for i, name in enumerate(found.header)}
    records: list[tuple[dt.date, str, str, float]] = []
    for (_, row), day in zip(_data_rows(found), days, strict=True):
        at = _row_platform(spec, row, position, platform)
        if day is None or at is None:
            continue
        values = {
            name: number(row[i]) if i < len(row) and name != spec.platform_column else None
            for name, i in position.items()
        }
        for name, rule in spec.columns.items():
            value = values.get(name)
            if rule.metric is None or value is None:
                continue
            records.append((day, at, rule.metric or title_metric, value))
        for made, parts in spec.sums.items():
            present = [values[p] for p in parts if values.get(p) is not None]
            if present:
                records.append((day, at, made, float(sum(v for v in present if v is not None))))
        for made, (plus, minus) in spec.differences.items():
            a, b = values.get(plus), values.get(minus)
            if a is not None and b is not None:
                records.append((day, at, made, a - b))
        for made, (count, share) in spec.products.items():
            n, pct = values.get(count), values.get(share)
            if n is not None and pct is not None:
                records.append((day, at, made, n * (pct / 100 if pct > 1 else pct)))
        if spec.per_post:
            records.append((day, at, "brand_posts", 1.0))
    if not records:
        raise ImportRejected(f"{label}: {spec.title} with no rows of numbers below its header")
    daily = pd.DataFrame(records, columns=["date", "platform", "metric", "value"])
    return daily.groupby(["date", "platform", "metric"], as_index=False, sort=True).agg(
        value=("value", "sum")
    )


def _row_platform(
    spec: Export, row: Sequence[Any], position: Mapping[str, int], platform: str
) -> str | None:
    """A row's platform: the file's, or by its source column's value (a mapping's sources:
    the whole value, ``instagram.com / referral``, or its source, ``instagram.com``); None
    for a row of a source that is not one of them (not social: left out)."""
    if not spec.platform_column:
        return platform
    i = position.get(spec.platform_column, -1)
    value = header_name(row[i]) if 0 <= i < len(row) else ""
    found = spec.platform_values.get(value)
    return found or spec.platform_values.get(value.split(" / ")[0].strip())


def _title_metric(found: Recognised) -> str:
    """The metric a Meta Business Suite chart's title names: ``Facebook follows`` -> gains."""
    words = found.title.split(maxsplit=1)
    rest = header_name(words[1]) if len(words) > 1 else ""
    return META_TITLES.get(rest, normalise_name(rest) or "value")
