"""Dashboard: where the social rollout stands, read at a glance by executives."""

from __future__ import annotations

import streamlit as st

from strategy.domain.clock import weeks_between
from strategy.domain.costs import money
from strategy.domain.horizons import latest_weeks_text
from strategy.domain.positions import positions_sentence
from strategy.domain.resources import SignalStatus
from strategy.report import platform_notes, report_json, stage_counts_text, weekly_csv
from strategy.views import frames
from strategy.views.words import plural, said
from ui import first_screen, saving, session
from ui.markup import md
from ui.platform_reviews import show_platform_reviews
from ui.request_cards import show_request
from ui.value_view import show_value

st.set_page_config(page_title="Social Rollout Tracker", page_icon="📣", layout="wide")
session.sidebar()
ws = session.workspace()
result = session.analysis()

company_name = session.snapshot().company.name
st.title("Social rollout dashboard" + (f": {md(company_name)}" if company_name else ""))
if result.latest_week is None:
    st.info("No metrics yet. The social expert uploads them on the *Upload metrics* page.")
    st.page_link("pages/4_Upload_metrics.py", label="Upload metrics", icon="📤")
else:
    age = weeks_between(result.latest_week, result.today)
    st.caption(
        f"Latest complete week: {md(latest_weeks_text(result.horizons, result.stopped))}"
        + (f", {plural(age, 'week')} ago: newer metrics belong on *Upload metrics*" * (age >= 2))
        + ". Weeks start on Monday and count once they have ended and the data covers them."
    )

# --- the first screen: the executives' four answers, above the fold ---------------------
first_screen.show(session.first_screen())

# --- stages at a glance ----------------------------------------------------------------
st.markdown(f"### Where the rollout stands: {stage_counts_text(result.stage_counts)}")
cards = st.columns(4)
cards[0].metric(
    "Overall stage",
    result.overall_stage.value.title(),
    help="The furthest stage that at least half of the platforms have reached.",
    border=True,
)
for i, (name, status) in enumerate(sorted(result.statuses.items()), start=1):
    cards[i % 4].metric(
        md(name),
        status.stage.value.title(),
        f"{plural(status.weeks_in_stage, 'week')} in stage"
        + (" · stalled" if status.stalled else "")
        + (" · stopped" if name in result.stopped else ""),
        delta_color="inverse" if status.stalled else "off",
        delta_arrow="off",
        border=True,
    )
for name, status in sorted(result.statuses.items()):
    if status.stalled:
        st.warning(f"**{md(name)} has stalled.** {md(said(status.stall_reason))}", icon="⏸️")
show_platform_reviews(ws, result)
data_notes = [
    f"**{md(name)}**: {md(said(note.text))}"
    for name, status in sorted(result.statuses.items())
    for note in platform_notes(result, name)
]
if data_notes:
    st.info("**Data as it arrived**  \n" + "  \n".join(data_notes), icon="🗓️")

# --- the resource signal -----------------------------------------------------------------
st.subheader("Extra resources", anchor="extra-resources")
signal = result.signal
banner = {
    SignalStatus.JUSTIFIED: st.success,
    SignalStatus.NOT_YET: st.warning,
    SignalStatus.NOT_JUSTIFIED: st.info,
}[signal.status]
verdict, _, why = said(signal.summary).partition(": ")  # "Extra resources are ...: why"
banner(
    f"**{md(verdict)}:** {md(why)}" if why else f"**{md(verdict)}**",
    icon="📈" if signal.status is SignalStatus.JUSTIFIED else "⏳",
)
st.caption(
    f"The signal reads the {md(signal.window.describe())}; its demand comes from "
    + (md(", ".join(signal.window.platforms)) or "no platform")
    + "."
)
hiring = signal.hiring
if hiring.approved_hours > 0:
    hire_cols = st.columns(4)
    hire_cols[0].metric("Approved", f"{hiring.approved_hours:.1f} h/week", border=True)
    hire_cols[1].metric("Started", f"{hiring.started_hours:.1f} h/week", border=True)
    hire_cols[2].metric(
        "Effective",
        f"{hiring.effective_hours:.1f} h/week",
        help="The started hours at each new person's ramp-up share (30-60-90 days).",
        border=True,
    )
    hire_cols[3].metric(
        "Hiring", "in progress" if hiring.in_progress else "all serving", border=True
    )
