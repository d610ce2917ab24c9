"""Onboarding on the Team page, driven headless: a new person from an approved request joins
the roster with their role's 30-60-90-day plan, ticks items off, is flagged when an item is
overdue; each role's plan is edited there too."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from strategy.domain.access import AccessRole, Actor
from strategy.domain.onboarding import DEFAULT_PLAN, PlanItem
from strategy.domain.requests import ResourceRequest
from strategy.domain.team import Role
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, VIEWER, open_page
from tests.pages import button_labels, click, said_beside, type_day
from ui import session

PAGE = "pages/1_Team.py"
EXECUTIVE = Actor("cfo@example.com", AccessRole.EXECUTIVE)
START = "Start onboarding"
PLAN_EDITOR = "onboard_plan_editor_community_manager"
WAITING = (
    "Onboarding starts from an approved resource request: raise one on the dashboard, "
    "where an executive approves it."
)


def run() -> AppTest:
    return open_page(PAGE, timeout=60)


def items_shown(at: AppTest) -> list[str]:
    """The onboarding items as their checkboxes read."""
    return [c.label for c in at.checkbox if str(c.key).startswith("onboard_done_")]


def progress_texts(at: AppTest) -> list[str]:
    return [p.text for p in at.progress]


@pytest.fixture
def approved(app_ws: Workspace) -> ResourceRequest:
    """A request the social expert raised today and an executive approved today."""
    raised = app_ws.raise_request(EDITOR, note="", today=TODAY)
    return app_ws.decide_request(EXECUTIVE, raised.id, "approve", "Budget agreed", today=TODAY)


def start_sara(ws: Workspace, request: ResourceRequest) -> None:
    ws.start_onboarding(
        EDITOR,
        request_id=request.id,
        name="Sara Lind",
        role="community_manager",
        hours=20,
        start=TODAY,
    )


@pytest.mark.parametrize("request_state", [None, "open", "decline"])
def test_without_an_approved_request_onboarding_waits_for_one(
    app_ws: Workspace, request_state: str | None
) -> None:
    if request_state is not None:
        raised = app_ws.raise_request(EDITOR, note="", today=TODAY)
        if request_state == "decline":
            app_ws.decide_request(EXECUTIVE, raised.id, "decline", "Not this year", today=TODAY)
    at = run()

    assert WAITING in [c.value for c in at.caption]
    assert START not in button_labels(at)


def test_starting_onboarding_from_an_approved_request_puts_the_person_on_the_roster_with_their_plan(
    app_ws: Workspace, approved: ResourceRequest
) -> None:
    at = run()
    assert next(m.value for m in at.metric if m.label == "People") == "7"
    # the role proposed first is the request's first recommended role
    assert at.selectbox(key="onboard_start_role").value == "social_media_manager"

    at.selectbox(key="onboard_start_request").set_value(approved.id)
    at.text_input(key="onboard_start_name").input("Sara Lind")
    at.selectbox(key="onboard_start_role").set_value("community_manager")
    at.number_input(key="onboard_start_hours").set_value(20.0)
    type_day(at, "onboard_start_start", dt.date(2026, 11, 30))
    click(at, START)

    assert [s.value for s in at.success] == [
        "Sara Lind joins the team with 8 onboarding items, the last due 28 Feb 2027."
    ]
    assert next(m.value for m in at.metric if m.label == "People") == "8"
    assert "Sara Lind" in set(at.data_editor(key="team_roster_editor").value["name"])
    assert "**Sara Lind** · Community manager · started 30 Nov 2026" in [
        m.value for m in at.markdown
    ]
    assert progress_texts(at) == ["0 of 8 done"]
    assert items_shown(at) == [
        "Day 30: Learn the brand voice · due 30 Dec 2026",
        "Day 30: Learn the tools · due 30 Dec 2026",
        "Day 30: Learn the audience · due 30 Dec 2026",
        "Day 30: Learn the approval routes · due 30 Dec 2026",
        "Day 30: Shadow the team · due 30 Dec 2026",
        "Day 60: Take over a workload or a channel, with support · due 29 Jan 2027",
        "Day 90: Own the workload's metrics · due 28 Feb 2027",
        "Day 90: Propose one strategy test · due 28 Feb 2027",
    ]
    snap = app_ws.snapshot()
    sara = next(m for m in snap.members if m.name == "Sara Lind")
    assert [(a.role, a.hours) for a in sara.assignments] == [(Role.COMMUNITY_MANAGER, 20.0)]
    assert {(i.request_id, i.start) for i in snap.onboarding} == {
        (approved.id, dt.date(2026, 11, 30))
    }


def test_onboarding_someone_already_on_the_team_is_refused_and_nothing_is_stored(
    app_ws: Workspace, approved: ResourceRequest
) -> None:
    version = app_ws.data_version()
    at = run()
    at.text_input(key="onboard_start_name").input("Maya Okafor")
    click(at, START)

    assert [e.value for e in at.error] == [
        "name: Maya Okafor is already on the team; onboarding is for a new person"
    ]
    assert app_ws.data_version() == version
    assert not app_ws.snapshot().onboarding


def test_ticking_an_item_stores_today_and_updates_the_progress_and_unticking_clears_it(
    app_ws: Workspace, approved: ResourceRequest
) -> None:
    start_sara(app_ws, approved)
    voice = next(i for i in app_ws.snapshot().onboarding if i.title == "Learn the brand voice")
    at = run()
    assert progress_texts(at) == ["0 of 8 done"]

    at.checkbox(key=f"onboard_done_{voice.id}").check()
    click(at, "Save the progress")

    assert [s.value for s in at.success] == ["Onboarding progress of Sara Lind saved."]
    assert progress_texts(at) == ["1 of 8 done"]
    assert [p.value for p in at.progress] == [12]
    assert items_shown(at)[0] == (
        "Day 30: Learn the brand voice · due 23 Dec 2026 · done 23 Nov 2026"
    )
    assert at.checkbox(key=f"onboard_done_{voice.id}").value is True
    done = {i.id: i.done_on for i in app_ws.snapshot().onboarding}
    assert done[voice.id] == TODAY
    assert sum(d is not None for d in done.values()) == 1

    at.checkbox(key=f"onboard_done_{voice.id}").uncheck()
    click(at, "Save the progress")

    assert progress_texts(at) == ["0 of 8 done"]
    assert {i.id: i.done_on for i in app_ws.snapshot().onboarding}[voice.id] is None


DAY_30_LEFT = [
    "Learn the tools",
    "Learn the audience",
    "Learn the approval routes",
    "Shadow the team",
]
"""The day-30 items still open once Sara has learnt the brand voice."""


@pytest.mark.parametrize(
    ("days_later", "warning", "overdue"),
    [
        (30, None, []),  # the day-30 items are due today: not overdue yet
        (31, "Sara Lind has 4 overdue items.", DAY_30_LEFT),  # the one done is not overdue
        (
            61,
            "Sara Lind has 5 overdue items.",
            [*DAY_30_LEFT, "Take over a workload or a channel, with support"],
        ),
    ],
)
def test_an_overdue_item_is_flagged(
    app_ws: Workspace,
    approved: ResourceRequest,
    monkeypatch: pytest.MonkeyPatch,
    days_later: int,
    warning: str | None,
    overdue: list[str],
) -> None:
    start_sara(app_ws, approved)
    voice = next(i for i in app_ws.snapshot().onboarding if i.title == "Learn the brand voice")
    app_ws.set_onboarding_done(EDITOR, voice.id, TODAY, today=TODAY)
    monkeypatch.setenv("ROLLOUT_TODAY", (TODAY + dt.timedelta(days=days_later)).isoformat())
    at = run()

    assert [w.value for w in at.warning if "overdue" in w.value] == ([warning] if warning else [])
    flagged = [label for label in items_shown(at) if label.endswith(" · ⚠️ overdue")]
    assert [label.split(": ", 1)[1].split(" · ")[0] for label in flagged] == overdue
    if overdue:
        assert flagged[0] == "Day 30: Learn the tools · due 23 Dec 2026 · ⚠️ overdue"
    assert progress_texts(at) == ["1 of 8 done"]


def edit_plan(at: AppTest, **state: object) -> AppTest:
    """Choose the community manager's plan, edit its table as the browser would, save."""
    at.selectbox(key="onboard_plan_role").set_value("community_manager").run()
    at.session_state[PLAN_EDITOR] = {
        "edited_rows": state.get("edited_rows", {}),
        "added_rows": state.get("added_rows", []),
        "deleted_rows": state.get("deleted_rows", []),
    }
    return click(at, "Save the plan")


