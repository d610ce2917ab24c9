"""The checks of a long or wide file's columns: dates in range, platform and metric names, and
values that are numbers a platform could report; each refusal names the file, column and row."""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from strategy.domain import clock
from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import (
    AUDIENCE,
    AUDIENCE_SOURCES,
    DERIVED,
    RESERVED_NAMES,
    SIGNED_METRICS,
    derivation_text,
    normalise_name,
    platform_name_problem,
)
from strategy.ingest.cells import is_text
from strategy.ingest.dates import format_advice
from strategy.ingest.refusals import (
    MAX_PLATFORMS,
    bad_platform,
    in_the_future,
    missing,
    too_early,
    too_many_platforms,
)

MAX_VALUE: Final[float] = 1e12
"""Metric values above this are refused as too large to be real."""


def decoded(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary-encoded column as its plain values."""
    return col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col


def first_true(mask: pd.Series | np.ndarray) -> int:
    """1-based data row of the first True in a positional mask."""
    return int(np.flatnonzero(np.asarray(mask))[0]) + 1


def file_row(row: int, first_row: int) -> int:
    """Data row ``row`` (1-based) as the file's reader counts rows: ``first_row`` is the
    number of the first data row (1 in parquet; 2 in a spreadsheet, below its header)."""
    return row + first_row - 1


def time_column(
    col: pa.ChunkedArray, label: str, column: str, today: dt.date, first_row: int
) -> pd.Series:
    """A date/timestamp/ISO-text column as naive-UTC ``datetime64[us]``, validated."""
    col = decoded(col)
    t = col.type
    try:
        if pa.types.is_null(t):
            ts = pd.Series(pd.NaT, index=range(len(col)), dtype="datetime64[us]")
        elif pa.types.is_timestamp(t):
            ts = col.cast(pa.timestamp("us"), safe=t.unit != "ns").to_pandas()
        elif pa.types.is_date(t):
            ts = col.cast(pa.timestamp("us")).to_pandas()
        elif is_text(t):
            ts = _parse_times(col.to_pandas(), label, column, first_row)
        else:
            raise ImportRejected(
                f"{label}: column {column} must hold dates, timestamps or ISO date text; found {t}"
            )
    except pa.ArrowInvalid as exc:
        raise ImportRejected(f"{label}: column {column} holds a date out of range") from exc
    ts = pd.Series(ts, copy=False).reset_index(drop=True)
    if ts.isna().any():
        raise missing(label, column, file_row(first_true(ts.isna()), first_row))
    tomorrow = pd.Timestamp(today + dt.timedelta(days=1))
    if (ts >= tomorrow).any():
        row = first_true(ts >= tomorrow)
        shown = show_time(ts.iloc[row - 1])
        raise in_the_future(label, column, shown, file_row(row, first_row), today)
    earliest = pd.Timestamp(clock.EARLIEST_DATE)
    if (ts < earliest).any():
        row = first_true(ts < earliest)
        shown = show_time(ts.iloc[row - 1])
        raise too_early(label, column, shown, file_row(row, first_row))
    return ts.astype("datetime64[us]")


def _parse_times(text: pd.Series, label: str, column: str, first_row: int) -> pd.Series:
    """ISO date/time text -> naive UTC; text without an offset is taken as UTC."""
    blank = text.isna() | (text.str.strip() == "")
    parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    bad = parsed.isna() & ~blank
    if bad.any():
        row = first_true(bad)
        value = text.iloc[row - 1]
        # a spreadsheet's first data row is row 2 or later; a parquet file's is row 1
        advice = (
            format_advice(column, value)
            if first_row > 1
            else "write dates as ISO text (2026-03-02), or as a date or timestamp column"
        )
        raise ImportRejected(
            f"{label}: column {column} at row {file_row(row, first_row)} holds "
            f"{value[:60]!r}, which is not a date; {advice}"
        )
    return parsed.dt.tz_localize(None).astype("datetime64[us]")


def show_time(ts: pd.Timestamp) -> str:
    """A timestamp as a refusal shows it: the date alone at midnight."""
    return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat(sep=" ")


def platform_column(col: pa.ChunkedArray, label: str, first_row: int) -> pd.Series:
    """The normalised platform column; more than ``MAX_PLATFORMS`` distinct names is refused."""
    platform = name_column(col, label, "platform", first_row)
    count = platform.nunique()
    if count > MAX_PLATFORMS:
        raise too_many_platforms(label, str(count))
    problems = {p: why for p in platform.unique() if (why := platform_name_problem(p))}
    if problems:
        row = first_true(platform.isin(list(problems)))
        name = platform.iloc[row - 1]
        raise bad_platform(label, name, file_row(row, first_row), problems[name])
    return platform


def name_column(col: pa.ChunkedArray, label: str, column: str, first_row: int) -> pd.Series:
    """A text column of names, normalised; a missing or blank name is refused."""
    col = decoded(col)
    if pa.types.is_null(col.type):
        raise missing(label, column, first_row)
    if not is_text(col.type):
        raise ImportRejected(
            f"{label}: column {column} must hold {column} names (text); found {col.type}"
        )
    raw = pd.Series(col.to_pandas(), copy=False).reset_index(drop=True)
    mapping = {r: normalise_name(r) for r in raw.dropna().unique()}
    names = raw.map(mapping)
    blank = names.isna() | (names == "")
    if blank.any():
        raise missing(label, column, file_row(first_true(blank), first_row))
    return names.astype("str")


def number_column(
    col: pa.ChunkedArray, label: str, column: str, metric: pd.Series | str, first_row: int
) -> np.ndarray:
    """A numeric metric column as float64, refusing text, gaps, NaN, inf, negatives, huge.

    Text is read as numbers where it is one; ``nan`` is taken as NaN (and so refused as one).
    """
    values, null = _floats(col, label, column, first_row)

    def where(mask: np.ndarray) -> str:
        row = first_true(mask)
        which = metric if isinstance(metric, str) else metric.iloc[row - 1]
        what = f"column {column}" if which == column else f"column {column} (metric {which})"
        return f"{what} at row {file_row(row, first_row)}"

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
        value = values[first_true(negative) - 1]
        raise ImportRejected(
            f"{label}: negative value {value:g} in {where(negative)}; metric values count "
            f"or time things and cannot be negative (only {', '.join(sorted(SIGNED_METRICS))}, "
            "a change, can)"
        )
    if (values > MAX_VALUE).any():
        value = values[first_true(values > MAX_VALUE) - 1]
        raise ImportRejected(
            f"{label}: value {value:g} in {where(values > MAX_VALUE)} is too large to be "
            f"real (over {MAX_VALUE:g})"
        )
    return values


def _floats(
    col: pa.ChunkedArray, label: str, column: str, first_row: int
) -> tuple[np.ndarray, np.ndarray]:
    """A column's values as float64 and which are missing; text that is not a number (nor
    ``nan``) and a column of another type are refused."""
    col = decoded(col)
    t = col.type
    if is_text(t):
        text = pd.Series(col.to_pandas(), copy=False).reset_index(drop=True)
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64")
        words = text.str.strip()
        present = text.notna() & (words != "")
        bad = present & np.isnan(values) & (words.str.lower() != "nan")
        if bad.any():
            row = first_true(bad)
            raise ImportRejected(
                f"{label}: text {text.iloc[row - 1][:60]!r} in numeric column {column} at row "
                f"{file_row(row, first_row)}"
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
    return values, null


def refuse_derived(label: str, metric: str) -> None:
    """Refuse a metric the weekly table computes (``audience``, a ratio), saying from what."""
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


def reserved_refusal(what: str, metric: str) -> ImportRejected:
    """The refusal of a metric named like a table column; ``what`` says where it was found."""
    names = ", ".join(RESERVED_NAMES[:-1]) + f" and {RESERVED_NAMES[-1]}"
    return ImportRejected(
        f"{what} is a reserved name: {names} are columns of the weekly table, not metrics; "
        f"rename the metric (for example to {metric}_count)"
    )
