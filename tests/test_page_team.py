"""The Team page, driven headless: the roster, the company profile, the signal settings and
what each role's hours serve."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from strategy.domain.access import AccessRole, Actor
from strategy.domain.analysis import analyse
from strategy.domain.company import CompanyProfile
from strategy.domain.resources import DEMAND_EXCEEDS_CAPACITY
from strategy.domain.team import DEFAULT_SERVES, DemandKind, Role, serves_to_dict
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, VIEWER, open_page
from tests.pages import click, in_order, said_beside
from ui import session

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/1_Team.py"
EDITOR_KEY = "team_roster_editor"
SERVES_KEY = "team_serves_editor"
ROLES = list(Role)
"""The serves table's rows, in order."""


@pytest.fixture
def ws(app_ws: Workspace) -> Workspace:
    """The app opened on a private copy of the demo workspace, on the tests' today."""
    return app_ws


def run(page: str = PAGE) -> AppTest:
    return open_page(page)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def edit_roster(at: AppTest, **state: Any) -> AppTest:
    """Apply edits to the roster table as the browser would send them, then save."""
    at.session_state[EDITOR_KEY] = {
        "edited_rows": state.get("edited_rows", {}),
        "added_rows": state.get("added_rows", []),
        "deleted_rows": state.get("deleted_rows", []),
    }
    return click(at, "Save the roster")


def edit_serves(at: AppTest, edited_rows: dict[int, dict[str, bool]]) -> AppTest:
    """Tick or untick demand kinds in the serves table as the browser would, then save."""
    at.session_state[SERVES_KEY] = {
        "edited_rows": edited_rows,
        "added_rows": [],
        "deleted_rows": [],
    }
    return click(at, "Save what the roles serve")


def dashboard_capacity_text() -> str:
    app = run("app.py")
    return next(m.value for m in app.markdown if "Demand exceeds part-time capacity" in m.value)


def demand_value(ws: Workspace) -> str:
    """The demand condition's value text, e.g. 'demand 59.5 h/week vs 20.0 serving hours'."""
    signal = analyse(ws.snapshot(), TODAY).signal
    return next(c.value for c in signal.conditions if c.key == DEMAND_EXCEEDS_CAPACITY)


def seats(at: AppTest) -> list[str]:
    table = next(d.value for d in at.dataframe if "seat" in d.value.columns)
    return list(table["seat"])


@pytest.fixture
def ws_read(app_read: Workspace) -> Workspace:
    """The app opened on the shared demo copy, for a test that only reads."""
    return app_read


def test_the_page_shows_the_demo_team_its_capacity_seats_and_benchmark(ws_read: Workspace) -> None:
    at = run()
    assert metric(at, "Social h/week") == "37 h"
    assert metric(at, "People") == "7"
    assert metric(at, "Empty seats") == "0"
    # Maya's 12 h as social expert and Jonas's 3 h as community manager: 15 h of 40
    assert metric(at, "Social staff") == "0.4 FTE"
    assert [w.value for w in at.warning] == [
        "Jonas Weber is assigned 11 h but has 8 h: burnout risk."
    ]
    assert any(
        "0.4 full-time equivalents of dedicated social staff for 180 employees: below the "
        "benchmark of 3-5" in i.value
        for i in at.info
    )
    assert seats(at) == [
        "Channel rep (direct marketing)",
        "Channel rep (ecommerce)",
        "Channel rep (retail)",
        "Channel rep (sales)",
        "Customer support",
        "IT",
        "Social-media expert",
    ]
    roster = at.data_editor(key=EDITOR_KEY).value
    assert len(roster) == 8  # Jonas Weber holds two roles
    assert list(roster.columns) == ["name", "role", "channel", "hours", "available"]


def test_more_hours_and_a_new_person_raise_the_capacity_on_the_dashboard(ws: Workspace) -> None:
    at = run()
    assert metric(at, "Social h/week") == "37 h"
    assert metric(at, "Serving h/week") == "20 h"
    maya = list(at.data_editor(key=EDITOR_KEY).value["name"]).index("Maya Okafor")
    edit_roster(
        at,
        edited_rows={maya: {"hours": 14.0}},
        added_rows=[{"name": "Ana Lima", "role": "content_creator", "hours": 5, "available": 6}],
    )
    assert [s.value for s in at.success] == [
        "Roster saved: added Ana Lima; Maya Okafor's hours 12 -> 14."
    ]
    assert metric(at, "Social h/week") == "44 h"
    # Maya's 14 h, Jonas's 8 h and Ana's 5 h as content creator serve demand
    assert metric(at, "Serving h/week") == "27 h"
    assert "Ana Lima" in set(at.data_editor(key=EDITOR_KEY).value["name"])
    assert "vs 27.0 serving hours" in dashboard_capacity_text()


