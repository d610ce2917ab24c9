"""The metric vocabulary: canonical names, how a week aggregates each, and derived ratios.

The weekly table is the currency of the whole core. In *long* form it is a DataFrame with
columns ``week`` (``datetime64[ns]``, the Monday of the ISO week, naive = UTC),
``platform`` (normalised str), ``metric`` (str) and ``value`` (float64). In *wide* form
(``to_wide``) it has ``platform``, ``week`` and one float column per metric, derived
ratios included.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

import numpy as np
import pandas as pd


class Agg(StrEnum):
    """How the daily values of a metric become one weekly value."""

    LAST = "last"
    SUM = "sum"
    MAX = "max"
    MEDIAN = "median"


AGGREGATION: Final[dict[str, Agg]] = {
    "followers": Agg.LAST,
    "brand_posts": Agg.SUM,
    "brand_replies": Agg.SUM,
    "member_interactions": Agg.SUM,
    "active_members": Agg.MAX,
    "new_members": Agg.SUM,
    "returning_members": Agg.MAX,
    "member_initiated_threads": Agg.SUM,
    "threads": Agg.SUM,
    "inbound_messages": Agg.SUM,
    "response_minutes_median": Agg.MEDIAN,
}
"""Canonical metrics. Unknown metrics are kept and summed per week (counts are the norm)."""

CANONICAL: Final[tuple[str, ...]] = tuple(AGGREGATION)

COUNT_METRICS: Final[frozenset[str]] = frozenset(
    m for m in CANONICAL if m != "response_minutes_median"
)
"""Metrics that count things and therefore may not be negative."""

DERIVED: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "engagement_rate": ("member_interactions", ("followers",)),
    "returning_share": ("returning_members", ("active_members",)),
    "member_initiated_share": ("member_initiated_threads", ("threads",)),
    "member_activity_share": (
        "member_interactions",
        ("member_interactions", "brand_posts", "brand_replies"),
    ),
}
"""Derived ratio -> (numerator, denominator terms summed). Undefined (NaN) on a zero sum."""

WEEKLY_COLUMNS: Final[tuple[str, ...]] = ("week", "platform", "metric", "value")

_SPACES = re.compile(r"[\s\-]+")


def normalise_name(raw: str) -> str:
    """Normalise a platform, channel or metric name: trimmed, lower case, inner spaces to '_'."""
    return _SPACES.sub("_", str(raw).strip().lower())


def aggregation_for(metric: str) -> Agg:
    """The weekly aggregation of a metric; unknown metrics are summed."""
    return AGGREGATION.get(metric, Agg.SUM)


def week_start(values: pd.Series) -> pd.Series:
    """Monday 00:00 (naive UTC) of the ISO week of each timestamp or date."""
    ts = pd.to_datetime(values, utc=True).dt.tz_localize(None).astype("datetime64[ns]")
    return (ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D")).astype(
        "datetime64[ns]"
    )


def empty_weekly() -> pd.DataFrame:
    """An empty long weekly table with the right dtypes."""
    return pd.DataFrame(
        {
            "week": pd.Series([], dtype="datetime64[ns]"),
            "platform": pd.Series([], dtype="str"),
            "metric": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="float64"),
        }
    )


def add_derived(wide: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of a wide weekly table with the derived ratios added (NaN when undefined)."""
    out = wide.copy()
    for name, (numerator, terms) in DERIVED.items():
        if numerator not in out.columns or not all(t in out.columns for t in terms):
            out[name] = np.nan
            continue
        denominator = sum((out[t].fillna(0.0) for t in terms), start=pd.Series(0.0, out.index))
        num = out[numerator]
        out[name] = (num / denominator.where(denominator > 0)).astype("float64")
    return out


def to_wide(long: pd.DataFrame) -> pd.DataFrame:
    """Pivot a long weekly table to one row per (platform, week), canonical and derived metrics.

    Every canonical metric gets a column (NaN where unmeasured), so gates and charts can
    rely on the names being present.
    """
    if long.empty:
        wide = pd.DataFrame({"platform": pd.Series([], dtype="str")})
        wide["week"] = pd.Series([], dtype="datetime64[ns]")
    else:
        wide = long.pivot_table(
            index=["platform", "week"], columns="metric", values="value", aggfunc="last"
        ).reset_index()
        wide.columns.name = None
    for metric in CANONICAL:
        if metric not in wide.columns:
            wide[metric] = np.nan
    metric_cols = [c for c in wide.columns if c not in ("platform", "week")]
    wide[metric_cols] = wide[metric_cols].astype("float64")
    wide = add_derived(wide)
    return wide.sort_values(["platform", "week"], kind="stable").reset_index(drop=True)
