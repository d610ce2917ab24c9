"""The dashboard's first screen: four bordered cards, one per executive question, each with
one line under it and a link to its detail further down the page."""

from __future__ import annotations

import streamlit as st

from strategy.views.first_screen import FirstScreen, answers
from ui.markup import md


def show(screen: FirstScreen) -> None:
    """The four answers in one row (plain values: nothing typed by a user is shown)."""
    for column, answer in zip(st.columns(4), answers(screen), strict=True):
        with column.container(border=True, key=f"first_screen_{answer.anchor}"):
            st.metric(f"[{answer.question}](#{answer.anchor})", answer.value)
            st.caption(md(answer.caption))
