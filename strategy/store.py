"""The workspace store: one folder with a SQLite database and content-addressed parquet files.

Every write is one ``BEGIN IMMEDIATE`` transaction that also bumps the data version and
appends to the audit log, so a crash leaves the previous state or the new one, never a mix.
Imported files are copied to ``files/<sha256>.parquet`` through a temporary name and a
rename; a file no upload row points to is an orphan and is never read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import inspect
import json
import numbers
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from strategy import clock
from strategy.access import Actor, require_edit
from strategy.company import CompanyProfile, check_company
from strategy.errors import Conflict, ImportRejected, NotFound, RolloutError, ValidationError
from strategy.events import EARLIEST_DATE
from strategy.experiments import StrategyTest, TestStatus, make_test
from strategy.gates import (
    CHECKLIST_ITEMS,
    DEFAULT_GATES,
    ChecklistItem,
    GateSet,
    Stage,
    check_known_metrics,
    gates_from_dict,
    gates_to_dict,
)
from strategy.horizons import empty_coverage
from strategy.ingest import ImportedFile, read_metrics
from strategy.metrics import empty_weekly, normalise_name, valid_platform_name
from strategy.resources import (
    DEFAULT_SETTINGS,
    DemandSettings,
    settings_from_dict,
    settings_to_dict,
)
from strategy.stages import Override
from strategy.team import (
    DEFAULT_SERVES,
    Assignment,
    Member,
    RoleServes,
    make_member,
    normalise_channel,
    parse_role,
    serves_from_dict,
    serves_to_dict,
)

DB_NAME: Final = "workspace.sqlite"
FILES_DIR: Final = "files"
SCHEMA_VERSION: Final = 2
BUSY_TIMEOUT_MS: Final = 60_000
ORPHAN_MIN_AGE_S: Final = 3600.0
MAX_REASON: Final = 1000
"""The longest override reason accepted, in characters."""
MAX_ROW_ID: Final = 2**63 - 1
"""SQLite's largest integer: no stored row has a larger id."""
TEST_FIELDS: Final = {
    name: p.default is inspect.Parameter.empty
    for name, p in inspect.signature(make_test).parameters.items()
}
"""The fields ``log_test`` accepts (make_test's keywords), each mapped to whether it is required."""

MIGRATIONS: Final[dict[int, str]] = {
    1: """
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE members(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        available_hours REAL NOT NULL
    );
    CREATE TABLE assignments(
        member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        channel TEXT NOT NULL DEFAULT '',
        hours REAL NOT NULL,
        PRIMARY KEY(member_id, role, channel)
    );
    CREATE TABLE checklist(
        platform TEXT NOT NULL, item TEXT NOT NULL, done_on TEXT,
        PRIMARY KEY(platform, item)
    );
    CREATE TABLE overrides(
        id INTEGER PRIMARY KEY, platform TEXT NOT NULL, week TEXT NOT NULL,
        stage TEXT NOT NULL, reason TEXT NOT NULL, by TEXT NOT NULL
    );
    CREATE TABLE tests(
        id INTEGER PRIMARY KEY, title TEXT NOT NULL, hypothesis TEXT NOT NULL,
        platform TEXT NOT NULL, metric TEXT NOT NULL,
        control_label TEXT NOT NULL, variant_label TEXT NOT NULL,
        control_n INTEGER NOT NULL, control_successes INTEGER NOT NULL,
        variant_n INTEGER NOT NULL, variant_successes INTEGER NOT NULL,
        start TEXT NOT NULL, end TEXT NOT NULL, status TEXT NOT NULL, decision TEXT NOT NULL
    );
    CREATE TABLE uploads(
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, layout TEXT NOT NULL,
        rows INTEGER NOT NULL, platforms TEXT NOT NULL, first_week TEXT NOT NULL,
        last_week TEXT NOT NULL, metrics TEXT NOT NULL, uploaded_at TEXT NOT NULL,
        by TEXT NOT NULL
    );
    CREATE TABLE observations(
        upload_id INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
        platform TEXT NOT NULL, metric TEXT NOT NULL, week TEXT NOT NULL, value REAL NOT NULL,
        PRIMARY KEY(upload_id, platform, metric, week)
    ) WITHOUT ROWID;
    CREATE INDEX observations_key ON observations(platform, metric, week, upload_id);
    CREATE TABLE audit(
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
        action TEXT NOT NULL, detail TEXT NOT NULL
    );
    CREATE TABLE users(email TEXT PRIMARY KEY, role TEXT NOT NULL);
    """,
    2: """
    ALTER TABLE uploads ADD COLUMN data_through TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE overrides ADD COLUMN until TEXT;
    """,
}
"""Schema versions. 2: each upload's last day per platform (week completeness; older
uploads count their weeks whole), and an optional end date for overrides."""


class StorageError(RolloutError):
    """The workspace database could not be read or written; nothing was half-written."""


class WorkspaceBusy(StorageError):
    """Another write held the workspace for longer than the busy timeout."""


class NotAWorkspace(StorageError):
    """The workspace's database file is damaged or not a workspace database at all."""


