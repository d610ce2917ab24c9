"""The social expert's commands: company profile, settings, uploads, tests and the team, each
what the app's forms do, and a closed pipe that ends a command quietly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from strategy.domain.team import Role
from strategy.usecases import Workspace
from tests.conftest import TODAY, cli, workspace_state

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ws(demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    return demo_ws.location.key


@pytest.fixture
def ws_read(demo_read: Workspace, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared demo copy, for a command that only reads."""
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    return demo_read.location.key


def test_the_company_profile_is_shown_and_changed_field_by_field(
    ws: str, demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = cli(capsys, "company", "show", ws)[1]
    assert shown.splitlines()[0] == "name: Northwind Outdoor"
    assert shown.splitlines()[3:] == ["employees: 180", "currency: EUR"]
    code, out, _ = cli(
        capsys, "company", "set", ws, "--integrated", "retail,e-commerce", "--currency", "usd"
    )
    assert code == 0
    assert "integrated: retail, ecommerce" in out and "currency: USD" in out
    company = demo_ws.snapshot().company
    assert (company.integrated, company.currency, company.employees) == (
        (("retail", "ecommerce"),),
        "USD",
        180,
    )
    assert cli(capsys, "company", "set", ws, "--integrated", "")[1].splitlines()[2] == (
        "integrated: none"
    )
    assert cli(capsys, "company", "set", ws, "--name", " Acme  Outdoor ")[1].startswith(
        "name: Acme Outdoor\n"
    )
    assert demo_ws.snapshot().company.name == "Acme Outdoor"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--employees", "many"], "error: employees: expected a whole number"),
        (["--currency", "euro"], "error: currency: expected a three-letter code"),
        (["--integrated", "retail,tv"], "error: integrated channels: tv is not among"),
        (["--name", "x" * 101], "error: company name: expected at most 100 characters"),
    ],
    ids=["employees", "currency", "integrated", "name"],
)
def test_a_bad_company_field_is_named_and_nothing_changes(
    ws: str, demo_ws: Workspace, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    before = workspace_state(demo_ws)
    code, _, err = cli(capsys, "company", "set", ws, *argv)
    assert code == 1 and err.startswith(message)
    assert workspace_state(demo_ws) == before


def test_settings_are_listed_and_set_one_at_a_time(
    ws: str, demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = cli(capsys, "settings", "list", ws)[1].splitlines()
    assert "fte_hours: 40" in listed and len(listed) == 11
    assert listed[-2:] == ["returning_weeks: 1", "ramp_up: 0.333,0.667"]
    assert cli(capsys, "settings", "set", ws, "fte_hours", "38") == (0, "fte_hours: 38", "")
    assert demo_ws.snapshot().demand.fte_hours == 38
    code, _, err = cli(capsys, "settings", "set", ws, "colour", "3")
    assert code == 1 and err.startswith("error: settings: unknown setting 'colour'")
    assert err.rstrip().endswith("window_weeks, stall_review_weeks, returning_weeks, ramp_up")


@pytest.mark.parametrize(
    ("value", "code", "said"),
    [
        ("4", 0, "returning_weeks: 4 (for events files imported from now on)"),
        ("52", 0, "returning_weeks: 52 (for events files imported from now on)"),
        ("0", 1, "error: returning_weeks: expected a whole number of weeks from 1 to 52, got '0'"),
        (
            "53",
            1,
            "error: returning_weeks: expected a whole number of weeks from 1 to 52, got '53'",
        ),
        ("1.5", 1, "error: returning_weeks: expected a whole number of weeks"),
    ],
)
def test_the_returning_window_is_set_like_any_other_setting(
    ws: str,
    demo_ws: Workspace,
    capsys: pytest.CaptureFixture[str],
    value: str,
    code: int,
    said: str,
) -> None:
    before = demo_ws.snapshot().weekly
    got, out, err = cli(capsys, "settings", "set", ws, "returning_weeks", value)
    assert got == code and (out if code == 0 else err).startswith(said)
    shown = 1 if code else int(value)
    assert f"returning_weeks: {shown}" in cli(capsys, "settings", "list", ws)[1].splitlines()
    pd.testing.assert_frame_equal(demo_ws.snapshot().weekly, before)  # imported data stays


def test_uploads_are_listed_as_text_and_json(
    ws_read: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = cli(capsys, "uploads", "list", ws_read)[1].splitlines()
    assert text[0].startswith("#1 instagram_linkedin_daily.parquet: long, 9,464 rows")
    listed = json.loads(cli(capsys, "uploads", "list", ws_read, "--format", "json")[1])
    assert [u["layout"] for u in listed] == ["long", "events", "wide"]
    assert listed[1]["data_through"] == {"forum": "2026-11-15"}


@pytest.mark.parametrize(
    ("upload", "aggregations"),
    [
        (
            0,
            {"followers": "last", "brand_posts": "sum", "active_members": "max"},
        ),
        (
            3,
            {
                "followers": "last",
                "pct_communicated": "mean",
                "likes": "sum",
                "total_membership": "last",
                "new_followers": "sum",
            },
        ),
    ],
    ids=["canonical", "unknown"],
)
def test_each_listed_upload_names_the_weekly_aggregation_of_each_of_its_metrics(
    ws: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    upload: int,
    aggregations: dict[str, str],
) -> None:
    days = [f"2026-11-{day:02d}" for day in range(9, 16)]
    header = "date,platform,followers,pct_communicated,likes,total_membership,new_followers"
    lines = [f"{day},discord,{500 + n},0.03,10,{900 + n},1" for n, day in enumerate(days)]
    discord = tmp_path / "discord.csv"
    discord.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    assert cli(capsys, "import", ws, str(discord), "--new-metrics")[0] == 0

    listed = json.loads(cli(capsys, "uploads", "list", ws, "--format", "json")[1])
    shown = listed[upload]["aggregations"]
    assert set(shown) == set(listed[upload]["metrics"])
    assert {metric: shown[metric] for metric in aggregations} == aggregations


def test_tests_are_listed_updated_and_removed(
    ws: str, demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = json.loads(cli(capsys, "test", "list", ws, "--format", "json")[1])
    running = next(t for t in listed if t["status"] == "running")
    assert running["overdue"] is False
    code, out, _ = cli(
        capsys, "test", "update", ws, str(running["id"]), "--variant-n", "2500",
        "--variant-successes", "130", "--decision", "Two more weeks",
    )  # fmt: skip
    assert (code, out) == (0, f"updated test #{running['id']}: {running['title']} [running]")
    test = next(t for t in demo_ws.snapshot().tests if t.id == running["id"])
    assert (test.variant_n, test.variant_successes, test.decision) == (2500, 130, "Two more weeks")
    assert demo_ws.audit_log(1)[0].action == "test.update"
    assert cli(capsys, "test", "remove", ws, str(running["id"]))[0] == 0
    assert running["id"] not in [t.id for t in demo_ws.snapshot().tests]
    code, _, err = cli(capsys, "test", "update", ws, "1")
    assert code == 1 and err.startswith("error: test update: nothing to change")


def test_a_test_still_running_after_its_end_is_flagged_in_the_list(
    ws_read: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", "2026-12-03")
    lines = cli(capsys, "test", "list", ws_read)[1].splitlines()
    assert [line.split(" STILL")[0] for line in lines if "STILL RUNNING PAST ITS END" in line] == [
        "#3 [running] Carousel vs single image (linkedin, 2026-10-05 to 2026-11-29)"
    ]


def test_a_person_removed_from_the_team_leaves_today_and_is_listed_as_having_left(
    ws: str, demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, "team", "remove", ws, "chen li") == (
        0,
        f"Chen Li leaves the team on {TODAY.isoformat()}",
        "",
    )
    listed = cli(capsys, "team", "list", ws)[1].splitlines()
    assert not any(line.startswith("Chen Li:") for line in listed)
    assert listed[-1] == f"Left: Chen Li on {TODAY.isoformat()}"
    before = workspace_state(demo_ws)
    assert cli(capsys, "team", "remove", ws, "Chen Li")[2] == (
        f"error: team: Chen Li left on {TODAY:%d %b %Y} already"
    )
    assert cli(capsys, "team", "remove", ws, "Nobody")[2] == "error: team: nobody called 'Nobody'"
    assert workspace_state(demo_ws) == before


def test_a_person_leaves_on_the_day_given_and_the_json_list_keeps_them_with_start_and_end(
    ws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, "team", "remove", ws, "Chen Li", "--on", "2026-11-01")[0] == 0
    add = ["team", "add", ws, "--name", "Ida", "--role", "content_creator", "--hours", "20"]
    assert cli(capsys, *add, "--start", "2026-11-16")[0] == 0
    people = {
        p["name"]: p for p in json.loads(cli(capsys, "team", "list", ws, "--format", "json")[1])
    }
    assert (people["Chen Li"]["start"], people["Chen Li"]["end"]) == (None, "2026-11-01")
    assert (people["Ida"]["start"], people["Ida"]["end"]) == ("2026-11-16", None)
    assert (people["Maya Okafor"]["start"], people["Maya Okafor"]["end"]) == (None, None)


@pytest.mark.parametrize(
    ("given", "code", "said"),
    [
        ("--on=2026-13-01", 1, "error: --on: expected"),
        ("--on=soon", 1, "error: --on: expected"),
    ],
    ids=["no such month", "not a date"],
)
def test_a_leaving_day_that_is_not_a_date_is_refused_and_nothing_changes(
    ws: str,
    demo_ws: Workspace,
    capsys: pytest.CaptureFixture[str],
    given: str,
    code: int,
    said: str,
) -> None:
    before = workspace_state(demo_ws)
    found = cli(capsys, "team", "remove", ws, "Chen Li", given)
    assert found[0] == code and found[2].startswith(said) and "\n" not in found[2]
    assert workspace_state(demo_ws) == before


@pytest.mark.parametrize(
    ("value", "code", "said"),
    [
        ("0.5,0.75", 0, "ramp_up: 0.5,0.75"),
        ("1,1", 0, "ramp_up: 1,1"),
        ("0.7,0.5", 1, "error: ramp_up: expected two shares between 0 and 1"),
        ("0,0.5", 1, "error: ramp_up: expected two shares between 0 and 1"),
        ("0.5", 1, "error: ramp_up: expected two shares between 0 and 1"),
        ("half,whole", 1, "error: ramp_up: expected two shares between 0 and 1"),
    ],
    ids=["half then three quarters", "no ramp", "falling", "zero", "one share", "words"],
)
def test_the_ramp_up_shares_are_set_as_a_setting_and_bad_ones_are_refused(
    ws: str,
    demo_ws: Workspace,
    capsys: pytest.CaptureFixture[str],
    value: str,
    code: int,
    said: str,
) -> None:
    before = workspace_state(demo_ws)
    found = cli(capsys, "settings", "set", ws, "ramp_up", value)
    assert found[0] == code and (found[1] or found[2]).startswith(said)
    if code:
        assert workspace_state(demo_ws) == before
    else:
        assert cli(capsys, "settings", "list", ws)[1].splitlines()[-1] == said


@pytest.mark.parametrize(
    ("reader", "shown"),
    [("head -1", "{\n"), ("head -n 0", "")],
    ids=["first line", "closed before the first write"],
)
def test_a_reader_that_stops_early_ends_the_command_quietly(
    demo_read: Workspace, reader: str, shown: str
) -> None:
    done = subprocess.run(
        f"{sys.executable} -m strategy report '{demo_read.location.key}' --format json | {reader}; "
        'echo "exit ${PIPESTATUS[0]}" >&2',
        shell=True,
        executable="/bin/bash",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout == shown
    assert done.stderr == "exit 0\n"


def test_a_mean_test_is_logged_from_summaries_or_files_and_reported_with_its_kind(
    ws: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    values = tmp_path / "variant.csv"
    values.write_text("value\n3\n4\n2\n5\n", encoding="utf-8")
    code, out, err = cli(
        capsys, "test", "log", ws, "--kind", "mean", "--title", "Questions", "--platform",
        "forum", "--metric", "replies per post", "--control-n", "40", "--control-mean", "2.1",
        "--control-sd", "1.4", "--variant-values", str(values), "--planned-split", "0.5",
        "--start", "2026-10-05", "--end", "2026-11-01", "--status", "concluded",
    )  # fmt: skip
    assert (code, err) == (0, "") and out.startswith("logged test #5")
    (test,) = [
        t
        for t in json.loads(cli(capsys, "report", ws, "--format", "json")[1])["tests"]
        if t["id"] == 5
    ]
    assert (test["kind"], test["planned_split"], test["overdue"]) == ("mean", 0.5, False)
    assert test["variant"] == {"label": "B", "n": 4, "mean": 3.5, "sd": pytest.approx(1.290994)}
    assert test["srm_p_value"] < 0.001  # 40 vs 4 units on a 50/50 plan
    assert test["warning"].startswith("sample ratio mismatch: exposures 40 vs 4")


def test_a_file_of_values_with_a_bad_row_is_refused_naming_it(
    ws: str, demo_ws: Workspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    values = tmp_path / "control.csv"
    values.write_text("value\n3\n4\nthree\n2\n", encoding="utf-8")
    before = workspace_state(demo_ws)
    code, _, err = cli(
        capsys, "test", "log", ws, "--kind", "mean", "--title", "Q", "--platform", "forum",
        "--metric", "m", "--control-values", str(values), "--variant-n", "3",
        "--variant-mean", "1", "--variant-sd", "1", "--start", "2026-10-05",
        "--end", "2026-11-01", "--status", "concluded",
    )  # fmt: skip
    assert (code, err) == (
        1,
        "error: control.csv: column 'value', row 4: expected a number, got 'three'",
    )
    assert workspace_state(demo_ws) == before


def test_what_a_roles_hours_serve_is_listed_and_set(
    ws: str, demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "it: nothing" in cli(capsys, "serves", "list", ws)[1].splitlines()
    assert cli(capsys, "serves", "set", ws, "it", "monitoring") == (0, "it: monitoring", "")
    assert cli(capsys, "serves", "set", ws, "support", "nothing")[1] == "support: nothing"
    serves = demo_ws.snapshot().role_serves
    assert {k.value for k in serves[Role.IT]} == {"monitoring"} and not serves[Role.SUPPORT]
    code, _, err = cli(capsys, "serves", "set", ws, "it", "coffee")
    assert code == 1 and "expected one of messages, content, monitoring, got 'coffee'" in err


def test_a_checklist_item_can_be_ticked_and_undone(
    ws: str, demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli(capsys, "checklist", ws, "tiktok", "--done", "tools_chosen", "--on", "2026-11-02")[0]
        == 0
    )
    assert cli(capsys, "checklist", ws, "tiktok", "--done", "tools_chosen", "--undo") == (
        0,
        "tiktok: tools_chosen not done",
        "",
    )
    item = next(
        i
        for i in demo_ws.snapshot().checklist
        if (i.platform, i.item) == ("tiktok", "tools_chosen")
    )
    assert item.done_on is None


def test_an_upload_is_removed_with_the_same_spelling_as_its_listing(
    ws: str, demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, "uploads", "remove", ws, "3") == (0, "removed upload #3", "")
    assert [u.id for u in demo_ws.snapshot().uploads] == [1, 2]
