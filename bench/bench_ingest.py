"""Benchmark: importing an events file and the analysis on its result, against the floor.

    python bench/bench_ingest.py [--rows N] [--repeats K]

Generates (once, fixed seed) an events parquet file in ``bench/data/`` and reports, as median
wall time and peak RSS, each as a ratio to the floor:

- floor: ``pyarrow.parquet.read_table`` of the five needed columns;
- import: ``strategy.ingest.read.read_metrics`` (validation and weekly derivation);
- pandas: the straightforward pandas derivation (``bench/pandas_reference.py``);
- report: ``strategy.domain.analysis.analyse`` on the snapshot of a workspace holding the demo
  company plus the imported weekly table (8 platforms, two years);
- dashboard: a rerun of ``app.py`` on cached data in Streamlit's ``AppTest``;
- store: ``Workspace.import_file`` of the events file into a new workspace, on a SQLite
  folder and on a PostgreSQL database (a throwaway server, durable settings, started by
  ``scripts/postgres.sh`` unless ``ROLLOUT_BENCH_PG`` names one); (d) and (e) are measured on
  both engines too.

Every measurement runs in a fresh subprocess (this process stays small, so the children's
peak RSS is their own); a child times only the measured call and reports its own peak RSS.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SEED = 20_261_123
PLATFORMS = (
    ("instagram", 0.26),
    ("tiktok", 0.20),
    ("youtube", 0.14),
    ("linkedin", 0.12),
    ("facebook", 0.10),
    ("forum", 0.08),
    ("discord", 0.06),
    ("x", 0.04),
)
MEMBER_KINDS = (
    ("like", 0.50),
    ("comment", 0.20),
    ("share", 0.10),
    ("reply", 0.07),
    ("message", 0.08),
    ("mention", 0.05),
)
BRAND_KINDS = (("post", 0.35), ("reply", 0.35), ("comment", 0.20), ("message", 0.10))
BRAND_SHARE = 0.04
WEEKS = 104
FIRST_MONDAY = dt.date(2024, 11, 18)
"""Two years of weeks ending Sunday 2026-11-15."""
MEMBERS_PER_ROW = 0.11
"""Size of the member pool per event row; tuned so 20M rows give about 2M distinct members."""
ROW_GROUP = 1 << 20
TODAY = dt.date(2026, 11, 23)


# --- data ----------------------------------------------------------------------------------


def data_path(rows: int) -> Path:
    return DATA / f"events-{rows}.parquet"


def generate(rows: int, path: Path) -> dict[str, Any]:
    """Write ``rows`` events (sorted by time, zstd) to ``path``; return its sizes."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rng = np.random.default_rng(SEED)
    names = pa.array([p for p, _ in PLATFORMS])
    weights = np.array([w for _, w in PLATFORMS])
    pool = max(1000, int(rows * MEMBERS_PER_ROW))
    home = rng.choice(len(PLATFORMS), size=pool, p=weights)
    growth = 0.4 + np.arange(WEEKS) / (WEEKS - 1)  # activity grows through the rollout
    per_week = np.floor(rows * growth / growth.sum()).astype(np.int64)
    per_week[-1] += rows - per_week.sum()
    start_us = int(dt.datetime(*FIRST_MONDAY.timetuple()[:3]).timestamp()) * 1_000_000
    week_us = 7 * 86_400 * 1_000_000
    schema = pa.schema(
        [
            ("ts", pa.timestamp("us", tz="UTC")),
            ("platform", pa.string()),
            ("member_id", pa.string()),
            ("kind", pa.string()),
            ("by_brand", pa.bool_()),
        ]
    )
    seen = np.zeros(pool, dtype=bool)
    buffered: list[pa.Table] = []
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for week, n in enumerate(per_week):
            n_brand = rng.binomial(n, BRAND_SHARE)
            n_member = n - n_brand
            # members join through the two years; old members are the regulars
            joined = max(1000, int(pool * ((week + 1) / WEEKS) ** 0.8))
            u = rng.random(n_member)
            regular = rng.random(n_member) < 0.55
            member = np.where(regular, joined * u**3, joined * u).astype(np.int64)
            seen[member] = True
            at_home = rng.random(n_member) < 0.85
            member_platform = np.where(
                at_home, home[member], rng.choice(len(PLATFORMS), n_member, p=weights)
            )
            member_ids = pc.cast(
                pa.array((member * 2_654_435_761) % (1 << 32) + 10**10), pa.string()
            )
            brand_platform = rng.choice(len(PLATFORMS), n_brand, p=weights)
            brand_ids = pc.binary_join_element_wise(
                "brand", names.take(pa.array(brand_platform)), "_"
            )
            member_kind = rng.choice(len(MEMBER_KINDS), n_member, p=[p for _, p in MEMBER_KINDS])
            brand_kind = rng.choice(len(BRAND_KINDS), n_brand, p=[p for _, p in BRAND_KINDS])
            ts = start_us + week * week_us + rng.integers(0, week_us, n)
            order = pa.array(np.argsort(ts, kind="stable"))
            table = pa.table(
                {
                    "ts": pa.array(ts, pa.int64()).cast(schema.field("ts").type),
                    "platform": pa.concat_arrays(
                        [
                            names.take(pa.array(member_platform)),
                            names.take(pa.array(brand_platform)),
                        ]
                    ),
                    "member_id": pa.concat_arrays([member_ids, brand_ids]),
                    "kind": pa.concat_arrays(
                        [
                            pa.array([k for k, _ in MEMBER_KINDS]).take(pa.array(member_kind)),
                            pa.array([k for k, _ in BRAND_KINDS]).take(pa.array(brand_kind)),
                        ]
                    ),
                    "by_brand": pa.array(np.r_[np.zeros(n_member, bool), np.ones(n_brand, bool)]),
                },
                schema=schema,
            ).take(order)
            buffered.append(table)
            if sum(t.num_rows for t in buffered) >= ROW_GROUP or week == WEEKS - 1:
                writer.write_table(pa.concat_tables(buffered), row_group_size=ROW_GROUP)
                buffered = []
    tmp.replace(path)
    return {
        "rows": rows,
        "members": int(seen.sum()),
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "first_week": FIRST_MONDAY.isoformat(),
        "weeks": WEEKS,
        "platforms": len(PLATFORMS),
        "seed": SEED,
    }


