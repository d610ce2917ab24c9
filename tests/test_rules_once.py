"""Each rule is written once, in the domain: the form a page saves, the command line and the
store refuse the same value with the same message, the form adding only the row it was on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from strategy.cli import main
from strategy.domain.company import CompanyProfile
from strategy.domain.errors import ValidationError
from strategy.domain.gates import DEFAULT_GATES, gates_to_dict
from strategy.domain.limits import MAX_WEEKS, week_count, week_hours
from strategy.domain.team import Role, role_channel
from strategy.usecases import Workspace
from strategy.views.gate_table import criteria_rows, gate_dict
from strategy.views.roster import company_from_form, members_from_rows
from tests.conftest import EDITOR, open_page


def refusal(call: Callable[[], object]) -> str:
    """The message of the ValidationError that ``call`` raises."""
    with pytest.raises(ValidationError) as refused:
        call()
    return str(refused.value)


def cli_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one-line reason the command line prints for a refused command."""
    capsys.readouterr()
    assert main(list(args)) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.endswith("\n")
    return err.removeprefix("error: ").removesuffix("\n")


@pytest.fixture
def ws(tmp_path: Path) -> str:
    root = str(tmp_path / "ws")
    assert main(["init", root]) == 0
    return root


def row(**cells: Any) -> dict[str, Any]:
    """A roster row of the Team page: an IT person with good hours unless told otherwise."""
    return {"name": "Ana", "role": "it", "channel": "", "hours": 2, "available": 10, **cells}


@pytest.mark.parametrize("hours", ["abc", "0", "-1", "200", "nan", "inf"])
def test_a_roles_hours_are_refused_alike_by_the_roster_and_the_command_line(
    ws: str, capsys: pytest.CaptureFixture[str], hours: str
) -> None:
    rule = refusal(lambda: week_hours(hours, "hours", allow_zero=False))
    assert refusal(lambda: members_from_rows([row(hours=hours)])) == f"row 1: {rule}"
    cli = cli_error(capsys, "team", "add", ws, "--name", "Ana", "--role", "it", "--hours", hours)
    assert cli == f"assignment 1 (it): {rule}"


@pytest.mark.parametrize("available", ["abc", "-1", "168.5", "nan"])
def test_a_persons_available_hours_are_refused_alike_by_the_roster_and_the_command_line(
    ws: str, capsys: pytest.CaptureFixture[str], available: str
) -> None:
    rule = refusal(lambda: week_hours(available, "available", allow_zero=True))
    assert refusal(lambda: members_from_rows([row(available=available)])) == f"row 1: {rule}"
    cli = cli_error(
        capsys, "team", "add", ws, "--name", "Ana", "--role", "it", "--hours", "2",
        "--available", available,
    )  # fmt: skip
    assert cli == f"available hours{rule.removeprefix('available')}"


@pytest.mark.parametrize(
    ("role", "channel"),
    [(Role.CHANNEL_REP, ""), (Role.CHANNEL_REP, "Social media"), (Role.SUPPORT, "retail")],
)
def test_which_roles_take_a_channel_is_said_alike_by_the_roster_and_the_command_line(
    ws: str, capsys: pytest.CaptureFixture[str], role: Role, channel: str
) -> None:
    rule = refusal(lambda: role_channel(role, channel))
    form = refusal(lambda: members_from_rows([row(role=role.value, channel=channel)]))
    assert form == f"row 1: {rule}"
    cli = cli_error(
        capsys, "team", "add", ws, "--name", "Ana", "--role", role.value, "--hours", "2",
        "--channel", channel,
    )  # fmt: skip
    assert cli == f"assignment 1 ({role.value}): {rule}"


@pytest.mark.parametrize("weeks", ["0", "105", "2.5", "abc"])
def test_a_gates_weeks_are_refused_alike_by_the_stages_form_and_the_command_line(
    ws: str, capsys: pytest.CaptureFixture[str], weeks: str
) -> None:
    field = "gate setup -> retention: weeks to advance"
    rule = refusal(lambda: week_count(weeks, field))
    gate = DEFAULT_GATES.to_retention
    form = gates_to_dict(DEFAULT_GATES)
    form["to_retention"] = gate_dict(
        criteria_rows(gate), weeks_to_advance=weeks, weeks_to_fall_back=4
    )
    assert refusal(lambda: Workspace.open(ws).set_gates(EDITOR, form)) == rule
    cli = cli_error(
        capsys, "gates", "set", ws, "setup", "retention", "--criterion", "audience >= 100",
        "--weeks", weeks,
    )  # fmt: skip
    assert cli == rule


@pytest.mark.parametrize("weeks", ["0", "105", "2.5"])
def test_the_signals_weeks_follow_the_same_rule_as_the_gates(ws: str, weeks: str) -> None:
    rule = refusal(lambda: week_count(weeks, "resource settings: window_weeks"))
    workspace = Workspace.open(ws)
    assert refusal(lambda: workspace.set_demand_settings(EDITOR, {"window_weeks": weeks})) == rule


def test_the_stages_page_offers_the_weeks_the_rule_accepts(app_read: Workspace) -> None:
    at = open_page("pages/2_Stages.py")
    for key in ("gate_to_retention_advance", "gate_to_active_back"):
        widget = at.number_input(key=key).proto
        assert (widget.min, widget.max) == (1, MAX_WEEKS)


@pytest.mark.parametrize(
    ("integrated", "employees"),
    [
        (["retail", "sales"], 10),  # sales is not one of the company's channels
        (["retail"], 10),  # a group of one
        (["retail", " Retail "], 10),  # a group of one, spelled twice
        (["retail+"], 10),  # not a channel name
        ([], 0),
        ([], 2.5),
        ([], "many"),
    ],
)
def test_the_company_profile_is_refused_alike_by_the_team_form_and_the_store(
    ws: str, integrated: list[str], employees: Any
) -> None:
    channels = ["retail", "ecommerce"]
    form = refusal(lambda: company_from_form(channels, "", integrated, employees))
    stored = CompanyProfile(tuple(channels), (tuple(integrated),) if integrated else (), employees)
    assert refusal(lambda: Workspace.open(ws).set_company(EDITOR, stored)) == form
