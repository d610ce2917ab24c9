"""The metric vocabulary: canonical names, how a week aggregates each, and derived ratios.

The weekly table is the currency of the whole core. In *long* form it is a DataFrame with
columns ``week`` (``datetime64[ns]``, the Monday of the ISO week, naive = UTC),
``platform`` (normalised str), ``metric`` (str) and ``value`` (float64). In *wide* form
(``to_wide``) it has ``platform``, ``week`` and one float column per metric, derived
ratios included.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Collection, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Final, NamedTuple

from strategy.domain.errors import ValidationError, shortened
from strategy.domain.formulas import formula_prefix_problem

if TYPE_CHECKING:  # pandas and numpy load where a frame is built, not for a name's rules
    import pandas as pd


class Agg(StrEnum):
    """How the daily values of a metric become one weekly value."""

    LAST = "last"
    SUM = "sum"
    MAX = "max"
    MEDIAN = "median"
    MEAN = "mean"


AGGREGATION: Final[dict[str, Agg]] = {
    "followers": Agg.LAST,
    "followers_gained": Agg.SUM,
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
    "community_members": Agg.LAST,
    "leads": Agg.SUM,
    "conversions": Agg.SUM,
    "revenue": Agg.SUM,
}
"""Canonical metrics and their weekly aggregation. Unknown metrics are kept, aggregated by
the rule of ``aggregation_rule`` (their name says a rate, a change or a total, else a count).

``community_members`` is the number of distinct members seen on the platform up to and
including the week: forums, Q&A sites and chat communities count members, not followers.
``followers_gained`` is the day's change in followers, which several exports give instead
of the total (``strategy.domain.baselines`` builds followers from it). ``leads``,
``conversions`` and ``revenue`` are the value social returns (``VALUE_METRICS``)."""

VALUE_METRICS: Final[tuple[str, ...]] = ("leads", "conversions", "revenue")
"""What social brings back, attributed to it per platform and week (weekly sums): leads,
conversions and revenue, the revenue in the workspace's currency (``strategy.domain.value``)."""

SIGNED_METRICS: Final[frozenset[str]] = frozenset({"followers_gained"})
"""Changes, which may be negative; every other metric counts or times things."""

CANONICAL: Final[tuple[str, ...]] = tuple(AGGREGATION)

AUDIENCE: Final[str] = "audience"
AUDIENCE_SOURCES: Final[tuple[str, ...]] = ("followers", "community_members")
"""``audience`` is the first of these measured in a week: followers, else community members."""

DERIVED: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "engagement_rate": ("member_interactions", (AUDIENCE,)),
    "returning_share": ("returning_members", ("active_members",)),
    "member_initiated_share": ("member_initiated_threads", ("threads",)),
    "member_activity_share": (
        "member_interactions",
        ("member_interactions", "brand_posts", "brand_replies"),
    ),
}
"""Derived ratio -> (numerator, denominator terms summed). Undefined (NaN) on a zero sum.

A term may be ``audience``, itself derived first: so ``engagement_rate`` is measured for
forums, Q&A sites and chat servers, which have community members but no followers."""

DERIVED_NAMES: Final[tuple[str, ...]] = (*DERIVED, AUDIENCE)
"""Every metric the weekly table computes rather than stores; none may be uploaded."""

KNOWN_METRICS: Final[tuple[str, ...]] = (*CANONICAL, *DERIVED_NAMES)
"""The metrics the product knows without any upload: canonical and derived."""


def known_metrics(uploaded: Iterable[str] = ()) -> tuple[str, ...]:
    """The metrics a workspace knows, sorted: the product's own and every one uploaded."""
    return tuple(sorted({*KNOWN_METRICS, *uploaded}))


