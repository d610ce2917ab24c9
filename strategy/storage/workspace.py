"""The workspace: every read and write the app and the CLI make, on either engine.

Every write is one transaction that takes the write lock, makes the change, bumps the data
version and appends its audit row (``_write``), so a crash leaves the previous state or the
new one, never a mix. A whole-table save that would change nothing writes nothing (no audit
row, no version bump), so it does not clear every replica's caches; it says so in ``Saved``.
The rules a value must meet live in the domain modules; this class only calls them and
stores what they return.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import numbers
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Generic, Protocol, TypeVar

import pandas as pd
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from strategy.domain import clock
from strategy.domain.access import (
    Actor,
    check_identity,
    parse_access_role,
    require_admin,
    require_decide,
    require_edit,
)
from strategy.domain.analysis import analyse
from strategy.domain.baselines import (
    Baseline,
    baselines_from_dict,
    baselines_to_dict,
    check_baseline,
)
from strategy.domain.company import DEFAULT_CURRENCY, CompanyProfile, check_company
from strategy.domain.costs import DEFAULT_RATES, Rates, hourly_rate, rates_from_dict, rates_to_dict
from strategy.domain.errors import Conflict, ImportRejected, NotFound, ValidationError, shortened
from strategy.domain.experiments import (
    StrategyTest,
    TestKind,
    TestStatus,
    duplicate_of,
    make_test,
    test_fields,
    updated_test,
)
from strategy.domain.gates import (
    CHECKLIST_ITEMS,
    DEFAULT_GATES,
    ChecklistItem,
    GateSet,
    Stage,
    check_known_metrics,
    gates_from_dict,
    gates_to_dict,
)
from strategy.domain.horizons import empty_coverage
from strategy.domain.mappings import FileMapping, mappings_from_dict, mappings_to_dict
from strategy.domain.metrics import SIGNED_METRICS, empty_daily, empty_weekly, platform_name
from strategy.domain.onboarding import (
    DEFAULT_PLAN,
    OnboardingItem,
    PlanItem,
    check_done_on,
    make_plan,
    plan_for,
    plans_from_dict,
    plans_to_dict,
    schedule,
)
from strategy.domain.requests import (
    RequestStatus,
    ResourceRequest,
    check_open,
    decision_of,
    decision_reason,
    evidence_from_dict,
    evidence_to_dict,
    freeze_evidence,
    request_note,
)
from strategy.domain.resources import (
    DEFAULT_SETTINGS,
    DemandSettings,
    settings_from_dict,
    settings_to_dict,
)
from strategy.domain.settings import DEFAULT_RETURNING_WEEKS, returning_weeks
from strategy.domain.snapshot import AuditEntry, Snapshot, TestDates, Upload
from strategy.domain.stages import Override, make_override
from strategy.domain.team import (
    DEFAULT_SERVES,
    Assignment,
    Member,
    Role,
    RoleServes,
    make_member,
    normalise_channel,
    parse_role,
    role_channel,
    serves_from_dict,
    serves_to_dict,
)
from strategy.ingest.mappings import as_export
from strategy.ingest.read import ImportedFile, read_metrics
from strategy.storage import audit, database, schema
from strategy.storage.files import (
    ORPHAN_MIN_AGE_S,
    DatabaseFiles,
    FileStore,
    FolderFiles,
    hash_file,
)
from strategy.storage.location import DB_NAME, Location, parse_location

T = TypeVar("T")

DAILY_MARK: Final = "@day"
"""Ends the metric of a change's daily value among the observations (``followers_gained@day``
on 2026-03-04): kept so a baseline given on any day is exact, and never shown as a metric."""

MAX_ROW_ID: Final = 2**63 - 1
"""The largest integer id either engine stores: no row has a larger one."""


@dataclasses.dataclass(frozen=True)
class Saved(Generic[T]):
    """What a whole-table save stored, and whether that changed anything.

    An unchanged save writes nothing, so the page can say "nothing to save" rather than
    claim a save.
    """

    value: T
    changed: bool


_UPSERT_SETTING: Final = text(
    "INSERT INTO settings(key, value) VALUES (:key, :value) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
)


class Workspace:
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
    def open(
        cls, location: str | os.PathLike[str] | Location, *, create: bool = False
    ) -> Workspace:
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

    # --- transactions ----------------------------------------------------------------

    @contextlib.contextmanager
    def _write(
        self,
        actor: Actor,
        action: str,
        detail: str | Callable[[], str | None],
        *,
        allowed: Callable[[Actor, str], None] = require_edit,
    ) -> Iterator[Connection]:
        """One write transaction: permission check, the change, version bump and audit row.

        ``detail`` may be a function, called after the change, when it depends on what it found;
        one returning None says the block found nothing to change and wrote nothing: then
        there is no audit row and no version bump, so every replica's caches stay valid.
        ``allowed`` refuses an actor who may not make it (default: anyone who may not edit).
        """
        allowed(actor, action)
        with database.write(self.location) as conn:
            yield conn
            said = detail if isinstance(detail, str) else detail()
            if said is not None:
                audit.record(conn, actor.name, action, said)

    # --- reading ---------------------------------------------------------------------

    def data_version(self) -> int:
        """A number that changes with every write: the key for caches of computed results."""
        with database.connection(self.location) as conn:
            return int(
                conn.execute(text("SELECT value FROM meta WHERE key = 'data_version'")).scalar_one()
            )

    def snapshot(self, *, as_of: dt.date | None = None) -> Snapshot:
        """Read the whole workspace state in one consistent transaction.

        With ``as_of``, the metrics are those of the uploads made by that day (UTC): the
        weekly table as it stood then, for a report as of that date.
        """
        with database.read(self.location) as conn:
            return _snapshot(conn, as_of)

    def audit_log(self, limit: int = 200) -> tuple[AuditEntry, ...]:
        """The latest writes, newest first."""
        with database.read(self.location) as conn:
            return audit.latest(conn, limit)

    def user_roles(self) -> dict[str, str]:
        """E-mail address -> role mapping used when login is configured."""
        with database.read(self.location) as conn:
            return {
                str(e): str(r)
                for e, r in conn.execute(text("SELECT email, role FROM users ORDER BY email"))
            }

    def stored_bytes(self, upload: Upload) -> bytes:
        """The original bytes of an upload's file, as imported."""
        with database.read(self.location) as conn:
            return self.files.read_bytes(conn, upload.sha256)

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
        rate: Any = None,
    ) -> Member:
        """Give a person a role (creating the person if new); re-adding a role updates hours.

        ``rate``, when given, is the person's own hourly rate (kept with the workspace's rates).
        """
        parsed_role = parse_role(role)
        own_rate = None if rate is None else hourly_rate(rate, "rate")
        if not isinstance(name, str):
            raise ValidationError(f"name: expected the person's name, got {name!r}")
        clean_name = " ".join(name.split())
        with self._write(actor, "team.add", f"{clean_name}: {parsed_role.value}") as conn:
            current = {m.name.casefold(): m for m in _members(conn)}
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
            _save_member(conn, member)
            if own_rate is not None:
                before = _rates(conn)
                people = {**before.people, member.name.casefold(): own_rate}
                _save_rates(conn, Rates(before.roles, people))
        return member

    def replace_team(
        self, actor: Actor, members: Sequence[Member], *, expected: Sequence[Member] | None = None
    ) -> Saved[tuple[Member, ...]]:
        """Replace the whole roster (the editable table's save); names must be unique.

        ``expected`` is the roster the editor started from: if it changed since, Conflict.
        The same roster as stored (in any order) writes nothing.
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
        change: str | None = None
        with self._write(actor, "team.replace", lambda: change) as conn:
            current = _members(conn)
            if expected is not None and audit.roster_key(current) != audit.roster_key(expected):
                raise _conflict("roster")
            if audit.roster_key(current) != audit.roster_key(roster):
                change = audit.roster_change(current, roster)
                conn.execute(text("DELETE FROM members"))
                for member in roster:
                    _save_member(conn, member)
                _drop_onboarding_of_leavers(conn)
        return Saved(tuple(roster), change is not None)

    def remove_member(self, actor: Actor, name: str) -> None:
        """Remove a person and their roles."""
        with self._write(actor, "team.remove", name) as conn:
            deleted = conn.execute(
                text("DELETE FROM members WHERE lower(name) = lower(:name)"), {"name": name}
            ).rowcount
            if not deleted:
                raise NotFound(f"team: nobody called {name!r}")
            _drop_onboarding_of_leavers(conn)

    # --- settings --------------------------------------------------------------------

    def set_company(
        self, actor: Actor, profile: CompanyProfile, *, expected: CompanyProfile | None = None
    ) -> Saved[CompanyProfile]:
        """Store the company's revenue channels, integrations and headcount.

        ``expected`` is the profile the form started from: if it changed since, Conflict.
        The profile as stored writes nothing.
        """
        checked = check_company(profile)
        channels = list(checked.channels)
        integrated = [list(g) for g in checked.integrated]
        employees = checked.employees
        payload = json.dumps(
            {
                "channels": channels,
                "integrated": integrated,
                "employees": employees,
                "currency": checked.currency,
                "name": checked.name,
            }
        )
        change: str | None = None
        with self._write(actor, "company.set", lambda: change) as conn:
            current = _company_key(_company(conn))
            if expected is not None and current != _company_key(expected):
                raise _conflict("company profile")
            if current != _company_key(checked):
                change = payload
                _save_setting(conn, "company", payload)
        return Saved(checked, change is not None)

    def set_gates(
        self,
        actor: Actor,
        gates: Mapping[str, Any] | GateSet,
        *,
        expected: Mapping[str, Any] | GateSet | None = None,
    ) -> Saved[GateSet]:
        """Validate and store the workspace's gate criteria.

        ``expected`` is the gate set the form started from: if it changed since, Conflict.
        The gates as stored write nothing.
        """
        checked = _gate_set(gates)
        payload = json.dumps(gates_to_dict(checked), sort_keys=True)
        change: str | None = None
        with self._write(actor, "gates.set", lambda: change) as conn:
            check_known_metrics(checked, _uploaded_metrics(conn))
            current = _gates(conn)
            if expected is not None and gates_to_dict(current) != gates_to_dict(
                _gate_set(expected)
            ):
                raise _conflict("gates")
            if gates_to_dict(current) != gates_to_dict(checked):
                change = audit.gates_change(current, checked)
                _save_setting(conn, "gates", payload)
        return Saved(checked, change is not None)

    def set_demand_settings(
        self,
        actor: Actor,
        settings: Mapping[str, Any],
        *,
        expected: Mapping[str, Any] | DemandSettings | None = None,
    ) -> Saved[DemandSettings]:
        """Validate and store the resource signal's settings.

        ``expected`` is the settings the form started from: if they changed since, Conflict.
        The settings as stored write nothing.
        """
        checked = settings_from_dict(settings)
        payload = json.dumps(settings_to_dict(checked), sort_keys=True)
        change: str | None = None
        with self._write(actor, "demand.set", lambda: change) as conn:
            current = settings_to_dict(_demand(conn))
            if expected is not None and current != settings_to_dict(_demand_settings(expected)):
                raise _conflict("resource signal settings")
            if current != settings_to_dict(checked):
                change = payload
                _save_setting(conn, "demand", payload)
        return Saved(checked, change is not None)

    def set_returning_weeks(
        self, actor: Actor, weeks: Any, *, expected: int | None = None
    ) -> Saved[int]:
        """Validate and store the returning window: a member is returning in a week when also
        active in any of the previous ``weeks`` weeks (1 to 52).

        It applies to the events files imported from then on; the weekly metrics of those
        already imported stay as they were derived (remove and import a file again to derive
        it anew). ``expected`` is the value the form started from: if it changed since,
        Conflict. The value as stored writes nothing.
        """
        checked = returning_weeks(weeks)
        change: str | None = None
        with self._write(actor, "returning_weeks.set", lambda: change) as conn:
            current = _returning_weeks(conn)
            if expected is not None and current != returning_weeks(expected):
                raise _conflict("returning weeks")
            if current != checked:
                change = f"{current} -> {checked} weeks"
                _save_setting(conn, "returning_weeks", json.dumps(checked))
        return Saved(checked, change is not None)

    def set_role_serves(
        self,
        actor: Actor,
        serves: Mapping[Any, Any],
        *,
        expected: RoleServes | None = None,
    ) -> Saved[RoleServes]:
        """Store which demand (messages, content, monitoring) each role's hours serve.

        ``expected`` is the mapping the form started from: if it changed since, Conflict.
        The mapping as stored writes nothing.
        """
        checked = serves_from_dict(serves)
        payload = json.dumps(serves_to_dict(checked), sort_keys=True)
        change: str | None = None
        with self._write(actor, "team.serves", lambda: change) as conn:
            current = serves_to_dict(_role_serves(conn))
            if expected is not None and current != serves_to_dict(expected):
                raise _conflict("roles' demand")
            if current != serves_to_dict(checked):
                change = payload
                _save_setting(conn, "role_serves", payload)
        return Saved(checked, change is not None)

    def set_rates(
        self, actor: Actor, rates: Mapping[str, Any] | Rates, *, expected: Rates | None = None
    ) -> Saved[Rates]:
        """Store the hourly rates of roles and people (the Team page's table save).

        ``expected`` is the rates the form started from: if they changed since, Conflict.
        The rates as stored write nothing.
        """
        checked = rates_from_dict(rates_to_dict(rates) if isinstance(rates, Rates) else rates)
        detail = json.dumps(rates_to_dict(checked), sort_keys=True)
        change: str | None = None
        with self._write(actor, "rates.set", lambda: change) as conn:
            current = rates_to_dict(_rates(conn))
            if expected is not None and current != rates_to_dict(expected):
                raise _conflict("hourly rates")
            if current != rates_to_dict(checked):
                change = detail
                _save_rates(conn, checked)
        return Saved(checked, change is not None)

    def set_role_rate(self, actor: Actor, role: str, rate: Any) -> Rates:
        """Set one role's hourly rate (``None``: the role has no rate)."""
        parsed = parse_role(role)
        value = None if rate is None else hourly_rate(rate, f"rate of {parsed.value}")
        with self._write(actor, "rates.role", f"{parsed.value}: {value}") as conn:
            before = _rates(conn)
            changed = Rates({**before.roles, parsed: value}, before.people)
            _save_rates(conn, changed)
        return changed

    def set_user_role(self, actor: Actor, identity: str, role: str | None) -> str:
        """Map an identity (a verified e-mail address, or ``ISSUER|SUBJECT``) to a role
        (``viewer``, ``editor``, ``admin``, ``executive``), or remove it with None; returns
        the identity as stored."""
        require_admin(actor, "users.set")
        address = check_identity(identity)
        parsed = None if role is None else parse_access_role(role)
        with self._write(actor, "users.set", f"{address}: {role}") as conn:
            conn.execute(text("DELETE FROM users WHERE email = :e"), {"e": address})
            if parsed is not None:
                conn.execute(
                    text("INSERT INTO users(email, role) VALUES (:e, :r)"),
                    {"e": address, "r": parsed.value},
                )
        return address

    # --- stages ----------------------------------------------------------------------

    def set_checklist(
        self, actor: Actor, platform: str, item: str, done_on: dt.date | str | None
    ) -> Saved[tuple[ChecklistItem, ...]]:
        """Tick (with the date it was done) or clear one setup checklist item of a platform,
        or ``all`` of them."""
        items = CHECKLIST_ITEMS if item == "all" else (item,)
        return self.save_checklist(actor, [(platform, one, done_on) for one in items], detail=item)

    def save_checklist(
        self,
        actor: Actor,
        changes: Sequence[tuple[str, str, dt.date | str | None]],
        *,
        detail: str | None = None,
    ) -> Saved[tuple[ChecklistItem, ...]]:
        """Set several checklist items, (platform, item, done on or None), in one write:
        all of them are saved, or none; items already stored as asked write nothing."""
        checked: list[tuple[str, str, dt.date | None]] = []
        for platform, item, done_on in changes:
            name = platform_name(platform)
            if item not in CHECKLIST_ITEMS:
                raise ValidationError(
                    f"checklist item: expected one of {', '.join(CHECKLIST_ITEMS)} or all, "
                    f"got {item!r}"
                )
            day = (
                None
                if done_on is None
                else clock.parse_day(done_on, "done on", latest=clock.today())
            )
            checked.append((name, item, day))
        asked = tuple(ChecklistItem(p, i, d) for p, i, d in checked)
        if not checked:
            return Saved(asked, False)
        said = {f"{p}: {detail or i} = {d}" for p, i, d in checked}
        change: str | None = None
        with self._write(actor, "checklist.set", lambda: change) as conn:
            stored = {(c.platform, c.item): c.done_on for c in _checklist(conn)}
            if any((p, i) not in stored or stored[p, i] != d for p, i, d in checked):
                change = "; ".join(sorted(said))
                conn.execute(
                    text(
                        "INSERT INTO checklist(platform, item, done_on) VALUES (:p, :i, :d) "
                        "ON CONFLICT(platform, item) DO UPDATE SET done_on = excluded.done_on"
                    ),
                    [{"p": p, "i": i, "d": d.isoformat() if d else None} for p, i, d in checked],
                )
        return Saved(asked, change is not None)

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
        o = make_override(platform, week, stage, reason, by=actor.name, until=until)
        held = f" until {o.until}" if o.until else ""
        with self._write(
            actor,
            "stage.override",
            f"{o.platform} -> {o.stage.value} from {o.week}{held}: {o.reason}",
        ) as conn:
            new_id = conn.execute(
                text(
                    "INSERT INTO overrides(platform, week, stage, reason, by, until) "
                    "VALUES (:p, :w, :s, :r, :b, :u) RETURNING id"
                ),
                {
                    "p": o.platform,
                    "w": o.week.isoformat(),
                    "s": o.stage.value,
                    "r": o.reason,
                    "b": o.by,
                    "u": _iso_or_none(o.until),
                },
            ).scalar_one()
        return Override(o.platform, o.week, o.stage, o.reason, o.by, o.until, int(new_id))

    def remove_override(self, actor: Actor, override_id: int) -> Override:
        """Remove an override: from then on the gates alone decide that platform's stage."""
        require_edit(actor, "stage.override.remove")
        known = _known_id(override_id, "override")
        removed: list[Override] = []

        def detail() -> str:
            o = removed[0]
            return f"#{known}: {o.platform} -> {o.stage.value} from {o.week} ({o.reason})"

        with self._write(actor, "stage.override.remove", detail) as conn:
            removed.append(_the(_overrides(conn), known, "override", override_id))
            conn.execute(text("DELETE FROM overrides WHERE id = :id"), {"id": known})
        return removed[0]

    def set_baseline(
        self, actor: Actor, platform: Any, metric: Any, value: Any, on: Any, *, today: dt.date
    ) -> Baseline:
        """Give a platform's followers on one day, from which its daily gains build the
        weekly followers (``strategy.domain.baselines``); replaces the platform's baseline."""
        baseline = check_baseline(platform, metric, value, on, today=today)
        with self._write(actor, "baseline.set", baseline.text) as conn:
            stored = {**_baselines(conn), baseline.platform: baseline}
            _save_baselines(conn, stored)
        return baseline

    def save_mapping(self, actor: Actor, mapping: FileMapping) -> FileMapping:
        """Remember how a file that is neither an export nor a layout is read, under its
        header; replaces a mapping of the same name or the same header."""
        with self._write(
            actor, "mapping.save", f"{mapping.name}: {', '.join(mapping.header)}"
        ) as conn:
            kept = {n: m for n, m in _mappings(conn).items() if m.header != mapping.header}
            stored = {**kept, mapping.name: mapping}
            _save_mappings(conn, stored)
        return mapping

    def remove_mapping(self, actor: Actor, name: str) -> FileMapping:
        """Forget a saved mapping: files with its header are unrecognised again."""
        removed: list[FileMapping] = []
        with self._write(actor, "mapping.remove", lambda: removed[0].name) as conn:
            stored = _mappings(conn)
            if name not in stored:
                raise NotFound(f"no mapping is named {name!r}")
            removed.append(stored.pop(name))
            _save_mappings(conn, stored)
        return removed[0]

    def remove_baseline(self, actor: Actor, platform: Any) -> Baseline:
        """Forget a platform's baseline: its followers are not measured again."""
        name = platform_name(platform)
        removed: list[Baseline] = []
        with self._write(actor, "baseline.remove", lambda: removed[0].text) as conn:
            stored = _baselines(conn)
            if name not in stored:
                raise NotFound(f"platform {name!r} has no baseline")
            removed.append(stored.pop(name))
            _save_baselines(conn, stored)
        return removed[0]

    # --- tests -----------------------------------------------------------------------

    def log_test(self, actor: Actor, fields: Mapping[str, Any]) -> StrategyTest:
        """Validate and store a new strategy test; ``fields`` holds make_test's keywords.

        A test with the title, platform and start of one already logged is refused, naming
        it; a logged test changes through ``update_test``.
        """
        test = make_test(**test_fields(fields))
        if test.id is not None:
            raise ValidationError(
                f"test: a new test has no id (got {test.id}); change test #{test.id} with an "
                "update instead"
            )
        clock.parse_day(test.start, "start")
        clock.parse_day(test.end, "end")
        values = _test_row(test)
        change = shortened(test.title, 60)
        day = clock.today().isoformat()
        concluded = day if test.status is TestStatus.CONCLUDED else None
        with self._write(actor, "test.log", lambda: change) as conn:
            _refuse_duplicate(test, _tests(conn))
            test_id = int(
                conn.execute(
                    text(
                        f"INSERT INTO tests({', '.join(_TEST_COLUMNS)}, logged_on, "
                        f"concluded_on) VALUES ({', '.join(':' + k for k in values)}, "
                        ":logged_on, :concluded_on) RETURNING id"
                    ),
                    {**values, "logged_on": day, "concluded_on": concluded},
                ).scalar_one()
            )
            change = f"#{test_id} new: {change}"
        return dataclasses.replace(test, id=test_id)

    def update_test(
        self, actor: Actor, test_id: int, changes: Mapping[str, Any]
    ) -> Saved[StrategyTest]:
        """Change a logged test's counts, end or status (while planned or running) and its
        decision (any time); the audit row says what changed from what. Values as stored
        write nothing."""
        require_edit(actor, "test.update")
        known = _known_id(test_id, "test")
        change: str | None = None
        with self._write(actor, "test.update", lambda: change) as conn:
            before = _the(_tests(conn), known, "test", test_id)
            after = updated_test(before, changes)
            old, new = _test_row(before), _test_row(after)
            moved = [f"{k} {old[k]!r} -> {new[k]!r}" for k in new if old[k] != new[k]]
            if moved:
                change = f"#{known} {shortened(after.title, 60)}: {', '.join(moved)}"
                sets = ", ".join(f"{c} = :{k}" for c, k in zip(_TEST_COLUMNS, new, strict=True))
                day = clock.today().isoformat()
                conn.execute(
                    # concluded_on: the day it became concluded
                    text(
                        f"UPDATE tests SET {sets}, concluded_on = CASE WHEN :status = "
                        f"'{TestStatus.CONCLUDED.value}' THEN COALESCE(concluded_on, :day) "
                        "ELSE NULL END WHERE id = :id"
                    ),
                    {**new, "id": known, "day": day},
                )
        return Saved(after, change is not None)

    def remove_test(self, actor: Actor, test_id: int) -> None:
        """Delete a logged test."""
        require_edit(actor, "test.remove")
        known = _known_id(test_id, "test")
        with self._write(actor, "test.remove", f"#{known}") as conn:
            if not conn.execute(text("DELETE FROM tests WHERE id = :id"), {"id": known}).rowcount:
                raise _missing("test", test_id)

    # --- resource requests and onboarding --------------------------------------------

    def raise_request(
        self, actor: Actor, *, note: Any = "", today: dt.date | None = None
    ) -> ResourceRequest:
        """Raise a resource request while the signal is justified, freezing its evidence.

        The evidence is read under the write lock, so it is the signal of the stored data at
        that moment; otherwise refused with the signal's reason, and nothing is stored.
        """
        day = today or clock.today()
        text_note = request_note(note)
        raised: list[ResourceRequest] = []

        def detail() -> str:
            r = raised[0]
            e = r.evidence
            return (
                f"#{r.id}: {e.gap_hours_per_week:.1f} h/week, {e.gap_people:.1f} FTE, "
                f"{e.currency} {e.gap_cost_per_week:,.0f}/week; {e.roles_text}"
            )

        with self._write(actor, "request.raise", detail) as conn:
            analysis = analyse(_snapshot(conn, None), day)
            evidence = freeze_evidence(analysis.signal, analysis.gap_cost, day)
            new_id = conn.execute(
                text(
                    "INSERT INTO requests(raised_on, raised_by, note, evidence, status) "
                    "VALUES (:on, :by, :note, :evidence, :status) RETURNING id"
                ),
                {
                    "on": day.isoformat(),
                    "by": actor.name,
                    "note": text_note,
                    "evidence": json.dumps(evidence_to_dict(evidence), sort_keys=True),
                    "status": RequestStatus.OPEN.value,
                },
            ).scalar_one()
            raised.append(ResourceRequest(int(new_id), day, actor.name, text_note, evidence))
        return raised[0]

    def decide_request(
        self,
        actor: Actor,
        request_id: int,
        decision: Any,
        reason: Any,
        *,
        today: dt.date | None = None,
    ) -> ResourceRequest:
        """An executive approves or declines an open request, with a reason; final."""
        require_decide(actor, "request.decide")
        choice = decision_of(decision)
        why = decision_reason(reason)
        day = today or clock.today()
        known = _known_id(request_id, "request")
        status = choice.status.value
        with self._write(
            actor, "request.decide", f"#{known} {status}: {why}", allowed=require_decide
        ) as conn:
            request = _the(_requests(conn), known, "request", request_id)
            check_open(request)
            if day < request.raised_on:
                raise ValidationError(
                    f"request #{known}: decided on {day.isoformat()}, before it was raised "
                    f"({request.raised_on.isoformat()})"
                )
            conn.execute(
                text(
                    "UPDATE requests SET status = :s, decided_on = :on, decided_by = :by, "
                    "reason = :why WHERE id = :id"
                ),
                {"s": status, "on": day.isoformat(), "by": actor.name, "why": why, "id": known},
            )
        return dataclasses.replace(
            request,
            status=choice.status,
            decided_on=day,
            decided_by=actor.name,
            reason=why,
        )

    def start_onboarding(
        self,
        actor: Actor,
        *,
        request_id: int,
        name: str,
        role: str,
        hours: Any,
        start: dt.date | str,
        channel: str | None = None,
        available_hours: Any = None,
    ) -> tuple[OnboardingItem, ...]:
        """A new person from an approved request joins the roster with their role's plan.

        The items fall due 30, 60 and 90 days after ``start``, which is on or after the
        day the request was approved.
        """
        parsed_role = parse_role(role)
        member = make_member(
            name,
            hours if available_hours is None else available_hours,
            (Assignment(parsed_role, hours, role_channel(parsed_role, channel)),),
        )
        first = clock.parse_day(start, "start")
        known = _known_id(request_id, "request")
        with self._write(
            actor,
            "onboarding.start",
            f"{member.name} ({parsed_role.value}) from {first.isoformat()}, request #{known}",
        ) as conn:
            request = _the(_requests(conn), known, "request", request_id)
            if request.status is not RequestStatus.APPROVED:
                raise ValidationError(
                    f"request #{known} is {request.status.value}; onboarding starts from an "
                    "approved request"
                )
            assert request.decided_on is not None
            if first < request.decided_on:
                raise ValidationError(
                    f"start: {first.isoformat()} is before request #{known} was approved "
                    f"({request.decided_on.isoformat()})"
                )
            same = [m for m in _members(conn) if m.name.casefold() == member.name.casefold()]
            if same:
                raise ValidationError(
                    f"name: {same[0].name} is already on the team; onboarding is for a new person"
                )
            _save_member(conn, member)
            plan = plan_for(_plans(conn), parsed_role)
            conn.execute(
                text(
                    "INSERT INTO onboarding(request_id, person, role, start, day, title) "
                    "VALUES (:r, :p, :role, :start, :day, :title)"
                ),
                [
                    {
                        "r": known,
                        "p": member.name,
                        "role": parsed_role.value,
                        "start": first.isoformat(),
                        "day": day,
                        "title": title,
                    }
                    for day, title, _ in schedule(first, plan)
                ],
            )
            items = tuple(i for i in _onboarding(conn) if i.person == member.name)
        return items

    def set_onboarding_done(
        self,
        actor: Actor,
        item_id: int,
        done_on: dt.date | str | None,
        *,
        today: dt.date | None = None,
    ) -> OnboardingItem:
        """Tick an onboarding item with the day it was done, or clear it (``None``)."""
        day = today or clock.today()
        on = None if done_on is None else clock.parse_day(done_on, "on")
        known = _known_id(item_id, "onboarding item")
        found: list[OnboardingItem] = []

        def detail() -> str:
            i = found[0]
            return f"#{known} {i.person}: {i.title} = {on}"

        with self._write(actor, "onboarding.done", detail) as conn:
            found.append(_the(_onboarding(conn), known, "onboarding item", item_id))
            if on is not None:
                check_done_on(found[0], on, day)
            conn.execute(
                text("UPDATE onboarding SET done_on = :on WHERE id = :id"),
                {"on": _iso_or_none(on), "id": known},
            )
        return dataclasses.replace(found[0], done_on=on)

    def set_plan(
        self,
        actor: Actor,
        role: str,
        items: Sequence[PlanItem | Mapping[str, Any]] | None,
        *,
        expected: Sequence[PlanItem] | None = None,
    ) -> Saved[tuple[PlanItem, ...]]:
        """Give a role its own onboarding plan, or (``None``) return it to the default one.

        People already onboarding keep the items they were given. ``expected`` is the plan
        the form started from: if it changed since, Conflict. The plans as stored (the same
        items, and the role's own plan or the default as before) write nothing.
        """
        parsed = parse_role(role)
        plan = DEFAULT_PLAN if items is None else make_plan(items, parsed)
        said = "default" if items is None else f"{len(plan)} items"
        change: str | None = None
        with self._write(actor, "onboarding.plan", lambda: change) as conn:
            before = _plans(conn)
            plans = dict(before)
            if expected is not None and plan_for(plans, parsed) != tuple(expected):
                raise _conflict(f"onboarding plan of {parsed.value}")
            if items is None:
                plans.pop(parsed, None)
            else:
                plans[parsed] = plan
            if plans_to_dict(plans) != plans_to_dict(before):
                change = f"{parsed.value}: {said}"
                _save_setting(conn, "onboarding_plans", json.dumps(plans_to_dict(plans)))
        return Saved(plan, change is not None)

    # --- uploads ---------------------------------------------------------------------

    def import_file(
        self,
        actor: Actor,
        path: Path | str,
        *,
        name: str | None = None,
        today: dt.date | None = None,
        platform: str | None = None,
        year: int | None = None,
        mapping: str | None = None,
    ) -> Upload:
        """Validate, derive and store one metrics file; a refused file changes nothing.

        ``platform`` and ``year`` serve a platform's own export that cannot name them
        (``strategy.ingest.exports``); a file the workspace saved a mapping for is read by it
        (``mapping`` names the one to use); the returned upload's ``notes`` say how it was
        read.
        """
        require_edit(actor, "upload.import")
        if not isinstance(path, str | os.PathLike):
            raise ImportRejected(f"import: expected the path of a metrics file, got {path!r}")
        source = Path(path)
        display = name or source.name
        if not source.is_file():
            raise ImportRejected(f"{display}: no such file")
        with database.read(self.location) as conn:
            window = _returning_weeks(conn)
            saved = [as_export(m) for m in _mappings(conn).values()]
        imported = read_metrics(
            source,
            name=display,
            today=today,
            returning=window,
            platform=platform,
            year=year,
            mappings=saved,
            mapping=mapping,
        )
        digest = hash_file(source)
        self.files.stage(source, digest)
        return self._register(actor, imported, source, digest)

    def _register(self, actor: Actor, imported: ImportedFile, source: Path, digest: str) -> Upload:
        weekly, daily = imported.weekly, imported.daily
        rows = list(  # tolist(): iterating the string columns item by item is 10x slower
            zip(
                weekly["platform"].astype(str).tolist(),
                weekly["metric"].astype(str).tolist(),
                weekly["week"].dt.strftime("%Y-%m-%d").tolist(),
                weekly["value"].astype(float).tolist(),
                strict=True,
            )
        )
        rows += zip(
            daily["platform"].astype(str).tolist(),
            (daily["metric"].astype(str) + DAILY_MARK).tolist(),
            daily["day"].dt.strftime("%Y-%m-%d").tolist(),
            daily["value"].astype(float).tolist(),
            strict=True,
        )
        uploaded_at = clock.now_text()
        through = imported.data_through
        with self._write(actor, "upload.import", f"{imported.name} ({digest[:12]})") as conn:
            dup = conn.execute(
                text("SELECT id, name FROM uploads WHERE sha256 = :d"), {"d": digest}
            ).first()
            if dup:
                raise ImportRejected(
                    f"{imported.name}: this exact file is already imported as upload "
                    f"#{dup[0]} ({dup[1]}); remove that upload first to import it again"
                )
            upload_id = int(
                conn.execute(
                    text(
                        "INSERT INTO uploads(name, sha256, layout, rows, platforms, first_week, "
                        "last_week, metrics, uploaded_at, by, data_through) VALUES (:name, "
                        ":sha, :layout, :rows, :platforms, :first, :last, :metrics, :at, :by, "
                        ":through) RETURNING id"
                    ),
                    {
                        "name": imported.name,
                        "sha": digest,
                        "layout": imported.layout,
                        "rows": imported.rows,
                        "platforms": json.dumps(list(imported.platforms)),
                        "first": imported.first_week.isoformat(),
                        "last": imported.last_week.isoformat(),
                        "metrics": json.dumps(list(imported.metrics)),
                        "at": uploaded_at,
                        "by": actor.name,
                        "through": json.dumps(
                            {p: d.isoformat() for p, d in sorted(through.items())}
                        ),
                    },
                ).scalar_one()
            )
            _insert_observations(conn, upload_id, rows)
            self.files.keep(conn, source, digest)
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
            notes=imported.notes,
        )

    def remove_upload(self, actor: Actor, upload_id: int) -> None:
        """Remove an upload: what it covered falls back to the earlier uploads' values."""
        require_edit(actor, "upload.remove")
        known = _known_id(upload_id, "upload")
        with self._write(actor, "upload.remove", f"#{known}") as conn:
            digest = conn.execute(
                text("SELECT sha256 FROM uploads WHERE id = :id"), {"id": known}
            ).scalar()
            if digest is None:
                raise _missing("upload", upload_id)
            conn.execute(text("DELETE FROM uploads WHERE id = :id"), {"id": known})
            self.files.release(conn, str(digest))
        self.collect_orphans()

    def collect_orphans(self, min_age_seconds: float = ORPHAN_MIN_AGE_S) -> int:
        """Delete stored files no upload points to (left by a crash or a removal); the
        uploads are read only when the workspace keeps loose files."""

        def referenced() -> set[str]:
            with database.read(self.location) as conn:
                return {str(r[0]) for r in conn.execute(text("SELECT sha256 FROM uploads"))}

        return self.files.collect_orphans(referenced, min_age_seconds)


