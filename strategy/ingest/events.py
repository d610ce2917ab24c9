"""Weekly community metrics derived from an interaction-events parquet file, in DuckDB.

One event is one row (``ts``, ``platform``, ``member_id``, ``kind``, ``by_brand``). Files
run to tens of millions of rows, so nothing here loads the events into pandas: DuckDB scans
the file twice with bounded memory (spilling to disk), first into a small tally per
(platform, week, by_brand, kind) that serves validation and the weekly counts, then into one
bitset of active weeks per (platform, member); numpy counts the bits. Only results the size
of the weekly table, or of the distinct (platform, member) pairs, leave DuckDB.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Final

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from strategy.domain.clock import EARLIEST_DATE
from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import (
    WEEKLY_COLUMNS,
    empty_weekly,
    normalise_name,
    platform_name_problem,
    show_name,
)
from strategy.domain.settings import DEFAULT_RETURNING_WEEKS, MAX_RETURNING_WEEKS, returning_weeks

__all__ = ["DEFAULT_RETURNING_WEEKS", "MAX_RETURNING_WEEKS", "returning_weeks"]

EVENT_COLUMNS: Final[tuple[str, ...]] = ("ts", "platform", "member_id", "kind", "by_brand")

KIND_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "thread": ("post", "question", "thread"),
    "inbound": ("message", "mention"),
}
"""The ``kind`` values (lower-cased, trimmed of spaces) that count for something particular:
a row of a ``thread`` kind starts a thread (the brand's is a brand post, a member's a
member-initiated thread), a member's row of an ``inbound`` kind is a message to the brand.
Any other kind (like, comment, reply, answer, ...) is an interaction of no particular group."""

EVENT_COUNTS: Final[dict[str, tuple[str, str]]] = {
    "brand_posts": ("brand", "thread"),
    "brand_replies": ("brand", "other than thread"),
    "member_interactions": ("member", "any"),
    "inbound_messages": ("member", "inbound"),
    "member_initiated_threads": ("member", "thread"),
    "threads": ("anyone", "thread"),
}
"""Each weekly count of rows: metric -> (whose rows: ``brand``, ``member`` or ``anyone``;
which kinds: ``any``, a group of ``KIND_GROUPS``, or ``other than`` one). The one place
kinds map to metrics: the derivation's SQL is built from it."""

EVENT_METRICS: Final[tuple[str, ...]] = (
    *EVENT_COUNTS,
    "active_members",
    "returning_members",
    "new_members",
    "community_members",
)
"""The weekly metrics an events file yields, in output order."""

MAX_PLATFORMS: Final[int] = 10_000
"""More distinct platforms than this in one file is refused as not a real export."""

DUCKDB_THREADS: Final[int] = 2
DUCKDB_MEMORY_LIMIT: Final[str] = "800MB"
"""DuckDB spills to a temporary directory beyond this, keeping an import's memory bounded."""

_US_PER_DAY: Final[int] = 86_400_000_000
_US_PER_WEEK: Final[int] = 7 * _US_PER_DAY
_EPOCH_TO_MONDAY_US: Final[int] = 3 * _US_PER_DAY
"""1970-01-01 is a Thursday: shifting by 3 days puts week boundaries on Mondays."""
_WEEK_ZERO: Final[np.datetime64] = np.datetime64("1969-12-29", "D")
"""The Monday of week index 0."""

_TEMP_OWNER: Final = re.compile(r"rollout-(?:duckdb|events)-(\d+)-[^-]+")
"""An import's temporary folder, named for the process that made it: what it holds, the PID."""

_TRUE_WORDS: Final[tuple[str, ...]] = ("true", "t", "yes", "y", "1")
_FALSE_WORDS: Final[tuple[str, ...]] = ("false", "f", "no", "n", "0")
_RAW_PLATFORM_CAP: Final[int] = 10 * MAX_PLATFORMS
_TALLY: Final[str] = "rollout_tally"
_CODES: Final[str] = "rollout_platform_codes"
_BAD_PLATFORMS: Final[str] = "rollout_bad_platforms"


def value_type(t: pa.DataType) -> pa.DataType:
    """The type of the values of a column, looking through dictionary encoding."""
    return t.value_type if pa.types.is_dictionary(t) else t