def test_a_roles_own_plan_is_used_by_the_next_onboarding(
    app_ws: Workspace, approved: ResourceRequest
) -> None:
    at = run()
    assert "Every role follows the default plan." in [c.value for c in at.caption]
    at.selectbox(key="onboard_plan_role").set_value("community_manager").run()
    assert any(c.value.startswith("Community manager follows the default plan") for c in at.caption)

    edit_plan(
        at,
        deleted_rows=[1, 2, 3, 4],
        added_rows=[{"day": 60, "title": "Run the weekly ask-me-anything"}],
    )

    removed = "; ".join(f"removed '{item.title}'" for item in DEFAULT_PLAN[1:5])
    assert [s.value for s in at.success] == [
        "Plan of community manager saved: added 'Run the weekly ask-me-anything' (day 60); "
        f"{removed}."
    ]
    assert (
        "Roles with their own plan: Community manager; every other role follows the default "
        "plan." in [c.value for c in at.caption]
    )
    assert any(c.value.startswith("Community manager follows its own plan.") for c in at.caption)
    assert app_ws.snapshot().plans[Role.COMMUNITY_MANAGER] == (
        PlanItem(30, "Learn the brand voice"),
        PlanItem(60, "Take over a workload or a channel, with support"),
        PlanItem(60, "Run the weekly ask-me-anything"),
        PlanItem(90, "Own the workload's metrics"),
        PlanItem(90, "Propose one strategy test"),
    )

    at.text_input(key="onboard_start_name").input("Sara Lind")
    at.selectbox(key="onboard_start_role").set_value("community_manager")
    click(at, START)

    assert progress_texts(at) == ["0 of 5 done"]
    assert "Day 60: Run the weekly ask-me-anything · due 22 Jan 2027" in items_shown(at)
    assert not [label for label in items_shown(at) if "Learn the tools" in label]