# --- reading rows --------------------------------------------------------------------


def _snapshot(conn: Connection, as_of: dt.date | None) -> Snapshot:
    """The whole state as this transaction sees it (``Workspace.snapshot``)."""
    version = int(
        conn.execute(text("SELECT value FROM meta WHERE key = 'data_version'")).scalar_one()
    )
    uploads = tuple(u for u in _uploads(conn) if as_of is None or u.uploaded_on <= as_of)
    weekly, coverage, daily = _weekly(conn, uploads, all_uploads=as_of is None)
    return Snapshot(
        data_version=version,
        members=_members(conn),
        checklist=_checklist(conn),
        overrides=_overrides(conn),
        tests=_tests(conn),
        uploads=uploads,
        weekly=weekly,
        coverage=coverage,
        gates=_gates(conn),
        demand=_demand(conn),
        returning_weeks=_returning_weeks(conn),
        company=_company(conn),
        role_serves=_role_serves(conn),
        rates=_rates(conn),
        requests=_requests(conn),
        onboarding=_onboarding(conn),
        plans=_plans(conn),
        baselines=_baselines(conn),
        daily_changes=daily,
        mappings=_mappings(conn),
        test_dates={
            int(i): TestDates(_date_or_none(lo), _date_or_none(co))
            for i, lo, co in conn.execute(text("SELECT id, logged_on, concluded_on FROM tests"))
        },
    )


