"""The team's weekly workload: the settings that estimate it (minutes a message, hours a
post, monitoring a platform) and each week's demand against the hours that serve it.

Demand is read from complete weeks only, and only for the platforms feeding the signal's
window, so ragged uploads move nothing (``strategy.domain.horizons.common_window``).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from strategy.domain.clock import as_date
from strategy.domain.errors import ValidationError
from strategy.domain.gates import Stage
from strategy.domain.horizons import SignalWindow
from strategy.domain.limits import MAX_WEEK_HOURS, week_count
from strategy.domain.stages import PlatformStatus

if TYPE_CHECKING:  # loaded where a frame is computed, not with the rules
    import pandas as pd

# --- settings -------------------------------------------------------------------------


_POSITIVE_FIELDS: Final[dict[str, tuple[str, float]]] = {
    # field: (unit, the largest value that still describes a real week of work)
    "minutes_per_message": ("minutes", 24 * 60),
    "hours_per_post": ("hours", MAX_WEEK_HOURS),
    "monitoring_hours_per_platform": ("hours", MAX_WEEK_HOURS),
    "response_target_minutes": ("minutes", MAX_WEEK_HOURS * 60),
    "fte_hours": ("hours", MAX_WEEK_HOURS),
}
_SHARE_FIELDS: Final[tuple[str, ...]] = ("utilisation_threshold",)
_WEEK_FIELDS: Final[tuple[str, ...]] = (
    "active_weeks_required",
    "window_weeks",
    "stall_review_weeks",
)


def _number(raw: Any, field: str) -> float:
    if isinstance(raw, bool):
        raise ValidationError(f"resource settings: {field}: expected a number, got {raw!r}")
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(
            f"resource settings: {field}: expected a number, got {raw!r}"
        ) from None
    if not math.isfinite(value):
        raise ValidationError(f"resource settings: {field}: expected a finite number, got {raw!r}")
    return value


def _positive(raw: Any, field: str, unit: str, largest: float) -> float:
    value = _number(raw, field)
    if not 0 < value <= largest:
        raise ValidationError(
            f"resource settings: {field}: expected a positive number of {unit}, "
            f"at most {largest:g}, got {raw!r}"
        )
    return value


def _share(raw: Any, field: str) -> float:
    value = _number(raw, field)
    if not 0 < value <= 1:
        raise ValidationError(
            f"resource settings: {field}: expected a share above 0 and at most 1 "
            f"(0.85 = 85%), got {raw!r}"
        )
    return value


def _coerce(field: str, raw: Any) -> float | int:
    if field in _POSITIVE_FIELDS:
        return _positive(raw, field, *_POSITIVE_FIELDS[field])
    if field in _SHARE_FIELDS:
        return _share(raw, field)
    return week_count(raw, f"resource settings: {field}")


@dataclass(frozen=True)
class DemandSettings:
    """How demand is estimated and when it counts as exceeding the team's capacity."""

    minutes_per_message: float = 5.0
    hours_per_post: float = 1.0
    monitoring_hours_per_platform: float = 2.0
    response_target_minutes: float = 60.0
    utilisation_threshold: float = 0.85
    fte_hours: float = 40.0
    active_weeks_required: int = 4
    window_weeks: int = 4
    stall_review_weeks: int = 12
    """A platform stalled for more weeks than this gets a stop-or-continue review
    (``strategy.domain.platform_review``)."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _coerce(f.name, getattr(self, f.name))


DEFAULT_SETTINGS: Final[DemandSettings] = DemandSettings()
SETTING_NAMES: Final[tuple[str, ...]] = tuple(f.name for f in dataclasses.fields(DemandSettings))


def settings_from_dict(d: Mapping[str, Any]) -> DemandSettings:
    """Validate settings from user input or storage; missing keys keep their defaults."""
    if not isinstance(d, Mapping):
        raise ValidationError(
            f"resource settings: expected a mapping of setting names to values, got {d!r}"
        )
    unknown = sorted(str(k) for k in d if k not in SETTING_NAMES)
    if unknown:
        raise ValidationError(
            f"resource settings: unknown setting {', '.join(map(repr, unknown))}; "
            f"expected some of: {', '.join(SETTING_NAMES)}"
        )
    values: dict[str, Any] = {name: _coerce(name, raw) for name, raw in d.items()}
    return DemandSettings(**values)


def settings_to_dict(s: DemandSettings) -> dict[str, Any]:
    """The JSON form of the settings (every field, defaults included)."""
    return dataclasses.asdict(s)


@dataclass(frozen=True)
class WeekDemand:
    """The team's estimated workload in one week, summed over platforms, against capacity."""

    week: dt.date
    message_hours: float
    content_hours: float
    monitoring_hours: float
    total_hours: float
    capacity_hours: float
    response_minutes: float | None


