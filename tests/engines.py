"""The two engines the suite runs on: SQLite folders and databases on a real PostgreSQL.

``scripts/test.sh`` starts a throwaway server and names it in ROLLOUT_TEST_PG; run without
it, the session starts its own the same way (``scripts/postgres.sh``). Each test gets a
private database, copied from a template when it needs the demo company.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import psycopg
from psycopg import sql
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from strategy.storage import DB_NAME, Location, parse_location
from strategy.storage import database as storage_database
from strategy.usecases import Workspace

ROOT = Path(__file__).resolve().parent.parent
PG_ENV: Final = "ROLLOUT_TEST_PG"
ENGINES_ENV: Final = "ROLLOUT_TEST_ENGINES"
ALL_ENGINES: Final = ("sqlite", "postgresql")
ENGINES: Final = tuple(
    e for e in ALL_ENGINES if e in os.environ.get(ENGINES_ENV, ",".join(ALL_ENGINES)).split(",")
)
"""The engines this session runs on: both, or those ROLLOUT_TEST_ENGINES names
(``scripts/test.sh --quick`` names ``sqlite`` alone)."""
FUZZ_SHARE: Final = float(os.environ.get("ROLLOUT_TEST_FUZZ_SHARE", "1"))
"""The share of each property test's examples this session runs: all of them, or a quarter in
``scripts/test.sh --quick`` (the same properties, on fewer generated inputs)."""


def fuzz_examples(full: int) -> int:
    """How many examples a property test that checks ``full`` in the full run checks now."""
    return max(5, round(full * FUZZ_SHARE))


class Postgres:
    """A PostgreSQL server the tests may create and drop databases on."""

    def __init__(self) -> None:
        given = os.environ.get(PG_ENV, "").strip()
        self.folder: Path | None = None
        if not given:
            self.folder = Path(tempfile.mkdtemp(prefix="rollout-test-pg-"))
            given = subprocess.run(
                [
                    "bash",
                    str(ROOT / "scripts" / "postgres.sh"),
                    "start",
                    str(self.folder / "pg"),
                    "--fast",
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        self.url = make_url(given)

    def stop(self) -> None:
        if self.folder is not None:
            subprocess.run(
                ["bash", str(ROOT / "scripts" / "postgres.sh"), "stop", str(self.folder / "pg")],
                check=False,
            )

    def _admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.url.set(drivername="postgresql").render_as_string(hide_password=False),
            autocommit=True,
        )

    def create(self, template: str | None = None, name: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); returns its URL."""
        name = name or f"ws_{uuid.uuid4().hex[:16]}"
        with self._admin() as conn:
            if template:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY = FILE_COPY").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
            else:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_of(name)

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        """Drop a test's database, closing this process's pooled connections to it first."""
        location = parse_location(url)
        storage_database.dispose(location)
        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(str(location.url.database))
                )
            )


_TABLE_COLUMNS: Final = {
    "sqlite": "SELECT m.name, c.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS c"
    " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY m.name, c.cid",
    "postgresql": "SELECT t.relname, a.attname FROM pg_class AS t"
    " JOIN pg_namespace AS n ON n.oid = t.relnamespace JOIN pg_attribute AS a ON a.attrelid = t.oid"
    " WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p')"
    " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY t.relname, a.attnum",
}
"""Every table of the workspace's schema and its columns in their order, in one query: what
SQLAlchemy's inspector lists (``get_table_names``, ``get_columns``) with a query per table."""


def table_columns(conn: Connection) -> dict[str, list[str]]:
    """The workspace's tables, sorted by name, each with its column names in order."""
    tables: dict[str, list[str]] = {}
    for table, column in conn.execute(text(_TABLE_COLUMNS[conn.dialect.name])):
        tables.setdefault(str(table), []).append(str(column))
    return {table: tables[table] for table in sorted(tables)}


def workspace_state(ws: Workspace | str | Path | Location) -> tuple[list[Any], dict[str, bytes]]:
    """A workspace's full content: every table's rows, and every stored file's bytes.

    Reading through the database (not its file bytes) also sees what sits in SQLite's
    write-ahead log, so two equal states mean nothing was stored in between.
    """
    location = ws.location if isinstance(ws, Workspace) else parse_location(ws)
    rows: list[Any] = []
    with storage_database.read(location) as conn:
        for table, columns in table_columns(conn).items():
            order = ", ".join(f'"{c}"' for c in columns)
            rows.append((table, columns))
            rows.extend(
                (table, tuple(bytes(v) if isinstance(v, memoryview) else v for v in r))
                for r in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY {order}'))
            )
    files: dict[str, bytes] = {}
    if location.folder is not None:
        files = {
            str(p.relative_to(location.folder)): p.read_bytes()
            for p in sorted((location.folder / "files").rglob("*"))
            if p.is_file()
        }
    return rows, files


def execute(ws: Workspace, statement: str, params: dict[str, Any] | None = None) -> None:
    """Run one SQL statement on a workspace's database and commit: a test's own edit."""
    with storage_database.connection(ws.location) as conn, conn.begin():
        conn.execute(text(statement), params or {})


def scalar(ws: Workspace, statement: str, params: dict[str, Any] | None = None) -> Any:
    """One value read from a workspace's database."""
    with storage_database.read(ws.location) as conn:
        return conn.execute(text(statement), params or {}).scalar()


@contextlib.contextmanager
def write_lock_held(ws: Workspace) -> Iterator[None]:
    """Another connection holds the workspace's write lock until the block ends."""
    if ws.location.dialect == "sqlite":
        holder = sqlite3.connect(ws.location.folder / DB_NAME, isolation_level=None)  # type: ignore[operator]
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    url = ws.location.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (storage_database.WRITE_LOCK_KEY,))
        try:
            yield
        finally:
            holder.rollback()


def delete_stored_files(ws: Workspace) -> None:
    """Delete the original bytes of every imported file, wherever the workspace keeps them."""
    if ws.location.folder is not None:
        for stored in (ws.location.folder / "files").iterdir():
            stored.unlink()
    else:
        execute(ws, "DELETE FROM stored_files")
