"""What social returns against what each platform costs.

**Cost per platform** is each week's serving hours' cost split over the platforms by their
demand that week, the one rule of ``strategy.domain.platform_cost`` (people paid in full
from their start; a week without demand leaves its cost with no platform, still counted in
the rollout's total).

**Value** is ``leads``, ``conversions`` and ``revenue`` attributed to social, per platform
and week (weekly sums). A platform that never reports one of them has it *not measured*:
None in the data, "value not measured" in words, never 0. Cost per lead and per
conversion, and the return (revenue / cost), are None when either side is missing or zero.

**Currency.** Revenue counts in the workspace's currency (the company profile). A file
whose revenue column names another currency (``Revenue (USD)``), or whose ``currency``
column says another, is refused with the fix named (``currency_refusal``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from strategy.domain.clock import as_date
from strategy.domain.costs import Cost, money
from strategy.domain.errors import ImportRejected
from strategy.domain.horizons import SignalWindow
from strategy.domain.metrics import VALUE_METRICS, column_numbers, name_words
from strategy.domain.numbers import plain_number
from strategy.domain.platform_cost import PlatformSplit

if TYPE_CHECKING:  # loaded where a frame is computed, not with the rules
    import pandas as pd

NOT_MEASURED: Final[str] = "value not measured"
"""What a platform without leads, conversions or revenue shows: never 0."""
TOTAL: Final[str] = "all platforms"
"""The rollout's row, beside the platforms'."""

# --- currency ---------------------------------------------------------------------------

CURRENCY_COLUMN: Final[str] = "currency"
"""A column of a metrics file that says which currency its revenue is in."""

_CURRENCIES: Final[frozenset[str]] = frozenset(
    re.findall(
        "[A-Z]{3}",
        "USD EUR GBP JPY CHF CAD AUD NZD SEK NOK DKK ISK PLN CZK HUF RON BGN CNY HKD SGD INR "
        "IDR KRW TWD THB MYR PHP VND BRL MXN ARS CLP COP PEN ZAR TRY ILS AED SAR QAR EGP NGN "
        "KES UAH RUB",
    )
)
"""The currency codes a column's name is read for (``Revenue (USD)``, ``revenue_usd``)."""

_BRACKETED_CODE: Final[re.Pattern[str]] = re.compile(r"[(\[]\s*([A-Za-z]{3})\s*[)\]]")
_REVENUE_WORD: Final[str] = "revenue"


def revenue_currency(column: str) -> str | None:
    """The currency a revenue column's name states, upper case: ``Revenue (USD)``,
    ``revenue_usd``, ``Total revenue [GBP]`` -> USD, USD, GBP; None for any other name."""
    words = {w.lower() for w in re.findall(r"[^\W_]+", column)}
    if _REVENUE_WORD not in words:
        return None
    bracketed = _BRACKETED_CODE.search(column)
    if bracketed is not None and bracketed.group(1).upper() in _CURRENCIES:
        return bracketed.group(1).upper()
    named = sorted(w.upper() for w in words if w.upper() in _CURRENCIES)
    return named[0] if named else None


def is_revenue_column(metric: str) -> bool:
    """True when a (normalised) metric name is revenue with its currency stated:
    ``revenue_(eur)``, ``revenue_eur``: its weekly values are the workspace's ``revenue``
    once the currency is the workspace's."""
    codes = {c.lower() for c in _CURRENCIES}
    return revenue_currency(metric) is not None and name_words(metric) - codes == {_REVENUE_WORD}


def currency_refusal(label: str, column: str, found: str, workspace: str) -> ImportRejected:
    """The refusal of revenue in another currency than the workspace's, with the fix."""
    return ImportRejected(
        f"{label}: column {column!r}: revenue in {found}, the workspace counts {workspace}; "
        f"convert it to {workspace} or set the currency with "
        f"`company set WS --currency {found}`"
    )


def check_currency(label: str, stated: Sequence[tuple[str, str]], workspace: str) -> None:
    """Refuse a file whose revenue is in another currency than the workspace's: ``stated``
    holds (the column as written, the currency it states) for each statement it makes."""
    for column, code in stated:
        if code.upper() != workspace.upper():
            raise currency_refusal(label, column, code.upper(), workspace)


# --- value against cost -------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformValue:
    """A platform's (or the rollout's) value and cost over some weeks. A value metric never
    reported is None: not measured, never 0."""

    name: str
    leads: float | None
    conversions: float | None
    revenue: float | None
    cost: float

    @property
    def measured(self) -> bool:
        """True when any of leads, conversions or revenue is reported."""
        return any(v is not None for v in (self.leads, self.conversions, self.revenue))

    @property
    def cost_per_lead(self) -> float | None:
        return _per(self.cost, self.leads)

    @property
    def cost_per_conversion(self) -> float | None:
        return _per(self.cost, self.conversions)

    @property
    def return_on_cost(self) -> float | None:
        """Revenue / cost; None when revenue is not measured or nothing was spent."""
        if self.revenue is None or self.cost <= 0:
            return None
        return round(self.revenue / self.cost, 2)


