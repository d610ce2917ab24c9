"""The checks of an events file, from one scan into a small tally per (platform, week,
by_brand, kind): column types, dates in range, platforms, by_brand; each refusal names the
first bad row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

import pyarrow as pa

from strategy.domain.clock import EARLIEST_DATE
from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import (
    normalise_name,
    platform_name_problem,
)
from strategy.ingest import refusals
from strategy.ingest.cells import is_text, value_type
from strategy.ingest.event_sql import (
    EPOCH_TO_MONDAY_US,
    TALLY,
    US_PER_DAY,
    US_PER_WEEK,
    EventSql,
    first_row_where,
    run,
    sql_literal,
)

_RAW_PLATFORM_CAP: Final[int] = 10 * refusals.MAX_PLATFORMS


_BAD_PLATFORMS: Final[str] = "rollout_bad_platforms"


def check_types(sql: EventSql, name: str) -> None:
    """Refuse a column whose type cannot hold what the events layout says it holds."""
    ts_type = value_type(sql.types["ts"])
    known = pa.types.is_timestamp(ts_type) or pa.types.is_date(ts_type) or is_text(ts_type)
    if not (known or pa.types.is_null(ts_type)):
        raise ImportRejected(
            f"{name}: column ts must hold timestamps, dates or ISO date-time text; found {ts_type}"
        )
    if not (is_text(sql.types["platform"]) or pa.types.is_null(sql.types["platform"])):
        raise ImportRejected(
            f"{name}: column platform must hold platform names (text); "
            f"found {value_type(sql.types['platform'])}"
        )
    brand_type = value_type(sql.types["by_brand"])
    if sql.by_brand == "NULL":
        raise ImportRejected(
            f"{name}: column by_brand must hold true/false values; found {brand_type}"
        )
    member_type = value_type(sql.types["member_id"])
    if pa.types.is_nested(member_type):
        raise ImportRejected(
            f"{name}: column member_id must hold one id per row; found {member_type}"
        )


def tally(con: Any, sql: EventSql, name: str) -> None:
    """First scan: rows, first and last instant per raw (platform, week, by_brand, kind).

    A NULL ``wk`` marks a missing or unparseable ts, a NULL ``by_brand`` a value that is not
    boolean-like. ``kind`` stays raw here (normalising it on the small tally is cheaper);
    the tally stays inside DuckDB, which spills it to disk should a file hold odd kinds.
    """
    run(
        con,
        name,
        f"""
        CREATE OR REPLACE TEMP TABLE {TALLY} AS
        SELECT platform, (t + {EPOCH_TO_MONDAY_US}) // {US_PER_WEEK} AS wk, by_brand, kind,
               count(*) AS n, min(t) AS first_us, max(t) AS last_us
        FROM (
            SELECT {sql.col["platform"]} AS platform, {sql.ts_us} AS t,
                   {sql.by_brand} AS by_brand, {sql.col["kind"]} AS kind
            FROM {sql.source}
        )
        GROUP BY ALL
        """,
    )


def validate(con: Any, sql: EventSql, name: str, today: dt.date) -> dict[str, str]:
    """Tally the file and check it (all but member_id); return raw -> normalised platforms.

    Per raw platform, the tally gives: rows without a readable ts, the first and last
    instant, and rows whose by_brand is not boolean-like.
    """
    check_types(sql, name)
    tally(con, sql, name)
    groups = con.execute(
        f"SELECT platform, coalesce(sum(n) FILTER (WHERE wk IS NULL), 0),"
        f" min(first_us), max(last_us), coalesce(sum(n) FILTER (WHERE by_brand IS NULL), 0)"
        f" FROM {TALLY} GROUP BY platform"
    ).fetchmany(_RAW_PLATFORM_CAP + 1)
    if not groups:
        raise ImportRejected(f"{name}: the file has no rows")
    if len(groups) > _RAW_PLATFORM_CAP:
        raise refusals.too_many_platforms(name, f"more than {_RAW_PLATFORM_CAP}")
    names = {raw: normalise_name(raw) for raw, *_ in groups if raw is not None}
    _check_cells(con, sql, name, groups, names)
    _check_dates(con, sql, name, groups, today)
    _check_platforms(con, sql, name, names)
    return names


def _check_cells(
    con: Any, sql: EventSql, name: str, groups: list[Any], names: Mapping[Any, str]
) -> None:
    """Refuse the first ts that is not a date and time, missing platform or by_brand that is
    not true or false."""
    platform = sql.col["platform"]
    if sum(g[1] for g in groups):
        shown_ts = f"CAST({sql.col['ts']} AS VARCHAR)"
        row, raw = first_row_where(con, sql, f"{sql.ts_us} IS NULL", shown_ts)
        if raw is None or not str(raw).strip():
            raise refusals.missing(name, "ts (date and time)", row)
        raise ImportRejected(
            f"{name}: column ts at row {row} holds {str(raw)[:60]!r}, which is not a date and time"
        )
    if any(raw is None or not names[raw] for raw, *_ in groups):
        blank = ", ".join(sql_literal(raw) for raw, norm in names.items() if not norm)
        condition = f"{platform} IS NULL" + (f" OR {platform} IN ({blank})" if blank else "")
        row, _ = first_row_where(con, sql, condition, platform)
        raise refusals.missing(name, "platform", row)
    if sum(g[4] for g in groups):
        row, raw = first_row_where(
            con, sql, f"{sql.by_brand} IS NULL", f"CAST({sql.col['by_brand']} AS VARCHAR)"
        )
        shown = "nothing" if raw is None else repr(str(raw)[:60])
        raise ImportRejected(
            f"{name}: column by_brand at row {row} holds {shown}; expected true or false"
        )


def _check_dates(con: Any, sql: EventSql, name: str, groups: list[Any], today: dt.date) -> None:
    """Refuse the first ts after ``today`` or before ``EARLIEST_DATE``."""
    tomorrow = _epoch_us(today + dt.timedelta(days=1))
    shown_ts = f"CAST({sql.col['ts']} AS VARCHAR)"  # a TIMESTAMPTZ value would need pytz
    if max(g[3] for g in groups) >= tomorrow:
        row, raw = first_row_where(con, sql, f"{sql.ts_us} >= {tomorrow}", shown_ts)
        raise refusals.in_the_future(name, "ts", f"{raw}", row, today)
    earliest = _epoch_us(EARLIEST_DATE)
    if min(g[2] for g in groups) < earliest:
        row, raw = first_row_where(con, sql, f"{sql.ts_us} < {earliest}", shown_ts)
        raise refusals.too_early(name, "ts", f"{raw}", row)


def _check_platforms(con: Any, sql: EventSql, name: str, names: Mapping[Any, str]) -> None:
    """Refuse more than ``refusals.MAX_PLATFORMS`` platforms, or the first platform name refused."""
    distinct = len(set(names.values()))
    if distinct > refusals.MAX_PLATFORMS:
        raise refusals.too_many_platforms(name, str(distinct))
    problems = {n: why for n in set(names.values()) if (why := platform_name_problem(n))}
    if problems:
        platform = sql.col["platform"]
        raws = [raw for raw, norm in names.items() if norm in problems]
        con.register(_BAD_PLATFORMS, pa.table({"raw": pa.array(raws, pa.string())}))
        condition = f"{platform} IN (SELECT raw FROM {_BAD_PLATFORMS})"
        row, raw = first_row_where(con, sql, condition, platform)
        norm = names[raw]
        raise refusals.bad_platform(name, norm, row, problems[norm])


def refuse_missing_member(con: Any, sql: EventSql, name: str) -> None:
    """Refuse the first row whose member_id is missing (NULL, blank or NaN)."""
    row, _ = first_row_where(con, sql, sql.member_missing, "NULL")
    raise refusals.missing(name, "member_id", row)


def _epoch_us(day: dt.date) -> int:
    """Midnight UTC of ``day`` in microseconds since the epoch."""
    return (day - dt.date(1970, 1, 1)).days * US_PER_DAY


def data_through(con: Any, platform_names: Mapping[str, str]) -> dict[str, dt.date]:
    """Each (normalised) platform's latest event day, from the tally."""
    through: dict[str, dt.date] = {}
    for raw, last_us in con.execute(
        f"SELECT platform, max(last_us) FROM {TALLY} GROUP BY platform"
    ).fetchall():
        day = dt.date(1970, 1, 1) + dt.timedelta(days=int(last_us) // US_PER_DAY)
        name = platform_names[raw]
        through[name] = max(day, through.get(name, day))
    return through
