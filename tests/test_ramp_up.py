"""People count from their start day until they leave, and a new person ramps up: 1/3 of
their serving hours in the first 30 days, 2/3 until day 60, then in full (issue 19, part 3)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from strategy.domain import clock
from strategy.domain.access import AccessRole, Actor
from strategy.domain.analysis import analyse
from strategy.domain.errors import ValidationError
from strategy.domain.presence import (
    DEFAULT_RAMP_UP,
    present_on,
    ramp_share,
    ramp_up,
    ramped_serving_hours,
)
from strategy.domain.team import Assignment, Member, Role
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, cli, workspace_state

CFO = Actor("cfo@example.com", AccessRole.EXECUTIVE)
START = dt.date(2026, 9, 1)


def newcomer(start: dt.date | None = START, end: dt.date | None = None) -> Member:
    """A 30-hour community manager (all their hours serve demand)."""
    return Member("Ida", 30.0, (Assignment(Role.COMMUNITY_MANAGER, 30.0),), start, end)


# --- the ramp-up on the calendar -----------------------------------------------------------


@pytest.mark.parametrize(
    ("days_after_start", "share"),
    [
        (-1, 0.0),
        (0, 1 / 3),
        (29, 1 / 3),
        (30, 2 / 3),
        (59, 2 / 3),
        (60, 1.0),
        (89, 1.0),
        (90, 1.0),
    ],
    ids=["day before", "day 0", "day 29", "day 30", "day 59", "day 60", "day 89", "day 90"],
)
def test_a_new_persons_share_of_hours_steps_up_on_days_30_and_60(
    days_after_start: int, share: float
) -> None:
    day = START + dt.timedelta(days=days_after_start)
    assert ramp_share(newcomer(), day) == pytest.approx(share)
    assert ramped_serving_hours([newcomer()], day) == pytest.approx(30 * share)


@pytest.mark.parametrize(
    ("days_after_start", "share"),
    [(29, 0.5), (30, 0.75), (59, 0.75), (60, 1.0)],
    ids=["day 29", "day 30", "day 59", "day 60"],
)
def test_the_workspaces_own_shares_are_used_on_the_same_days(
    days_after_start: int, share: float
) -> None:
    day = START + dt.timedelta(days=days_after_start)
    assert ramp_share(newcomer(), day, (0.5, 0.75)) == share


def test_a_person_there_from_before_any_data_never_ramps_up() -> None:
    assert ramp_share(newcomer(start=None), dt.date(2020, 1, 1)) == 1.0


@pytest.mark.parametrize(
    ("end", "day", "counted"),
    [
        (dt.date(2026, 10, 1), dt.date(2026, 9, 30), True),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 1), False),
        (None, dt.date(2030, 1, 1), True),
        (None, START - dt.timedelta(days=1), False),
    ],
    ids=["the day before leaving", "the leaving day", "never left", "before starting"],
)
def test_a_person_counts_from_their_start_until_the_day_they_leave(
    end: dt.date | None, day: dt.date, counted: bool
) -> None:
    assert present_on(newcomer(end=end), day) is counted
    assert (ramped_serving_hours([newcomer(end=end)], day) > 0) is counted


@pytest.mark.parametrize(
    "raw",
    ["0.7,0.5", "0,0.5", "0.5,1.5", "0.5", "a,b", "nan,1", None, 0.5],
    ids=["falling", "zero", "over one", "one share", "words", "nan", "nothing", "a number"],
)
def test_ramp_up_shares_that_do_not_rise_from_above_0_to_1_are_refused(raw: object) -> None:
    with pytest.raises(ValidationError, match=r"^ramp_up: expected two shares between 0 and 1"):
        ramp_up(raw)


# --- the workspace: capacity on the analysis day --------------------------------------------


def team_on(ws: Workspace, day: dt.date) -> tuple[float, float]:
    """The team's social hours and serving hours as the analysis of ``day`` counts them."""
    team = analyse(ws.snapshot(), day).team
    return round(team.capacity_hours, 2), round(team.serving_hours, 2)


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (START - dt.timedelta(days=1), (0.0, 0.0)),
        (START, (30.0, 10.0)),
        (START + dt.timedelta(days=30), (30.0, 20.0)),
        (START + dt.timedelta(days=60), (30.0, 30.0)),
    ],
    ids=["before the start", "first day", "day 30", "day 60"],
)
def test_a_person_added_with_a_start_counts_from_it_and_ramps_up_their_serving_hours(
    empty_ws: Workspace, day: dt.date, hours: tuple[float, float]
) -> None:
    empty_ws.add_assignment(
        EDITOR, name="Ida", role="community_manager", hours=30, start=START.isoformat()
    )
    assert team_on(empty_ws, day) == hours


def test_the_ramp_up_setting_changes_a_new_persons_serving_hours(empty_ws: Workspace) -> None:
    empty_ws.add_assignment(EDITOR, name="Ida", role="community_manager", hours=30, start=START)
    saved = empty_ws.set_ramp_up(EDITOR, "0.5,0.75", expected=DEFAULT_RAMP_UP)
    assert saved.value == (0.5, 0.75) == empty_ws.snapshot().ramp_up
    assert team_on(empty_ws, START) == (30.0, 15.0)