def _mappings(conn: Connection) -> dict[str, FileMapping]:
    return _setting(conn, "mappings", mappings_from_dict, {})


def _save_mappings(conn: Connection, mappings: dict[str, FileMapping]) -> None:
    _save_setting(conn, "mappings", json.dumps(mappings_to_dict(mappings)))


def _baselines(conn: Connection) -> dict[str, Baseline]:
    return _setting(conn, "baselines", baselines_from_dict, {})


def _save_baselines(conn: Connection, baselines: dict[str, Baseline]) -> None:
    _save_setting(conn, "baselines", json.dumps(baselines_to_dict(baselines)))


def _checklist(conn: Connection) -> tuple[ChecklistItem, ...]:
    return tuple(
        ChecklistItem(p, i, dt.date.fromisoformat(d) if d else None)
        for p, i, d in conn.execute(
            text("SELECT platform, item, done_on FROM checklist ORDER BY platform, item")
        )
    )


def _requests(conn: Connection) -> tuple[ResourceRequest, ...]:
    return tuple(
        ResourceRequest(
            id=int(r.id),
            raised_on=dt.date.fromisoformat(r.raised_on),
            raised_by=r.raised_by,
            note=r.note,
            evidence=evidence_from_dict(json.loads(r.evidence)),
            status=RequestStatus(r.status),
            decided_on=_date_or_none(r.decided_on),
            decided_by=r.decided_by,
            reason=r.reason,
        )
        for r in conn.execute(
            text(
                "SELECT id, raised_on, raised_by, note, evidence, status, decided_on, "
                "decided_by, reason FROM requests ORDER BY id"
            )
        )
    )


