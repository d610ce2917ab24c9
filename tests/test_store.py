"""The workspace store: persistence, later-upload-wins and its undo, refusals change nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event

from strategy.domain.access import AccessRole, Actor
from strategy.domain.analysis import analyse
from strategy.domain.company import CompanyProfile
from strategy.domain.errors import (
    Conflict,
    ImportRejected,
    NotFound,
    PermissionDenied,
    RolloutError,
    ValidationError,
)
from strategy.domain.gates import DEFAULT_GATES, Stage, gates_to_dict
from strategy.domain.onboarding import plan_for
from strategy.domain.resources import settings_to_dict
from strategy.domain.snapshot import Snapshot
from strategy.domain.team import Assignment, Member, Role, serves_to_dict
from strategy.report import report_dict, report_text
from strategy.storage import NotAWorkspace, StorageError, WorkspaceBusy, parse_location
from strategy.storage import database as storage_database
from strategy.storage.schema import SCHEMA_VERSION
from strategy.usecases import Saved, Workspace
from tests.conftest import EDITOR, TODAY, VIEWER, workspace_state
from tests.engines import execute, scalar
from tests.engines import write_lock_held as hold_write_lock

A_TEST = {  # a concluded test the store accepts
    "title": "Questions",
    "platform": "instagram",
    "metric": "replies",
    "control_n": 100,
    "control_successes": 10,
    "variant_n": 100,
    "variant_successes": 20,
    "start": "2026-01-05",
    "end": "2026-01-20",
    "status": "concluded",
}


def weekly_value(ws: Workspace, platform: str, metric: str, week: str) -> float | None:
    frame = ws.snapshot().weekly
    hit = frame[
        (frame["platform"] == platform)
        & (frame["metric"] == metric)
        & (frame["week"] == dt.datetime.fromisoformat(week))
    ]
    return None if hit.empty else float(hit["value"].iloc[0])


def test_a_new_workspace_is_empty_and_versioned(empty_ws: Workspace) -> None:
    snap = empty_ws.snapshot()
    assert snap.members == () and snap.uploads == () and snap.weekly.empty
    assert snap.gates == DEFAULT_GATES
    version = scalar(empty_ws, "SELECT value FROM meta WHERE key = 'schema_version'")
    assert int(version) == SCHEMA_VERSION


def test_opening_a_folder_without_a_workspace_says_so(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no workspace here"):
        Workspace.open(tmp_path / "nothing")


def test_everything_survives_reopening(empty_ws: Workspace, long_file) -> None:
    empty_ws.add_assignment(EDITOR, name="Ana", role="support", hours=6, available_hours=8)
    empty_ws.set_checklist(EDITOR, "Instagram", "all", "2026-01-05")
    empty_ws.log_test(EDITOR, A_TEST)
    empty_ws.import_file(
        EDITOR, long_file([("2026-01-06", "instagram", "followers", 120.0)]), today=TODAY
    )

    again = Workspace.open(empty_ws.location).snapshot()
    assert [m.name for m in again.members] == ["Ana"]
    assert {i.platform for i in again.checklist} == {"instagram"}
    assert [t.title for t in again.tests] == ["Questions"]
    assert [u.name for u in again.uploads] == ["metrics.parquet"]
    assert (
        weekly_value(Workspace(empty_ws.location), "instagram", "followers", "2026-01-05") == 120.0
    )


def test_every_write_bumps_the_data_version_and_is_audited(empty_ws: Workspace) -> None:
    before = empty_ws.data_version()
    empty_ws.add_assignment(EDITOR, name="Ana", role="it", hours=4)
    assert empty_ws.data_version() == before + 1
    entry = empty_ws.audit_log()[0]
    assert entry.actor == "maya@example.com" and entry.action == "team.add"
    assert "Ana" in entry.detail


def test_the_later_upload_wins_and_removing_it_restores_the_earlier_value(
    empty_ws: Workspace, long_file
) -> None:
    first = long_file(
        [
            ("2026-01-05", "instagram", "followers", 100.0),
            ("2026-01-12", "instagram", "followers", 110.0),
        ],
        name="first.parquet",
    )
    second = long_file([("2026-01-12", "instagram", "followers", 500.0)], name="second.parquet")
    empty_ws.import_file(EDITOR, first, today=TODAY)
    upload = empty_ws.import_file(EDITOR, second, today=TODAY)

    assert weekly_value(empty_ws, "instagram", "followers", "2026-01-12") == 500.0
    assert weekly_value(empty_ws, "instagram", "followers", "2026-01-05") == 100.0

    empty_ws.remove_upload(EDITOR, upload.id)
    assert weekly_value(empty_ws, "instagram", "followers", "2026-01-12") == 110.0
    assert [u.name for u in empty_ws.snapshot().uploads] == ["first.parquet"]


def test_an_upload_covers_only_its_own_metrics(empty_ws: Workspace, long_file) -> None:
    empty_ws.import_file(
        EDITOR,
        long_file([("2026-01-05", "forum", "followers", 200.0)], name="a.parquet"),
        today=TODAY,
    )
    empty_ws.import_file(
        EDITOR,
        long_file([("2026-01-05", "forum", "threads", 9.0)], name="b.parquet"),
        today=TODAY,
    )
    assert weekly_value(empty_ws, "forum", "followers", "2026-01-05") == 200.0
    assert weekly_value(empty_ws, "forum", "threads", "2026-01-05") == 9.0


def test_imported_files_are_stored_once_under_their_content_hash(
    empty_ws: Workspace, long_file
) -> None:
    path = long_file([("2026-01-05", "forum", "followers", 200.0)])
    upload = empty_ws.import_file(EDITOR, path, today=TODAY)
    assert empty_ws.stored_bytes(upload) == path.read_bytes()
    if empty_ws.location.folder:
        assert (empty_ws.location.folder / "files" / f"{upload.sha256}.parquet").exists()
    with pytest.raises(ImportRejected, match=r"already imported as upload #1"):
        empty_ws.import_file(EDITOR, path, today=TODAY)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a parquet file at all", b"PAR1\x00\x00garbage"],
    ids=["empty", "text", "truncated"],
)
def test_a_refused_file_leaves_the_workspace_exactly_as_it_was(
    demo_ws: Workspace, tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(content)
    before = workspace_state(demo_ws)
    with pytest.raises(ImportRejected, match=r"bad\.parquet"):
        demo_ws.import_file(EDITOR, bad, today=TODAY)
    assert workspace_state(demo_ws) == before


def test_a_refused_form_leaves_the_workspace_exactly_as_it_was(demo_ws: Workspace) -> None:
    before = workspace_state(demo_ws)
    with pytest.raises(ValidationError, match="hours"):
        demo_ws.add_assignment(EDITOR, name="Ana", role="support", hours="lots")
    with pytest.raises(ValidationError, match="role"):
        demo_ws.add_assignment(EDITOR, name="Ana", role="astronaut", hours=3)
    with pytest.raises(ValidationError, match="reason"):
        demo_ws.add_override(EDITOR, "instagram", "2026-01-05", "active", "")
    with pytest.raises(ValidationError, match="threshold"):
        bad = gates_to_dict(DEFAULT_GATES)
        bad["to_active"]["criteria"][0]["threshold"] = "fifty"
        demo_ws.set_gates(EDITOR, bad)
    with pytest.raises(ValidationError, match="checklist item"):
        demo_ws.set_checklist(EDITOR, "instagram", "buy_followers", "2026-01-05")
    assert workspace_state(demo_ws) == before


def test_a_viewer_may_not_write(demo_ws: Workspace, long_file) -> None:
    before = workspace_state(demo_ws)
    with pytest.raises(PermissionDenied, match="viewer"):
        demo_ws.add_assignment(VIEWER, name="Eve", role="it", hours=2)
    with pytest.raises(PermissionDenied):
        demo_ws.import_file(
            VIEWER, long_file([("2026-01-05", "forum", "followers", 1.0)]), today=TODAY
        )
    assert workspace_state(demo_ws) == before


def test_adding_a_second_role_makes_a_hybrid_role(empty_ws: Workspace) -> None:
    empty_ws.add_assignment(EDITOR, name="Jonas", role="support", hours=6, available_hours=8)
    member = empty_ws.add_assignment(EDITOR, name="jonas", role="community_manager", hours=4)
    assert member.name == "Jonas"
    assert {r.value for r in member.roles} == {"support", "community_manager"}
    assert member.overloaded  # 10 h assigned, 8 h available


def test_overrides_are_stored_as_overrides_on_the_monday(empty_ws: Workspace) -> None:
    override = empty_ws.add_override(
        EDITOR, " Forum ", "2026-01-08", "retention", "Community moved from the old board"
    )
    assert override.week == dt.date(2026, 1, 5)
    stored = empty_ws.snapshot().overrides
    assert stored == (override,)
    assert stored[0].stage is Stage.RETENTION and stored[0].by == "maya@example.com"


def test_company_profile_round_trips(empty_ws: Workspace) -> None:
    empty_ws.set_company(
        EDITOR,
        CompanyProfile(
            channels=("Direct Marketing", "ecommerce", "retail"),
            integrated=(("ecommerce", "retail"),),
            employees=40,
        ),
    )
    company = empty_ws.snapshot().company
    assert company.channels == ("direct_marketing", "ecommerce", "retail")
    assert company.integrated == (("ecommerce", "retail"),)


def test_removing_a_missing_upload_or_test_says_so(empty_ws: Workspace) -> None:
    with pytest.raises(NotFound, match="upload #9"):
        empty_ws.remove_upload(EDITOR, 9)
    with pytest.raises(NotFound, match="test #9"):
        empty_ws.remove_test(EDITOR, 9)


def test_orphan_files_are_collected_and_never_counted(tmp_path: Path) -> None:
    folder_ws = Workspace.open(tmp_path / "ws", create=True)
    orphan = folder_ws.root / "files" / ("0" * 64 + ".parquet")
    orphan.write_bytes(b"left by a crash")
    assert folder_ws.snapshot().uploads == ()
    assert folder_ws.collect_orphans(min_age_seconds=0) == 1
    assert not orphan.exists()


def test_a_workspace_from_a_newer_app_is_refused_not_damaged(empty_ws: Workspace) -> None:
    execute(
        empty_ws,
        "UPDATE meta SET value = :v WHERE key = 'schema_version'",
        {"v": str(SCHEMA_VERSION + 1)},
    )
    before = workspace_state(empty_ws)
    with pytest.raises(ValidationError, match="newer than this app"):
        Workspace.open(empty_ws.location)
    assert workspace_state(empty_ws) == before


OTHER = Actor("bo@example.com", AccessRole.EDITOR)


def gates_with(weeks_to_advance: int) -> dict[str, Any]:
    """The default gates, but ``weeks_to_advance`` weeks to become active."""
    edited = gates_to_dict(DEFAULT_GATES)
    edited["to_active"]["weeks_to_advance"] = weeks_to_advance
    return edited


def other_gates(ws: Workspace) -> None:
    ws.set_gates(OTHER, gates_with(6))


STALE_SAVES = {
    # table: (someone else's change, this editor's save given what it read)
    "roster": (
        lambda ws: ws.add_assignment(OTHER, name="Bea", role="it", hours=2),
        lambda ws, seen: ws.replace_team(EDITOR, seen.members[1:], expected=seen.members),
    ),
    "company profile": (
        lambda ws: ws.set_company(OTHER, CompanyProfile(("retail",), (), 12)),
        lambda ws, seen: ws.set_company(
            EDITOR, CompanyProfile(("sales",), (), 30), expected=seen.company
        ),
    ),
    "gates": (
        other_gates,
        lambda ws, seen: ws.set_gates(EDITOR, gates_with(5), expected=seen.gates),
    ),
    "resource signal settings": (
        lambda ws: ws.set_demand_settings(OTHER, {"fte_hours": 30}),
        lambda ws, seen: ws.set_demand_settings(EDITOR, {"fte_hours": 35}, expected=seen.demand),
    ),
}


@pytest.mark.parametrize("table", sorted(STALE_SAVES))
def test_a_save_over_a_change_made_since_it_was_read_is_refused(
    demo_ws: Workspace, table: str
) -> None:
    change, save = STALE_SAVES[table]
    seen = demo_ws.snapshot()
    change(demo_ws)
    before = workspace_state(demo_ws)
    with pytest.raises(Conflict, match=f"^{table}: someone else changed the {table}.*reload"):
        save(demo_ws, seen)
    assert workspace_state(demo_ws) == before
    save(demo_ws, demo_ws.snapshot())  # read again: the save goes through


@pytest.mark.parametrize("table", sorted(STALE_SAVES))
def test_an_unrelated_write_does_not_block_a_save(
    demo_ws: Workspace, long_file, table: str
) -> None:
    _, save = STALE_SAVES[table]
    seen = demo_ws.snapshot()
    demo_ws.import_file(EDITOR, long_file([("2026-01-06", "forum", "followers", 1.0)]), today=TODAY)
    demo_ws.set_checklist(OTHER, "youtube", "all", None)
    save(demo_ws, seen)
    assert demo_ws.data_version() == seen.data_version + 3


def test_a_roster_read_in_another_order_is_not_a_conflict(demo_ws: Workspace) -> None:
    seen = demo_ws.snapshot().members
    demo_ws.replace_team(EDITOR, seen, expected=tuple(reversed(seen)))
    assert sorted(m.name for m in demo_ws.snapshot().members) == sorted(m.name for m in seen)


# --- a save that changes nothing writes nothing ---------------------------------------------

Save = Callable[[Workspace, Snapshot], Saved[Any]]


def first_test(seen: Snapshot) -> int:
    return seen.tests[0].id or 0


WHOLE_TABLE_SAVES: dict[str, tuple[Save, Save, str]] = {
    # table: (saving it as it was read, saving a change to it, the change's audit action)
    "roster": (
        lambda ws, seen: ws.replace_team(EDITOR, seen.members, expected=seen.members),
        lambda ws, seen: ws.replace_team(EDITOR, seen.members[1:], expected=seen.members),
        "team.replace",
    ),
    "roster, read in another order": (
        lambda ws, seen: ws.replace_team(
            EDITOR, tuple(reversed(seen.members)), expected=seen.members
        ),
        lambda ws, seen: ws.replace_team(
            EDITOR,
            [dataclasses.replace(seen.members[0], available_hours=1.0), *seen.members[1:]],
            expected=seen.members,
        ),
        "team.replace",
    ),
    "company profile": (
        lambda ws, seen: ws.set_company(EDITOR, seen.company, expected=seen.company),
        lambda ws, seen: ws.set_company(
            EDITOR, dataclasses.replace(seen.company, employees=181), expected=seen.company
        ),
        "company.set",
    ),
    "gates": (
        lambda ws, seen: ws.set_gates(EDITOR, gates_to_dict(seen.gates), expected=seen.gates),
        lambda ws, seen: ws.set_gates(EDITOR, gates_with(5), expected=seen.gates),
        "gates.set",
    ),
    "resource signal settings": (
        lambda ws, seen: ws.set_demand_settings(
            EDITOR, settings_to_dict(seen.demand), expected=seen.demand
        ),
        lambda ws, seen: ws.set_demand_settings(
            EDITOR, {**settings_to_dict(seen.demand), "fte_hours": 38}, expected=seen.demand
        ),
        "demand.set",
    ),
    "what each role serves": (
        lambda ws, seen: ws.set_role_serves(
            EDITOR, serves_to_dict(seen.role_serves), expected=seen.role_serves
        ),
        lambda ws, seen: ws.set_role_serves(
            EDITOR,
            {**serves_to_dict(seen.role_serves), "it": ["monitoring"]},
            expected=seen.role_serves,
        ),
        "team.serves",
    ),
    "hourly rates": (
        lambda ws, seen: ws.set_rates(EDITOR, seen.rates, expected=seen.rates),
        lambda ws, seen: ws.set_rates(
            EDITOR,
            dataclasses.replace(seen.rates, roles={**seen.rates.roles, Role.IT: 99.0}),
            expected=seen.rates,
        ),
        "rates.set",
    ),
    "setup checklist": (
        lambda ws, seen: ws.save_checklist(
            EDITOR, [(c.platform, c.item, c.done_on) for c in seen.checklist]
        ),
        lambda ws, seen: ws.save_checklist(
            EDITOR, [(seen.checklist[0].platform, seen.checklist[0].item, None)]
        ),
        "checklist.set",
    ),
    "onboarding plan": (
        lambda ws, seen: ws.set_plan(EDITOR, "it", None, expected=plan_for(seen.plans, Role.IT)),
        lambda ws, seen: ws.set_plan(
            EDITOR,
            "it",
            [{"day": 30, "title": "Learn the stack"}],
            expected=plan_for(seen.plans, Role.IT),
        ),
        "onboarding.plan",
    ),
    "strategy test": (
        lambda ws, seen: ws.update_test(
            EDITOR, first_test(seen), {"decision": seen.tests[0].decision, "status": "concluded"}
        ),
        lambda ws, seen: ws.update_test(EDITOR, first_test(seen), {"decision": "Roll it out"}),
        "test.update",
    ),
}


@pytest.mark.parametrize("table", sorted(WHOLE_TABLE_SAVES))
def test_saving_a_table_as_it_is_stored_writes_nothing_and_keeps_every_cache(
    demo_ws: Workspace, table: str
) -> None:
    unchanged, _, _ = WHOLE_TABLE_SAVES[table]
    seen = demo_ws.snapshot()
    audited = demo_ws.audit_log()
    before = workspace_state(demo_ws)  # every row, its id and the data version included
    saved = unchanged(demo_ws, seen)
    assert not saved.changed
    assert demo_ws.data_version() == seen.data_version
    assert demo_ws.audit_log() == audited
    assert workspace_state(demo_ws) == before


@pytest.mark.parametrize("table", sorted(WHOLE_TABLE_SAVES))
def test_saving_a_change_to_a_table_is_written_and_audited(demo_ws: Workspace, table: str) -> None:
    _, change, action = WHOLE_TABLE_SAVES[table]
    seen = demo_ws.snapshot()
    saved = change(demo_ws, seen)
    assert saved.changed
    assert demo_ws.data_version() == seen.data_version + 1
    assert demo_ws.audit_log(1)[0].action == action


def test_a_stale_save_of_an_unchanged_roster_is_still_refused(demo_ws: Workspace) -> None:
    seen = demo_ws.snapshot()
    demo_ws.add_assignment(OTHER, name="Bea", role="it", hours=2)
    before = workspace_state(demo_ws)
    with pytest.raises(Conflict, match="someone else changed the roster"):
        demo_ws.replace_team(EDITOR, seen.members, expected=seen.members)
    assert workspace_state(demo_ws) == before


# --- the database failing -----------------------------------------------------------------


def test_a_file_that_is_not_a_workspace_database_is_named_and_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "workspace.sqlite").write_bytes(b"garbage" * 100)
    with pytest.raises(NotAWorkspace, match=r"workspace .*ws: .*is not a workspace database"):
        Workspace.open(root)
    assert (root / "workspace.sqlite").read_bytes() == b"garbage" * 100
    assert isinstance(NotAWorkspace("x"), RolloutError)


@pytest.fixture
def write_lock_held(demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another connection holds the write lock, longer than a (shortened) busy timeout."""
    monkeypatch.setattr(storage_database, "BUSY_TIMEOUT_S", 0.2)
    with hold_write_lock(demo_ws):
        yield