@pytest.mark.parametrize(
    "button",
    [
        "Save the roster",
        "Save what the roles serve",
        "Save the rates",
        "Save the company profile",
        "Save the settings",
    ],
)
def test_saving_without_an_edit_says_there_is_nothing_to_save_and_writes_nothing(
    ws: Workspace, button: str
) -> None:
    version, audited = ws.data_version(), ws.audit_log()
    at = click(run(), button)
    assert [i.value for i in at.info if i.value == "No changes to save."] == ["No changes to save."]
    assert not at.success and not at.error
    assert ws.data_version() == version
    assert ws.audit_log() == audited


def test_freeing_an_overloaded_person_clears_the_warning(ws: Workspace) -> None:
    at = run()
    roster = at.data_editor(key=EDITOR_KEY).value
    jonas = roster.index[(roster["name"] == "Jonas Weber")].tolist()
    edit_roster(at, edited_rows={i: {"available": 11.0} for i in jonas})
    assert not at.warning
    assert metric(at, "Social h/week") == "40 h"
    assert metric(at, "Serving h/week") == "23 h"  # all 11 of Jonas's hours now count


def test_removing_the_only_it_person_shows_the_empty_seat(ws: Workspace) -> None:
    at = run()
    chen = list(at.data_editor(key=EDITOR_KEY).value["name"]).index("Chen Li")
    edit_roster(at, deleted_rows=[chen])
    assert metric(at, "Empty seats") == "1"
    assert [e.value for e in at.error] == ["**Empty seats:** IT"]
    assert [m.end for m in ws.snapshot().former if m.name == "Chen Li"] == [TODAY]


def test_a_person_deleted_from_the_roster_leaves_the_table_and_is_listed_as_having_left(
    ws: Workspace,
) -> None:
    at = run()
    people = metric(at, "People")
    chen = list(at.data_editor(key=EDITOR_KEY).value["name"]).index("Chen Li")
    at = edit_roster(at, deleted_rows=[chen])
    assert "Chen Li" not in list(at.data_editor(key=EDITOR_KEY).value["name"])
    assert f"Left: Chen Li on {TODAY:%d %b %Y}" in [c.value for c in at.caption]
    assert int(metric(at, "People")) == int(people) - 1
    at = edit_roster(at, edited_rows={0: {"hours": 6.0}})  # a later save keeps the leaver
    assert [m.end for m in ws.snapshot().former if m.name == "Chen Li"] == [TODAY]


@pytest.mark.parametrize(
    ("added", "said"),
    [
        (
            {"name": "Omar Haddad", "hours": 6, "available": 6},
            ["row 9: Omar Haddad has no role"],
        ),
        (
            {"name": "Omar Haddad", "role": "it"},
            ["row 9: Omar Haddad has no hours for the role"],
        ),
        (
            {"role": "it", "hours": 2},
            ["row 9: the person has no name"],
        ),
        (
            {"name": "Omar Haddad", "available": 6},
            ["row 9: Omar Haddad has no role", "row 9: Omar Haddad has no hours for the role"],
        ),
    ],
)
def test_an_incomplete_new_row_is_named_beside_the_save_button_and_nothing_is_saved(
    ws: Workspace, added: dict[str, Any], said: list[str]
) -> None:
    before = ws.snapshot()
    at = edit_roster(run(), added_rows=[added])
    assert said_beside(at, "Save the roster") == said
    assert not at.success
    assert ws.snapshot().data_version == before.data_version
    assert ws.snapshot().members == before.members
    assert at.session_state[EDITOR_KEY]["added_rows"]  # the row stays, to be fixed


def test_a_fixed_row_saves_and_says_who_was_added_beside_the_save_button(ws: Workspace) -> None:
    at = edit_roster(run(), added_rows=[{"name": "Omar Haddad", "hours": 6}])
    fixed = {"name": "Omar Haddad", "role": "it", "hours": 6, "available": 6}
    at = edit_roster(at, added_rows=[fixed])
    assert said_beside(at, "Save the roster") == ["Roster saved: added Omar Haddad."]
    assert "Omar Haddad" in {m.name for m in ws.snapshot().members}
    assert not [s for s in at.success if s.value.startswith("Roster saved")][1:]


