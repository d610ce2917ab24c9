"""The Stages page, headless: checklist, gate and override edits change the dashboard; each
platform's tab says how far its data reaches and what it never measures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Tab

from strategy.domain.access import AccessRole, Actor
from strategy.domain.analysis import analyse
from strategy.domain.gates import DEFAULT_GATES, gates_to_dict
from strategy.domain.numbers import plain_number
from strategy.domain.partial_weeks import gate_inputs
from strategy.storage import database as storage_database
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, VIEWER, open_page, workspace_state
from tests.engines import write_lock_held
from tests.pages import click, type_day
from ui import session

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "2_Stages.py")
DASHBOARD = str(ROOT / "app.py")


@pytest.fixture
def root(app_ws: Workspace) -> str:
    """A private copy of the demo workspace, opened by the app on the tests' today."""
    return app_ws.location.key


def run(page: str) -> AppTest:
    return open_page(page)


def dashboard_stages() -> dict[str, str]:
    """What the dashboard's stage cards say: overall and per platform."""
    return {m.label: m.value for m in run(DASHBOARD).metric if m.label != "Gap"}


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def save_active_members_threshold(at: AppTest, threshold: float) -> None:
    """Edit the first retention -> active criterion (active_members) as the browser would, save."""
    at.session_state["gate_to_active_criteria"] = {
        "edited_rows": {0: {"threshold": threshold}},
        "added_rows": [],
        "deleted_rows": [],
    }
    click(at, key="gates_save")


@pytest.fixture
def root_read(app_read: Workspace) -> str:
    """The shared demo copy, opened by the app, for a test that only reads."""
    return app_read.location.key


def test_the_page_shows_stages_checklists_history_and_audit_log(root_read: str) -> None:
    at = run(PAGE)
    assert [t.label for t in at.tabs] == ["forum", "instagram", "linkedin", "tiktok"]
    cards = [(m.label, m.value) for m in at.metric]
    assert ("Stage", "Active") in cards and ("Setup checklist", "2 of 4 done") in cards
    assert any("forum has stalled" in w.value for w in at.warning)
    history = table_with(at, "kind")
    assert set(history["platform"]) >= {"instagram", "linkedin", "forum"}
    assert set(history["kind"]) == {"measured"}
    assert "setup checklist complete" in set(table_with(at, "met")["metric"])
    audit = table_with(at, "what")
    assert audit["what"].str.startswith("demo imported ").any()
    gate_rows = [e.value for e in at.data_editor]
    assert gate_rows[1]["threshold"].tolist() == [50.0, 0.25, 0.5, 0.01]


def test_ticking_tiktoks_remaining_items_completes_its_checklist(root: str) -> None:
    before = analyse(Workspace(root).snapshot(), TODAY).statuses["tiktok"]
    assert not before.checklist_complete

    at = run(PAGE)
    at.checkbox(key="cl_tiktok_key_metrics_defined_done").check()
    type_day(at, "cl_tiktok_key_metrics_defined_on", dt.date(2026, 10, 5))
    at.checkbox(key="cl_tiktok_launch_content_created_done").check()
    type_day(at, "cl_tiktok_launch_content_created_on", dt.date(2026, 10, 12))
    click(at, key="cl_tiktok_save")

    assert not at.exception and not at.error
    assert (
        "tiktok: checklist saved: Key metrics defined done on 05 Oct 2026; "
        "Launch content created done on 12 Oct 2026." in at.success[0].value
    )
    assert ("Setup checklist", "4 of 4 done") in [(m.label, m.value) for m in at.tabs[3].metric]
    done = {
        i.item: i.done_on for i in Workspace(root).snapshot().checklist if i.platform == "tiktok"
    }
    assert done["key_metrics_defined"] == dt.date(2026, 10, 5)
    assert done["launch_content_created"] == dt.date(2026, 10, 12)
    assert analyse(Workspace(root).snapshot(), TODAY).statuses["tiktok"].checklist_complete