def test_a_long_write_elsewhere_neither_blocks_opening_nor_surfaces_as_locked(
    demo_ws: Workspace, write_lock_held: None
) -> None:
    before = workspace_state(demo_ws)
    ws = Workspace.open(demo_ws.location)  # opening only reads: no lock taken
    assert len(ws.snapshot().members) == 7
    with pytest.raises(WorkspaceBusy, match=r"another write is taking long.*try again"):
        ws.add_assignment(EDITOR, name="Eve", role="it", hours=2)
    assert workspace_state(demo_ws) == before


def fail_audit_insert(ws: Workspace, failure: str) -> Callable[..., None]:
    """An engine hook failing the audit insert (every write's last statement) like a disk."""

    def hook(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO audit"):
            if ws.location.dialect == "sqlite":
                raise sqlite3.OperationalError(failure)
            raise (psycopg.errors.DiskFull if "full" in failure else psycopg.OperationalError)(
                failure
            )

    return hook


FAILING_WRITES: dict[str, Callable[[Workspace], object]] = {
    "add_assignment": lambda ws: ws.add_assignment(EDITOR, name="Eve", role="it", hours=2),
    "replace_team": lambda ws: ws.replace_team(EDITOR, []),
    "set_gates": lambda ws: ws.set_gates(EDITOR, gates_with(5)),
    "add_override": lambda ws: ws.add_override(EDITOR, "forum", "2026-01-05", "active", "why not"),
    "remove_upload": lambda ws: ws.remove_upload(EDITOR, ws.snapshot().uploads[0].id),
}


@pytest.mark.parametrize("failure", ["disk I/O error", "database or disk is full"])
@pytest.mark.parametrize("write", sorted(FAILING_WRITES))
def test_a_failing_disk_is_reported_in_words_and_leaves_nothing_half_written(
    demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch, write: str, failure: str
) -> None:
    before = workspace_state(demo_ws)
    engine = storage_database.engine(demo_ws.location)
    hook = fail_audit_insert(demo_ws, failure)
    event.listen(engine, "before_cursor_execute", hook)
    try:
        with pytest.raises(StorageError, match=re.escape(f"workspace {demo_ws}: ")) as refused:
            FAILING_WRITES[write](demo_ws)
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert "nothing was changed" in str(refused.value)
    assert ("disk is full" in str(refused.value)) == ("full" in failure)
    assert workspace_state(demo_ws) == before


# --- refusals the forms' validation adds ---------------------------------------------------

ADMIN = Actor("admin@example.com", AccessRole.ADMIN)
IN_A_YEAR = dt.date.today() + dt.timedelta(days=400)
REFUSED: dict[str, tuple[Callable[[Workspace], object], type[Exception], str]] = {
    "integrated channel the company lacks": (
        lambda ws: ws.set_company(
            EDITOR, CompanyProfile(("retail",), (("ecommerce", "sales"),), 10)
        ),
        ValidationError,
        r"integrated channels: ecommerce, sales are not among the company's channels \(retail\)",
    ),
    "integrated group of one": (
        lambda ws: ws.set_company(EDITOR, CompanyProfile(("retail",), (("retail",),), 10)),
        ValidationError,
        "integrated channels: a group is two or more channels",
    ),
    "integrated group of one, spelled twice": (
        lambda ws: ws.set_company(
            EDITOR, CompanyProfile(("retail",), (("retail", " Retail "),), 10)
        ),
        ValidationError,
        "integrated channels: a group is two or more channels",
    ),
    "override reason too long": (
        lambda ws: ws.add_override(EDITOR, "forum", "2026-01-05", "active", "y" * 1001),
        ValidationError,
        "reason: expected at most 1,000 characters, got 1,001",
    ),
    "override reason blank": (
        lambda ws: ws.add_override(EDITOR, "forum", "2026-01-05", "active", " \t\n "),
        ValidationError,
        "reason: an override needs a reason",
    ),
    "override reason invisible": (
        lambda ws: ws.add_override(EDITOR, "forum", "2026-01-05", "active", "ok\x00fine why"),
        ValidationError,
        "reason: expected printable text",
    ),
    "override week before 1990": (
        lambda ws: ws.add_override(EDITOR, "forum", "0001-01-01", "active", "because"),
        ValidationError,
        "week: 01 Jan 0001 is before 01 Jan 1990",
    ),
    "override week years ahead": (
        lambda ws: ws.add_override(EDITOR, "forum", IN_A_YEAR, "active", "because"),
        ValidationError,
        "week: .* is more than a year from today",
    ),
    "checklist date before 1990": (
        lambda ws: ws.set_checklist(EDITOR, "forum", "tools_chosen", "1989-12-31"),
        ValidationError,
        "done on: 31 Dec 1989 is before 01 Jan 1990",
    ),
    "checklist date in the future": (
        lambda ws: ws.set_checklist(EDITOR, "forum", "tools_chosen", IN_A_YEAR),
        ValidationError,
        "done on: .* is in the future",
    ),
    "test started before 1990": (
        lambda ws: ws.log_test(EDITOR, {**A_TEST, "start": "0001-01-01"}),
        ValidationError,
        "start: 01 Jan 0001 is before 01 Jan 1990",
    ),
    "test with an unknown field": (
        lambda ws: ws.log_test(EDITOR, {**A_TEST, "bogus": 1, "colour": "red"}),
        ValidationError,
        "test: unknown field.*'bogus', 'colour'",
    ),
    "test with a field missing": (
        lambda ws: ws.log_test(EDITOR, {k: v for k, v in A_TEST.items() if k != "metric"}),
        ValidationError,
        "test: missing field.*metric",
    ),
    "e-mail only @": (
        lambda ws: ws.set_user_role(ADMIN, "@", "viewer"),
        ValidationError,
        "e-mail: expected an address",
    ),
    "e-mail with spaces": (
        lambda ws: ws.set_user_role(ADMIN, "a b@c d", "viewer"),
        ValidationError,
        "e-mail: expected an address",
    ),
    "e-mail without a dotted domain": (
        lambda ws: ws.set_user_role(ADMIN, "ana@localhost", "viewer"),
        ValidationError,
        "e-mail: expected an address",
    ),
    "e-mail with two @": (
        lambda ws: ws.set_user_role(ADMIN, "ana@b@example.com", "viewer"),
        ValidationError,
        "e-mail: expected an address",
    ),
    "e-mail without a local part": (
        lambda ws: ws.set_user_role(ADMIN, "@example.com", "viewer"),
        ValidationError,
        "e-mail: expected an address",
    ),
    "huge test id": (lambda ws: ws.remove_test(EDITOR, 10**30), NotFound, "test #10+ does not"),
    "huge upload id": (
        lambda ws: ws.remove_upload(EDITOR, 2**63),
        NotFound,
        "upload #9223372036854775808 does not exist",
    ),
    "test id as text": (
        lambda ws: ws.remove_test(EDITOR, "1"),  # type: ignore[arg-type]
        ValidationError,
        "test id: expected a whole number",
    ),
    "roster that is not a list": (
        lambda ws: ws.replace_team(EDITOR, None),  # type: ignore[arg-type]
        ValidationError,
        "team: expected a list of people",
    ),
    "import of nothing": (
        lambda ws: ws.import_file(EDITOR, None),  # type: ignore[arg-type]
        ImportRejected,
        "expected the path of a metrics file",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refused_write_names_the_problem_and_stores_nothing(
    demo_read: Workspace, case: str
) -> None:
    write, error, message = REFUSED[case]
    before = workspace_state(demo_read)
    with pytest.raises(error, match=message):
        write(demo_read)
    assert workspace_state(demo_read) == before


def test_well_formed_values_next_to_the_refused_ones_are_stored(empty_ws: Workspace) -> None:
    empty_ws.set_company(
        EDITOR, CompanyProfile(("retail", "ecommerce", "Retail"), (("Retail", "ecommerce"),), 9)
    )
    assert empty_ws.snapshot().company == CompanyProfile(
        ("retail", "ecommerce"), (("retail", "ecommerce"),), 9
    )
    empty_ws.add_override(EDITOR, "forum", "1990-01-01", "active", "x" * 1000)
    assert empty_ws.snapshot().overrides[0].reason == "x" * 1000
    empty_ws.set_user_role(ADMIN, " Ana.Lima+social@Example.co.uk ", "editor")
    assert empty_ws.user_roles() == {"ana.lima+social@example.co.uk": "editor"}


# --- what the audit log says ------------------------------------------------------------------


def last_audit(ws: Workspace) -> str:
    entry = ws.audit_log(1)[0]
    return f"{entry.action}: {entry.detail}"


def test_a_roster_save_is_audited_with_who_was_added_removed_and_changed(
    demo_ws: Workspace,
) -> None:
    members = list(demo_ws.snapshot().members)
    chen = next(m for m in members if m.name == "Chen Li")
    maya = next(i for i, m in enumerate(members) if m.name == "Maya Okafor")
    members[maya] = Member("Maya Okafor", 20.0, members[maya].assignments)
    members = [m for m in members if m is not chen]
    demo_ws.replace_team(EDITOR, [*members, Member("Bea", 4.0, (Assignment(Role.IT, 2.0),))])
    assert last_audit(demo_ws) == (
        "team.replace: 7 people: added Bea; removed Chen Li; changed Maya Okafor"
    )
    audited = demo_ws.audit_log()
    demo_ws.replace_team(EDITOR, demo_ws.snapshot().members)
    assert demo_ws.audit_log() == audited


def test_logging_a_test_is_audited_with_its_id(empty_ws: Workspace) -> None:
    test = empty_ws.log_test(EDITOR, A_TEST)
    assert last_audit(empty_ws) == f"test.log: #{test.id} new: Questions"


RUNNING = {**A_TEST, "status": "running", "end": "2026-12-31"}


def test_a_running_tests_counts_and_status_are_updated_and_audited_change_by_change(
    empty_ws: Workspace,
) -> None:
    test = empty_ws.log_test(EDITOR, RUNNING)
    updated = empty_ws.update_test(
        EDITOR, test.id or 0, {"variant_n": "150", "variant_successes": 31, "status": "running"}
    ).value
    assert (updated.variant_n, updated.variant_successes) == (150, 31)
    assert empty_ws.snapshot().tests == (updated,)
    assert last_audit(empty_ws) == (
        f"test.update: #{test.id} Questions: variant_n 100 -> 150, variant_successes 20 -> 31"
    )
    empty_ws.update_test(EDITOR, test.id or 0, {"end": "2026-11-20", "status": "concluded"})
    assert last_audit(empty_ws).endswith(
        "end '2026-12-31' -> '2026-11-20', status 'running' -> 'concluded'"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"variant_n": 500},
            r"test #\d+ is concluded: its counts and end are final \(asked to change variant_n\)",
        ),
        ({"title": "New"}, r"test update: 'title' cannot change"),
        ({"variant_successes": 500}, r"variant successes: expected at most variant exposures"),
        ({"status": "done"}, r"status: expected"),
    ],
    ids=["concluded counts", "title", "more successes than exposures", "status"],
)
def test_an_update_that_breaks_a_rule_is_refused_and_changes_nothing(
    empty_ws: Workspace, changes: dict[str, object], message: str
) -> None:
    test = empty_ws.log_test(EDITOR, A_TEST)
    before = workspace_state(empty_ws)
    with pytest.raises(ValidationError, match=message):
        empty_ws.update_test(EDITOR, test.id or 0, changes)
    assert workspace_state(empty_ws) == before


