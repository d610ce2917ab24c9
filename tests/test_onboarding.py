"""Onboarding from an approved request: the new person joins the roster with a 30-60-90-day
plan, items fall due on those days, overdue ones are flagged, and each role's plan is its own."""

from __future__ import annotations

import datetime as dt

import pytest

from strategy.domain.access import AccessRole, Actor
from strategy.domain.analysis import analyse
from strategy.domain.errors import Conflict, NotFound, ValidationError
from strategy.domain.onboarding import (
    DEFAULT_PLAN,
    OnboardingItem,
    PlanItem,
    make_plan,
    plan_for,
    plans_from_dict,
    plans_to_dict,
    progress,
    schedule,
)
from strategy.domain.requests import ResourceRequest
from strategy.domain.team import Role
from strategy.report import report_dict, report_text
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, workspace_state

CFO = Actor("cfo@example.com", AccessRole.EXECUTIVE)
D = dt.date


def approved(ws: Workspace, on: dt.date = TODAY) -> ResourceRequest:
    request = ws.raise_request(EDITOR, today=on)
    return ws.decide_request(CFO, request.id, "approve", "Budget is there", today=on)


def start(ws: Workspace, request_id: object, **changes: object) -> tuple[OnboardingItem, ...]:
    fields: dict[str, object] = {
        "request_id": request_id,
        "name": "Sara Lind",
        "role": "social_media_manager",
        "hours": 40,
        "start": TODAY,
    }
    return ws.start_onboarding(EDITOR, **{**fields, **changes})  # type: ignore[arg-type]


def item(due_in: int, done_on: dt.date | None = None, start: dt.date = TODAY) -> OnboardingItem:
    return OnboardingItem(1, 1, "Sara Lind", Role.COMMUNITY_MANAGER, start, due_in, "x", done_on)


# --- the plan on the calendar ----------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "due"),
    [
        (D(2026, 11, 23), (D(2026, 12, 23), D(2027, 1, 22), D(2027, 2, 21))),
        (D(2027, 12, 31), (D(2028, 1, 30), D(2028, 2, 29), D(2028, 3, 30))),
        (D(2028, 1, 31), (D(2028, 3, 1), D(2028, 3, 31), D(2028, 4, 30))),
    ],
    ids=["monday", "into a leap february", "a month's last day"],
)
def test_items_fall_due_30_60_and_90_days_after_the_start(
    first: dt.date, due: tuple[dt.date, ...]
) -> None:
    plan = (PlanItem(30, "a"), PlanItem(60, "b"), PlanItem(90, "c"))
    assert [d for _, _, d in schedule(first, plan)] == list(due)


def test_the_default_plan_follows_the_practice() -> None:
    by_day = {day: [p.title for p in DEFAULT_PLAN if p.day == day] for day in (30, 60, 90)}
    assert by_day == {
        30: [
            "Learn the brand voice",
            "Learn the tools",
            "Learn the audience",
            "Learn the approval routes",
            "Shadow the team",
        ],
        60: ["Take over a workload or a channel, with support"],
        90: ["Own the workload's metrics", "Propose one strategy test"],
    }


@pytest.mark.parametrize(
    ("due_in", "done_on", "today", "overdue", "this_week"),
    [
        (30, None, TODAY + dt.timedelta(days=31), True, False),
        (30, None, TODAY + dt.timedelta(days=30), False, True),
        (30, TODAY, TODAY + dt.timedelta(days=40), False, False),
        (30, None, TODAY + dt.timedelta(days=28), False, True),  # due Wednesday, today Monday
        (30, None, TODAY + dt.timedelta(days=20), False, False),
    ],
    ids=["a day late", "due today", "done", "later this week", "weeks ahead"],
)
def test_an_item_not_done_by_its_due_day_is_overdue(
    due_in: int, done_on: dt.date | None, today: dt.date, overdue: bool, this_week: bool
) -> None:
    one = item(due_in, done_on)
    assert (one.overdue(today), one.due_this_week(today)) == (overdue, this_week)