def is_text(t: pa.DataType) -> bool:
    """Whether a parquet column holds strings."""
    t = value_type(t)
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def column_map(schema: pa.Schema) -> dict[str, str]:
    """Normalised column name -> the name as spelled in the file (first spelling wins)."""
    out: dict[str, str] = {}
    for raw in schema.names:
        out.setdefault(normalise_name(raw), raw)
    return out


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def temp_prefix(what: str) -> str:
    """The name start of this process's temporary folder for ``what`` (``duckdb``, ``events``):
    ``rollout-<what>-<pid>-``, so a later import can tell whether its maker is still alive."""
    return f"rollout-{what}-{os.getpid()}-"


def sweep_dead_temp_folders(parent: Path | None = None) -> list[Path]:
    """Remove the temporary folders that killed imports left behind; returns those removed.

    An import spills DuckDB to a ``TemporaryDirectory`` (and converts a CSV or xlsx events
    file into one), which its ``with`` block removes; a process killed with SIGKILL runs no
    cleanup, so its folder stayed in the temp folder (``parent``, default the system's) for
    good, with whatever it held. Each folder is named with the PID that made it
    (``temp_prefix``): one whose process no longer exists is removed. A live process's
    folder (a concurrent import) is kept, as is anything not a folder of this user's, a
    folder named the older way, without a PID, and (PIDs being per namespace) a folder of a
    process in another container sharing the temp folder, when its PID exists here.
    """
    where = Path(tempfile.gettempdir() if parent is None else parent)
    removed: list[Path] = []
    with suppress(OSError), os.scandir(where) as entries:
        for entry in entries:
            owner = _TEMP_OWNER.fullmatch(entry.name)
            if owner is None or _process_exists(int(owner.group(1))):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


def _process_exists(pid: int) -> bool:
    """Whether a process ``pid`` exists (another user's counts: it may not be signalled)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # not ours to signal, or no PID at all: keep its folder
    return True


@contextmanager
def _connect() -> Iterator[Any]:
    """A private in-memory DuckDB with bounded threads and memory, spilling to a temp dir.

    Killed imports' leftover temp folders are swept first.
    """
    sweep_dead_temp_folders()
    with tempfile.TemporaryDirectory(prefix=temp_prefix("duckdb")) as spill:
        con = duckdb.connect(
            config={
                "threads": DUCKDB_THREADS,
                "memory_limit": DUCKDB_MEMORY_LIMIT,
                "temp_directory": spill,
                "preserve_insertion_order": False,
            }
        )
        try:
            with suppress(duckdb.Error):  # without ICU, TIMESTAMPTZ is UTC already
                con.execute("SET TimeZone = 'UTC'")
            yield con
        finally:
            con.close()


class _Sql:
    """SQL expressions over one events file, chosen from its parquet schema."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        cols = column_map(schema)
        # Parquet min/max statistics leave NaN out (pyarrow writes them so); without
        # can_have_nan DuckDB trusts them, folds isnan(member_id) to false and skips row groups.
        file = f"{_literal(str(path))}, can_have_nan = true"
        self.source = f"read_parquet({file})"
        self.numbered_source = f"read_parquet({file}, file_row_number = true)"
        self.types = {key: schema.field(cols[key]).type for key in EVENT_COLUMNS}
        self.col = {key: _ident(cols[key]) for key in EVENT_COLUMNS}
        self.ts_us = self._ts_us()
        self.by_brand = self._by_brand()
        self.member_missing = self.missing_member(self.col["member_id"])

    def missing_member(self, member: str) -> str:
        """Whether the member id ``member`` (a column or alias) is missing: NULL, blank, NaN."""
        if is_text(self.types["member_id"]):
            return f"({member} IS NULL OR {member} = '')"
        if pa.types.is_floating(value_type(self.types["member_id"])):
            return f"({member} IS NULL OR isnan({member}))"
        return f"({member} IS NULL)"

    def _ts_us(self) -> str:
        """Microseconds since the epoch in UTC; NULL when missing or unparseable."""
        ts, t = self.col["ts"], value_type(self.types["ts"])
        if pa.types.is_timestamp(t):
            return f"(epoch_ns({ts}) // 1000)" if t.unit == "ns" else f"epoch_us({ts})"
        if pa.types.is_date(t):
            return f"epoch_us({ts})"
        if is_text(t):
            return f"epoch_us(try_cast({ts} AS TIMESTAMPTZ))"
        return "NULL"

    def _by_brand(self) -> str:
        """by_brand as a boolean; NULL when it is not boolean-like."""
        col, t = self.col["by_brand"], value_type(self.types["by_brand"])
        if pa.types.is_boolean(t):
            return col
        if pa.types.is_null(t):
            return "CAST(NULL AS BOOLEAN)"
        if pa.types.is_integer(t) or pa.types.is_floating(t):
            return f"(CASE WHEN {col} = 1 THEN true WHEN {col} = 0 THEN false END)"
        if is_text(t):
            word = f"lower(trim({col}))"
            yes = ", ".join(_literal(w) for w in _TRUE_WORDS)
            no = ", ".join(_literal(w) for w in _FALSE_WORDS)
            return f"(CASE WHEN {word} IN ({yes}) THEN true WHEN {word} IN ({no}) THEN false END)"
        return "NULL"