def _onboarding(conn: Connection) -> tuple[OnboardingItem, ...]:
    return tuple(
        OnboardingItem(
            id=int(r.id),
            request_id=int(r.request_id),
            person=r.person,
            role=parse_role(r.role),
            start=dt.date.fromisoformat(r.start),
            day=int(r.day),
            title=r.title,
            done_on=_date_or_none(r.done_on),
        )
        for r in conn.execute(
            text(
                "SELECT id, request_id, person, role, start, day, title, done_on "
                "FROM onboarding ORDER BY id"
            )
        )
    )


def _refuse_duplicate(test: StrategyTest, logged: Sequence[StrategyTest]) -> None:
    same = duplicate_of(test, logged)
    if same is not None:
        raise ValidationError(
            f"test: {test.title!r} on {test.platform} starting {test.start.isoformat()} is "
            f"already logged as test #{same.id} ({same.title}); update that one instead"
        )


def _drop_onboarding_of_leavers(conn: Connection) -> None:
    """A person who leaves the roster takes their onboarding plan with them."""
    conn.execute(
        text("DELETE FROM onboarding WHERE lower(person) NOT IN (SELECT lower(name) FROM members)")
    )


def _plans(conn: Connection) -> dict[Role, tuple[PlanItem, ...]]:
    return _setting(conn, "onboarding_plans", plans_from_dict, {})


