"""Stand-up: the daily 15-minute agenda, written from what changed since the previous
working day, with who picks each item up; to read out, copy or download."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from strategy.domain.clock import EARLIEST_DATE
from strategy.views.standup import agenda_markdown
from ui import session
from ui.markup import md

st.set_page_config(page_title="Stand-up · Social Rollout Tracker", page_icon="🗣️", layout="wide")
session.sidebar()
today = session.today()

st.title("Daily stand-up")
st.caption(
    "Fifteen minutes for the part-time team: what changed since the previous working day "
    "(stage moves, stalls, uploads, tests, onboarding, requests) and what still needs "
    "someone, each with the person who picks it up."
)

day = st.date_input(
    "Day",
    value=today,
    min_value=EARLIEST_DATE,
    max_value=today + dt.timedelta(days=365),
    key="standup_day",
    help="The stand-up's day: it covers the events from the previous working day up to "
    "this morning.",
)
agenda = session.standup_agenda(day)
st.caption(f"Since {agenda.since:%A %d %b %Y}, up to the morning of {agenda.day:%A %d %b %Y}.")

if not agenda.sections:
    st.info(f"Nothing changed since {agenda.since:%A %d %b %Y}.", icon="☕")
for section in agenda.sections:
    st.subheader(section.title)
    st.markdown("\n".join(f"- {md(item.text)} — **{md(item.owner)}**" for item in section.items))

# --- to paste into a chat or a meeting note ----------------------------------------------
st.divider()
st.subheader("The agenda as Markdown")
st.caption("Copy it with the button in the block's corner, or download it.")
markdown = agenda_markdown(agenda)
st.code(markdown, language="markdown")
st.download_button(
    "Download the agenda (Markdown)",
    markdown,
    file_name=f"stand-up-{agenda.day.isoformat()}.md",
    mime="text/markdown",
)
