"""The Stand-up page, driven headless: the agenda of a day, each item with who picks it up,
the Markdown to paste, a day on which nothing changed, and the team's own items, which an
editor adds and removes and a viewer only reads."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from strategy.domain.access import LOCAL_USER, AccessRole, Actor
from strategy.domain.standup import Slot
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, VIEWER, open_page
from tests.pages import click, in_order, said_beside
from ui import session

PAGE = "pages/5_Stand_up.py"
EXECUTIVE = Actor("cfo@example.com", AccessRole.EXECUTIVE)
FRIDAY = TODAY - dt.timedelta(days=3)
"""TODAY is a Monday: its stand-up covers Friday to Sunday."""


def run() -> AppTest:
    return open_page(PAGE, timeout=60)


def bullets(at: AppTest) -> list[str]:
    """Every agenda line the page shows, e.g. ``- Done: … — **Sara Lind**``."""
    return [line for m in at.markdown for line in m.value.splitlines() if line.startswith("- ")]


@pytest.fixture
def team_week(app_ws: Workspace) -> Workspace:
    """Friday: a request approved and Sara Lind starting; Sunday: she ticks her first item;
    Monday morning: a second request raised, open. cfo@example.com is the executive."""
    app_ws.set_user_role(LOCAL_USER, EXECUTIVE.name, "executive")
    first = app_ws.raise_request(EDITOR, note="", today=FRIDAY)
    app_ws.decide_request(
        EXECUTIVE, first.id, "approve", "Budget agreed in the review", today=FRIDAY
    )
    items = app_ws.start_onboarding(
        EDITOR,
        request_id=first.id,
        name="Sara Lind",
        role="community_manager",
        hours=20,
        start=FRIDAY,
    )
    # Request #1 amended to Sara's 20 h and re-approved: filled, so request #2 may be raised
    app_ws.amend_request(
        LOCAL_USER,
        first.id,
        hours=20,
        roles="community_manager",
        reason="One hire for now",
        today=FRIDAY,
    )
    app_ws.decide_request(
        EXECUTIVE, first.id, "approve", "Budget agreed in the review", today=FRIDAY
    )
    voice = next(i for i in items if i.title == "Learn the brand voice")
    app_ws.set_onboarding_done(EDITOR, voice.id, TODAY - dt.timedelta(days=1), today=TODAY)
    app_ws.raise_request(EDITOR, note="", today=TODAY)
    return app_ws


def test_the_agenda_lists_each_section_with_who_picks_each_item_up(team_week: Workspace) -> None:
    at = run()

    assert at.text_input(key="standup_day").value == "23 Nov 2026"
    assert [h.value for h in at.subheader] == [
        "Open setup checklist items",
        "People overloaded",
        "Onboarding",
        "Resource requests",
        "Add to the stand-up",
        "The agenda as Markdown",
    ]
    lines = bullets(at)
    assert "- Jonas Weber has 11 h of roles a week on 8 h available — **Maya Okafor**" in lines
    assert "- Done: Learn the brand voice (day 30) — **Sara Lind**" in lines
    open_request = [line for line in lines if line.startswith("- Open: request #2")]
    assert len(open_request) == 1
    # Sara's 20 h serve at 1/3 on her day 3 (6.7 h); the 13.3 h approved for her that do not
    # serve yet are not asked for again
    assert open_request[0].startswith(  # what it asks for, as positions
        "- Open: request #2 (30.0 h/week, raised 23 Nov 2026) for 0.8 FTE social media "
        "manager/community manager; stale"
    )
    assert open_request[0].endswith(" — **cfo@example.com**")  # the executive decides it
    assert (
        "- Approved by cfo@example.com: request #1 (50.0 h/week, raised 20 Nov 2026): "
        "Budget agreed in the review — **Maya Okafor**"
    ) in lines
    assert not at.info


def test_the_agenda_is_shown_as_markdown_to_copy_and_download(team_week: Workspace) -> None:
    at = run()

    (block,) = at.main.code
    assert block.language == "markdown"
    assert block.value.startswith("# Stand-up Monday 23 Nov 2026 (since Friday 20 Nov)\n")
    assert "## Onboarding\n\n- Done: Learn the brand voice (day 30) — **Sara Lind**\n" in (
        block.value
    )
    assert "## Resource requests\n" in block.value
    (download,) = at.get("download_button")
    assert download.proto.label == "Download the agenda (Markdown)"


def test_an_item_ticked_on_sunday_is_on_mondays_agenda_only(team_week: Workspace) -> None:
    at = run()
    done = "- Done: Learn the brand voice (day 30) — **Sara Lind**"
    assert done in bullets(at)

    at.text_input(key="standup_day").set_value("2026-11-24").run()
    assert not at.exception
    assert done not in bullets(at)
    assert "Onboarding" not in [h.value for h in at.subheader]
    assert at.main.code[0].value.startswith("# Stand-up Tuesday 24 Nov 2026 (since Monday 23 Nov)")


@pytest.mark.parametrize(
    ("day", "since"),
    [(TODAY, "Friday 20 Nov 2026"), (TODAY + dt.timedelta(days=1), "Monday 23 Nov 2026")],
)
def test_a_day_on_which_nothing_changed_says_so(
    app_ws: Workspace, day: dt.date, since: str
) -> None:
    # Jonas Weber gets the hours his roles take: nobody is overloaded, nothing else is open
    app_ws.add_assignment(
        EDITOR, name="Jonas Weber", role="community_manager", hours=3, available_hours=11
    )
    app_ws.set_checklist(EDITOR, "tiktok", "all", dt.date(2026, 9, 1))
    at = run()
    at.text_input(key="standup_day").set_value(f"{day:%d %b %Y}").run()
    assert not at.exception

    assert [i.value for i in at.info] == [f"Nothing changed since {since}."]
    assert not bullets(at)
    assert [h.value for h in at.subheader] == ["Add to the stand-up", "The agenda as Markdown"]
    assert "Nothing changed since the previous working day." in at.main.code[0].value


def test_an_item_added_to_a_slot_is_listed_under_it_and_in_the_markdown(
    app_ws: Workspace,
) -> None:
    at = run()
    at.selectbox(key="standup_add_slot").set_value(Slot.TRENDING)
    at.text_input(key="standup_add_text").input("*Duets* with customers are taking off")
    at.text_input(key="standup_add_owner").input("Maya Okafor")
    click(at, "Add the item")

    assert [s.value for s in at.success] == [
        "Added to Trending of 23 Nov 2026: \\*Duets\\* with customers are taking off."
    ]
    assert at.subheader[0].value == "Trending"
    assert "- \\*Duets\\* with customers are taking off — **Maya Okafor**" in bullets(at)
    assert "## Trending\n\n- *Duets* with customers are taking off — **Maya Okafor**\n" in (
        at.main.code[0].value
    )
    assert [(i.slot, i.owner) for i in app_ws.standup_items(TODAY)] == [
        (Slot.TRENDING, "Maya Okafor")
    ]


def test_an_empty_text_is_refused_on_the_page_and_nothing_is_added(app_ws: Workspace) -> None:
    at = run()
    at.text_input(key="standup_add_owner").input("Maya Okafor")
    click(at, "Add the item")

    assert [e.value for e in at.error] == ["text: expected some text, got nothing"]
    assert app_ws.standup_items(TODAY) == ()


def removes(at: AppTest) -> list[str]:
    """The keys of the page's Remove buttons, one per item the team added."""
    return [b.key for b in at.button if b.label == "Remove"]