def _check_types(sql: _Sql, name: str) -> None:
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


def _first_row(con: Any, sql: _Sql, condition: str, shown: str) -> tuple[int, Any]:
    """1-based row number and the shown value of the first row meeting ``condition``."""
    row = con.execute(
        f"SELECT file_row_number, {shown} FROM {sql.numbered_source} "
        f"WHERE {condition} ORDER BY file_row_number LIMIT 1"
    ).fetchone()
    assert row is not None  # only called after the aggregate pass counted such a row
    return int(row[0]) + 1, row[1]


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
    sql = _Sql(path, pq.read_schema(path))
    with _connect() as con:
        platform_names = _validate(con, sql, name, today)
        weekly = _derive(con, sql, name, platform_names, window)
        return weekly, _data_through(con, platform_names)


def _data_through(con: Any, platform_names: Mapping[str, str]) -> dict[str, dt.date]:
    """Each (normalised) platform's latest event day, from the tally."""
    through: dict[str, dt.date] = {}
    for raw, last_us in con.execute(
        f"SELECT platform, max(last_us) FROM {_TALLY} GROUP BY platform"
    ).fetchall():
        day = dt.date(1970, 1, 1) + dt.timedelta(days=int(last_us) // _US_PER_DAY)
        name = platform_names[raw]
        through[name] = max(day, through.get(name, day))
    return through


def _run(con: Any, name: str, query: str) -> Any:
    """Execute ``query``, turning DuckDB's read and memory errors into refusals."""
    try:
        return con.execute(query)
    except duckdb.OutOfMemoryException as exc:
        raise ImportRejected(
            f"{name}: the file is too large to import within the memory limit "
            f"({DUCKDB_MEMORY_LIMIT}); split it into smaller files"
        ) from exc
    except duckdb.Error as exc:
        raise ImportRejected(f"{name}: the parquet file is damaged and cannot be read") from exc


def _tally(con: Any, sql: _Sql, name: str) -> None:
    """First scan: rows, first and last instant per raw (platform, week, by_brand, kind).

    A NULL ``wk`` marks a missing or unparseable ts, a NULL ``by_brand`` a value that is not
    boolean-like. ``kind`` stays raw here (normalising it on the small tally is cheaper);
    the tally stays inside DuckDB, which spills it to disk should a file hold odd kinds.
    """
    _run(
        con,
        name,
        f"""
        CREATE OR REPLACE TEMP TABLE {_TALLY} AS
        SELECT platform, (t + {_EPOCH_TO_MONDAY_US}) // {_US_PER_WEEK} AS wk, by_brand, kind,
               count(*) AS n, min(t) AS first_us, max(t) AS last_us
        FROM (
            SELECT {sql.col["platform"]} AS platform, {sql.ts_us} AS t,
                   {sql.by_brand} AS by_brand, {sql.col["kind"]} AS kind
            FROM {sql.source}
        )
        GROUP BY ALL
        """,
    )


def _validate(con: Any, sql: _Sql, name: str, today: dt.date) -> dict[str, str]:
    """Tally the file and check it (all but member_id); return raw -> normalised platforms."""
    _check_types(sql, name)
    _tally(con, sql, name)
    platform = sql.col["platform"]
    groups = con.execute(
        f"SELECT platform, coalesce(sum(n) FILTER (WHERE wk IS NULL), 0),"
        f" min(first_us), max(last_us), coalesce(sum(n) FILTER (WHERE by_brand IS NULL), 0)"
        f" FROM {_TALLY} GROUP BY platform"
    ).fetchmany(_RAW_PLATFORM_CAP + 1)
    if not groups:
        raise ImportRejected(f"{name}: the file has no rows")
    if len(groups) > _RAW_PLATFORM_CAP:
        raise _too_many_platforms(name, f"more than {_RAW_PLATFORM_CAP}")
    names = {raw: normalise_name(raw) for raw, *_ in groups if raw is not None}
    if sum(g[1] for g in groups):
        row, raw = _first_row(con, sql, f"{sql.ts_us} IS NULL", f"CAST({sql.col['ts']} AS VARCHAR)")
        if raw is None or not str(raw).strip():
            raise ImportRejected(f"{name}: missing ts (date and time) at row {row}")
        raise ImportRejected(
            f"{name}: column ts at row {row} holds {str(raw)[:60]!r}, which is not a date and time"
        )
    if any(raw is None or not names[raw] for raw, *_ in groups):
        blank = ", ".join(_literal(raw) for raw, norm in names.items() if not norm)
        condition = f"{platform} IS NULL" + (f" OR {platform} IN ({blank})" if blank else "")
        row, _ = _first_row(con, sql, condition, platform)
        raise ImportRejected(f"{name}: missing platform at row {row}")
    if sum(g[4] for g in groups):
        row, raw = _first_row(
            con, sql, f"{sql.by_brand} IS NULL", f"CAST({sql.col['by_brand']} AS VARCHAR)"
        )
        shown = "nothing" if raw is None else repr(str(raw)[:60])
        raise ImportRejected(
            f"{name}: column by_brand at row {row} holds {shown}; expected true or false"
        )
    tomorrow = _epoch_us(today + dt.timedelta(days=1))
    shown_ts = f"CAST({sql.col['ts']} AS VARCHAR)"  # a TIMESTAMPTZ value would need pytz
    if max(g[3] for g in groups) >= tomorrow:
        row, raw = _first_row(con, sql, f"{sql.ts_us} >= {tomorrow}", shown_ts)
        raise ImportRejected(
            f"{name}: ts {raw} at row {row} is in the future (today is {today.isoformat()})"
        )
    earliest = _epoch_us(EARLIEST_DATE)
    if min(g[2] for g in groups) < earliest:
        row, raw = _first_row(con, sql, f"{sql.ts_us} < {earliest}", shown_ts)
        raise ImportRejected(
            f"{name}: ts {raw} at row {row} is before {EARLIEST_DATE.isoformat()}, "
            "too early to be real"
        )
    distinct = len(set(names.values()))
    if distinct > MAX_PLATFORMS:
        raise _too_many_platforms(name, str(distinct))
    problems = {n: why for n in set(names.values()) if (why := platform_name_problem(n))}
    if problems:
        raws = [raw for raw, norm in names.items() if norm in problems]
        con.register(_BAD_PLATFORMS, pa.table({"raw": pa.array(raws, pa.string())}))
        condition = f"{platform} IN (SELECT raw FROM {_BAD_PLATFORMS})"
        row, raw = _first_row(con, sql, condition, platform)
        norm = names[raw]
        raise ImportRejected(f"{name}: platform {show_name(norm)} at row {row} {problems[norm]}")
    return names


def _refuse_missing_member(con: Any, sql: _Sql, name: str) -> None:
    row, _ = _first_row(con, sql, sql.member_missing, "NULL")
    raise ImportRejected(f"{name}: missing member_id at row {row}")


def _too_many_platforms(name: str, found: str) -> ImportRejected:
    return ImportRejected(
        f"{name}: {found} distinct platforms; at most {MAX_PLATFORMS} are accepted "
        "(is the platform column holding something else?)"
    )


def _epoch_us(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * _US_PER_DAY


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
    sql = _Sql(path, pq.read_schema(path))
    with _connect() as con:
        _tally(con, sql, path.name)
        if platform_names is None:
            raws = con.execute(f"SELECT DISTINCT platform FROM {_TALLY}").fetchall()
            platform_names = {r: normalise_name(r) for (r,) in raws if r is not None}
        return _derive(con, sql, path.name, platform_names, window)


def _count_filter(whose: str, kinds: str) -> str:
    """The SQL condition on the tally's ``by_brand`` and ``grp`` of one ``EVENT_COUNTS`` entry."""
    by = {"brand": "by_brand", "member": "NOT by_brand", "anyone": "true"}[whose]
    if kinds == "any":
        return by
    group = kinds.removeprefix("other than ")
    if group not in KIND_GROUPS:
        raise ValueError(f"EVENT_COUNTS: unknown kind group {kinds!r}")
    test = f"grp = {_literal(group)}"
    return f"{by} AND {'NOT ' if kinds != group else ''}{test}"


def _counts_sql() -> tuple[str, str]:
    """The weekly counts' SELECT list and the kind -> group CASE, from the declarations."""
    cases = " ".join(
        f"WHEN {_literal(kind)} THEN {_literal(group)}"
        for group, kinds in KIND_GROUPS.items()
        for kind in kinds
    )
    grp = f"CASE lower(trim(CAST(kind AS VARCHAR))) {cases} ELSE '' END AS grp"
    sums = ", ".join(
        f"sum(n) FILTER (WHERE {_count_filter(whose, kinds)})::BIGINT AS {metric}"
        for metric, (whose, kinds) in EVENT_COUNTS.items()
    )
    return sums, grp


def _derive(
    con: Any, sql: _Sql, name: str, platform_names: Mapping[str, str], returning: int
) -> pd.DataFrame:
    """The weekly table from the tally (counts) and a second scan (distinct members)."""
    platforms = sorted(set(platform_names.values()))
    code = {p: i for i, p in enumerate(platforms)}
    con.register(
        _CODES,
        pa.table(
            {
                "raw": pa.array(list(platform_names), pa.string()),
                "code": pa.array([code[n] for n in platform_names.values()], pa.uint32()),
            }
        ),
    )
    sums, grp = _counts_sql()
    counts = con.execute(
        f"""
        SELECT c.code, t.wk, {sums}
        FROM (
            SELECT platform, wk, by_brand, n, {grp}
            FROM {_TALLY} WHERE wk IS NOT NULL
        ) t JOIN {_CODES} c ON c.raw = t.platform
        GROUP BY c.code, t.wk ORDER BY c.code, t.wk
        """
    ).df()
    if counts.empty:
        return empty_weekly()
    first, last = int(counts["wk"].min()), int(counts["wk"].max())
    active, back, new = _member_weeks(con, sql, name, (first, last), len(platforms), returning)
    at = (counts["code"].to_numpy(np.int64), counts["wk"].to_numpy(np.int64) - first)
    per_week = (
        counts.drop(columns="code")
        .fillna(0)
        .assign(
            platform=np.asarray(platforms, dtype=object)[at[0]],
            active_members=active[at],
            returning_members=back[at],
            new_members=new[at],
        )
    )
    return _to_long(per_week)


def _member_weeks(
    con: Any, sql: _Sql, name: str, span: tuple[int, int], n_platforms: int, returning: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Active, returning and new members per (platform code, week - first week of ``span``).

    One GROUP BY (platform, by_brand, member) turns the events into a bitset of the weeks
    each member was active (64 weeks per UBIGINT word); counting set bits per week gives
    active members, bits also set in any of the ``returning`` bits before them returning
    ones (``_any_of_previous``), the lowest set bit new ones. Exact, and far cheaper than
    distinct (platform, week, member) rows and a window.
    Brand accounts are grouped apart (and dropped) so a missing id on any row is found here.
    """
    first, last = span
    n_words = (last - first) // 64 + 1
    member = sql.col["member_id"]
    week = f"(({sql.ts_us} + {_EPOCH_TO_MONDAY_US}) // {_US_PER_WEEK} - {first})::UINTEGER"
    if n_words == 1:
        bits = "bit_or(1::UBIGINT << d) AS w0"
    else:
        bits = ", ".join(
            f"bit_or(((d >> 6) = {j})::UBIGINT << (d & 63)) AS w{j}" for j in range(n_words)
        )
    missing = sql.missing_member("member")
    found = _run(
        con,
        name,
        f"""
        SELECT c.code, {missing} AS missing, {bits}
        FROM (
            SELECT {sql.col["platform"]} AS platform, {member} AS member,
                   {sql.by_brand} AS by_brand, {week} AS d
            FROM {sql.source}
        ) e JOIN {_CODES} c ON c.raw = e.platform
        GROUP BY c.code, e.by_brand, member
        HAVING NOT e.by_brand OR {missing}
        """,
    ).fetchnumpy()
    if found["missing"].any():
        _refuse_missing_member(con, sql, name)
    codes = np.asarray(found["code"], dtype=np.int64)
    words = np.empty((len(codes), n_words), dtype="<u8")
    for j in range(n_words):
        words[:, j] = found.pop(f"w{j}")
    del found
    n_weeks = last - first + 1
    shape = (n_platforms, 64 * n_words)
    active = _bit_counts(codes, words, n_platforms)
    back = _bit_counts(codes, words & _any_of_previous(words, returning), n_platforms)
    new = np.bincount(codes * shape[1] + _lowest_bit(words), minlength=shape[0] * shape[1])
    return (
        active[:, :n_weeks],
        back[:, :n_weeks],
        new.reshape(shape)[:, :n_weeks],
    )


def _later(words: np.ndarray, k: int) -> np.ndarray:
    """Each row's bitset moved ``k`` weeks later (0 < k < 64), carrying across words."""
    out = words << np.uint64(k)
    out[:, 1:] |= words[:, :-1] >> np.uint64(64 - k)
    return out


def _any_of_previous(words: np.ndarray, n: int) -> np.ndarray:
    """Bit w set when any of bits w-1 .. w-n is set in the row: the OR of n shifted copies,
    built by doubling (log2(n) + 1 shifts rather than n)."""
    covered = _later(words, 1)  # bits w-1 .. w-span
    span = 1
    while 2 * span <= n:
        covered |= _later(covered, span)
        span *= 2
    if n > span:
        covered |= _later(covered, n - span)  # w-1 .. w-span and w-(n-span)-1 .. w-n
    return covered


_BYTE_BITS: Final[np.ndarray] = np.unpackbits(
    np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little"
).astype(np.int64)
"""Row ``b`` holds the 8 bits of byte value ``b``, lowest first."""


def _bit_counts(codes: np.ndarray, words: np.ndarray, n_platforms: int) -> np.ndarray:
    """How many rows of each platform code have each bit set: shape (platforms, 64 * words).

    Per byte column, a histogram of byte values per platform times the bits of each value:
    one ``bincount`` per byte instead of unpacking every bit of every row.
    """
    as_bytes = np.ascontiguousarray(words).view(np.uint8)
    base = codes * 256
    out = np.empty((n_platforms, as_bytes.shape[1] * 8), dtype=np.int64)
    for b in range(as_bytes.shape[1]):
        hist = np.bincount(base + as_bytes[:, b], minlength=n_platforms * 256)
        out[:, 8 * b : 8 * b + 8] = hist.reshape(n_platforms, 256) @ _BYTE_BITS
    return out


def _lowest_bit(words: np.ndarray) -> np.ndarray:
    """Index of the lowest set bit of each row of words (every row has one)."""
    first = np.argmax(words != 0, axis=1)
    word = words[np.arange(len(words)), first]
    lowest = word & (~word + np.uint64(1))
    exponent = np.frexp(lowest.astype(np.float64))[1]  # 2**k -> mantissa 0.5, exponent k + 1
    return np.asarray(first * 64 + exponent - 1, dtype=np.int64)


def _to_long(per_week: pd.DataFrame) -> pd.DataFrame:
    """(platform, wk, one column per metric) -> the long weekly table, gap weeks as zeros."""
    if per_week.empty:
        return empty_weekly()
    per_week = per_week.set_index(["platform", "wk"]).sort_index()
    spans = per_week.reset_index().groupby("platform")["wk"].agg(["min", "max"])
    full = pd.MultiIndex.from_tuples(
        [(p, w) for p, lo, hi in spans.itertuples() for w in range(int(lo), int(hi) + 1)],
        names=["platform", "wk"],
    )
    per_week = per_week.reindex(full, fill_value=0)
    # Members seen so far: the running sum of new members, carried through quiet weeks.
    per_week["community_members"] = per_week.groupby(level="platform")["new_members"].cumsum()
    per_week = per_week[list(EVENT_METRICS)].reset_index()
    long = per_week.melt(id_vars=["platform", "wk"], var_name="metric", value_name="value")
    weeks = (_WEEK_ZERO + long["wk"].to_numpy(dtype="int64") * 7).astype("datetime64[ns]")
    out = pd.DataFrame(
        {
            "week": weeks,
            "platform": long["platform"].astype("str"),
            "metric": long["metric"].astype("str"),
            "value": long["value"].astype("float64"),
        }
    )
    return out.sort_values(["platform", "week", "metric"], kind="stable").reset_index(drop=True)[
        list(WEEKLY_COLUMNS)
    ]