def test_bad_ramp_up_shares_are_refused_and_nothing_changes(empty_ws: Workspace) -> None:
    before = workspace_state(empty_ws)
    with pytest.raises(ValidationError, match=r"^ramp_up: expected"):
        empty_ws.set_ramp_up(EDITOR, "0.9,0.2")
    assert workspace_state(empty_ws) == before


def test_a_person_who_left_no_longer_counts_but_stays_on_record(demo_ws: Workspace) -> None:
    before = team_on(demo_ws, TODAY)
    gone = demo_ws.remove_member(EDITOR, "jonas weber", on=TODAY)
    assert (gone.name, gone.end) == ("Jonas Weber", TODAY)
    assert team_on(demo_ws, TODAY) == (before[0] - 8, before[1] - 8)
    assert team_on(demo_ws, TODAY - dt.timedelta(days=1)) == before
    snap = demo_ws.snapshot()
    assert "Jonas Weber" not in [m.name for m in snap.members]
    assert [(m.name, m.end) for m in snap.former] == [("Jonas Weber", TODAY)]


def test_a_person_removed_before_their_start_is_taken_off_the_roster(empty_ws: Workspace) -> None:
    empty_ws.add_assignment(EDITOR, name="Ida", role="community_manager", hours=30, start=START)
    empty_ws.remove_member(EDITOR, "Ida", on=START)
    assert (empty_ws.snapshot().members, empty_ws.snapshot().former) == ((), ())


def test_a_person_who_left_and_comes_back_counts_again_from_the_day_given(
    empty_ws: Workspace,
) -> None:
    empty_ws.add_assignment(EDITOR, name="Ida", role="community_manager", hours=30)
    empty_ws.remove_member(EDITOR, "Ida", on=START)
    back = START + dt.timedelta(days=10)
    empty_ws.add_assignment(EDITOR, name="Ida", role="community_manager", hours=30, start=back)
    (ida,) = empty_ws.snapshot().members
    assert (ida.start, ida.end) == (back, None)
    assert team_on(empty_ws, back) == (30.0, 10.0)


def test_the_roster_table_saved_without_a_person_records_that_they_left(
    demo_ws: Workspace,
) -> None:
    drawn = demo_ws.snapshot().members
    kept = tuple(m for m in drawn if m.name != "Chen Li")
    demo_ws.replace_team(EDITOR, kept, expected=drawn)
    snap = demo_ws.snapshot()
    assert [(m.name, m.end) for m in snap.former] == [("Chen Li", clock.today())]
    assert snap.members == kept
    # the next save starts from the people still on the roster: no conflict, nothing lost
    assert not demo_ws.replace_team(EDITOR, snap.members, expected=snap.members).changed
    assert demo_ws.snapshot().former == snap.former


# --- onboarding, the report and the command line --------------------------------------------


def test_onboarding_a_person_sets_their_start_day_and_they_count_from_it(
    demo_ws: Workspace,
) -> None:
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    demo_ws.decide_request(CFO, request.id, "approve", "Budget is there", today=TODAY)
    first = TODAY + dt.timedelta(days=7)
    before = team_on(demo_ws, TODAY)
    demo_ws.start_onboarding(
        EDITOR,
        request_id=request.id,
        name="Sara Lind",
        role="social_media_manager",
        hours=30,
        start=first,
    )
    (sara,) = [m for m in demo_ws.snapshot().members if m.name == "Sara Lind"]
    assert sara.start == first
    assert team_on(demo_ws, TODAY) == before
    assert team_on(demo_ws, first) == (before[0] + 30, before[1] + 10)


def report_team(capsys: pytest.CaptureFixture[str], ws: str, *as_of: str) -> dict[str, float]:
    code, out, _ = cli(capsys, "report", ws, "--format", "json", *as_of)
    assert code == 0
    team = json.loads(out)["team"]
    return {k: team[k] for k in ("capacity_hours_per_week", "serving_hours_per_week")}


def test_a_report_as_of_a_day_uses_the_roster_as_it_stood_that_day(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    ws = demo_ws.location.key
    then = report_team(capsys, ws, "--as-of", "2026-11-16")
    demo_ws.remove_member(EDITOR, "Jonas Weber", on=dt.date(2026, 11, 20))
    add = ["team", "add", ws, "--name", "Ida", "--role", "community_manager", "--hours", "30"]
    assert cli(capsys, *add, "--start", "2026-11-18")[0] == 0
    assert report_team(capsys, ws, "--as-of", "2026-11-16") == then  # Jonas counted, Ida not
    now = report_team(capsys, ws)
    assert now == {
        "capacity_hours_per_week": then["capacity_hours_per_week"] - 8 + 30,
        "serving_hours_per_week": pytest.approx(then["serving_hours_per_week"] - 8 + 10),
    }
