"""The Tests page, driven headless: log a test, read its statistics, change or remove it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from strategy.domain.clock import day_text
from strategy.domain.experiments import TestStatus
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, VIEWER, open_page
from tests.pages import click, said_beside, type_day
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


def fill_form(at: AppTest, fields: dict[str, Any]) -> AppTest:
    """Type a test into the form; numbers, dates and choices into their own widgets."""
    for name, value in fields.items():
        key = f"{FORM}{name}"
        if name in ("control_n", "control_successes", "variant_n", "variant_successes"):
            at.number_input(key=key).set_value(value)
        elif name in ("start", "end"):
            type_day(at, key, value)
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


@pytest.fixture
def ws_read(app_read: Workspace) -> Workspace:
    """The app opened on the shared demo copy, for a test that only reads."""
    return app_read


def test_the_page_lists_the_demo_tests_with_statistics_and_conclusions(ws_read: Workspace) -> None:
    at = run()
    table = listed_tests(at)
    assert [r["status"] for r in table] == ["concluded", "concluded", "running", "planned"]
    first = table[0]
    assert first["title"] == "Questions instead of product shots"
    assert first["control rate %"] == pytest.approx(4.0)
    assert first["lift (points)"] == pytest.approx(2.096, abs=1e-3)
    assert first["95% CI low"] < first["lift (points)"] < first["95% CI high"]
    assert first["result"] == "variant +2.1 points, significant"
    assert first["p-value"] == "<0.0001" and first["P(variant better)"] == ">99%"
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
    assert (row["title"], row["status"], row["result"]) == (
        "Short videos instead of photos",
        "concluded",
        "variant +3.5 points, significant",
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


def test_the_days_read_as_the_pages_write_them_and_a_mistyped_one_is_named(
    ws: Workspace,
) -> None:
    at = run()
    assert at.text_input(key=f"{FORM}end").value == day_text(TODAY)
    at = fill_form(at, SHORT_VIDEOS)
    at.text_input(key=f"{FORM}start").set_value("31 Fbe 2026")
    click(at, "Log the test")
    assert [e.value for e in at.error] == [
        f"start: expected a date such as {day_text(TODAY)} or {TODAY.isoformat()}, "
        "got '31 Fbe 2026'"
    ]
    assert len(ws.snapshot().tests) == 4
    assert at.text_input(key=f"{FORM}start").value == "31 Fbe 2026"  # kept, to be corrected


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
    assert [s.value for s in at.success] == [
        "Test #1 updated: status concluded -> running; decision changed."
    ]
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
    ws_read: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "actor", lambda: VIEWER)
    at = run()
    assert len(listed_tests(at)) == 4
    assert not at.button and not at.form_submit_button
    assert not at.text_input and not at.selectbox


REPLIES: dict[str, Any] = {
    "title": "Questions instead of statements",
    "platform": "forum",
    "metric": "replies per post",
    "control_n": 400,
    "control_mean": 2.1,
    "control_sd": 1.4,
    "variant_n": 400,
    "variant_mean": 2.6,
    "variant_sd": 1.5,
    "start": dt.date(2026, 10, 5),
    "end": dt.date(2026, 11, 1),
    "status": "concluded",
}


def fill_mean_form(at: AppTest, fields: dict[str, Any]) -> AppTest:
    at.radio(key=f"{FORM}kind").set_value("mean").run()
    numbers = {k: v for k, v in fields.items() if k.endswith(("_n", "_mean", "_sd"))}
    for name, value in numbers.items():
        at.number_input(key=f"{FORM}{name}").set_value(value)
    return fill_form(at, {k: v for k, v in fields.items() if k not in numbers})


def test_a_mean_test_is_logged_from_each_arms_n_mean_and_sd_with_welchs_statistics(
    ws: Workspace,
) -> None:
    at = click(fill_mean_form(run(), REPLIES), "Log the test")
    assert at.success[0].value.startswith("Logged test #5: Questions instead of statements")
    (test,) = [t for t in ws.snapshot().tests if t.id == 5]
    assert (test.kind.value, test.control_mean, test.variant_sd) == ("mean", 2.1, 1.5)
    means = next(d.value for d in at.dataframe if "control mean" in d.value.columns)
    (row,) = means.to_dict("records")
    assert row["difference"] == pytest.approx(0.5)
    assert row["95% CI low"] < 0.5 < row["95% CI high"]
    assert row["result"] == "variant +0.5, significant"
    assert any(
        "Variant B lifted replies per post by 0.5 (from 2.1 to 2.6)" in m.value for m in at.markdown
    )


def test_a_mean_arm_comes_from_a_file_of_per_unit_values(ws: Workspace) -> None:
    at = run()
    fields = {k: v for k, v in REPLIES.items() if not k.startswith("control_")}
    at = fill_mean_form(at, fields)
    values = b"value\n1\n2\n2\n3\n4\n"
    at.file_uploader(key=f"{FORM}control_values").set_value(("replies.csv", values, "text/csv"))
    click(at, "Log the test")
    (test,) = [t for t in ws.snapshot().tests if t.id == 5]
    assert (test.control_n, test.control_mean) == (5, 2.4)
    assert test.control_sd == pytest.approx(1.140175425, abs=1e-9)


def test_a_test_whose_exposures_break_the_planned_split_is_flagged(ws: Workspace) -> None:
    broken = {**SHORT_VIDEOS, "control_n": 1000, "variant_n": 1200}
    at = click(fill_form(run(), broken), "Log the test")
    assert [e.value for e in at.error] == [
        "**Short videos instead of photos**: sample ratio mismatch: exposures 1,000 vs 1,200 "
        "for a 50/50 split; the result is not trustworthy."
    ]


def test_each_test_with_data_has_its_interval_drawn_against_zero(ws: Workspace) -> None:
    at = click(fill_mean_form(run(), REPLIES), "Log the test")
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    axes = [
        layer["encoding"]["x"]["title"]
        for spec in specs
        for layer in spec["layer"]
        if "x2" in layer.get("encoding", {})
    ]
    assert axes == ["lift (percentage points)", "difference in replies per post"]


def test_a_running_test_past_its_end_is_flagged_and_its_counts_can_be_updated(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", "2026-12-03")
    at = run()
    assert any("Carousel vs single image** is still running 4 days" in w.value for w in at.warning)
    at.selectbox(key="test_pick").set_value(3).run()
    at.number_input(key="test_update_variant_n_3").set_value(2600)
    type_day(at, "test_update_end_3", dt.date(2026, 12, 13))
    click(at, "Save the test")
    (test,) = [t for t in ws.snapshot().tests if t.id == 3]
    assert (test.variant_n, test.end) == (2600, dt.date(2026, 12, 13))
    assert ws.audit_log(1)[0].detail.startswith("#3 Carousel vs single image: variant_n ")
    assert not any("still running" in w.value for w in at.warning)


def test_the_tests_table_starts_with_title_platform_and_the_result_in_words(
    ws_read: Workspace,
) -> None:
    table = next(d.value for d in run().dataframe if "p-value" in d.value.columns)
    assert list(table.columns)[:3] == ["title", "platform", "result"]


def test_a_planned_test_shows_blanks_never_none(ws_read: Workspace) -> None:
    at = run()
    planned = listed_tests(at)[3]
    assert planned["status"] == "planned"
    assert (planned["result"], planned["p-value"], planned["P(variant better)"]) == ("", "", "")
    table = next(d for d in at.dataframe if "p-value" in d.value.columns)
    assert table.proto.placeholder == ""  # a missing number is drawn blank, not "None"


@pytest.mark.parametrize(
    ("concluded", "opens_on"),
    [
        ((), 3),  # the running one, not the concluded #1 at the top
        ((3,), 4),  # then the planned one
    ],
)
def test_update_a_test_opens_on_the_first_running_or_overdue_test(
    ws: Workspace, concluded: tuple[int, ...], opens_on: int
) -> None:
    for test_id in concluded:
        ws.update_test(EDITOR, test_id, {"status": "concluded", "end": TODAY})
    assert run().selectbox(key="test_pick").value == opens_on


def test_an_update_says_beside_its_button_what_changed(ws: Workspace) -> None:
    at = run()
    at.selectbox(key="test_update_status_3").set_value("concluded")
    type_day(at, "test_update_end_3", TODAY)
    at = click(at, "Save the test")
    assert said_beside(at, "Save the test") == [
        f"Test #3 updated: status running -> concluded; end 29 Nov 2026 -> {TODAY:%d %b %Y}."
    ]


@pytest.mark.parametrize(("key", "empty"), [("title", ""), ("control_n", 0), ("variant_n", 0)])
def test_a_logged_test_leaves_the_form_empty_in_the_browser_too(
    ws: Workspace, key: str, empty: object
) -> None:
    at = click(fill_form(run(), SHORT_VIDEOS), "Log the test")
    box = next(w for w in (*at.text_input, *at.number_input) if w.key == f"{FORM}{key}")
    assert (box.value, box.proto.set_value) == (empty, True)  # set, so the browser shows it
