"""The dashboard's "What social returns" section: value and cost per platform and for the
rollout over the signal's window, and value against cost by week."""

from __future__ import annotations

import streamlit as st

from strategy.domain.analysis import Analysis
from strategy.domain.clock import day_text
from strategy.views.value_charts import value_against_cost, value_by_week, value_table
from ui.markup import md


def show_value(result: Analysis) -> None:
    """Draw the section (nothing before a complete week of metrics)."""
    value = result.value
    if value is None or not value.window:
        return
    st.subheader("What social returns")
    st.caption(
        f"Weeks of {day_text(value.window[0])} to {day_text(value.window[-1])} (the signal's "
        "window). A platform's cost is its share of the serving hours' cost: each week's "
        "serving hours, at each person's or role's rate, split over the platforms by their "
        "demand that week. Return is revenue / cost. A platform reporting no leads, "
        "conversions or revenue says value not measured, never 0."
    )
    st.dataframe(value_table(value), hide_index=True, width="stretch")
    if value.no_rate_for:
        st.warning(f"The cost leaves out people with no rate: {md(', '.join(value.no_rate_for))}.")
    st.altair_chart(value_against_cost(value_by_week(value), value.currency), width="stretch")
