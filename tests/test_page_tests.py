"""The Tests page, driven headless: log a test, read its statistics, change or remove it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from strategy.experiments import TestStatus
from strategy.storage import Workspace
from tests.conftest import VIEWER, open_page
from ui import session

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/3_Tests.py"
FORM = "test_form_"

SHORT_VIDEOS: dict[str, Any] = {
    "title": "Short videos instead of photos",
    "platform": "instagram",
    "metric": "save rate",
    "control_n": 2000,
    "control_successes": 60,
    "variant_n": 2000,
    "variant_successes": 130,
    "start": dt.date(2026, 1, 5),
    "end": dt.date(2026, 2, 1),
    "status": "concluded",
}


@pytest.fixture
def ws(app_ws: Workspace) -> Workspace:
    """The app opened on a private copy of the demo workspace."""
    return app_ws


def run(page: str = PAGE) -> AppTest:
    return open_page(page)


def click(at: AppTest, label: str) -> AppTest:
    buttons = [*at.button, *at.form_submit_button]
    next(b for b in buttons if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill_form(at: AppTest, fields: dict[str, Any]) -> AppTest:
    """Type a test into the form; numbers, dates and choices into their own widgets."""
    for name, value in fields.items():
        key = f"{FORM}{name}"
        if name in ("control_n", "control_successes", "variant_n", "variant_successes"):
            at.number_input(key=key).set_value(value)
        elif name in ("start", "end"):
            at.date_input(key=key).set_value(value)
        elif name in ("platform", "status"):
            at.selectbox(key=key).set_value(value)
        elif name in ("hypothesis", "decision"):
            at.text_area(key=key).set_value(value)
        else:
            at.text_input(key=key).set_value(value)
    return at


def listed_tests(at: AppTest) -> list[dict[str, Any]]:
    table = next(d.value for d in at.dataframe if "p-value" in d.value.columns)
    return list(table.to_dict("records"))


def concluded_on_dashboard() -> list[str]:
    app = run("app.py")
    return [m.value for m in app.markdown if m.value.startswith("- **")]


def test_the_page_lists_the_demo_tests_with_statistics_and_conclusions(ws: Workspace) -> None:
    at = run()
    table = listed_tests(at)
    assert [r["status"] for r in table] == ["concluded", "concluded", "running", "planned"]
    first = table[0]
    assert first["title"] == "Questions instead of product shots"
    assert first["control rate %"] == pytest.approx(4.0)
    assert first["lift (points)"] == pytest.approx(2.096, abs=1e-3)
    assert first["95% CI low"] < first["lift (points)"] < first["95% CI high"]
    assert first["significant"] is True and first["p-value"] < 0.05
    assert table[3]["warning"] == "no data yet"
    words = [m.value for m in at.markdown if "**Questions instead of product shots**" in m.value]
    assert len(words) == 1
    assert "lifted reply rate by 2.1 points" in words[0]
    assert "likely to be better; enough data." in words[0]


def test_a_logged_significant_test_shows_in_the_list_and_on_the_dashboard(
    ws: Workspace,
) -> None:
    at = fill_form(run(), SHORT_VIDEOS)
    click(at, "Log the test")
    assert not at.error
    assert [s.value for s in at.success] == ["Logged test #5: Short videos instead of photos."]
    row = listed_tests(at)[-1]
    assert (row["title"], row["status"], row["significant"]) == (
        "Short videos instead of photos",
        "concluded",
        True,
    )
    assert row["lift (points)"] == pytest.approx(3.5)
    # the form is empty again, ready for the next test
    assert at.text_input(key=f"{FORM}title").value == ""
    dashboard = concluded_on_dashboard()
    assert any(
        line.startswith("- **Short videos instead of photos** (instagram): Variant B lifted")
        for line in dashboard
    )


def test_a_test_with_more_successes_than_exposures_is_refused_and_nothing_is_stored(
    ws: Workspace,
) -> None:
    version = ws.data_version()
    at = fill_form(run(), {**SHORT_VIDEOS, "variant_successes": 2500})
    click(at, "Log the test")
    assert len(at.error) == 1
    assert "variant successes: expected at most variant exposures (2,000), got 2,500" in (
        at.error[0].value
    )
    assert ws.data_version() == version
    assert len(ws.snapshot().tests) == 4
    # what was typed stays, so it can be corrected
    assert at.text_input(key=f"{FORM}title").value == SHORT_VIDEOS["title"]
    assert at.number_input(key=f"{FORM}variant_successes").value == 2500


def test_a_platform_typed_in_wins_over_the_choice(ws: Workspace) -> None:
    at = fill_form(run(), {**SHORT_VIDEOS, "other_platform": " Pinterest "})
    click(at, "Log the test")
    assert ws.snapshot().tests[-1].platform == "pinterest"


def test_a_test_without_a_title_is_refused(ws: Workspace) -> None:
    at = fill_form(run(), {**SHORT_VIDEOS, "title": "  "})
    click(at, "Log the test")
    assert "title: expected some text, got nothing" in at.error[0].value
    assert len(ws.snapshot().tests) == 4


def test_reopening_a_concluded_test_takes_it_off_the_dashboard(ws: Workspace) -> None:
    at = run()
    at.selectbox(key="test_pick").set_value(1).run()
    at.selectbox(key="test_update_status_1").set_value("running")
    at.text_area(key="test_update_decision_1").set_value("Run it two more weeks.")
    click(at, "Save the test")
    assert [s.value for s in at.success] == ["Test #1 updated."]
    test = ws.snapshot().tests[0]
    assert (test.status, test.decision) == (TestStatus.RUNNING, "Run it two more weeks.")
    assert listed_tests(at)[0]["status"] == "running"
    assert not any(
        "Questions instead of product shots" in line for line in concluded_on_dashboard()
    )


def test_removing_a_test_needs_a_confirmation(ws: Workspace) -> None:
    at = run()
    at.selectbox(key="test_pick").set_value(2).run()
    assert next(b for b in at.button if b.label == "Remove the test").disabled
    at.checkbox(key="test_remove_confirm_2").check().run()
    click(at, "Remove the test")
    assert [s.value for s in at.success] == ["Test #2 removed."]
    assert [t.id for t in ws.snapshot().tests] == [1, 3, 4]
    assert "Weekly ask-me-anything thread" not in [r["title"] for r in listed_tests(at)]


def test_viewers_read_the_tests_but_see_no_write_controls(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "actor", lambda: VIEWER)
    at = run()
    assert len(listed_tests(at)) == 4
    assert not at.button and not at.form_submit_button
    assert not at.text_input and not at.selectbox
