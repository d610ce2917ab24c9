"""What a user does in a real browser: read the dashboard, upload metrics, log a test, and
take a resource request from raising it to the new person's first item on the stand-up.

Each journey asserts on text the user sees, before and after, so it fails when the feature
breaks. They share one server; each one adds data no other journey looks for.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from playwright.sync_api import Locator, Page, expect

from strategy.demo import DEMO_DIR
from strategy.domain import clock
from strategy.domain.clock import day_text
from tests.e2e.conftest import open_page, wait_for_run

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one server, one browser


def metric_card(page: Page, label: str) -> Locator:
    """The dashboard's stage card whose label is ``label``."""
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )


def test_dashboard_shows_stages_and_the_resource_signal(page: Page) -> None:
    open_page(page, "/")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Social rollout dashboard")).to_be_visible()
    overall = metric_card(page, "Overall stage")
    expect(overall).to_be_visible()
    expect(overall.get_by_test_id("stMetricValue")).to_have_text("Retention")
    # "of 4", or "of 5" once the upload journey (same server, any order) added mastodon
    expect(
        main.get_by_text(re.compile(r"^Where the rollout stands: 1 of [45] active"))
    ).to_be_visible()
    expect(metric_card(page, "instagram")).to_contain_text("Active")
    expect(page.get_by_test_id("stAlert").filter(has_text="Extra resources are")).to_contain_text(
        "Extra resources are justified:"
    )
    expect(main.get_by_text("Why: each condition and its evidence")).to_be_visible()
    nav = page.get_by_test_id("stSidebar").get_by_role("link")
    for link, label in zip(
        nav.all(),
        ["Dashboard", "Team", "Stages", "Tests", "Upload metrics", "Stand-up"],
        strict=True,
    ):
        expect(link).to_contain_text(label)


def go_to(page: Page, link: str) -> None:
    """Follow the sidebar's page link labelled ``link``."""
    page.get_by_test_id("stSidebar").get_by_role("link").filter(has_text=link).click()
    wait_for_run(page)


def choose(scope: Locator, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    box = scope.get_by_role("combobox", name=label, exact=True)
    choice = scope.page.get_by_role("option", name=option, exact=True)
    for _ in range(3):  # a rerun landing just after the click closes the list it opened
        box.click()
        try:
            expect(choice).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            scope.page.keyboard.press("Escape")
    choice.click()
    expect(box).to_have_value(option)


def set_date(scope: Locator, label: str, day: dt.date) -> None:
    """Type a day into a page's day field as the pages write days (``09 Nov 2026``)."""
    field = scope.get_by_label(label, exact=True)
    field.fill(f"{day:%d %b %Y}")
    expect(field).to_have_value(f"{day:%d %b %Y}")


def youtube_file(folder: Path) -> Path:
    """A long-layout parquet file adding a new platform, youtube, for the last six weeks."""
    today = dt.date.today()
    this_monday = today - dt.timedelta(days=today.weekday())
    days = [this_monday - dt.timedelta(weeks=w, days=-2) for w in range(6, 0, -1)]
    rows = [
        (day, "youtube", metric, value)
        for i, day in enumerate(days)
        for metric, value in (("followers", 120.0 + 15 * i), ("brand_posts", 2.0))
    ]
    table = pa.table(
        {
            "date": pa.array([r[0] for r in rows], pa.date32()),
            "platform": [r[1] for r in rows],
            "metric": [r[2] for r in rows],
            "value": pa.array([r[3] for r in rows], pa.float64()),
        }
    )
    path = folder / "youtube-recent.parquet"
    pq.write_table(table, path)
    return path


def test_uploading_a_parquet_file_adds_its_platform_to_the_dashboard(
    page: Page, tmp_path: Path
) -> None:
    open_page(page, "/")
    expect(metric_card(page, "instagram")).to_be_visible()
    expect(metric_card(page, "youtube")).to_have_count(0)

    go_to(page, "Upload metrics")
    expect(page.get_by_role("heading", name="Upload metrics")).to_be_visible()
    page.locator('input[type="file"]').set_input_files(youtube_file(tmp_path))
    preview = page.get_by_test_id("stVerticalBlock").filter(has_text="youtube-recent.parquet")
    expect(preview.last).to_contain_text("long layout")
    expect(preview.last).to_contain_text("youtube")
    page.get_by_role("button", name="Import 1 file").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Imported")).to_contain_text(
        "Imported youtube-recent.parquet as upload #"
    )
    history = (
        page.get_by_test_id("stDataFrame").locator("tr").filter(has_text="youtube-recent.parquet")
    )
    expect(history).to_have_count(1)
    page.get_by_text("Metrics in each upload").click()
    listed = page.get_by_test_id("stExpander").filter(has_text="Metrics in each upload")
    expect(listed).to_contain_text("youtube-recent.parquet: brand posts, followers")

    go_to(page, "Dashboard")
    expect(metric_card(page, "youtube")).to_contain_text("Setup")
    open_page(page, "/")  # a new session reads the same, stored data
    expect(metric_card(page, "youtube")).to_contain_text("Setup")


