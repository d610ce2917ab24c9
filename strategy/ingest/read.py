"""Read a metric file (parquet, CSV, xlsx or xls; long, wide or events layout) into the long
weekly table.

Ingestion only reads: it returns an ``ImportedFile`` or raises ``ImportRejected`` with a
message that starts with the file name and names the problem, column and first row. Storing
the result is the store's job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from strategy.domain import clock
from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import Agg, empty_daily, normalise_name
from strategy.domain.settings import DEFAULT_RETURNING_WEEKS
from strategy.domain.value import CURRENCY_COLUMN, is_revenue_column, revenue_currency
from strategy.ingest import events, exports, spreadsheets
from strategy.ingest.column_checks import MAX_VALUE
from strategy.ingest.file_kinds import FileKind
from strategy.ingest.layouts import (
    ACCEPTED,
    LAYOUTS,
    Layout,
    detect_layout,
    layout_of,
    table_columns,
)
from strategy.ingest.parquet import PANDAS_INDEX, parquet_footer, read_parquet_table
from strategy.ingest.sizes import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ENV,
    MAX_TABLE_BYTES,
    check_file,
    check_table_size,
    max_import_bytes,
)
from strategy.ingest.weekly import long_weekly

__all__ = [
    "ACCEPTED",
    "LAYOUTS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ENV",
    "MAX_TABLE_BYTES",
    "MAX_VALUE",
    "ImportedFile",
    "Layout",
    "detect_layout",
    "max_import_bytes",
    "read_metrics",
]


@dataclass(frozen=True, eq=False)
class ImportedFile:
    """A validated metric file, normalised to the long weekly table (no derived ratios)."""

    name: str
    layout: str
    rows: int
    weekly: pd.DataFrame
    platforms: tuple[str, ...]
    first_week: dt.date
    last_week: dt.date
    metrics: tuple[str, ...]
    data_through: dict[str, dt.date]
    """Per platform, the last day its data covers: how complete its last week is."""
    daily: pd.DataFrame = dataclasses.field(default_factory=lambda: empty_daily(), repr=False)
    """The changes' values per day (``empty_daily``'s columns), for exact baselines."""
    chosen: Mapping[str, Agg] = dataclasses.field(default_factory=dict)
    """Weekly aggregations a saved mapping chose over the metric names' rule."""
    notes: tuple[str, ...] = ()
    """What the import says about how the file was read: rows skipped above the header, how
    a platform's export was read (``strategy.ingest.exports``)."""
    currencies: tuple[tuple[str, str], ...] = ()
    """The currencies the file states for its revenue: (the column as written, the code), from
    a revenue column's name (``Revenue (USD)``) or a ``currency`` column; the import checks
    them against the workspace's (``strategy.domain.value.check_currency``)."""

    @property
    def named_metrics(self) -> tuple[str, ...]:
        """The metrics the file names itself (a long or wide layout's metric cells or
        columns), which may be misspelt; an export's, a mapping's and an events file's
        metrics are named by the product or a saved mapping."""
        return self.metrics if self.layout in (Layout.LONG, Layout.WIDE) else ()


def read_metrics(
    path: Path,
    *,
    name: str | None = None,
    today: dt.date | None = None,
    returning: int = DEFAULT_RETURNING_WEEKS,
    platform: str | None = None,
    year: int | None = None,
    mappings: Sequence[exports.Export] = (),
    mapping: str | None = None,
) -> ImportedFile:
    """Validate a metric file (parquet, CSV, xlsx or xls) and normalise it to the long weekly
    table.

    ``name`` (default ``path.name``) starts every message; a date after ``today`` (default:
    today in UTC) is refused. The kind of file comes from the path's ending (else the name's,
    else the content: ``strategy.ingest.spreadsheets.file_kind``). ``returning`` is the returning
    window in weeks of an events file (``strategy.ingest.events.derive_weekly_events``). A
    platform's own export (``strategy.ingest.exports``) is read as it was downloaded: ``platform``
    names its platform when the file cannot (and always wins). ``year`` is the year of dates
    written without one, in an export (TikTok's ``August 31``) or under a header stating a
    format without one (``date (MMMM D)``). ``mappings`` are the workspace's saved mappings
    (``strategy.ingest.mappings``), tried after the known exports; ``mapping`` names the one to read
    the file with. Writes nothing.
    """
    label = path.name if name is None else name
    day = clock.today() if today is None else today
    check_file(path, label)
    kind = spreadsheets.file_kind(path, label)
    if kind != FileKind.PARQUET:
        export = exports.read_export(
            path, label, kind, platform=platform, year=year, mappings=mappings, mapping=mapping
        )
        if export is not None:
            return _with_revenue(_read_export(export, label, day), export.header)
        return _read_spreadsheet(path, label, kind, day, returning, year)
    meta = parquet_footer(path, label)
    schema = meta.schema.to_arrow_schema()
    columns = [c for c in schema.names if not PANDAS_INDEX.fullmatch(c)]
    layout = layout_of(columns, label)
    if meta.num_rows == 0:
        raise ImportRejected(f"{label}: the file has no rows")
    if layout == Layout.EVENTS:
        weekly, through = events.read_events(path, name=label, today=day, returning=returning)
        return _imported(label, layout, meta.num_rows, weekly, through)
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    check_table_size(size, layout, label)
    cols, stated = _currency_column(
        columns,
        layout,
        label,
        lambda c: read_parquet_table(path, label, [c]).column(0).to_pylist(),
    )
    table = read_parquet_table(path, label, list(cols.values()))
    weekly, through, daily = long_weekly(table, cols, layout, label, day, 1)
    found = _imported(label, layout, meta.num_rows, weekly, through, daily=daily)
    return _with_revenue(found, columns, stated)