_TEST_COLUMNS: Final = (
    "title",
    "hypothesis",
    "platform",
    "metric",
    "control_label",
    "variant_label",
    "control_n",
    "control_successes",
    "variant_n",
    "variant_successes",
    "start",
    '"end"',
    "status",
    "decision",
    "kind",
    "planned_split",
    "control_mean",
    "control_sd",
    "variant_mean",
    "variant_sd",
)
"""The tests table's columns as stored (``end`` is quoted: a keyword in PostgreSQL)."""


def _setting(conn: Connection, key: str, parse: Callable[[Any], T], default: T) -> T:
    """A setting stored as JSON, parsed; ``default`` while it was never saved."""
    value = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": key}).scalar()
    return default if value is None else parse(json.loads(value))


def _save_setting(conn: Connection, key: str, payload: str) -> None:
    conn.execute(_UPSERT_SETTING, {"key": key, "value": payload})


def _overrides(conn: Connection) -> tuple[Override, ...]:
    return tuple(
        Override(p, dt.date.fromisoformat(w), Stage(s), r, b, _date_or_none(until), int(oid))
        for oid, p, w, s, r, b, until in conn.execute(
            text("SELECT id, platform, week, stage, reason, by, until FROM overrides ORDER BY id")
        )
    )


def _uploaded_metrics(conn: Connection) -> set[str]:
    return {
        m for (raw,) in conn.execute(text("SELECT metrics FROM uploads")) for m in json.loads(raw)
    }