def ensure_data(rows: int) -> tuple[Path, dict[str, Any]]:
    """The events file for ``rows`` and its sizes, generated in a child process if missing."""
    path, meta = data_path(rows), data_path(rows).with_suffix(".json")
    if not (path.exists() and meta.exists()):
        print(f"generating {rows:,} rows into {path} ...", file=sys.stderr, flush=True)
        child("generate", str(path), str(rows))
    return path, json.loads(meta.read_text())


# --- cases (each runs in its own child process) ---------------------------------------------


def case_generate(path: str, rows: str) -> None:
    target = Path(path)
    sizes = generate(int(rows), target)
    target.with_suffix(".json").write_text(json.dumps(sizes, indent=2))


def case_floor(path: str) -> dict[str, Any]:
    import pyarrow.parquet as pq

    start = time.perf_counter()
    table = pq.read_table(path, columns=["ts", "platform", "member_id", "kind", "by_brand"])
    seconds = time.perf_counter() - start
    return {"times": [seconds], "columns_mb": table.nbytes / 2**20}


def case_import(path: str) -> dict[str, Any]:
    from strategy.ingest.read import read_metrics

    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # libraries loaded
    start = time.perf_counter()
    read_metrics(Path(path), today=TODAY)
    return {"times": [time.perf_counter() - start], "baseline_mb": baseline_mb}


def case_pandas(path: str) -> float:
    sys.path.insert(0, str(ROOT / "bench"))
    from pandas_reference import weekly_events_pandas

    start = time.perf_counter()
    weekly_events_pandas(Path(path))
    return time.perf_counter() - start


def case_workspace(path: str, root: str) -> dict[str, Any]:
    """The demo company's workspace with the events file imported (8 platforms, 2 years)."""
    from strategy.demo import DEMO_ACTOR, seed_demo

    ws = seed_demo(root)
    ws.import_file(DEMO_ACTOR, Path(path), today=TODAY)
    weekly = ws.snapshot().weekly
    return {
        "weekly_rows": len(weekly),
        "platforms": weekly["platform"].nunique(),
        "weeks": weekly["week"].nunique(),
    }


def case_store(path: str, base: str) -> float:
    """Import the events file into a new workspace under ``base`` (a folder or a server)."""
    import uuid

    from strategy.demo import DEMO_ACTOR
    from strategy.usecases import Workspace

    name = f"bench_{uuid.uuid4().hex[:12]}"
    if "://" in base:
        import psycopg
        from sqlalchemy.engine import make_url

        server = make_url(base)
        plain = server.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        location = server.set(database=name).render_as_string(hide_password=False)
    else:
        location = str(Path(base) / name)
    ws = Workspace.open(location, create=True)
    start = time.perf_counter()
    ws.import_file(DEMO_ACTOR, Path(path), today=TODAY)
    return time.perf_counter() - start


