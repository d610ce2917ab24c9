"""The dashboard's first screen: four bordered cards, one per executive question, each with
one line under it and a link to its detail further down the page.

The cards are drawn with the page's core elements only (a line of Markdown, a heading, a
caption), not ``st.metric``: Streamlit's browser code loads the metric's part only when a
page needs it, together with those of the forms and charts below, so a metric's value showed
a second or more after its card (``bench/bench_dashboard.py``)."""

from __future__ import annotations

import streamlit as st

from strategy.views.first_screen import FirstScreen, answers
from ui.markup import md


def show(screen: FirstScreen) -> None:
    """The four answers in one row (plain values: nothing typed by a user is shown)."""
    for column, answer in zip(st.columns(4), answers(screen), strict=True):
        with column.container(border=True, key=f"first_screen_{answer.anchor}", gap="xsmall"):
            st.markdown(f"[{answer.question}](#{answer.anchor})")
            st.subheader(md(answer.value), anchor=False)
            st.caption(md(answer.caption))
