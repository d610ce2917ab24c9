"""Engines and transactions for both dialects, and their failures in words.

Every write runs in one transaction that first takes the workspace's write lock: on SQLite
``BEGIN IMMEDIATE``, on PostgreSQL a transaction-scoped advisory lock (which also exists
before any table does, so migrations take it too). So writes are
serialised the same way on both engines, and a write waiting longer than ``BUSY_TIMEOUT_S``
ends as ``WorkspaceBusy``. A read is one consistent snapshot (a deferred SQLite transaction,
PostgreSQL's ``REPEATABLE READ``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.pool import NullPool

from strategy.domain.errors import RolloutError
from strategy.storage.location import DB_NAME, Location

BUSY_TIMEOUT_S: float = 60.0
"""How long a write waits for another one before giving up with WorkspaceBusy."""
WRITE_LOCK_KEY: Final = 0x50C1A1
"""PostgreSQL's advisory lock that every write (and a migration) of a workspace takes."""


class StorageError(RolloutError):
    """The workspace database could not be read or written; nothing was half-written."""


class WorkspaceBusy(StorageError):
    """Another write held the workspace for longer than the busy timeout."""


class NotAWorkspace(StorageError):
    """The workspace's database is damaged or not a workspace database at all."""


class Unreachable(StorageError):
    """The database server could not be reached, refused the login, or has no such database."""


_SQLITE_BUGS: Final = (sqlite3.IntegrityError, sqlite3.ProgrammingError)
_PG_BUGS: Final = ("IntegrityError", "ProgrammingError")
"""Driver errors that mean a wrong statement in this package, raised as they are."""


def _pg(orig: object, *names: str) -> bool:
    """Whether ``orig`` is one of psycopg's errors of these names (``errors.DiskFull`` for a
    class of ``psycopg.errors``). psycopg is not imported here: SQLAlchemy loads it when a
    PostgreSQL workspace is opened, and none of its errors can occur before, so a command
    on SQLite never pays for loading it."""
    psycopg = sys.modules.get("psycopg")
    if psycopg is None:
        return False
    for name in names:
        found: Any = psycopg
        for part in name.split("."):
            found = getattr(found, part)
        if isinstance(orig, found):
            return True
    return False


def _bug(orig: object) -> bool:
    """A driver error that is a bug in this package; a missing right is the user's to fix."""
    if isinstance(orig, _SQLITE_BUGS):
        return True
    return _pg(orig, *_PG_BUGS) and not _pg(orig, "errors.InsufficientPrivilege")


_engines: dict[tuple[str, int], Engine] = {}
_engines_lock = threading.Lock()


def engine(location: Location) -> Engine:
    """This process's engine for ``location`` (a forked child makes its own)."""
    key = (location.key, os.getpid())
    with _engines_lock:
        found = _engines.get(key)
        if found is None:
            found = _engines[key] = _create(location)
        return found


def dispose(location: Location) -> None:
    """Close this process's pooled connections to ``location`` (before dropping a database)."""
    with _engines_lock:
        found = _engines.pop((location.key, os.getpid()), None)
    if found is not None:
        found.dispose()


def _create(location: Location) -> Engine:
    if location.dialect == "sqlite":
        # A connection per use, as sqlite3 is cheap to open; pysqlite's own transaction
        # handling is switched off so BEGIN is ours (SQLAlchemy's documented recipe).
        eng = create_engine(location.url, poolclass=NullPool)

        @event.listens_for(eng, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            dbapi_conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            dbapi_conn.execute("PRAGMA foreign_keys=ON")
            dbapi_conn.execute("PRAGMA synchronous=FULL")

        @event.listens_for(eng, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

        return eng
    return create_engine(
        location.url,
        pool_size=4,
        max_overflow=16,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 10, "application_name": "social-rollout-tracker"},
    )


@contextlib.contextmanager
def connection(location: Location) -> Iterator[Connection]:
    """A connection whose database failures reach the caller as StorageError, in words."""
    try:
        with engine(location).connect() as conn:
            yield conn
    except DBAPIError as exc:
        if _bug(exc.orig):
            raise  # a bug in this package, not something the user can act on
        raise storage_error(location, exc) from exc


@contextlib.contextmanager
def write(location: Location) -> Iterator[Connection]:
    """One write transaction holding the workspace's write lock; commits when the block ends."""
    with connection(location) as conn:
        if location.dialect == "sqlite":
            conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        with conn.begin():
            if location.dialect == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(BUSY_TIMEOUT_S * 1000)}ms'")
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
            yield conn


