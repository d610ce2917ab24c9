"""The weekly table of an events file: counts from the tally, as ``EVENT_COUNTS`` declares,
and distinct members (active, returning, new, community) from a second scan into bitsets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa

from strategy.domain.metrics import (
    WEEKLY_COLUMNS,
    empty_weekly,
)
from strategy.ingest.bitsets import any_of_previous, bit_counts, lowest_bit
from strategy.ingest.event_checks import refuse_missing_member
from strategy.ingest.event_kinds import EVENT_COUNTS, EVENT_METRICS, KIND_GROUPS
from strategy.ingest.event_sql import (
    CODES,
    EPOCH_TO_MONDAY_US,
    TALLY,
    US_PER_WEEK,
    EventSql,
    batches,
    sql_literal,
)

_WEEK_ZERO: Final[np.datetime64] = np.datetime64("1969-12-29", "D")
"""The Monday of week index 0."""


def _count_filter(whose: str, kinds: str) -> str:
    """The SQL condition on the tally's ``by_brand`` and ``grp`` of one ``EVENT_COUNTS`` entry."""
    by = {"brand": "by_brand", "member": "NOT by_brand", "anyone": "true"}[whose]
    if kinds == "any":
        return by
    group = kinds.removeprefix("other than ")
    if group not in KIND_GROUPS:
        raise ValueError(f"EVENT_COUNTS: unknown kind group {kinds!r}")
    test = f"grp = {sql_literal(group)}"
    return f"{by} AND {'NOT ' if kinds != group else ''}{test}"


def _counts_sql() -> tuple[str, str]:
    """The weekly counts' SELECT list and the kind -> group CASE, from the declarations."""
    cases = " ".join(
        f"WHEN {sql_literal(kind)} THEN {sql_literal(group)}"
        for group, kinds in KIND_GROUPS.items()
        for kind in kinds
    )
    grp = f"CASE lower(trim(CAST(kind AS VARCHAR))) {cases} ELSE '' END AS grp"
    sums = ", ".join(
        f"sum(n) FILTER (WHERE {_count_filter(whose, kinds)})::BIGINT AS {metric}"
        for metric, (whose, kinds) in EVENT_COUNTS.items()
    )
    return sums, grp


def derive(
    con: Any, sql: EventSql, name: str, platform_names: Mapping[str, str], returning: int
) -> pd.DataFrame:
    """The weekly table from the tally (counts) and a second scan (distinct members)."""
    platforms = sorted(set(platform_names.values()))
    code = {p: i for i, p in enumerate(platforms)}
    con.register(
        CODES,
        pa.table(
            {
                "raw": pa.array(list(platform_names), pa.string()),
                "code": pa.array([code[n] for n in platform_names.values()], pa.uint32()),
            }
        ),
    )
    sums, grp = _counts_sql()
    counts = con.execute(
        f"""
        SELECT c.code, t.wk, {sums}
        FROM (
            SELECT platform, wk, by_brand, n, {grp}
            FROM {TALLY} WHERE wk IS NOT NULL
        ) t JOIN {CODES} c ON c.raw = t.platform
        GROUP BY c.code, t.wk ORDER BY c.code, t.wk
        """
    ).df()
    if counts.empty:
        return empty_weekly()
    first, last = int(counts["wk"].min()), int(counts["wk"].max())
    active, back, new = _member_weeks(con, sql, name, (first, last), len(platforms), returning)
    at = (counts["code"].to_numpy(np.int64), counts["wk"].to_numpy(np.int64) - first)
    per_week = (
        counts.drop(columns="code")
        .fillna(0)
        .assign(
            platform=np.asarray(platforms, dtype=object)[at[0]],
            active_members=active[at],
            returning_members=back[at],
            new_members=new[at],
        )
    )
    return _to_long(per_week)


MEMBER_BATCH_ROWS: Final[int] = 1 << 20
"""Rows of (platform, member) bitsets counted at a time: numpy holds one batch, not all of
them, so the import's memory stays flat as the members grow (DuckDB spills the rest)."""


