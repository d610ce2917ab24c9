"""Stages: each platform's stage and setup checklist, the editable gate criteria, manual
overrides, the transition history with its evidence, and the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from strategy.domain.gates import (
    CHECKLIST_LABELS,
    DEFAULT_GATES,
    OPERATORS,
    Stage,
)
from strategy.domain.limits import MAX_WEEKS
from strategy.domain.stages import TransitionKind
from strategy.report import NoteKind, platform_notes
from strategy.views import frames
from strategy.views.checklist_edits import (
    changes_text,
    checklist_changes,
    new_platform,
    platform_checklists,
)
from strategy.views.gate_table import COLUMNS, GATE_KEYS, criteria_rows, gate_dict, gate_of
from strategy.views.save_changes import gate_changes
from strategy.views.words import (
    TABLE_DAY,
    audit_sentence,
    day_text,
    metric_words,
    moment_text,
    plural,
    said,
)
from ui import saving, session
from ui.days import day_field
from ui.markup import md

GATES_BASE = "gates_base"


st.set_page_config(page_title="Stages · Social Rollout Tracker", page_icon="🪜", layout="wide")
session.sidebar()
ws = session.workspace()
snap = session.snapshot()
result = session.analysis()
editable = session.can_edit()
today = session.today()
GATE_FORM_KEYS = [
    f"gate_{key}_{part}"
    for key in GATE_KEYS
    for part in ("criteria", "advance", "back", "checklist")
]


st.title("Stages")
session.show_flash()
st.caption(
    "Each platform moves setup → retention → active when its gate's criteria hold for "
    "enough consecutive weeks, and falls back when they fail for long enough."
)

# --- each platform: stage and setup checklist --------------------------------------------
st.header("Platforms")
checklists = platform_checklists(snap.checklist, result.statuses)
if not checklists:
    st.caption("No platforms yet: upload metrics or start a platform's checklist below.")
tabs = st.tabs([md(name) for name in checklists]) if checklists else []
for tab, (platform, items) in zip(tabs, checklists.items(), strict=True):
    with tab:
        status = result.statuses.get(platform)
        cols = st.columns(4)
        cols[0].metric("Stage", status.stage.value.title() if status else "Setup", border=True)
        since = status.since if status else None
        cols[1].metric("Since", day_text(since) if since else "—", border=True)
        cols[2].metric("Weeks in stage", status.weeks_in_stage if status else 0, border=True)
        done = sum(d is not None for d in items.values())
        cols[3].metric("Setup checklist", f"{done} of {len(items)} done", border=True)
        if status is not None and status.stalled:
            st.warning(f"**{md(platform)} has stalled.** {md(said(status.stall_reason))}", icon="⏸️")
        if status is not None:
            for note in platform_notes(result, platform):
                if note.kind is NoteKind.NOT_MEASURED:
                    st.warning(md(said(note.text)), icon="📭")
                else:
                    st.info(md(said(note.text)), icon="🗓️")

        if not editable:  # viewers read the checklist; they get no widget to change it
            st.markdown("**Setup checklist**")
            st.dataframe(
                pd.DataFrame(
                    {
                        "item": [CHECKLIST_LABELS[item] for item in items],
                        "done on": list(items.values()),
                    }
                ),
                hide_index=True,
                column_config={"done on": st.column_config.DateColumn("done on", format=TABLE_DAY)},
                placeholder="not done",  # an item not done yet, not "None"
            )
            continue
        with st.form(f"checklist_{platform}"):
            st.markdown("**Setup checklist** — tick what is done and type the day (blank: today)")
            ticks = {}
            for item, done_on in items.items():
                left, right = st.columns([2, 1], vertical_alignment="center")
                ticked = left.checkbox(
                    CHECKLIST_LABELS[item],
                    value=done_on is not None,
                    key=f"cl_{platform}_{item}_done",
                )
                day = day_field(
                    right,
                    f"{CHECKLIST_LABELS[item]} done on",
                    done_on,
                    key=f"cl_{platform}_{item}_on",
                    label_visibility="collapsed",
                )
                ticks[item] = (ticked, day)
            submitted = saving.submit("Save checklist", key=f"cl_{platform}_save")
        if submitted:
            with saving.save(spinner="Saving the checklist and recomputing stages…") as saved:
                changes = checklist_changes(items, ticks, today)
                checked = ws.save_checklist(
                    session.actor(), [(platform, item, day) for item, day in changes]
                )
                saved(
                    f"{platform}: checklist saved: {changes_text(changes)}.",
                    changed=checked.changed,
                )

if editable:
    with st.form("new_platform"):
        st.markdown("**Start the checklist of a new platform** (every item open)")
        saving.emptied("new_platform_name", "")  # an added platform leaves the box empty
        raw_name = st.text_input("Platform name", key="new_platform_name")
        start = saving.submit("Add platform", key="new_platform_add")
    if start:
        with saving.save("new_platform_name") as saved:
            name = new_platform(raw_name, checklists)
            started = ws.set_checklist(session.actor(), name, "all", None)
            saved(f"{name}: checklist started.", changed=started.changed)

# --- gate criteria -----------------------------------------------------------------------
st.header("Gate criteria")
st.caption(
    "A gate holds when every criterion holds in a week (a metric not measured that week "
    "fails). It must hold for *weeks to advance* consecutive weeks to move up, and fail for "
    "*weeks to fall back* consecutive weeks to move back."
)
column_config = {
    "metric": st.column_config.TextColumn("metric", required=True),
    "comparison": st.column_config.SelectboxColumn(
        "comparison", options=list(OPERATORS), required=True
    ),
    "threshold": st.column_config.NumberColumn("threshold", required=True, format="%g"),
}
gates = session.drawn(
    GATES_BASE, snap.gates, keep=editable and any(k in st.session_state for k in GATE_FORM_KEYS)
)
if not editable:
    for key in GATE_KEYS:
        gate = gate_of(gates, key)
        st.subheader(f"{gate.source.value.title()} → {gate.target.value.title()}")
        st.dataframe(pd.DataFrame(criteria_rows(gate), columns=COLUMNS), hide_index=True)
        st.caption(
            f"{plural(gate.weeks_to_advance, 'week')} to advance, "
            f"{gate.weeks_to_fall_back} to fall back"
            + ("; the setup checklist must be complete" if gate.requires_checklist else "")
        )
else:
    with st.form("gates"):
        edited = {}
        for key in GATE_KEYS:
            gate = gate_of(gates, key)
            st.subheader(f"{gate.source.value.title()} → {gate.target.value.title()}")
            rows = st.data_editor(
                pd.DataFrame(criteria_rows(gate), columns=COLUMNS),
                key=f"gate_{key}_criteria",
                num_rows="dynamic",
                hide_index=True,
                column_config=column_config,
            )
            left, middle, right = st.columns(3)
            advance, back = (
                column.number_input(
                    label, min_value=1, max_value=MAX_WEEKS, step=1, value=value, key=widget
                )
                for column, label, value, widget in (
                    (left, "Weeks to advance", gate.weeks_to_advance, f"gate_{key}_advance"),
                    (middle, "Weeks to fall back", gate.weeks_to_fall_back, f"gate_{key}_back"),
                )
            )
            needs_checklist = gate.requires_checklist
            if key == "to_retention":
                needs_checklist = right.checkbox(
                    "Setup checklist must be complete",
                    value=gate.requires_checklist,
                    key=f"gate_{key}_checklist",
                )
            edited[key] = gate_dict(
                rows.to_dict("records"),
                weeks_to_advance=advance,
                weeks_to_fall_back=back,
                requires_checklist=needs_checklist,
            )
        save_gates = saving.submit("Save gates", type="primary", key="gates_save")
    if save_gates:
        with saving.save(
            *GATE_FORM_KEYS, GATES_BASE, spinner="Saving the gates and recomputing stages…"
        ) as saved:
            stored = ws.set_gates(session.actor(), edited, expected=gates)
            gates_said = "; ".join(gate_changes(gates, stored.value))
            saved(f"Gates saved: {gates_said}; stages recomputed.", changed=stored.changed)
    if saving.button("Restore the default gates", key="gates_restore"):
        with saving.save(*GATE_FORM_KEYS, GATES_BASE) as saved:
            restored = ws.set_gates(session.actor(), DEFAULT_GATES, expected=gates)
            gates_said = "; ".join(gate_changes(gates, restored.value))
            saved(f"Default gates restored: {gates_said}.", changed=restored.changed)

# --- manual override ---------------------------------------------------------------------
st.header("Manual override")
st.caption(
    "Set a platform's stage from a week on, with the reason: through the week of an end date, "
    "or until it is removed. Overrides are recorded and shown as such, never mixed with "
    "measured transitions."
)
if editable:
    with st.form("override"):
        left, middle, until_col, right = st.columns(4)
        ov_platform = left.selectbox(
            "Platform",
            list(checklists),
            key="override_platform",
            accept_new_options=True,
        )
        ov_week = day_field(
            middle, "From the week of", result.latest_week or today, key="override_week"
        )
        saving.emptied("override_until", "")  # a recorded override leaves the form empty
        saving.emptied("override_reason", "")
        ov_until = day_field(
            until_col,
            "Until (optional)",
            None,
            help="The override holds through the week of this day; leave it empty to hold "
            "until it is removed.",
            key="override_until",
        )
        ov_stage = right.selectbox("Stage", [s.value for s in Stage], key="override_stage")
        ov_reason = st.text_area("Reason (required)", key="override_reason")
        add = saving.submit("Record the override", key="override_add")
    if add:
        with saving.save("override_reason", "override_until") as saved:
            override = ws.add_override(
                session.actor(), ov_platform or "", ov_week, ov_stage, ov_reason, until=ov_until
            )
            held = (
                f" through the week of {day_text(override.until)}"
                if override.until
                else " until removed"
            )
            saved(
                f"Override recorded: {override.platform} is {override.stage.value} from the "
                f"week of {day_text(override.week)}{held}."
            )
if snap.overrides:
    st.dataframe(
        frames.overrides(snap.overrides),
        hide_index=True,
        column_config={"from week": st.column_config.DateColumn("from week", format=TABLE_DAY)},
    )
    if editable:
        with st.form("override_remove_form"):
            by_id = {o.id: o for o in snap.overrides}
            pick = st.selectbox(
                "Override to remove",
                list(by_id),
                format_func=lambda i: (
                    f"#{i}: {by_id[i].platform} → {by_id[i].stage.value} from "
                    f"{day_text(by_id[i].week)}"
                ),
                key="override_remove_pick",
            )
            remove = saving.submit("Remove override", key="override_remove")
        if remove and pick is not None:
            with saving.save("override_remove_pick") as saved:
                gone = ws.remove_override(session.actor(), pick)
                saved(
                    f"Override #{gone.id} removed: {gone.platform} is no longer set to "
                    f"{gone.stage.value} from the week of {day_text(gone.week)}."
                )

# --- follower baselines --------------------------------------------------------------------
st.header("Follower baselines")
st.caption(
    "Some exports give the day's change in followers, not the total. Give a platform's "
    "followers on one day: its followers are then built from the daily gains, week by week."
)
if result.missing_baselines:
    waiting = ", ".join(sorted(result.missing_baselines))
    st.warning(f"Followers wait for a baseline on: {md(waiting)}", icon="📭")
if snap.baselines:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "platform": b.platform,
                    "metric": metric_words(b.metric),
                    "count": b.value,
                    "on": b.on,
                }
                for _, b in sorted(snap.baselines.items())
            ]
        ),
        hide_index=True,
        column_config={
            "count": st.column_config.NumberColumn(format="%,.0f"),
            "on": st.column_config.DateColumn("on", format=TABLE_DAY),
        },
    )
if editable:
    with st.form("baseline"):
        left, middle, right = st.columns(3)
        bl_platform = left.selectbox(
            "Platform",
            [  # those waiting for a baseline first
                *sorted(result.missing_baselines),
                *sorted(set(checklists) - result.missing_baselines),
            ],
            key="baseline_platform",
            accept_new_options=True,
        )
        bl_value = middle.number_input(
            "Followers that day", min_value=0, step=1, value=None, key="baseline_value"
        )
        bl_on = day_field(right, "On", None, key="baseline_on")
        set_baseline = saving.submit("Save the baseline", key="baseline_save")
    if set_baseline:
        with saving.save("baseline_") as saved:
            given = ws.set_baseline(
                session.actor(), bl_platform or "", "followers", bl_value, bl_on, today=today
            )
            saved(f"Baseline saved: {given.text}.")

# --- transition history ------------------------------------------------------------------
st.header("Transition history")
history = frames.transitions(result.statuses)
if history.empty:
    st.caption("No transitions yet.")
else:
    history = history.assign(
        kind=history["kind"]
        .map({TransitionKind.OVERRIDE.value: "✋ override"})
        .fillna(TransitionKind.MEASURED.value)
    )
    st.dataframe(
        history.sort_values("week", ascending=False, kind="stable"),
        hide_index=True,
        column_config={"week": st.column_config.DateColumn("week", format=TABLE_DAY)},
    )
    st.subheader("Evidence")
    for platform, status in sorted(result.statuses.items()):
        if not status.transitions:
            continue
        with st.expander(f"{md(platform)}: {plural(len(status.transitions), 'transition')}"):
            for move in reversed(status.transitions):
                heading = f"**{day_text(move.week)}: {move.source.value} → {move.target.value}**"
                if move.kind is TransitionKind.OVERRIDE:
                    st.markdown(f"{heading} · ✋ override — {md(move.reason)}")
                    continue
                st.markdown(f"{heading} · measured")
                st.dataframe(frames.evidence(move), hide_index=True)

# --- audit log ---------------------------------------------------------------------------
st.header("Audit log")
entries = session.audit_log()
st.dataframe(
    pd.DataFrame(
        [{"when (UTC)": moment_text(e.at), "what": audit_sentence(e)} for e in entries],
        columns=["when (UTC)", "what"],
    ),
    hide_index=True,
)
