"""Benchmark: how soon the command line answers, against its floors measured in the same run.

    python bench/bench_cli.py [--runs N]

Each figure is the median wall time of N fresh ``python -m strategy ...`` processes, run in
turns with its floor (figure, floor, figure, floor, ...) so a change of load hits both:

- ``--help`` against ``python -c pass`` (bare Python);
- every command's ``--help`` (the slowest of them) against ``python -c pass``;
- ``team list``, ``uploads list``, ``settings list``, ``users set`` and ``report`` on a demo
  workspace (made once by ``init --demo`` in a temporary folder) against ``--help``.

It prints each figure, its floor, the ratio and the target (absolute seconds, from issue 21),
and the load average before and after: on a busy machine compare the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYTHON = (sys.executable, "-X", "frozen_modules=on")
BARE = (*PYTHON, "-c", "pass")
CLI = (*PYTHON, "-m", "strategy")


def wall(cmd: tuple[str, ...]) -> float:
    """Seconds one fresh process takes, start to exit (it must succeed)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return took


def in_turns(runs: int, *cmds: tuple[str, ...]) -> list[float]:
    """The median wall time of each command, the commands run in turns ``runs`` times."""
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            times[i].append(wall(cmd))
    return [statistics.median(t) for t in times]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def row(figure: str, took: float, floor: str, base: float, target: float) -> str:
    met = "met" if took < target else f"over by {took - target:.3f} s"
    return (
        f"| {figure} | {took:.3f} s | {floor} | {base:.3f} s | {took / base:.1f}x "
        f"| under {target} s | {met} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per figure")
    runs = parser.parse_args().runs
    from strategy.cli.parser import ENTRIES

    print(f"load average at start: {load()} ({os.cpu_count()} cores); {runs} runs each")
    rows = []
    bare, helps = in_turns(runs, BARE, (*CLI, "--help"))
    rows.append(row("`python -m strategy --help`", helps, "`python -c pass`", bare, 0.2))
    slowest = ("", 0.0, 0.0)
    for entry in ENTRIES:
        bare, took = in_turns(max(3, runs // 2), BARE, (*CLI, entry.name, "--help"))
        if took > slowest[1]:
            slowest = (entry.name, took, bare)
    name, took, bare = slowest
    rows.append(
        row(f"every command's `--help` (slowest: `{name}`)", took, "`python -c pass`", bare, 0.2)
    )
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        ws = str(Path(tmp) / "ws")
        wall((*CLI, "init", ws, "--demo"))
        for words, target in (
            (("team", "list", ws), 0.6),
            (("uploads", "list", ws), 0.6),
            (("settings", "list", ws), 0.6),
            (("users", "set", ws, "bench@example.com", "viewer"), 0.6),
            (("report", ws), 1.5),
        ):
            base, took = in_turns(runs, (*CLI, "--help"), (*CLI, *words))
            shown = " ".join(w if w != ws else "DEMO" for w in words)
            rows.append(row(f"`{shown}`", took, "`--help`", base, target))
    print("| figure | median | floor | floor median | ratio | target | met |")
    print("|---|---:|---|---:|---:|---|---|")
    print("\n".join(rows))
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