def test_progress_counts_done_and_overdue_items_per_person() -> None:
    items = [item(30, TODAY), item(30), item(60), item(90)]
    (sara,) = progress(items, TODAY + dt.timedelta(days=61))
    assert (sara.person, sara.done, sara.total, sara.overdue) == ("Sara Lind", 1, 4, 2)
    assert sara.share == 0.25


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"day": 45, "title": "Learn"}], "item 1: day: expected one of 30, 60, 90, got 45"),
        ([{"day": 30, "title": " "}], "item 1: title: expected what the new person does"),
        ([{"day": 30, "title": "A"}, {"day": 30, "title": "a"}], "item 2: 'a' on day 30 appears"),
        ([], "expected at least one item"),
        (
            [{"day": 30, "title": "x"}] * 1 + [{"day": 60, "title": f"{n}"} for n in range(30)],
            "at most 30",
        ),
    ],
    ids=["day", "blank title", "twice", "empty", "too many"],
)
def test_a_bad_plan_is_refused_naming_the_item_and_field(
    rows: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        make_plan(rows, Role.IT)


def test_plans_round_trip_and_a_role_without_its_own_follows_the_default() -> None:
    plans = {Role.IT: (PlanItem(30, "Learn the stack"), PlanItem(90, "Own uptime"))}
    assert plans_from_dict(plans_to_dict(plans)) == plans
    assert plan_for(plans, Role.IT) == plans[Role.IT]
    assert plan_for(plans, Role.SUPPORT) == DEFAULT_PLAN


# --- the store -------------------------------------------------------------------------


def test_onboarding_puts_the_new_person_on_the_roster_with_the_plan(demo_ws: Workspace) -> None:
    request = approved(demo_ws)
    items = start(demo_ws, request.id, start="2026-11-30")
    snap = demo_ws.snapshot()
    (sara,) = [m for m in snap.members if m.name == "Sara Lind"]
    assert (sara.roles, sara.available_hours) == ((Role.SOCIAL_MEDIA_MANAGER,), 40.0)
    assert snap.onboarding == items
    assert [(i.title, i.due) for i in items] == [
        (p.title, D(2026, 11, 30) + dt.timedelta(days=p.day)) for p in DEFAULT_PLAN
    ]
    assert {i.request_id for i in items} == {request.id}
    assert demo_ws.audit_log(1)[0].action == "onboarding.start"


def test_a_roles_own_plan_is_what_its_next_new_person_gets(demo_ws: Workspace) -> None:
    request = approved(demo_ws)
    demo_ws.set_plan(EDITOR, "community_manager", [{"day": 60, "title": "Run the forum"}])
    items = start(demo_ws, request.id, role="community_manager", hours=20)
    assert [(i.day, i.title) for i in items] == [(60, "Run the forum")]
    demo_ws.set_plan(EDITOR, "community_manager", None)
    assert plan_for(demo_ws.snapshot().plans, Role.COMMUNITY_MANAGER) == DEFAULT_PLAN
    assert [i.title for i in demo_ws.snapshot().onboarding] == ["Run the forum"]


@pytest.mark.parametrize(
    ("decision", "changes", "message"),
    [
        (None, {}, r"request #\d+ is open; onboarding starts from an approved request"),
        ("decline", {}, r"request #\d+ is declined; onboarding starts from an approved request"),
        ("approve", {"name": "jonas weber"}, "Jonas Weber is already on the team"),
        (
            "approve",
            {"start": "2026-11-20"},
            r"start: 2026-11-20 is before request #\d+ was approved",
        ),
        ("approve", {"hours": 200}, "hours: expected a number of hours a week"),
        ("approve", {"role": "ceo"}, "role: expected one of"),
        ("approve", {"request_id": 99}, "request #99 does not exist"),
    ],
    ids=["open", "declined", "on the team", "before approval", "hours", "role", "missing"],
)
def test_onboarding_is_refused_naming_why_and_changes_nothing(
    demo_ws: Workspace, decision: str | None, changes: dict[str, object], message: str
) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    if decision:
        demo_ws.decide_request(CFO, request.id, decision, "Budget is there", today=TODAY)
    before = workspace_state(demo_ws)
    with pytest.raises((ValidationError, NotFound), match=message):
        start(demo_ws, **{"request_id": request.id, **changes})
    assert workspace_state(demo_ws) == before


def test_ticking_an_item_stores_the_day_and_clearing_it_undoes_it(demo_ws: Workspace) -> None:
    first, *_ = start(demo_ws, approved(demo_ws).id)
    later = TODAY + dt.timedelta(days=3)
    done = demo_ws.set_onboarding_done(EDITOR, first.id, later, today=later)
    assert done.done_on == later == demo_ws.snapshot().onboarding[0].done_on
    assert demo_ws.audit_log(1)[0].detail.endswith(f"{first.title} = {later}")
    demo_ws.set_onboarding_done(EDITOR, first.id, None, today=later)
    assert demo_ws.snapshot().onboarding[0].done_on is None


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (TODAY - dt.timedelta(days=1), "before Sara Lind started"),
        (TODAY + dt.timedelta(days=1), "after today"),
        ("23/11/2026", "on: expected a date"),
    ],
    ids=["before the start", "in the future", "not a date"],
)
def test_a_tick_on_an_impossible_day_is_refused(
    demo_ws: Workspace, on: object, message: str
) -> None:
    first, *_ = start(demo_ws, approved(demo_ws).id)
    before = workspace_state(demo_ws)
    with pytest.raises(ValidationError, match=message):
        demo_ws.set_onboarding_done(EDITOR, first.id, on, today=TODAY)  # type: ignore[arg-type]
    assert workspace_state(demo_ws) == before