def test_a_concluded_test_may_be_reopened_and_its_decision_changed(empty_ws: Workspace) -> None:
    test = empty_ws.log_test(EDITOR, A_TEST)
    empty_ws.update_test(EDITOR, test.id or 0, {"decision": "Roll it out"})
    reopened = empty_ws.update_test(
        EDITOR, test.id or 0, {"status": "running", "variant_n": 120}
    ).value
    assert (reopened.status.value, reopened.variant_n, reopened.decision) == (
        "running",
        120,
        "Roll it out",
    )


def test_a_test_with_the_title_platform_and_start_of_a_logged_one_is_refused_naming_it(
    empty_ws: Workspace,
) -> None:
    first = empty_ws.log_test(EDITOR, A_TEST)
    before = workspace_state(empty_ws)
    with pytest.raises(
        ValidationError,
        match=rf"'QUESTIONS' on instagram starting 2026-01-05 is already logged as test "
        rf"#{first.id} \(Questions\)",
    ):
        empty_ws.log_test(EDITOR, {**A_TEST, "title": " QUESTIONS ", "variant_n": 300})
    assert workspace_state(empty_ws) == before
    empty_ws.log_test(EDITOR, {**A_TEST, "start": "2026-01-06"})  # another start: another test
    assert len(empty_ws.snapshot().tests) == 2


