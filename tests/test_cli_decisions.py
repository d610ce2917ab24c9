"""The decision loop from the command line: raise a request, an executive decides, the new
person is onboarded and ticks items off, and the stand-up shows it the next working day."""

from __future__ import annotations

import json

import pytest

from strategy.domain.access import LOCAL_USER
from strategy.usecases import Workspace
from tests.conftest import TODAY, cli, workspace_state

CEO = "ceo@example.com"


@pytest.fixture
def ws(demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo workspace on the tests' today, with the CEO mapped as an executive."""
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    demo_ws.set_user_role(LOCAL_USER, CEO, "executive")
    return demo_ws.location.key


def test_raise_decide_onboard_tick_and_tomorrows_stand_up(
    ws: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, request_id, said = cli(capsys, "request", "raise", ws, "--note", "Two people for Q1")
    assert code == 0 and request_id.isdigit()
    assert said.startswith(f"raised request #{request_id}: 50.0 h/week for Social media manager")
    assert cli(
        capsys,
        "--actor",
        CEO,
        "request",
        "decide",
        ws,
        request_id,
        "approve",
        "--reason",
        "Budget is there",
    ) == (
        0,
        f"request #{request_id} approved: Budget is there",
        "",
    )
    (listed,) = json.loads(cli(capsys, "request", "list", ws, "--format", "json")[1])
    assert {
        k: listed[k] for k in ("id", "status", "stale", "raised_on", "decided_on", "reason")
    } == {
        "id": int(request_id),
        "status": "approved",
        "stale": False,
        "raised_on": "2026-11-23",
        "decided_on": "2026-11-23",
        "reason": "Budget is there",
    }
    assert listed["evidence"]["gap_hours_per_week"] == 50.0
    code, out, _ = cli(
        capsys,
        "onboarding",
        "start",
        ws,
        "--request",
        request_id,
        "--name",
        "Sara Lind",
        "--role",
        "social_media_manager",
        "--hours",
        "40",
        "--start",
        "2026-11-23",
    )
    assert (code, out) == (
        0,
        "Sara Lind joins as social_media_manager on 2026-11-23: 8 plan items, "
        "the first due 2026-12-23",
    )
    items = json.loads(cli(capsys, "onboarding", "list", ws, "--format", "json")[1])
    assert {k: items[0][k] for k in ("person", "title", "due", "done")} == {
        "person": "Sara Lind",
        "title": "Learn the brand voice",
        "due": "2026-12-23",
        "done": None,
    }
    assert sorted({i["due"] for i in items}) == ["2026-12-23", "2027-01-22", "2027-02-21"]
    code, out, _ = cli(capsys, "onboarding", "done", ws, str(items[0]["id"]))
    assert code == 0 and out.endswith("done 2026-11-23")
    monkeypatch.setenv("ROLLOUT_TODAY", "2026-11-24")
    sections = json.loads(cli(capsys, "standup", ws, "--format", "json")[1])
    by_key = {s["key"]: s for s in sections}
    done = {"id": None, "text": "Done: Learn the brand voice (day 30)", "owner": "Sara Lind"}
    assert done in by_key["onboarding"]["items"]
    assert by_key["requests"]["items"][0]["text"].startswith(
        f"Approved by {CEO}: request #{request_id}"
    )
    markdown = cli(capsys, "standup", ws, "--on", "2026-11-24", "--format", "markdown")[1]
    assert markdown.startswith("# Stand-up Tuesday 24 Nov 2026 (since Monday 23 Nov)")
    assert "- Done: Learn the brand voice (day 30) — **Sara Lind**" in markdown
    assert "Done: Learn the brand voice" not in cli(capsys, "standup", ws, "--on", "2026-11-25")[1]


def test_an_executive_decides_but_may_change_nothing_else(
    ws: str, capsys: pytest.CaptureFixture[str], demo_ws: Workspace
) -> None:
    before = workspace_state(demo_ws)
    code, _, err = cli(
        capsys, "--actor", CEO, "team", "add", ws, "--name", "Ana", "--role", "it", "--hours", "2"
    )
    assert (code, err) == (
        1,
        f"error: {CEO} is an executive and may not change the workspace (team.add)",
    )
    code, _, err = cli(capsys, "--actor", CEO, "request", "raise", ws)
    assert code == 1 and "is an executive and may not change the workspace" in err
    assert workspace_state(demo_ws) == before


def test_an_editor_may_raise_but_not_decide(ws: str, capsys: pytest.CaptureFixture[str]) -> None:
    cli(capsys, "users", "set", ws, "maya@example.com", "editor")
    code, request_id, _ = cli(capsys, "--actor", "Maya@example.com", "request", "raise", ws)
    assert code == 0
    code, _, err = cli(
        capsys,
        "--actor",
        "maya@example.com",
        "request",
        "decide",
        ws,
        request_id,
        "approve",
        "--reason",
        "Looks right",
    )
    assert (code, err) == (
        1,
        "error: maya@example.com is an editor; only an executive decides resource requests "
        "(request.decide)",
    )
    assert "[open]" in cli(capsys, "request", "list", ws)[1]


def test_an_actor_mapped_to_nothing_acts_as_an_admin_but_not_on_its_own_request(
    ws: str, capsys: pytest.CaptureFixture[str], demo_ws: Workspace
) -> None:
    code, request_id, _ = cli(capsys, "--actor", "ops-bot", "request", "raise", ws)
    assert code == 0
    decline = ("request", "decide", ws, request_id, "decline", "--reason", "Not this quarter")
    before = workspace_state(demo_ws)
    code, out, err = cli(capsys, "--actor", "ops-bot", *decline)
    assert (code, out) == (1, "")
    assert "the person who raises a request does not decide it" in err
    assert len(err.strip().splitlines()) == 1
    assert workspace_state(demo_ws) == before
    assert cli(capsys, "--actor", "ops-lead", *decline)[0] == 0
    (request,) = demo_ws.snapshot().requests
    assert (request.raised_by, request.decided_by, request.status.value) == (
        "ops-bot",
        "ops-lead",
        "declined",
    )


def test_a_request_is_refused_while_the_signal_is_not_justified(
    empty_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "request", "raise", empty_ws.location.key)
    assert (code, out) == (1, "")
    assert err.startswith(
        "error: request: a resource request can only be raised while extra resources are justified"
    )
    assert cli(capsys, "request", "list", empty_ws.location.key)[1] == "(no resource requests)"


def test_a_roles_plan_is_shown_set_and_reset(ws: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "onboarding", "plan", ws, "it")[1].startswith(
        "day 30: Learn the brand voice"
    )
    assert cli(
        capsys,
        "onboarding",
        "plan",
        ws,
        "it",
        "--item",
        "30:Learn the stack",
        "--item",
        "90: Own uptime",
    ) == (
        0,
        "day 30: Learn the stack\nday 90: Own uptime",
        "",
    )
    assert (
        cli(capsys, "onboarding", "plan", ws, "it")[1]
        == "day 30: Learn the stack\nday 90: Own uptime"
    )
    code, _, err = cli(capsys, "onboarding", "plan", ws, "it", "--item", "Learn")
    assert (code, err) == (
        1,
        "error: --item: expected DAY:TITLE (e.g. '30:Learn the tools'), got 'Learn'",
    )
    assert cli(capsys, "onboarding", "plan", ws, "it", "--default")[1].startswith(
        "day 30: Learn the brand voice"
    )


def _raised_and_approved(capsys: pytest.CaptureFixture[str], ws: str) -> str:
    """Raise a request as the editor and have the CEO approve it; its id as printed."""
    request_id = cli(capsys, "request", "raise", ws)[1]
    assert (
        cli(
            capsys,
            "--actor",
            CEO,
            "request",
            "decide",
            ws,
            request_id,
            "approve",
            "--reason",
            "Okay go",
        )[0]
        == 0
    )
    return request_id


def test_an_admin_amends_an_approved_request_and_an_executive_decides_it_again(
    ws: str, capsys: pytest.CaptureFixture[str], demo_ws: Workspace
) -> None:
    request_id = cli(capsys, "request", "raise", ws)[1]
    approve = ("request", "decide", ws, request_id, "approve", "--reason", "Budget is there")
    assert cli(capsys, "--actor", CEO, *approve)[0] == 0
    amend = ("request", "amend", ws, request_id, "--hours", "60", "--roles")
    assert cli(capsys, *amend, "community_manager,paid_media", "--reason", "Paid media too") == (
        0,
        f"request #{request_id} amended to 60.0 h/week for community_manager, paid_media "
        "(EUR 2,490/week); waiting for an executive's decision",
        "",
    )
    (listed,) = json.loads(cli(capsys, "request", "list", ws, "--format", "json")[1])
    assert (listed["status"], listed["amendment"]["hours_per_week"]) == ("open", 60.0)
    assert cli(capsys, "--actor", CEO, *approve)[0] == 0
    (listed,) = json.loads(cli(capsys, "request", "list", ws, "--format", "json")[1])
    assert listed["approved"]["roles"] == ["community_manager", "paid_media"]
    assert (listed["status"], listed["hired_hours"], listed["filled"]) == ("approved", 0.0, False)


@pytest.mark.parametrize(
    ("argv", "refusal"),
    [
        (("--hours", "-5", "--roles", "paid_media"), "error: hours: expected a number of hours"),
        (("--hours", "60", "--roles", "astronaut"), "error: role:"),
    ],
)
def test_a_bad_amendment_exits_1_with_one_line_and_changes_nothing(
    ws: str,
    capsys: pytest.CaptureFixture[str],
    demo_ws: Workspace,
    argv: tuple[str, ...],
    refusal: str,
) -> None:
    request_id = _raised_and_approved(capsys, ws)
    before = workspace_state(demo_ws)
    code, out, err = cli(
        capsys, "request", "amend", ws, request_id, *argv, "--reason", "Why not then"
    )
    assert (code, out) == (1, "")
    assert err.startswith(refusal) and len(err.splitlines()) == 1
    assert workspace_state(demo_ws) == before


def test_raising_while_an_approved_request_is_not_filled_exits_1_naming_it(
    ws: str, capsys: pytest.CaptureFixture[str], demo_ws: Workspace
) -> None:
    request_id = _raised_and_approved(capsys, ws)
    before = workspace_state(demo_ws)
    assert cli(capsys, "request", "raise", ws) == (
        1,
        "",
        f"error: request #{request_id} is approved and not filled yet (0.0 of 50.0 h/week "
        "hired); fill or amend it first",
    )
    assert workspace_state(demo_ws) == before
