"""The command line: every sub-command, exit codes, one-line errors, deterministic JSON."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from strategy.cli import build_parser, main
from strategy.usecases import Workspace

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m strategy`` as a user would, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "strategy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in-process: exit code, stdout, stderr."""
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's --help and usage errors
        code = int(exit_.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command of the parser, as the words a user types (``team add``)."""
    found = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += commands(sub, (*path, name))
    return found


EXPECTED_COMMANDS = {
    "init", "import", "remove-upload", "team add", "team list", "team remove",
    "company show", "company set", "settings list", "settings set", "uploads list",
    "rates set", "rates list", "checklist", "test log", "test list", "test update",
    "test remove", "users set", "users list", "gates list", "gates set", "override add",
    "override remove", "override list", "baseline set", "baseline remove", "baseline list",
    "mappings list", "mappings add", "mappings show", "mappings remove",
    "request raise", "request decide", "request amend", "request list", "request review",
    "request close-review",
    "onboarding start", "onboarding list", "onboarding done", "onboarding plan", "standup",
    "report", "brief", "serves list", "serves set", "uploads remove",
    "platform review", "platform restart",
}  # fmt: skip


def test_every_command_is_there_with_help_naming_the_workspace(
    capsys: pytest.CaptureFixture[str],
) -> None:
    every = commands(build_parser())
    leaves = {
        " ".join(c) for c in every if c and not any(o[: len(c)] == c and o != c for o in every)
    }
    assert leaves == EXPECTED_COMMANDS
    for words in [(), *every]:
        code, out, _ = cli(capsys, *words, "--help")
        assert code == 0 and "usage:" in out
        if " ".join(words) in leaves:
            assert "a workspace folder, or a postgresql://" in " ".join(out.split()), words


def test_a_scripted_rollout_from_an_empty_workspace(
    new_location: str, tmp_path: Path, long_file, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = new_location
    assert main(["init", ws]) == 0
    for name, role, channel, hours in [
        ("Tom", "channel_rep", "direct_marketing", "3"),
        ("Lena", "channel_rep", "e-commerce", "4"),
        ("Jonas", "support", None, "6"),
        ("Chen", "it", None, "4"),
        ("Maya", "social_expert", None, "10"),
    ]:
        args = ["team", "add", ws, "--name", name, "--role", role, "--hours", hours]
        assert main(args + (["--channel", channel] if channel else [])) == 0
    assert main(["checklist", ws, "Instagram", "--done", "all", "--on", "2026-01-01"]) == 0
    rows = [
        (f"2026-01-{d:02d}", "instagram", metric, value)
        for d in (5, 12)
        for metric, value in (("followers", 150.0), ("brand_posts", 2.0))
    ]
    assert main(["import", ws, str(long_file(rows))]) == 0
    assert (
        main(
            [
                "test",
                "log",
                ws,
                "--title",
                "Questions",
                "--platform",
                "instagram",
                "--metric",
                "reply rate",
                "--control-n",
                "2000",
                "--control-successes",
                "80",
                "--variant-n",
                "2000",
                "--variant-successes",
                "130",
                "--start",
                "2026-01-05",
                "--end",
                "2026-02-01",
                "--status",
                "concluded",
            ]
        )
        == 0
    )

    capsys.readouterr()
    report = json.loads(cli(capsys, "report", ws, "--format", "json")[1])
    assert report["overall_stage"] == "retention"
    instagram = report["platforms"]["instagram"]
    assert instagram["stage"] == "retention" and instagram["since"] == "2026-01-12"
    assert instagram["checklist_complete"] is True
    move = instagram["transitions"][0]
    assert (move["week"], move["from"], move["to"]) == ("2026-01-12", "setup", "retention")
    assert {e["metric"] for e in move["evidence"]} >= {"audience", "brand_posts"}
    assert report["resource_signal"]["status"] == "not_justified"
    test = report["tests"][0]
    assert test["title"] == "Questions" and test["significant"] is True
    assert test["variant_rate"] == pytest.approx(0.065)
    assert report["team"]["capacity_hours_per_week"] == 27.0

    assert "Lena: channel_rep (ecommerce) 4 h" in cli(capsys, "team", "list", ws)[1]


def test_the_same_workspace_gives_the_same_json_byte_for_byte(demo_template: Path) -> None:
    """Two separate processes, so nothing cached in memory can make them agree."""
    first = run("report", str(demo_template), "--format", "json")
    second = run("report", str(demo_template), "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["overall_stage"] == "retention"


def test_python_m_strategy_exits_non_zero_with_one_line_on_stderr(tmp_path: Path) -> None:
    result = run("report", str(tmp_path / "missing"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'missing'}: no workspace here (expected workspace.sqlite)"
    ]


def test_errors_exit_non_zero_with_one_line_on_stderr(
    new_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = new_location
    main(["init", ws])
    bad = tmp_path / "notes.parquet"
    bad.write_text("hello")
    cases = [
        (["import", ws, str(bad)], "notes.parquet"),
        (["team", "add", ws, "--name", "A", "--role", "wizard", "--hours", "2"], "role"),
        (["team", "add", ws, "--name", "A", "--role", "it", "--hours", "-2"], "hours"),
        (["team", "add", ws, "--name", "A", "--role", "it", "--hours", "abc"], "(it): hours"),
        (["checklist", ws, "forum", "--done", "everything"], "checklist item"),
        (["report", str(tmp_path / "missing")], "no workspace here"),
        (["init", ws], "already exists"),
    ]
    capsys.readouterr()
    for args, expected in cases:
        code, _, err = cli(capsys, *args)
        assert code != 0, args
        assert expected in err, (args, err)
        assert len(err.strip().splitlines()) == 1, err


def test_users_are_mapped_to_roles_for_login(
    new_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = new_location
    main(["init", ws])
    assert cli(capsys, "users", "set", ws, "Maya@Example.com", "editor")[0] == 0
    assert cli(capsys, "users", "list", ws)[1].strip() == "maya@example.com: editor"
    code, _, err = cli(capsys, "users", "set", ws, "not-an-address", "viewer")
    assert code == 1 and "e-mail" in err
    assert cli(capsys, "users", "set", ws, "maya@example.com", "none")[0] == 0
    assert "no users mapped" in cli(capsys, "users", "list", ws)[1]


def test_company_show_says_a_name_and_channels_not_set_and_how_to_set_them(
    empty_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = empty_ws.location.key
    assert cli(capsys, "company", "show", ws) == (
        0,
        "name: not set (company set WS --name ...)\n"
        "channels: not set (company set WS --channel ..., once per channel)\n"
        "integrated: none\n"
        "employees: 1\n"
        "currency: EUR\n",
        "",
    )
    code, out, _ = cli(capsys, "company", "set", ws, "--name", "Acme", "--channel", "retail")
    assert code == 0
    assert out.splitlines()[:2] == ["name: Acme", "channels: retail"]


def test_wrong_arguments_exit_2_with_one_line_naming_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(tmp_path / "ws")
    cases = [
        (["report", ws, "--format", "xml"], "invalid choice: 'xml'"),
        ([], "required: command"),
        (["team", "add", ws, "--name", "A"], "required: --role, --hours"),
        (["remove-upload", ws, "abc"], "invalid int value: 'abc'"),
    ]
    for args, expected in cases:
        code, out, err = cli(capsys, *args)
        assert code == 2, args
        assert out == ""
        assert len(err.strip().splitlines()) == 1, err
        assert expected in err and err.rstrip().endswith("(see --help)"), err


def test_init_refuses_a_file_or_a_non_empty_folder_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "holiday.jpg").write_bytes(b"\xff\xd8")

    for args, expected in [
        (["init", str(a_file)], f"error: {a_file}: this is a file; a workspace is a folder"),
        (
            ["init", str(busy), "--demo"],
            f"error: {busy}: the folder is not empty; the demo needs a new or empty one",
        ),
    ]:
        code, _, err = cli(capsys, *args)
        assert (code, err.strip()) == (1, expected)
    assert a_file.read_text() == "keep me"
    assert [p.name for p in busy.iterdir()] == ["holiday.jpg"]


def test_importing_several_files_says_each_one_and_where_it_stopped(
    new_location: str, tmp_path: Path, long_file, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = new_location
    main(["init", ws])
    good = long_file([("2026-10-05", "forum", "followers", 120.0)], name="good.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    later = long_file([("2026-10-12", "forum", "followers", 130.0)], name="later.parquet")
    capsys.readouterr()

    code, out, err = cli(capsys, "import", ws, str(good), str(bad), str(later))

    assert code == 1
    assert out.startswith("imported good.parquet as upload #1: long, 1 rows, forum")
    assert len(out.strip().splitlines()) == 1
    assert err.strip().startswith("error: bad.parquet: ")
    assert err.strip().endswith("(1 earlier file imported; 1 later file not tried)")
    assert [u.name for u in Workspace.open(ws).snapshot().uploads] == ["good.parquet"]