def test_use_the_default_plan_returns_a_role_to_it(app_ws: Workspace) -> None:
    app_ws.set_plan(EDITOR, "community_manager", [{"day": 30, "title": "Meet the forum"}])
    at = run()
    assert any(
        c.value.startswith("Roles with their own plan: Community manager") for c in at.caption
    )
    at.selectbox(key="onboard_plan_role").set_value("community_manager").run()
    assert list(at.data_editor(key=PLAN_EDITOR).value["title"]) == ["Meet the forum"]

    click(at, "Use the default plan")

    assert [s.value for s in at.success] == ["Community manager follows the default plan again."]
    assert "Every role follows the default plan." in [c.value for c in at.caption]
    assert len(at.data_editor(key=PLAN_EDITOR).value) == len(DEFAULT_PLAN)
    assert Role.COMMUNITY_MANAGER not in app_ws.snapshot().plans


@pytest.mark.parametrize(
    ("added", "message"),
    [
        (
            {"day": 45, "title": "Meet the forum"},
            "plan of community_manager, item 9: day: expected one of 30, 60, 90, got 45",
        ),
        (
            {"day": 30, "title": None},
            "plan of community_manager, item 9: title: expected what the new person does, "
            "got nothing",
        ),
    ],
)
def test_a_bad_plan_row_is_named_and_nothing_is_stored(
    app_ws: Workspace, added: dict[str, object], message: str
) -> None:
    version = app_ws.data_version()
    at = edit_plan(run(), added_rows=[added])

    assert [e.value for e in at.error] == [message]
    assert app_ws.data_version() == version
    assert not app_ws.snapshot().plans


