"""A resource request as the dashboard shows it: its frozen evidence, the decision or the
controls to make it, who was hired against it and, once due, the hire's review with the
control to close it."""

from __future__ import annotations

import streamlit as st

from strategy.domain.access import raised_it
from strategy.domain.clock import day_text
from strategy.domain.hire_check import Review, Verdict
from strategy.domain.positions import positions_text
from strategy.domain.requests import (
    SAME_PERSON,
    Decision,
    Evidence,
    RequestStatus,
    RequestView,
    evidence_value_lines,
)
from strategy.domain.team import ROLE_LABELS
from strategy.usecases import Workspace
from strategy.views.words import said
from ui import saving, session
from ui.markup import md

DECIDED_ICONS = {RequestStatus.APPROVED: "✅", RequestStatus.DECLINED: "❌"}


def evidence_lines(e: Evidence) -> str:
    """A request's frozen evidence as Markdown: the gap, its roles and window, each condition,
    each platform's value and return as raised."""
    cost = f"{md(e.currency)} {e.gap_cost_per_week:,.0f}/week"
    if e.gap_no_rate_for:
        cost += f" (no rate for: {md(', '.join(e.gap_no_rate_for))})"
    window = (
        f"weeks of {day_text(e.window_from)} to {day_text(e.window_to)}"
        if e.window_from and e.window_to
        else "no complete weeks"
    )
    lines = [
        f"**Evidence as of {day_text(e.as_of)}:** gap {e.gap_hours_per_week:.1f} h/week, "
        f"{e.gap_people:.1f} FTE, {cost}",
        f"**Roles:** {md(e.roles_text or 'none')}",
        *([f"**Positions:** {md(positions_text(e.positions))}"] if e.positions else []),
        f"**Window:** {window}",
        md(said(e.summary)),
        *(f"{'✅' if c.met else '❌'} {md(c.label)} — {md(c.value)}" for c in e.conditions),
        *(f"**Value as raised** · {md(line)}" for line in evidence_value_lines(e)),
    ]
    return "  \n".join(lines)


def hiring_lines(v: RequestView) -> str:
    """An approved request against who was hired: hours, roles, people and cost (Markdown)."""
    g, h = v.request.grant, v.hired
    hired_roles = dict(h.hours_by_role)
    roles = ", ".join(
        f"{ROLE_LABELS[r]} {hired_roles.get(r, 0.0):.1f} h" for r in dict.fromkeys(g.roles)
    )
    people = md(", ".join(h.people)) if h.people else "nobody yet"
    lines = [
        ("**Filled:** " if v.filled else "**Hired:** ")
        + f"{h.hours:.1f} of {g.hours_per_week:.1f} h/week approved",
        f"**Roles:** {roles}",
        f"**People:** {people}",
        f"**Cost:** {md(g.currency)} {h.cost_per_week:,.0f} of {md(g.currency)} "
        f"{g.cost_per_week:,.0f}/week",
    ]
    return "  \n".join(lines)


def show_request(ws: Workspace, v: RequestView, *, may_decide: bool) -> None:
    """One request: status, who raised it, its evidence, the decision or the controls."""
    r = v.request
    with st.container(border=True):
        st.markdown(
            f"**Request #{r.id}: {r.status.value}{', filled' if v.filled else ''}** · "
            f"raised on {day_text(r.raised_on)} by {md(r.raised_by)}"
            + (f"  \n**Note:** {md(r.note)}" if r.note else "")
        )
        if v.stale:
            st.warning(f"**Stale:** {md(said(v.stale_reason))}", icon="⚠️")
        st.markdown(evidence_lines(r.evidence))
        if r.amendment is not None:
            a = r.amendment
            st.markdown(
                f"**Amended** by {md(a.by)} on {day_text(a.on)} to "
                f"{a.grant.hours_per_week:.1f} h/week for "
                f"{md(', '.join(ROLE_LABELS[x] for x in a.grant.roles))} "
                f"({md(a.grant.currency)} {a.grant.cost_per_week:,.0f}/week): {md(a.reason)}"
            )
        if r.status is not RequestStatus.OPEN:
            decided = f" on {day_text(r.decided_on)}" if r.decided_on else ""
            st.markdown(
                f"{DECIDED_ICONS[r.status]} **{r.status.value.title()}** by {md(r.decided_by)}"
                f"{decided}: {md(r.reason)}"
            )
            if r.same_person:
                st.caption(f"⚠️ {SAME_PERSON.capitalize()}.")
        if r.status is RequestStatus.APPROVED:
            st.markdown(hiring_lines(v))
        if v.review is not None:
            show_review(ws, v.review, may_decide=may_decide)
        if r.status is not RequestStatus.OPEN:
            return
        me = session.actor()
        if may_decide and (
            raised_it(me, r.raised_by)
            or (r.amendment is not None and raised_it(me, r.amendment.by))
        ):
            st.caption("Open: you raised it, so another executive decides it.")
        elif may_decide:
            prefix = f"decide_{r.id}_"
            with st.form(f"decide_{r.id}"):
                reason = st.text_input(
                    "Reason for the decision",
                    key=f"{prefix}reason",
                    help="Needed to approve or decline; the decision is final.",
                )
                buttons = st.columns(2)
                approve = saving.submit(
                    "Approve", key=f"{prefix}approve", within=buttons[0], type="primary"
                )
                decline = saving.submit("Decline", key=f"{prefix}decline", within=buttons[1])
                if approve or decline:
                    decision = Decision.APPROVE if approve else Decision.DECLINE
                    with saving.save(prefix) as saved:
                        done = ws.decide_request(
                            session.actor(), r.id, decision, reason, today=session.today()
                        )
                        saved(f"Request #{done.id} {done.status.value}.")
        else:
            st.caption("Open: waiting for an executive's decision.")


VERDICT_BOXES = {
    Verdict.CLOSED: st.success,
    Verdict.PARTLY_CLOSED: st.warning,
    Verdict.NOT_CLOSED: st.error,
}


def show_review(ws: Workspace, review: Review, *, may_decide: bool) -> None:
    """The hire's review: the verdict, what was claimed against what the weeks read show,
    and an executive's note closing it (or the form to close it)."""
    VERDICT_BOXES[review.verdict](
        f"**Review: {review.verdict.words}.** {md(review.summary)}", icon="🔎"
    )
    st.table(
        {
            "": [line.label for line in review.lines],
            "Claimed when raised": [line.claimed for line in review.lines],
            "Now": [line.now for line in review.lines],
        }
    )
    if review.closed is not None:
        c = review.closed
        st.markdown(f"**Review closed** by {md(c.by)} on {day_text(c.on)}: {md(c.note)}")
    elif may_decide:
        prefix = f"review_{review.request_id}_"
        with st.form(f"review_{review.request_id}"):
            note = st.text_input(
                "Note closing the review",
                key=f"{prefix}note",
                help="What the executives conclude from it; the review is kept as it reads.",
            )
            if saving.submit("Close the review", key=f"{prefix}close"):
                with saving.save(prefix) as saved:
                    ws.close_review(session.actor(), review.request_id, note, today=session.today())
                    saved(f"Review of request #{review.request_id} closed.")
    else:
        st.caption("Review open: an executive closes it with a note.")
