"""Tests: log strategy tests, read their statistics and what they mean in plain words."""

from __future__ import annotations

import datetime as dt
import itertools

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from strategy.domain.clock import day_text
from strategy.domain.experiments import TestKind, TestStatus, value_unit
from strategy.domain.experiments.words import update_changes
from strategy.domain.unit_values import read_arm
from strategy.views import charts, frames
from strategy.views.experiment_rows import listed_tests, update_default
from strategy.views.words import plural
from ui import saving, session
from ui.days import day_field
from ui.markup import md

FORM = "test_form_"
KINDS = {
    TestKind.CONVERSION: "Conversion (exposures and successes)",
    TestKind.MEAN: "Mean (per-unit values)",
}
ARMS = ("control", "variant")
COUNT_PARTS = (("n", "exposures"), ("successes", "successes"))
MEAN_PARTS = (("n", "units"), ("mean", "mean per unit"), ("sd", "standard deviation"))
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
    with st.expander("Log a test", expanded=not result.tests):
        kind = TestKind(
            st.radio(
                "What the test compares",
                list(KINDS),
                format_func=lambda k: KINDS[TestKind(k)],
                horizontal=True,
                key=f"{FORM}kind",
            )
        )
        form = st.form("log_test")
    with form:
        for typed_in in ("title", "hypothesis", "other_platform", "metric", "decision"):
            saving.emptied(f"{FORM}{typed_in}", "")  # a logged test leaves the form empty
        for arm, part in itertools.product(ARMS, ("n", "successes", "mean", "sd")):
            saving.emptied(f"{FORM}{arm}_{part}", None if part in ("mean", "sd") else 0)
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
        values_files: dict[str, UploadedFile | None] = {}
        for column, arm, default in zip(st.columns(2), ARMS, "AB", strict=True):
            with column:
                name = arm.title()
                arms[f"{arm}_label"] = st.text_input(
                    f"{name} label", default, key=f"{FORM}{arm}_label"
                )
                if kind is TestKind.CONVERSION:
                    for part, label in COUNT_PARTS:
                        arms[f"{arm}_{part}"] = st.number_input(
                            f"{name} {label}", min_value=0, step=1, key=f"{FORM}{arm}_{part}"
                        )
                    continue
                arms[f"{arm}_n"] = st.number_input(
                    f"{name} units", min_value=0, step=1, key=f"{FORM}{arm}_n"
                )
                arms[f"{arm}_mean"] = st.number_input(
                    f"{name} mean per unit", value=None, key=f"{FORM}{arm}_mean"
                )
                arms[f"{arm}_sd"] = st.number_input(
                    f"{name} standard deviation", min_value=0.0, value=None, key=f"{FORM}{arm}_sd"
                )
                values_files[arm] = st.file_uploader(
                    f"…or the {arm} arm's per-unit values (.parquet or .csv, one column)",
                    type=["parquet", "csv"],
                    key=f"{FORM}{arm}_values",
                )
        planned_split = st.number_input(
            "Control's planned share of exposures",
            min_value=0.01,
            max_value=0.99,
            value=0.5,
            step=0.05,
            key=f"{FORM}planned_split",
            help="0.5 is a 50/50 split. Exposures far from it (chi-square p < 0.001) mark the "
            "test as not trustworthy.",
        )
        when = st.columns(3)
        today = session.today()
        start = day_field(when[0], "Start", today - dt.timedelta(days=28), key=f"{FORM}start")
        end = day_field(when[1], "End", today, key=f"{FORM}end")
        status = when[2].selectbox("Status", [s.value for s in TestStatus], key=f"{FORM}status")
        decision = st.text_area("Decision", key=f"{FORM}decision", height=80)
        if saving.submit("Log the test", type="primary"):
            fields = {
                "title": title,
                "hypothesis": hypothesis,
                "platform": typed.strip() or chosen or "",
                "metric": metric,
                "kind": kind.value,
                "planned_split": planned_split,
                **arms,
                "start": start,
                "end": end,
                "status": status,
                "decision": decision,
            }
            with saving.save(FORM) as saved:
                for arm, uploaded in values_files.items():
                    if uploaded is not None:
                        summary = read_arm(uploaded.getvalue(), uploaded.name)
                        fields |= {f"{arm}_n": summary.n, f"{arm}_mean": summary.mean}
                        fields |= {f"{arm}_sd": summary.sd}
                logged = ws.log_test(session.actor(), fields)
                saved(f"Logged test #{logged.id}: {logged.title}.")

# --- the list with statistics ---------------------------------------------------------------
st.subheader("Logged tests")
if not result.tests:
    st.info("No tests logged yet.")