def test_a_running_test_past_its_end_is_flagged_in_the_report(empty_ws: Workspace) -> None:
    empty_ws.log_test(EDITOR, {**RUNNING, "end": "2026-11-20"})
    (on_time,) = report_dict(analyse(empty_ws.snapshot(), dt.date(2026, 11, 20)))["tests"]
    (late,) = report_dict(analyse(empty_ws.snapshot(), dt.date(2026, 11, 21)))["tests"]
    assert (on_time["overdue"], late["overdue"]) == (False, True)
    assert "Questions [running] (still running past its end)" in report_text(
        analyse(empty_ws.snapshot(), dt.date(2026, 11, 21))
    )


def test_a_gate_edit_is_audited_with_the_gate_and_what_changed(empty_ws: Workspace) -> None:
    edited = gates_to_dict(DEFAULT_GATES)
    edited["to_active"]["weeks_to_advance"] = 6
    edited["to_active"]["criteria"][0]["threshold"] = 999
    empty_ws.set_gates(EDITOR, edited)
    assert last_audit(empty_ws) == "gates.set: retention -> active: criteria, weeks to advance"
    empty_ws.set_gates(EDITOR, DEFAULT_GATES)
    assert last_audit(empty_ws) == "gates.set: retention -> active: criteria, weeks to advance"
    edited = gates_to_dict(DEFAULT_GATES)
    edited["to_retention"]["requires_checklist"] = False
    empty_ws.set_gates(EDITOR, edited)
    assert last_audit(empty_ws) == "gates.set: setup -> retention: requires checklist"