def test_a_person_who_leaves_the_roster_takes_their_plan_with_them(demo_ws: Workspace) -> None:
    start(demo_ws, approved(demo_ws).id)
    demo_ws.remove_member(EDITOR, "sara lind")
    assert demo_ws.snapshot().onboarding == ()


def test_a_plan_changed_since_the_form_was_drawn_is_not_overwritten(demo_ws: Workspace) -> None:
    drawn = plan_for(demo_ws.snapshot().plans, Role.IT)
    demo_ws.set_plan(EDITOR, "it", [{"day": 30, "title": "Learn the stack"}])
    before = workspace_state(demo_ws)
    with pytest.raises(Conflict, match="onboarding plan of it: someone else changed"):
        demo_ws.set_plan(EDITOR, "it", [{"day": 90, "title": "Own uptime"}], expected=drawn)
    assert workspace_state(demo_ws) == before


# --- an approval binds the hiring ------------------------------------------------------

SARA = {"name": "Sara Lind", "role": "community_manager", "hours": 20}


@pytest.mark.parametrize(
    ("newcomer", "refusal"),
    [
        (
            {"name": "Noor Haddad", "role": "content_creator", "hours": 40},
            "request #1 has 30.0 h/week left for content_creator; Noor Haddad would take 40.0",
        ),
        (
            {"name": "Noor Haddad", "role": "paid_media", "hours": 10},
            "role: request #1 approved social_media_manager, community_manager, "
            "content_creator; paid_media is not one of them",
        ),
        (
            {"name": "Noor Haddad", "role": "social_media_manager", "hours": 30},
            "request #1 has EUR 1,257/week left; Noor Haddad would cost EUR 1,350/week",
        ),
    ],
    ids=["hours", "role", "cost"],
)
def test_a_start_beyond_what_the_request_approved_is_refused_naming_what_is_left(
    demo_ws: Workspace, newcomer: dict[str, object], refusal: str
) -> None:
    request = approved(demo_ws)  # 50.0 h/week, EUR 2,017/week, three roles
    start(demo_ws, request.id, **SARA)  # 20 h community manager, EUR 760/week
    before = workspace_state(demo_ws)
    with pytest.raises(ValidationError) as refused:
        start(demo_ws, request.id, **newcomer)
    assert str(refused.value) == refusal
    assert workspace_state(demo_ws) == before


def test_two_people_within_the_request_fill_it_and_a_third_is_refused(demo_ws: Workspace) -> None:
    request = approved(demo_ws)
    start(demo_ws, request.id, **SARA)
    start(demo_ws, request.id, name="Noor Haddad", role="content_creator", hours=30)
    with pytest.raises(ValidationError, match=r"^request #1 has 0\.0 h/week left for content"):
        start(demo_ws, request.id, name="Ana Costa", role="content_creator", hours=5)
    analysis = analyse(demo_ws.snapshot(), TODAY)
    (shown,) = report_dict(analysis)["requests"]
    assert {k: shown[k] for k in ("hired_hours", "filled", "hired_people", "hired_roles")} == {
        "hired_hours": 50.0,
        "filled": True,
        "hired_people": ["Sara Lind", "Noor Haddad"],
        "hired_roles": {"community_manager": 20.0, "content_creator": 30.0},
    }
    assert shown["hired_cost_per_week"] == 20 * 38 + 30 * 38
    assert "FILLED: hired 50.0 of 50.0 h/week (2 people, EUR 1,900 of EUR 2,017/week)" in (
        report_text(analysis)
    )


def test_a_request_with_nobody_hired_yet_is_not_filled(demo_ws: Workspace) -> None:
    approved(demo_ws)
    (shown,) = report_dict(analyse(demo_ws.snapshot(), TODAY))["requests"]
    assert (shown["hired_hours"], shown["filled"], shown["hired_people"]) == (0.0, False, [])
