"""What social returns against what it costs, as a table and as a chart by week: the
dashboard's "What social returns" section and the executives' brief draw the same ones."""

from __future__ import annotations

from typing import Final

import altair as alt
import pandas as pd

from strategy.domain.costs import Cost, money
from strategy.domain.numbers import plain_number
from strategy.domain.value import NOT_MEASURED, TOTAL, PlatformValue, ValueView
from strategy.views.charts import week_axis

SERIES: Final[tuple[str, str]] = ("revenue", "cost")
"""The chart's two lines: what social brought back, and what serving it cost."""
TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "platform",
    "leads",
    "conversions",
    "revenue",
    "cost",
    "cost per lead",
    "cost per conversion",
    "return",
)


def value_by_week(value: ValueView) -> pd.DataFrame:
    """The rollout's revenue and cost per week (``week``, ``series``, ``amount``): the
    platforms summed; a week without any revenue reported has no revenue point (not 0)."""
    rows = []
    weeks = sorted({r.week for r in value.weeks})
    for week in weeks:
        found = [r for r in value.weeks if r.week == week]
        revenue = [r.revenue for r in found if r.revenue is not None]
        if revenue:
            rows.append((week, SERIES[0], float(sum(revenue))))
        rows.append((week, SERIES[1], float(sum(r.cost for r in found))))
    frame = pd.DataFrame(rows, columns=["week", "series", "amount"])
    frame["week"] = pd.to_datetime(frame["week"]).astype("datetime64[ns]")
    return frame


def value_against_cost(frame: pd.DataFrame, currency: str) -> alt.Chart:
    """Revenue against cost by week, one line each, in the workspace's currency."""
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=week_axis(frame["week"], title="week"),
            y=alt.Y("amount:Q", title=f"{currency} a week"),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=list(SERIES), range=["#2a9d8f", "#e76f51"]),
                legend=alt.Legend(orient="top", title=None),
            ),
            tooltip=[
                alt.Tooltip("week:T", title="week"),
                alt.Tooltip("series:N", title="what"),
                alt.Tooltip("amount:Q", title=currency, format=",.0f"),
            ],
        )
        .properties(height=260, title="Value against cost")
    )
    return chart


def value_table(value: ValueView) -> pd.DataFrame:
    """One row per platform and one for the rollout, over the signal's window, as text: a
    platform reporting no value says "value not measured", never 0."""
    rows = [_row(v, value.currency) for _, v in sorted(value.platforms.items())]
    rows.append(_row(value.total, value.currency))
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def _row(v: PlatformValue, currency: str) -> list[str]:
    def amount(x: float | None) -> str:
        return "–" if x is None else money(Cost(x, currency))

    def count(x: float | None) -> str:
        return "not measured" if x is None else plain_number(x)

    name = v.name if v.name != TOTAL else f"{TOTAL} (the rollout)"
    cost = amount(v.cost)
    if not v.measured:
        return [name, NOT_MEASURED, "", "", cost, "", "", ""]
    ratio = v.return_on_cost
    return [
        name,
        count(v.leads),
        count(v.conversions),
        "not measured" if v.revenue is None else amount(v.revenue),
        cost,
        amount(v.cost_per_lead),
        amount(v.cost_per_conversion),
        "–" if ratio is None else plain_number(ratio),
    ]