# --- weekly demand ----------------------------------------------------------------------


def check_capacity(capacity_hours: float) -> float:
    """The team's weekly hours that serve demand, as a number of 0 or more."""
    try:
        value = float(capacity_hours)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ValidationError(
            "capacity: expected the team's weekly hours that serve demand (0 or more), "
            f"got {capacity_hours!r}"
        )
    return value


def _column(wide: pd.DataFrame, name: str) -> pd.Series:
    import numpy as np
    import pandas as pd

    if name in wide.columns:
        return pd.to_numeric(wide[name], errors="coerce").astype("float64")
    return pd.Series(np.nan, index=wide.index, dtype="float64")


class _StageLookup:
    """Each platform's stage in any week, from its timeline (the last known stage holds)."""

    def __init__(self, statuses: Mapping[str, PlatformStatus]) -> None:
        self._timelines: list[tuple[list[dt.date], list[Stage]]] = []
        for status in statuses.values():
            states = sorted(status.timeline, key=lambda s: as_date(s.week))
            weeks = [as_date(s.week) for s in states]
            self._timelines.append((weeks, [s.stage for s in states]))

    def monitored(self, week: dt.date) -> int:
        """How many platforms are in retention or active in that week."""
        count = 0
        for weeks, stages in self._timelines:
            i = bisect.bisect_right(weeks, week) - 1
            if i >= 0 and stages[i] in (Stage.RETENTION, Stage.ACTIVE):
                count += 1
        return count


def weekly_demand(
    wide: pd.DataFrame,
    statuses: Mapping[str, PlatformStatus],
    capacity_hours: float,
    settings: DemandSettings,
    window: SignalWindow,
) -> tuple[WeekDemand, ...]:
    """Estimated workload of every week from the first week of the table to the window's end.

    ``wide`` holds complete weeks only; the platforms that feed the window count, up to its
    last week, so no week is summed over a platform that has not reported it yet. Messages,
    posts and response times come from the weekly table (unmeasured counts as none);
    monitoring comes from each platform's stage that week. A week missing from the table
    still carries the monitoring of the platforms being watched.
    """
    import pandas as pd

    capacity = check_capacity(capacity_hours)
    if wide.empty or window.last is None:
        return ()
    wide = wide[
        wide["platform"].isin(window.platforms) & (wide["week"] <= pd.Timestamp(window.last))
    ]
    statuses = {n: s for n, s in statuses.items() if n in window.platforms}
    if wide.empty:
        return ()
    frame = pd.DataFrame(
        {
            "week": pd.to_datetime(wide["week"]).astype("datetime64[ns]"),
            "messages": _column(wide, "inbound_messages").fillna(0.0),
            "posts": _column(wide, "brand_posts").fillna(0.0),
            "response": _column(wide, "response_minutes_median"),
        }
    )
    per_week = frame.groupby("week").agg(
        messages=("messages", "sum"), posts=("posts", "sum"), response=("response", "max")
    )
    seen = pd.DatetimeIndex(per_week.index)
    calendar = pd.date_range(seen.min(), seen.max(), freq="7D")
    per_week = per_week.reindex(calendar.union(seen))
    per_week[["messages", "posts"]] = per_week[["messages", "posts"]].fillna(0.0)
    stages = _StageLookup(statuses)
    out: list[WeekDemand] = []
    for week, messages, posts, response in per_week.itertuples(index=True, name=None):
        day = pd.Timestamp(week).date()
        message_hours = float(messages) * settings.minutes_per_message / 60.0
        content_hours = float(posts) * settings.hours_per_post
        monitoring_hours = stages.monitored(day) * settings.monitoring_hours_per_platform
        out.append(
            WeekDemand(
                week=day,
                message_hours=message_hours,
                content_hours=content_hours,
                monitoring_hours=monitoring_hours,
                total_hours=message_hours + content_hours + monitoring_hours,
                capacity_hours=capacity,
                response_minutes=None if pd.isna(response) else float(response),
            )
        )
    return tuple(out)
