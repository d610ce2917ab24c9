"""Benchmark: how soon the dashboard shows something, against a bare Streamlit page.

    python bench/bench_dashboard.py [--rounds R] [--visits V]

Two servers take turns, A B A B (``--rounds`` times each): A is ``streamlit run app.py`` on
a freshly seeded demo workspace, B a bare page (a title and one Altair chart). Each start is
followed by one first visit and ``--visits`` warm visits, each in a new context of the same
headless Chromium (``/usr/bin/chromium``, launched as ``tests/e2e/conftest.py`` launches it).
A visit is timed from the navigation's start to (in the page's own clock, by a
``MutationObserver``)

- the first meaningful element: on the dashboard the stage counts (the value in the first
  screen's card ``.st-key-first_screen_*``), on the bare page its title; the card's frame
  alone (drawn before its values) is printed too;
- the first chart: the first ``[data-testid="stVegaLiteChart"]`` with its canvas or svg drawn.

It prints the medians, the ratios to the bare page and the targets of issue 21 (first
element warm 1.1x, first chart warm 1.2x, first chart on the first visit after a start 1.5x),
and the load average before and after: on a busy machine compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402

BARE_PAGE = """
import altair as alt
import pandas as pd
import streamlit as st

st.set_page_config(page_title="Bare", layout="wide")
st.title("A bare page")
frame = pd.DataFrame({"week": range(52), "value": [i * i % 17 for i in range(52)]})
st.altair_chart(alt.Chart(frame).mark_line().encode(x="week", y="value"), width="stretch")
"""
CARD = '[class*="st-key-first_screen_"]'
FIRST_SCREEN = f'{CARD} h3, {CARD} [data-testid="stMetricValue"]'
"""The card's answer: a heading, or (before issue 21's change) a metric's value."""
TITLE = "h1"
CHART = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(script: Path, env: dict[str, str]) -> Iterator[str]:
    """``streamlit run script`` on a free loopback port until the block ends: its URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"{script} did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


WATCH = """(selectors) => {
  window.__seen = {};
  const look = () => {
    for (const s of selectors)
      if (!(s in window.__seen) && document.querySelector(s)) window.__seen[s] = performance.now();
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true});
}"""
"""Notes, in the page's own clock (milliseconds from the navigation's start), when each selector
first matches: no round trip to the browser per element, so an element is timed when it
arrives, not when the next poll sees it."""


def visit(browser: object, url: str, *selectors: str) -> list[float]:
    """Seconds from the navigation's start to each of ``selectors`` being on the page."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    page.add_init_script(f"({WATCH})({json.dumps(list(selectors))})")
    page.goto(url, wait_until="commit")
    for selector in selectors:
        page.locator(selector).first.wait_for(timeout=TIMEOUT_MS)
    seen = page.evaluate("window.__seen")
    context.close()
    return [seen[selector] / 1000 for selector in selectors]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(rounds: int, visits: int) -> dict[str, dict[str, list[float]]]:
    """Per page (``app``, ``bare``): first-element and first-chart times, first and warm."""
    from playwright.sync_api import sync_playwright

    found: dict[str, dict[str, list[float]]] = {
        page: {
            f"{when}_{what}": []
            for when in ("first", "warm")
            for what in ("card", "shown", "chart")
        }
        for page in ("app", "bare")
    }
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        ws = Path(tmp) / "ws"
        subprocess.run([sys.executable, "-m", "strategy", "init", str(ws), "--demo"], check=True)
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_PAGE)
        env = {**os.environ, "ROLLOUT_WORKSPACE": str(ws)}
        pages = {
            "app": (ROOT / "app.py", (CARD, FIRST_SCREEN, CHART)),
            "bare": (bare, (TITLE, TITLE, CHART)),
        }
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(rounds):
                for name, (script, selectors) in pages.items():
                    with serving(script, env) as url:
                        for when in ["first"] + ["warm"] * visits:
                            times = visit(browser, url, *selectors)
                            for what, took in zip(("card", "shown", "chart"), times, strict=True):
                                found[name][f"{when}_{what}"].append(took)
                    print(f"  {name}: {found[name]['warm_chart'][-1]:.2f} s warm", flush=True)
            browser.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="server starts of each page")
    parser.add_argument("--visits", type=int, default=4, help="warm visits after each start")
    args = parser.parse_args()
    print(f"load average at start: {load()}")
    found = measure(args.rounds, args.visits)
    print("| figure | dashboard | bare page | ratio | target | met |")
    print("|---|---:|---:|---:|---|---|")
    for label, key, target in (
        ("first meaningful element (stage counts), warm", "warm_shown", 1.1),
        ("first chart, warm", "warm_chart", 1.2),
        ("first chart, first visit after server start", "first_chart", 1.5),
        ("first meaningful element, first visit after server start", "first_shown", None),
        ("the first screen's card drawn, values not yet (bare: title), warm", "warm_card", None),
    ):
        app, bare = (statistics.median(found[p][key]) for p in ("app", "bare"))
        ratio = app / bare
        met = "" if target is None else ("met" if ratio <= target else "over")
        goal = "" if target is None else f"at most {target}x"
        print(f"| {label} | {app:.2f} s | {bare:.2f} s | {ratio:.2f}x | {goal} | {met} |")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