def test_clearing_an_item_keeps_instagram_in_setup_on_the_dashboard(root: str) -> None:
    assert analyse(Workspace(root).snapshot(), TODAY).statuses["instagram"].stage.value == "active"

    at = run(PAGE)
    at.checkbox(key="cl_instagram_tools_chosen_done").uncheck()
    click(at, key="cl_instagram_save")

    assert not at.exception and not at.error
    stages = dashboard_stages()
    assert stages["instagram"] == "Setup"
    assert stages["Overall stage"] == "Retention"


def test_raising_the_active_members_threshold_takes_instagram_out_of_active(root: str) -> None:
    at = run(PAGE)
    save_active_members_threshold(at, 100000)

    assert not at.exception and not at.error
    was = plain_number(DEFAULT_GATES.to_active.criteria[0].threshold)
    assert at.success[0].value == (
        f"Gates saved: Retention → Active: active members ≥ {was} -> ≥ 100,000; stages recomputed."
    )
    assert at.data_editor[1].value["threshold"].iloc[0] == 100000
    assert Workspace(root).snapshot().gates.to_active.criteria[0].threshold == 100000
    stages = dashboard_stages()
    assert stages["instagram"] != "Active"
    assert stages["Overall stage"] == "Retention"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({1: {"threshold": None}}, "gate retention -> active, criterion 2: threshold"),
        ({0: {"metric": "returning_share"}}, "each metric may appear only once"),
    ],
)
def test_an_invalid_gate_edit_shows_the_error_and_stores_nothing(
    root: str, edit: dict[int, dict[str, object]], message: str
) -> None:
    at = run(PAGE)
    before = workspace_state(root)
    at.session_state["gate_to_active_criteria"] = {
        "edited_rows": edit,
        "added_rows": [],
        "deleted_rows": [],
    }
    click(at, key="gates_save")

    assert not at.exception
    assert message in at.error[0].value
    assert not at.success
    assert workspace_state(root) == before


def test_restoring_the_default_gates_undoes_an_edit(root: str) -> None:
    changed = gates_to_dict(DEFAULT_GATES)
    changed["to_active"]["weeks_to_advance"] = 9
    Workspace(root).set_gates(EDITOR, changed)

    at = run(PAGE)
    assert at.number_input(key="gate_to_active_advance").value == 9
    click(at, key="gates_restore")

    assert not at.exception
    assert (
        at.success[0].value
        == "Default gates restored: Retention → Active: weeks to advance 9 -> 4."
    )
    assert Workspace(root).snapshot().gates == DEFAULT_GATES
    assert at.number_input(key="gate_to_active_advance").value == 4


def test_an_override_shows_on_the_dashboard_and_in_the_history_as_override(root: str) -> None:
    latest = analyse(Workspace(root).snapshot(), TODAY).latest_week
    assert latest is not None
    at = run(PAGE)
    at.selectbox(key="override_platform").set_value("linkedin")
    type_day(at, "override_week", latest)
    at.selectbox(key="override_stage").set_value("active")
    at.text_area(key="override_reason").input("Launch campaign: members answer each other now")
    click(at, key="override_add")

    assert not at.exception and not at.error
    history = table_with(at, "kind")
    row = history[history["platform"] == "linkedin"].iloc[0]
    assert (row["to"], row["kind"]) == ("active", "✋ override")
    assert row["why"] == "Launch campaign: members answer each other now"
    assert dashboard_stages()["linkedin"] == "Active"


def test_an_override_without_a_reason_is_refused_and_stores_nothing(root: str) -> None:
    at = run(PAGE)
    before = workspace_state(root)
    at.selectbox(key="override_platform").set_value("linkedin")
    at.selectbox(key="override_stage").set_value("active")
    click(at, key="override_add")

    assert "reason" in at.error[0].value
    assert workspace_state(root) == before


