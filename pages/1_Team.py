"""Team: the roster, the recommended core team and its empty seats, load and size benchmark,
and which demand each role's hours serve."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from strategy.domain.analysis import everyone
from strategy.domain.clock import day_text
from strategy.domain.costs import MAX_RATE
from strategy.domain.limits import MAX_WEEK_HOURS
from strategy.domain.numbers import plain_number, plural
from strategy.domain.onboarding import PLAN_DAYS, OnboardingItem, plan_for, progress
from strategy.domain.requests import RequestStatus, RequestView
from strategy.domain.resources import settings_to_dict
from strategy.domain.roster import roster_changes
from strategy.domain.team import ROLE_LABELS, DemandKind, Role, team_warnings
from strategy.views.roster import (
    REVENUE_CHANNELS,
    ROSTER_COLUMNS,
    company_changes,
    company_from_form,
    members_from_rows,
    members_to_rows,
    rate_changes,
    rates_from_rows,
    rates_rows,
    roster_gaps,
    value_changes,
)
from strategy.views.save_changes import plan_changes, serves_changes
from strategy.views.words import channel_words, role_words
from ui import saving, session
from ui.days import day_field
from ui.grids import editor_height
from ui.markup import md

EDITOR_KEY = "team_roster_editor"
ROSTER_BASE = f"{EDITOR_KEY}_base"
COMPANY_BASE = "company_base"
DEMAND_BASE = "demand_base"
SERVES_KEY = "team_serves_editor"
SERVES_BASE = f"{SERVES_KEY}_base"
COMPANY_KEYS = (
    "company_name",
    "company_channels",
    "company_other",
    "company_integrated",
    "company_employees",
    "company_currency",
)
RATES_KEY = "team_rates_editor"
RATES_BASE = f"{RATES_KEY}_base"

SETTING_INPUTS: dict[str, tuple[str, str, float]] = {
    # field: (label, help, step)
    "minutes_per_message": ("Minutes per inbound message", "Handling time of one message.", 1.0),
    "hours_per_post": ("Hours per brand post", "Creating and publishing one post.", 0.25),
    "monitoring_hours_per_platform": (
        "Monitoring hours per platform a week",
        "Watching a platform that is past setup.",
        0.5,
    ),
    "response_target_minutes": (
        "Response target (minutes)",
        "Median response time the team aims for.",
        5.0,
    ),
    "utilisation_threshold": (
        "Utilisation threshold (share of capacity)",
        "Demand at or above this share of capacity counts as exceeding it (0.85 = 85%).",
        0.05,
    ),
    "fte_hours": ("Hours in one full-time person's week", "Converts the gap into people.", 1.0),
    "active_weeks_required": (
        "Weeks a community must stay active",
        "Before extra resources can be justified.",
        1.0,
    ),
    "window_weeks": ("Weeks of demand averaged", "The recent weeks the signal looks at.", 1.0),
    "stall_review_weeks": (
        "Weeks a stall runs before its review",
        "A platform stalled for more weeks than this gets a stop-or-continue review on the "
        "dashboard.",
        1.0,
    ),
}
EDIT_PARTS = ("edited_rows", "added_rows", "deleted_rows")
START_PREFIX = "onboard_start_"
DONE_PREFIX = "onboard_done_"
PLAN_KEY = "onboard_plan_editor"


def left_text(v: RequestView) -> str:
    """An approved request as the form offers it: what it approved and what is left."""
    r, g = v.request, v.request.grant
    left = max(g.hours_per_week - v.hired.hours, 0.0)
    return (
        f"{r.label}: {left:.1f} of {g.hours_per_week:.1f} h/week left for "
        f"{', '.join(ROLE_LABELS[x] for x in g.roles)}"
    )


def item_label(item: OnboardingItem, today: dt.date) -> str:
    """One onboarding item as its person's list and checkbox show it (Markdown): day, title,
    due date, state."""
    text = f"Day {item.day}: {md(item.title)} · due {day_text(item.due)}"
    if item.done_on is not None:
        return f"{text} · done {day_text(item.done_on)}"
    return f"{text} · ⚠️ overdue" if item.overdue(today) else text


def table_edited(key: str) -> bool:
    """Whether the editable table under ``key`` holds edits not saved yet."""
    state = st.session_state.get(key)
    return isinstance(state, Mapping) and any(state.get(part) for part in EDIT_PARTS)


st.set_page_config(page_title="Team · Social Rollout Tracker", page_icon="👥", layout="wide")
session.sidebar()
ws = session.workspace()
snap = session.snapshot()
result = session.analysis()
team = result.team
can_edit = session.can_edit()
today = session.today()

st.title("Team")
st.caption(
    "Social strategy starts part-time and cross-functional: a rep per revenue channel, "
    "customer support, IT and a social-media expert."
)
session.show_flash()

# --- the team at a glance ------------------------------------------------------------------
cols = st.columns(5)
cols[0].metric(
    "Social h/week",
    f"{plain_number(team.capacity_hours)} h",
    help="Hours a week the team gives social work: every role's hours, capped at what each "
    "person has. The serving hours are the part of them that serves demand.",
    border=True,
)
cols[1].metric(
    "Serving h/week",
    f"{plain_number(team.serving_hours)} h",
    help="The hours of the roles that serve demand (messages, content, monitoring; set "
    "below), capped at what each person has. The resource signal compares demand with "
    "these serving hours, not with all social hours.",
    border=True,
)
cols[2].metric(
    "People",
    len(snap.members),
    help="The people on the roster, those starting later included (not those who left).",
    border=True,
)
cols[3].metric(
    "Empty seats",
    len(team.empty_seats),
    f"of {len(team.seats)} recommended",
    delta_color="off",
    delta_arrow="off",
    border=True,
)
cols[4].metric(
    "Social staff",
    f"{plain_number(team.benchmark.dedicated_fte)} FTE",
    f"usual {team.benchmark.low}-{team.benchmark.high}"
    if team.benchmark.high is not None
    else f"usual {team.benchmark.low}+",
    help="Dedicated social staff: full-time equivalents held in social-expert and "
    "specialist roles.",
    delta_color="off",
    delta_arrow="off",
    border=True,
)
if team.empty_seats:
    st.error("**Empty seats:** " + md(", ".join(s.label for s in team.empty_seats)), icon="🪑")
if not team.warnings:
    st.success("Every recommended seat is held and nobody is overloaded.", icon="✅")
st.info(f"**Team-size benchmark:** {md(team.benchmark.verdict)}", icon="📏")

# --- the recommended core team -----------------------------------------------------------
st.subheader("Recommended core team")
st.caption("From the company's revenue channels below; integrated channels share one rep.")
st.dataframe(
    pd.DataFrame(
        {
            "seat": [seat.label for seat in team.seats],
            "status": ["empty" if seat in team.empty_seats else "held" for seat in team.seats],
        }
    ),
    hide_index=True,
    width="content",
)

# --- the roster ---------------------------------------------------------------------------
st.subheader("Roster")
st.caption(
    "One row per role a person holds: the hours a week that role takes, and the hours a "
    "week the person has for social work (*available*, the same on each of their rows). "
    "Only channel reps have a channel. Rows are counted from the top in error messages. "
    "A person deleted from the table leaves today: they no longer count, and stay listed "
    "below. A new person's serving hours ramp up from their start: 1/3 in the first 30 "
    "days, 2/3 until day 60, then in full (the shares are the `ramp_up` setting)."
)
# the overloaded people, beside the rows to change (no seats: those are named above)
for warning in team_warnings(everyone(snap, today), ()):
    st.warning(md(warning), icon="🔥")
roster_base = session.drawn(ROSTER_BASE, snap.members, keep=can_edit and table_edited(EDITOR_KEY))
roster = pd.DataFrame(members_to_rows(roster_base), columns=list(ROSTER_COLUMNS)).astype(
    {"name": "str", "role": "str", "channel": "str", "hours": "float64", "available": "float64"}
)
column_config = {
    # not required: Streamlit would keep a new row missing a required cell from the page,
    # which could then neither name the row nor refuse the save (roster_gaps does both)
    "name": st.column_config.TextColumn("Name"),
    "role": st.column_config.SelectboxColumn(
        "Role",
        options=[r.value for r in Role],
        format_func=lambda value: ROLE_LABELS[Role(str(value))],
    ),
    "channel": st.column_config.SelectboxColumn(
        "Channel",
        help="Channel reps only: one of the company's revenue channels",
        options=sorted({*snap.company.channels, *(c for c in roster["channel"] if c)}),
        format_func=lambda value: channel_words(str(value)),
    ),
    "hours": st.column_config.NumberColumn(
        "Hours for this role", min_value=0.0, max_value=MAX_WEEK_HOURS, step=0.5, format="%g"
    ),
    "available": st.column_config.NumberColumn(
        "Available h/week", min_value=0.0, max_value=MAX_WEEK_HOURS, step=0.5, format="%g"
    ),
}
if can_edit:
    edited = st.data_editor(
        roster,
        num_rows="dynamic",
        hide_index=True,
        column_config=column_config,
        key=EDITOR_KEY,
        width="stretch",
        height=editor_height(len(roster)),  # every row in sight, no scroll inside
        placeholder="",  # a new row's empty cells, blank rather than "None"
    )
    if saving.button("Save the roster", type="primary"):
        roster_rows = edited.to_dict("records")
        if gaps := roster_gaps(roster_rows):  # nothing saved while a row lacks name, role, hours
            for gap in gaps:
                st.error(md(gap), icon="⚠️")
        else:
            with saving.save(EDITOR_KEY) as saved:
                members = members_from_rows(roster_rows)
                roster_saved = ws.replace_team(session.actor(), members, expected=roster_base)
                changes = roster_changes(roster_base, roster_saved.value)
                saved(f"Roster saved: {'; '.join(changes)}.", changed=roster_saved.changed)
else:
    st.dataframe(
        roster, hide_index=True, column_config=column_config, width="stretch", placeholder=""
    )
starting = [m for m in snap.members if m.start is not None and m.start > today]
if starting:
    st.caption(
        "Starting later: "
        + md(", ".join(f"{m.name} on {day_text(m.start)}" for m in starting if m.start))
    )
gone = snap.former
if gone:
    st.caption("  \n".join(md(f"Left: {m.name} on {day_text(m.end)}") for m in gone if m.end))

# --- onboarding new people ----------------------------------------------------------------
st.subheader("Onboarding")
st.caption(
    "A new person from an approved resource request joins the roster with their role's "
    "30-60-90-day plan: each item falls due 30, 60 or 90 days after their start."
)
approved = [v for v in result.requests if v.request.status is RequestStatus.APPROVED]
open_ones = [v for v in approved if not v.filled]
if can_edit and open_ones:
    requests_by_id = {v.request.id: v for v in open_ones}
    first_roles = open_ones[0].request.grant.roles
    with st.form("onboarding_form"):
        st.markdown("**Start onboarding**")
        request_id = st.selectbox(
            "Approved request",
            list(requests_by_id),
            format_func=lambda i: left_text(requests_by_id[i]),
            key=f"{START_PREFIX}request",
        )
        saving.emptied(f"{START_PREFIX}name", "")  # a started onboarding empties the form
        saving.emptied(f"{START_PREFIX}channel", None)
        who_cols = st.columns(2)
        new_name = who_cols[0].text_input("Name", key=f"{START_PREFIX}name")
        new_role = who_cols[1].selectbox(
            "Role",
            [r.value for r in Role],
            index=list(Role).index(first_roles[0]) if first_roles else 0,
            format_func=lambda value: ROLE_LABELS[Role(str(value))],
            key=f"{START_PREFIX}role",
        )
        when_cols = st.columns(3)
        new_hours = when_cols[0].number_input(
            "Hours a week",
            min_value=0.0,
            max_value=MAX_WEEK_HOURS,
            value=20.0,
            step=0.5,
            format="%g",  # "20", not "20.00"; "20.5" when it is not whole
            key=f"{START_PREFIX}hours",
        )
        new_start = day_field(when_cols[1], "Start", today, key=f"{START_PREFIX}start")
        new_channel = when_cols[2].selectbox(
            "Channel (channel reps only)",
            sorted(snap.company.channels),
            index=None,
            format_func=channel_words,
            placeholder="Not a channel rep",
            key=f"{START_PREFIX}channel",
            help="The revenue channel a channel rep covers: one of the company's channels.",
        )
        if saving.submit("Start onboarding", type="primary"):
            with saving.save(START_PREFIX) as saved:
                started = ws.start_onboarding(
                    session.actor(),
                    request_id=request_id if request_id is not None else 0,
                    name=new_name,
                    role=str(new_role),
                    hours=new_hours,
                    start=new_start,
                    channel=new_channel or None,
                )
                saved(
                    f"{started[0].person} joins the team with {len(started)} onboarding "
                    f"items, the last due {day_text(started[-1].due)}."
                )
elif can_edit and approved:
    st.caption(
        "Every approved resource request is filled: its hours are all taken. An admin can "
        "amend one (`request amend`), or a new request can be raised on the dashboard."
    )
elif can_edit:
    st.caption(
        "Onboarding starts from an approved resource request: raise one on the dashboard, "
        "where an executive approves it."
    )

for n, person in enumerate(progress(snap.onboarding, today)):
    with st.container(border=True):
        st.markdown(
            f"**{md(person.person)}** · {ROLE_LABELS[person.role]} · "
            f"started {day_text(person.start)}"
        )
        st.progress(person.share, text=f"{person.done} of {person.total} done")
        if person.overdue:
            st.warning(
                f"{md(person.person)} has {plural(person.overdue, 'overdue item')}.",
                icon="⚠️",
            )
        if not can_edit:
            st.markdown("\n".join(f"- {item_label(item, today)}" for item in person.items))
            continue
        with st.form(f"onboard_progress_{n}"):
            ticked = {
                item: st.checkbox(
                    item_label(item, today),
                    value=item.done_on is not None,
                    key=f"{DONE_PREFIX}{item.id}",
                )
                for item in person.items
            }
            if saving.submit("Save the progress", key=f"onboard_progress_save_{n}"):
                with saving.save(DONE_PREFIX) as saved:
                    moved = {i: d for i, d in ticked.items() if d != (i.done_on is not None)}
                    for item, done in moved.items():
                        ws.set_onboarding_done(
                            session.actor(), item.id, today if done else None, today=today
                        )
                    saved(f"Onboarding progress of {person.person} saved.", changed=bool(moved))

# --- each role's onboarding plan -----------------------------------------------------------
st.markdown("**Onboarding plans**")
own_plans = ", ".join(ROLE_LABELS[r] for r in Role if r in snap.plans)
st.caption(
    f"Roles with their own plan: {own_plans}; every other role follows the default plan."
    if own_plans
    else "Every role follows the default plan."
)
if can_edit:
    plan_role = Role(
        str(
            st.selectbox(
                "Plan of the role",
                [r.value for r in Role],
                format_func=lambda value: (
                    f"{ROLE_LABELS[Role(str(value))]} "
                    f"({'own plan' if Role(str(value)) in snap.plans else 'default plan'})"
                ),
                key="onboard_plan_role",
            )
        )
    )
    own = plan_role in snap.plans
    st.caption(
        f"{ROLE_LABELS[plan_role]} follows "
        + ("its own plan." if own else "the default plan; saving gives it its own.")
        + " People already onboarding keep the items they were given."
    )
    editor_key = f"{PLAN_KEY}_{plan_role.value}"
    plan = session.drawn(
        f"{editor_key}_base", plan_for(snap.plans, plan_role), keep=table_edited(editor_key)
    )
    edited_plan = st.data_editor(
        pd.DataFrame({"day": [p.day for p in plan], "title": [p.title for p in plan]}),
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "day": st.column_config.SelectboxColumn(
                "Due on day", options=list(PLAN_DAYS), required=True
            ),
            "title": st.column_config.TextColumn("What the new person does", required=True),
        },
        key=editor_key,
        width="stretch",
    )
    plan_buttons = st.columns(2)
    if saving.button("Save the plan", key="onboard_plan_save", within=plan_buttons[0]):
        with saving.save(PLAN_KEY) as saved:
            rows = [
                {
                    "day": row["day"],
                    "title": row["title"] if isinstance(row["title"], str) else None,
                }
                for row in edited_plan.to_dict("records")  # an empty cell is NaN, not text
            ]
            stored = ws.set_plan(session.actor(), plan_role.value, rows, expected=plan)
            plan_said = "; ".join(plan_changes(plan, stored.value))
            saved(
                f"Plan of {role_words(plan_role)} saved: {plan_said}.",
                changed=stored.changed,
            )
    if saving.button(
        "Use the default plan", key="onboard_plan_default", within=plan_buttons[1], disabled=not own
    ):
        with saving.save(PLAN_KEY) as saved:
            stored = ws.set_plan(session.actor(), plan_role.value, None, expected=plan)
            saved(
                f"{ROLE_LABELS[plan_role]} follows the default plan again.", changed=stored.changed
            )

# --- what each role's hours serve --------------------------------------------------------
st.subheader("What each role's hours serve")
st.caption(
    "Tick the demand each role's hours serve. Only those hours count as *Serving hours*, "
    "the capacity the resource signal compares demand with; a role that serves none still "
    "counts in the social hours."
)
serves_base = session.drawn(
    SERVES_BASE, snap.role_serves, keep=can_edit and table_edited(SERVES_KEY)
)
serves_table = pd.DataFrame(
    {
        "role": [ROLE_LABELS[role] for role in Role],
        **{kind.value: [kind in serves_base.get(role, ()) for role in Role] for kind in DemandKind},
    },
    index=[role.value for role in Role],
)
serves_config = {
    "role": st.column_config.TextColumn("Role", disabled=True),
    **{
        kind.value: st.column_config.CheckboxColumn(kind.value.title(), default=False)
        for kind in DemandKind
    },
}
if can_edit:
    edited_serves = st.data_editor(
        serves_table,
        num_rows="fixed",
        hide_index=True,
        column_config=serves_config,
        disabled=["role"],
        key=SERVES_KEY,
        width="content",
    )
    if saving.button("Save what the roles serve", key="team_serves_save"):
        chosen = {
            role: [kind.value for kind in DemandKind if bool(row[kind.value])]
            for role, row in edited_serves.iterrows()
        }
        with saving.save(SERVES_KEY) as saved:
            served = ws.set_role_serves(session.actor(), chosen, expected=serves_base)
            serves_said = "; ".join(serves_changes(serves_base, served.value))
            saved(
                f"What the roles serve saved: {serves_said}; serving hours recomputed.",
                changed=served.changed,
            )
else:
    st.dataframe(serves_table, hide_index=True, column_config=serves_config, width="content")

# --- what the hours cost -----------------------------------------------------------------
st.subheader("Hourly rates")
st.caption(
    f"What an hour costs, in {snap.company.currency}: a person's own rate when set, else "
    "their role's. Leave a cell blank for no rate; people and roles without one are named "
    "on the dashboard, never counted as free. A junior position in the gap costs the role's "
    "junior rate: blank, 60% of the role's rate."
)
rates_base = session.drawn(RATES_BASE, snap.rates, keep=can_edit and table_edited(RATES_KEY))
rates_table = rates_rows(rates_base, snap.members)
rates_config = {
    "who": st.column_config.TextColumn("Role or person", disabled=True),
    "kind": st.column_config.TextColumn("Kind", disabled=True),
    "rate": st.column_config.NumberColumn(
        f"Rate per hour ({snap.company.currency})",
        help="Blank on a person: they use their role's rate. Blank on a role: no rate yet.",
        min_value=0.0,
        max_value=MAX_RATE,
        step=0.5,
    ),
    "junior": st.column_config.NumberColumn(
        f"Junior rate ({snap.company.currency})",
        help="Roles only: a junior's rate in the role; blank, 60% of the role's rate.",
        min_value=0.0,
        max_value=MAX_RATE,
        step=0.5,
    ),
}
if can_edit:
    edited_rates = st.data_editor(
        rates_table,
        num_rows="fixed",
        hide_index=True,
        column_config=rates_config,
        disabled=["who", "kind"],
        key=RATES_KEY,
        width="content",
        placeholder="",  # a blank rate means something (see the column's help), never "None"
    )
    if saving.button("Save the rates", key="team_rates_save"):
        with saving.save(RATES_KEY) as saved:
            rated = ws.set_rates(
                session.actor(), rates_from_rows(edited_rates), expected=rates_base
            )
            changed = "; ".join(rate_changes(rates_base, rated.value, snap.members))
            saved(f"Hourly rates saved: {changed}.", changed=rated.changed)
else:
    st.dataframe(
        rates_table, hide_index=True, column_config=rates_config, width="content", placeholder=""
    )

# --- the company profile -----------------------------------------------------------------
st.subheader("Company profile")
profile = session.drawn(
    COMPANY_BASE, snap.company, keep=can_edit and any(k in st.session_state for k in COMPANY_KEYS)
)
other = [c for c in profile.channels if c not in REVENUE_CHANNELS]
integrated_now = list(dict.fromkeys(c for group in profile.integrated for c in group))
if can_edit:
    with st.form("company_form"):
        company_name = st.text_input("Company name", profile.name, key="company_name")
        channels = st.multiselect(
            "Revenue channels",
            REVENUE_CHANNELS,
            default=[c for c in profile.channels if c in REVENUE_CHANNELS],
            format_func=channel_words,
            key="company_channels",
        )
        other_text = st.text_input(
            "Other channels",
            ", ".join(other),
            help="Any other revenue channels, separated by commas.",
            key="company_other",
        )
        integrated = st.multiselect(
            "Integrated channels (they share one rep)",
            list(dict.fromkeys([*REVENUE_CHANNELS, *other, *integrated_now])),
            default=integrated_now,
            format_func=channel_words,
            key="company_integrated",
        )
        if len(profile.integrated) > 1:
            st.caption("Saving here merges the integrated groups into one.")
        employees = st.number_input(
            "Employees", min_value=1, value=profile.employees, step=1, key="company_employees"
        )
        currency = st.text_input(
            "Currency of the rates and costs",
            profile.currency,
            help="A three-letter code: EUR, USD, GBP…",
            key="company_currency",
        )
        if saving.submit("Save the company profile"):
            with saving.save("company_") as saved:
                stored_profile = ws.set_company(
                    session.actor(),
                    company_from_form(
                        channels, other_text, integrated, employees, currency, company_name
                    ),
                    expected=profile,
                )
                changes = company_changes(profile, stored_profile.value)
                said = f": {'; '.join(changes)}" if changes else ""
                saved(f"Company profile saved{said}.", changed=stored_profile.changed)
else:
    st.markdown(
        (f"**Company:** {md(profile.name)}  \n" if profile.name else "") + f"**Revenue channels:** "
        f"{md(', '.join(map(channel_words, profile.channels)) or 'none')}  \n"
        f"**Integrated:** "
        f"{md('; '.join(' + '.join(g) for g in profile.integrated) or 'none')}  \n"
        f"**Employees:** {profile.employees:,}  \n"
        f"**Currency:** {md(profile.currency)}"
    )

# --- the resource signal's settings ------------------------------------------------------
st.subheader("Resource signal settings")
st.caption("How the team's workload is estimated from the metrics, and when it is too much.")
demand_base = session.drawn(
    DEMAND_BASE,
    snap.demand,
    keep=can_edit and any(f"demand_{f}" in st.session_state for f in SETTING_INPUTS),
)
current = settings_to_dict(demand_base)
if can_edit:
    with st.form("demand_form"):
        values: dict[str, float | int] = {}
        setting_cols = st.columns(2)
        for i, (field, (label, help_text, step)) in enumerate(SETTING_INPUTS.items()):
            with setting_cols[i % 2]:
                if isinstance(current[field], int):
                    values[field] = st.number_input(
                        label,
                        value=int(current[field]),
                        step=int(step),
                        help=help_text,
                        key=f"demand_{field}",
                    )
                else:
                    values[field] = st.number_input(
                        label,
                        value=float(current[field]),
                        step=step,
                        format="%g",
                        help=help_text,
                        key=f"demand_{field}",
                    )
        if saving.submit("Save the settings"):
            with saving.save("demand_") as saved:
                stored_settings = ws.set_demand_settings(
                    session.actor(), {**current, **values}, expected=demand_base
                )
                changed = "; ".join(
                    value_changes(
                        current,
                        settings_to_dict(stored_settings.value),
                        {f: SETTING_INPUTS[f][0].lower() for f in SETTING_INPUTS},
                    )
                )
                saved(f"Settings saved: {changed}.", changed=stored_settings.changed)
else:
    st.dataframe(
        pd.DataFrame(
            {
                "setting": [SETTING_INPUTS[f][0] for f in SETTING_INPUTS],
                "value": [float(current[f]) for f in SETTING_INPUTS],
            }
        ),
        hide_index=True,
        width="content",
    )
