"""The social expert uploads the platforms' own exports as downloaded, in a real browser:
a TikTok Studio Overview.csv whose dates have no year, then a LinkedIn followers .xls."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import export_files, test_mappings
from tests.e2e.conftest import open_page, wait_for_run

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one server, one browser


def go_to_upload(page: Page) -> None:
    open_page(page, "/")
    page.get_by_test_id("stSidebar").get_by_role("link").filter(has_text="Upload metrics").click()
    expect(page.get_by_role("heading", name="Upload metrics")).to_be_visible()


def test_a_tiktok_overview_without_a_year_asks_for_it_and_a_linkedin_workbook_is_recognised(
    page: Page, tmp_path: Path
) -> None:
    truth = export_files.counts(export_files.TIKTOK_COLUMNS, top=900)
    tiktok = export_files.write_tiktok_overview(truth, tmp_path, "Overview.csv")
    go_to_upload(page)

    page.locator('input[type="file"]').set_input_files(tiktok)
    card = page.get_by_test_id("stVerticalBlock").filter(has_text="Overview.csv").last
    expect(card).to_contain_text("have no year")
    year = page.get_by_label("Year (only for an export whose dates have none, like TikTok's)")
    year.fill("2025")
    year.press("Enter")
    wait_for_run(page)
    card = page.get_by_test_id("stVerticalBlock").filter(has_text="Overview.csv").last
    expect(card).to_contain_text("recognised as TikTok Studio Overview.csv")
    expect(card).to_contain_text("04 Aug 2025")
    page.get_by_role("button", name="Import 1 file").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Imported")).to_contain_text(
        "Imported Overview.csv as upload #"
    )
    wait_for_run(page)

    linkedin = export_files.write_linkedin_followers(
        export_files.counts(["sponsored", "organic", "invited"], top=40), tmp_path, xls=True
    )
    page.locator('input[type="file"]').set_input_files(linkedin)
    card = page.get_by_test_id("stVerticalBlock").filter(has_text=linkedin.name).last
    expect(card).to_contain_text("recognised as LinkedIn Page followers, sheet 'New followers'")
    expect(card).to_contain_text("followers_gained")
    page.screenshot(path=tmp_path / "upload-linkedin.png")
    page.get_by_role("button", name="Import 1 file").click()
    history = page.get_by_test_id("stDataFrame").locator("tr").filter(has_text=linkedin.name)
    expect(history).to_contain_text("LinkedIn Page followers")


def test_an_unknown_file_is_mapped_once_and_its_next_upload_is_recognised(
    page: Page, tmp_path: Path
) -> None:
    first, _ = test_mappings.mastodon_file(tmp_path, "instance-stats-sep.csv")
    go_to_upload(page)
    page.locator('input[type="file"]').set_input_files(first)
    expect(page.get_by_text("Map this file once.")).to_be_visible()
    page.get_by_role("textbox", name="Platform", exact=True).fill("mastodon")
    page.get_by_role("textbox", name="Date format").fill("DD/MM/YYYY")
    page.get_by_role("textbox", name="Date format").press("Enter")
    wait_for_run(page)
    page.screenshot(path=tmp_path / "mapping-form.png", full_page=True)
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Mapping")).to_contain_text(
        "Mapping 'instance-stats-sep' saved"
    )
    card = page.get_by_test_id("stVerticalBlock").filter(has_text=first.name).last
    expect(card).to_contain_text("recognised as mapping 'instance-stats-sep'")
    page.get_by_role("button", name="Import 1 file").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Imported")).to_contain_text(
        f"Imported {first.name} as upload #"
    )
    wait_for_run(page)  # the rerun after the import has drawn the one, cleared, uploader

    second, _ = test_mappings.mastodon_file(tmp_path, "instance-stats-oct.csv", seed=11)
    page.locator('input[type="file"]').set_input_files(second)
    card = page.get_by_test_id("stVerticalBlock").filter(has_text=second.name).last
    expect(card).to_contain_text("recognised as mapping 'instance-stats-sep'")
    expect(page.get_by_text("Map this file once.")).to_have_count(0)