def test_a_new_platform_gets_an_open_checklist_tab(root: str) -> None:
    at = run(PAGE)
    at.text_input(key="new_platform_name").input("  YouTube ")
    click(at, key="new_platform_add")

    assert not at.exception and not at.error
    assert "youtube" in [t.label for t in at.tabs]
    youtube = [i for i in Workspace(root).snapshot().checklist if i.platform == "youtube"]
    assert len(youtube) == 4 and all(i.done_on is None for i in youtube)

    at.text_input(key="new_platform_name").input("Instagram")
    click(at, key="new_platform_add")
    assert "instagram is already listed" in at.error[0].value


WRITE_WIDGETS = (
    "button",
    "checkbox",
    "toggle",
    "date_input",
    "time_input",
    "data_editor",
    "text_input",
    "text_area",
    "number_input",
    "selectbox",
    "multiselect",
    "radio",
    "slider",
    "select_slider",
)
"""Every kind of widget a person could change something with, enabled or not."""


def write_widgets(at: AppTest) -> dict[str, int]:
    return {kind: len(at.get(kind)) for kind in WRITE_WIDGETS if at.get(kind)}


def test_a_viewer_sees_stages_checklists_and_gates_as_text_with_no_write_widget(
    root_read: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = write_widgets(run(PAGE))  # the same page for an editor: the query finds them
    assert {"button", "checkbox", "text_input", "data_editor"} <= set(editor)
    assert editor["checkbox"] >= 16

    monkeypatch.setattr(session, "actor", lambda: VIEWER)
    at = run(PAGE)
    assert write_widgets(at) == {}
    assert [t.label for t in at.tabs] == ["forum", "instagram", "linkedin", "tiktok"]
    tiktok = next(d.value for d in at.tabs[3].dataframe if "done on" in d.value.columns)
    assert len(tiktok) == 4 and tiktok["done on"].notna().sum() == 2
    assert ("Setup checklist", "2 of 4 done") in [(m.label, m.value) for m in at.tabs[3].metric]
    gate_tables = [
        d for d in at.dataframe if list(d.value.columns) == ["metric", "comparison", "threshold"]
    ]
    assert len(gate_tables) == 2
    assert table_with(at, "what") is not None  # the audit log is shown to viewers too


OTHER_EDITOR = Actor("bo@example.com", AccessRole.EDITOR)


def test_saving_gates_over_someone_elses_change_is_refused_and_keeps_it(root: str) -> None:
    at = run(PAGE)  # this editor opens the page ...
    theirs = gates_to_dict(DEFAULT_GATES)
    theirs["to_active"]["weeks_to_advance"] = 7
    Workspace(root).set_gates(OTHER_EDITOR, theirs)  # ... another changes a gate
    save_active_members_threshold(at, 100000)

    assert not at.exception and not at.success
    assert "someone else changed the gates since this page was opened" in at.error[0].value
    stored = Workspace(root).snapshot().gates.to_active
    assert stored.weeks_to_advance == 7 and stored.criteria[0].threshold != 100000
    assert at.number_input(key="gate_to_active_advance").value == 7  # shows their version


def test_restoring_defaults_over_someone_elses_change_is_refused(root: str) -> None:
    at = run(PAGE)
    theirs = gates_to_dict(DEFAULT_GATES)
    theirs["to_retention"]["weeks_to_fall_back"] = 9
    Workspace(root).set_gates(OTHER_EDITOR, theirs)
    click(at, key="gates_restore")

    assert "someone else changed the gates" in at.error[0].value
    assert Workspace(root).snapshot().gates.to_retention.weeks_to_fall_back == 9


def test_a_long_write_elsewhere_shows_try_again_not_a_traceback(
    root: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    monkeypatch.setattr(storage_database, "BUSY_TIMEOUT_S", 0.2)
    st.cache_resource.clear()  # the page opens the workspace while the lock is held
    before = workspace_state(root)
    with write_lock_held(Workspace(root)):  # e.g. a long import in another session
        at = run(PAGE)
        at.selectbox(key="override_platform").set_value("linkedin")
        at.text_area(key="override_reason").input("Launch campaign went well")
        click(at, key="override_add")
        assert not at.exception and not at.success
        assert "another write is taking long" in at.error[0].value
    assert workspace_state(root) == before


# --- what each platform's data says -------------------------------------------------------


def tab(at: AppTest, platform: str) -> Tab:
    return next(t for t in at.tabs if t.label == platform)


def notes(at: AppTest, platform: str, kind: str) -> list[str]:
    """The info or warning texts in one platform's tab."""
    where = tab(at, platform)
    shown = where.info if kind == "info" else where.warning
    return [e.value for e in shown]


def test_tiktoks_tab_names_the_gate_metrics_tiktok_never_reports(root_read: str) -> None:
    at = run(PAGE)
    unmeasured = [w for w in notes(at, "tiktok", "warning") if "not measured on" in w]
    assert unmeasured == [
        "active members, brand posts, engagement rate, member activity share, returning share "
        "not measured on tiktok"
    ]
    for other in ("forum", "instagram", "linkedin"):  # they report every gate metric
        assert not any("not measured" in w for w in notes(at, other, "warning"))
    assert not notes(at, "tiktok", "info")  # every platform's data reaches the same week


def test_a_platform_ahead_of_the_others_shows_the_lag_and_its_week_in_progress(
    root: str, long_file: Callable[..., Path]
) -> None:
    path = long_file(  # forum: the week of 16 Nov in full and the first day of the next one,
        [  # every metric its gates read (a week lacking one is partly reported, not ahead)
            ((dt.date(2026, 11, 16) + dt.timedelta(days=d)).isoformat(), "forum", metric, 500)
            for d in range(8)
            for metric in sorted(gate_inputs(DEFAULT_GATES))
        ]
    )
    Workspace(root).import_file(EDITOR, path, today=TODAY)

    at = run(PAGE)
    assert notes(at, "forum", "info") == ["week of 23 Nov 2026 in progress, not counted"]
    for other in ("instagram", "linkedin", "tiktok"):
        assert notes(at, other, "info") == ["data to week of 09 Nov 2026, 1 week behind"]
    assert sum("not measured on tiktok" in w for w in notes(at, "tiktok", "warning")) == 1


# --- overrides: until a date, and removed ---------------------------------------------------


def record_override(at: AppTest, platform: str, week: dt.date, until: dt.date | None) -> None:
    at.selectbox(key="override_platform").set_value(platform)
    type_day(at, "override_week", week)
    if until is not None:
        type_day(at, "override_until", until)
    at.selectbox(key="override_stage").set_value("active")
    at.text_area(key="override_reason").input("Launch campaign: members answer each other now")
    click(at, key="override_add")


def test_an_override_with_an_until_date_is_listed_with_it(root: str) -> None:
    at = run(PAGE)
    record_override(at, "linkedin", dt.date(2026, 11, 2), dt.date(2026, 11, 12))

    assert not at.exception and not at.error
    assert "through the week of 12 Nov 2026" in at.success[0].value
    (stored,) = Workspace(root).snapshot().overrides
    assert (stored.week, stored.until) == (dt.date(2026, 11, 2), dt.date(2026, 11, 12))
    listed = table_with(at, "until")
    assert list(listed.columns) == ["id", "platform", "from week", "until", "stage", "reason", "by"]
    row = listed.iloc[0]
    assert (row["id"], row["platform"], row["until"], row["stage"]) == (
        stored.id,
        "linkedin",
        "12 Nov 2026",
        "active",
    )
    assert row["by"] == stored.by and row["by"]
    assert at.text_input(key="override_until").value == ""  # the form is cleared


@pytest.mark.parametrize(
    ("save", "emptied"),
    [
        ("new_platform", {"new_platform_name": ""}),
        ("override", {"override_reason": "", "override_until": ""}),
    ],
)
def test_a_saved_stages_form_is_emptied_in_the_browser_too(
    root: str, save: str, emptied: dict[str, object]
) -> None:
    at = run(PAGE)
    if save == "new_platform":
        at.text_input(key="new_platform_name").input("YouTube")
        click(at, key="new_platform_add")
    else:
        record_override(at, "linkedin", dt.date(2026, 11, 2), dt.date(2026, 11, 12))

    assert not at.error and len(at.success) == 1
    for key, empty in emptied.items():
        box = next(w for w in at.main if getattr(w, "key", None) == key)
        # set by the page: only a value set reaches the browser, which else keeps what was typed
        assert (box.value, box.proto.set_value) == (empty, True)


def test_an_override_without_an_until_date_is_listed_as_until_removed(root: str) -> None:
    at = run(PAGE)
    record_override(at, "linkedin", dt.date(2026, 11, 2), None)

    assert "until removed" in at.success[0].value
    assert Workspace(root).snapshot().overrides[0].until is None
    assert list(table_with(at, "until")["until"]) == ["until removed"]


def test_an_override_ending_before_it_starts_is_refused_and_stores_nothing(root: str) -> None:
    at = run(PAGE)
    before = workspace_state(root)
    record_override(at, "linkedin", dt.date(2026, 11, 9), dt.date(2026, 11, 1))

    assert not at.success
    assert "until: 01 Nov 2026 is before the override starts" in at.error[0].value
    assert workspace_state(root) == before


def test_removing_an_override_through_the_page_removes_it_and_audits_it(root: str) -> None:
    latest = analyse(Workspace(root).snapshot(), TODAY).latest_week
    assert latest is not None
    ws = Workspace(root)
    keep = ws.add_override(EDITOR, "forum", latest, "active", "Moderators took over")
    gone = ws.add_override(EDITOR, "linkedin", latest, "active", "Launch campaign went well")

    at = run(PAGE)
    assert set(table_with(at, "until")["id"]) == {keep.id, gone.id}
    assert table_with(at, "kind").query("platform == 'linkedin'").iloc[0]["kind"] == "✋ override"
    at.selectbox(key="override_remove_pick").set_value(gone.id)
    click(at, key="override_remove")

    assert not at.exception and not at.error
    assert f"Override #{gone.id} removed" in at.success[0].value
    assert [o.id for o in Workspace(root).snapshot().overrides] == [keep.id]
    entry = Workspace(root).audit_log()[0]
    assert (entry.action, entry.actor) == ("stage.override.remove", session.actor().name)
    assert f"#{gone.id}: linkedin -> active" in entry.detail
    assert list(table_with(at, "until")["id"]) == [keep.id]
    history = table_with(at, "kind")
    assert "✋ override" not in set(history.loc[history["platform"] == "linkedin", "kind"])
    assert dashboard_stages()["linkedin"] == "Retention"  # the gates decide again


def test_removing_an_override_someone_else_removed_meanwhile_shows_it_gone(root: str) -> None:
    latest = analyse(Workspace(root).snapshot(), TODAY).latest_week
    assert latest is not None
    override = Workspace(root).add_override(
        EDITOR, "linkedin", latest, "active", "Launch went well"
    )
    at = run(PAGE)
    at.selectbox(key="override_remove_pick").set_value(override.id)
    Workspace(root).remove_override(EDITOR, override.id or 0)  # another session removes it
    click(at, key="override_remove")

    assert not at.exception and not at.error and not at.success
    assert not Workspace(root).snapshot().overrides
    assert not any("until" in d.value.columns for d in at.dataframe)  # no list, no form
    assert all(b.key != "override_remove" for b in at.button)


def test_a_viewer_sees_the_overrides_but_no_way_to_remove_one(
    root: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    latest = analyse(Workspace(root).snapshot(), TODAY).latest_week
    assert latest is not None
    override = Workspace(root).add_override(
        EDITOR, "linkedin", latest, "active", "Launch went well", until=latest
    )
    monkeypatch.setattr(session, "actor", lambda: VIEWER)
    at = run(PAGE)

    assert write_widgets(at) == {}
    listed = table_with(at, "until")
    assert list(listed["id"]) == [override.id]
    assert list(listed["until"]) == [f"{latest:%d %b %Y}"]
