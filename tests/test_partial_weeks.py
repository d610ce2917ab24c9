"""A week that lacks metrics its gates read counts for nothing and says so: in the preview,
in `import`'s output, in the weekly CSV and on the platform's stage; a metric the platform
never reported holds nothing back, and a week still running stays in progress."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from strategy.domain.analysis import analyse
from strategy.domain.gates import DEFAULT_GATES
from strategy.domain.partial_weeks import PartialWeek, gate_inputs, partial_weeks
from strategy.report import report_dict, report_text
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, cli, open_page

PAGE = "pages/4_Upload_metrics.py"
PARQUET = "application/octet-stream"
NEXT_WEEK = dt.date(2026, 11, 16)
"""The week after the demo's last: ended on ``TODAY`` (Monday 23 Nov)."""
RUNNING_WEEK = TODAY
"""The week that starts on ``TODAY``: not ended."""
INSTAGRAM_GATE_METRICS = (
    "active_members",
    "brand_posts",
    "brand_replies",
    "followers",
    "member_interactions",
    "returning_members",
)
"""Every metric instagram reports that the default gates read."""
TWO_OF_THEM = ("followers", "active_members")
LACKS_FOUR = (
    "instagram, week of 16 Nov 2026: lacks 4 metrics its gates read "
    "(brand_posts, brand_replies, member_interactions, returning_members)"
)