def case_report(root: str, runs: str) -> list[float]:
    from strategy.domain.analysis import analyse
    from strategy.usecases import Workspace

    snapshot = Workspace(root).snapshot()
    times = []
    for _ in range(int(runs)):
        start = time.perf_counter()
        analyse(snapshot, TODAY)
        times.append(time.perf_counter() - start)
    return times


def case_dashboard(root: str, runs: str) -> list[float]:
    from streamlit.testing.v1 import AppTest

    os.environ["ROLLOUT_WORKSPACE"] = root
    os.environ["ROLLOUT_TODAY"] = TODAY.isoformat()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()  # warms the cached snapshot and analysis
    if at.exception:
        raise RuntimeError(f"app.py failed: {at.exception}")
    times = []
    for _ in range(int(runs)):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return times


CASES = {
    "generate": case_generate,
    "floor": case_floor,
    "import": case_import,
    "pandas": case_pandas,
    "workspace": case_workspace,
    "store": case_store,
    "report": case_report,
    "dashboard": case_dashboard,
}


def child_main(name: str, args: list[str]) -> None:
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    result = CASES[name](*args)
    out: dict[str, Any] = {"times": []}
    if isinstance(result, dict):
        out.update(result)
    elif isinstance(result, list):
        out["times"] = result
    elif result is not None:
        out["times"] = [result]
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def child(name: str, *args: str) -> dict[str, Any]:
    """Run one case in a fresh interpreter and return its timings and peak RSS."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, *args],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(name: str, repeats: int, *args: str) -> tuple[float, float, dict[str, Any]]:
    """Median wall time, largest peak RSS (MB) and the last run's extra facts of a case."""
    times, peaks = [], []
    result: dict[str, Any] = {}
    for _ in range(repeats):
        result = child(name, *args)
        times += result["times"]
        peaks.append(result["peak_mb"])
    print(f"  {name}: {[round(t, 3) for t in times]} s, {max(peaks):.0f} MB", file=sys.stderr)
    return statistics.median(times), max(peaks), result


# --- the PostgreSQL server --------------------------------------------------------------------


@contextlib.contextmanager
def postgres(tmp: str) -> Iterator[str]:
    """ROLLOUT_BENCH_PG, or a throwaway server with durable settings (fsync on, on disk)."""
    given = os.environ.get("ROLLOUT_BENCH_PG", "").strip()
    if given:
        yield given
        return
    script = str(ROOT / "scripts" / "postgres.sh")
    folder = str(Path(tmp) / "pg")
    url = subprocess.run(
        ["bash", script, "start", folder], check=True, stdout=subprocess.PIPE, text=True
    ).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run(["bash", script, "stop", folder], check=False)


