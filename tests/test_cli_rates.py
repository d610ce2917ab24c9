"""The rates commands: a role's rate, a person's own rate, and the costs the report gives."""

from __future__ import annotations

import json

import pytest

from strategy.usecases import Workspace
from tests.conftest import cli


def test_rates_are_set_and_listed_and_the_report_costs_the_team_with_them(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = demo_ws.location.key
    before = json.loads(cli(capsys, "report", ws, "--format", "json")[1])["team"]
    assert cli(capsys, "rates", "set", ws, "support", "10") == (0, "support: 10", "")
    code, out, _ = cli(
        capsys, "team", "add", ws, "--name", "Ana", "--role", "it", "--hours", "2", "--rate", "70"
    )
    assert code == 0 and out == "Ana: it"
    listed = cli(capsys, "rates", "list", ws)[1]
    assert "Hourly rates (EUR), by role:" in listed and "  support: 10" in listed
    assert "People with their own rate:\n  Ana: 70" in listed
    after = json.loads(cli(capsys, "report", ws, "--format", "json")[1])["team"]
    assert after["cost_per_week"] != before["cost_per_week"]
    assert (after["currency"], after["no_rate_for"]) == ("EUR", [])


def test_a_role_set_to_no_rate_names_its_people_in_the_report(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = demo_ws.location.key
    assert cli(capsys, "rates", "set", ws, "it", "none") == (0, "it: no rate", "")
    text = cli(capsys, "report", ws)[1]
    it_people = [
        m.name
        for m in demo_ws.snapshot().members
        if any(a.role.value == "it" for a in m.assignments)
    ]
    assert f"no rate for: {', '.join(it_people)}" in text


def test_a_junior_rate_is_set_listed_and_prices_a_junior_position_in_the_report(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = demo_ws.location.key
    listed = cli(capsys, "rates", "list", ws)[1]
    assert "  content_creator: 38 (junior: 22.8)" in listed  # 60% of the role's rate
    assert cli(capsys, "rates", "set", ws, "community_manager", "20", "--junior") == (
        0,
        "community_manager (junior): 20",
        "",
    )
    assert "  community_manager: 38 (junior: 20)" in cli(capsys, "rates", "list", ws)[1]
    # Someone now holds every recommended role but content: a community manager's extra
    # hours are a junior's, priced at the junior rate.
    for role in ("social_media_manager", "community_manager"):
        cli(capsys, "team", "add", ws, "--name", "Kim", "--role", role, "--hours", "1")
    report = json.loads(cli(capsys, "report", ws, "--format", "json")[1])["resource_signal"]
    juniors = [p for p in report["positions"] if p["seniority"] == "junior"]
    assert juniors and all("community_manager" in p["roles"] for p in juniors)
    assert cli(capsys, "rates", "set", ws, "community_manager", "none", "--junior") == (
        0,
        "community_manager (junior): 22.8",
        "",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rates", "set", "{ws}", "support", "-1"], "rate of support: expected an hourly rate"),
        (["rates", "set", "{ws}", "astronaut", "20"], "role: expected one of"),
        (
            ["rates", "set", "{ws}", "it", "abc", "--junior"],
            "junior rate of it: expected an hourly rate from 0 to 10,000, got 'abc'",
        ),
        (
            ["team", "add", "{ws}", "--name", "Bo", "--role", "it", "--hours", "2", "--rate", "x"],
            "rate: expected an hourly rate from 0 to 10,000, got 'x'",
        ),
    ],
)
def test_a_bad_rate_is_one_line_and_changes_nothing(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    version = demo_ws.data_version()
    code, _, err = cli(capsys, *(a.format(ws=demo_ws.location.key) for a in args))
    assert code == 1 and message in err and len(err.splitlines()) == 1
    assert demo_ws.data_version() == version
