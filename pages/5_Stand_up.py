"""Stand-up: the daily 15-minute agenda, written from what changed since the previous
working day, with who picks each item up, and the team's own items in four slots (overnight,
trending, scheduled content, risks and opportunities), each of which an editor may remove;
to read out, copy or download."""

from __future__ import annotations

import streamlit as st

from strategy.domain.clock import day_text, parse_day
from strategy.domain.errors import ValidationError
from strategy.domain.standup import SLOT_TITLES, Slot
from strategy.storage import StorageError
from strategy.views.standup import AgendaItem, SectionKey, agenda_markdown, with_slots
from ui import saving, session
from ui.markup import md

st.set_page_config(page_title="Stand-up · Social Rollout Tracker", page_icon="🗣️", layout="wide")
session.sidebar()
today = session.today()

st.title("Daily stand-up")
st.caption(
    "Fifteen minutes for the part-time team: what happened overnight, what is trending, "
    "scheduled content, risks and opportunities (the team adds these below), then what "
    "changed since the previous working day (people starting, stage moves, stalls, uploads, "
    "tests, onboarding, requests) and what still needs someone, each with who picks it up."
)
session.show_flash()

typed = st.text_input(
    "Day",
    value=day_text(today),
    key="standup_day",
    help="Type the stand-up's day (24 Nov 2026, or 2026-11-24) and press Enter. It covers "
    "the events from the previous working day up to that morning.",
)
try:
    day = parse_day(typed, "day")
except ValidationError as exc:
    st.error(str(exc))
    st.stop()
ws = session.workspace()
try:
    slot_items = ws.standup_items(day)
except StorageError as exc:
    session.outage(exc)
agenda = with_slots(session.standup_agenda(day), slot_items)
st.caption(f"Since {agenda.since:%A %d %b %Y}, up to the morning of {agenda.day:%A %d %b %Y}.")

REMOVE = "standup_remove_"
# The section and the Remove button of the item the last click removed: its message shows in
# that section, or where the section was when it went with its last item.
REMOVED = "standup_removed"
editing = session.can_edit()


def bullet(item: AgendaItem) -> str:
    return f"- {md(item.text)} — **{md(item.owner)}**"


def removable(item: AgendaItem, item_id: int, section: SectionKey) -> None:
    """An item the team added, with a button beside it that removes it."""
    row = st.container(horizontal=True, vertical_alignment="center", wrap=False)
    row.markdown(bullet(item), width="stretch")
    key = f"{REMOVE}{item_id}"
    if saving.button(
        "Remove",
        key=key,
        within=row,
        type="tertiary",
        icon=":material/delete:",
        help=f"Remove this item from the stand-up of {day_text(day)}",
    ):
        st.session_state[REMOVED] = (section, key)
        with saving.save() as saved:
            gone = ws.remove_standup_item(session.actor(), item_id)
            saved(f"Removed from {SLOT_TITLES[gone.slot]} of {day_text(gone.day)}: {gone.text}.")


def said_on_removal(before: SectionKey | None = None, after: SectionKey | None = None) -> None:
    """What removing an item said, once: at the end of its section (``after``), or before the
    first section that came after it (``before``) when its section is gone, else here."""
    if REMOVED not in st.session_state:
        return
    section, key = st.session_state[REMOVED]
    order = list(SectionKey)
    if after is not None and after is not section:
        return
    if before is not None and order.index(before) <= order.index(section):
        return
    session.show_said(key)
    del st.session_state[REMOVED]


if not agenda.sections:
    st.info(f"Nothing changed since {agenda.since:%A %d %b %Y}.", icon="☕")
for section in agenda.sections:
    said_on_removal(before=section.key)
    st.subheader(section.title)
    if not editing or all(shown.id is None for shown in section.items):
        st.markdown("\n".join(bullet(shown) for shown in section.items))
    else:
        for shown in section.items:  # a slot the team filled: each item with its Remove button
            if shown.id is None:
                st.markdown(bullet(shown))
            else:
                removable(shown, shown.id, section.key)
    said_on_removal(after=section.key)
said_on_removal()

# --- the team's own items -------------------------------------------------------------------
FORM = "standup_add_"
if editing:
    st.subheader("Add to the stand-up")
    with st.form(f"{FORM}form", clear_on_submit=False):
        cols = st.columns([1, 3, 1])
        slot = cols[0].selectbox(
            "Slot", list(Slot), format_func=lambda s: SLOT_TITLES[s], key=f"{FORM}slot"
        )
        for typed_in in ("text", "owner"):
            saving.emptied(f"{FORM}{typed_in}", "")  # an added item leaves the boxes empty
        text = cols[1].text_input("Text", key=f"{FORM}text", placeholder="What to raise")
        owner = cols[2].text_input("Owner", key=f"{FORM}owner", placeholder="Who picks it up")
        if saving.submit("Add the item", type="primary"):
            with saving.save(FORM) as saved:
                item = ws.add_standup_item(
                    session.actor(), day=day, slot=slot, text=text, owner=owner
                )
                saved(f"Added to {SLOT_TITLES[item.slot]} of {day_text(day)}: {item.text}.")

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