def _role_serves(conn: Connection) -> RoleServes:
    return _setting(conn, "role_serves", serves_from_dict, DEFAULT_SERVES)


def _rates(conn: Connection) -> Rates:
    return _setting(conn, "rates", rates_from_dict, DEFAULT_RATES)


def _save_rates(conn: Connection, rates: Rates) -> None:
    _save_setting(conn, "rates", json.dumps(rates_to_dict(rates), sort_keys=True))


def _gates(conn: Connection) -> GateSet:
    return _setting(conn, "gates", gates_from_dict, DEFAULT_GATES)


def _demand(conn: Connection) -> DemandSettings:
    return _setting(conn, "demand", settings_from_dict, DEFAULT_SETTINGS)


def _returning_weeks(conn: Connection) -> int:
    return _setting(conn, "returning_weeks", returning_weeks, DEFAULT_RETURNING_WEEKS)


def _company(conn: Connection) -> CompanyProfile:
    return _setting(conn, "company", _company_from_dict, CompanyProfile())


def _company_from_dict(data: Mapping[str, Any]) -> CompanyProfile:
    return CompanyProfile(
        channels=tuple(data.get("channels", ())),
        integrated=tuple(tuple(g) for g in data.get("integrated", ())),
        employees=int(data.get("employees", 1)),
        currency=str(data.get("currency", DEFAULT_CURRENCY)),
        name=str(data.get("name", "")),
    )