if signal.gap_hours_per_week > 0:
    gap_cols = st.columns(4)
    gap_cols[0].metric("Gap", f"{signal.gap_hours_per_week:.1f} h/week")
    gap_cols[1].metric("Gap cost per week", money(result.gap_cost))
    st.markdown(positions_sentence(signal.positions))  # FTE and roles in one sentence
    if result.gap_cost.no_rate_for:
        st.warning(f"The gap's cost leaves out roles with {md(result.gap_cost.missing_text)}.")
with st.expander("Why: each condition and its evidence", expanded=True):
    for condition in signal.conditions:
        with st.container(gap=None):  # a condition and its reason read as one item
            mark = "✅" if condition.met else "❌"
            st.markdown(f"{mark} **{md(condition.label)}** — {md(condition.value)}")
            st.caption(md(condition.reason))

# --- resource requests -------------------------------------------------------------------
st.subheader("Resource requests")
session.show_flash()
if session.can_edit():
    if signal.asks_for_more:
        with st.form("request_form"):
            st.markdown("**Raise a resource request**")
            st.caption(
                "The request keeps the signal's evidence as it stands today, for an "
                "executive to approve or decline."
            )
            saving.emptied("request_note", "")  # a raised request's note leaves the box
            note = st.text_area("Note (optional)", key="request_note", height=80)
            if saving.submit("Raise the request", type="primary"):
                with saving.save("request_") as saved:
                    raised = ws.raise_request(session.actor(), note=note, today=session.today())
                    saved(f"Raised request {raised.label}.")
    elif signal.status is SignalStatus.JUSTIFIED:
        st.caption("The hours the signal asks for are approved already: no new request yet.")
    else:
        st.caption("A resource request can be raised once extra resources are justified.")
if not result.requests:
    st.caption("No resource requests yet.")
for request_view in result.requests:
    show_request(ws, request_view, may_decide=session.can_decide())

# --- charts ------------------------------------------------------------------------------
# built once per data version, and only after everything above is on its way to the browser:
# a first visit after a server start sees the first screen before the charts are built
specs = session.chart_specs()
if result.latest_week is not None:
    st.subheader("Stage timeline", anchor="stage-timeline")
    st.vega_lite_chart(specs["timeline"], width="stretch")
    st.vega_lite_chart(specs["stages"], width="stretch")

    st.subheader("Community KPIs against the gate thresholds")
    kpi_cols = st.columns(2)
    for i, metric in enumerate(frames.KPI_METRICS):
        with kpi_cols[i % 2]:
            st.vega_lite_chart(specs[f"kpi:{metric}"], width="stretch")

    st.subheader("Serving hours against demand")
    st.vega_lite_chart(specs["demand"], width="stretch")
    st.caption(
        f"The line is the team's serving hours ({result.team.serving_hours:.1f} h/week now): "
        "the hours of the roles that serve demand, what the resource signal compares demand "
        f"with. The team's social hours ({result.team.capacity_hours:.1f} h/week) count every "
        "role's hours, capped at what each person has."
    )
    show_value(result)

# --- what the team costs -----------------------------------------------------------------
st.subheader("What the team costs", anchor="what-the-team-costs")
cost = result.team.cost
cost_cols = st.columns(2)
cost_cols[0].metric("Team cost per week", money(cost))
cost_cols[1].metric("Team cost per month", money(cost, monthly=True))
if cost.no_rate_for:
    st.warning(f"The team's cost leaves out people with {md(cost.missing_text)}.")

# --- tested strategies -------------------------------------------------------------------
st.subheader("Concluded strategy tests")
concluded = frames.concluded_tests(result.tests)
if concluded.empty:
    st.caption("No concluded tests yet: log them on the *Tests* page.")
else:
    st.vega_lite_chart(specs["tests"], width="stretch")
    for row in concluded.itertuples():
        st.markdown(f"- **{md(row.title)}** ({md(row.platform)}): {md(row.conclusion)}")

# --- downloads ---------------------------------------------------------------------------
st.divider()
dl = st.columns(3)
dl[0].download_button(
    "Download the report (JSON)",
    lambda: report_json(result),  # built when clicked, as the brief is
    file_name="rollout-report.json",
    mime="application/json",
)
dl[1].download_button(
    "Download the weekly table (CSV)",
    lambda: weekly_csv(result),
    file_name="rollout-weekly.csv",
    mime="text/csv",
)
dl[2].download_button(
    "Download the brief (PDF)",
    session.brief_pdf(),  # built when clicked, cached per data version and day
    file_name=f"rollout-brief-{result.today.isoformat()}.pdf",
    mime="application/pdf",
)