def week_file(monday: dt.date, metrics: tuple[str, ...], days: int = 7) -> bytes:
    """A long-layout parquet file of instagram: each metric on each of the ``days`` days of
    the week from ``monday``."""
    dates = [monday + dt.timedelta(days=n) for n in range(days)]
    frame = pd.DataFrame(
        [(day, "instagram", metric, 10.0) for metric in metrics for day in dates],
        columns=["date", "platform", "metric", "value"],
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def written(tmp_path: Path, data: bytes, name: str = "week.parquet") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The command line's clock pinned to the tests' ``TODAY``."""
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    return TODAY


def platform_report(ws: Workspace, name: str = "instagram") -> dict[str, Any]:
    return dict(report_dict(analyse(ws.snapshot(), TODAY))["platforms"][name])


def csv_rows(capsys: pytest.CaptureFixture[str], ws: Workspace) -> pd.DataFrame:
    code, out, _ = cli(capsys, "report", ws.location.key, "--format", "csv")
    assert code == 0
    return pd.read_csv(io.StringIO(out))


def test_a_week_with_two_of_its_gate_metrics_is_named_counted_for_nothing_and_moves_nothing(
    demo_ws: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    today: dt.date,
) -> None:
    before = platform_report(demo_ws)
    code, out, err = cli(
        capsys,
        "import",
        demo_ws.location.key,
        str(written(tmp_path, week_file(NEXT_WEEK, TWO_OF_THEM))),
    )

    assert code == 0, err
    assert out.splitlines()[-1] == f"  warning: {LACKS_FOUR}"
    after = platform_report(demo_ws)
    assert after["partly_reported"] == [
        {
            "week": "2026-11-16",
            "lacks": ["brand_posts", "brand_replies", "member_interactions", "returning_members"],
        }
    ]
    assert after["in_progress_week"] is None
    assert {k: v for k, v in after.items() if k != "partly_reported"} == {
        k: v for k, v in before.items() if k != "partly_reported"
    }
    table = csv_rows(capsys, demo_ws)
    week = table[(table["platform"] == "instagram") & (table["week"] == "2026-11-16")]
    assert week["complete"].tolist() == [False]
    text = report_text(analyse(demo_ws.snapshot(), TODAY))
    assert (
        "week of 16 Nov 2026 partly reported, not counted: lacks brand_posts, brand_replies, "
        "member_interactions, returning_members"
    ) in text


def test_the_preview_warns_of_the_partly_reported_week_and_the_import_still_goes_through(
    app_ws: Workspace,
) -> None:
    at = open_page(PAGE)
    at.file_uploader[0].set_value(
        ("instagram.parquet", week_file(NEXT_WEEK, TWO_OF_THEM), PARQUET)
    ).run()

    assert not at.exception and not at.error
    assert [w.value for w in at.warning if "lacks" in w.value] == [
        LACKS_FOUR + ". It is imported, and counts once a later upload brings the rest of the week."
    ]
    at.button(key="import_files").click().run()
    assert not at.exception and not at.error
    assert "Imported instagram.parquet" in at.success[0].value
    assert len(app_ws.snapshot().uploads) == 4


def test_the_rest_of_the_week_in_a_later_upload_makes_it_complete(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    demo_ws.import_file(EDITOR, written(tmp_path, week_file(NEXT_WEEK, TWO_OF_THEM), "a.parquet"))
    rest = tuple(m for m in INSTAGRAM_GATE_METRICS if m not in TWO_OF_THEM)
    demo_ws.import_file(EDITOR, written(tmp_path, week_file(NEXT_WEEK, rest), "b.parquet"))

    after = platform_report(demo_ws)
    assert (after["data_through"], after["partly_reported"]) == ("2026-11-16", [])


@pytest.mark.parametrize(
    ("monday", "metrics", "data_through", "in_progress", "warned"),
    [
        # community_members is a gate metric (the audience) instagram never reported
        (NEXT_WEEK, INSTAGRAM_GATE_METRICS, "2026-11-16", None, False),
        (RUNNING_WEEK, TWO_OF_THEM, "2026-11-09", "2026-11-23", False),  # its Monday only
        (NEXT_WEEK, TWO_OF_THEM, "2026-11-09", None, True),
    ],
    ids=["never-reported-metric-missing", "week-in-progress", "partly-reported"],
)
def test_only_an_ended_week_lacking_a_metric_reported_before_is_partly_reported(
    demo_ws: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    today: dt.date,
    monday: dt.date,
    metrics: tuple[str, ...],
    data_through: str,
    in_progress: str | None,
    warned: bool,
) -> None:
    days = 1 if monday == RUNNING_WEEK else 7
    path = written(tmp_path, week_file(monday, metrics, days))
    code, out, err = cli(capsys, "import", demo_ws.location.key, str(path))

    assert code == 0, err
    assert ("warning:" in out) is warned
    after = platform_report(demo_ws)
    assert (after["data_through"], after["in_progress_week"]) == (data_through, in_progress)
    assert bool(after["partly_reported"]) is warned


def test_the_headline_names_each_platforms_latest_complete_week_when_they_differ(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    same = report_text(analyse(demo_ws.snapshot(), TODAY))
    demo_ws.import_file(EDITOR, written(tmp_path, week_file(NEXT_WEEK, INSTAGRAM_GATE_METRICS)))
    split = report_text(analyse(demo_ws.snapshot(), TODAY))

    assert "Latest complete week: 2026-11-09 (data through the week of 09 Nov 2026" in same
    assert (
        "Latest complete week: 16 Nov 2026 (instagram); 09 Nov 2026 (forum, linkedin, tiktok). "
        "Newest: data through the week of 16 Nov 2026, up to date"
    ) in split.splitlines()


def test_the_dashboard_headline_names_each_platforms_latest_complete_week(
    app_ws: Workspace, tmp_path: Path
) -> None:
    app_ws.import_file(EDITOR, written(tmp_path, week_file(NEXT_WEEK, INSTAGRAM_GATE_METRICS)))
    at = open_page("app.py")

    headline = next(c.value for c in at.caption if c.value.startswith("Latest complete week"))
    assert headline.startswith(
        "Latest complete week: 16 Nov 2026 (instagram); 09 Nov 2026 (forum, linkedin, tiktok)."
    )


WEEK = pd.Timestamp("2026-11-02")


def long_rows(*rows: tuple[str, str, int]) -> pd.DataFrame:
    """A long weekly table from (platform, metric, week number after ``WEEK``) rows."""
    return pd.DataFrame(
        {
            "week": [WEEK + pd.Timedelta(weeks=n) for _, _, n in rows],
            "platform": [p for p, _, _ in rows],
            "metric": [m for _, m, _ in rows],
            "value": [1.0] * len(rows),
        }
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ((("a", "followers", 0), ("a", "followers", 1)), []),
        ((("a", "followers", 0), ("a", "threads", 1)), [("a", 1, ("followers",))]),
        ((("a", "threads", 0), ("a", "followers", 1)), []),  # first reported later
        ((("a", "followers", 0), ("b", "threads", 1)), []),  # another platform's weeks
        (
            (("a", "brand_posts", 0), ("a", "followers", 0), ("a", "threads", 1)),
            [("a", 1, ("brand_posts", "followers"))],
        ),
        (
            (("a", "followers", 0), ("a", "threads", 1), ("a", "threads", 2)),
            [("a", 1, ("followers",)), ("a", 2, ("followers",))],
        ),
    ],
    ids=["all-there", "lacks-one", "new-later", "other-platform", "sorted", "still-lacking"],
)
def test_a_week_lacks_what_its_platform_reported_in_an_earlier_week(
    rows: tuple[tuple[str, str, int], ...], expected: list[tuple[str, int, tuple[str, ...]]]
) -> None:
    found = partial_weeks(long_rows(*rows), DEFAULT_GATES)
    assert list(found) == [
        PartialWeek(p, (WEEK + pd.Timedelta(weeks=n)).date(), lacks) for p, n, lacks in expected
    ]


def test_the_gates_read_their_ratios_parts_and_both_audience_sources() -> None:
    assert gate_inputs(DEFAULT_GATES) == {
        "active_members",
        "brand_posts",
        "brand_replies",
        "community_members",
        "followers",
        "member_interactions",
        "returning_members",
    }
