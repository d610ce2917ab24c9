"""The roster in a real browser: a new row missing its role is named beside the Save button
and nothing is saved; once the role is picked, the save says who was added, right there.

Streamlit's data editor draws on a canvas, so the journey clicks cells by position: the new
row comes right after the stored ones. It shares the session's server and
leaves the roster as it found it (the person added then leaves again).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from strategy.domain.access import LOCAL_USER
from strategy.usecases import Workspace
from tests.e2e.conftest import Server, open_page, wait_for_run
from ui.grids import ROW_PX

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one server, one browser

NAME, ROLE, HOURS, AVAILABLE = 0, 1, 3, 4
"""The roster editor's columns, counted from the name."""


@pytest.fixture
def newcomer(server: Server) -> Iterator[str]:
    """A name nobody on the roster has; whoever the journey adds under it leaves afterwards."""
    name = f"Omar Haddad {uuid.uuid4().hex[:4]}"
    yield name
    ws = Workspace.open(server.workspace)
    if any(m.name == name for m in ws.snapshot().members):
        ws.remove_member(LOCAL_USER, name, on=dt.date.today() - dt.timedelta(days=1))


def roster_editor(page: Page) -> Locator:
    """The Team page's roster table (the one with a Save the roster button under it)."""
    return page.get_by_test_id("stDataFrame").nth(1)


def type_into_row(page: Page, row: int, column: int, text: str) -> None:
    """Type ``text`` into the cell of ``row`` (counted from 1 below the header) in
    ``column`` and commit it (Tab). The editor is drawn tall enough for every row
    (``ui.grids.editor_height``), so a row sits at its place with no scroll inside."""
    editor = roster_editor(page)
    page.keyboard.press("Escape")  # close any cell editor left open
    editor.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # the grid places clicks by where it was drawn
    box = editor.bounding_box()
    assert box is not None
    x, y = box["x"] + 60, box["y"] + ROW_PX * row + ROW_PX / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(100)
    page.mouse.click(x, y)
    page.wait_for_timeout(200)
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # open the cell's editor
    page.wait_for_timeout(300)
    page.keyboard.type(text, delay=30)  # a role's list narrows to the one option typed
    page.keyboard.press("Tab")
    wait_for_run(page)


def said_under_save(page: Page) -> Locator:
    """The message drawn right under the Save the roster button, the next element."""
    button = page.get_by_test_id("stElementContainer").filter(
        has=page.get_by_role("button", name="Save the roster")
    )
    return button.locator("xpath=following-sibling::div[1]").get_by_test_id("stAlert")


def test_an_incomplete_roster_row_is_named_beside_save_then_fixed_and_added(
    page: Page, server: Server, newcomer: str
) -> None:
    ws = Workspace.open(server.workspace)
    before = ws.snapshot().members
    open_page(page, "/Team")
    roster_editor(page).scroll_into_view_if_needed()
    roster_editor(page).hover()
    row = len([a for m in before for a in m.assignments]) + 1  # one row per role held
    page.get_by_role("button", name="Add row").first.click()
    wait_for_run(page)
    type_into_row(page, row, NAME, newcomer)
    type_into_row(page, row, HOURS, "6")
    type_into_row(page, row, AVAILABLE, "6")

    page.get_by_role("button", name="Save the roster").click()
    wait_for_run(page)
    expect(said_under_save(page)).to_contain_text(f"row {row}: {newcomer} has no role")
    assert ws.snapshot().members == before  # nothing saved

    type_into_row(page, row, ROLE, "IT")
    page.get_by_role("button", name="Save the roster").click()
    wait_for_run(page)
    expect(said_under_save(page)).to_contain_text(f"Roster saved: added {newcomer}.")
    assert [m.name for m in ws.snapshot().members] == [*(m.name for m in before), newcomer]
