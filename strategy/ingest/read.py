"""Read a metric file (parquet, CSV, xlsx or xls; long, wide or events layout) into the long
weekly table.

Ingestion only reads: it returns an ``ImportedFile`` or raises ``ImportRejected`` with a
message that starts with the file name and names the problem, column and first row. Storing
the result is the store's job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from strategy.domain import clock
from strategy.domain.errors import ImportRejected, ValidationError
from strategy.domain.formulas import formula_prefix_problem
from strategy.domain.metrics import (
    AUDIENCE,
    AUDIENCE_SOURCES,
    DERIVED,
    RESERVED_NAMES,
    SIGNED_METRICS,
    WEEKLY_COLUMNS,
    Agg,
    aggregation_for,
    derivation_text,
    empty_daily,
    normalise_name,
    platform_name_problem,
    show_name,
    week_start,
)
from strategy.ingest import events, exports, spreadsheets

LAYOUTS: Final[dict[str, tuple[str, ...]]] = {
    "long": ("date", "platform", "metric", "value"),
    "wide": ("date", "platform"),
    "events": events.EVENT_COLUMNS,
}
ACCEPTED: Final[str] = (
    "long (date, platform, metric, value), wide (date, platform, then one numeric column "
    "per metric) or events (ts, platform, member_id, kind, by_brand)"
)
MAX_VALUE: Final[float] = 1e12
"""Metric values above this are refused as too large to be real."""
MAX_TABLE_BYTES: Final[int] = 1 << 30
"""Long and wide files are loaded whole; beyond this uncompressed size they are refused."""
MAX_IMPORT_BYTES: Final[int] = 1 << 30
"""Files larger than this (1 GiB) are refused before they are read."""
MAX_IMPORT_ENV: Final[str] = "ROLLOUT_MAX_IMPORT_MB"
"""Environment variable that overrides ``MAX_IMPORT_BYTES``, in megabytes (MiB)."""

_PARQUET_MAGIC: Final[bytes] = b"PAR1"
_PANDAS_INDEX: Final[re.Pattern[str]] = re.compile(r"__index_level_\d+__")
_EVENT_MARKERS: Final[frozenset[str]] = frozenset({"ts", "member_id", "by_brand"})


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


def detect_layout(columns: Sequence[str]) -> str:
    """Name the layout ("long", "wide" or "events") that the column names describe.

    Names match case-insensitively after trimming (``normalise_name``); extra columns are
    ignored in the long and events layouts. Raises ``ImportRejected`` naming what was found.
    """
    names = [normalise_name(c) for c in columns]
    seen: dict[str, str] = {}
    for raw, norm in zip(columns, names, strict=True):
        if not norm:
            raise ImportRejected(f"a column has no name; expected the layout {ACCEPTED}")
        if norm in seen:
            raise ImportRejected(
                f"columns {seen[norm]!r} and {raw!r} have the same name once case and "
                "spaces are ignored; rename one"
            )
        seen[norm] = raw
    found = set(names)
    if found & _EVENT_MARKERS:
        layout = "events"
    elif found & {"metric", "value"}:
        layout = "long"
    elif {"date", "platform"} <= found:
        if len(found) == 2:
            raise ImportRejected(
                "looks like the wide layout (date, platform, then one numeric column per "
                "metric) but has no metric column"
            )
        return "wide"
    elif found & {"date", "platform"}:
        layout = "wide"
    else:
        shown = ", ".join(repr(c) for c in columns) or "none"
        raise ImportRejected(f"unrecognised layout: found columns {shown}; expected {ACCEPTED}")
    missing = [c for c in LAYOUTS[layout] if c not in found]
    if missing:
        expected = ", ".join(LAYOUTS[layout]) + (
            ", then one numeric column per metric" if layout == "wide" else ""
        )
        raise ImportRejected(
            f"looks like the {layout} layout ({expected}) but has no "
            + " and no ".join(repr(c) for c in missing)
            + " column"
        )
    return layout


def read_metrics(
    path: Path,
    *,
    name: str | None = None,
    today: dt.date | None = None,
    returning: int = events.DEFAULT_RETURNING_WEEKS,
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
    _check_file(path, label)
    kind = spreadsheets.file_kind(path, label)
    if kind != "parquet":
        export = exports.read_export(
            path, label, kind, platform=platform, year=year, mappings=mappings, mapping=mapping
        )
        if export is not None:
            return _read_export(export, label, day)
        return _read_spreadsheet(path, label, kind, day, returning, year)
    meta = _open(path, label)
    schema = meta.schema.to_arrow_schema()
    columns = [c for c in schema.names if not _PANDAS_INDEX.fullmatch(c)]
    layout = _layout(columns, label)
    if meta.num_rows == 0:
        raise ImportRejected(f"{label}: the file has no rows")
    if layout == "events":
        weekly, through = events.read_events(path, name=label, today=day, returning=returning)
    else:
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        _check_table_size(size, layout, label)
        cols = _table_columns(columns, layout)
        table = _read_table(path, label, list(cols.values()))
        weekly, through, daily = _long_weekly(table, cols, layout, label, day, 1)
        return _imported(label, layout, meta.num_rows, weekly, through, daily=daily)
    return _imported(label, layout, meta.num_rows, weekly, through)


def _read_export(export: exports.ExportRows, label: str, day: dt.date) -> ImportedFile:
    """A recognised export's long rows, checked and aggregated as any long file's are."""
    table = pa.Table.from_pandas(export.frame, preserve_index=False)
    cols = {c: c for c in LAYOUTS["long"]}
    weekly, through, daily = _long_weekly(table, cols, "long", label, day, 1, export.aggregations)
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
            layout = _layout(sheet.columns, label)
        except ImportRejected as exc:
            if not sheet.notes:
                raise
            raise ImportRejected(f"{exc} ({'; '.join(sheet.notes)})") from None
        if layout == "events":
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
        _check_table_size(sheet.data_bytes, layout, label)
        cols = _table_columns(sheet.columns, layout)
        table = sheet.read(list(cols.values()))
        if table.num_rows == 0:
            raise ImportRejected(f"{label}: the file has no rows")
        weekly, through, daily = _long_weekly(table, cols, layout, label, day, sheet.first_row)
        return _imported(label, layout, table.num_rows, weekly, through, sheet.notes, daily)


def _layout(columns: Sequence[str], label: str) -> str:
    try:
        return detect_layout(columns)
    except ImportRejected as exc:
        raise ImportRejected(f"{label}: {exc}") from None


def _check_table_size(size: int, layout: str, label: str) -> None:
    if size > MAX_TABLE_BYTES:
        raise ImportRejected(
            f"{label}: {size / 2**20:.0f} MB of {layout}-layout data is more than the "
            f"{MAX_TABLE_BYTES / 2**20:.0f} MB accepted; split the file or upload events"
        )


def _table_columns(columns: Sequence[str], layout: str) -> dict[str, str]:
    """Normalised name -> the name as spelled in the file, of the columns a layout reads."""
    cols = {normalise_name(c): c for c in columns}
    if layout == "long":
        cols = {key: cols[key] for key in LAYOUTS["long"]}
    return cols


def _long_weekly(
    table: pa.Table,
    cols: dict[str, str],
    layout: str,
    label: str,
    day: dt.date,
    first_row: int,
    chosen: Mapping[str, Agg] | None = None,
) -> tuple[pd.DataFrame, dict[str, dt.date], pd.DataFrame]:
    """The weekly table of a long or wide table (each metric aggregated by its rule, or as
    a saved mapping ``chosen``), how far it reaches, and its daily changes."""
    reader = _long_rows if layout == "long" else _wide_rows
    rows = reader(table, cols, label, day, first_row)
    return _weekly(rows, chosen), _data_through(rows), _changes(rows)


def _changes(rows: pd.DataFrame) -> pd.DataFrame:
    """The day-by-day values of the changes (``SIGNED_METRICS``), summed per day: kept
    beside the weekly sums so a baseline given on any day is exact
    (``strategy.domain.baselines.with_baselines``)."""
    signed = rows[rows["metric"].isin(SIGNED_METRICS)]
    if signed.empty:
        return empty_daily()
    days = pd.to_datetime(signed["ts"], utc=True).dt.tz_localize(None).dt.normalize()
    by_day = signed.assign(day=days.astype("datetime64[ns]")).groupby(
        ["day", "platform", "metric"], as_index=False
    )
    return by_day.agg(value=("value", "sum"))


def _imported(
    label: str,
    layout: str,
    rows: int,
    weekly: pd.DataFrame,
    through: dict[str, dt.date],
    notes: tuple[str, ...] = (),
    daily: pd.DataFrame | None = None,
) -> ImportedFile:
    return ImportedFile(
        name=label,
        layout=layout,
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


def max_import_bytes() -> int:
    """The largest file accepted: ``MAX_IMPORT_BYTES`` unless ``ROLLOUT_MAX_IMPORT_MB`` is set."""
    raw = os.environ.get(MAX_IMPORT_ENV, "").strip()
    if not raw:
        return MAX_IMPORT_BYTES
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < float("inf"):
        raise ValidationError(
            f"{MAX_IMPORT_ENV}: expected a positive number of megabytes, got {raw!r}"
        )
    return max(1, int(megabytes * 2**20))


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MB" if n >= 2**20 // 10 else f"{n:,} bytes"


def _check_file(path: Path, label: str) -> None:
    """Refuse a missing or empty file, or one over the size limit, before it is read."""
    if not path.is_file():
        raise ImportRejected(f"{label}: file not found")
    size = path.stat().st_size
    if size == 0:
        raise ImportRejected(f"{label}: the file is empty (0 bytes)")
    limit = max_import_bytes()
    if size > limit:
        raise ImportRejected(
            f"{label}: the file is {_size(size)}, more than the {_size(limit)} accepted; "
            "split it into smaller files"
        )


def _open(path: Path, label: str) -> pq.FileMetaData:
    """The parquet footer, or the reason the file is not a readable parquet file."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(max(size - 4, 0))
        tail = fh.read(4)
    if head != _PARQUET_MAGIC:
        raise ImportRejected(f"{label}: not a parquet file")
    try:
        return pq.read_metadata(path)
    except (pa.ArrowException, OSError) as exc:
        if size < 12 or tail != _PARQUET_MAGIC:
            raise ImportRejected(
                f"{label}: the parquet file is truncated (it ends before its footer); "
                "upload the complete file"
            ) from exc
        raise ImportRejected(f"{label}: the parquet file is damaged and cannot be read") from exc


