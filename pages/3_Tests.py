"""Tests: log strategy tests, read their statistics and what they mean in plain words."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from strategy.experiment_rows import results_table
from strategy.experiments import TestStatus
from ui import saving, session

FORM = "test_form_"
HEADINGS = {
    "id": "#",
    "title": "title",
    "platform": "platform",
    "metric": "metric",
    "status": "status",
    "control_rate": "control rate %",
    "variant_rate": "variant rate %",
    "abs_lift": "lift (points)",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "p_value": "p-value",
    "prob_variant_better": "P(variant better) %",
    "significant": "significant",
    "warning": "warning",
}
"""The columns of ``results_table`` the list shows, with their headings."""
ARMS = ("control", "variant")
STATUS_ICONS = {TestStatus.CONCLUDED: "🏁", TestStatus.RUNNING: "⏱️", TestStatus.PLANNED: "🗓️"}


st.set_page_config(page_title="Tests · Social Rollout Tracker", page_icon="🧪", layout="wide")
session.sidebar()
ws = session.workspace()
result = session.analysis()
can_edit = session.can_edit()

st.title("Strategy tests")
st.caption(
    "Each test compares a control with a variant: how many were exposed to each and how "
    "many of them did the thing measured (replied, clicked, came back…)."
)
session.show_flash()

# --- log a test ---------------------------------------------------------------------------
if can_edit:
    platforms = sorted(set(result.statuses) | {r.test.platform for r in result.tests})
    with st.expander("Log a test", expanded=not result.tests), st.form("log_test"):
        title = st.text_input("Title", key=f"{FORM}title")
        hypothesis = st.text_area("Hypothesis", key=f"{FORM}hypothesis", height=80)
        cols = st.columns(3)
        chosen = cols[0].selectbox(
            "Platform", platforms, index=None, placeholder="Choose…", key=f"{FORM}platform"
        )
        typed = cols[1].text_input(
            "…or another platform", key=f"{FORM}other_platform", help="Overrides the choice."
        )
        metric = cols[2].text_input("Metric", key=f"{FORM}metric", placeholder="e.g. reply rate")
        arms: dict[str, object] = {}
        for column, arm, default in zip(st.columns(2), ARMS, "AB", strict=True):
            with column:
                name = arm.title()
                arms[f"{arm}_label"] = st.text_input(
                    f"{name} label", default, key=f"{FORM}{arm}_label"
                )
                for part, label in (("n", "exposures"), ("successes", "successes")):
                    arms[f"{arm}_{part}"] = st.number_input(
                        f"{name} {label}", min_value=0, step=1, key=f"{FORM}{arm}_{part}"
                    )
        when = st.columns(3)
        today = session.today()
        start = when[0].date_input("Start", today - dt.timedelta(days=28), key=f"{FORM}start")
        end = when[1].date_input("End", today, key=f"{FORM}end")
        status = when[2].selectbox("Status", [s.value for s in TestStatus], key=f"{FORM}status")
        decision = st.text_area("Decision", key=f"{FORM}decision", height=80)
        if st.form_submit_button("Log the test", type="primary"):
            fields = {
                "title": title,
                "hypothesis": hypothesis,
                "platform": typed.strip() or chosen or "",
                "metric": metric,
                **arms,
                "start": start,
                "end": end,
                "status": status,
                "decision": decision,
            }
            with saving.save(FORM) as saved:
                logged = ws.log_test(session.actor(), fields)
                saved(f"Logged test #{logged.id}: {logged.title}.")

# --- the list with statistics ---------------------------------------------------------------
st.subheader("Logged tests")
if not result.tests:
    st.info("No tests logged yet.")
else:
    pct = st.column_config.NumberColumn(format="%.2f")
    st.dataframe(
        results_table(result.tests)[list(HEADINGS)].rename(columns=HEADINGS),
        hide_index=True,
        width="stretch",
        column_config={
            "control rate %": pct,
            "variant rate %": pct,
            "lift (points)": st.column_config.NumberColumn(format="%+.2f"),
            "95% CI low": st.column_config.NumberColumn(format="%+.2f"),
            "95% CI high": st.column_config.NumberColumn(format="%+.2f"),
            "p-value": st.column_config.NumberColumn(format="%.4f"),
            "P(variant better) %": st.column_config.NumberColumn(format="%.0f"),
        },
    )
    st.caption(
        "Lift and its 95% confidence interval are in percentage points (variant minus "
        "control). A test is significant when its p-value is below 0.05."
    )

    for r in result.tests:
        if r.test.overdue(result.today):
            st.warning(
                f"**{r.test.title}** is still running {(result.today - r.test.end).days} days "
                f"after its end date ({r.test.end:%d %b %Y}): conclude it, or extend its end.",
                icon="⏰",
            )

    st.subheader("What the tests say")
    for r in result.tests:
        icon = STATUS_ICONS[r.test.status]
        st.markdown(
            f"{icon} **{r.test.title}** ({r.test.platform}, {r.test.status.value}, "
            f"{r.test.start:%d %b %Y} – {r.test.end:%d %b %Y}): {r.conclusion}"
        )
        notes = [
            f"Hypothesis: {r.test.hypothesis}" if r.test.hypothesis else "",
            f"Decision: {r.test.decision}" if r.test.decision else "",
        ]
        if any(notes):
            st.caption("  \n".join(n for n in notes if n))

# --- change or remove a test ----------------------------------------------------------------
if can_edit and result.tests:
    st.subheader("Update a test")
    by_id = {r.test.id: r.test for r in result.tests if r.test.id is not None}
    picked = st.selectbox(
        "Test",
        list(by_id),
        format_func=lambda test_id: f"#{test_id} {by_id[test_id].title}",
        key="test_pick",
    )
    test = by_id[picked]
    final = test.status is TestStatus.CONCLUDED
    with st.form(f"update_test_{picked}"):
        if final:
            st.caption(
                "A concluded test's counts, end and status are final; its decision may change."
            )
        counts: dict[str, object] = {}
        for column, arm in zip(st.columns(2), ARMS, strict=True):
            for part, label in (("n", "exposures"), ("successes", "successes")):
                field = f"{arm}_{part}"
                counts[field] = column.number_input(
                    f"{arm.title()} {label}",
                    min_value=0,
                    step=1,
                    value=int(getattr(test, field)),
                    disabled=final,
                    key=f"test_update_{field}_{picked}",
                )
        end_column, status_column = st.columns(2)
        new_end = end_column.date_input(
            "End", test.end, disabled=final, key=f"test_update_end_{picked}"
        )
        statuses = [s.value for s in TestStatus]
        new_status = status_column.selectbox(
            "Status",
            statuses,
            index=statuses.index(test.status.value),
            key=f"test_update_status_{picked}",
        )
        new_decision = st.text_area("Decision", test.decision, key=f"test_update_decision_{picked}")
        if st.form_submit_button("Save the test"):
            changes: dict[str, object] = {"decision": new_decision, "status": new_status}
            if not final:
                changes |= {**counts, "end": new_end}
            with saving.save("test_update_") as saved:
                ws.update_test(session.actor(), picked, changes)
                saved(f"Test #{picked} updated.")
    confirm = st.checkbox(
        f"Yes, remove test #{picked} for good", key=f"test_remove_confirm_{picked}"
    )
    if st.button("Remove the test", disabled=not confirm, key="test_remove"):
        with saving.save("test_pick", "test_update_", "test_remove_") as saved:
            ws.remove_test(session.actor(), picked)
            saved(f"Test #{picked} removed.")
