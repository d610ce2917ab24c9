"""The stop-or-continue review of each stalled platform, as the dashboard shows it under the
stall warnings: weeks in the stage, the criterion not met and its trend, hours and cost since
it stalled, its value; the decision, or the controls to make it (executives and admins), and
a stopped platform's restart."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from strategy.domain.analysis import Analysis
from strategy.domain.clock import day_text
from strategy.domain.platform_review import (
    Decision,
    Review,
    ReviewStatus,
    stopped_text,
)
from strategy.usecases import Workspace
from strategy.views.words import plural, said
from ui import saving, session
from ui.days import day_field
from ui.markup import md

LOOK_AGAIN_WEEKS = 8
"""The day to look again a continue form offers first: eight weeks on."""
FLASH_HERE = "platform_review_flash_here"
"""Set by a review's save: its message shows above the cards, not with the requests'."""


def show_platform_reviews(ws: Workspace, result: Analysis) -> None:
    """Every platform under review or decided, one card each (nothing when none is)."""
    if st.session_state.pop(FLASH_HERE, False):
        session.show_flash()
    may_decide = session.can_decide()
    for review in result.reviews:
        show_review(ws, review, may_decide=may_decide, today=result.today)


def _money(r: Review) -> str:
    return f"{r.currency} {r.cost_since_stalled:,.0f}"


def show_review(ws: Workspace, r: Review, *, may_decide: bool, today: dt.date) -> None:
    """One platform's review card."""
    with st.container(border=True):
        if r.status is ReviewStatus.STOPPED and r.decision is not None:
            _stopped(ws, r, may_decide=may_decide)
            return
        since = f", since {day_text(r.stalled_since)}" if r.stalled_since else ""
        st.markdown(
            f"**Stop or continue: {md(r.platform)}** · in {r.stage.value} for "
            f"{plural(r.weeks_in_stage, 'week')}{since}"
        )
        cols = st.columns(3)
        cols[0].metric("Weeks in stage", r.weeks_in_stage)
        cols[1].metric(
            "Serving hours since it stalled",
            f"{r.hours_since_stalled:,.0f} h",
            help="The team's serving hours of each week, split over the platforms in "
            "proportion to each one's demand hours that week.",
        )
        cols[2].metric("Cost since it stalled", _money(r), help="Those hours at their rates.")
        st.markdown(
            f"**Not met, and its trend:** {md(said(r.stall_reason))}  \n**Value:** {md(r.value)}"
        )
        if r.status is ReviewStatus.CONTINUE and r.decision is not None:
            d = r.decision
            until = day_text(d.until) if d.until else "?"
            st.info(
                f"**Continued** by {md(d.decided_by)} on {day_text(d.decided_on)} until "
                f"{until}: {md(d.reason)}",
                icon="▶️",
            )
        if may_decide and r.status is ReviewStatus.CONTINUE:
            with st.expander("Decide again: stop now, or continue to another day"):
                _decide_form(ws, r, today)
        elif may_decide:
            _decide_form(ws, r, today)
        elif r.status is ReviewStatus.OPEN:
            st.caption("Waiting for an executive's decision: continue or stop.")


def _stopped(ws: Workspace, r: Review, *, may_decide: bool) -> None:
    """A stopped platform: when, why and by whom, and the Restart button."""
    assert r.decision is not None
    st.markdown(
        f"⏹️ **{md(r.platform)}: {md(stopped_text(r.decision))}** · by {md(r.decision.decided_by)}"
    )
    st.caption(
        f"Out of the demand, the stall list and the resource signal; still on record "
        f"({plural(r.weeks_in_stage, 'week')} in {r.stage.value}, {_money(r)} since it stalled)."
    )
    if may_decide and saving.button("Restart", key=f"restart_{r.platform}"):
        with saving.save() as saved:
            ws.restart_platform(session.actor(), r.platform, today=session.today())
            st.session_state[FLASH_HERE] = True
            saved(f"{r.platform} restarted: it counts again.")


def _decide_form(ws: Workspace, r: Review, today: dt.date) -> None:
    """Continue (a reason and a day to look again) or stop (a reason)."""
    prefix = f"platform_review_{r.platform}_"
    with st.form(f"{prefix}form"):
        reason = st.text_input(
            "Reason to stop or continue", key=f"{prefix}reason", help="At least 5 characters."
        )
        until = day_field(
            st,
            "Look again on (continue only)",
            today + dt.timedelta(weeks=LOOK_AGAIN_WEEKS),
            key=f"{prefix}until",
        )
        buttons = st.columns(2)
        go_on = saving.submit("Continue", key=f"{prefix}continue", within=buttons[0])
        stop = saving.submit("Stop", key=f"{prefix}stop", within=buttons[1], type="primary")
        if go_on or stop:
            choice = Decision.CONTINUE if go_on else Decision.STOP
            with saving.save(prefix) as saved:
                done = ws.review_platform(
                    session.actor(),
                    r.platform,
                    choice,
                    reason,
                    until=until if go_on else None,
                    today=session.today(),
                )
                word = (
                    "stopped"
                    if stop or done.until is None
                    else f"continued until {day_text(done.until)}"
                )
                st.session_state[FLASH_HERE] = True
                saved(f"{r.platform} {word}.")