@pytest.fixture
def two_items(app_ws: Workspace) -> tuple[int, int]:
    """Today's stand-up has a risk (Maya's) and an overnight item (Jonas's): their ids."""
    risk = app_ws.add_standup_item(
        EDITOR, day=TODAY, slot="risks", text="Competitor launch Friday", owner="Maya Okafor"
    )
    outage = app_ws.add_standup_item(
        EDITOR, day=TODAY, slot="overnight", text="Forum outage at 02:00", owner="Jonas Weber"
    )
    assert risk.id is not None and outage.id is not None
    return risk.id, outage.id


def test_an_editor_removes_an_item_and_the_agenda_shows_it_gone(
    app_ws: Workspace, two_items: tuple[int, int]
) -> None:
    risk, outage = two_items
    at = run()
    assert "- Competitor launch Friday — **Maya Okafor**" in bullets(at)
    assert removes(at) == [f"standup_remove_{outage}", f"standup_remove_{risk}"]  # slot order

    click(at, key=f"standup_remove_{risk}")

    assert [s.value for s in at.success] == [
        "Removed from Risks and opportunities of 23 Nov 2026: Competitor launch Friday."
    ]
    assert "- Competitor launch Friday — **Maya Okafor**" not in bullets(at)
    assert "Risks and opportunities" not in [h.value for h in at.subheader]
    assert "Competitor launch Friday" not in at.main.code[0].value
    assert "- Forum outage at 02:00 — **Jonas Weber**" in bullets(at)
    assert removes(at) == [f"standup_remove_{outage}"]
    assert [i.id for i in app_ws.standup_items(TODAY)] == [outage]


