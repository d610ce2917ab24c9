"""Benchmark: an events import as a user runs it, against a bare DuckDB query, and as it grows.

    python bench/bench_scale.py [--repeats K] [--with-100m]

- 20M import: ``python -m strategy init WS`` then ``python -m strategy import WS FILE`` on
  the 20-million-row file of ``bench_ingest.py`` (wall time of both processes, the larger
  peak RSS), against the floor: one bare DuckDB query of the same weekly figures (active,
  new and returning members, brand posts and replies, member interactions, per platform and
  week) over the same file, in a fresh process with DuckDB's defaults. They run in turns
  (import, query, import, query, ...) and the ratio of medians is the figure (target 1.0x).
- 100M import (``--with-100m``, once: about 1 GB of parquet, generated into ``bench/data/``
  if missing, 5x wider: five times the members): the same import, against the 20M import's
  median (targets: peak RSS at most 1.5 GB, time at most 5.5x).

Every process's wall time is taken around it and its peak RSS from ``wait4``; the load
average is printed before and after: on a busy machine compare ratios.
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
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import data_path, ensure_data  # noqa: E402

CLI = (sys.executable, "-m", "strategy")
THREADS = ("post", "question", "thread")


def bare_query(path: Path) -> str:
    """The weekly figures in one DuckDB query: what the import computes, nothing checked.

    Distinct (platform, member, week) triples and one window over them (the week before a
    member's week): new members have none, returning ones the week just before."""
    threads = ", ".join(f"'{k}'" for k in THREADS)
    return f"""
    WITH e AS (
        SELECT platform, member_id, by_brand, lower(trim(kind)) AS kind,
               (epoch_us(ts) + 3 * 86400000000) // (7 * 86400000000) AS wk
        FROM read_parquet('{path}')
    ), counts AS (
        SELECT platform, wk,
               count(*) FILTER (WHERE by_brand AND kind IN ({threads})) AS brand_posts,
               count(*) FILTER (WHERE by_brand AND kind NOT IN ({threads})) AS brand_replies,
               count(*) FILTER (WHERE NOT by_brand) AS member_interactions
        FROM e GROUP BY platform, wk
    ), seen AS (
        SELECT platform, member_id, wk FROM e WHERE NOT by_brand GROUP BY ALL
    ), members AS (
        SELECT platform, wk, count(*) AS active_members,
               count(*) FILTER (WHERE before IS NULL) AS new_members,
               count(*) FILTER (WHERE before = wk - 1) AS returning_members
        FROM (
            SELECT platform, wk,
                   lag(wk) OVER (PARTITION BY platform, member_id ORDER BY wk) AS before
            FROM seen
        ) GROUP BY platform, wk
    )
    SELECT * FROM counts LEFT JOIN members USING (platform, wk) ORDER BY platform, wk
    """


def child_query(path: str) -> None:
    import duckdb

    rows = duckdb.connect().execute(bare_query(Path(path))).fetchall()
    print(f"{len(rows)} platform-weeks", file=sys.stderr)


def measured(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one process, which must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def import_run(path: Path) -> tuple[float, float, float]:
    """``init`` then ``import`` of ``path`` into a new workspace folder: total wall, total
    CPU, peak MB."""
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        ws = str(Path(tmp) / "ws")
        init = measured([*CLI, "init", ws])
        done = measured([*CLI, "import", ws, str(path)])
    return init[0] + done[0], init[1] + done[1], max(init[2], done[2])


def query_run(path: Path) -> tuple[float, float, float]:
    return measured([sys.executable, __file__, "--child-query", str(path)])


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="turns of import and query")
    parser.add_argument("--with-100m", action="store_true", help="also import 100M rows once")
    parser.add_argument("--child-query", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_query:
        child_query(args.child_query)
        return
    path, meta = ensure_data(20_000_000)
    print(f"load average at start: {load()}; {meta['rows']:,} rows, {meta['file_mb']} MB")
    imports, queries = [], []
    for _ in range(args.repeats):
        imports.append(import_run(path))
        queries.append(query_run(path))
        print(f"  import {imports[-1][0]:.2f} s, query {queries[-1][0]:.2f} s", flush=True)
    imp = [statistics.median(run[i] for run in imports) for i in (0, 1)]
    qry = [statistics.median(run[i] for run in queries) for i in (0, 1)]
    imp_mb, qry_mb = max(run[2] for run in imports), max(run[2] for run in queries)
    print(
        "| figure | wall | CPU | peak RSS | floor | wall | CPU | peak RSS "
        "| ratio wall, CPU | target |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---|---|")
    print(
        f"| 20M import (init + import) | {imp[0]:.2f} s | {imp[1]:.2f} s | {imp_mb:.0f} MB "
        f"| bare DuckDB weekly query | {qry[0]:.2f} s | {qry[1]:.2f} s | {qry_mb:.0f} MB "
        f"| {imp[0] / qry[0]:.2f}x, {imp[1] / qry[1]:.2f}x | wall at most 1.0x |"
    )
    if args.with_100m:
        big, big_meta = ensure_data(100_000_000)
        took, cpu, mb = import_run(big)
        print(
            f"| 100M import (init + import), {big_meta['members']:,} members | {took:.2f} s "
            f"| {cpu:.2f} s | {mb:.0f} MB | the 20M import | {imp[0]:.2f} s | {imp[1]:.2f} s "
            f"| {imp_mb:.0f} MB | {took / imp[0]:.2f}x, {cpu / imp[1]:.2f}x "
            "| time at most 5.5x, peak RSS at most 1536 MB |"
        )
    print(f"load average at end: {load()}")
    assert data_path(20_000_000).exists()


if __name__ == "__main__":
    main()
