"""The daily stand-up: each section from what changed since the previous working day, each
item with who picks it up, empty sections left out, and the agenda as text, Markdown, JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from strategy.domain.errors import NotFound, PermissionDenied, ValidationError
from strategy.domain.experiments import TestStatus
from strategy.domain.gates import CHECKLIST_ITEMS, ChecklistItem, Stage
from strategy.domain.horizons import empty_coverage
from strategy.domain.limits import MAX_TEXT
from strategy.domain.metrics import empty_weekly
from strategy.domain.onboarding import DEFAULT_PLAN, OnboardingItem
from strategy.domain.requests import Evidence, RequestStatus, ResourceRequest
from strategy.domain.snapshot import Snapshot, TestDates
from strategy.domain.stages import Override
from strategy.domain.standup import CHECKLIST_OWNERS, Slot, SlotItem
from strategy.domain.team import Assignment, Member, Role
from strategy.usecases import Workspace
from strategy.views.standup import (
    NEWS_WEEKS,
    Agenda,
    SectionKey,
    agenda,
    agenda_dict,
    agenda_json,
    agenda_markdown,
    agenda_text,
    news_from,
    previous_working_day,
    with_slots,
)
from tests.conftest import EDITOR, VIEWER, workspace_state

DAY = dt.date(2026, 11, 24)
"""A Tuesday: its agenda covers Monday 23 November (and nothing of today)."""
MONDAY = dt.date(2026, 11, 23)
EVIDENCE = Evidence(
    as_of=MONDAY,
    summary="Extra resources are justified.",
    conditions=(),
    gap_hours_per_week=50.0,
    gap_people=1.2,
    gap_cost_per_week=2000.0,
    currency="EUR",
    gap_no_rate_for=(),
    roles=(Role.SOCIAL_MEDIA_MANAGER,),
    window_from=None,
    window_to=None,
)


@pytest.fixture(scope="module")
def demo(demo_template: Path) -> Snapshot:
    """The demo company as it stands: four platforms, a year of weeks, Maya the expert."""
    return Workspace.open(demo_template).snapshot()


def no_data(snap: Snapshot) -> Snapshot:
    """The same workspace before any metrics arrived."""
    return dataclasses.replace(snap, uploads=(), weekly=empty_weekly(), coverage=empty_coverage())


def set_up(snap: Snapshot) -> Snapshot:
    """The same workspace with every platform's setup checklist done long ago, and no stall
    long enough for a stop-or-continue review (tests/test_platform_review.py has those)."""
    done = dt.date(2025, 1, 6)
    platforms = {*snap.weekly["platform"].astype(str), *(c.platform for c in snap.checklist)}
    return dataclasses.replace(
        snap,
        demand=dataclasses.replace(snap.demand, stall_review_weeks=104),
        checklist=tuple(
            ChecklistItem(p, i, done) for p in sorted(platforms) for i in CHECKLIST_ITEMS
        ),
    )


def quiet(snap: Snapshot) -> Snapshot:
    """The demo with no test, no overloaded person, uploads made long ago and every setup
    checklist done."""
    team = tuple(m for m in snap.members if not m.overloaded)
    long_ago = tuple(
        dataclasses.replace(u, uploaded_at="2026-01-05T09:00:00+00:00") for u in snap.uploads
    )
    return dataclasses.replace(set_up(snap), tests=(), members=team, uploads=long_ago)


def stand_up(
    now: Snapshot, before: Snapshot | None = None, day: dt.date = DAY, execs: tuple[str, ...] = ()
) -> Agenda:
    """The agenda of ``day``, with ``before`` the data up to the previous working day."""
    earlier = before if before is not None else now

    def read(as_of: dt.date) -> Snapshot:
        return earlier if as_of < day - dt.timedelta(days=1) else now

    return agenda(day, read, execs)


def section(a: Agenda, key: SectionKey) -> list[tuple[str, str]]:
    found = [s for s in a.sections if s.key is key]
    return [(i.text, i.owner) for i in found[0].items] if found else []


@pytest.mark.parametrize(
    ("day", "previous"),
    [
        (dt.date(2026, 11, 24), dt.date(2026, 11, 23)),
        (dt.date(2026, 11, 23), dt.date(2026, 11, 20)),
        (dt.date(2026, 11, 22), dt.date(2026, 11, 20)),
        (dt.date(2026, 11, 21), dt.date(2026, 11, 20)),
    ],
    ids=["tuesday", "monday", "sunday", "saturday"],
)
def test_the_previous_working_day_skips_the_weekend(day: dt.date, previous: dt.date) -> None:
    assert previous_working_day(day) == previous


def test_nothing_changed_gives_no_sections_and_says_so() -> None:
    empty = Snapshot(0, (), (), (), (), (), empty_weekly())
    a = stand_up(empty)
    assert a.sections == ()
    assert "Nothing changed since the previous working day." in agenda_markdown(a)
    assert agenda_dict(a) == []


def test_stage_transitions_in_recent_weeks_are_listed_for_the_social_expert(
    demo: Snapshot,
) -> None:
    held = Override("linkedin", dt.date(2026, 11, 9), Stage.SETUP, "Rebranding the page", "maya")
    now = dataclasses.replace(quiet(demo), overrides=(*demo.overrides, held))
    items = section(stand_up(now, quiet(demo)), SectionKey.STAGES)
    assert [(text.split(" in the week of ")[0], owner) for text, owner in items] == [
        ("linkedin moved from retention to setup", "Maya Okafor")
    ]
    assert items[0][0].endswith("in the week of 09 Nov 2026 (override: Rebranding the page)")
    assert section(stand_up(now), SectionKey.STAGES) == []


def test_an_import_of_past_weeks_is_one_line_per_platform_not_last_years_moves(
    demo: Snapshot,
) -> None:
    a = stand_up(quiet(demo), no_data(quiet(demo)))
    assert section(a, SectionKey.STAGES) == []  # instagram's move of January is the past
    past = [text for text, _ in section(a, SectionKey.UPLOADS) if "past weeks" in text]
    assert past == [
        "50 past weeks added for forum",
        "50 past weeks added for instagram",
        "50 past weeks added for linkedin",
        "8 past weeks added for tiktok",
    ]
    assert recent_weeks_only(agenda_text(a))


def recent_weeks_only(text: str) -> bool:
    """No line counts more newly counted weeks than the recent ones (a year's 52 are not)."""
    counts = [int(n) for n in re.findall(r"(\d+) newly counted weeks", text)]
    return all(n <= NEWS_WEEKS + 1 for n in counts)


@pytest.mark.parametrize(
    ("day", "first_news_week"),
    [
        (dt.date(2026, 11, 24), dt.date(2026, 11, 2)),
        (dt.date(2026, 11, 23), dt.date(2026, 10, 26)),
    ],
    ids=["tuesday", "monday: since friday"],
)
def test_weeks_are_news_from_three_weeks_before_the_previous_working_days_week(
    day: dt.date, first_news_week: dt.date
) -> None:
    assert news_from(day) == first_news_week


def test_the_stand_up_the_day_after_a_year_long_import_has_one_line_per_platform_for_it(
    demo_ws: Workspace,
) -> None:
    imported = demo_ws.snapshot().uploads[0].uploaded_on
    day = imported + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    a = agenda(day, lambda d: demo_ws.snapshot(as_of=d))
    text = agenda_text(a)
    weeks = [w for w in demo_ws.snapshot().weekly["week"].dt.date if w < news_from(day)]
    assert weeks  # the import holds a year of past weeks
    for platform in ("forum", "instagram", "linkedin", "tiktok"):
        assert sum(f"past weeks added for {platform}" in line for line in text.splitlines()) <= 1
    assert recent_weeks_only(text)
    assert all(f"{w:%d %b %Y}" not in text for w in weeks)


def test_a_stall_is_listed_the_day_it_begins_and_not_after(demo: Snapshot) -> None:
    (stall,) = section(stand_up(quiet(demo), no_data(quiet(demo))), SectionKey.STALLS)
    assert stall[0].startswith("forum has stalled in retention: ")
    assert stall[1] == "Maya Okafor"
    assert section(stand_up(quiet(demo)), SectionKey.STALLS) == []


@pytest.mark.parametrize(
    ("uploaded_at", "listed"),
    [
        ("2026-11-23T16:40:00+00:00", True),
        ("2026-11-24T08:00:00+00:00", False),
        ("2026-11-20T16:40:00+00:00", False),
    ],
    ids=["previous working day", "this morning: tomorrow's", "last week"],
)
def test_uploads_since_the_previous_working_day_are_listed(
    demo: Snapshot, uploaded_at: str, listed: bool
) -> None:
    first = dataclasses.replace(
        quiet(demo).uploads[0], uploaded_at=uploaded_at, by="maya@example.com"
    )
    snap = dataclasses.replace(quiet(demo), uploads=(first,))
    items = section(stand_up(snap), SectionKey.UPLOADS)
    assert bool(items) is listed
    if listed:
        assert items[0][0].startswith(f"{first.name} (upload #{first.id}, ")
        assert items[0][0].endswith("by maya@example.com")
        assert items[0][1] == "Maya Okafor"  # no data analyst: the social expert


def test_tests_logged_concluded_or_running_past_their_end_are_listed(demo: Snapshot) -> None:
    concluded, _, running, planned = demo.tests
    assert (concluded.status, running.status) == (TestStatus.CONCLUDED, TestStatus.RUNNING)
    late = dataclasses.replace(running, end=dt.date(2026, 11, 20))
    snap = dataclasses.replace(
        quiet(demo),
        tests=(concluded, late, planned),
        test_dates={
            concluded.id or 0: TestDates(dt.date(2026, 3, 2), MONDAY),
            late.id or 0: TestDates(dt.date(2026, 10, 5), None),
            planned.id or 0: TestDates(MONDAY, None),
        },
    )
    texts = [t for t, owner in section(stand_up(snap), SectionKey.TESTS) if owner == "Maya Okafor"]
    assert texts[0].startswith(f"Concluded: {concluded.title}: ")
    assert texts[1] == (
        f"Still running 4 days past its end (20 Nov 2026): {late.title}; conclude it or extend it"
    )
    assert texts[2] == f"Logged: {planned.title} ({planned.platform}, planned)"
    assert len(texts) == 3


def test_people_overloaded_are_listed_while_they_are(demo: Snapshot) -> None:
    items = section(stand_up(dataclasses.replace(demo, tests=())), SectionKey.OVERLOADED)
    assert items == [("Jonas Weber has 11 h of roles a week on 8 h available", "Maya Okafor")]
    assert section(stand_up(quiet(demo)), SectionKey.OVERLOADED) == []


def test_newly_counted_weeks_with_slow_responses_go_to_who_answers_messages(
    demo: Snapshot,
) -> None:
    items = section(stand_up(demo, no_data(demo)), SectionKey.RESPONSES)
    assert [owner for _, owner in items] == ["Jonas Weber", "Jonas Weber"]  # community manager
    assert items[0][0].startswith("forum: slower than the 60-minute target in ")
    assert "the latest median response 78 min in the week of 09 Nov 2026" in items[0][0]
    assert section(stand_up(demo), SectionKey.RESPONSES) == []


def test_onboarding_items_done_due_this_week_or_overdue_go_to_the_new_person(
    demo: Snapshot,
) -> None:
    start = dt.date(2026, 10, 26)
    items = tuple(
        OnboardingItem(n, 1, "Sara Lind", Role.COMMUNITY_MANAGER, start, day, title, done)
        for n, (day, title, done) in enumerate(
            [
                (30, "Learn the tools", MONDAY),  # done yesterday
                (30, "Learn the audience", None),  # due 25 Nov: this week
                (30, "Shadow the team", dt.date(2026, 11, 2)),  # done long ago
                (60, "Take over a workload", None),  # due 25 Dec
            ],
            start=1,
        )
    )
    overdue = OnboardingItem(5, 1, "Noor Haddad", Role.IT, dt.date(2026, 9, 1), 60, "Own uptime")
    snap = dataclasses.replace(quiet(demo), onboarding=(*items, overdue))
    assert section(stand_up(snap), SectionKey.ONBOARDING) == [
        ("Overdue since Sat 31 Oct: Own uptime", "Noor Haddad"),
        ("Done: Learn the tools (day 30)", "Sara Lind"),
        ("Due Wed 25 Nov: Learn the audience", "Sara Lind"),
    ]


@pytest.mark.parametrize(
    ("execs", "decider"), [((), "Executive"), (("cfo@example.com",), "cfo@example.com")]
)
def test_open_requests_go_to_an_executive_and_decisions_to_the_expert(
    demo: Snapshot, execs: tuple[str, ...], decider: str
) -> None:
    open_one = ResourceRequest(2, MONDAY, "maya@example.com", "", EVIDENCE)
    decided = ResourceRequest(
        1,
        dt.date(2026, 11, 16),
        "maya@example.com",
        "",
        EVIDENCE,
        RequestStatus.APPROVED,
        MONDAY,
        "cfo@example.com",
        "Budget is there",
    )
    old = dataclasses.replace(decided, id=3, decided_on=dt.date(2026, 11, 17))
    snap = dataclasses.replace(quiet(demo), requests=(open_one, decided, old))
    items = section(stand_up(snap, execs=execs), SectionKey.REQUESTS)
    assert items[0] == (
        "Approved by cfo@example.com: request #1 (50.0 h/week, raised 16 Nov 2026): "
        "Budget is there",
        "Maya Okafor",
    )
    assert items[1][0].startswith(  # evidence without positions: its roles
        "Open: request #2 (50.0 h/week, raised 23 Nov 2026) for Social media manager"
    )
    assert items[1][1] == decider
    assert len(items) == 2


def test_an_item_nobody_holds_the_role_for_names_the_role(demo: Snapshot) -> None:
    alone = (Member("Ana", 4.0, (Assignment(Role.IT, 8.0),)),)
    items = section(
        stand_up(dataclasses.replace(quiet(demo), members=alone)), SectionKey.OVERLOADED
    )
    assert items == [("Ana has 8 h of roles a week on 4 h available", "Social-media expert")]


def test_the_agenda_reads_as_text_markdown_and_json_with_empty_sections_left_out(
    demo: Snapshot,
) -> None:
    a = stand_up(dataclasses.replace(set_up(demo), tests=()))
    data = json.loads(agenda_json(a))
    risks = data.pop(0)  # the forum's stall, no review taking it up (a standing risk)
    assert risks["key"] == "risks"
    assert [i["text"][:42] for i in risks["items"]] == [
        "forum stalled in retention, 51 weeks in th"
    ]
    assert data == [
        {
            "key": "overloaded",
            "title": "People overloaded",
            "items": [
                {
                    "id": None,
                    "text": "Jonas Weber has 11 h of roles a week on 8 h available",
                    "owner": "Maya Okafor",
                }
            ],
        }
    ]
    markdown = agenda_markdown(a)
    assert markdown.startswith("# Stand-up Tuesday 24 Nov 2026 (since Monday 23 Nov)\n")
    assert "## People overloaded\n\n- Jonas Weber has 11 h" in markdown
    assert "— **Maya Okafor**" in markdown
    assert "## Uploads" not in markdown
    assert "  - Jonas Weber has 11 h of roles a week on 8 h available [Maya Okafor]" in agenda_text(
        a
    )


# --- people starting or at a milestone, the setup checklist's owners ------------------------


def plan_of(person: str, start: dt.date, done: dt.date | None = None) -> tuple[OnboardingItem, ...]:
    """A new community manager's default plan, the day-30 items done on ``done``."""
    return tuple(
        OnboardingItem(
            n,
            1,
            person,
            Role.COMMUNITY_MANAGER,
            start,
            p.day,
            p.title,
            done if p.day == 30 else None,
        )
        for n, p in enumerate(DEFAULT_PLAN, start=1)
    )


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (DAY, ("Sara Lind starts today as Community manager (request #1)", "Maya Okafor")),
        (
            DAY - dt.timedelta(days=30),
            (
                "Sara Lind (Community manager) reaches day 30 of the 30-60-90 plan today: "
                "5 of 5 items done",
                "Sara Lind",
            ),
        ),
        (
            DAY - dt.timedelta(days=60),
            (
                "Sara Lind (Community manager) reaches day 60 of the 30-60-90 plan today: "
                "5 of 6 items done",
                "Sara Lind",
            ),
        ),
        (
            DAY - dt.timedelta(days=90),
            (
                "Sara Lind (Community manager) reaches day 90 of the 30-60-90 plan today: "
                "5 of 8 items done",
                "Sara Lind",
            ),
        ),
        (DAY - dt.timedelta(days=1), None),
        (DAY - dt.timedelta(days=31), None),
    ],
    ids=["starting", "day 30", "day 60", "day 90", "day 1", "day 31"],
)
def test_people_starting_or_reaching_day_30_60_or_90_that_day_are_listed(
    demo: Snapshot, start: dt.date, expected: tuple[str, str] | None
) -> None:
    snap = dataclasses.replace(quiet(demo), onboarding=plan_of("Sara Lind", start, MONDAY))
    assert section(stand_up(snap), SectionKey.PEOPLE) == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("members", "tools_owner", "metrics_owner"),
    [
        ((), "IT", "Social data analyst"),
        (
            (
                Member("Noor Haddad", 10.0, (Assignment(Role.IT, 4.0),)),
                Member("Maya Okafor", 14.0, (Assignment(Role.SOCIAL_EXPERT, 10.0),)),
            ),
            "Noor Haddad",
            "Maya Okafor",
        ),
    ],
    ids=["nobody holds the roles", "IT and the expert"],
)
def test_open_setup_checklist_items_are_listed_once_each_with_their_owner(
    demo: Snapshot, members: tuple[Member, ...], tools_owner: str, metrics_owner: str
) -> None:
    done = dt.date(2026, 1, 5)
    checklist = tuple(
        ChecklistItem(p, i, None if (p, i) in OPEN else done)
        for p in ("forum", "instagram", "linkedin", "tiktok")
        for i in CHECKLIST_ITEMS
    )
    snap = dataclasses.replace(quiet(demo), checklist=checklist, members=members)
    assert section(stand_up(snap), SectionKey.SETUP) == [
        ("Tools chosen: open for forum, tiktok", tools_owner),
        ("Key metrics defined: open for tiktok", metrics_owner),
    ]