def _members(conn: Connection) -> tuple[Member, ...]:
    rows = conn.execute(
        text(
            "SELECT m.id, m.name, m.available_hours, a.role, a.channel, a.hours "
            "FROM members m LEFT JOIN assignments a ON a.member_id = m.id "
            "ORDER BY m.id, a.role, a.channel"
        )
    ).all()
    grouped: dict[int, tuple[str, float, list[Assignment]]] = {}
    for mid, name, available, role, channel, hours in rows:
        entry = grouped.setdefault(int(mid), (name, float(available), []))
        if role is not None:
            entry[2].append(Assignment(parse_role(role), float(hours), channel or None))
    return tuple(
        Member(name, available, tuple(assignments))
        for name, available, assignments in grouped.values()
    )


def _save_member(conn: Connection, member: Member) -> None:
    conn.execute(
        text("DELETE FROM members WHERE lower(name) = lower(:name)"), {"name": member.name}
    )
    member_id = conn.execute(
        text("INSERT INTO members(name, available_hours) VALUES (:name, :hours) RETURNING id"),
        {"name": member.name, "hours": member.available_hours},
    ).scalar_one()
    if member.assignments:
        conn.execute(
            text(
                "INSERT INTO assignments(member_id, role, channel, hours) "
                "VALUES (:m, :role, :channel, :hours)"
            ),
            [
                {"m": member_id, "role": a.role.value, "channel": a.channel or "", "hours": a.hours}
                for a in member.assignments
            ],
        )


def _tests(conn: Connection) -> tuple[StrategyTest, ...]:
    columns = ", ".join(("id", *_TEST_COLUMNS))
    return tuple(
        StrategyTest(
            title=r.title,
            hypothesis=r.hypothesis,
            platform=r.platform,
            metric=r.metric,
            control_label=r.control_label,
            variant_label=r.variant_label,
            control_n=int(r.control_n),
            control_successes=int(r.control_successes),
            variant_n=int(r.variant_n),
            variant_successes=int(r.variant_successes),
            start=dt.date.fromisoformat(r.start),
            end=dt.date.fromisoformat(r.end),
            status=TestStatus(r.status),
            decision=r.decision,
            id=int(r.id),
            kind=TestKind(r.kind),
            planned_split=float(r.planned_split),
            control_mean=_float_or_none(r.control_mean),
            control_sd=_float_or_none(r.control_sd),
            variant_mean=_float_or_none(r.variant_mean),
            variant_sd=_float_or_none(r.variant_sd),
        )
        for r in conn.execute(text(f"SELECT {columns} FROM tests ORDER BY id"))
    )