else:
    signed = st.column_config.NumberColumn(format="%+.2f")
    numbers = {
        "control rate %": st.column_config.NumberColumn(format="%.2f"),
        "variant rate %": st.column_config.NumberColumn(format="%.2f"),
        "lift (points)": signed,
        "difference": signed,
        "95% CI low": signed,
        "95% CI high": signed,
        "result": st.column_config.TextColumn(width=250),  # its longest words, at 1366 px
    }
    for kind, words in (
        (TestKind.CONVERSION, "Conversion tests: rates in percent; the lift and its 95% "
         "confidence interval in percentage points (variant minus control)."),
        (TestKind.MEAN, "Mean tests (Welch's t-test): means, their difference and its 95% "
         "confidence interval in the metric's own units (variant minus control)."),
    ):  # fmt: skip
        rows = listed_tests(result.tests, kind)
        if rows.empty:
            continue
        st.dataframe(rows, hide_index=True, width="stretch", column_config=numbers, placeholder="")
        st.caption(f"{words} A test is significant when its p-value is below 0.05.")

    st.subheader("Each test's interval against zero")
    st.caption(
        "The dot is the measured difference, the bar its 95% interval: a bar that crosses "
        "zero has not shown a difference yet."
    )
    for axis, rows in frames.interval_groups(result.tests):
        st.altair_chart(charts.test_lifts(rows, axis), width="stretch")

    for r in result.tests:
        if r.stats is not None and r.stats.sample_ratio_mismatch:
            st.error(f"**{md(r.test.title)}**: {md(r.stats.warning)}.", icon="⚖️")

    for r in result.tests:
        if r.test.overdue(result.today):
            st.warning(
                f"**{md(r.test.title)}** is still running "
                f"{plural((result.today - r.test.end).days, 'day')} "
                f"after its end date ({day_text(r.test.end)}): conclude it, or extend its end.",
                icon="⏰",
            )

    st.subheader("What the tests say")
    for r in result.tests:
        icon = STATUS_ICONS[r.test.status]
        st.markdown(
            f"{icon} **{md(r.test.title)}** ({md(r.test.platform)}, {r.test.status.value}, "
            + (f"on value: {md(value_unit(r.test))}, " if r.test.on_value else "")
            + f"{day_text(r.test.start)} – {day_text(r.test.end)}): {md(r.conclusion)}"
        )
        notes = [
            f"Hypothesis: {md(r.test.hypothesis)}" if r.test.hypothesis else "",
            f"Decision: {md(r.test.decision)}" if r.test.decision else "",
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
        index=list(by_id).index(update_default(result.tests, result.today) or next(iter(by_id))),
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
        mean = test.kind is TestKind.MEAN
        parts = MEAN_PARTS if mean else COUNT_PARTS
        for column, arm in zip(st.columns(2), ARMS, strict=True):
            for part, label in parts:
                field = f"{arm}_{part}"
                stored = getattr(test, field)
                key = f"test_update_{field}_{picked}"
                if part in ("n", "successes"):
                    counts[field] = column.number_input(
                        f"{arm.title()} {label}",
                        min_value=0,
                        step=1,
                        value=int(stored),
                        disabled=final,
                        key=key,
                    )
                else:
                    counts[field] = column.number_input(
                        f"{arm.title()} {label}", value=stored, disabled=final, key=key
                    )
        end_column, status_column = st.columns(2)
        new_end = day_field(
            end_column, "End", test.end, disabled=final, key=f"test_update_end_{picked}"
        )
        statuses = [s.value for s in TestStatus]
        new_status = status_column.selectbox(
            "Status",
            statuses,
            index=statuses.index(test.status.value),
            key=f"test_update_status_{picked}",
        )
        new_decision = st.text_area("Decision", test.decision, key=f"test_update_decision_{picked}")
        if saving.submit("Save the test"):
            changes: dict[str, object] = {"decision": new_decision, "status": new_status}
            if not final:
                changes |= {**counts, "end": new_end}
            with saving.save("test_update_") as saved:
                updated = ws.update_test(session.actor(), picked, changes)
                changed = "; ".join(update_changes(test, updated.value))
                saved(f"Test #{picked} updated: {changed}.", changed=updated.changed)
    confirm = st.checkbox(
        f"Yes, remove test #{picked} for good", key=f"test_remove_confirm_{picked}"
    )
    if saving.button("Remove the test", disabled=not confirm, key="test_remove"):
        with saving.save("test_pick", "test_update_", "test_remove_") as saved:
            ws.remove_test(session.actor(), picked)
            saved(f"Test #{picked} removed.")