@pytest.mark.parametrize(
    ("edits", "said"),
    [
        ({"edited_rows": {3: {"hours": 6.0}}}, "Roster saved: Raj Patel's hours 3 -> 6."),
        (
            {"edited_rows": {0: {"available": 30.0}}},
            "Roster saved: Maya Okafor's available hours 14 -> 30.",
        ),
        ({"deleted_rows": [0]}, "Roster saved: removed Maya Okafor."),
        (
            {"edited_rows": {6: {"hours": 6.0}}},
            "Roster saved: Jonas Weber's hours as customer support 8 -> 6.",
        ),
        ({"deleted_rows": [5]}, "Roster saved: Jonas Weber no longer community manager."),
    ],
)
def test_a_roster_save_says_what_it_changed(
    ws: Workspace, edits: dict[str, Any], said: str
) -> None:
    at = edit_roster(run(), **edits)
    assert said_beside(at, "Save the roster")[0].startswith(said)


@pytest.mark.parametrize(
    ("added", "message"),
    [
        (
            {"name": "Ana Lima", "role": "channel_rep", "hours": 2, "available": 4},
            "row 9: channel: expected the revenue channel this rep covers, got nothing",
        ),
        (
            {"name": "Tom Berger", "role": "it", "hours": 1, "available": 9},
            "row 9: available: Tom Berger has 4 h a week on row 2 but 9 h here",
        ),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_stored(
    ws: Workspace, added: dict[str, Any], message: str
) -> None:
    before = ws.snapshot()
    at = edit_roster(run(), added_rows=[added])
    assert len(at.error) == 1
    assert message in at.error[0].value
    after = ws.snapshot()
    assert after.data_version == before.data_version
    assert after.members == before.members
    # the edits stay in the table so the person can fix the row
    assert len(at.data_editor(key=EDITOR_KEY).value) == 8
    assert at.session_state[EDITOR_KEY]["added_rows"]


def test_integrating_channels_merges_their_seats(ws: Workspace) -> None:
    at = run()
    at.multiselect(key="company_integrated").set_value(["ecommerce", "retail"])
    click(at, "Save the company profile")
    assert [s.value for s in at.success] == [
        "Company profile saved: integrated channels blank -> ecommerce + retail."
    ]
    assert "Channel rep (ecommerce+retail)" in seats(at)
    assert len(seats(at)) == 6
    assert ws.snapshot().company.integrated == (("ecommerce", "retail"),)


def test_the_company_name_is_saved_with_the_profile(ws: Workspace) -> None:
    at = run()
    at.text_input(key="company_name").set_value("  Acme   Outdoor ")
    click(at, "Save the company profile")
    assert ws.snapshot().company.name == "Acme Outdoor"
    assert at.text_input(key="company_name").value == "Acme Outdoor"


def test_a_new_revenue_channel_shows_an_empty_seat(ws: Workspace) -> None:
    at = run()
    at.text_input(key="company_other").set_value("Wholesale")
    at.number_input(key="company_employees").set_value(40)
    click(at, "Save the company profile")
    assert "Channel rep (wholesale)" in seats(at)
    assert [e.value for e in at.error] == ["**Empty seats:** Channel rep (wholesale)"]
    assert any(
        "0.4 full-time equivalents of dedicated social staff for 40 employees: below the "
        "benchmark of 1-2 for small companies" in i.value
        for i in at.info
    )


def test_a_bad_company_profile_is_refused_and_nothing_is_stored(ws: Workspace) -> None:
    version = ws.data_version()
    at = run()
    at.multiselect(key="company_integrated").set_value(["retail"])
    click(at, "Save the company profile")
    assert "integrated channels: a group is two or more channels" in at.error[0].value
    assert ws.data_version() == version


def test_resource_settings_change_the_demand_on_the_dashboard(ws: Workspace) -> None:
    before = demand_value(ws)
    at = run()
    at.number_input(key="demand_minutes_per_message").set_value(10.0)
    click(at, "Save the settings")
    assert said_beside(at, "Save the settings") == [
        "Settings saved: minutes per inbound message 5 -> 10."
    ]
    assert ws.snapshot().demand.minutes_per_message == 10.0
    after = demand_value(ws)
    assert after != before
    shown = dashboard_capacity_text()
    assert after in shown and before not in shown


def test_the_weeks_before_a_stall_is_reviewed_are_set_on_the_team_page(ws: Workspace) -> None:
    at = run()
    assert at.number_input(key="demand_stall_review_weeks").value == 12
    at.number_input(key="demand_stall_review_weeks").set_value(26)
    click(at, "Save the settings")
    assert said_beside(at, "Save the settings") == [
        "Settings saved: weeks a stall runs before its review 12 -> 26."
    ]
    assert ws.snapshot().demand.stall_review_weeks == 26


def test_bad_resource_settings_are_refused_and_nothing_is_stored(ws: Workspace) -> None:
    version = ws.data_version()
    at = run()
    at.number_input(key="demand_utilisation_threshold").set_value(0.0)
    click(at, "Save the settings")
    assert "utilisation_threshold: expected a share above 0" in at.error[0].value
    assert ws.data_version() == version


def test_viewers_see_the_team_but_no_write_controls(
    ws_read: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "actor", lambda: VIEWER)
    at = run()
    assert metric(at, "Social h/week") == "37 h"
    assert not at.data_editor
    assert not at.button and not at.form_submit_button
    assert not at.multiselect and not at.number_input


OTHER_EDITOR = Actor("bo@example.com", AccessRole.EDITOR)


def test_saving_the_roster_over_someone_elses_change_is_refused_and_keeps_it(
    ws: Workspace,
) -> None:
    at = run()  # this editor opens the page ...
    ws.add_assignment(OTHER_EDITOR, name="Bea", role="it", hours=2)  # ... another adds Bea
    maya = list(at.data_editor(key=EDITOR_KEY).value["name"]).index("Maya Okafor")
    edit_roster(at, edited_rows={maya: {"hours": 14.0}})

    assert not at.success
    assert "someone else changed the roster since this page was opened" in at.error[0].value
    members = {m.name: m for m in ws.snapshot().members}
    assert "Bea" in members
    assert members["Maya Okafor"].assignments[0].hours != 14.0
    assert "Bea" in set(at.data_editor(key=EDITOR_KEY).value["name"])  # now shows her
    maya = list(at.data_editor(key=EDITOR_KEY).value["name"]).index("Maya Okafor")
    edit_roster(at, edited_rows={maya: {"hours": 14.0}})  # made again, on the fresh table
    assert [s.value for s in at.success] == ["Roster saved: Maya Okafor's hours 12 -> 14."]
    members = {m.name: m for m in ws.snapshot().members}
    assert "Bea" in members and members["Maya Okafor"].assignments[0].hours == 14.0


def test_an_unrelated_change_does_not_block_saving_the_roster(ws: Workspace) -> None:
    at = run()
    ws.set_checklist(OTHER_EDITOR, "youtube", "all", None)
    maya = list(at.data_editor(key=EDITOR_KEY).value["name"]).index("Maya Okafor")
    edit_roster(at, edited_rows={maya: {"hours": 14.0}})
    assert [s.value for s in at.success] == ["Roster saved: Maya Okafor's hours 12 -> 14."]


def test_saving_the_company_over_someone_elses_change_is_refused_and_keeps_it(
    ws: Workspace,
) -> None:
    at = run()
    theirs = CompanyProfile(("retail", "wholesale"), (), 75)
    ws.set_company(OTHER_EDITOR, theirs)
    at.number_input(key="company_employees").set_value(40)
    click(at, "Save the company profile")

    assert not at.success
    assert any("someone else changed the company profile" in e.value for e in at.error)
    assert ws.snapshot().company == theirs
    assert at.number_input(key="company_employees").value == 75  # shows their version


def test_saving_settings_over_someone_elses_change_is_refused_and_keeps_them(
    ws: Workspace,
) -> None:
    at = run()
    ws.set_demand_settings(OTHER_EDITOR, {"fte_hours": 32})
    at.number_input(key="demand_minutes_per_message").set_value(10.0)
    click(at, "Save the settings")

    assert not at.success
    assert "someone else changed the resource signal settings" in at.error[0].value
    demand = ws.snapshot().demand
    assert demand.fte_hours == 32 and demand.minutes_per_message != 10.0
    assert at.number_input(key="demand_fte_hours").value == 32


def serves_rows(at: AppTest) -> dict[str, list[str]]:
    """The serves table as it shows: role label -> the demand kinds ticked."""
    table = next(
        t.value for t in [*at.data_editor, *at.dataframe] if "monitoring" in t.value.columns
    )
    return {
        row["role"]: [k.value for k in DemandKind if bool(row[k.value])]
        for _, row in table.iterrows()
    }


def test_the_demo_team_has_more_social_hours_than_hours_serving_demand(ws_read: Workspace) -> None:
    at = run()
    assert metric(at, "Social h/week") == "37 h"
    # channel reps (13 h) and IT (4 h) serve no demand: Maya's 12 h and Jonas's 8 h do
    assert metric(at, "Serving h/week") == "20 h"
    serving = next(m for m in at.metric if m.label == "Serving h/week")
    assert "compares demand with these serving hours" in serving.proto.help
    assert serves_rows(at) == {
        "Channel rep": [],
        "Customer support": ["messages"],
        "IT": [],
        "Social-media expert": ["messages", "content", "monitoring"],
        "Social media manager": ["messages", "content", "monitoring"],
        "Content creator": ["content"],
        "Social data analyst": ["monitoring"],
        "Community manager": ["messages", "content", "monitoring"],
        "Paid-media specialist": [],
    }
    assert "vs 20.0 serving hours" in dashboard_capacity_text()


def test_unticking_supports_messages_lowers_the_serving_hours_but_not_the_social_hours(
    ws: Workspace,
) -> None:
    at = edit_serves(run(), {ROLES.index(Role.SUPPORT): {"messages": False}})

    assert not at.error
    assert [s.value for s in at.success] == [
        "What the roles serve saved: customer support no longer serves messages; "
        "serving hours recomputed."
    ]
    assert metric(at, "Social h/week") == "37 h"
    assert metric(at, "Serving h/week") == "15 h"  # Jonas's 8 h of support drop out
    assert serves_rows(at)["Customer support"] == []
    assert ws.snapshot().role_serves[Role.SUPPORT] == frozenset()
    assert ws.audit_log()[0].action == "team.serves"
    assert "vs 15.0 serving hours" in dashboard_capacity_text()


def test_ticking_content_for_channel_reps_adds_their_hours_to_serving_demand(
    ws: Workspace,
) -> None:
    at = edit_serves(run(), {ROLES.index(Role.CHANNEL_REP): {"content": True}})

    assert metric(at, "Serving h/week") == "33 h"  # 20 h + the reps' 13 h
    assert ws.snapshot().role_serves[Role.CHANNEL_REP] == frozenset({DemandKind.CONTENT})


def test_a_viewer_sees_what_each_role_serves_but_no_widget_to_change_it(
    ws_read: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = run()  # the same page for an editor: the query finds the table and its button
    assert editor.data_editor(key=SERVES_KEY) is not None
    assert any(b.label == "Save what the roles serve" for b in editor.button)

    monkeypatch.setattr(session, "actor", lambda: VIEWER)
    at = run()
    assert not at.data_editor
    assert not at.button and not at.form_submit_button
    assert not at.checkbox and not at.toggle
    assert serves_rows(at) == serves_rows(editor)  # the same table, read-only
    assert serves_rows(at)["Customer support"] == ["messages"]


def test_saving_what_roles_serve_over_someone_elses_change_is_refused_and_keeps_it(
    ws: Workspace,
) -> None:
    at = run()
    ws.set_role_serves(OTHER_EDITOR, {"it": ["monitoring"]})
    edit_serves(at, {ROLES.index(Role.SUPPORT): {"messages": False}})

    assert not at.success
    assert "someone else changed the roles' demand since this page was opened" in (
        at.error[0].value
    )
    stored = ws.snapshot().role_serves
    assert stored[Role.IT] == frozenset({DemandKind.MONITORING})
    assert stored[Role.SUPPORT] == DEFAULT_SERVES[Role.SUPPORT]
    assert serves_rows(at)["IT"] == ["monitoring"]  # now shows their version
    assert metric(at, "Serving h/week") == "24 h"  # with Chen Li's 4 h of IT
    edit_serves(at, {ROLES.index(Role.SUPPORT): {"messages": False}})  # made again
    assert serves_to_dict(ws.snapshot().role_serves)["support"] == []
    assert serves_to_dict(ws.snapshot().role_serves)["it"] == ["monitoring"]


# --- hourly rates and what the team costs -----------------------------------------------------

RATES_KEY = "team_rates_editor"


def edit_rates(at: AppTest, edited_rows: dict[int, dict[str, Any]]) -> AppTest:
    """Change cells of the rates table (roles, then people) as the browser would; save."""
    at.session_state[RATES_KEY] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    return click(at, "Save the rates")


def test_clearing_a_roles_rate_names_its_people_on_the_dashboard_and_a_persons_rate_prices_them(
    ws: Workspace,
) -> None:
    before = metric(run("app.py"), "Team cost per week")
    at = edit_rates(run(), {ROLES.index(Role.SUPPORT): {"rate": None}})
    assert said_beside(at, "Save the rates") == [
        "Hourly rates saved: Customer support's rate 32 -> blank."
    ]
    assert ws.snapshot().rates.for_role(Role.SUPPORT) is None
    assert ws.audit_log()[0].action == "rates.set"
    app = run("app.py")
    assert "The team's cost leaves out people with no rate for: Jonas Weber." in [
        w.value for w in app.warning
    ]
    assert metric(app, "Team cost per week") != before

    people = [m.name for m in ws.snapshot().members]
    jonas = len(ROLES) + people.index("Jonas Weber")
    edit_rates(run(), {jonas: {"rate": 33.0}})
    assert ws.snapshot().rates.for_person("Jonas Weber") == 33.0
    app = run("app.py")
    assert not [w for w in app.warning if "no rate for" in w.value]


def test_a_junior_rate_set_in_the_rates_table_is_stored_and_a_persons_junior_rate_refused(
    ws: Workspace,
) -> None:
    cm = ROLES.index(Role.COMMUNITY_MANAGER)
    at = edit_rates(run(), {cm: {"junior": 21.0}})
    assert [s.value for s in at.success] == [
        "Hourly rates saved: Community manager's junior rate blank -> 21."
    ]
    rates = ws.snapshot().rates
    assert (rates.for_junior(Role.COMMUNITY_MANAGER), rates.juniors) == (
        21.0,
        {Role.COMMUNITY_MANAGER: 21.0},
    )
    assert rates.for_junior(Role.CONTENT_CREATOR) == pytest.approx(38 * 0.6)  # left blank

    version = ws.data_version()
    at = edit_rates(run(), {len(ROLES): {"junior": 15.0}})
    assert "only a role has a junior rate" in at.error[0].value
    assert ws.data_version() == version


def test_the_currency_set_in_the_company_profile_names_every_cost(ws: Workspace) -> None:
    at = run()
    at.text_input(key="company_currency").input("usd")
    click(at, "Save the company profile")
    assert ws.snapshot().company.currency == "USD"
    assert metric(run("app.py"), "Team cost per week").startswith("USD ")
    at = run()
    at.text_input(key="company_currency").input("dollars")
    click(at, "Save the company profile")
    assert "currency: expected a three-letter code" in at.error[0].value
    assert ws.snapshot().company.currency == "USD"


def test_a_viewer_sees_the_rates_but_no_widget_to_change_them(
    ws_read: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "actor", lambda: VIEWER)
    at = run()
    assert not [e for e in at.data_editor if e.key == RATES_KEY]
    assert not [b for b in at.button if b.label == "Save the rates"]
    shown = [d.value for d in at.dataframe if "who" in d.value.columns]
    assert len(shown) == 1 and "Jonas Weber" in shown[0]["who"].tolist()


def test_a_person_starting_later_is_on_the_roster_but_not_in_todays_capacity(
    ws: Workspace,
) -> None:
    before = metric(run(), "Social h/week")
    start = TODAY + dt.timedelta(days=7)
    ws.add_assignment(EDITOR, name="Ida", role="content_creator", hours=20, start=start)
    at = run()
    assert "Ida" in list(at.data_editor(key=EDITOR_KEY).value["name"])
    assert f"Starting later: Ida on {start:%d %b %Y}" in [c.value for c in at.caption]
    assert metric(at, "Social h/week") == before


def test_the_overload_warning_sits_right_above_the_roster_it_concerns(ws: Workspace) -> None:
    shown = [_words(n) for n in in_order(run())]
    roster = shown.index("Roster")
    warning = shown.index("Jonas Weber is assigned 11 h but has 8 h: burnout risk.")
    assert roster < warning < shown.index(f"table {EDITOR_KEY}", roster)


def _words(node: Any) -> str:
    """An element as the order test names it: its text, or ``table KEY`` for a table."""
    value = getattr(node, "value", None) if hasattr(node, "proto") else None
    if isinstance(value, str):
        return value
    return f"table {getattr(node, 'key', None)}" if "data" in str(getattr(node, "type", "")) else ""