def _uploads(conn: Connection) -> tuple[Upload, ...]:
    return tuple(
        Upload(
            id=int(r.id),
            name=r.name,
            sha256=r.sha256,
            layout=r.layout,
            rows=int(r.rows),
            platforms=tuple(json.loads(r.platforms)),
            first_week=dt.date.fromisoformat(r.first_week),
            last_week=dt.date.fromisoformat(r.last_week),
            metrics=tuple(json.loads(r.metrics)),
            uploaded_at=r.uploaded_at,
            by=r.by,
            data_through={
                p: dt.date.fromisoformat(d) for p, d in json.loads(r.data_through).items()
            },
        )
        for r in conn.execute(
            text(
                "SELECT id, name, sha256, layout, rows, platforms, first_week, last_week, "
                "metrics, uploaded_at, by, data_through FROM uploads ORDER BY id"
            )
        )
    )


def _weekly(
    conn: Connection, uploads: Sequence[Upload], *, all_uploads: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The merged weekly table of ``uploads`` (per week, platform and metric the latest
    upload wins), its coverage (per (platform, week), how far the latest upload holding it
    reaches) and the changes' daily values (stored as observations of ``metric@day`` on
    the day, the latest upload winning per day). ``all_uploads`` says ``uploads`` are all
    of them (no filter).
    """
    only = "" if all_uploads else "WHERE upload_id IN :ids"
    query = text(
        "SELECT o.week, o.platform, o.metric, o.value, o.upload_id FROM observations o "
        "JOIN (SELECT platform, metric, week, MAX(upload_id) AS upload_id "
        f"      FROM observations {only} GROUP BY platform, metric, week) latest "
        "USING (platform, metric, week, upload_id) "
        "ORDER BY o.platform, o.week, o.metric"
    )
    if not all_uploads:
        if not uploads:
            return empty_weekly(), empty_coverage(), empty_daily()
        query = query.bindparams(bindparam("ids", expanding=True))
    rows = conn.execute(query, {} if all_uploads else {"ids": [u.id for u in uploads]}).all()
    if not rows:
        return empty_weekly(), empty_coverage(), empty_daily()
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=["week", "platform", "metric", "value", "upload_id"]
    )
    frame["week"] = pd.to_datetime(frame["week"]).astype("datetime64[ns]")
    frame["value"] = frame["value"].astype("float64")
    by_day = frame["metric"].isin([f"{m}{DAILY_MARK}" for m in SIGNED_METRICS])
    daily = frame[by_day].rename(columns={"week": "day"}).drop(columns="upload_id")
    daily["metric"] = daily["metric"].str.removesuffix(DAILY_MARK)
    frame = frame[~by_day].reset_index(drop=True)
    if frame.empty:
        return empty_weekly(), empty_coverage(), daily.reset_index(drop=True)
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
    return frame.drop(columns="upload_id"), coverage, daily.reset_index(drop=True)


def _insert_observations(
    conn: Connection, upload_id: int, rows: Sequence[tuple[str, str, str, float]]
) -> None:
    """The upload's weekly values: PostgreSQL's COPY, SQLite's executemany (each the fastest
    bulk path of its driver)."""
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY observations(upload_id, platform, metric, week, value) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row((upload_id, *row))
        return
    conn.exec_driver_sql(
        "INSERT INTO observations(upload_id, platform, metric, week, value) VALUES (?,?,?,?,?)",
        [(upload_id, *row) for row in rows],
    )


# --- small helpers -------------------------------------------------------------------


def _date_or_none(raw: str | None) -> dt.date | None:
    return None if raw is None else dt.date.fromisoformat(raw)


def _float_or_none(raw: Any) -> float | None:
    return None if raw is None else float(raw)


def _iso_or_none(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


class _HasId(Protocol):
    @property
    def id(self) -> int | None: ...


R = TypeVar("R", bound=_HasId)


def _the(rows: Iterable[R], known: int, what: str, raw: Any) -> R:
    """The row whose id is ``known``; NotFound naming ``what`` and the id asked for."""
    for row in rows:
        if row.id == known:
            return row
    raise _missing(what, raw)


def _missing(what: str, raw: Any) -> NotFound:
    return NotFound(f"{what} #{raw} does not exist")


def _known_id(raw: Any, what: str) -> int:
    """A stored row's id from a caller; NotFound at once for one that cannot exist."""
    value = _row_id(raw, what)
    if value is None:
        raise _missing(what, raw)
    return value


def _row_id(raw: Any, what: str) -> int | None:
    """A stored row's id from a caller, or None for one that cannot exist (too large, < 1)."""
    if isinstance(raw, bool) or not isinstance(raw, numbers.Integral):
        raise ValidationError(f"{what} id: expected a whole number, got {raw!r}")
    value = int(raw)
    return value if 1 <= value <= MAX_ROW_ID else None


def _conflict(what: str) -> Conflict:
    return Conflict(
        f"{what}: someone else changed the {what} since this page was opened, so nothing "
        "was saved; reload to see their change, then make yours again"
    )


def _company_key(profile: CompanyProfile) -> tuple[Any, ...]:
    return (
        tuple(profile.channels),
        tuple(tuple(g) for g in profile.integrated),
        int(profile.employees),
        str(profile.currency),
        str(profile.name),
    )


def _gate_set(gates: Mapping[str, Any] | GateSet) -> GateSet:
    return gates_from_dict(gates_to_dict(gates) if isinstance(gates, GateSet) else gates)


def _demand_settings(settings: Mapping[str, Any] | DemandSettings) -> DemandSettings:
    return settings if isinstance(settings, DemandSettings) else settings_from_dict(settings)


def _test_row(test: StrategyTest) -> dict[str, Any]:
    return {
        "title": test.title,
        "hypothesis": test.hypothesis,
        "platform": test.platform,
        "metric": test.metric,
        "control_label": test.control_label,
        "variant_label": test.variant_label,
        "control_n": test.control_n,
        "control_successes": test.control_successes,
        "variant_n": test.variant_n,
        "variant_successes": test.variant_successes,
        "start": test.start.isoformat(),
        "end": test.end.isoformat(),
        "status": test.status.value,
        "decision": test.decision,
        "kind": test.kind.value,
        "planned_split": test.planned_split,
        "control_mean": test.control_mean,
        "control_sd": test.control_sd,
        "variant_mean": test.variant_mean,
        "variant_sd": test.variant_sd,
    }