OPEN = {("forum", "tools_chosen"), ("tiktok", "tools_chosen"), ("tiktok", "key_metrics_defined")}


def test_every_setup_checklist_item_has_an_owner_and_it_owns_the_tools() -> None:
    assert set(CHECKLIST_OWNERS) == set(CHECKLIST_ITEMS)
    assert CHECKLIST_OWNERS["tools_chosen"][0] is Role.IT


# --- the team's own items in four slots -----------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "text", "owner", "message"),
    [
        (
            "weather",
            "Rain",
            "Jonas",
            "slot: expected one of overnight, trending, scheduled, risks, got 'weather'",
        ),
        ("overnight", "   ", "Jonas", "text: expected some text, got nothing"),
        (
            "trending",
            "x" * (MAX_TEXT + 1),
            "Jonas",
            f"text: expected at most {MAX_TEXT:,} characters, got {MAX_TEXT + 1:,}",
        ),
        ("risks", "Competitor launch", "", "owner: expected some text, got nothing"),
    ],
    ids=["unknown slot", "empty text", "text over the limit", "no owner"],
)
def test_a_slot_item_with_a_wrong_field_is_refused_naming_it_and_nothing_is_stored(
    empty_ws: Workspace, slot: str, text: str, owner: str, message: str
) -> None:
    before = workspace_state(empty_ws)
    with pytest.raises(ValidationError) as refused:
        empty_ws.add_standup_item(EDITOR, day=DAY, slot=slot, text=text, owner=owner)
    assert str(refused.value) == message
    assert workspace_state(empty_ws) == before