def unknown_metric_text(metric: str, known: Collection[str]) -> str:
    """Why a metric name is not one the workspace knows, with the closest known name:
    ``'follower_count' is not a metric this workspace knows; did you mean followers?``.

    The one close-match rule for a gate's criterion and an upload's column alike: a
    misspelt name would otherwise hold no data or fail every week, silently.
    """
    close = difflib.get_close_matches(metric, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"expected one of {', '.join(sorted(known))}"
    return f"{metric!r} is not a metric this workspace knows; {hint}"


def unknown_metrics(metrics: Iterable[str], uploaded: Iterable[str]) -> tuple[str, ...]:
    """The metrics, in order, that are neither the product's own nor uploaded before."""
    known = set(known_metrics(uploaded))
    return tuple(m for m in metrics if m not in known)


WEEKLY_COLUMNS: Final[tuple[str, ...]] = ("week", "platform", "metric", "value")

RESERVED_NAMES: Final[tuple[str, ...]] = ("date", "metric", "platform", "value", "week")
"""Names the weekly tables and the import layouts use for their own columns: no metric may
carry one (a metric ``week`` would collide with the wide table's ``week`` column)."""

MAX_PLATFORM_NAME: Final[int] = 100
"""The longest platform name accepted, in characters after normalisation."""

_SPACES = re.compile(r"[\s\-]+")
_INVISIBLE: Final[frozenset[str]] = frozenset({"Cc", "Cf"})
"""Unicode categories refused in platform names: control and (invisible) format characters."""


def normalise_name(raw: str) -> str:
    """Normalise a platform, channel or metric name: trimmed, lower case, inner spaces to '_'.

    The text is put in Unicode NFC form, so a composed and a decomposed "José" are one name.
    """
    return _SPACES.sub("_", unicodedata.normalize("NFC", str(raw).strip().lower()))


def platform_name_problem(name: str) -> str | None:
    """Why a *normalised*, non-blank platform name is not acceptable, or None when it is.

    Refused: more than ``MAX_PLATFORM_NAME`` characters; control or format characters
    (Unicode categories Cc and Cf: NUL, escape codes, right-to-left overrides, zero-width
    characters), which would make two names look alike or garble every screen showing them;
    and a first character a spreadsheet would run as a formula (``formula_prefix_problem``).
    """
    if len(name) > MAX_PLATFORM_NAME:
        return (
            f"is {len(name):,} characters long; expected a name of at most "
            f"{MAX_PLATFORM_NAME} characters"
        )
    for char in name:
        if unicodedata.category(char) in _INVISIBLE:
            what = unicodedata.name(char, "control character")
            return (
                f"contains the invisible character U+{ord(char):04X} ({what}); expected a "
                "name without control or formatting characters"
            )
    return formula_prefix_problem(name)


def show_name(name: str, limit: int = 40) -> str:
    """A name for a message: quoted with invisible characters escaped, long ones cut short."""
    return repr(shortened(name, limit))


def valid_platform_name(raw: str) -> str:
    """The normalised platform name, or ``ValidationError`` saying what is wrong with it.

    The one rule for platform names wherever they come from (imports, checklists,
    overrides): not blank, at most ``MAX_PLATFORM_NAME`` characters, no control or format
    characters, not starting like a formula (see ``platform_name_problem``).
    """
    name = normalise_name(raw)
    if not name:
        raise ValidationError("platform: a platform name is required")
    problem = platform_name_problem(name)
    if problem is not None:
        raise ValidationError(f"platform name {show_name(name)} {problem}")
    return name


class Aggregation(NamedTuple):
    """A metric's weekly aggregation and, for a metric not canonical, why the rule chose it."""

    agg: Agg
    reason: str
    """Empty for a canonical metric; else "a rate", "a change", "a total" or "a count"."""


RATE_WORDS: Final[frozenset[str]] = frozenset(
    {"rate", "rates", "percent", "percentage", "pct", "share", "ratio", "ratios", "per"}
)
"""Words of a name that say a rate: its days are averaged, never summed (``shares``, a
count of shared posts, is not among them)."""
CHANGE_WORDS: Final[frozenset[str]] = frozenset(
    {"new", "gained", "gains", "lost", "net", "change", "difference", "diff", "delta"}
)
"""Words of a name that say a day's change (``new_followers``, ``followers_gained``): summed."""
TOTAL_WORDS: Final[frozenset[str]] = frozenset({"total", "followers", "members", "subscribers"})
"""Words of a name that say a running total (``total_membership``): the week's last day."""

RATE: Final[str] = "a rate"
CHANGE: Final[str] = "a change"
TOTAL: Final[str] = "a total"
COUNT: Final[str] = "a count"

_WORD: Final[re.Pattern[str]] = re.compile(r"[^\W_]+")
"""A word of a name: a run of letters and digits (``_``, spaces, punctuation separate words)."""
_BRACKETED: Final[re.Pattern[str]] = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
"""A qualifier in brackets: ``(total)``, ``(organic)``, ``[%]``."""


def name_words(metric: str) -> frozenset[str]:
    """The words of a (normalised) metric name: ``pct_communicated`` -> pct, communicated.

    Whole words only, so ``operator`` and ``superfans`` hold no ``per``. A qualifier in
    brackets says which part of a breakdown a column holds, not what its number is
    (LinkedIn's ``impressions_(total)`` is a day's impressions, organic and sponsored), so
    its words are left out: ``impressions_(total)`` -> impressions.
    """
    return frozenset(_WORD.findall(_BRACKETED.sub(" ", metric.lower())))


def aggregation_rule(metric: str) -> Aggregation:
    """The weekly aggregation of a metric and, when the metric is not canonical, the reason.

    A canonical metric keeps its own (``AGGREGATION``, reason empty). Any other metric is
    aggregated by what its name says, the first of these that holds, on whole words of the
    name outside brackets (``name_words``):

    1. **a rate** -> the week's *mean* of its days: a word rate, percent, percentage, pct,
       share, ratio or per, or a ``%`` sign anywhere (``pct_communicated``, ``ctr_(%)``,
       ``click_through_rate``, ``messages_per_communicator``). A rate is never summed.
    2. **a change** -> the week's *sum*: a word new, gained, gains, lost, net, change,
       difference, diff or delta (``new_followers``, ``followers_gained``), a day's change
       even when the name also says followers.
    3. **a total** -> the week's *last* day: a word total, followers, members or subscribers
       (``total_membership``, ``total_followers``), a level that summing would multiply.
    4. otherwise **a count** -> the week's *sum* (``likes``, ``story_views``).
    """
    known = AGGREGATION.get(metric)
    if known is not None:
        return Aggregation(known, "")
    words = name_words(metric)
    if words & RATE_WORDS or "%" in metric:
        return Aggregation(Agg.MEAN, RATE)
    if words & CHANGE_WORDS:
        return Aggregation(Agg.SUM, CHANGE)
    if words & TOTAL_WORDS:
        return Aggregation(Agg.LAST, TOTAL)
    return Aggregation(Agg.SUM, COUNT)


def aggregation_for(metric: str) -> Agg:
    """The weekly aggregation of a metric: its own when canonical, else by ``aggregation_rule``."""
    return aggregation_rule(metric).agg


def week_start(values: pd.Series) -> pd.Series:
    """Monday 00:00 (naive UTC) of the ISO week of each timestamp or date."""
    import pandas as pd

    ts = pd.to_datetime(values, utc=True).dt.tz_localize(None).astype("datetime64[ns]")
    return (ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D")).astype(
        "datetime64[ns]"
    )


def _empty_long(first: str) -> pd.DataFrame:
    """An empty long table: a date column named ``first``, then platform, metric, value."""
    import pandas as pd

    return pd.DataFrame(
        {
            first: pd.Series([], dtype="datetime64[ns]"),
            "platform": pd.Series([], dtype="str"),
            "metric": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="float64"),
        }
    )


