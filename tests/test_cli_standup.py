"""The stand-up from the command line: `standup add` puts the team's item in a day's slot,
the agenda of that day (text, Markdown, JSON) carries it, `standup remove` takes it off by
the number the text shows, and a wrong field, an unknown number or a viewer is refused with
a one-line reason, storing nothing."""

from __future__ import annotations

import json

import pytest

from strategy.usecases import Workspace
from tests.conftest import TODAY, cli, workspace_state

DAY = TODAY.isoformat()


@pytest.fixture
def ws(empty_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ROLLOUT_TODAY", DAY)
    return empty_ws.location.key


def add(capsys: pytest.CaptureFixture[str], ws: str, *fields: str) -> tuple[int, str, str]:
    return cli(capsys, "standup", "add", ws, "--on", DAY, *fields)


def test_an_added_item_is_on_that_days_agenda_in_every_format(
    ws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = add(
        capsys, ws, "--slot", "risks", "--text", "Competitor launch Friday", "--owner", "Maya"
    )
    assert (code, err) == (0, "")
    assert (
        out == f"added item #1 to Risks and opportunities of {DAY}: Competitor launch Friday (Maya)"
    )
    agenda = json.loads(cli(capsys, "standup", ws, "--on", DAY, "--format", "json")[1])
    assert agenda[0] == {
        "key": "risks",
        "title": "Risks and opportunities",
        "items": [{"id": 1, "text": "Competitor launch Friday", "owner": "Maya"}],
    }
    computed = [item for section in agenda[1:] for item in section["items"]]
    assert all(item["id"] is None for item in computed)
    markdown = cli(capsys, "standup", ws, "--on", DAY, "--format", "markdown")[1]
    assert "## Risks and opportunities\n\n- Competitor launch Friday — **Maya**" in markdown
    assert "  - #1 Competitor launch Friday [Maya]" in cli(capsys, "standup", ws, "--on", DAY)[1]
    next_day = cli(capsys, "standup", ws, "--on", "2026-11-24", "--format", "json")[1]
    assert "Competitor launch Friday" not in next_day


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            ("--slot", "weather", "--text", "Rain", "--owner", "Ana"),
            "error: slot: expected one of overnight, trending, scheduled, risks, got 'weather'",
        ),
        (
            ("--slot", "overnight", "--text", " ", "--owner", "Ana"),
            "error: text: expected some text, got nothing",
        ),
        (
            ("--slot", "trending", "--text", "x" * 1001, "--owner", "Ana"),
            "error: text: expected at most 1,000 characters, got 1,001",
        ),
    ],
    ids=["unknown slot", "empty text", "text over the limit"],
)
def test_a_wrong_field_exits_1_with_a_one_line_reason_and_stores_nothing(
    ws: str, capsys: pytest.CaptureFixture[str], fields: tuple[str, ...], reason: str
) -> None:
    before = workspace_state(ws)
    assert add(capsys, ws, *fields) == (1, "", reason)
    assert workspace_state(ws) == before


def test_slot_options_without_add_are_refused(ws: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "standup", ws, "--slot", "risks") == (
        1,
        "",
        "error: --slot: only with `standup add WS`",
    )


VIEWER = "ceo@example.com"


def test_an_item_removed_by_its_number_leaves_the_agenda_and_the_output_says_what_it_was(
    ws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add(capsys, ws, "--slot", "risks", "--text", "Competitor launch Friday", "--owner", "Maya")
    add(capsys, ws, "--slot", "overnight", "--text", "Forum outage at 02:00", "--owner", "Jonas")
    text = cli(capsys, "standup", ws, "--on", DAY)[1]
    assert "  - #2 Forum outage at 02:00 [Jonas]" in text
    assert "  - #1 Competitor launch Friday [Maya]" in text
    markdown = cli(capsys, "standup", ws, "--on", DAY, "--format", "markdown")[1]
    assert "- Competitor launch Friday — **Maya**" in markdown and "#1" not in markdown

    assert cli(capsys, "standup", "remove", ws, "1") == (
        0,
        f"removed item #1 from Risks and opportunities of {DAY}: Competitor launch Friday (Maya)",
        "",
    )
    text = cli(capsys, "standup", ws, "--on", DAY)[1]
    assert "Competitor launch Friday" not in text and "Risks and opportunities" not in text
    assert "  - #2 Forum outage at 02:00 [Jonas]" in text


@pytest.mark.parametrize(
    ("actor", "item", "reason"),
    [
        ((), "99", "error: stand-up item #99 does not exist"),
        (
            ("--actor", VIEWER),
            "1",
            f"error: stand-up item #1: {VIEWER} is a viewer and may not change the workspace "
            "(standup.remove)",
        ),
    ],
    ids=["unknown number", "a viewer"],
)
def test_a_refused_removal_exits_1_naming_the_item_and_changes_nothing(
    ws: str, capsys: pytest.CaptureFixture[str], actor: tuple[str, ...], item: str, reason: str
) -> None:
    add(capsys, ws, "--slot", "risks", "--text", "Competitor launch Friday", "--owner", "Maya")
    assert cli(capsys, "users", "set", ws, VIEWER, "viewer")[0] == 0
    before = workspace_state(ws)

    assert cli(capsys, *actor, "standup", "remove", ws, item) == (1, "", reason)
    assert workspace_state(ws) == before


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (("remove", "{ws}"), "error: standup remove: expected the item's number: "
         "`standup remove WS ID`"),
        (("remove", "{ws}", "1", "--slot", "risks"),
         "error: --slot: not with `standup remove WS ID` (the number names the item)"),
        (("remove", "{ws}", "1", "--on", DAY),
         "error: --on: not with `standup remove WS ID` (the number names the item)"),
        (("add", "{ws}", "1", "--slot", "risks"),
         "error: 1: an item's number only with `standup remove WS ID`"),
    ],
    ids=["no number", "an add option", "a day", "a number with add"],
)  # fmt: skip
def test_a_removal_asked_wrongly_says_how_to_ask_and_changes_nothing(
    ws: str, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], reason: str
) -> None:
    add(capsys, ws, "--slot", "risks", "--text", "Competitor launch Friday", "--owner", "Maya")
    before = workspace_state(ws)

    words = [w.format(ws=ws) for w in argv]
    assert cli(capsys, "standup", *words) == (1, "", reason)
    assert workspace_state(ws) == before