def test_slot_items_are_kept_per_day_audited_and_removable(empty_ws: Workspace) -> None:
    first = empty_ws.add_standup_item(
        EDITOR, day=DAY, slot="overnight", text="  Forum outage at 02:00  ", owner="Jonas Weber"
    )
    empty_ws.add_standup_item(
        EDITOR, day=DAY, slot="scheduled", text="Carousel at 10:00", owner="Maya Okafor"
    )
    empty_ws.add_standup_item(
        EDITOR, day=MONDAY, slot="risks", text="Yesterday's item", owner="Maya Okafor"
    )
    items = empty_ws.standup_items(DAY)
    assert [(i.slot, i.text, i.owner) for i in items] == [
        (Slot.OVERNIGHT, "Forum outage at 02:00", "Jonas Weber"),
        (Slot.SCHEDULED, "Carousel at 10:00", "Maya Okafor"),
    ]
    assert empty_ws.audit_log(1)[0].action == "standup.add"
    empty_ws.remove_standup_item(EDITOR, first.id)
    assert [i.text for i in empty_ws.standup_items(DAY)] == ["Carousel at 10:00"]
    assert empty_ws.audit_log(1)[0].action == "standup.remove"
    with pytest.raises(NotFound):
        empty_ws.remove_standup_item(EDITOR, first.id)


