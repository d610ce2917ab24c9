"""A workspace's storage: where it lives, opening (and migrating) it, the one write
transaction, and the consistent reads of its whole state.

Every write is one transaction that takes the write lock, makes the change, bumps the data
version and appends its audit row (``Store.write``), so a crash leaves the previous state or
the new one, never a mix. A write that finds nothing to change writes nothing (no audit row,
no version bump), so it does not clear every replica's caches. What may be written, and who
may write it, is the use cases' (``strategy.usecases``); this module only stores.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Self

from sqlalchemy import text
from sqlalchemy.engine import Connection as Connection  # the use cases' transaction type

from strategy.domain.errors import NotFound, ValidationError
from strategy.domain.mappings import FileMapping
from strategy.domain.presence import leavers, on_roster
from strategy.domain.settings import Settings
from strategy.domain.snapshot import AuditEntry, Snapshot, Upload
from strategy.domain.team import Member
from strategy.storage import (
    audit,
    database,
    experiment_rows,
    platform_rows,
    request_rows,
    schema,
    settings_rows,
    stage_rows,
    team_rows,
    upload_rows,
)
from strategy.storage.files import ORPHAN_MIN_AGE_S, DatabaseFiles, FileStore, FolderFiles
from strategy.storage.location import DB_NAME, Location, parse_location


class Store:
    """A workspace folder or database. Cheap to construct; every call takes a connection."""

    def __init__(self, location: str | os.PathLike[str] | Location) -> None:
        self.location = parse_location(location)
        self.files: FileStore = (
            FolderFiles(self.location.folder) if self.location.folder else DatabaseFiles()
        )

    @property
    def root(self) -> Path:
        """A folder workspace's folder (a database workspace has none)."""
        if self.location.folder is None:
            raise ValidationError(f"workspace {self.location}: a database, not a folder")
        return self.location.folder

    def __str__(self) -> str:
        return str(self.location)

    # --- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, location: str | os.PathLike[str] | Location, *, create: bool = False) -> Self:
        """Open a workspace, creating it if asked; migrates an older schema.

        A folder is created as needed; a database must exist, and is refused for creating
        when it holds anything but a workspace.
        """
        ws = cls(location)
        folder = ws.location.folder
        if folder is not None:
            if not (folder / DB_NAME).exists():
                if not create:
                    raise NotFound(f"{folder}: no workspace here (expected {DB_NAME})")
                folder.mkdir(parents=True, exist_ok=True)
            (folder / "files").mkdir(parents=True, exist_ok=True)
        ws._migrate(create=create)
        ws.collect_orphans()
        return ws

    def exists(self) -> bool:
        """Whether a workspace schema is there (folder: its database file; database: tables)."""
        if self.location.folder is not None:
            return (self.location.folder / DB_NAME).exists()
        with database.connection(self.location) as conn:
            return schema.schema_version(conn) > 0

    def _migrate(self, *, create: bool) -> None:
        """Bring the schema up to date; a current one is only read, never locked."""
        where = str(self.location)
        with database.connection(self.location) as conn:
            version = schema.schema_version(conn)
            if schema.check_version(version, where):
                return
            if version == 0 and not create:
                raise NotFound(
                    f"{where}: no workspace in this database; create one with "
                    "`python -m strategy init URL`"
                )
            if version == 0 and (others := schema.other_tables(conn)):
                raise ValidationError(
                    f"{where}: the database already holds other tables "
                    f"({audit.names(others)}); a workspace needs an empty database"
                )
        if self.location.folder is not None:
            with database.connection(self.location) as conn:
                raw = conn.connection.driver_connection  # outside a transaction, as it must be
                assert raw is not None
                raw.execute("PRAGMA journal_mode=WAL")
        with database.write(self.location) as conn:
            version = schema.schema_version(conn)  # again: another process may have won
            if not schema.check_version(version, where):
                schema.migrate(conn, self.location.dialect, version)

    # --- the write transaction -------------------------------------------------------

    @contextlib.contextmanager
    def write(
        self, actor_name: str, action: str, detail: str | Callable[[], str | None]
    ) -> Iterator[Connection]:
        """One write transaction: the write lock, the change, version bump and audit row.

        ``detail`` may be a function, called after the change, when it depends on what it found;
        one returning None says the block found nothing to change and wrote nothing: then
        there is no audit row and no version bump, so every replica's caches stay valid.
        """
        with database.write(self.location) as conn:
            yield conn
            said = detail if isinstance(detail, str) else detail()
            if said is not None:
                audit.record(conn, actor_name, action, said)

    # --- reading ---------------------------------------------------------------------

    def data_version(self) -> int:
        """A number that changes with every write: the key for caches of computed results."""
        with database.connection(self.location) as conn:
            return _data_version(conn)

    def snapshot(self, *, as_of: dt.date | None = None) -> Snapshot:
        """Read the whole workspace state in one consistent transaction.

        With ``as_of``, the metrics are those of the uploads made by that day (UTC): the
        weekly table as it stood then, for a report as of that date.
        """
        with database.read(self.location) as conn:
            return snapshot(conn, as_of)

    def people(self) -> tuple[Member, ...]:
        """Everyone on the roster and everyone who has left, read alone: the team without
        the weekly table a snapshot builds (``team list`` answers in a fraction of the time)."""
        with database.read(self.location) as conn:
            return team_rows.members(conn)

    def settings(self) -> Settings:
        """The settings, read alone, without the weekly table a snapshot builds."""
        with database.read(self.location) as conn:
            return Settings(
                settings_rows.demand(conn), settings_rows.returning(conn), settings_rows.ramp(conn)
            )

    def uploads(self) -> tuple[tuple[Upload, ...], dict[str, FileMapping]]:
        """Every upload, oldest first, and the saved mappings (which name the aggregations
        a mapped file's reader chose), read together without the weekly table."""
        with database.read(self.location) as conn:
            return upload_rows.uploads(conn), settings_rows.mappings(conn)

    def audit_log(self, limit: int = 200) -> tuple[AuditEntry, ...]:
        """The latest writes, newest first."""
        with database.read(self.location) as conn:
            return audit.latest(conn, limit)

    def user_roles(self) -> dict[str, str]:
        """E-mail address -> role mapping used when login is configured."""
        with database.read(self.location) as conn:
            return settings_rows.user_roles(conn)

    def stored_bytes(self, upload: Upload) -> bytes:
        """The original bytes of an upload's file, as imported."""
        with database.read(self.location) as conn:
            return self.files.read_bytes(conn, upload.sha256)

    def collect_orphans(self, min_age_seconds: float = ORPHAN_MIN_AGE_S) -> int:
        """Delete stored files no upload points to (left by a crash or a removal); the
        uploads are read only when the workspace keeps loose files."""

        def referenced() -> set[str]:
            with database.read(self.location) as conn:
                return upload_rows.hashes(conn)

        return self.files.collect_orphans(referenced, min_age_seconds)