@contextlib.contextmanager
def read(location: Location) -> Iterator[Connection]:
    """A read transaction: one consistent snapshot of the database; never writes."""
    with connection(location) as conn:
        if location.dialect == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        trans = conn.begin()
        try:
            yield conn
        finally:
            trans.rollback()


def storage_error(location: Location, exc: DBAPIError) -> StorageError:
    """The failure in words a user can act on, naming the workspace."""
    orig = exc.orig
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    lowered = str(orig).lower()
    where = f"workspace {location}"
    if _pg(orig, "errors.LockNotAvailable") or (
        isinstance(orig, sqlite3.OperationalError) and ("locked" in lowered or "busy" in lowered)
    ):
        return WorkspaceBusy(
            f"{where}: another write is taking long, so nothing was changed; try again in a moment"
        )
    if isinstance(orig, sqlite3.DatabaseError):
        return _sqlite_error(where, type(orig) is sqlite3.DatabaseError, lowered, detail)
    if _pg(orig, "OperationalError") or isinstance(exc, InterfaceError):
        disk_full = _pg(orig, "errors.DiskFull")
        return _server_error(location, where, disk_full, lowered, detail)
    if _pg(orig, "errors.InsufficientPrivilege"):
        return StorageError(
            f"{where}: the database user {location.url.username!r} may not do this "
            f"({detail}); grant it the rights on the workspace's tables"
        )
    return StorageError(f"{where}: the database failed ({detail}); nothing was changed")


def _sqlite_error(where: str, bare: bool, lowered: str, detail: str) -> StorageError:
    """SQLite's failure: not a workspace database (``bare``: sqlite3's own DatabaseError, or
    malformed), a full disk, or a folder that cannot be read or written."""
    if bare or "malformed" in lowered:
        return NotAWorkspace(
            f"{where}: {DB_NAME} is not a workspace database (damaged, or another kind "
            f"of file: {detail}); open another workspace folder or restore it from a backup"
        )
    if "full" in lowered:
        return StorageError(
            f"{where}: the disk is full, so nothing was changed; free some space and try again"
        )
    return StorageError(
        f"{where}: the database could not be read or written ({detail}), so nothing was "
        "changed; check that the folder is reachable and writable, then try again"
    )


_UNREACHABLE: Final = (
    "connection refused",
    "could not connect",
    "connection failed",
    "timeout expired",
    "name or service not known",
)
"""What the driver says when the server cannot be reached at all."""


def _server_error(
    location: Location, where: str, disk_full: bool, lowered: str, detail: str
) -> StorageError:
    """PostgreSQL's failure: a refused login, no such database, no server, a full disk."""
    url = location.url
    server = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "authentication failed" in lowered or ("role " in lowered and "does not exist" in lowered):
        return Unreachable(
            f"{where}: the server refused the login of user {url.username!r}; "
            "check the user name and password in the URL"
        )
    if "does not exist" in lowered and "database" in lowered:
        return Unreachable(
            f"{where}: the server at {server} has no database {url.database!r}; "
            f"create it first (createdb {url.database})"
        )
    if any(said in lowered for said in _UNREACHABLE):
        return Unreachable(
            f"{where}: cannot reach the PostgreSQL server at {server} ({detail}); "
            "check that it is running and the host and port are right"
        )
    if disk_full:
        return StorageError(
            f"{where}: the database server's disk is full, so nothing was changed; "
            "free some space and try again"
        )
    return StorageError(
        f"{where}: the database could not be read or written ({detail}), so nothing was "
        "changed; try again"
    )
