"""How long a platform's export takes to import: five years of a daily export, as downloaded.

Writes (to a temporary folder, never committed) an X account overview of 1,826 days in the
platform's own shape (``tests/export_files.py``), then times ``read_metrics`` (recognise,
read, check, aggregate) and ``Workspace.import_file`` into a new SQLite folder, each in a
fresh process, and prints the median of ``--runs``.

    .venv/bin/python bench/bench_exports.py            # about 20 seconds
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS = 5 * 365 + 1

CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from strategy.domain.access import LOCAL_USER
from strategy.ingest.read import read_metrics
from strategy.usecases import Workspace
path, case, folder = Path({path!r}), {case!r}, Path({folder!r})
started = time.perf_counter()
if case == "read":
    read_metrics(path)
else:
    Workspace.open(folder, create=True).import_file(LOCAL_USER, path)
print(time.perf_counter() - started)
"""


def write_export(folder: Path) -> Path:
    """Five years of an X account overview, newest first, dates like ``Thu, Sep 11, 2025``."""
    from tests import export_files

    truth = export_files.counts(export_files.X_OVERVIEW, n=DAYS, top=5000)
    truth["day"] = [d - dt.timedelta(days=DAYS) for d in truth["day"]]  # ends in Aug 2025
    return export_files.write_x_overview(truth, folder)


def timed(case: str, path: Path, folder: Path) -> float:
    code = CHILD.format(root=str(ROOT), path=str(path), case=case, folder=str(folder))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        path = write_export(Path(tmp))
        print(f"{path.name}: {DAYS:,} days, {path.stat().st_size / 1024:.0f} KB")
        for case in ("read", "import"):
            times = [timed(case, path, Path(tmp) / f"ws-{case}-{n}") for n in range(args.runs)]
            print(f"{case}: median {statistics.median(times):.3f} s of {args.runs} fresh runs")


if __name__ == "__main__":
    main()
