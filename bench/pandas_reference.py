"""The straightforward pandas derivation of the weekly events metrics: the benchmark's yardstick.

It reads the five event columns into one DataFrame and derives the same long weekly table as
``strategy.ingest.events.derive_weekly_events`` the way one would write it in pandas: normalise,
group (a ``post``, ``question`` or ``thread`` starts a thread),
``drop_duplicates`` for distinct members, a merge with the week before for returning
members, a running count of members by the week they were first seen for community members.
It validates nothing; ``tests/test_bench_reference.py`` proves both tables agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from strategy.domain.metrics import WEEKLY_COLUMNS, normalise_name
from strategy.ingest.events import EVENT_COLUMNS, EVENT_METRICS, column_map

_TRUE_WORDS = {"true", "t", "yes", "y", "1"}


def weekly_events_pandas(path: Path) -> pd.DataFrame:
    """Derive the long weekly table of an events parquet file with plain pandas."""
    spelled = column_map(pq.read_schema(path))  # column names match like the import's do
    events = pd.read_parquet(path, columns=[spelled[c] for c in EVENT_COLUMNS])
    events.columns = list(EVENT_COLUMNS)
    platform = events["platform"].map({p: normalise_name(p) for p in events["platform"].unique()})
    ts = pd.to_datetime(events["ts"], utc=True).dt.tz_localize(None)
    week = ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D")
    by_brand = events["by_brand"]
    if by_brand.dtype != bool:
        by_brand = by_brand.astype(str).str.strip().str.lower().isin(_TRUE_WORDS)
    kind = events["kind"].astype("str").str.strip().str.lower()
    frame = pd.DataFrame(
        {
            "platform": platform,
            "week": week,
            "member": events["member_id"],
            "brand": by_brand.astype(bool),
            "post": kind.isin(["post", "question", "thread"]),  # starts a thread
            "inbound": kind.isin(["message", "mention"]),
        }
    )
    del events, ts, week, kind, platform, by_brand
    keys = ["platform", "week"]

    brand = frame[frame["brand"]]
    members = frame[~frame["brand"]]
    counts = pd.DataFrame(
        {
            "brand_posts": brand.groupby(keys)["post"].sum(),
            "brand_replies": (~brand["post"]).groupby([brand["platform"], brand["week"]]).sum(),
            "member_interactions": members.groupby(keys).size(),
            "inbound_messages": members.groupby(keys)["inbound"].sum(),
            "member_initiated_threads": members.groupby(keys)["post"].sum(),
            "threads": frame.groupby(keys)["post"].sum(),
        }
    )

    active = members[["platform", "member", "week"]].drop_duplicates()
    first = active.groupby(["platform", "member"])["week"].min()
    before = active.assign(week=active["week"] + pd.Timedelta(days=7))
    returning = active.merge(before, on=["platform", "member", "week"])
    counts["active_members"] = active.groupby(keys).size()
    counts["returning_members"] = returning.groupby(keys).size()
    counts["new_members"] = first.reset_index().groupby(keys).size()
    per_week = _every_week(counts.fillna(0))
    # distinct members seen so far: each member counts from its first week on, gap weeks too
    first_seen = first.reset_index().groupby(keys).size().reindex(per_week.index, fill_value=0)
    per_week["community_members"] = first_seen.groupby(level="platform").cumsum()
    return _long(per_week)


def _every_week(per_week: pd.DataFrame) -> pd.DataFrame:
    """(platform, week) counts with every week of each platform's span, gap weeks as zeros."""
    spans = per_week.reset_index().groupby("platform")["week"].agg(["min", "max"])
    full = pd.MultiIndex.from_tuples(
        [(p, w) for p, lo, hi in spans.itertuples() for w in pd.date_range(lo, hi, freq="7D")],
        names=["platform", "week"],
    )
    return per_week.reindex(full, fill_value=0)


def _long(per_week: pd.DataFrame) -> pd.DataFrame:
    """(platform, week) x metric values, every week present -> the long weekly table."""
    per_week = per_week[list(EVENT_METRICS)].reset_index()
    long = per_week.melt(id_vars=["platform", "week"], var_name="metric", value_name="value")
    out = pd.DataFrame(
        {
            "week": long["week"].astype("datetime64[ns]"),
            "platform": long["platform"].astype("str"),
            "metric": long["metric"].astype("str"),
            "value": long["value"].astype(np.float64),
        }
    )
    return out.sort_values(["platform", "week", "metric"], kind="stable").reset_index(drop=True)[
        list(WEEKLY_COLUMNS)
    ]