def _per(cost: float, count: float | None) -> float | None:
    return None if count is None or count <= 0 else round(cost / count, 2)


@dataclass(frozen=True)
class WeekValue:
    """One platform's value and cost in one week."""

    week: dt.date
    platform: str
    leads: float | None
    conversions: float | None
    revenue: float | None
    cost: float


@dataclass(frozen=True)
class ValueView:
    """What social returns against what it costs: per platform and for the whole rollout
    over the signal's window, and per platform by week."""

    currency: str
    window: tuple[dt.date, ...]
    platforms: Mapping[str, PlatformValue]
    total: PlatformValue
    weeks: tuple[WeekValue, ...]
    no_rate_for: tuple[str, ...] = ()


def value_view(
    wide: pd.DataFrame, split: PlatformSplit, window: SignalWindow, currency: str
) -> ValueView:
    """Value and cost per platform of the signal's window, by week (every week of the split)
    and over the window. ``wide`` holds complete weeks; ``split`` each week's serving cost
    and each platform's share of it (``strategy.domain.platform_cost``)."""
    platforms = list(window.platforms)
    values = _values(wide, platforms)
    rows = tuple(
        _week_value(week, platform, values, split.costs.get((platform, week), 0.0))
        for week in sorted(split.weeks)
        for platform in platforms
    )
    inside = [r for r in rows if r.week in set(window.weeks)]
    by_platform = {p: _summed(p, [r for r in inside if r.platform == p]) for p in platforms}
    spent = sum(split.weeks[w].cost for w in window.weeks if w in split.weeks)
    total = _summed(TOTAL, inside, cost=spent)
    return ValueView(currency, window.weeks, by_platform, total, rows, split.no_rate_for)


Values = dict[tuple[str, dt.date], dict[str, float | None]]


def _week_value(week: dt.date, platform: str, values: Values, cost: float) -> WeekValue:
    """One platform's week: its value metrics (None where not reported) and its cost."""
    found = values.get((platform, week), {})
    return WeekValue(
        week,
        platform,
        found.get("leads"),
        found.get("conversions"),
        found.get("revenue"),
        round(cost, 2),
    )


def _values(wide: pd.DataFrame, platforms: Sequence[str]) -> Values:
    """(platform, week) -> each value metric's number, None where not reported."""
    if wide.empty:
        return {}
    table = wide[wide["platform"].isin(platforms)]
    found: Values = {}
    columns = {m: column_numbers(table, m, missing=math.nan) for m in VALUE_METRICS}
    for i, (platform, week) in enumerate(zip(table["platform"], table["week"], strict=True)):
        found[(str(platform), as_date(week))] = {
            m: None if math.isnan(columns[m][i]) else columns[m][i] for m in VALUE_METRICS
        }
    return found


def _summed(name: str, rows: Sequence[WeekValue], cost: float | None = None) -> PlatformValue:
    """The sum of some weeks' value (None for a metric none of them reports) and cost."""

    def total(metric: str) -> float | None:
        found = [getattr(r, metric) for r in rows if getattr(r, metric) is not None]
        return round(float(sum(found)), 2) if found else None

    spent = sum(r.cost for r in rows) if cost is None else cost
    return PlatformValue(
        name, total("leads"), total("conversions"), total("revenue"), round(spent, 2)
    )


# --- in words -----------------------------------------------------------------------------


def value_text(v: PlatformValue, currency: str) -> str:
    """A platform's value and cost in one line: ``120 leads, 30 conversions, revenue EUR
    4,500; cost EUR 1,200; EUR 10 a lead, EUR 40 a conversion; return 3.75``, or ``value
    not measured; cost EUR 300``."""
    spent = money(Cost(v.cost, currency))
    if not v.measured:
        return f"{NOT_MEASURED}; cost {spent}"
    parts = []
    if v.leads is not None:
        parts.append(f"{plain_number(v.leads)} leads")
    if v.conversions is not None:
        parts.append(f"{plain_number(v.conversions)} conversions")
    if v.revenue is not None:
        parts.append(f"revenue {money(Cost(v.revenue, currency))}")
    per = [
        f"{money(Cost(amount, currency))} a {what}"
        for amount, what in ((v.cost_per_lead, "lead"), (v.cost_per_conversion, "conversion"))
        if amount is not None
    ]
    shown = f"{', '.join(parts)}; cost {spent}"
    if per:
        shown += f"; {', '.join(per)}"
    ratio = v.return_on_cost
    shown += "; return " + (plain_number(ratio) if ratio is not None else "not measured")
    return shown


def value_dict(v: PlatformValue) -> dict[str, float | None]:
    """The report's form: leads, conversions, revenue (null: not measured), cost, cost per
    lead and per conversion, and return (null when revenue is not measured)."""
    return {
        "leads": v.leads,
        "conversions": v.conversions,
        "revenue": v.revenue,
        "cost": v.cost,
        "cost_per_lead": v.cost_per_lead,
        "cost_per_conversion": v.cost_per_conversion,
        "return": v.return_on_cost,
    }