def _currency_column(
    columns: Sequence[str], layout: str, label: str, values: Callable[[str], list[object]]
) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """The columns a layout reads, a ``currency`` column left out, and the currency it
    states: (column, code), one code a file (``values`` reads a column's cells)."""
    cols = table_columns(columns, layout)
    cols.pop(CURRENCY_COLUMN, None)
    column = next((c for c in columns if normalise_name(c) == CURRENCY_COLUMN), None)
    if column is None:
        return cols, ()
    codes = sorted({str(v).strip().upper() for v in values(column) if str(v or "").strip()})
    if len(codes) > 1:
        raise ImportRejected(
            f"{label}: column {column!r} holds {', '.join(codes)}; expected one currency a "
            "file, the workspace's"
        )
    return cols, ((column, codes[0]),) if codes else ()


def _with_revenue(
    found: ImportedFile, columns: Sequence[str], stated: tuple[tuple[str, str], ...] = ()
) -> ImportedFile:
    """The file with the currencies it states for its revenue (a column's name, ``Revenue
    (USD)``, or a ``currency`` column), and a revenue column named with its currency
    (``revenue_(eur)``) read as ``revenue``; the import checks the currency."""
    named = [(c, code) for c in map(str, columns) if (code := revenue_currency(c))]
    named = named or [(m, code) for m in found.metrics if (code := revenue_currency(m))]
    renamed = {m: "revenue" for m in found.metrics if is_revenue_column(m)}
    if not named and not stated:
        return found
    weekly = found.weekly
    if renamed and "revenue" not in found.metrics:
        weekly = weekly.assign(metric=weekly["metric"].replace(renamed))
    shown = tuple(dict.fromkeys((*stated, *named)))
    return dataclasses.replace(
        found,
        weekly=weekly,
        metrics=tuple(sorted(weekly["metric"].unique())),
        currencies=shown,
    )


def _read_export(export: exports.ExportRows, label: str, day: dt.date) -> ImportedFile:
    """A recognised export's long rows, checked and aggregated as any long file's are."""
    table = pa.Table.from_pandas(export.frame, preserve_index=False)
    cols = {c: c for c in LAYOUTS[Layout.LONG]}
    chosen = export.aggregations
    weekly, through, daily = long_weekly(table, cols, Layout.LONG, label, day, 1, chosen)
    found = _imported(label, export.title, export.rows, weekly, through, daily=daily)
    ignored = (f"ignored: {'; '.join(export.ignored)}",) if export.ignored else ()
    return dataclasses.replace(
        found, notes=(*export.notes, *ignored), chosen=dict(export.aggregations)
    )


def _read_spreadsheet(
    path: Path, label: str, kind: str, day: dt.date, returning: int, year: int | None = None
) -> ImportedFile:
    """A CSV file or a workbook's sheet, validated as a parquet file of the same columns is.

    Long and wide files are loaded whole. An events file is converted, a batch at a time,
    to a temporary parquet file for DuckDB, whose refusals name the converted file's rows:
    they are renamed to the spreadsheet's. Rows skipped above the header are said in the
    result's notes, and in a refusal of the header.
    """
    with spreadsheets.open_spreadsheet(path, label, kind, year=year) as sheet:
        try:
            layout = layout_of(sheet.columns, label)
        except ImportRejected as exc:
            if not sheet.notes:
                raise
            raise ImportRejected(f"{exc} ({'; '.join(sheet.notes)})") from None
        if layout == Layout.EVENTS:
            cols = {normalise_name(c): c for c in sheet.columns}
            picked = [cols[c] for c in events.EVENT_COLUMNS]
            with tempfile.TemporaryDirectory(prefix=events.temp_prefix("events")) as folder:
                converted = Path(folder) / "events.parquet"
                rows = sheet.write_parquet(picked, converted)
                if rows == 0:
                    raise ImportRejected(f"{label}: the file has no rows")
                try:
                    weekly, through = events.read_events(
                        converted, name=label, today=day, returning=returning
                    )
                except ImportRejected as exc:
                    shift = sheet.first_row - 1
                    raise ImportRejected(
                        spreadsheets.renumber_rows(str(exc), label, shift)
                    ) from None
            return _imported(label, layout, rows, weekly, through, sheet.notes)
        check_table_size(sheet.data_bytes, layout, label)
        cols, stated = _currency_column(
            sheet.columns,
            layout,
            label,
            lambda c: sheet.read([c]).column(0).to_pylist(),
        )
        table = sheet.read(list(cols.values()))
        if table.num_rows == 0:
            raise ImportRejected(f"{label}: the file has no rows")
        weekly, through, daily = long_weekly(table, cols, layout, label, day, sheet.first_row)
        found = _imported(label, layout, table.num_rows, weekly, through, sheet.notes, daily)
        return _with_revenue(found, sheet.columns, stated)


def _imported(
    label: str,
    layout: str,
    rows: int,
    weekly: pd.DataFrame,
    through: dict[str, dt.date],
    notes: tuple[str, ...] = (),
    daily: pd.DataFrame | None = None,
) -> ImportedFile:
    """The ``ImportedFile`` of a weekly table: its platforms, weeks and metrics read from it."""
    return ImportedFile(
        name=label,
        layout=str(layout),  # a layout, or the title of the export read
        rows=rows,
        weekly=weekly,
        platforms=tuple(sorted(weekly["platform"].unique())),
        first_week=weekly["week"].min().date(),
        last_week=weekly["week"].max().date(),
        metrics=tuple(sorted(weekly["metric"].unique())),
        data_through=through,
        notes=notes,
        daily=empty_daily() if daily is None else daily,
    )
