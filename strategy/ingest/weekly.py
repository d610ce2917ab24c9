"""Long and wide rows, validated, to the long weekly table: each metric aggregated by its rule
(or a saved mapping's choice), how far each platform's data reaches, and the day-by-day
changes kept for exact baselines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import pyarrow as pa

from strategy.domain.errors import ImportRejected
from strategy.domain.formulas import formula_prefix_problem
from strategy.domain.metrics import (
    RESERVED_NAMES,
    SIGNED_METRICS,
    WEEKLY_COLUMNS,
    Agg,
    aggregation_for,
    empty_daily,
    show_name,
    week_start,
)
from strategy.ingest.column_checks import (
    file_row,
    first_true,
    name_column,
    number_column,
    platform_column,
    refuse_derived,
    reserved_refusal,
    show_time,
    time_column,
)
from strategy.ingest.layouts import LAYOUTS, Layout


def long_weekly(
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
    reader = _long_rows if layout == Layout.LONG else _wide_rows
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


def _long_rows(
    table: pa.Table, cols: dict[str, str], label: str, today: dt.date, first_row: int
) -> pd.DataFrame:
    """Rows (ts, platform, metric, value) of a long-layout table, validated and de-duplicated."""
    ts = time_column(table.column(cols["date"]), label, "date", today, first_row)
    platform = platform_column(table.column(cols["platform"]), label, first_row)
    metric = name_column(table.column(cols["metric"]), label, "metric", first_row)
    for name in metric.unique():
        problem = formula_prefix_problem(name)
        if name in RESERVED_NAMES or problem is not None:
            row = file_row(first_true(metric == name), first_row)
            where = f"{label}: metric {show_name(name)} at row {row}"
            if problem is not None:
                raise ImportRejected(f"{where} {problem}")
            raise reserved_refusal(where, name)
        refuse_derived(label, name)
    value = number_column(table.column(cols["value"]), label, "value", metric, first_row)
    frame = pd.DataFrame({"ts": ts, "platform": platform, "metric": metric, "value": value})
    _refuse_conflicts(frame, ["ts", "platform", "metric"], ["value"], label, first_row)
    return frame.drop_duplicates()


def _wide_rows(
    table: pa.Table, cols: dict[str, str], label: str, today: dt.date, first_row: int
) -> pd.DataFrame:
    """Rows (ts, platform, metric, value) of a wide-layout table, validated and de-duplicated."""
    ts = time_column(table.column(cols["date"]), label, "date", today, first_row)
    platform = platform_column(table.column(cols["platform"]), label, first_row)
    metrics = [c for c in cols if c not in LAYOUTS[Layout.WIDE]]
    frame = pd.DataFrame({"ts": ts, "platform": platform})
    for metric in metrics:
        where = f"{label}: metric column {show_name(cols[metric])}"
        if metric in RESERVED_NAMES:
            raise reserved_refusal(where, metric)
        if (problem := formula_prefix_problem(metric)) is not None:
            raise ImportRejected(f"{where} {problem}")
        refuse_derived(label, metric)
        column = table.column(cols[metric])
        frame[metric] = number_column(column, label, cols[metric], metric, first_row)
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
    when = show_time(frame["ts"].iloc[later_at])
    raise ImportRejected(
        f"{label}: conflicting rows for {when}, platform {later['platform']}, "
        f"metric {name}: row {file_row(later_at + 1, first_row)} has {later[metric]:g} but row "
        f"{file_row(earlier_at + 1, first_row)} has {earlier[metric]:g}"
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
