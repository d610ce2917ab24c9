"""The stop-or-continue review of a stalled platform: when it is due, the cost split it shows,
the decisions (continue until a day, stop, restart) and their refusals, what a stopped
platform leaves (demand, the signal's window, the stall list) and gets back on restart, the
stand-up's item and event, the setting, and the dashboard card.

On the demo, the forum has been in retention for 49 weeks on 2026-11-23, stalled."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from strategy.domain.access import LOCAL_USER, AccessRole, Actor
from strategy.domain.analysis import analyse
from strategy.domain.costs import Rates
from strategy.domain.demand import DemandSettings
from strategy.domain.errors import NotFound, PermissionDenied, RolloutError, ValidationError
from strategy.domain.gates import Stage
from strategy.domain.platform_cost import (
    PlatformSplit,
    Team,
    platform_week_demand,
    split_by_demand,
)
from strategy.domain.platform_review import (
    Decision,
    PlatformDecision,
    ReviewStatus,
    review_status,
)
from strategy.domain.stages import PlatformStatus, WeekState
from strategy.domain.team import DEFAULT_SERVES, Assignment, Member, Role
from strategy.usecases import Workspace
from strategy.views.standup import SectionKey, agenda
from tests.conftest import EDITOR, TODAY, VIEWER, cli, open_page
from tests.pages import click
from ui import session

CEO = "ceo@example.com"
EXECUTIVE = Actor("cfo@example.com", AccessRole.EXECUTIVE)
ADMIN = LOCAL_USER
W1, W2 = dt.date(2026, 3, 2), dt.date(2026, 3, 9)


# --- the rule of the cost split, on a hand-computed case ---------------------------------


def _status(name: str, stage: Stage, weeks: tuple[dt.date, ...] = (W1, W2)) -> PlatformStatus:
    timeline = tuple(WeekState(w, stage, None) for w in weeks)
    return PlatformStatus(name, stage, weeks[0], len(weeks), False, "", True, (), timeline)


def _hand_case(stopped: dict[str, dt.date] | None = None) -> PlatformSplit:
    """Two platforms over two weeks: ``a`` in setup (no monitoring), ``b`` in retention.

    a: week 1 120 messages (10 h at 5 min) + 2 posts (2 h) = 12 h; week 2 60 messages = 5 h.
    b: week 1 3 posts + 2 h monitoring = 5 h; week 2 1 post + 2 h = 3 h.
    Team: Ana, support 10 h at the role's 32 (serves messages): 10 h, 320 a week. Bo, IT
    5 h: serves nothing. Cy, community manager 8 h on 4 h available at her own 40: 4 h, 160.
    Dee, content creator 6 h at the role's 38 from week 2: paid in full from her start
    (6 x 38 = 228), her hours ramping up (a third of 6 = 2 h in her first 30 days).
    Week 1: 10 + 4 = 14 h costing 320 + 160 = 480; week 2: 14 + 2 = 16 h costing
    480 + 228 = 708.
    """
    wide = pd.DataFrame(
        {
            "platform": ["a", "a", "b", "b"],
            "week": pd.to_datetime([W1, W2, W1, W2]),
            "inbound_messages": [120.0, 60.0, None, None],
            "brand_posts": [2.0, None, 3.0, 1.0],
        }
    )
    statuses = {"a": _status("a", Stage.SETUP), "b": _status("b", Stage.RETENTION)}
    demand = platform_week_demand(wide, statuses, (W1, W2), ("a", "b"), DemandSettings(), stopped)
    members = (
        Member("Ana", 10, (Assignment(Role.SUPPORT, 10),)),
        Member("Bo", 5, (Assignment(Role.IT, 5),)),
        Member("Cy", 4, (Assignment(Role.COMMUNITY_MANAGER, 8),)),
        Member("Dee", 6, (Assignment(Role.CONTENT_CREATOR, 6),), start=W2),
    )
    rates = Rates(people={"cy": 40.0})
    return split_by_demand(demand, Team(members, rates, DEFAULT_SERVES, (1 / 3, 2 / 3)))


@pytest.mark.parametrize(
    ("key", "hours", "cost"),
    [
        (("a", W1), 14 * 12 / 17, 480 * 12 / 17),
        (("b", W1), 14 * 5 / 17, 480 * 5 / 17),
        (("a", W2), 16 * 5 / 8, 708 * 5 / 8),
        (("b", W2), 16 * 3 / 8, 708 * 3 / 8),
    ],
)
def test_each_platform_gets_the_weeks_serving_hours_and_cost_in_proportion_to_its_demand(
    key: tuple[str, dt.date], hours: float, cost: float
) -> None:
    split = _hand_case()
    assert split.demand[key] == pytest.approx(
        {("a", W1): 12, ("b", W1): 5, ("a", W2): 5, ("b", W2): 3}[key]
    )
    assert split.hours[key] == pytest.approx(hours)
    assert split.costs[key] == pytest.approx(cost)


@pytest.mark.parametrize(
    ("platform", "since", "expected"),
    [
        ("a", W1, (14 * 12 / 17 + 16 * 5 / 8, 480 * 12 / 17 + 708 * 5 / 8)),
        ("a", W2, (16 * 5 / 8, 708 * 5 / 8)),
        ("b", W1, (14 * 5 / 17 + 16 * 3 / 8, 480 * 5 / 17 + 708 * 3 / 8)),
        ("b", None, (0.0, 0.0)),
        ("c", W1, (0.0, 0.0)),
    ],
)
def test_the_hours_and_cost_since_a_stall_sum_the_platforms_weeks_from_its_start(
    platform: str, since: dt.date | None, expected: tuple[float, float]
) -> None:
    assert _hand_case().since(platform, since) == pytest.approx(expected)


def test_a_stopped_platform_has_no_share_from_the_week_of_its_stop() -> None:
    # a stopped on W2: b alone has demand in week 2 and takes all of its 16 h and 708
    split = _hand_case({"a": W2})
    assert ("a", W2) not in split.demand
    assert split.costs[("b", W2)] == pytest.approx(708.0)
    assert split.since("a", W1) == pytest.approx((14 * 12 / 17, 480 * 12 / 17))


# --- where a review stands ---------------------------------------------------------------


def _decision(
    kind: Decision, on: dt.date = TODAY, until: dt.date | None = None
) -> PlatformDecision:
    return PlatformDecision("forum", kind, "a reason", on, "cfo@example.com", until)


LATER = TODAY + dt.timedelta(days=30)


@pytest.mark.parametrize(
    ("weeks", "stalled", "last", "day", "expected"),
    [
        (49, True, None, TODAY, ReviewStatus.OPEN),
        (13, True, None, TODAY, ReviewStatus.OPEN),
        (12, True, None, TODAY, None),  # stalled for 12 weeks: not more than the setting
        (49, False, None, TODAY, None),
        (49, True, _decision(Decision.STOP), TODAY, ReviewStatus.STOPPED),
        (49, False, _decision(Decision.STOP), TODAY, ReviewStatus.STOPPED),
        (49, True, _decision(Decision.CONTINUE, until=LATER), TODAY, ReviewStatus.CONTINUE),
        (49, True, _decision(Decision.CONTINUE, until=LATER), LATER, ReviewStatus.CONTINUE),
        (49, True, _decision(Decision.CONTINUE, until=LATER), LATER + dt.timedelta(1), "open"),
        (49, False, _decision(Decision.CONTINUE, until=LATER), LATER + dt.timedelta(1), None),
        (49, True, _decision(Decision.RESTART), TODAY, ReviewStatus.OPEN),
    ],
)
def test_a_review_is_open_continued_or_stopped_by_the_latest_decision(
    weeks: int, stalled: bool, last: PlatformDecision | None, day: dt.date, expected: str | None
) -> None:
    status = dataclasses.replace(_status("forum", Stage.RETENTION), stalled=stalled)
    status = dataclasses.replace(status, weeks_in_stage=weeks)
    assert review_status(status, last, 12, day) == expected


# --- decisions and their refusals ----------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "args", "error", "said"),
    [
        (EXECUTIVE, ("forum", "continue", "Give it a quarter"), ValidationError,
         "until: continue needs a day to look again (YYYY-MM-DD)"),
        (EXECUTIVE, ("forum", "continue", "Give it a quarter", TODAY), ValidationError,
         "until: expected a day after today (2026-11-23) and at most a year on (2027-11-24), "
         "got 2026-11-23"),
        (EXECUTIVE, ("forum", "continue", "Give it a quarter", "2028-01-01"), ValidationError,
         "until: expected a day after today (2026-11-23) and at most a year on (2027-11-24), "
         "got 2028-01-01"),
        (EXECUTIVE, ("forum", "stop", "No members", "2027-01-15"), ValidationError,
         "until: a stop has no day to look again; give it only with continue"),
        (EXECUTIVE, ("forum", "continue", "ok", "2027-01-15"), ValidationError,
         "reason: a stop or continue decision needs a reason of at least 5 characters"),
        (EXECUTIVE, ("forum", "pause", "No members"), ValidationError,
         "decision: expected continue or stop, got 'pause'"),
        (EXECUTIVE, ("mastodon", "stop", "No members"), NotFound,
         "platform 'mastodon' does not exist; known: forum, instagram, linkedin, tiktok"),
        (EXECUTIVE, ("linkedin", "stop", "No members"), ValidationError,
         "linkedin is not under review: a review comes once a platform has stalled for more "
         "than 12 weeks"),
        (VIEWER, ("forum", "stop", "No members"), PermissionDenied,
         "ceo@example.com is a viewer; only an executive or an admin decides a platform's "
         "review (platform.review)"),
        (EDITOR, ("forum", "stop", "No members"), PermissionDenied,
         "maya@example.com is an editor; only an executive or an admin decides"),
    ],
)  # fmt: skip
def test_a_review_decision_is_refused_in_words_and_stores_nothing(
    demo_read: Workspace,
    actor: Actor,
    args: tuple[object, ...],
    error: type[RolloutError],
    said: str,
) -> None:
    version = demo_read.data_version()
    platform, decision, reason, *until = args
    with pytest.raises(error) as refused:
        demo_read.review_platform(
            actor, platform, decision, reason, until=until[0] if until else None, today=TODAY
        )
    assert str(refused.value).startswith(said)
    assert demo_read.data_version() == version
    assert demo_read.snapshot().platform_decisions == ()


@pytest.mark.parametrize(
    ("actor", "platform", "error", "said"),
    [
        (EXECUTIVE, "forum", ValidationError,
         "forum is not stopped: only a stopped platform is restarted"),
        (EXECUTIVE, "instagram", ValidationError,
         "instagram is not stopped: only a stopped platform is restarted"),
        (EXECUTIVE, "nowhere", NotFound, "platform 'nowhere' does not exist"),
        (EDITOR, "forum", PermissionDenied,
         "maya@example.com is an editor; only an executive or an admin decides a platform's "
         "review (platform.restart)"),
    ],
)  # fmt: skip
def test_only_a_stopped_platform_is_restarted_and_a_refusal_stores_nothing(
    demo_read: Workspace, actor: Actor, platform: str, error: type[RolloutError], said: str
) -> None:
    version = demo_read.data_version()
    with pytest.raises(error) as refused:
        demo_read.restart_platform(actor, platform, today=TODAY)
    assert str(refused.value).startswith(said)
    assert demo_read.data_version() == version


def test_continue_holds_the_review_until_its_day_then_it_comes_back(demo_ws: Workspace) -> None:
    until = dt.date(2027, 1, 15)
    made = demo_ws.review_platform(
        EXECUTIVE, "forum", "continue", "A new moderator starts", until="2027-01-15", today=TODAY
    )
    assert (made.decision, made.until, made.decided_on) == (Decision.CONTINUE, until, TODAY)
    snap = demo_ws.snapshot()
    (held,) = analyse(snap, TODAY).reviews
    assert (held.status, held.until, held.decided_by, held.reason) == (
        ReviewStatus.CONTINUE, until, "cfo@example.com", "A new moderator starts",
    )  # fmt: skip
    assert analyse(snap, TODAY).statuses["forum"].stalled  # continued: still a stall
    later = analyse(snap, until + dt.timedelta(days=1)).reviews
    assert [(r.status, r.decision) for r in later] == [(ReviewStatus.OPEN, None)]
    (audit, *_) = demo_ws.audit_log()
    assert (audit.actor, audit.action, audit.detail) == (
        "cfo@example.com",
        "platform.review",
        "forum continue until 2027-01-15: A new moderator starts",
    )


# --- what a stop takes away, and a restart gives back ------------------------------------


def _report(capsys: pytest.CaptureFixture[str], ws: str) -> dict[str, object]:
    code, out, _ = cli(capsys, "report", ws, "--format", "json")
    assert code == 0
    loaded: dict[str, object] = json.loads(out)
    return loaded


def _forum_demand(wide: pd.DataFrame, weeks: list[str]) -> list[float]:
    """The forum's weekly demand, computed here: messages at 5 minutes, posts at an hour,
    2 hours of monitoring (in retention through the window)."""
    forum = wide[(wide["platform"] == "forum") & wide["complete"]].set_index("week")
    return [
        float(forum.loc[pd.Timestamp(w), "inbound_messages"]) * 5 / 60
        + float(forum.loc[pd.Timestamp(w), "brand_posts"])
        + 2.0
        for w in weeks
    ]


def test_a_stopped_platform_leaves_demand_window_and_stalls_and_a_restart_brings_it_back(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    ws = demo_ws.location.key
    demo_ws.set_user_role(LOCAL_USER, CEO, "executive")
    before = _report(capsys, ws)
    analysed = analyse(demo_ws.snapshot(), TODAY)
    assert before["reviews"] == [
        {
            "platform": "forum", "status": "open", "stage": "retention", "weeks_stalled": 49,
            "stalled_since": "2025-12-08",
            "stall_reason": analysed.statuses["forum"].stall_reason,
            "hours_since_stalled": analysed.reviews[0].hours_since_stalled,
            "cost_since_stalled": analysed.reviews[0].cost_since_stalled,
            "currency": "EUR", "value": "value not measured", "decided_by": None,
            "decided_on": None, "reason": None, "until": None,
        }
    ]  # fmt: skip
    stop = ("--actor", CEO, "platform", "review", ws, "forum", "stop", "--reason", "No members")
    assert cli(capsys, *stop) == (
        0,
        "forum stopped by ceo@example.com: No members (on 2026-11-23); it leaves the demand, "
        "the stall list and the resource signal",
        "",
    )
    after = _report(capsys, ws)
    forum = after["platforms"]["forum"]  # type: ignore[index]
    assert (forum["stopped"], forum["stalled"], forum["stage"]) == (True, False, "retention")
    assert [p["stopped"] for n, p in sorted(after["platforms"].items()) if n != "forum"] == [  # type: ignore[attr-defined]
        False, False, False,
    ]  # fmt: skip
    assert after["resource_signal"]["window"] == {  # type: ignore[index]
        "from": "2026-10-19", "to": "2026-11-09", "platforms": ["instagram", "linkedin", "tiktok"],
    }  # fmt: skip
    (review,) = after["reviews"]  # type: ignore[misc]
    assert {k: review[k] for k in ("status", "decided_by", "decided_on", "reason", "until")} == {
        "status": "stopped", "decided_by": CEO, "decided_on": "2026-11-23",
        "reason": "No members", "until": None,
    }  # fmt: skip
    stopped = analyse(demo_ws.snapshot(), TODAY)
    weeks = [d.week.isoformat() for d in analysed.demand if d.week >= dt.date(2026, 10, 19)]
    drop = [
        b.total_hours - a.total_hours
        for b, a in zip(analysed.demand, stopped.demand, strict=True)
        if b.week >= dt.date(2026, 10, 19)
    ]
    assert drop == pytest.approx(_forum_demand(analysed.wide, weeks))
    assert cli(capsys, "--actor", CEO, "platform", "restart", ws, "forum")[0] == 0
    assert _report(capsys, ws) == before
    assert [e.action for e in demo_ws.audit_log()[:2]] == ["platform.restart", "platform.review"]


# --- the setting ------------------------------------------------------------------------


@pytest.mark.parametrize(("weeks", "reviewed"), [(None, ["forum"]), (48, ["forum"]), (49, [])])
def test_a_platform_is_reviewed_once_stalled_for_more_weeks_than_the_setting(
    demo_read: Workspace, weeks: int | None, reviewed: list[str]
) -> None:
    snap = demo_read.snapshot()
    assert snap.demand.stall_review_weeks == 12
    if weeks is not None:
        snap = dataclasses.replace(
            snap, demand=dataclasses.replace(snap.demand, stall_review_weeks=weeks)
        )
    assert [r.platform for r in analyse(snap, TODAY).reviews] == reviewed


def test_settings_set_stores_the_review_weeks(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = demo_ws.location.key
    assert "stall_review_weeks: 12" in cli(capsys, "settings", "list", ws)[1].splitlines()
    assert cli(capsys, "settings", "set", ws, "stall_review_weeks", "52") == (
        0, "stall_review_weeks: 52", "",
    )  # fmt: skip
    assert demo_ws.snapshot().demand.stall_review_weeks == 52
    assert analyse(demo_ws.snapshot(), TODAY).reviews == ()


# --- the stand-up -----------------------------------------------------------------------


def _reviews_section(ws: Workspace, day: dt.date, executives: list[str]) -> list[tuple[str, str]]:
    snap = ws.snapshot()  # every upload: the demo's were made on the day it was seeded
    found = agenda(day, lambda _: snap, executives)
    return [
        (i.text, i.owner) for s in found.sections if s.key is SectionKey.REVIEWS for i in s.items
    ]


@pytest.mark.parametrize(
    ("executives", "owner"), [([CEO, "zed@example.com"], CEO), ([], "Executive")]
)
def test_the_stand_up_lists_a_review_waiting_for_the_first_executive(
    demo_read: Workspace, executives: list[str], owner: str
) -> None:
    (review,) = analyse(demo_read.snapshot(), TODAY).reviews
    assert _reviews_section(demo_read, TODAY, executives) == [
        (
            f"Review waiting: forum stalled for 49 weeks in retention; EUR "
            f"{review.cost_since_stalled:,.0f} since it stalled; an executive decides: "
            "continue or stop",
            owner,
        )
    ]


def test_yesterdays_decision_is_on_the_stand_up_for_the_social_expert(demo_ws: Workspace) -> None:
    demo_ws.review_platform(
        EXECUTIVE, "forum", "continue", "A new moderator starts", until="2027-01-15", today=TODAY
    )
    demo_ws.review_platform(EXECUTIVE, "forum", "stop", "Nobody came after all", today=TODAY)
    expert = "Maya Okafor"
    assert _reviews_section(demo_ws, TODAY + dt.timedelta(days=1), [CEO]) == [
        ("forum continued by cfo@example.com until 15 Jan 2027: A new moderator starts", expert),
        ("forum stopped by cfo@example.com: Nobody came after all", expert),
    ]


# --- the dashboard card -------------------------------------------------------------------


def test_an_executive_stops_the_forum_on_its_card_and_restarts_it(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "actor", lambda: EXECUTIVE)
    at: AppTest = open_page("app.py", timeout=60)
    card = [m.value for m in at.markdown if m.value.startswith("**Stop or continue: forum**")]
    assert card == ["**Stop or continue: forum** · in retention for 49 weeks, since 08 Dec 2025"]
    assert "**Value:** value not measured" in "\n".join(m.value for m in at.markdown)
    at.text_input(key="platform_review_forum_reason").input("No members after a year")
    click(at, "Stop")
    assert [s.value for s in at.success if "forum" in s.value] == ["forum stopped."]
    text = "\n".join(m.value for m in at.markdown)
    assert (
        "⏹️ **forum: stopped on 23 Nov 2026: No members after a year** · by cfo@example.com" in text
    )
    assert not [w for w in at.warning if "has stalled" in w.value]
    assert "forum" not in analyse(app_ws.snapshot(), TODAY).signal.window.platforms
    click(at, "Restart")
    assert [s.value for s in at.success if "forum" in s.value] == [
        "forum restarted: it counts again."
    ]
    assert [w for w in at.warning if "forum has stalled" in w.value]
    assert app_ws.snapshot().platform_decisions[-1].decision is Decision.RESTART


def test_an_executive_continues_the_forum_on_its_card_until_a_day_in_words(
    app_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "actor", lambda: EXECUTIVE)
    at: AppTest = open_page("app.py", timeout=60)
    at.text_input(key="platform_review_forum_reason").input("A new moderator starts")
    at.text_input(key="platform_review_forum_until").input("2027-01-15")
    click(at, "Continue")
    assert [s.value for s in at.success if "forum" in s.value] == [
        "forum continued until 15 Jan 2027."
    ]
    assert app_ws.snapshot().platform_decisions[-1].decision is Decision.CONTINUE
