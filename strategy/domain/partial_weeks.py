"""Partly reported weeks: a platform's week that lacks a metric its gates read.

Exports arrive a few metrics at a time: one file brings a week's ``followers`` and
``active_members``, the next its posts and interactions. Counted as it first stood, such a
week would fail every other criterion of its gate (a missing value fails a criterion), and
four of them would move a platform back a stage without anything having happened. So a
week of a platform is *partly reported* when it lacks a metric that

- its gates read, directly or through a derived ratio (``gate_inputs``: ``engagement_rate``
  reads ``member_interactions`` and the audience, which is ``followers`` or
  ``community_members``), and
- the platform reported in an earlier week: a metric it never reports does not hold its
  weeks back (the stage shows it as not measured instead, ``PlatformStatus.not_measured``).

A partly reported week counts for nothing (gates, stalls, demand, the signal, value) until a
later upload brings the rest: uploads merge per metric, the latest winning
(``strategy.domain.horizons.complete_weeks`` marks such a week not complete). The rule reads
the stored weekly table, before followers are built from daily gains.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from strategy.domain.clock import ONE_WEEK, SUNDAY, day_text
from strategy.domain.gates import GateSet
from strategy.domain.metrics import AUDIENCE, AUDIENCE_SOURCES, DERIVED
from strategy.domain.numbers import plural

if TYPE_CHECKING:  # loaded where a frame is computed, not with the rules
    import pandas as pd


def _stored(metric: str) -> frozenset[str]:
    """The stored metrics one metric is computed from (itself when it is stored)."""
    if metric == AUDIENCE:
        return frozenset(AUDIENCE_SOURCES)
    if metric in DERIVED:
        numerator, terms = DERIVED[metric]
        return frozenset().union(*(_stored(m) for m in (numerator, *terms)))
    return frozenset({metric})


def gate_inputs(gates: GateSet) -> frozenset[str]:
    """Every stored metric the gates read, derived ratios resolved to what they divide."""
    criteria = (*gates.to_retention.criteria, *gates.to_active.criteria)
    return frozenset().union(*(_stored(c.metric) for c in criteria))


@dataclass(frozen=True)
class PartialWeek:
    """One platform's week lacking metrics its gates read and it reported before."""

    platform: str
    week: dt.date
    """The week's Monday."""
    lacks: tuple[str, ...]
    """The metrics it lacks, sorted."""

    @property
    def text(self) -> str:
        """``instagram, week of 16 Nov 2026: lacks 2 metrics its gates read (a, b)``."""
        n = len(self.lacks)
        return (
            f"{self.platform}, week of {day_text(self.week)}: lacks {plural(n, 'metric')} "
            f"its gates read ({', '.join(self.lacks)})"
        )

    @property
    def note(self) -> str:
        """The same for a note on the platform: ``week of 16 Nov 2026 partly reported, not
        counted: lacks a, b``."""
        return f"week of {day_text(self.week)} partly reported, not counted: lacks " + ", ".join(
            self.lacks
        )


def partial_weeks(weekly: pd.DataFrame, gates: GateSet) -> tuple[PartialWeek, ...]:
    """Every (platform, week) of a long weekly table that is partly reported, in order.

    ``weekly`` has the columns week, platform, metric and value (``strategy.domain.metrics``);
    a metric counts as reported in a week when its value there is a number.
    """
    import pandas as pd

    if weekly.empty:
        return ()
    inputs = gate_inputs(gates)
    pairs = weekly[["platform", "week"]].drop_duplicates()
    read = weekly[weekly["metric"].isin(inputs) & weekly["value"].notna()]
    if read.empty:
        return ()
    present = read.groupby(["platform", "week", "metric"]).size().unstack(fill_value=0) > 0
    index = pd.MultiIndex.from_frame(pairs.sort_values(["platform", "week"]))
    present = present.reindex(index, fill_value=False).astype(bool)
    by_platform = present.groupby(level="platform", sort=False)
    before = by_platform.cummax().groupby(level="platform", sort=False).shift(1, fill_value=False)
    lacking = before.astype(bool) & ~present
    rows = lacking[lacking.any(axis="columns")]
    return tuple(
        PartialWeek(
            platform=str(platform),
            week=pd.Timestamp(week).date(),
            lacks=tuple(sorted(str(m) for m in rows.columns[flags])),
        )
        for (platform, week), flags in zip(rows.index, rows.to_numpy(), strict=True)
    )


def merged_weekly(stored: pd.DataFrame, uploaded: pd.DataFrame) -> pd.DataFrame:
    """The weekly table once an upload's is imported: its values win per (platform, week,
    metric), as the import merges them."""
    import pandas as pd

    key = ["platform", "week", "metric"]
    if uploaded.empty:
        return stored
    kept = stored.merge(uploaded[key], on=key, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    columns = ["week", "platform", "metric", "value"]
    return pd.concat([kept[columns], uploaded[columns]], ignore_index=True)


def lacking_after_upload(
    stored: pd.DataFrame,
    uploaded: pd.DataFrame,
    gates: GateSet,
    today: dt.date,
    data_through: Mapping[str, dt.date],
) -> tuple[PartialWeek, ...]:
    """The weeks of an upload that would be partly reported once it is imported.

    ``stored`` is the workspace's weekly table, ``uploaded`` the file's (``merged_weekly``);
    only the file's own (platform, week) pairs are named, and only those that have ended by
    ``today`` with the file's data through their Sunday (``data_through``, per platform):
    a week still in progress is not partly reported, its rest is yet to come.
    """
    import pandas as pd

    if uploaded.empty:
        return ()
    found = partial_weeks(merged_weekly(stored, uploaded), gates)
    own = {
        (str(p), pd.Timestamp(w).date())
        for p, w in zip(uploaded["platform"], uploaded["week"], strict=True)
    }
    return tuple(
        p
        for p in found
        if (p.platform, p.week) in own
        and p.week + ONE_WEEK <= today
        and data_through.get(p.platform, p.week + SUNDAY) >= p.week + SUNDAY
    )