def _data_version(conn: Connection) -> int:
    return int(conn.execute(text("SELECT value FROM meta WHERE key = 'data_version'")).scalar_one())


def snapshot(conn: Connection, as_of: dt.date | None) -> Snapshot:
    """The whole state as this transaction sees it (``Store.snapshot``)."""
    version = _data_version(conn)
    uploads = tuple(u for u in upload_rows.uploads(conn) if as_of is None or u.uploaded_on <= as_of)
    weekly, coverage, daily = upload_rows.weekly(conn, uploads, all_uploads=as_of is None)
    people = team_rows.members(conn)
    return Snapshot(
        data_version=version,
        members=on_roster(people),
        former=leavers(people),
        checklist=stage_rows.checklist(conn),
        overrides=stage_rows.overrides(conn),
        tests=experiment_rows.tests(conn),
        uploads=uploads,
        weekly=weekly,
        coverage=coverage,
        gates=settings_rows.gates(conn),
        demand=settings_rows.demand(conn),
        returning_weeks=settings_rows.returning(conn),
        company=settings_rows.company(conn),
        role_serves=settings_rows.role_serves(conn),
        rates=settings_rows.rates(conn),
        requests=request_rows.requests(conn),
        onboarding=request_rows.onboarding(conn),
        plans=settings_rows.plans(conn),
        baselines=settings_rows.baselines(conn),
        daily_changes=daily,
        mappings=settings_rows.mappings(conn),
        test_dates=experiment_rows.dates(conn),
        kept_stats=experiment_rows.kept(conn),
        ramp_up=settings_rows.ramp(conn),
        platform_decisions=platform_rows.decisions(conn),
    )
