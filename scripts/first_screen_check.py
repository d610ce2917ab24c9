"""Check the dashboard's first screen at 1366x768: the four answer cards are inside the
viewport without scrolling. Saves the screenshot (default docs/first-screen.png).

    ROLLOUT_WORKSPACE=ws ROLLOUT_TODAY=2026-11-23 .venv/bin/streamlit run app.py \\
        --server.port 8703 --server.headless true &
    .venv/bin/python scripts/first_screen_check.py http://127.0.0.1:8703 docs/first-screen.png

Exit code 0 when all four are visible, 1 (naming the card) when one is not.
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

WIDTH, HEIGHT = 1366, 768
CARDS = ("stage-timeline", "what-the-team-costs", "extra-resources", "resource-requests")
"""The cards' anchors: each card is the container keyed ``first_screen_<anchor>``."""


def main(url: str, out: str) -> int:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.goto(url)
        page.wait_for_selector(".st-key-first_screen_stage-timeline h3", timeout=60_000)
        page.wait_for_timeout(2_000)  # the rest of the page settles (charts, fonts)
        missing = []
        for anchor in CARDS:
            box = page.locator(f".st-key-first_screen_{anchor}").bounding_box()
            inside = (
                box is not None
                and box["x"] >= 0
                and box["y"] >= 0
                and box["x"] + box["width"] <= WIDTH
                and box["y"] + box["height"] <= HEIGHT
            )
            linked = page.locator(f"[id='{anchor}']").count() == 1  # the detail it links to
            print(f"{anchor}: {box}{'' if inside else '  NOT INSIDE THE VIEWPORT'}")
            if not linked:
                print(f"{anchor}: no heading with this anchor below")
            if not inside or not linked:
                missing.append(anchor)
        page.screenshot(path=out)
        browser.close()
    if missing:
        print(f"not visible without scrolling: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*(sys.argv[1:] or ["http://127.0.0.1:8501", "docs/first-screen.png"])))
