"""Follower counts from daily changes: a baseline given once per platform, plus the gains.

Several exports give the day's change, not the total: X's new follows (less unfollows),
YouTube Studio's ``Subscribers``, TikTok's "difference in followers", LinkedIn's new
followers. They import as ``followers_gained``, the one metric that may be negative. A
baseline says how many followers the platform had on one day; with it, ``followers`` is
built week by week (``with_baselines``), so the gates that read followers, and the
engagement rate, are measured. Until a platform has one, its followers stay "not measured",
and the note names the baseline as what is missing (``missing_baselines``).

The weekly table holds weekly sums of the gains; the gains of each day are kept too
(``Snapshot.daily_changes``), so a baseline given on any day of a week is exact: the gains
of the days after it in its week are added. Gains imported before daily values were kept
have none: for those, the count is read as the one at the end of its day's week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from strategy.domain.clock import day_text, monday, parse_day
from strategy.domain.errors import ValidationError
from strategy.domain.limits import finite_number
from strategy.domain.metrics import platform_name

if TYPE_CHECKING:  # loaded where a frame is computed, not with the rules
    import pandas as pd

GAINS: Final[dict[str, str]] = {"followers": "followers_gained"}
"""A total a baseline can be given for -> the metric of its daily changes."""

MAX_BASELINE: Final[float] = 1e10
"""More followers than this is not a real account (the largest have a few hundred million)."""


@dataclass(frozen=True)
class Baseline:
    """How many followers (``metric``) a platform had on the day ``on``."""

    platform: str
    metric: str
    value: float
    on: dt.date

    @property
    def text(self) -> str:
        """The baseline in words, as the audit log and the pages show it."""
        return f"{self.platform}: {self.value:,.0f} {self.metric} on {day_text(self.on)}"


def check_baseline(platform: Any, metric: Any, value: Any, on: Any, *, today: dt.date) -> Baseline:
    """A baseline from a form or command, or ValidationError naming the field."""
    name = platform_name(platform)
    what = str(metric).strip().lower() if isinstance(metric, str) else ""
    if what not in GAINS:
        raise ValidationError(
            f"metric: a baseline is given for {', '.join(GAINS)} (the total its daily "
            f"changes add to), got {metric!r}"
        )
    count = finite_number(value)
    if count is None or count < 0 or count > MAX_BASELINE or count != int(count):
        raise ValidationError(
            f"{what}: expected a whole number of {what} from 0 to {MAX_BASELINE:,.0f}, "
            f"got {value!r}"
        )
    day = parse_day(on, "on", latest=today)
    return Baseline(name, what, count, day)


def baselines_to_dict(baselines: Mapping[str, Baseline]) -> dict[str, dict[str, Any]]:
    """Baselines as stored: platform -> metric, value and day."""
    return {
        p: {"metric": b.metric, "value": b.value, "on": b.on.isoformat()}
        for p, b in sorted(baselines.items())
    }


def baselines_from_dict(raw: Mapping[str, Any]) -> dict[str, Baseline]:
    """Stored baselines, read back."""
    return {
        str(p): Baseline(
            str(p), str(b["metric"]), float(b["value"]), dt.date.fromisoformat(b["on"])
        )
        for p, b in raw.items()
    }


def with_baselines(
    weekly: pd.DataFrame, baselines: Mapping[str, Baseline], daily: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The long weekly table with ``followers`` built from gains where a baseline is given.

    For each platform with a baseline that measures no followers itself, a week's
    followers are those at its end (Sunday): the baseline plus the gains of the days after
    the baseline's day up to that Sunday, or, for a week ending before it, the baseline
    less the gains of the days between. Weekly sums give whole weeks; ``daily`` (day,
    platform, metric, value) gives the days after the baseline's day in its own week. Only
    weeks with gains get a value. A platform that measures followers keeps its own.
    """
    import pandas as pd

    if not baselines or weekly.empty:
        return weekly
    built = []
    for platform, baseline in baselines.items():
        rows = weekly[weekly["platform"] == platform]
        if (rows["metric"] == baseline.metric).any():
            continue
        gains = rows[rows["metric"] == GAINS[baseline.metric]].sort_values("week")
        if gains.empty:
            continue
        anchor = pd.Timestamp(monday(baseline.on))
        after = gains["week"] > anchor
        up = gains["value"].where(after, 0.0).cumsum()
        # Before the anchor: subtract the gains of each later week up to the anchor's own.
        down = gains["value"].where(~after, 0.0)[::-1].cumsum()[::-1] - gains["value"].where(
            ~after, 0.0
        )
        rest_of_week = _gains_after(daily, baseline)
        value = baseline.value + up - down.where(~after, 0.0) + rest_of_week
        built.append(gains.assign(metric=baseline.metric, value=value.astype("float64")))
    if not built:
        return weekly
    return pd.concat([weekly, *built], ignore_index=True)


def _gains_after(daily: pd.DataFrame | None, baseline: Baseline) -> float:
    """The gains of the days after the baseline's day, up to the end of its week."""
    import pandas as pd

    if daily is None or daily.empty:
        return 0.0
    sunday = pd.Timestamp(monday(baseline.on) + dt.timedelta(days=6))
    picked = daily[
        (daily["platform"] == baseline.platform)
        & (daily["metric"] == GAINS[baseline.metric])
        & (daily["day"] > pd.Timestamp(baseline.on))
        & (daily["day"] <= sunday)
    ]
    return float(picked["value"].sum())


def missing_baselines(weekly: pd.DataFrame, baselines: Mapping[str, Baseline]) -> frozenset[str]:
    """Platforms that report follower gains but neither followers nor a baseline."""
    reported: dict[str, set[str]] = {}
    for platform, metric in weekly[["platform", "metric"]].drop_duplicates().itertuples(False):
        reported.setdefault(str(platform), set()).add(str(metric))
    return frozenset(
        p
        for p, metrics in reported.items()
        for total, gains in GAINS.items()
        if gains in metrics and total not in metrics and p not in baselines
    )


def missing_baseline_text(platform: str) -> str:
    """The one sentence for a platform whose followers wait for a baseline."""
    return (
        f"followers not measured on {platform}: its export gives the daily change "
        f"(followers_gained); give the followers on one day as a baseline (Stages page, or "
        f"baseline set WS {platform} followers N --on YYYY-MM-DD)"
    )
