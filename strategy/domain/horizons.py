"""Which weeks count: complete weeks, each platform's horizon, and the signal's common window.

Data arrives ragged: one platform's export lands days before another's, and a file often
ends mid-week. A week of a platform is *complete*, and counts for gates, stalls, demand and
the signal, once

- it has ended (Sunday 24:00 UTC) by ``today``, and
- the platform's data reaches its last day: the upload that holds the week (the latest, as
  for its values) covers the platform through that Sunday. Imports decide how far an upload
  covers a platform (``ImportedFile.data_through``): daily rows and events through their
  latest day, weekly rows (one date a week) through the Sunday of their latest week, and
- it holds every metric its gates read that the platform reported before: otherwise it is
  *partly reported* (``strategy.domain.partial_weeks``), counted for nothing and named with
  the metrics it lacks. A week that has not ended, or whose data stops before its Sunday, is
  *in progress* whatever it lacks: the rest of its data is still to come.

A platform's *horizon* is its latest complete week with data; it is judged up to there, and
a platform whose horizon is behind another's is named as lagging, never read as failing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from strategy.domain.clock import ONE_WEEK, SUNDAY, day_text, mondays, weeks_between
from strategy.domain.numbers import plural
from strategy.domain.partial_weeks import PartialWeek

if TYPE_CHECKING:  # loaded where a frame is computed, not with the rules
    import pandas as pd

MAX_LAG_WEEKS: Final[int] = 4
"""A platform more than this many weeks behind the newest horizon is left out of demand."""


def empty_coverage() -> pd.DataFrame:
    """Coverage with no rows: platform, week (Monday), through (last day covered, or NaT)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "platform": pd.Series([], dtype="str"),
            "week": pd.Series([], dtype="datetime64[ns]"),
            "through": pd.Series([], dtype="datetime64[ns]"),
        }
    )


def complete_weeks(
    coverage: pd.DataFrame, today: dt.date, partial: Collection[PartialWeek] = ()
) -> pd.DataFrame:
    """Each (platform, week) with data and whether it is complete by ``today``.

    ``coverage`` has one row per (platform, week) with data and the last day its upload
    covers that platform (``through``; NaT for uploads that predate coverage: their weeks
    count whole). Weeks starting after ``today`` are dropped: data after the day is ignored.
    ``partial`` are the partly reported weeks (``partial_weeks.partial_weeks``): an ended
    week with data through its Sunday that is among them is not complete but ``partial``,
    with the metrics it lacks in ``lacks`` (empty for every other week).
    """
    import pandas as pd

    day = pd.Timestamp(today)
    kept = coverage[coverage["week"] <= day]
    sunday = kept["week"] + pd.Timedelta(SUNDAY)
    through = kept["through"].fillna(sunday).where(lambda t: t <= day, day)
    ended = (kept["week"] + pd.Timedelta(ONE_WEEK) <= day) & (through >= sunday)
    lacking = {(p.platform, pd.Timestamp(p.week)): p.lacks for p in partial}
    lacks = pd.Series(
        [
            lacking.get((str(p), pd.Timestamp(w)), ()) if done else ()
            for p, w, done in zip(kept["platform"], kept["week"], ended, strict=True)
        ],
        index=kept.index,
        dtype="object",
    )
    is_partial = lacks.map(bool).astype(bool)
    return pd.DataFrame(
        {
            "platform": kept["platform"].astype("str"),
            "week": kept["week"].astype("datetime64[ns]"),
            "complete": (ended & ~is_partial).astype(bool),
            "partial": is_partial,
            "lacks": lacks,
        }
    ).reset_index(drop=True)


@dataclass(frozen=True)
class Horizon:
    """How far one platform's complete data reaches, and what is still in progress."""

    platform: str
    data_through: dt.date | None
    """The Monday of its latest complete week; None while it has none."""
    weeks_behind: int
    """Whole weeks behind the newest horizon of any platform."""
    in_progress_week: dt.date | None
    """The Monday of a week with data after the horizon that is not complete yet."""
    partly_reported: tuple[PartialWeek, ...] = ()
    """The weeks after the horizon that are partly reported, oldest first."""

    @property
    def lag_text(self) -> str:
        """``data to week of 9 Nov 2026, 2 weeks behind``; empty when it is not behind."""
        if self.data_through is None or self.weeks_behind == 0:
            return ""
        weeks = plural(self.weeks_behind, "week")
        return f"data to week of {day_text(self.data_through)}, {weeks} behind"