def test_a_viewer_cannot_add_a_slot_item(empty_ws: Workspace) -> None:
    with pytest.raises(PermissionDenied):
        empty_ws.add_standup_item(VIEWER, day=DAY, slot="trending", text="Memes", owner="Ana")
    assert empty_ws.standup_items(DAY) == ()


def test_slot_items_come_first_in_the_agenda_and_in_its_markdown(demo: Snapshot) -> None:
    items = (
        SlotItem(DAY, Slot.RISKS, "Competitor launches on Friday", "Maya Okafor"),
        SlotItem(DAY, Slot.OVERNIGHT, "Forum outage at 02:00", "Jonas Weber"),
        SlotItem(MONDAY, Slot.TRENDING, "Not today's", "Ana"),
    )
    a = with_slots(stand_up(dataclasses.replace(set_up(demo), tests=())), items)
    assert [s.key for s in a.sections] == [
        SectionKey.OVERNIGHT,
        SectionKey.RISKS,
        SectionKey.OVERLOADED,
    ]
    markdown = agenda_markdown(a)
    assert "## Overnight\n\n- Forum outage at 02:00 — **Jonas Weber**\n" in markdown
    assert "## Risks and opportunities\n\n- forum stalled in retention" in markdown
    assert "\n- Competitor launches on Friday — **Maya Okafor**\n" in markdown
    assert "Not today's" not in markdown
    assert {"key": "overnight", "title": "Overnight"}.items() <= agenda_dict(a)[0].items()