def empty_daily() -> pd.DataFrame:
    """An empty table of daily changes (day, platform, metric, value)."""
    return _empty_long("day")


def empty_weekly() -> pd.DataFrame:
    """An empty long weekly table with the right dtypes."""
    return _empty_long("week")


def add_derived(wide: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of a wide weekly table with ``audience`` and the derived ratios added
    (NaN when undefined). Audience comes first: ``engagement_rate`` divides by it."""
    import numpy as np
    import pandas as pd

    out = wide.copy()
    first, *rest = (_values(out, m) for m in AUDIENCE_SOURCES)
    for other in rest:
        first = first.fillna(other)
    out[AUDIENCE] = first.astype("float64")
    for name, (numerator, terms) in DERIVED.items():
        if numerator not in out.columns or not all(t in out.columns for t in terms):
            out[name] = np.nan
            continue
        denominator = sum((out[t].fillna(0.0) for t in terms), start=pd.Series(0.0, out.index))
        num = out[numerator]
        out[name] = (num / denominator.where(denominator > 0)).astype("float64")
    return out


def derivation_text(metric: str) -> str:
    """How a derived ratio is computed, for a message: for ``engagement_rate``,
    ``member_interactions / audience (followers, else community_members)``."""
    numerator, terms = DERIVED[metric]
    audience = f"{AUDIENCE} ({', else '.join(AUDIENCE_SOURCES)})"
    shown = [audience if t == AUDIENCE else t for t in terms]
    denominator = shown[0] if len(shown) == 1 else f"({' + '.join(shown)})"
    return f"{numerator} / {denominator}"


def _values(wide: pd.DataFrame, metric: str) -> pd.Series:
    import numpy as np
    import pandas as pd

    if metric in wide.columns:
        return wide[metric].astype("float64")
    return pd.Series(np.nan, index=wide.index, dtype="float64")


def column_numbers(frame: pd.DataFrame, name: str, *, missing: float) -> list[float]:
    """A column's values as floats, ``missing`` where the column is absent or a value is not
    a number (NaN: unmeasured stays unmeasured; 0: unmeasured counts as none)."""
    import pandas as pd

    if name not in frame.columns:
        return [missing] * len(frame)
    numbers = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return [missing if math.isnan(v) else float(v) for v in numbers]


def to_wide(long: pd.DataFrame) -> pd.DataFrame:
    """Pivot a long weekly table to one row per (platform, week), canonical and derived metrics.

    Every canonical metric gets a column (NaN where unmeasured), so gates and charts can
    rely on the names being present.
    """
    import numpy as np
    import pandas as pd

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


def platform_name(raw: object) -> str:
    """A checklist's or override's platform, by the one rule imports use too."""
    if not isinstance(raw, str) or not normalise_name(raw):
        raise ValidationError(f"platform: expected a platform name, got {raw!r}")
    return valid_platform_name(raw)
