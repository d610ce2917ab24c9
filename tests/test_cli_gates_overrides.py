"""The command line's gates and override commands: thin over the store, one-line errors."""

from __future__ import annotations

import pytest

from strategy.domain.gates import gates_to_dict
from strategy.usecases import Workspace
from tests.conftest import TODAY
from tests.test_cli import cli

DEFAULT_LINES = [
    "setup -> retention: audience >= 100, brand_posts >= 1; 2 weeks to advance, "
    "4 weeks to fall back; setup checklist required",
    "retention -> active: active_members >= 50, returning_share >= 0.25, "
    "member_activity_share >= 0.5, engagement_rate >= 0.01; 4 weeks to advance, "
    "4 weeks to fall back; no setup checklist",
]


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's calendar, so the store's "not in the future" checks never drift."""
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())


def stored_gates(ws: Workspace) -> dict[str, object]:
    return gates_to_dict(Workspace.open(ws.location).snapshot().gates)


@pytest.mark.parametrize(
    "args",
    [
        ["gates", "list"],
        ["gates", "set"],
        ["override", "add"],
        ["override", "remove"],
        ["override", "list"],
    ],
)
def test_every_gates_and_override_sub_command_has_help(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, _ = cli(capsys, *args, "--help")
    assert code == 0
    assert "usage:" in out


def test_gates_list_shows_the_default_gates(
    empty_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "gates", "list", empty_ws.location.key)
    assert (code, err) == (0, "")
    assert out.splitlines() == DEFAULT_LINES


@pytest.mark.parametrize(
    ("gate", "args", "expected"),
    [
        (
            ["retention", "active"],
            [
                "--criterion",
                "active_members >= 60",
                "--criterion",
                "engagement_rate>0.02",
                "--weeks",
                "3",
                "--fallback-weeks",
                "1",
            ],
            "retention -> active: active_members >= 60, engagement_rate > 0.02; "
            "3 weeks to advance, 1 week to fall back; no setup checklist",
        ),
        (
            ["Setup", "RETENTION"],
            ["--criterion", "  audience<=5000 ", "--criterion", "brand_posts < 10"],
            "setup -> retention: audience <= 5,000, brand_posts < 10; 2 weeks to advance, "
            "4 weeks to fall back; setup checklist required",
        ),
        (
            ["setup", "retention"],
            ["--criterion", "followers >= 250", "--weeks", "1"],
            "setup -> retention: followers >= 250; 1 week to advance, 4 weeks to fall back; "
            "setup checklist required",
        ),
    ],
)
def test_gates_set_replaces_the_criteria_and_weeks_and_gates_list_shows_them(
    demo_ws: Workspace,
    capsys: pytest.CaptureFixture[str],
    gate: list[str],
    args: list[str],
    expected: str,
) -> None:
    ws = demo_ws.location.key

    code, out, err = cli(capsys, "gates", "set", ws, *gate, *args)

    assert (code, err) == (0, "")
    assert out.splitlines() == [expected]
    listed = cli(capsys, "gates", "list", ws)[1].splitlines()
    changed = 0 if gate[0].lower() == "setup" else 1
    assert listed[changed] == expected
    assert listed[1 - changed] == DEFAULT_LINES[1 - changed]


def test_gates_set_refuses_a_misspelt_metric_and_names_the_closest(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    before = stored_gates(demo_ws)

    code, out, err = cli(
        capsys,
        "gates",
        "set",
        demo_ws.location.key,
        "retention",
        "active",
        "--criterion",
        "actve_members>=50",
    )

    assert (code, out) == (1, "")
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ")
    assert "'actve_members' is not a metric this workspace knows" in err
    assert err.rstrip().endswith("did you mean active_members?")
    assert stored_gates(demo_ws) == before


@pytest.mark.parametrize(
    ("args", "exit_code", "expected"),
    [
        (
            ["setup", "active", "--criterion", "audience >= 100"],
            1,
            "gate: expected setup retention or retention active, got setup active",
        ),
        (
            ["active", "retention", "--criterion", "audience >= 100"],
            1,
            "gate: expected setup retention or retention active, got active retention",
        ),
        (
            ["setup", "retention", "--criterion", "audience = 100"],
            1,
            "--criterion: expected METRIC OP VALUE with OP one of >=, >, <=, < "
            "(e.g. 'active_members >= 50'), got 'audience = 100'",
        ),
        (["setup", "retention", "--criterion", "audience"], 1, "got 'audience'"),
        (["setup", "retention", "--criterion", ">= 100"], 1, "got '>= 100'"),
        (["setup", "retention", "--criterion", "audience => 100"], 1, "got 'audience => 100'"),
        (["setup", "retention", "--criterion", "audience >= lots"], 1, "threshold"),
        (["setup", "retention", "--criterion", "audience >= 1", "--weeks", "0"], 1, "weeks"),
        (
            ["setup", "retention", "--criterion", "audience >= 1", "--criterion", "audience > 2"],
            1,
            "each metric may appear only once",
        ),
        (["setup", "retention"], 2, "required: --criterion"),
        (["setup", "--criterion", "audience >= 1"], 2, "required: TO"),
    ],
)
def test_gates_set_refuses_a_bad_stage_pair_or_criterion_in_one_line(
    empty_ws: Workspace,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    exit_code: int,
    expected: str,
) -> None:
    before = stored_gates(empty_ws)

    code, out, err = cli(capsys, "gates", "set", empty_ws.location.key, *args)

    assert (code, out) == (exit_code, "")
    assert len(err.strip().splitlines()) == 1, err
    assert expected in err, err
    assert stored_gates(empty_ws) == before


def test_an_override_is_added_listed_and_removed_by_its_id(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = demo_ws.location.key
    assert cli(capsys, "override", "list", ws)[1].splitlines() == ["(no overrides)"]

    code, out, err = cli(
        capsys,
        "override",
        "add",
        ws,
        "Instagram",
        "active",
        "--from",
        "2026-10-07",
        "--reason",
        "launch campaign ran early",
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == ["override #1: instagram -> active from 2026-10-05"]

    code, out, err = cli(
        capsys,
        "--actor",
        "maya",
        "override",
        "add",
        ws,
        "forum",
        "retention",
        "--from",
        "2026-10-05",
        "--until",
        "2026-11-01",
        "--reason",
        "pilot with the support team",
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == ["override #2: forum -> retention from 2026-10-05 until 2026-11-01"]

    assert cli(capsys, "override", "list", ws)[1].splitlines() == [
        "#1: instagram -> active from 2026-10-05 by local: launch campaign ran early",
        "#2: forum -> retention from 2026-10-05 until 2026-11-01 by maya: "
        "pilot with the support team",
    ]
    assert [o.id for o in Workspace.open(ws).snapshot().overrides] == [1, 2]

    code, out, err = cli(capsys, "override", "remove", ws, "1")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["removed override #1: instagram -> active from 2026-10-05"]
    assert cli(capsys, "override", "remove", ws, "2")[0] == 0

    assert cli(capsys, "override", "list", ws)[1].splitlines() == ["(no overrides)"]
    assert Workspace.open(ws).snapshot().overrides == ()


@pytest.mark.parametrize("override_id", ["1", "99", "0"])
def test_removing_an_unknown_override_exits_1_in_one_line(
    empty_ws: Workspace, capsys: pytest.CaptureFixture[str], override_id: str
) -> None:
    code, out, err = cli(capsys, "override", "remove", empty_ws.location.key, override_id)
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"error: override #{override_id} does not exist"]


def test_removing_an_override_by_a_non_number_is_a_usage_error(
    empty_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "override", "remove", empty_ws.location.key, "first")
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1, err
    assert "invalid int value: 'first'" in err


@pytest.mark.parametrize(
    ("args", "exit_code", "expected"),
    [
        (
            ["forum", "retention", "--from", "2026-10-07", "--until", "2026-10-01"],
            1,
            "until: 01 Oct 2026 is before the override starts (week of 05 Oct 2026)",
        ),
        (["forum", "dormant", "--from", "2026-10-05"], 1, "stage: expected one of setup"),
        (["forum", "active", "--from", "05/10/2026"], 1, "week: expected a date such as"),
        (["forum", "active", "--from", "2026-10-05", "--reason", "meh"], 1, "reason"),
        (["forum", "active", "--reason", "launch campaign"], 2, "required: --from"),
    ],
)
def test_an_override_is_refused_in_one_line_and_nothing_is_stored(
    demo_ws: Workspace,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    exit_code: int,
    expected: str,
) -> None:
    reason = [] if "--reason" in args else ["--reason", "pilot with the support team"]

    code, out, err = cli(capsys, "override", "add", demo_ws.location.key, *args, *reason)

    assert (code, out) == (exit_code, "")
    assert len(err.strip().splitlines()) == 1, err
    assert expected in err, err
    assert Workspace.open(demo_ws.location).snapshot().overrides == ()
