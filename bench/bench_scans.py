"""Benchmark: how many scans of an events file the import needs, two or one.

    python bench/bench_scans.py [--repeats K] [--rows N]

The import reads an events file twice (``strategy.ingest.events.read_events``): a tally per
(platform, week, by_brand, kind) for the checks and the counts, then one bitset of active
weeks per (platform, member), whose width and first week come from the tally. Issue 21 asks
for one pass, "or as few as DuckDB needs". This times, on the file of ``bench_ingest.py``
(``--rows``, 20 million by default, generated into ``bench/data/`` if missing), each in a
fresh process on the import's own DuckDB connection (``event_sql.connect``: 2 threads, 800 MB,
spilling to a temporary folder), K turns in a row:

- ``tally``: the import's first scan alone;
- ``bitsets``: its second scan alone (the span taken as known);
- ``grouping sets``: both results from one scan, ``GROUP BY GROUPING SETS`` of both keys;
- ``materialized``: both from one scan held as a ``MATERIALIZED`` CTE, read by both groupings.

The one-scan shapes group by the raw platform name (the normalised names, and so the codes
the bitsets are keyed by, are known only after a scan). The figure is each one-scan shape
against the two scans' sum (wall and CPU), with every process's peak RSS; a shape that runs
out of the import's memory limit is named so. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import ensure_data  # noqa: E402

from strategy.ingest.event_sql import DUCKDB_MEMORY_LIMIT  # noqa: E402

SHAPES = ("tally", "bitsets", "grouping sets", "materialized")


def queries(path: Path, first: int, n_words: int) -> dict[str, str]:
    """Each shape's SQL over ``path``, from the import's own expressions."""
    import pyarrow.parquet as pq

    from strategy.ingest.event_sql import EPOCH_TO_MONDAY_US, US_PER_WEEK, EventSql

    sql = EventSql(path, pq.read_schema(path))
    col = sql.col
    week = f"({sql.ts_us} + {EPOCH_TO_MONDAY_US}) // {US_PER_WEEK}"
    rows = f"""
        SELECT {col["platform"]} AS platform, {sql.ts_us} AS t, {week} AS wk,
               ({week} - {first})::UINTEGER AS d,
               {sql.by_brand} AS by_brand, {col["kind"]} AS kind, {col["member_id"]} AS member
        FROM {sql.source}"""
    # d as UINTEGER, as the import has it: as BIGINT the bitsets of 100M rows run out of memory
    bits = ", ".join(
        f"bit_or(((d >> 6) = {j})::UBIGINT << (d & 63)) AS w{j}" for j in range(n_words)
    )
    tally_of = "platform, wk, by_brand, kind, count(*) AS n, min(t) AS first_us, max(t) AS last_us"
    nulls = ", ".join(f"NULL::UBIGINT AS w{j}" for j in range(n_words))
    return {
        "tally": f"SELECT {tally_of} FROM ({rows}) GROUP BY ALL",
        "bitsets": f"""SELECT c.code, by_brand, {bits}
            FROM ({rows}) e JOIN codes c ON c.raw = e.platform
            GROUP BY c.code, by_brand, member HAVING NOT by_brand""",
        "grouping sets": f"""SELECT GROUPING(member) = 1 AS tally_row, {tally_of}, {bits}
            FROM ({rows})
            GROUP BY GROUPING SETS ((platform, wk, by_brand, kind), (platform, by_brand, member))
            HAVING GROUPING(member) = 1 OR NOT by_brand""",
        "materialized": f"""WITH e AS MATERIALIZED ({rows})
            SELECT true AS tally_row, {tally_of}, {nulls} FROM e GROUP BY ALL
            UNION ALL
            SELECT false, platform, NULL, by_brand, NULL, NULL, NULL, NULL, {bits}
            FROM e GROUP BY platform, by_brand, member HAVING NOT by_brand""",
    }


def run_shape(path: Path, shape: str) -> None:
    """In this process: read ``shape``'s result in batches, print wall, CPU, peak RSS, rows."""
    import duckdb

    from strategy.ingest.event_sql import EPOCH_TO_MONDAY_US, US_PER_WEEK, connect

    week = f"(epoch_us(ts) + {EPOCH_TO_MONDAY_US}) // {US_PER_WEEK}"
    with duckdb.connect() as probe:  # the span, as the tally gives it to the import
        first, last = probe.execute(
            f"SELECT min({week}), max({week}) FROM read_parquet('{path}')"
        ).fetchall()[0]
    query = queries(path, first, (last - first) // 64 + 1)[shape]
    with connect() as con:
        con.execute(  # platform codes, as the import joins them (its bitsets' key)
            "CREATE TEMP TABLE codes AS SELECT raw, (row_number() OVER ())::UINTEGER AS code "
            f"FROM (SELECT DISTINCT platform AS raw FROM read_parquet('{path}'))"
        )
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            rows = sum(batch.num_rows for batch in con.sql(query).to_arrow_reader(1 << 20))
        except duckdb.OutOfMemoryException:
            rows = -1  # beyond the import's memory limit
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{wall:.3f} {cpu:.3f} {rss:.0f} {rows}")


def measure(path: Path, shape: str) -> tuple[float, float, float, int]:
    """Wall s, CPU s, peak RSS MB and result rows of ``shape`` in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--shape", shape, "--file", str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2]), int(out[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--shape", choices=SHAPES, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.shape:
        run_shape(args.file, args.shape)
        return
    path, _ = ensure_data(args.rows)
    print(f"{path.name}: load average {os.getloadavg()[0]:.2f} at the start")
    runs: dict[str, list[tuple[float, float, float, int]]] = {s: [] for s in SHAPES}
    for _ in range(args.repeats):
        for shape in SHAPES:
            runs[shape].append(measure(path, shape))
    median = {s: [statistics.median(r[i] for r in runs[s]) for i in range(3)] for s in SHAPES}
    for shape in SHAPES:
        wall, cpu, rss = median[shape]
        if any(r[3] < 0 for r in runs[shape]):
            print(f"{shape:>14}: out of memory (over {DUCKDB_MEMORY_LIMIT}) after {wall:.2f} s")
            continue
        print(f"{shape:>14}: {wall:6.2f} s wall {cpu:6.2f} s CPU {rss:6.0f} MB peak RSS "
              f"({runs[shape][0][3]:,} rows)")  # fmt: skip
    two_wall = median["tally"][0] + median["bitsets"][0]
    two_cpu = median["tally"][1] + median["bitsets"][1]
    print(f"{'two scans':>14}: {two_wall:6.2f} s wall {two_cpu:6.2f} s CPU (tally + bitsets)")
    for shape in ("grouping sets", "materialized"):
        if any(r[3] < 0 for r in runs[shape]):
            continue
        wall, cpu, _ = median[shape]
        print(
            f"{shape:>14} against two scans: {wall / two_wall:.2f}x wall, {cpu / two_cpu:.2f}x CPU"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
