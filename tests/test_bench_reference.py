"""The benchmark compares like with like: the pandas reference and the DuckDB derivation agree.

``bench/pandas_reference.py`` is the yardstick ``bench/bench_ingest.py`` times the import
against; on the benchmark's own generator (small) and on awkward hand-made events they must
give the identical weekly table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench.bench_ingest import generate
from bench.pandas_reference import weekly_events_pandas
from strategy.ingest import event_weeks
from strategy.ingest.events import EVENT_METRICS, derive_weekly_events
from strategy.ingest.read import read_metrics


def test_the_reference_matches_the_derivation_on_the_benchmark_generator(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    sizes = generate(30_000, path)
    reference = weekly_events_pandas(path)
    pd.testing.assert_frame_equal(reference, derive_weekly_events(path))
    assert set(reference["platform"]) == {
        "instagram", "tiktok", "youtube", "linkedin", "facebook", "forum", "discord", "x"
    }  # fmt: skip
    weeks = reference["week"].drop_duplicates()
    assert len(weeks) == sizes["weeks"] == 104
    assert reference.query("metric == 'returning_members'")["value"].sum() > 0
    new = reference.query("metric == 'new_members'")["value"].sum()
    assert new == distinct_member_pairs(path)
    members = reference.query("metric == 'community_members'").groupby("platform")["value"]
    assert members.is_monotonic_increasing.all()
    assert members.last().sum() == new  # by the last week every member has been seen


def distinct_member_pairs(path: Path) -> int:
    """Distinct (platform, member) pairs among member rows: the total of new_members."""
    table = pq.read_table(path, columns=["platform", "member_id", "by_brand"]).to_pandas()
    members = table[~table["by_brand"]]
    return len(members[["platform", "member_id"]].drop_duplicates())


def messy_events(rng: np.random.Generator, n: int, weeks: int) -> pa.Table:
    """Events with spellings, padded kinds, integer member ids, gaps and a long span."""
    start = dt.datetime(2022, 1, 3, tzinfo=dt.UTC)  # a Monday
    # a few members active most weeks, so some cross the 64- and 128-week word boundaries
    week = rng.integers(0, weeks, n)
    week[: weeks * 3] = np.repeat(np.arange(weeks), 3)
    week[(week > 40) & (week < 45)] = 39  # a four-week gap for every platform
    seconds = week * 7 * 86_400 + rng.integers(0, 7 * 86_400, n)
    ts = pd.Timestamp(start) + pd.to_timedelta(seconds, unit="s")
    member = rng.integers(0, 60, n)
    member[: weeks * 3] = np.tile([1, 2, 3], weeks)
    spellings = np.array(["Instagram", " instagram", "INSTAGRAM ", "Forum", "forum", "Tik Tok"])
    kinds = np.array(["post", " Post", "POST ", "comment", "Message", "mention ", "like", "reply"])
    return pa.table(
        {
            "TS": pa.array(ts).cast(pa.timestamp("ms", tz="Europe/Berlin")),
            "Platform": pa.array(spellings[rng.integers(0, len(spellings), n)]),
            "member_id": pa.array(member, pa.int64()),
            "kind": pa.array(kinds[rng.integers(0, len(kinds), n)]),
            "by_brand": pa.array(rng.random(n) < 0.15),
        }
    )


def test_the_reference_matches_the_derivation_on_messy_events_over_three_years(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(7)
    path = tmp_path / "messy.parquet"
    pq.write_table(messy_events(rng, 6_000, weeks=150), path)
    reference = weekly_events_pandas(path)
    derived = read_metrics(path, today=dt.date(2026, 11, 23)).weekly
    pd.testing.assert_frame_equal(reference, derived)
    assert set(derived["platform"]) == {"instagram", "forum", "tik_tok"}
    assert sorted(derived["metric"].unique()) == sorted(EVENT_METRICS)
    per_platform = derived.groupby("platform")["week"].nunique()
    assert (per_platform == 150).all()
    week = pd.Timestamp("2022-01-03") + pd.to_timedelta(range(150), unit="W")
    gap = derived[derived["week"].isin(week[41:45])]  # no events in weeks 41 to 44
    assert set(gap["platform"]) == {"instagram", "forum", "tik_tok"}
    assert len(gap) == 4 * 3 * len(EVENT_METRICS)  # the gap weeks are there ...
    counts = gap[gap["metric"] != "community_members"]
    assert (counts["value"] == 0).all()  # ... counting nothing
    members = derived[derived["metric"] == "community_members"].set_index(["platform", "week"])
    for platform in ("instagram", "forum", "tik_tok"):  # ... but keeping the members seen
        seen = members.loc[(platform, week[40]), "value"]
        assert seen > 0
        assert [members.loc[(platform, w), "value"] for w in week[41:45]] == [seen] * 4


def test_the_bare_duckdb_query_of_the_scale_benchmark_gives_the_imports_weekly_figures(
    tmp_path: Path,
) -> None:
    """``bench/bench_scale.py`` times the import against one bare DuckDB query: on the
    benchmark's generator both give the same figures for every platform and week, written
    out as the same CSV bytes."""
    import duckdb

    from bench.bench_scale import bare_query

    path = tmp_path / "events.parquet"
    generate(30_000, path)
    bare = duckdb.connect().execute(bare_query(path)).df()
    bare["week"] = pd.Timestamp("1969-12-29") + pd.to_timedelta(bare.pop("wk") * 7, unit="D")
    figures = [c for c in bare.columns if c not in ("platform", "week")]
    derived = (
        derive_weekly_events(path)
        .query("metric in @figures")
        .pivot_table(index=["platform", "week"], columns="metric", values="value")
        .reset_index()
    )
    assert len(figures) == 6 and len(derived) == 8 * 104

    def as_csv(frame: pd.DataFrame) -> bytes:
        table = (
            frame[["platform", "week", *figures]].fillna(0).astype({f: "int64" for f in figures})
        )
        return table.sort_values(["platform", "week"]).to_csv(index=False).encode()

    assert as_csv(bare) == as_csv(derived)


@pytest.mark.parametrize("batch_rows", [1, 7, 4_096])
def test_counting_members_in_batches_gives_the_weekly_table_of_counting_them_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    """The import reads the (platform, member) bitsets a batch at a time, so its memory stays
    flat as members grow; on the benchmark's generator its weekly table is, byte for byte,
    the one read in one batch (as before batches)."""
    path = tmp_path / "events.parquet"
    generate(30_000, path)
    at_once = derive_weekly_events(path).to_csv(index=False).encode()
    monkeypatch.setattr(event_weeks, "MEMBER_BATCH_ROWS", batch_rows)
    assert derive_weekly_events(path).to_csv(index=False).encode() == at_once
    assert distinct_member_pairs(path) > 4_096  # the largest batch still splits the members