def _read_table(path: Path, label: str, columns: list[str]) -> pa.Table:
    try:
        table = pq.read_table(path, columns=columns)
        table.validate(full=True)  # text that is not UTF-8 would fail later, mid-validation
        return table
    except (pa.ArrowException, OSError) as exc:
        raise ImportRejected(f"{label}: the parquet file is damaged and cannot be read") from exc


def _decoded(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col


def _first(mask: pd.Series | np.ndarray) -> int:
    """1-based data row of the first True in a positional mask."""
    return int(np.flatnonzero(np.asarray(mask))[0]) + 1


def _row(row: int, first_row: int) -> int:
    """Data row ``row`` (1-based) as the file's reader counts rows: ``first_row`` is the
    number of the first data row (1 in parquet; 2 in a spreadsheet, below its header)."""
    return row + first_row - 1


def _times(
    col: pa.ChunkedArray, label: str, column: str, today: dt.date, first_row: int
) -> pd.Series:
    """A date/timestamp/ISO-text column as naive-UTC ``datetime64[us]``, validated."""
    col = _decoded(col)
    t = col.type
    try:
        if pa.types.is_null(t):
            ts = pd.Series(pd.NaT, index=range(len(col)), dtype="datetime64[us]")
        elif pa.types.is_timestamp(t):
            ts = col.cast(pa.timestamp("us"), safe=t.unit != "ns").to_pandas()
        elif pa.types.is_date(t):
            ts = col.cast(pa.timestamp("us")).to_pandas()
        elif events.is_text(t):
            ts = _parse_times(col.to_pandas(), label, column, first_row)
        else:
            raise ImportRejected(
                f"{label}: column {column} must hold dates, timestamps or ISO date text; found {t}"
            )
    except pa.ArrowInvalid as exc:
        raise ImportRejected(f"{label}: column {column} holds a date out of range") from exc
    ts = pd.Series(ts, copy=False).reset_index(drop=True)
    if ts.isna().any():
        row = _row(_first(ts.isna()), first_row)
        raise ImportRejected(f"{label}: missing {column} at row {row}")
    tomorrow = pd.Timestamp(today + dt.timedelta(days=1))
    if (ts >= tomorrow).any():
        row = _first(ts >= tomorrow)
        raise ImportRejected(
            f"{label}: {column} {_show_time(ts.iloc[row - 1])} at row {_row(row, first_row)} "
            "is in the future "
            f"(today is {today.isoformat()})"
        )
    earliest = pd.Timestamp(clock.EARLIEST_DATE)
    if (ts < earliest).any():
        row = _first(ts < earliest)
        raise ImportRejected(
            f"{label}: {column} {_show_time(ts.iloc[row - 1])} at row {_row(row, first_row)} "
            "is before "
            f"{clock.EARLIEST_DATE.isoformat()}, too early to be real"
        )
    return ts.astype("datetime64[us]")


def _parse_times(text: pd.Series, label: str, column: str, first_row: int) -> pd.Series:
    """ISO date/time text -> naive UTC; text without an offset is taken as UTC."""
    blank = text.isna() | (text.str.strip() == "")
    parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    bad = parsed.isna() & ~blank
    if bad.any():
        row = _first(bad)
        value = text.iloc[row - 1]
        # a spreadsheet's first data row is row 2 or later; a parquet file's is row 1
        advice = (
            spreadsheets.format_advice(column, value)
            if first_row > 1
            else "write dates as ISO text (2026-03-02), or as a date or timestamp column"
        )
        raise ImportRejected(
            f"{label}: column {column} at row {_row(row, first_row)} holds "
            f"{value[:60]!r}, which is not a date; {advice}"
        )
    return parsed.dt.tz_localize(None).astype("datetime64[us]")


def _show_time(ts: pd.Timestamp) -> str:
    return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat(sep=" ")


def _platforms(col: pa.ChunkedArray, label: str, first_row: int) -> pd.Series:
    """The normalised platform column; more than ``MAX_PLATFORMS`` distinct names is refused."""
    platform = _names(col, label, "platform", first_row)
    count = platform.nunique()
    if count > events.MAX_PLATFORMS:
        raise ImportRejected(
            f"{label}: {count} distinct platforms; at most {events.MAX_PLATFORMS} are accepted "
            "(is the platform column holding something else?)"
        )
    problems = {p: why for p in platform.unique() if (why := platform_name_problem(p))}
    if problems:
        row = _first(platform.isin(list(problems)))
        name = platform.iloc[row - 1]
        raise ImportRejected(
            f"{label}: platform {show_name(name)} at row {_row(row, first_row)} {problems[name]}"
        )
    return platform


def _names(col: pa.ChunkedArray, label: str, column: str, first_row: int) -> pd.Series:
    """A text column of names, normalised; a missing or blank name is refused."""
    col = _decoded(col)
    if pa.types.is_null(col.type):
        raise ImportRejected(f"{label}: missing {column} at row {first_row}")
    if not events.is_text(col.type):
        raise ImportRejected(
            f"{label}: column {column} must hold {column} names (text); found {col.type}"
        )
    raw = pd.Series(col.to_pandas(), copy=False).reset_index(drop=True)
    mapping = {r: normalise_name(r) for r in raw.dropna().unique()}
    names = raw.map(mapping)
    missing = names.isna() | (names == "")
    if missing.any():
        row = _row(_first(missing), first_row)
        raise ImportRejected(f"{label}: missing {column} at row {row}")
    return names.astype("str")


def _numbers(
    col: pa.ChunkedArray, label: str, column: str, metric: pd.Series | str, first_row: int
) -> np.ndarray:
    """A numeric metric column as float64, refusing text, gaps, NaN, inf, negatives, huge.

    Text is read as numbers where it is one; ``nan`` is taken as NaN (and so refused as one).
    """
    col = _decoded(col)
    t = col.type
    if events.is_text(t):
        text = pd.Series(col.to_pandas(), copy=False).reset_index(drop=True)
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64")
        words = text.str.strip()
        present = text.notna() & (words != "")
        bad = present & np.isnan(values) & (words.str.lower() != "nan")
        if bad.any():
            row = _first(bad)
            raise ImportRejected(
                f"{label}: text {text.iloc[row - 1][:60]!r} in numeric column {column} at row "
                f"{_row(row, first_row)}"
            )
        null = ~present.to_numpy()
    elif pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        values = col.cast(pa.float64(), safe=False).to_numpy()
        null = col.is_null().to_numpy()
    elif pa.types.is_null(t):
        values = np.full(len(col), np.nan)
        null = np.ones(len(col), dtype=bool)
    else:
        raise ImportRejected(f"{label}: column {column} must hold numbers; found {t}")

    def where(mask: np.ndarray) -> str:
        row = _first(mask)
        which = metric if isinstance(metric, str) else metric.iloc[row - 1]
        what = f"column {column}" if which == column else f"column {column} (metric {which})"
        return f"{what} at row {_row(row, first_row)}"

    if null.any():
        raise ImportRejected(f"{label}: missing value in {where(null)}")
    if np.isnan(values).any():
        raise ImportRejected(f"{label}: NaN (not a number) in {where(np.isnan(values))}")
    if np.isinf(values).any():
        raise ImportRejected(f"{label}: infinite value in {where(np.isinf(values))}")
    signed = (
        metric.isin(SIGNED_METRICS).to_numpy()
        if isinstance(metric, pd.Series)
        else metric in SIGNED_METRICS
    )
    negative = (values < 0) & ~signed
    if negative.any():
        value = values[_first(negative) - 1]
        raise ImportRejected(
            f"{label}: negative value {value:g} in {where(negative)}; metric values count "
            f"or time things and cannot be negative (only {', '.join(sorted(SIGNED_METRICS))}, "
            "a change, can)"
        )
    if (values > MAX_VALUE).any():
        value = values[_first(values > MAX_VALUE) - 1]
        raise ImportRejected(
            f"{label}: value {value:g} in {where(values > MAX_VALUE)} is too large to be "
            f"real (over {MAX_VALUE:g})"
        )
    return values


def _refuse_derived(label: str, metric: str) -> None:
    if metric == AUDIENCE:
        raise ImportRejected(
            f"{label}: {AUDIENCE} is computed from {' or '.join(AUDIENCE_SOURCES)}; "
            "upload those instead"
        )
    if metric in DERIVED:
        raise ImportRejected(
            f"{label}: {metric} is computed as {derivation_text(metric)}; "
            "upload those instead of the ratio"
        )


def _reserved(what: str, metric: str) -> ImportRejected:
    """The refusal of a metric named like a table column; ``what`` says where it was found."""
    names = ", ".join(RESERVED_NAMES[:-1]) + f" and {RESERVED_NAMES[-1]}"
    return ImportRejected(
        f"{what} is a reserved name: {names} are columns of the weekly table, not metrics; "
        f"rename the metric (for example to {metric}_count)"
    )


def _long_rows(
    table: pa.Table, cols: dict[str, str], label: str, today: dt.date, first_row: int
) -> pd.DataFrame:
    """Rows (ts, platform, metric, value) of a long-layout table, validated and de-duplicated."""
    ts = _times(table.column(cols["date"]), label, "date", today, first_row)
    platform = _platforms(table.column(cols["platform"]), label, first_row)
    metric = _names(table.column(cols["metric"]), label, "metric", first_row)
    for name in metric.unique():
        problem = formula_prefix_problem(name)
        if name in RESERVED_NAMES or problem is not None:
            row = _row(_first(metric == name), first_row)
            where = f"{label}: metric {show_name(name)} at row {row}"
            if problem is not None:
                raise ImportRejected(f"{where} {problem}")
            raise _reserved(where, name)
        _refuse_derived(label, name)
    value = _numbers(table.column(cols["value"]), label, "value", metric, first_row)
    frame = pd.DataFrame({"ts": ts, "platform": platform, "metric": metric, "value": value})
    _refuse_conflicts(frame, ["ts", "platform", "metric"], ["value"], label, first_row)
    return frame.drop_duplicates()


def _wide_rows(
    table: pa.Table, cols: dict[str, str], label: str, today: dt.date, first_row: int
) -> pd.DataFrame:
    """Rows (ts, platform, metric, value) of a wide-layout table, validated and de-duplicated."""
    ts = _times(table.column(cols["date"]), label, "date", today, first_row)
    platform = _platforms(table.column(cols["platform"]), label, first_row)
    metrics = [c for c in cols if c not in LAYOUTS["wide"]]
    frame = pd.DataFrame({"ts": ts, "platform": platform})
    for metric in metrics:
        where = f"{label}: metric column {show_name(cols[metric])}"
        if metric in RESERVED_NAMES:
            raise _reserved(where, metric)
        if (problem := formula_prefix_problem(metric)) is not None:
            raise ImportRejected(f"{where} {problem}")
        _refuse_derived(label, metric)
        column = table.column(cols[metric])
        frame[metric] = _numbers(column, label, cols[metric], metric, first_row)
    _refuse_conflicts(frame, ["ts", "platform"], metrics, label, first_row)
    frame = frame.drop_duplicates()
    return frame.melt(id_vars=["ts", "platform"], var_name="metric", value_name="value")


def _refuse_conflicts(
    frame: pd.DataFrame, keys: list[str], values: list[str], label: str, first_row: int
) -> None:
    """Refuse rows that repeat a key with different values (exact repeats are harmless)."""
    unique = frame.drop_duplicates()
    clash = unique.duplicated(keys, keep="first").to_numpy()
    if not clash.any():
        return
    later_at = int(unique.index[clash][0])
    later = frame.loc[later_at]
    same = (unique[keys] == later[keys]).all(axis=1).to_numpy()
    earlier_at = int(unique.index[same][0])
    earlier = frame.loc[earlier_at]
    metric = next(m for m in values if earlier[m] != later[m])
    name = later["metric"] if "metric" in keys else metric
    when = _show_time(frame["ts"].iloc[later_at])
    raise ImportRejected(
        f"{label}: conflicting rows for {when}, platform {later['platform']}, "
        f"metric {name}: row {_row(later_at + 1, first_row)} has {later[metric]:g} but row "
        f"{_row(earlier_at + 1, first_row)} has {earlier[metric]:g}"
    )


def _data_through(rows: pd.DataFrame) -> dict[str, dt.date]:
    """Per platform, the last day its rows cover.

    Daily rows (some week holds two or more dates of the platform) cover up to their latest
    date. Weekly rows (one date a week, whichever day it is) stand for the whole week, up to
    the Sunday of the latest one.
    """
    days = pd.to_datetime(rows["ts"], utc=True).dt.tz_localize(None).dt.normalize()
    frame = pd.DataFrame({"platform": rows["platform"], "day": days, "week": week_start(days)})
    frame = frame.drop_duplicates()
    per_week = frame.groupby(["platform", "week"])["day"].nunique()
    daily = per_week.gt(1).groupby(level="platform").any()
    latest = frame.groupby("platform").agg(day=("day", "max"), week=("week", "max"))
    through = latest["day"].where(daily, latest["week"] + pd.Timedelta(days=6))
    return {str(platform): day.date() for platform, day in through.items()}


def _weekly(rows: pd.DataFrame, chosen: Mapping[str, Agg] | None = None) -> pd.DataFrame:
    """Aggregate validated (ts, platform, metric, value) rows to the long weekly table, each
    metric by its weekly aggregation (``strategy.domain.metrics.aggregation_for``), or the one a
    saved mapping ``chosen`` for it."""
    rows = rows.assign(week=week_start(rows["ts"]))
    picked = chosen or {}
    aggs = rows["metric"].map(
        {m: picked.get(m) or aggregation_for(m) for m in rows["metric"].unique()}
    )
    keys = ["week", "platform", "metric"]
    parts = []
    for agg, part in rows.groupby(aggs, sort=False):
        grouped = part.sort_values("ts", kind="stable").groupby(keys, sort=False)["value"]
        if agg == Agg.LAST:
            weekly = grouped.last()
        elif agg == Agg.MAX:
            weekly = grouped.max()
        elif agg == Agg.MEDIAN:
            weekly = grouped.median()
        elif agg == Agg.MEAN:
            weekly = grouped.mean()  # a rate's days are averaged, never summed
        else:
            weekly = grouped.sum()
        parts.append(weekly.reset_index())
    out = pd.concat(parts, ignore_index=True)
    out = pd.DataFrame(
        {
            "week": out["week"].astype("datetime64[ns]"),
            "platform": out["platform"].astype("str"),
            "metric": out["metric"].astype("str"),
            "value": out["value"].astype("float64"),
        }
    )
    return out.sort_values(["platform", "week", "metric"], kind="stable").reset_index(drop=True)[
        list(WEEKLY_COLUMNS)
    ]