def test_logging_a_concluded_test_lists_it_on_the_dashboard(page: Page) -> None:
    title = f"Behind-the-scenes reels {uuid.uuid4().hex[:6]}"
    start = dt.date.today() - dt.timedelta(weeks=10)
    end = start + dt.timedelta(days=27)
    open_page(page, "/")
    concluded = page.get_by_test_id("stMain").locator("li")
    expect(concluded.first).to_be_visible()
    expect(concluded.filter(has_text=title)).to_have_count(0)

    go_to(page, "Tests")
    expect(page.get_by_role("heading", name="Strategy tests")).to_be_visible()
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Log the test"))
    if not form.get_by_label("Title").is_visible():
        page.get_by_test_id("stExpander").get_by_text("Log a test").click()
    form.get_by_label("Title").fill(title)
    form.get_by_label("Hypothesis").fill("Showing the team at work brings more replies.")
    choose(form, "Platform", "instagram")
    form.get_by_label("Metric").fill("reply rate")
    for label, value in (
        ("Control exposures", "2000"),
        ("Control successes", "80"),
        ("Variant exposures", "2000"),
        ("Variant successes", "140"),
    ):
        form.get_by_label(label).fill(value)
        form.get_by_label(label).press("Tab")
    set_date(form, "Start", start)
    set_date(form, "End", end)
    choose(form, "Status", "concluded")
    form.get_by_role("button", name="Log the test").click()

    expect(page.get_by_test_id("stAlert").filter(has_text="Logged test")).to_contain_text(title)
    said = page.get_by_test_id("stMarkdown").filter(has_text=title)
    expect(said).to_contain_text(f"(instagram, concluded, {start:%d %b %Y} – {end:%d %b %Y})")
    expect(said).to_contain_text("lifted reply rate by 3.0 points")

    go_to(page, "Dashboard")
    listed = concluded.filter(has_text=title)
    expect(listed).to_contain_text(f"{title} (instagram): ")
    expect(listed).to_contain_text("lifted reply rate by 3.0 points")


def ragged_linkedin_file(folder: Path) -> Path:
    """LinkedIn's week after the demo data ends, and this week's days up to today (UTC)."""
    demo = pd.read_parquet(DEMO_DIR / "instagram_linkedin_daily.parquet")
    demo["date"] = pd.to_datetime(demo["date"])
    week = demo[(demo["platform"] == "linkedin") & (demo["date"] >= "2026-11-09")]
    today = clock.today()
    this_monday = clock.monday(today)
    newer = week.assign(date=week["date"] + pd.Timedelta(days=7))
    partial = week.assign(date=week["date"] + pd.Timedelta(this_monday - dt.date(2026, 11, 9)))
    partial = partial[partial["date"] <= pd.Timestamp(today)]
    rows = pd.concat([newer, partial]).drop_duplicates(["date", "metric"], keep="last")
    path = folder / "linkedin-ragged.parquet"
    rows.assign(date=rows["date"].dt.date).to_parquet(path, index=False)
    return path


def test_ragged_uploads_are_named_and_leave_the_gap_as_it_was(page: Page, tmp_path: Path) -> None:
    open_page(page, "/")
    gap = metric_card(page, "Gap").get_by_test_id("stMetricValue")
    expect(gap).to_contain_text("h/week")
    gap_before = gap.inner_text()

    go_to(page, "Upload metrics")
    page.locator('input[type="file"]').set_input_files(ragged_linkedin_file(tmp_path))
    page.get_by_role("button", name="Import 1 file").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Imported")).to_contain_text(
        "Imported linkedin-ragged.parquet"
    )

    go_to(page, "Dashboard")
    this_monday = clock.monday(clock.today())
    notes = page.get_by_test_id("stAlert").filter(has_text="Data as it arrived")
    expect(notes).to_contain_text(
        f"linkedin: week of {this_monday:%d %b %Y} in progress, not counted"
    )
    expect(notes).to_contain_text("instagram: data to week of 09 Nov 2026")
    window = page.get_by_test_id("stMain").get_by_text("The signal reads the weeks of")
    expect(window).to_contain_text("to 09 Nov 2026")
    expect(window).to_contain_text("lagging:")
    expect(metric_card(page, "Gap").get_by_test_id("stMetricValue")).to_have_text(gap_before)


