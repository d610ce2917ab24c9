"""Every page reads as words for people: open each page of the demo in Chromium at 1366x768,
read what the user reads, and save a screenshot of the whole page to ``docs/``.

The pages are served by their own server on a freshly seeded demo, not by the journeys' shared
one, whose workspace the other journeys change (a request, an upload) in whatever order they
run: ``docs/`` shows the demo as seeded, whatever ran before. The clock is the real one, as for
someone trying the demo: the stand-up reads the uploads as they stood on its day, and the
demo's uploads are made when it is seeded, so a day pinned before that would show none.

What is read is the body's ``innerText`` without ``code`` and ``pre`` elements (file names,
column names and commands are shown as code on purpose). Tables drawn by ``st.dataframe`` are a
canvas the browser's text does not reach: the AppTest page tests check the frames handed to them
(``tests/test_page_words.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import (
    REPO_ROOT,
    VIEWPORT,
    Server,
    open_page,
    seeded_home,
    serving,
    wait_for_run,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one server, one browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """This module's own ``streamlit run app.py`` (the ``page`` fixture's server here) on a
    demo seeded for it alone, in a home folder as a user's (the sidebar shows
    ``~/acme-rollout``)."""
    tmp = tmp_path_factory.mktemp("e2e-every-page")
    workspace, home = seeded_home(tmp)
    with serving(workspace, home, tmp / "streamlit.log") as server:
        yield server


SMALL_SCREEN: ViewportSize = {"width": 1366, "height": 768}
DOCS = REPO_ROOT / "docs"

PAGES = [
    pytest.param("/", "page-dashboard.png", id="dashboard"),
    pytest.param("/Team", "page-team.png", id="team"),
    pytest.param("/Stages", "page-stages.png", id="stages"),
    pytest.param("/Tests", "page-tests.png", id="tests"),
    pytest.param("/Upload_metrics", "page-upload-metrics.png", id="upload-metrics"),
    pytest.param("/Stand_up", "page-stand-up.png", id="stand-up"),
]
WIDE_TABLES = {"/Tests": 1}
"""Tables that may scroll sideways at 1366 px: the Tests table, whose title, platform and
result come first and whose statistics follow to the right on purpose. Every other table
fits (the upload history counts its metrics and names them below)."""

SIDEWAYS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
    .filter(scroller => scroller.scrollWidth > scroller.clientWidth + 1).length"""
"""How many tables on the page scroll sideways (their grid is wider than its box)."""

UNREADABLE = {
    "the word None": re.compile(r"\bNone\b"),
    "a '(s)' plural": re.compile(r"\(s\)"),
    "empty backticks": re.compile(r"``"),
    "a number in scientific notation": re.compile(r"\b\d(?:\.\d+)?[eE][+-]?\d+\b"),
    "an ISO timestamp": re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    "an ISO date (the pages write 09 Nov 2026)": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a snake_case identifier": re.compile(
        r"(?<![\w./\\-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-]|\.[a-z]\w*)"
    ),
}
"""What no page may show outside code. A file name (``forum_events.parquet``) is the user's own
and may: a select box, which cannot hold code, names the upload to remove by it."""

READ_TEXT = r"""() => {
    const main = document.querySelector('[data-testid="stApp"]').cloneNode(true);
    main.querySelectorAll(
        'code, pre, script, style, noscript, [data-testid="stIconMaterial"]'
    ).forEach(el => el.remove());
    main.querySelectorAll('details').forEach(el => { el.open = true; });
    main.querySelectorAll('[role="tabpanel"], [hidden]').forEach(el => {
        el.hidden = false;
        el.style.display = 'block';
    });
    document.body.appendChild(main);
    main.style.position = 'absolute';
    main.style.left = '-99999px';
    const shown = [...document.querySelectorAll('[data-testid="stApp"] input')]
        .filter(input => ['text', 'number', 'search', 'date', ''].includes(input.type || ''))
        .filter(input => input.checkVisibility())
        .map(input => input.value).filter(Boolean);
    const words = main.innerText + '\n' + shown.join('\n');
    main.remove();
    return words;
}"""
"""The app's text as the user reads it, code and preformatted blocks left out, and the
icon font's ligatures (``keyboard_arrow_down`` draws an arrow, it is not read); then what the
inputs show (a select box's choice, a day), which ``innerText`` leaves out; a browser's
own date field (``type="date"``, drawn as ``2026 / 11 / 09``) is read by its ISO value, which
no page may show. Collapsed expanders are opened and every tab shown, so what a click
reveals is read too.

``innerText`` of a detached clone has no layout and returns its raw ``textContent``; the clone
is put in the page (off screen) so that line breaks and hidden elements count as on screen.
"""


def offending(words: str) -> list[str]:
    """Each unreadable thing in ``words``, with some text either side of it."""
    found = []
    for what, pattern in UNREADABLE.items():
        for match in pattern.finditer(words):
            start, end = max(match.start() - 40, 0), min(match.end() + 40, len(words))
            snippet = words[start:end].replace("\n", " | ")
            found.append(f"{what}: ...{snippet}...")
    return found


def all_drawn(page: Page) -> None:
    """Wait until every element is drawn: no placeholder left while a widget's code loads
    (``stSkeleton``), and every chart drawn."""
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    charts = page.get_by_test_id("stVegaLiteChart")
    drawn = '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
    expect(page.locator(drawn)).to_have_count(charts.count())


SCROLL_HEIGHT = """() => Math.max(...['stMain', 'stAppViewContainer', 'stMainBlockContainer']
    .map(id => document.querySelector(`[data-testid="${id}"]`))
    .filter(Boolean).map(el => el.scrollHeight))"""


def full_page_screenshot(page: Page, path: Path) -> None:
    """The whole page at 1366 px wide: the viewport grown to the height Streamlit scrolls,
    again until it stops growing (charts below the fold take their height once drawn)."""
    height = 0
    for _ in range(5):
        grown = int(page.evaluate(SCROLL_HEIGHT))
        if grown <= height:
            break
        height = grown
        page.set_viewport_size({"width": SMALL_SCREEN["width"], "height": height})
        wait_for_run(page)
        page.wait_for_timeout(700)  # charts redraw at the new size
        all_drawn(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True, animations="disabled")
    page.set_viewport_size(VIEWPORT)


@pytest.mark.parametrize(("path", "screenshot"), PAGES)
def test_every_page_reads_as_words_and_is_photographed(
    page: Page, path: str, screenshot: str
) -> None:
    page.set_viewport_size(SMALL_SCREEN)
    open_page(page, path)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    all_drawn(page)
    words = page.evaluate(READ_TEXT)
    assert page.evaluate(SIDEWAYS) == WIDE_TABLES.get(path, 0), f"{path}: a table scrolls sideways"
    assert len(words) > 200, f"{path} shows almost nothing: {words!r}"
    shot = DOCS / screenshot
    full_page_screenshot(page, shot)
    assert shot.stat().st_size > 30_000, f"the screenshot of {path} looks empty"
    found = offending(words)
    assert not found, f"{path} shows:\n" + "\n".join(found)
