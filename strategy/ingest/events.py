"""Weekly community metrics derived from an interaction-events parquet file, in DuckDB.

One event is one row (``ts``, ``platform``, ``member_id``, ``kind``, ``by_brand``). Files
run to tens of millions of rows, so nothing here loads the events into pandas: DuckDB scans
the file twice with bounded memory (spilling to disk), first into a small tally per
(platform, week, by_brand, kind) that serves validation and the weekly counts, then into one
bitset of active weeks per (platform, member); numpy counts the bits. Only results the size
of the weekly table, or of the distinct (platform, member) pairs, leave DuckDB.

This module holds the two entry points; the work is done by ``event_kinds`` (what rows
count as), ``event_sql`` (DuckDB over the file), ``event_checks`` (validation),
``event_weeks`` and ``bitsets`` (the weekly derivation), and ``temp_folders``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from strategy.domain.metrics import normalise_name
from strategy.domain.settings import DEFAULT_RETURNING_WEEKS, MAX_RETURNING_WEEKS, returning_weeks
from strategy.ingest.cells import is_text, value_type
from strategy.ingest.event_checks import data_through, tally, validate
from strategy.ingest.event_kinds import EVENT_COLUMNS, EVENT_COUNTS, EVENT_METRICS, KIND_GROUPS
from strategy.ingest.event_sql import (
    DUCKDB_MEMORY_LIMIT,
    DUCKDB_THREADS,
    TALLY,
    EventSql,
    connect,
)
from strategy.ingest.event_weeks import derive
from strategy.ingest.headers import column_map
from strategy.ingest.refusals import MAX_PLATFORMS
from strategy.ingest.temp_folders import sweep_dead_temp_folders, temp_prefix

__all__ = [
    "DEFAULT_RETURNING_WEEKS",
    "DUCKDB_MEMORY_LIMIT",
    "DUCKDB_THREADS",
    "EVENT_COLUMNS",
    "EVENT_COUNTS",
    "EVENT_METRICS",
    "KIND_GROUPS",
    "MAX_PLATFORMS",
    "MAX_RETURNING_WEEKS",
    "column_map",
    "derive_weekly_events",
    "is_text",
    "read_events",
    "returning_weeks",
    "sweep_dead_temp_folders",
    "temp_prefix",
    "value_type",
]


def read_events(
    path: Path, *, name: str, today: dt.date, returning: int = DEFAULT_RETURNING_WEEKS
) -> tuple[pd.DataFrame, dict[str, dt.date]]:
    """Validate an events file and derive its long weekly table, in two scans of the file.

    The first scan (every column but member_id) tallies rows per platform, week, by_brand and
    kind: validation and the weekly counts both come from that tally. The second groups rows
    by (platform, member) into bitsets of active weeks, which give the distinct-member metrics
    and reveal missing member ids.

    Refuses (``ImportRejected``, message starting with ``name`` and naming the first bad row)
    a missing or unparseable ``ts``, a ``ts`` after ``today`` (UTC) or before 1990, a missing
    platform, a platform name that ``strategy.domain.metrics.platform_name_problem`` refuses, more
    than ``MAX_PLATFORMS`` platforms, ``by_brand`` that is not boolean-like and a missing
    (NULL, blank or NaN) member_id.

    ``returning`` is the returning window in weeks (``derive_weekly_events``).

    Also returns, per platform, the UTC day of its latest event: how far its data reaches,
    which decides whether its last week is complete (``strategy.domain.horizons``).
    """
    window = returning_weeks(returning)
    sql = EventSql(path, pq.read_schema(path))
    with connect() as con:
        platform_names = validate(con, sql, name, today)
        weekly = derive(con, sql, name, platform_names, window)
        return weekly, data_through(con, platform_names)


def derive_weekly_events(
    path: Path,
    *,
    platform_names: Mapping[str, str] | None = None,
    returning: int = DEFAULT_RETURNING_WEEKS,
) -> pd.DataFrame:
    """Derive the long weekly table (the ``metrics`` contract) from a validated events file.

    Per (platform, ISO week), rows are counted as ``EVENT_COUNTS`` declares: by_brand rows of
    a thread-starting kind (``post``, ``question``, ``thread``) are brand_posts, other
    by_brand rows brand_replies; member rows are member_interactions, those of kind
    ``message`` or ``mention`` inbound_messages, those of a thread-starting kind
    member_initiated_threads; threads counts the thread-starting rows of brand and members.
    active_members counts distinct members, returning_members those also active on the
    platform in any of the ``returning`` weeks before (default 1: the week before),
    new_members those whose first member row on the platform falls in the week, and
    community_members the distinct members seen on the platform in the file up to and
    including the week (the running sum of new_members).
    Weeks without events between a platform's first
    and last week are present with zero counts (community_members carries its
    total): an events export records every interaction.
    ``kind`` is compared lower-cased and trimmed of spaces. ``platform_names`` (raw ->
    normalised) defaults to normalising every raw name found. Validation is
    ``read_events``'s job: call this on a file ``read_events`` accepted.
    """
    window = returning_weeks(returning)
    sql = EventSql(path, pq.read_schema(path))
    with connect() as con:
        tally(con, sql, path.name)
        if platform_names is None:
            raws = con.execute(f"SELECT DISTINCT platform FROM {TALLY}").fetchall()
            platform_names = {r: normalise_name(r) for (r,) in raws if r is not None}
        return derive(con, sql, path.name, platform_names, window)