def test_a_request_raised_approved_and_onboarded_reaches_the_next_stand_up(page: Page) -> None:
    note = f"Two people before the holidays {uuid.uuid4().hex[:6]}"
    today = clock.today()
    tomorrow = today + dt.timedelta(days=1)
    open_page(page, "/")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Resource requests")).to_be_visible()

    raise_form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Raise the request")
    )
    raise_form.get_by_label("Note (optional)").fill(note)
    raise_form.get_by_role("button", name="Raise the request").click()
    raised = page.get_by_test_id("stAlert").filter(has_text="Raised request #")
    expect(raised).to_contain_text(f"h/week, raised {day_text(today)})")
    request_id = raised.inner_text().split("#", 1)[1].split(" ", 1)[0]
    card = page.get_by_test_id("stVerticalBlock").filter(has_text=note).last
    expect(card).to_contain_text(f"Request #{request_id}: open")
    expect(card).to_contain_text("Social media manager")

    card.get_by_role("textbox", name="Reason for the decision").fill("Budget agreed in the review")
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="approved.")).to_contain_text(
        f"Request #{request_id} approved."
    )
    card = page.get_by_test_id("stVerticalBlock").filter(has_text=note).last
    expect(card).to_contain_text(f"Request #{request_id}: approved")
    expect(card).to_contain_text("Approved by local")
    expect(card).to_contain_text("Budget agreed in the review")
    expect(card.get_by_role("button", name="Approve")).to_have_count(0)

    go_to(page, "Team")
    start_form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Start onboarding")
    )
    expect(start_form.get_by_role("combobox", name="Approved request")).to_have_value(
        re.compile(rf"^#{request_id} ")
    )
    start_form.get_by_label("Name").fill("Sara Lind")
    # the role proposed is the request's first recommended one
    expect(start_form.get_by_role("combobox", name="Role", exact=True)).to_have_value(
        "Social media manager"
    )
    start_form.get_by_label("Hours a week").fill("20")
    start_form.get_by_label("Hours a week").press("Tab")
    start_form.get_by_role("button", name="Start onboarding").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="joins the team")).to_contain_text(
        "Sara Lind joins the team with 8 onboarding items"
    )
    progress = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Save the progress")
    )
    voice = progress.get_by_test_id("stCheckbox").filter(has_text="Learn the brand voice")
    due = today + dt.timedelta(days=30)
    expect(voice).to_contain_text(f"Day 30: Learn the brand voice · due {due:%d %b %Y}")
    expect(main.get_by_text("0 of 8 done")).to_be_visible()
    voice.locator("label").click()
    progress.get_by_role("button", name="Save the progress").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="progress of")).to_contain_text(
        "Onboarding progress of Sara Lind saved."
    )
    expect(main.get_by_text("1 of 8 done")).to_be_visible()
    expect(voice).to_contain_text(f"done {today:%d %b %Y}")

    go_to(page, "Stand-up")
    expect(main.get_by_role("heading", name="Daily stand-up")).to_be_visible()
    done = main.get_by_test_id("stMarkdown").filter(has_text="Done: Learn the brand voice (day 30)")
    expect(done).to_have_count(0)  # ticked today: on tomorrow's agenda
    day = main.get_by_role("textbox", name="Day")
    day.fill(f"{tomorrow:%d %b %Y}")
    day.press("Enter")  # typed and entered: applied, the agenda is tomorrow's
    wait_for_run(page)
    expect(main.get_by_test_id("stCode")).to_contain_text(f"# Stand-up {tomorrow:%A %d %b %Y}")
    expect(main.get_by_role("heading", name="Onboarding")).to_be_visible()
    expect(done).to_contain_text("Done: Learn the brand voice (day 30) — Sara Lind")
    expect(done.locator("strong").filter(has_text="Sara Lind")).to_be_visible()