def horizons(weeks: pd.DataFrame) -> dict[str, Horizon]:
    """Each platform's horizon from ``complete_weeks``' table, keyed by name, sorted (a
    table without ``partial`` and ``lacks`` columns has no partly reported week)."""
    import pandas as pd

    found: dict[str, tuple[dt.date | None, dt.date | None, tuple[PartialWeek, ...]]] = {}
    if "partial" not in weeks.columns:
        none: list[tuple[str, ...]] = [()] * len(weeks)
        weeks = weeks.assign(
            partial=False, lacks=pd.Series(none, index=weeks.index, dtype="object")
        )
    for name, part in weeks.sort_values("week").groupby("platform", sort=True):
        done = part.loc[part["complete"], "week"]
        through = None if done.empty else pd.Timestamp(done.max()).date()
        after = part if through is None else part[part["week"] > pd.Timestamp(through)]
        pending = after.loc[~after["complete"] & ~after["partial"], "week"]
        in_progress = None if pending.empty else pd.Timestamp(pending.max()).date()
        partly = tuple(
            PartialWeek(str(name), pd.Timestamp(w).date(), tuple(lacks))
            for w, lacks in after.loc[after["partial"], ["week", "lacks"]].itertuples(index=False)
        )
        found[str(name)] = (through, in_progress, partly)
    known = [t for t, _, _ in found.values() if t is not None]
    newest = max(known, default=None)
    return {
        name: Horizon(
            platform=name,
            data_through=through,
            weeks_behind=weeks_between(through, newest) if through and newest else 0,
            in_progress_week=in_progress,
            partly_reported=partly,
        )
        for name, (through, in_progress, partly) in found.items()
    }


def latest_weeks(
    found: Mapping[str, Horizon], leave_out: Collection[str] = ()
) -> dict[dt.date, tuple[str, ...]]:
    """Each latest complete week, newest first, with the platforms (sorted) it is the
    latest of; platforms in ``leave_out`` (stopped ones) and without a complete week are
    not counted."""
    by_week: dict[dt.date, list[str]] = {}
    for name, horizon in sorted(found.items()):
        if horizon.data_through is not None and name not in leave_out:
            by_week.setdefault(horizon.data_through, []).append(name)
    return {week: tuple(by_week[week]) for week in sorted(by_week, reverse=True)}


def latest_weeks_text(found: Mapping[str, Horizon], leave_out: Collection[str] = ()) -> str:
    """The latest complete week for a headline: ``09 Nov 2026`` when every platform's is the
    same; else each week with its platforms, ``16 Nov 2026 (instagram, linkedin); 09 Nov
    2026 (forum, x)``, so one platform's newer upload does not read as everyone's. Empty
    when no platform has a complete week (``latest_weeks``)."""
    weeks = latest_weeks(found, leave_out)
    if len(weeks) <= 1:
        return "".join(day_text(week) for week in weeks)
    return "; ".join(f"{day_text(week)} ({', '.join(names)})" for week, names in weeks.items())


@dataclass(frozen=True)
class SignalWindow:
    """The weeks the resource signal averages, and which platforms feed it."""

    weeks: tuple[dt.date, ...]
    platforms: tuple[str, ...]
    """Platforms whose demand counts: every platform with complete data, but those left out."""
    lagging: dict[str, int]
    """Platform -> weeks behind the newest horizon, for every platform behind it."""
    left_out: tuple[str, ...]
    """Platforms more than ``MAX_LAG_WEEKS`` behind: their demand is not counted."""

    @property
    def first(self) -> dt.date | None:
        """The Monday of the window's first week."""
        return self.weeks[0] if self.weeks else None

    @property
    def last(self) -> dt.date | None:
        """The Monday of the window's last week: the common horizon."""
        return self.weeks[-1] if self.weeks else None

    def describe(self) -> str:
        """The window and the lag in words, for the signal's evidence."""
        if not self.weeks:
            return "no complete week of data yet"
        span = f"weeks of {day_text(self.weeks[0])} to {day_text(self.weeks[-1])}"
        text = f"{span} ({len(self.weeks)} complete weeks that every platform has)"
        behind = [
            f"{name} {plural(n, 'week')} behind"
            for name, n in sorted(self.lagging.items())
            if name not in self.left_out
        ]
        if behind:
            text += f"; lagging: {', '.join(behind)}"
        if self.left_out:
            text += f"; left out of demand, more than {MAX_LAG_WEEKS} weeks behind: " + ", ".join(
                self.left_out
            )
        return text


def common_window(found: Mapping[str, Horizon], n_weeks: int) -> SignalWindow:
    """The last ``n_weeks`` complete weeks that every platform feeding demand has data for.

    It ends at the oldest horizon among the platforms at most ``MAX_LAG_WEEKS`` behind, so a
    newer week for one platform leaves the window (and the signal) as it was until the others
    catch up.
    """
    with_data = {n: h for n, h in found.items() if h.data_through is not None}
    lagging = {n: h.weeks_behind for n, h in with_data.items() if h.weeks_behind > 0}
    left_out = tuple(sorted(n for n, lag in lagging.items() if lag > MAX_LAG_WEEKS))
    feeding = tuple(sorted(n for n in with_data if n not in left_out))
    ends = [h.data_through for n, h in with_data.items() if n in feeding and h.data_through]
    if not ends:
        return SignalWindow((), (), lagging, left_out)
    last = min(ends)
    weeks = tuple(mondays(last - (n_weeks - 1) * ONE_WEEK, last))
    return SignalWindow(weeks, feeding, lagging, left_out)


def with_completeness(wide: pd.DataFrame, weeks: pd.DataFrame) -> pd.DataFrame:
    """A wide weekly table limited to the weeks in ``weeks``, with its ``complete`` column."""
    out = wide.merge(weeks[["platform", "week", "complete"]], on=["platform", "week"], how="inner")
    return out.sort_values(["platform", "week"], kind="stable").reset_index(drop=True)