def demo_database(server: str) -> str:
    """A new database on ``server`` for the report workspace."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute('CREATE DATABASE "bench_report"')
    return url.set(database="bench_report").render_as_string(hide_password=False)


# --- report -----------------------------------------------------------------------------------


def machine() -> str:
    cpus = os.cpu_count()
    with open("/proc/meminfo") as fh:
        mem_kb = int(fh.readline().split()[1])
    model = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model or platform.processor()}, {cpus} cores, {mem_kb / 2**20:.0f} GB RAM"


def ratio(value: float, floor: float) -> str:
    share = value / floor
    return f"{share:.1f}" if share >= 1 else f"{share:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--repeats", type=int, default=3, help="fresh runs of the big cases")
    parser.add_argument("--runs", type=int, default=20, help="report/dashboard runs per child")
    parser.add_argument(
        "--skip-pandas", action="store_true", help="leave out the slow pandas reference"
    )
    opts = parser.parse_args()
    path, sizes = ensure_data(opts.rows)
    load = os.getloadavg()
    print(
        f"{sizes['rows']:,} rows, {sizes['members']:,} distinct members, "
        f"{sizes['platforms']} platforms, {sizes['weeks']} weeks, {sizes['file_mb']} MB zstd; "
        f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        file=sys.stderr,
    )
    rows: list[tuple[str, float, float]] = []
    *floor, floor_facts = measure("floor", opts.repeats, str(path))
    columns_mb = float(floor_facts["columns_mb"])
    rows.append(("(a) floor: pyarrow read_table of the 5 columns", *floor))
    cases = [("(b) import: read_metrics (validate + derive)", "import", opts.repeats, str(path))]
    if not opts.skip_pandas:
        cases.append(("(c) straightforward pandas derivation", "pandas", opts.repeats, str(path)))
    baseline_mb = 0.0
    for label, name, repeats, arg in cases:
        seconds, peak, facts = measure(name, repeats, arg)
        rows.append((label, seconds, peak))
        baseline_mb = float(facts.get("baseline_mb", baseline_mb))
    engines: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="rollout-bench-") as tmp, postgres(tmp) as server:
        for engine, base in (("SQLite", tmp), ("PostgreSQL", server)):
            seconds, peak, _ = measure("store", opts.repeats, str(path), base)
            rows.append((f"(f) store: import_file into {engine}", seconds, peak))
            engines[engine] = {"store": seconds}
            where = str(Path(tmp) / "ws") if engine == "SQLite" else demo_database(server)
            held = child("workspace", str(path), where)
            runs = str(opts.runs)
            for label, name in [
                (f"(d) report: analyse(snapshot), 8 platforms, {engine}", "report"),
                (f"(e) dashboard: app.py rerun on cached data, {engine}", "dashboard"),
            ]:
                seconds, peak, _ = measure(name, 1, where, runs)
                rows.append((label, seconds, peak))
                engines[engine][name] = seconds
    end_load = os.getloadavg()
    print()
    print(
        f"{sizes['rows']:,} event rows, {sizes['members']:,} distinct members, "
        f"{sizes['platforms']} platforms, {sizes['weeks']} weeks, {sizes['file_mb']} MB zstd; "
        f"report workspace: {held['weekly_rows']:,} weekly rows, {held['platforms']} platforms, "
        f"{held['weeks']} weeks."
    )
    print(
        f"The 5 columns take {columns_mb:.0f} MB in memory (Arrow); the import's process holds "
        f"{baseline_mb:.0f} MB with its libraries loaded, before it reads the file."
    )
    print(f"Machine: {machine()}; Python {platform.python_version()}.")
    print(
        f"Load average (1 min) {load[0]:.2f} at start, {end_load[0]:.2f} at end. "
        f"Median of {opts.repeats} fresh runs for (a)-(c), of {opts.runs} runs for (d)-(e); "
        "peak RSS is the largest of the runs."
    )
    print()
    print("| case | median time | x floor | peak RSS | x floor |")
    print("|---|---:|---:|---:|---:|")
    for label, seconds, peak in rows:
        print(
            f"| {label} | {seconds:.3f} s | {ratio(seconds, floor[0])} | "
            f"{peak:.0f} MB | {ratio(peak, floor[1])} |"
        )
    case = {label[:3]: (seconds, peak) for label, seconds, peak in rows}
    imported, peak = case["(b)"]
    sqlite, pg = engines["SQLite"], engines["PostgreSQL"]
    checks = [
        (f"(b) within 6x the floor: {imported / floor[0]:.1f}x", imported <= 6 * floor[0]),
        (f"(b) peak RSS under 1.2 GB: {peak / 1024:.2f} GB", peak < 1.2 * 1024),
        (
            f"(b) memory for the import (peak RSS less the libraries' {baseline_mb:.0f} MB) "
            f"within 2x the columns' in-memory size: {(peak - baseline_mb) / columns_mb:.2f}x",
            peak - baseline_mb <= 2 * columns_mb,
        ),
        (
            f"(f) PostgreSQL import within 1.5x the SQLite one: {pg['store']:.2f} s vs "
            f"{sqlite['store']:.2f} s = {pg['store'] / sqlite['store']:.2f}x",
            pg["store"] <= 1.5 * sqlite["store"],
        ),
    ]
    for engine, figures in engines.items():
        checks += [
            (f"(d) under 0.2 s on {engine}: {figures['report']:.3f} s", figures["report"] < 0.2),
            (
                f"(e) under 0.3 s on {engine}: {figures['dashboard']:.3f} s",
                figures["dashboard"] < 0.3,
            ),
        ]
    if "(c)" in case:
        speedup = case["(c)"][0] / imported
        checks.insert(1, (f"(b) at least 5x faster than (c): {speedup:.1f}x", speedup >= 5))
    print("\nTargets:")
    for text, met in checks:
        print(f"- {'met' if met else 'MISSED'}: {text}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_main(sys.argv[2], sys.argv[3:])
    else:
        main()