@dataclass(frozen=True)
class Upload:
    """One imported metrics file and what it covers."""

    id: int
    name: str
    sha256: str
    layout: str
    rows: int
    platforms: tuple[str, ...]
    first_week: dt.date
    last_week: dt.date
    metrics: tuple[str, ...]
    uploaded_at: str
    by: str
    data_through: dict[str, dt.date] = field(default_factory=dict)

    @property
    def uploaded_on(self) -> dt.date:
        """The UTC day of the upload."""
        return dt.date.fromisoformat(self.uploaded_at[:10])


@dataclass(frozen=True)
class AuditEntry:
    """Who changed what, when."""

    id: int
    at: str
    actor: str
    action: str
    detail: str


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything the analysis needs, read in one transaction so it is consistent."""

    data_version: int
    members: tuple[Member, ...]
    checklist: tuple[ChecklistItem, ...]
    overrides: tuple[Override, ...]
    tests: tuple[StrategyTest, ...]
    uploads: tuple[Upload, ...]
    weekly: pd.DataFrame = field(repr=False)
    coverage: pd.DataFrame = field(repr=False, default_factory=empty_coverage)
    gates: GateSet = DEFAULT_GATES
    demand: DemandSettings = DEFAULT_SETTINGS
    company: CompanyProfile = field(default_factory=CompanyProfile)
    role_serves: RoleServes = field(default_factory=lambda: DEFAULT_SERVES)

    @property
    def uploaded_metrics(self) -> frozenset[str]:
        """Every metric some current upload holds: with the known ones, what gates may use."""
        return frozenset(m for u in self.uploads for m in u.metrics)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _parse_day(raw: Any, what: str, *, latest: dt.date | None = None) -> dt.date:
    """A date from a form, from ``EARLIEST_DATE`` (as imports) up to ``latest`` (a year on)."""
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    else:
        try:
            day = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValidationError(f"{what}: expected a date as YYYY-MM-DD, got {raw!r}") from None
    today = clock.today()
    last = latest or today + dt.timedelta(days=365)
    if day < EARLIEST_DATE:
        raise ValidationError(
            f"{what}: {day.isoformat()} is before {EARLIEST_DATE.isoformat()}, too early to be real"
        )
    if day > last:
        when = "in the future" if last == today else "more than a year from today"
        raise ValidationError(f"{what}: {day.isoformat()} is {when} (today is {today})")
    return day


class Workspace:
    """A workspace folder. Cheap to construct; every call opens its own connection."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.db_path = self.root / DB_NAME
        self.files_dir = self.root / FILES_DIR

    # --- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path | str, *, create: bool = False) -> Workspace:
        """Open a workspace folder, creating it if asked; migrates an older schema."""
        ws = cls(root)
        if not ws.db_path.exists():
            if not create:
                raise NotFound(f"{ws.root}: no workspace here (expected {DB_NAME})")
            ws.root.mkdir(parents=True, exist_ok=True)
        ws._migrate()
        ws.files_dir.mkdir(parents=True, exist_ok=True)
        ws.collect_orphans()
        return ws

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection whose SQLite failures reach the caller as StorageError, in words."""
        try:
            conn = sqlite3.connect(
                self.db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            try:
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA synchronous=FULL")
                yield conn
            finally:
                conn.close()
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
            raise  # a bug in this module, not something the user can act on
        except sqlite3.DatabaseError as exc:  # OperationalError too: locked, full, I/O
            raise self._storage_error(exc) from exc

    def _storage_error(self, exc: sqlite3.DatabaseError) -> StorageError:
        text = str(exc)
        lowered = text.lower()
        where = f"workspace {self.root}"
        if "locked" in lowered or "busy" in lowered:
            return WorkspaceBusy(
                f"{where}: another write is taking long, so nothing was changed; "
                "try again in a moment"
            )
        if type(exc) is sqlite3.DatabaseError or "malformed" in lowered:
            return NotAWorkspace(
                f"{where}: {DB_NAME} is not a workspace database (damaged, or another kind "
                f"of file: {text}); open another workspace folder or restore it from a backup"
            )
        if "full" in lowered:
            return StorageError(
                f"{where}: the disk is full, so nothing was changed; free some space and try again"
            )
        return StorageError(
            f"{where}: the database could not be read or written ({text}), so nothing was "
            "changed; check that the folder is reachable and writable, then try again"
        )

    @contextlib.contextmanager
    def _write(
        self, actor: Actor, action: str, detail: str | Callable[[], str]
    ) -> Iterator[sqlite3.Connection]:
        """One write transaction: permission check, the change, version bump and audit row.

        ``detail`` may be a function, called after the change, when it depends on what it found.
        """
        require_edit(actor, action)
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='data_version'"
                )
                conn.execute(
                    "INSERT INTO audit(at, actor, action, detail) VALUES (?,?,?,?)",
                    (
                        clock.now_text(),
                        actor.name,
                        action,
                        detail if isinstance(detail, str) else detail(),
                    ),
                )
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot of the database."""
        with self._connect() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                _rollback(conn)  # ends the read; nothing was written

    @staticmethod
    def _schema_version(conn: sqlite3.Connection) -> int:
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if not has_meta:
            return 0
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _check_schema(self, version: int) -> bool:
        """True when the schema is current; ValidationError when it is newer than this app."""
        if version > SCHEMA_VERSION:
            raise ValidationError(
                f"{self.db_path}: schema version {version} is newer than this app "
                f"understands ({SCHEMA_VERSION}); upgrade the app"
            )
        return version == SCHEMA_VERSION

    def _migrate(self) -> None:
        """Bring the schema up to date; a current one is only read, never locked."""
        with self._connect() as conn:
            if self._check_schema(self._schema_version(conn)):
                return
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = self._schema_version(conn)  # again: another process may have won
                if self._check_schema(version):
                    conn.execute("COMMIT")
                    return
                for target in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[target].split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    if target == 1:
                        conn.execute("INSERT INTO meta VALUES ('data_version', '0')")
                        conn.execute("INSERT INTO meta VALUES ('schema_version', '0')")
                    conn.execute(
                        "UPDATE meta SET value=? WHERE key='schema_version'", (str(target),)
                    )
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise

    # --- reading ---------------------------------------------------------------------

    def data_version(self) -> int:
        """A number that changes with every write: the key for caches of computed results."""
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key='data_version'").fetchone()
        return int(row[0])

    def snapshot(self, *, as_of: dt.date | None = None) -> Snapshot:
        """Read the whole workspace state in one consistent transaction.

        With ``as_of``, the metrics are those of the uploads made by that day (UTC): the
        weekly table as it stood then, for a report as of that date.
        """
        with self._read() as conn:
            version = int(
                conn.execute("SELECT value FROM meta WHERE key='data_version'").fetchone()[0]
            )
            uploads = tuple(
                u for u in self._uploads(conn) if as_of is None or u.uploaded_on <= as_of
            )
            weekly, coverage = self._weekly(conn, uploads, all_uploads=as_of is None)
            return Snapshot(
                data_version=version,
                members=self._members(conn),
                checklist=tuple(
                    ChecklistItem(p, i, dt.date.fromisoformat(d) if d else None)
                    for p, i, d in conn.execute(
                        "SELECT platform, item, done_on FROM checklist ORDER BY platform, item"
                    )
                ),
                overrides=self._overrides(conn),
                tests=self._tests(conn),
                uploads=uploads,
                weekly=weekly,
                coverage=coverage,
                gates=self._gates(conn),
                demand=self._demand(conn),
                company=_company_from_json(_setting(conn, "company")),
                role_serves=self._role_serves(conn),
            )

    @staticmethod
    def _overrides(conn: sqlite3.Connection) -> tuple[Override, ...]:
        return tuple(
            Override(p, dt.date.fromisoformat(w), Stage(s), r, b, _date_or_none(until), override_id)
            for override_id, p, w, s, r, b, until in conn.execute(
                "SELECT id, platform, week, stage, reason, by, until FROM overrides ORDER BY id"
            )
        )

    @staticmethod
    def _uploaded_metrics(conn: sqlite3.Connection) -> set[str]:
        return {
            m for (raw,) in conn.execute("SELECT metrics FROM uploads") for m in json.loads(raw)
        }

    @staticmethod
    def _role_serves(conn: sqlite3.Connection) -> RoleServes:
        raw = _setting(conn, "role_serves")
        return DEFAULT_SERVES if raw is None else serves_from_dict(json.loads(raw))

    @staticmethod
    def _gates(conn: sqlite3.Connection) -> GateSet:
        raw = _setting(conn, "gates")
        return DEFAULT_GATES if raw is None else gates_from_dict(json.loads(raw))

    @staticmethod
    def _demand(conn: sqlite3.Connection) -> DemandSettings:
        raw = _setting(conn, "demand")
        return DEFAULT_SETTINGS if raw is None else settings_from_dict(json.loads(raw))

    def _members(self, conn: sqlite3.Connection) -> tuple[Member, ...]:
        rows = conn.execute(
            "SELECT m.id, m.name, m.available_hours, a.role, a.channel, a.hours "
            "FROM members m LEFT JOIN assignments a ON a.member_id = m.id "
            "ORDER BY m.id, a.role, a.channel"
        ).fetchall()
        grouped: dict[int, tuple[str, float, list[Assignment]]] = {}
        for mid, name, available, role, channel, hours in rows:
            entry = grouped.setdefault(mid, (name, available, []))
            if role is not None:
                entry[2].append(Assignment(parse_role(role), hours, channel or None))
        return tuple(
            Member(name, available, tuple(assignments))
            for name, available, assignments in grouped.values()
        )

    def _tests(self, conn: sqlite3.Connection) -> tuple[StrategyTest, ...]:
        cols = (
            "id, title, hypothesis, platform, metric, control_label, variant_label, control_n, "
            "control_successes, variant_n, variant_successes, start, end, status, decision"
        )
        out = []
        for row in conn.execute(f"SELECT {cols} FROM tests ORDER BY id"):
            (tid, title, hyp, platform, metric, cl, vl, cn, cs, vn, vs, start, end, status, dec) = (
                row
            )
            out.append(
                StrategyTest(
                    title=title,
                    hypothesis=hyp,
                    platform=platform,
                    metric=metric,
                    control_label=cl,
                    variant_label=vl,
                    control_n=cn,
                    control_successes=cs,
                    variant_n=vn,
                    variant_successes=vs,
                    start=dt.date.fromisoformat(start),
                    end=dt.date.fromisoformat(end),
                    status=TestStatus(status),
                    decision=dec,
                    id=tid,
                )
            )
        return tuple(out)

    def _uploads(self, conn: sqlite3.Connection) -> tuple[Upload, ...]:
        return tuple(
            Upload(
                id=r[0],
                name=r[1],
                sha256=r[2],
                layout=r[3],
                rows=r[4],
                platforms=tuple(json.loads(r[5])),
                first_week=dt.date.fromisoformat(r[6]),
                last_week=dt.date.fromisoformat(r[7]),
                metrics=tuple(json.loads(r[8])),
                uploaded_at=r[9],
                by=r[10],
                data_through={p: dt.date.fromisoformat(d) for p, d in json.loads(r[11]).items()},
            )
            for r in conn.execute(
                "SELECT id, name, sha256, layout, rows, platforms, first_week, last_week, "
                "metrics, uploaded_at, by, data_through FROM uploads ORDER BY id"
            )
        )

    def _weekly(
        self, conn: sqlite3.Connection, uploads: Sequence[Upload], *, all_uploads: bool = True
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The merged weekly table of ``uploads`` (per week, platform and metric the latest
        upload wins), and its coverage: per (platform, week), how far the latest upload
        holding it reaches. ``all_uploads`` says ``uploads`` are all of them (no filter).
        """
        only = "" if all_uploads else f"WHERE upload_id IN ({','.join('?' * len(uploads))})"
        rows = conn.execute(
            "SELECT o.week, o.platform, o.metric, o.value, o.upload_id FROM observations o "
            "JOIN (SELECT platform, metric, week, MAX(upload_id) AS upload_id "
            f"      FROM observations {only} GROUP BY platform, metric, week) latest "
            "USING (platform, metric, week, upload_id) "
            "ORDER BY o.platform, o.week, o.metric",
            () if all_uploads else [u.id for u in uploads],
        ).fetchall()
        if not rows:
            return empty_weekly(), empty_coverage()
        frame = pd.DataFrame(rows, columns=["week", "platform", "metric", "value", "upload_id"])
        frame["week"] = pd.to_datetime(frame["week"]).astype("datetime64[ns]")
        frame["value"] = frame["value"].astype("float64")
        through = {(u.id, p): d for u in uploads for p, d in u.data_through.items()}
        latest = frame.groupby(["platform", "week"], as_index=False)["upload_id"].max()
        coverage = pd.DataFrame(
            {
                "platform": latest["platform"].astype("str"),
                "week": latest["week"],
                "through": pd.Series(
                    [
                        through.get((int(u), str(p)))
                        for u, p in zip(latest["upload_id"], latest["platform"], strict=True)
                    ],
                    dtype="datetime64[ns]",
                ),
            }
        )
        return frame.drop(columns="upload_id"), coverage

    def audit_log(self, limit: int = 200) -> tuple[AuditEntry, ...]:
        """The latest writes, newest first."""
        with self._connect() as conn:
            return tuple(
                AuditEntry(*row)
                for row in conn.execute(
                    "SELECT id, at, actor, action, detail FROM audit ORDER BY id DESC LIMIT ?",
                    (limit,),
                )
            )

    def user_roles(self) -> dict[str, str]:
        """E-mail address -> role mapping used when login is configured."""
        with self._connect() as conn:
            return dict(conn.execute("SELECT email, role FROM users ORDER BY email"))

    def stored_file(self, upload: Upload) -> Path:
        """Where an upload's original parquet file is kept."""
        return self.files_dir / f"{upload.sha256}.parquet"

    # --- team ------------------------------------------------------------------------

    def add_assignment(
        self,
        actor: Actor,
        *,
        name: str,
        role: str,
        hours: Any,
        channel: str | None = None,
        available_hours: Any = None,
    ) -> Member:
        """Give a person a role (creating the person if new); re-adding a role updates hours."""
        parsed_role = parse_role(role)
        if not isinstance(name, str):
            raise ValidationError(f"name: expected the person's name, got {name!r}")
        clean_name = " ".join(name.split())
        with self._write(actor, "team.add", f"{clean_name}: {parsed_role.value}") as conn:
            current = {m.name.casefold(): m for m in self._members(conn)}
            existing = current.get(clean_name.casefold())
            blank = channel is None or str(channel).strip() == ""
            channel_key = None if channel is None or blank else normalise_channel(channel)
            kept = tuple(
                a
                for a in (existing.assignments if existing else ())
                if not (a.role == parsed_role and a.channel == channel_key)
            )
            new_assignment = Assignment(parsed_role, hours, channel_key)  # make_member checks
            available = (
                available_hours
                if available_hours is not None
                else (existing.available_hours if existing else new_assignment.hours)
            )
            member = make_member(
                existing.name if existing else clean_name, available, (*kept, new_assignment)
            )
            self._save_member(conn, member)
        return member

    def replace_team(
        self, actor: Actor, members: Sequence[Member], *, expected: Sequence[Member] | None = None
    ) -> None:
        """Replace the whole roster (the editable table's save); names must be unique.

        ``expected`` is the roster the editor started from: if it changed since, Conflict.
        """
        if isinstance(members, str | bytes | Mapping) or not isinstance(members, Iterable):
            raise ValidationError(f"team: expected a list of people, got {members!r}")
        seen: set[str] = set()
        roster: list[Member] = []
        for n, member in enumerate(members, start=1):
            if not isinstance(member, Member):
                raise ValidationError(f"row {n}: expected a person, got {member!r}")
            checked = make_member(member.name, member.available_hours, member.assignments)
            key = checked.name.casefold()
            if key in seen:
                raise ValidationError(f"row {n}: name: {checked.name!r} appears twice")
            seen.add(key)
            roster.append(checked)
        change = f"{len(roster)} people"
        with self._write(actor, "team.replace", lambda: change) as conn:
            current = self._members(conn)
            if expected is not None and _roster_key(current) != _roster_key(expected):
                raise _conflict("roster")
            change = _roster_change(current, roster)
            conn.execute("DELETE FROM members")
            for member in roster:
                self._save_member(conn, member)

    def remove_member(self, actor: Actor, name: str) -> None:
        """Remove a person and their roles."""
        with self._write(actor, "team.remove", name) as conn:
            deleted = conn.execute("DELETE FROM members WHERE name = ?", (name,)).rowcount
            if not deleted:
                raise NotFound(f"team: nobody called {name!r}")

    @staticmethod
    def _save_member(conn: sqlite3.Connection, member: Member) -> None:
        conn.execute("DELETE FROM members WHERE name = ?", (member.name,))
        cur = conn.execute(
            "INSERT INTO members(name, available_hours) VALUES (?, ?)",
            (member.name, member.available_hours),
        )
        for a in member.assignments:
            conn.execute(
                "INSERT INTO assignments(member_id, role, channel, hours) VALUES (?,?,?,?)",
                (cur.lastrowid, a.role.value, a.channel or "", a.hours),
            )

    # --- settings --------------------------------------------------------------------

    def set_company(
        self, actor: Actor, profile: CompanyProfile, *, expected: CompanyProfile | None = None
    ) -> None:
        """Store the company's revenue channels, integrations and headcount.

        ``expected`` is the profile the form started from: if it changed since, Conflict.
        """
        checked = check_company(profile)
        channels = list(checked.channels)
        integrated = [list(g) for g in checked.integrated]
        employees = checked.employees
        payload = json.dumps(
            {"channels": channels, "integrated": integrated, "employees": employees}
        )
        with self._write(actor, "company.set", payload) as conn:
            current = _company_from_json(_setting(conn, "company"))
            if expected is not None and _company_key(current) != _company_key(expected):
                raise _conflict("company profile")
            conn.execute("INSERT OR REPLACE INTO settings VALUES ('company', ?)", (payload,))

    def set_gates(
        self,
        actor: Actor,
        gates: Mapping[str, Any] | GateSet,
        *,
        expected: Mapping[str, Any] | GateSet | None = None,
    ) -> GateSet:
        """Validate and store the workspace's gate criteria.

        ``expected`` is the gate set the form started from: if it changed since, Conflict.
        """
        checked = _gate_set(gates)
        payload = json.dumps(gates_to_dict(checked), sort_keys=True)
        change = "gates"
        with self._write(actor, "gates.set", lambda: change) as conn:
            check_known_metrics(checked, self._uploaded_metrics(conn))
            current = self._gates(conn)
            if expected is not None and gates_to_dict(current) != gates_to_dict(
                _gate_set(expected)
            ):
                raise _conflict("gates")
            change = _gates_change(current, checked)
            conn.execute("INSERT OR REPLACE INTO settings VALUES ('gates', ?)", (payload,))
        return checked

    def set_demand_settings(
        self,
        actor: Actor,
        settings: Mapping[str, Any],
        *,
        expected: Mapping[str, Any] | DemandSettings | None = None,
    ) -> DemandSettings:
        """Validate and store the resource signal's settings.

        ``expected`` is the settings the form started from: if they changed since, Conflict.
        """
        checked = settings_from_dict(settings)
        payload = json.dumps(settings_to_dict(checked), sort_keys=True)
        with self._write(actor, "demand.set", payload) as conn:
            if expected is not None and settings_to_dict(self._demand(conn)) != settings_to_dict(
                _demand_settings(expected)
            ):
                raise _conflict("resource signal settings")
            conn.execute("INSERT OR REPLACE INTO settings VALUES ('demand', ?)", (payload,))
        return checked

    def set_role_serves(
        self,
        actor: Actor,
        serves: Mapping[Any, Any],
        *,
        expected: RoleServes | None = None,
    ) -> RoleServes:
        """Store which demand (messages, content, monitoring) each role's hours serve.

        ``expected`` is the mapping the form started from: if it changed since, Conflict.
        """
        checked = serves_from_dict(serves)
        payload = json.dumps(serves_to_dict(checked), sort_keys=True)
        with self._write(actor, "team.serves", payload) as conn:
            current = self._role_serves(conn)
            if expected is not None and serves_to_dict(current) != serves_to_dict(expected):
                raise _conflict("roles' demand")
            conn.execute("INSERT OR REPLACE INTO settings VALUES ('role_serves', ?)", (payload,))
        return checked

    def set_user_role(self, actor: Actor, email: str, role: str | None) -> None:
        """Map an e-mail address to a role (``viewer``, ``editor``, ``admin``), or remove it."""
        from strategy.access import parse_access_role, require_admin

        require_admin(actor, "users.set")
        address = email.strip().lower() if isinstance(email, str) else ""
        if not _looks_like_email(address):
            raise ValidationError(
                f"e-mail: expected an address like ana@example.com, got {email!r}"
            )
        with self._write(actor, "users.set", f"{address}: {role}") as conn:
            if role is None:
                conn.execute("DELETE FROM users WHERE email = ?", (address,))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO users VALUES (?, ?)",
                    (address, parse_access_role(role).value),
                )

    # --- stages ----------------------------------------------------------------------

    def set_checklist(
        self, actor: Actor, platform: str, item: str, done_on: dt.date | str | None
    ) -> None:
        """Tick (with the date it was done) or clear one setup checklist item of a platform."""
        name = _platform(platform)
        items = CHECKLIST_ITEMS if item == "all" else (item,)
        if item != "all" and item not in CHECKLIST_ITEMS:
            raise ValidationError(
                f"checklist item: expected one of {', '.join(CHECKLIST_ITEMS)} or all, got {item!r}"
            )
        day = None if done_on is None else _parse_day(done_on, "done on", latest=clock.today())
        with self._write(actor, "checklist.set", f"{name}: {item} = {day}") as conn:
            for one in items:
                conn.execute(
                    "INSERT OR REPLACE INTO checklist VALUES (?, ?, ?)",
                    (name, one, day.isoformat() if day else None),
                )

    def add_override(
        self,
        actor: Actor,
        platform: str,
        week: dt.date | str,
        stage: str,
        reason: str,
        *,
        until: dt.date | str | None = None,
    ) -> Override:
        """Record a manual stage decision; it is shown as an override, never as measured.

        It holds from the week of ``week`` until it is removed or, with ``until``, through
        the week holding that date.
        """
        name = _platform(platform)
        day = _parse_day(week, "week")
        monday = clock.monday(day)
        end = None if until in (None, "") else _parse_day(until, "until")
        if end is not None and end < monday:
            raise ValidationError(
                f"until: {end.isoformat()} is before the override starts (week of "
                f"{monday.isoformat()}); expected a date on or after it"
            )
        try:
            parsed = Stage(str(stage).strip().lower())
        except ValueError:
            raise ValidationError(
                f"stage: expected one of setup, retention, active, got {stage!r}"
            ) from None
        text = " ".join(reason.split()) if isinstance(reason, str) else ""
        if len(text) < 5:
            raise ValidationError("reason: an override needs a reason of at least 5 characters")
        if len(text) > MAX_REASON:
            raise ValidationError(
                f"reason: expected at most {MAX_REASON:,} characters, got {len(text):,}"
            )
        if not text.isprintable():
            raise ValidationError(f"reason: expected printable text, got {_cut(text)!r}")
        held = f" until {end}" if end else ""
        with self._write(
            actor, "stage.override", f"{name} -> {parsed.value} from {monday}{held}: {text}"
        ) as conn:
            cur = conn.execute(
                "INSERT INTO overrides(platform, week, stage, reason, by, until) "
                "VALUES (?,?,?,?,?,?)",
                (name, monday.isoformat(), parsed.value, text, actor.name, _iso_or_none(end)),
            )
        return Override(name, monday, parsed, text, actor.name, end, cur.lastrowid)

    def remove_override(self, actor: Actor, override_id: int) -> Override:
        """Remove an override: from then on the gates alone decide that platform's stage."""
        require_edit(actor, "stage.override.remove")
        known = _row_id(override_id, "override")
        missing = NotFound(f"override #{override_id} does not exist")
        if known is None:
            raise missing
        removed: list[Override] = []

        def detail() -> str:
            o = removed[0]
            return f"#{known}: {o.platform} -> {o.stage.value} from {o.week} ({o.reason})"

        with self._write(actor, "stage.override.remove", detail) as conn:
            removed += [o for o in self._overrides(conn) if o.id == known]
            if not removed:
                raise missing
            conn.execute("DELETE FROM overrides WHERE id = ?", (known,))
        return removed[0]

    # --- tests -----------------------------------------------------------------------

    def log_test(self, actor: Actor, fields: Mapping[str, Any]) -> StrategyTest:
        """Validate and store a strategy test; ``fields`` holds make_test's keywords."""
        test = make_test(**_test_fields(fields))
        _parse_day(test.start, "start")
        _parse_day(test.end, "end")
        values = _test_row(test)
        change = _cut(test.title, 60)
        with self._write(actor, "test.log", lambda: change) as conn:
            if test.id is None:
                cur = conn.execute(
                    "INSERT INTO tests(title, hypothesis, platform, metric, control_label, "
                    "variant_label, control_n, control_successes, variant_n, variant_successes, "
                    "start, end, status, decision) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    values,
                )
                test_id = cur.lastrowid
                change = f"#{test_id} new: {change}"
            else:
                updated = conn.execute(
                    "UPDATE tests SET title=?, hypothesis=?, platform=?, metric=?, "
                    "control_label=?, variant_label=?, control_n=?, control_successes=?, "
                    "variant_n=?, variant_successes=?, start=?, end=?, status=?, decision=? "
                    "WHERE id=?",
                    (*values, test.id),
                ).rowcount
                if not updated:
                    raise NotFound(f"test #{test.id} does not exist")
                test_id = test.id
                change = f"#{test_id} updated: {change}"
        return make_test(**{**dict(fields), "id": test_id})

    def remove_test(self, actor: Actor, test_id: int) -> None:
        """Delete a logged test."""
        require_edit(actor, "test.remove")
        known = _row_id(test_id, "test")
        if known is None:
            raise NotFound(f"test #{test_id} does not exist")
        with self._write(actor, "test.remove", f"#{known}") as conn:
            if not conn.execute("DELETE FROM tests WHERE id = ?", (known,)).rowcount:
                raise NotFound(f"test #{test_id} does not exist")

    # --- uploads ---------------------------------------------------------------------

    def import_file(
        self,
        actor: Actor,
        path: Path | str,
        *,
        name: str | None = None,
        today: dt.date | None = None,
    ) -> Upload:
        """Validate, derive and store one metrics file; a refused file changes nothing."""
        require_edit(actor, "upload.import")
        if not isinstance(path, str | os.PathLike):
            raise ImportRejected(f"import: expected the path of a metrics file, got {path!r}")
        source = Path(path)
        display = name or source.name
        if not source.is_file():
            raise ImportRejected(f"{display}: no such file")
        imported = read_metrics(source, name=display, today=today)
        digest = _hash_file(source)
        self._store_file(source, digest)
        return self._register(actor, imported, digest)

    def _store_file(self, source: Path, digest: str) -> None:
        target = self.files_dir / f"{digest}.parquet"
        if target.exists():
            os.utime(target)  # fresh mtime: not collected as an orphan before it is registered
            return
        fd, tmp = tempfile.mkstemp(dir=self.files_dir, prefix=".incoming-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def _register(self, actor: Actor, imported: ImportedFile, digest: str) -> Upload:
        weekly = imported.weekly
        rows = list(  # tolist(): iterating the string columns item by item is 10x slower
            zip(
                weekly["platform"].astype(str).tolist(),
                weekly["metric"].astype(str).tolist(),
                weekly["week"].dt.strftime("%Y-%m-%d").tolist(),
                weekly["value"].astype(float).tolist(),
                strict=True,
            )
        )
        uploaded_at = clock.now_text()
        through = imported.data_through
        with self._write(actor, "upload.import", f"{imported.name} ({digest[:12]})") as conn:
            dup = conn.execute(
                "SELECT id, name FROM uploads WHERE sha256 = ?", (digest,)
            ).fetchone()
            if dup:
                raise ImportRejected(
                    f"{imported.name}: this exact file is already imported as upload "
                    f"#{dup[0]} ({dup[1]}); remove that upload first to import it again"
                )
            cur = conn.execute(
                "INSERT INTO uploads(name, sha256, layout, rows, platforms, first_week, "
                "last_week, metrics, uploaded_at, by, data_through) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    imported.name,
                    digest,
                    imported.layout,
                    imported.rows,
                    json.dumps(list(imported.platforms)),
                    imported.first_week.isoformat(),
                    imported.last_week.isoformat(),
                    json.dumps(list(imported.metrics)),
                    uploaded_at,
                    actor.name,
                    json.dumps({p: d.isoformat() for p, d in sorted(through.items())}),
                ),
            )
            upload_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO observations(upload_id, platform, metric, week, value) "
                "VALUES (?,?,?,?,?)",
                ((upload_id, *row) for row in rows),
            )
        return Upload(
            id=upload_id,
            name=imported.name,
            sha256=digest,
            layout=imported.layout,
            rows=imported.rows,
            platforms=imported.platforms,
            first_week=imported.first_week,
            last_week=imported.last_week,
            metrics=imported.metrics,
            uploaded_at=uploaded_at,
            by=actor.name,
            data_through=dict(through),
        )

    def remove_upload(self, actor: Actor, upload_id: int) -> None:
        """Remove an upload: what it covered falls back to the earlier uploads' values."""
        require_edit(actor, "upload.remove")
        known = _row_id(upload_id, "upload")
        if known is None:
            raise NotFound(f"upload #{upload_id} does not exist")
        with self._write(actor, "upload.remove", f"#{known}") as conn:
            row = conn.execute("SELECT sha256 FROM uploads WHERE id = ?", (known,)).fetchone()
            if row is None:
                raise NotFound(f"upload #{upload_id} does not exist")
            conn.execute("DELETE FROM uploads WHERE id = ?", (known,))
        self.collect_orphans()

    def collect_orphans(self, min_age_seconds: float = ORPHAN_MIN_AGE_S) -> int:
        """Delete stored files no upload points to (left by a crash or a removal).

        Only files older than ``min_age_seconds`` go: a younger one may belong to an import
        that another process is about to register.
        """
        with self._connect() as conn:
            referenced = {r[0] for r in conn.execute("SELECT sha256 FROM uploads")}
        removed = 0
        cutoff = time.time() - min_age_seconds
        for path in self.files_dir.iterdir():
            stem = path.name.removesuffix(".parquet")
            orphan = path.name.startswith(".incoming-") or (
                path.suffix == ".parquet" and stem not in referenced
            )
            with contextlib.suppress(FileNotFoundError):
                if orphan and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed


def _date_or_none(raw: str | None) -> dt.date | None:
    return None if raw is None else dt.date.fromisoformat(raw)


def _iso_or_none(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _looks_like_email(address: str) -> bool:
    """One @, no spaces or control characters, a local part and a dotted domain."""
    if address.count("@") != 1 or len(address) > 254 or not address.isprintable():
        return False
    if any(c.isspace() for c in address):
        return False
    local, domain = address.split("@")
    labels = domain.split(".")
    return bool(local) and len(labels) >= 2 and all(labels)


def _row_id(raw: Any, what: str) -> int | None:
    """A stored row's id from a caller, or None for one that cannot exist (too large, < 1)."""
    if isinstance(raw, bool) or not isinstance(raw, numbers.Integral):
        raise ValidationError(f"{what} id: expected a whole number, got {raw!r}")
    value = int(raw)
    return value if 1 <= value <= MAX_ROW_ID else None


def _test_fields(fields: Any) -> dict[str, Any]:
    """A test form's fields as make_test's keywords; unknown or missing ones are named."""
    if not isinstance(fields, Mapping):
        raise ValidationError(f"test: expected the test's fields, got {fields!r}")
    unknown = sorted(repr(k) for k in fields if k not in TEST_FIELDS)
    if unknown:
        allowed = ", ".join(TEST_FIELDS)
        raise ValidationError(
            f"test: unknown field(s) {', '.join(unknown)}; expected some of {allowed}"
        )
    missing = [k for k, required in TEST_FIELDS.items() if required and k not in fields]
    if missing:
        raise ValidationError(f"test: missing field(s) {', '.join(missing)}")
    return {str(k): v for k, v in fields.items()}


def _rollback(conn: sqlite3.Connection) -> None:
    """End an open transaction without keeping anything; the error that led here wins."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _conflict(what: str) -> Conflict:
    return Conflict(
        f"{what}: someone else changed the {what} since this page was opened, so nothing "
        "was saved; reload to see their change, then make yours again"
    )


def _roster_key(members: Iterable[Member]) -> list[tuple[Any, ...]]:
    """A roster in a form that compares equal whatever the order of people and roles."""
    return sorted(
        (
            m.name.casefold(),
            m.name,
            float(m.available_hours),
            tuple(sorted((a.role.value, a.channel or "", float(a.hours)) for a in m.assignments)),
        )
        for m in members
    )


def _names(names: Sequence[str], shown: int = 5) -> str:
    listed = ", ".join(_cut(n) for n in names[:shown])
    return listed if len(names) <= shown else f"{listed} and {len(names) - shown} more"


def _roster_change(before: Sequence[Member], after: Sequence[Member]) -> str:
    """The audit log's words for a roster save: who was added, removed or changed."""
    old = {m.name.casefold(): m for m in before}
    new = {m.name.casefold(): m for m in after}
    changes = {
        "added": [m.name for k, m in new.items() if k not in old],
        "removed": [m.name for k, m in old.items() if k not in new],
        "changed": [
            m.name for k, m in new.items() if k in old and _roster_key([old[k]]) != _roster_key([m])
        ],
    }
    said = [f"{what} {_names(names)}" for what, names in changes.items() if names]
    return f"{len(after)} people: " + ("; ".join(said) or "no change")


def _gates_change(before: GateSet, after: GateSet) -> str:
    """The audit log's words for a gate save: which gate changed, and in what."""
    old, new = gates_to_dict(before), gates_to_dict(after)
    said = []
    for key, gate in (("to_retention", after.to_retention), ("to_active", after.to_active)):
        parts = [p.replace("_", " ") for p in new[key] if new[key][p] != old[key][p]]
        if parts:
            said.append(f"{gate.source.value} -> {gate.target.value}: {', '.join(parts)}")
    return "; ".join(said) or "no change"


def _company_key(profile: CompanyProfile) -> tuple[Any, ...]:
    return (
        tuple(profile.channels),
        tuple(tuple(g) for g in profile.integrated),
        int(profile.employees),
    )


def _gate_set(gates: Mapping[str, Any] | GateSet) -> GateSet:
    return gates_from_dict(gates_to_dict(gates) if isinstance(gates, GateSet) else gates)


def _demand_settings(settings: Mapping[str, Any] | DemandSettings) -> DemandSettings:
    return settings if isinstance(settings, DemandSettings) else settings_from_dict(settings)


def _platform(raw: Any) -> str:
    """A checklist's or override's platform, by the one rule imports use too."""
    if not isinstance(raw, str) or not normalise_name(raw):
        raise ValidationError(f"platform: expected a platform name, got {raw!r}")
    return valid_platform_name(raw)


def _channel_list(raw: Any, what: str) -> list[str]:
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        raise ValidationError(f"{what}: expected a list of channel names, got {raw!r}")
    try:
        return [normalise_channel(c) for c in raw]
    except ValidationError as exc:
        raise ValidationError(f"{what}: {exc}") from None


def _test_row(test: StrategyTest) -> tuple[Any, ...]:
    return (
        test.title,
        test.hypothesis,
        test.platform,
        test.metric,
        test.control_label,
        test.variant_label,
        test.control_n,
        test.control_successes,
        test.variant_n,
        test.variant_successes,
        test.start.isoformat(),
        test.end.isoformat(),
        test.status.value,
        test.decision,
    )


def _company_from_json(raw: str | None) -> CompanyProfile:
    if not raw:
        return CompanyProfile()
    data = json.loads(raw)
    return CompanyProfile(
        channels=tuple(data.get("channels", ())),
        integrated=tuple(tuple(g) for g in data.get("integrated", ())),
        employees=int(data.get("employees", 1)),
    )