# --- standing risks: made each day from the workspace while they hold, never stored ----------


def risks(a: Agenda) -> list[tuple[str, str]]:
    return section(a, SectionKey.RISKS)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (DAY, []),  # 09 Nov complete, the week of 16 Nov the only one missing: ordinary
        (
            dt.date(2026, 12, 2),
            [
                (
                    "Data 2 weeks behind on forum, instagram, linkedin, tiktok: upload their "
                    "exports",
                    "Maya Okafor",
                )
            ],
        ),
        (
            dt.date(2026, 12, 9),
            [
                (
                    "Data 3 weeks behind on forum, instagram, linkedin, tiktok: upload their "
                    "exports",
                    "Maya Okafor",
                )
            ],
        ),
    ],
)
def test_data_two_or_more_weeks_behind_is_raised_for_the_social_expert_every_day(
    demo: Snapshot, day: dt.date, expected: list[tuple[str, str]]
) -> None:
    found = [r for r in risks(stand_up(quiet(demo), day=day)) if r[0].startswith("Data ")]
    assert found == expected


@pytest.mark.parametrize(
    ("review_weeks", "in_risks", "in_reviews"),
    [(104, True, False), (12, False, True)],
    ids=["no-review-yet", "under-review"],
)
def test_a_stalled_platform_is_a_standing_risk_until_a_review_takes_it_up(
    demo: Snapshot, review_weeks: int, in_risks: bool, in_reviews: bool
) -> None:
    snap = dataclasses.replace(
        quiet(demo), demand=dataclasses.replace(demo.demand, stall_review_weeks=review_weeks)
    )
    a = stand_up(snap)
    stalls = [r for r in risks(a) if r[0].startswith("forum stalled in retention, 51 weeks")]
    assert bool(stalls) is in_risks
    assert all(owner == "Maya Okafor" for _, owner in stalls)
    reviews = [text for text, _ in section(a, SectionKey.REVIEWS) if "forum" in text]
    assert bool(reviews) is in_reviews


@pytest.mark.parametrize(
    ("status", "onboarding", "raised"),
    [
        (RequestStatus.APPROVED, (), True),
        (RequestStatus.APPROVED, "started", False),
        (RequestStatus.DECLINED, (), False),
    ],
    ids=["approved-nobody-onboarding", "onboarding-started", "declined"],
)
def test_an_approved_request_nobody_is_onboarding_yet_is_a_standing_risk(
    demo: Snapshot, status: RequestStatus, onboarding: object, raised: bool
) -> None:
    request = ResourceRequest(
        1,
        dt.date(2026, 11, 2),
        "maya@example.com",
        "",
        EVIDENCE,
        status,
        dt.date(2026, 11, 3),
        "cfo@example.com",
        "Budget is there",
    )
    items = plan_of("Ida", dt.date(2026, 11, 16)) if onboarding == "started" else ()
    snap = dataclasses.replace(quiet(demo), requests=(request,), onboarding=items)
    found = [r for r in risks(stand_up(snap)) if "request #1" in r[0]]
    expected = (
        "Approved request #1 (50.0 h/week, raised 02 Nov 2026): nobody is onboarding yet; "
        "start the onboarding of whoever is hired",
        "Maya Okafor",
    )
    assert found == ([expected] if raised else [])