@pytest.mark.parametrize(
    ("platform", "message"),
    [
        ("p" * 6000, "is 6,000 characters long; expected a name of at most 100"),
        ("\u202eabc", "contains the invisible character U\\+202E"),
        ("insta\x00gram", "contains the invisible character U\\+0000"),
        ("   ", "platform: expected a platform name"),
    ],
)
def test_a_checklist_or_override_platform_follows_the_platform_name_rule(
    demo_ws: Workspace, platform: str, message: str
) -> None:
    before = workspace_state(demo_ws)
    with pytest.raises(ValidationError, match=message):
        demo_ws.set_checklist(EDITOR, platform, "all", None)
    with pytest.raises(ValidationError, match=message):
        demo_ws.add_override(EDITOR, platform, "2026-01-05", "active", "because")
    assert workspace_state(demo_ws) == before


def test_a_composed_and_a_decomposed_name_are_one_platform(empty_ws: Workspace) -> None:
    empty_ws.set_checklist(EDITOR, "Jose\u0301 TV", "tools_chosen", "2026-01-05")
    empty_ws.set_checklist(EDITOR, "JOSÉ tv", "platforms_optimised", "2026-01-05")
    assert {i.platform for i in empty_ws.snapshot().checklist} == {"josé_tv"}


def test_a_checklist_save_is_one_write_that_stores_every_item_or_none(demo_ws: Workspace) -> None:
    before = workspace_state(demo_ws)
    with pytest.raises(ValidationError, match=r"done on: .* is in the future"):
        demo_ws.save_checklist(
            EDITOR,
            [
                ("tiktok", "tools_chosen", "2026-01-05"),
                ("tiktok", "key_metrics_defined", IN_A_YEAR),
            ],
        )
    assert workspace_state(demo_ws) == before
    version = demo_ws.data_version()
    demo_ws.save_checklist(
        EDITOR,
        [("tiktok", "tools_chosen", "2026-01-05"), ("tiktok", "key_metrics_defined", None)],
    )
    assert demo_ws.data_version() == version + 1
    assert last_audit(demo_ws) == (
        "checklist.set: tiktok: key_metrics_defined = None; tiktok: tools_chosen = 2026-01-05"
    )


def test_a_folder_in_the_users_home_is_named_from_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert str(parse_location(tmp_path / "acme-rollout")) == "~/acme-rollout"
    assert str(parse_location("/srv/rollout")) == "/srv/rollout"