@pytest.mark.parametrize("who", [VIEWER, EXECUTIVE])
def test_a_viewer_sees_the_onboarding_but_no_onboarding_controls(
    app_ws: Workspace,
    approved: ResourceRequest,
    monkeypatch: pytest.MonkeyPatch,
    who: Actor,
) -> None:
    start_sara(app_ws, approved)
    monkeypatch.setattr(session, "actor", lambda: who)
    at = run()

    assert progress_texts(at) == ["0 of 8 done"]
    shown = "\n".join(m.value for m in at.markdown)
    assert "- Day 30: Learn the brand voice · due 23 Dec 2026" in shown
    assert "- Day 90: Propose one strategy test · due 21 Feb 2027" in shown
    assert not at.checkbox and not at.button and not at.form_submit_button
    assert not at.data_editor and not at.selectbox and not at.date_input and not at.text_input
    assert WAITING not in [c.value for c in at.caption]


# --- only within what the request approved ---------------------------------------------


@pytest.mark.parametrize(
    ("role", "hours", "message"),
    [
        (
            "content_creator",
            40.0,
            "request #1 has 30.0 h/week left for content_creator; Noor Haddad would take 40.0",
        ),
        (
            "paid_media",
            10.0,
            "role: request #1 approved social_media_manager, "
            "community_manager, content_creator; paid_media is not one of them",
        ),
    ],
    ids=["hours", "role"],
)
def test_a_start_beyond_the_approved_request_shows_what_is_left_and_stores_nothing(
    app_ws: Workspace, approved: ResourceRequest, role: str, hours: float, message: str
) -> None:
    start_sara(app_ws, approved)
    version = app_ws.data_version()
    at = run()
    assert at.selectbox(key="onboard_start_request").format_func(approved.id) == (
        f"{approved.label}: 30.0 of 50.0 h/week left for Social media manager, "
        "Community manager, Content creator"
    )

    at.text_input(key="onboard_start_name").input("Noor Haddad")
    at.selectbox(key="onboard_start_role").set_value(role)
    at.number_input(key="onboard_start_hours").set_value(hours)
    click(at, START)

    assert [e.value for e in at.error] == [message]
    assert app_ws.data_version() == version
    assert "Noor Haddad" not in {m.name for m in app_ws.snapshot().members}


def test_once_every_approved_request_is_filled_the_form_is_gone_and_says_why(
    app_ws: Workspace, approved: ResourceRequest
) -> None:
    start_sara(app_ws, approved)
    app_ws.start_onboarding(
        EDITOR,
        request_id=approved.id,
        name="Noor Haddad",
        role="content_creator",
        hours=30,
        start=TODAY,
    )
    at = run()

    assert START not in button_labels(at)
    assert (
        "Every approved resource request is filled: its hours are all taken. An admin can "
        "amend one (`request amend`), or a new request can be raised on the dashboard."
    ) in [c.value for c in at.caption]


def test_the_onboarding_forms_hours_read_as_a_whole_number(approved: ResourceRequest) -> None:
    hours = run().number_input(key="onboard_start_hours")
    assert hours.value == 20
    assert hours.proto.format % hours.value == "20"  # not "20.00"
    assert hours.proto.format % 20.5 == "20.5"


def test_a_started_onboarding_empties_the_forms_name_and_channel_in_the_browser_too(
    app_ws: Workspace, approved: ResourceRequest
) -> None:
    at = run()
    at.text_input(key="onboard_start_name").input("Sara Lind")
    at.selectbox(key="onboard_start_role").set_value("community_manager")
    click(at, START)

    assert said_beside(at, START) == [
        "Sara Lind joins the team with 8 onboarding items, the last due 21 Feb 2027."
    ]
    # the request has 30 h left: the form stays, empty; only a value the page sets reaches
    # the browser, which else keeps showing what was typed
    name, channel = (
        at.text_input(key="onboard_start_name"),
        at.selectbox(key="onboard_start_channel"),
    )
    assert (name.value, name.proto.set_value) == ("", True)
    assert (channel.value, channel.proto.set_value) == (None, True)


def test_the_onboarding_forms_channel_is_one_of_the_companys_channels_in_words(
    approved: ResourceRequest,
) -> None:
    channel = run().selectbox(key="onboard_start_channel")
    assert channel.value is None and channel.placeholder == "Not a channel rep"
    assert [channel.format_func(c) for c in channel.options] == [
        "direct marketing",
        "ecommerce",
        "retail",
        "sales",
        "social",
    ]