def headings_around(at: AppTest, kind: str) -> tuple[str | None, str | None]:
    """The section headings just above and just below the page's one ``kind`` message."""
    nodes = in_order(at)
    (said,) = [i for i, n in enumerate(nodes) if getattr(n, "type", None) == kind]
    heads = [(i, n.value) for i, n in enumerate(nodes) if getattr(n, "type", None) == "subheader"]
    above = [h for i, h in heads if i < said]
    below = [h for i, h in heads if i > said]
    return (above[-1] if above else None, below[0] if below else None)


@pytest.mark.parametrize(
    ("which", "between"),
    [
        ("risk", ("Overnight", "Open setup checklist items")),  # where Risks was
        ("outage", (None, "Risks and opportunities")),  # where Overnight was, at the top
    ],
)
def test_a_removal_says_so_where_the_item_was_not_at_the_pages_top(
    app_ws: Workspace, two_items: tuple[int, int], which: str, between: tuple[str | None, str]
) -> None:
    risk, outage = two_items
    at = click(run(), key=f"standup_remove_{risk if which == 'risk' else outage}")

    assert len(at.success) == 1 and at.success[0].value.startswith("Removed from")
    assert headings_around(at, "success") == between


def test_a_removal_in_a_section_that_stays_says_so_under_its_items(
    app_ws: Workspace, two_items: tuple[int, int]
) -> None:
    risk, _ = two_items
    app_ws.add_standup_item(
        EDITOR, day=TODAY, slot="risks", text="Press visit Tuesday", owner="Maya Okafor"
    )
    at = click(run(), key=f"standup_remove_{risk}")

    assert headings_around(at, "success") == (
        "Risks and opportunities",
        "Open setup checklist items",
    )
    assert said_beside(at, "Remove") == []  # the one left: its own button says nothing


def test_an_added_item_leaves_the_forms_boxes_empty_in_the_browser_too(
    app_ws: Workspace,
) -> None:
    at = run()
    at.text_input(key="standup_add_text").input("Forum outage at 02:00")
    at.text_input(key="standup_add_owner").input("Jonas Weber")
    click(at, "Add the item")

    assert said_beside(at, "Add the item") == [
        "Added to Overnight of 23 Nov 2026: Forum outage at 02:00."
    ]
    for box in ("standup_add_text", "standup_add_owner"):
        shown = at.text_input(key=box)
        # set by the page: only a value set reaches the browser, which else keeps the text
        assert (shown.value, shown.proto.set_value) == ("", True)


def test_a_viewer_sees_the_teams_items_but_no_remove_control(
    app_ws: Workspace, two_items: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "actor", lambda: VIEWER)
    at = run()

    assert "- Competitor launch Friday — **Maya Okafor**" in bullets(at)
    assert "- Forum outage at 02:00 — **Jonas Weber**" in bullets(at)
    assert not at.button and not at.form_submit_button
    assert "Add to the stand-up" not in [h.value for h in at.subheader]


@pytest.mark.parametrize(
    ("typed", "heading"),
    [
        ("24 Nov 2026", "# Stand-up Tuesday 24 Nov 2026 (since Monday 23 Nov)"),
        ("24 november 2026", "# Stand-up Tuesday 24 Nov 2026 (since Monday 23 Nov)"),
        (" 2026-11-25 ", "# Stand-up Wednesday 25 Nov 2026 (since Tuesday 24 Nov)"),
    ],
)
def test_a_typed_day_is_applied_as_it_is_entered(
    team_week: Workspace, typed: str, heading: str
) -> None:
    at = run()
    at.text_input(key="standup_day").set_value(typed).run()  # Enter, in a browser

    assert not at.exception and not at.error
    assert at.main.code[0].value.startswith(heading)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "31 Nov 2026",
            "day: expected a date such as 23 Nov 2026 or 2026-11-23, got '31 Nov 2026'",
        ),
        ("tomorrow", "day: expected a date such as 23 Nov 2026 or 2026-11-23, got 'tomorrow'"),
        ("2028-01-01", "day: 01 Jan 2028 is more than a year from today (today is 23 Nov 2026)"),
    ],
)
def test_a_day_that_is_not_one_is_named_and_no_agenda_is_shown(
    team_week: Workspace, typed: str, said: str
) -> None:
    at = run()
    at.text_input(key="standup_day").set_value(typed).run()

    assert not at.exception
    assert [e.value for e in at.error] == [said]
    assert not at.main.code