def _member_weeks(
    con: Any, sql: EventSql, name: str, span: tuple[int, int], n_platforms: int, returning: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Active, returning and new members per (platform code, week - first week of ``span``).

    One GROUP BY (platform, by_brand, member) turns the events into a bitset of the weeks
    each member was active (64 weeks per UBIGINT word); counting set bits per week gives
    active members, bits also set in any of the ``returning`` bits before them returning
    ones (``any_of_previous``), the lowest set bit new ones. Exact, and far cheaper than
    distinct (platform, week, member) rows and a window. The bitsets are read and counted
    ``MEMBER_BATCH_ROWS`` at a time; the counts add up.
    Brand accounts are grouped apart (and dropped) so a missing id on any row is found here.
    """
    first, last = span
    n_words = (last - first) // 64 + 1
    member = sql.col["member_id"]
    week = f"(({sql.ts_us} + {EPOCH_TO_MONDAY_US}) // {US_PER_WEEK} - {first})::UINTEGER"
    if n_words == 1:
        bits = "bit_or(1::UBIGINT << d) AS w0"
    else:
        bits = ", ".join(
            f"bit_or(((d >> 6) = {j})::UBIGINT << (d & 63)) AS w{j}" for j in range(n_words)
        )
    missing = sql.missing_member("member")
    query = f"""
        SELECT c.code, {missing} AS missing, {bits}
        FROM (
            SELECT {sql.col["platform"]} AS platform, {member} AS member,
                   {sql.by_brand} AS by_brand, {week} AS d
            FROM {sql.source}
        ) e JOIN {CODES} c ON c.raw = e.platform
        GROUP BY c.code, e.by_brand, member
        HAVING NOT e.by_brand OR {missing}
        """
    width = 64 * n_words
    active = np.zeros((n_platforms, width), dtype=np.int64)
    back, new = np.zeros_like(active), np.zeros_like(active)
    any_missing = False
    for batch in batches(con, name, query, MEMBER_BATCH_ROWS):
        any_missing |= bool(np.any(batch.column("missing").to_numpy(zero_copy_only=False)))
        codes = batch.column("code").to_numpy().astype(np.int64)
        words = np.empty((len(codes), n_words), dtype="<u8")
        for j in range(n_words):
            words[:, j] = batch.column(f"w{j}").to_numpy()
        active += bit_counts(codes, words, n_platforms)
        back += bit_counts(codes, words & any_of_previous(words, returning), n_platforms)
        firsts = np.bincount(codes * width + lowest_bit(words), minlength=n_platforms * width)
        new += firsts.reshape(n_platforms, width)
    if any_missing:
        refuse_missing_member(con, sql, name)
    n_weeks = last - first + 1
    return active[:, :n_weeks], back[:, :n_weeks], new[:, :n_weeks]


def _to_long(per_week: pd.DataFrame) -> pd.DataFrame:
    """(platform, wk, one column per metric) -> the long weekly table, gap weeks as zeros."""
    if per_week.empty:
        return empty_weekly()
    per_week = per_week.set_index(["platform", "wk"]).sort_index()
    spans = per_week.reset_index().groupby("platform")["wk"].agg(["min", "max"])
    full = pd.MultiIndex.from_tuples(
        [(p, w) for p, lo, hi in spans.itertuples() for w in range(int(lo), int(hi) + 1)],
        names=["platform", "wk"],
    )
    per_week = per_week.reindex(full, fill_value=0)
    # Members seen so far: the running sum of new members, carried through quiet weeks.
    per_week["community_members"] = per_week.groupby(level="platform")["new_members"].cumsum()
    per_week = per_week[list(EVENT_METRICS)].reset_index()
    long = per_week.melt(id_vars=["platform", "wk"], var_name="metric", value_name="value")
    weeks = (_WEEK_ZERO + long["wk"].to_numpy(dtype="int64") * 7).astype("datetime64[ns]")
    out = pd.DataFrame(
        {
            "week": weeks,
            "platform": long["platform"].astype("str"),
            "metric": long["metric"].astype("str"),
            "value": long["value"].astype("float64"),
        }
    )
    return out.sort_values(["platform", "week", "metric"], kind="stable").reset_index(drop=True)[
        list(WEEKLY_COLUMNS)
    ]
