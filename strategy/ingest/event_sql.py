"""DuckDB over one events file: a private, bounded connection, the SQL expressions chosen from
the file's parquet schema, and DuckDB's errors turned into refusals."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

from strategy.domain.errors import ImportRejected
from strategy.ingest.cells import is_text, value_type
from strategy.ingest.event_kinds import EVENT_COLUMNS
from strategy.ingest.headers import column_map
from strategy.ingest.temp_folders import sweep_dead_temp_folders, temp_prefix

DUCKDB_THREADS: Final[int] = 2


DUCKDB_MEMORY_LIMIT: Final[str] = "800MB"
"""DuckDB spills to a temporary directory beyond this, keeping an import's memory bounded."""


US_PER_DAY: Final[int] = 86_400_000_000


US_PER_WEEK: Final[int] = 7 * US_PER_DAY


EPOCH_TO_MONDAY_US: Final[int] = 3 * US_PER_DAY
"""1970-01-01 is a Thursday: shifting by 3 days puts week boundaries on Mondays."""


_TRUE_WORDS: Final[tuple[str, ...]] = ("true", "t", "yes", "y", "1")


_FALSE_WORDS: Final[tuple[str, ...]] = ("false", "f", "no", "n", "0")


TALLY: Final[str] = "rollout_tally"


CODES: Final[str] = "rollout_platform_codes"


def sql_ident(name: str) -> str:
    """A name quoted as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """Text quoted as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def connect() -> Iterator[Any]:
    """A private in-memory DuckDB with bounded threads and memory, spilling to a temp dir.

    Killed imports' leftover temp folders are swept first. DuckDB loads here, when a file is
    read, not with the command line.
    """
    import duckdb

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


class EventSql:
    """SQL expressions over one events file, chosen from its parquet schema."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        cols = column_map(schema)
        # Parquet min/max statistics leave NaN out (pyarrow writes them so); without
        # can_have_nan DuckDB trusts them, folds isnan(member_id) to false and skips row groups.
        file = f"{sql_literal(str(path))}, can_have_nan = true"
        self.source = f"read_parquet({file})"
        self.numbered_source = f"read_parquet({file}, file_row_number = true)"
        self.types = {key: schema.field(cols[key]).type for key in EVENT_COLUMNS}
        self.col = {key: sql_ident(cols[key]) for key in EVENT_COLUMNS}
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
            yes = ", ".join(sql_literal(w) for w in _TRUE_WORDS)
            no = ", ".join(sql_literal(w) for w in _FALSE_WORDS)
            return f"(CASE WHEN {word} IN ({yes}) THEN true WHEN {word} IN ({no}) THEN false END)"
        return "NULL"


@contextmanager
def _refusing(name: str) -> Iterator[None]:
    """DuckDB's read and memory errors inside the block as refusals naming the file."""
    import duckdb

    try:
        yield
    except duckdb.OutOfMemoryException as exc:
        raise ImportRejected(
            f"{name}: the file is too large to import within the memory limit "
            f"({DUCKDB_MEMORY_LIMIT}); split it into smaller files"
        ) from exc
    except duckdb.Error as exc:
        raise ImportRejected(f"{name}: the parquet file is damaged and cannot be read") from exc


def run(con: Any, name: str, query: str) -> Any:
    """Execute ``query``, turning DuckDB's read and memory errors into refusals."""
    with _refusing(name):
        return con.execute(query)


def batches(con: Any, name: str, query: str, rows: int) -> Iterator[pa.RecordBatch]:
    """The result of ``query`` as Arrow batches of up to ``rows`` rows, streamed (DuckDB
    keeps the rest, spilling past its memory limit); its errors are refusals as ``run``'s."""
    with _refusing(name):
        yield from con.sql(query).to_arrow_reader(rows)


def first_row_where(con: Any, sql: EventSql, condition: str, shown: str) -> tuple[int, Any]:
    """1-based row number and the shown value of the first row meeting ``condition``."""
    row = con.execute(
        f"SELECT file_row_number, {shown} FROM {sql.numbered_source} "
        f"WHERE {condition} ORDER BY file_row_number LIMIT 1"
    ).fetchone()
    assert row is not None  # only called after the aggregate pass counted such a row
    return int(row[0]) + 1, row[1]
