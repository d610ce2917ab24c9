"""Followers from daily gains: a baseline given once per platform (``strategy.domain.baselines``).

The expected followers are computed independently, day by day: the followers on a Sunday
are the baseline plus the running sum of the daily gains, less that sum on the baseline's
day, whichever day of the week it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from strategy.domain.access import LOCAL_USER
from strategy.domain.analysis import analyse
from strategy.domain.errors import ImportRejected, ValidationError
from strategy.report import platform_notes
from strategy.usecases import Workspace
from tests.conftest import TODAY, cli, open_page
from tests.engines import workspace_state
from tests.pages import click, type_day

FIRST_DAY = dt.date(2026, 6, 1)
DAYS = 140


def daily_gains(seed: int = 7) -> pd.Series:
    """A YouTube Studio ``Subscribers`` column: the day's net change, sometimes negative."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(FIRST_DAY, periods=DAYS, freq="D")
    return pd.Series(rng.integers(-6, 25, DAYS).astype("float64"), index=days)


def expected_followers(gains: pd.Series, count: float, on: dt.date) -> pd.Series:
    """Followers at the end of each week (its Sunday), from the daily gains."""
    running = gains.cumsum()
    sundays = running.index[running.index.day_of_week == 6]
    at_anchor = running[running.index <= pd.Timestamp(on)].iloc[-1]
    out = count + running[sundays] - at_anchor
    out.index = out.index - pd.Timedelta(days=6)  # keyed by the week's Monday
    return out


@pytest.fixture
def gains_file(long_file: Callable[..., Path]) -> Path:
    gains = daily_gains()
    rows = [(d.date().isoformat(), "youtube", "followers_gained", v) for d, v in gains.items()]
    return long_file(rows, name="youtube-totals.parquet")


def followers_by_week(ws: Workspace) -> pd.Series:
    wide = analyse(ws.snapshot(), TODAY).wide
    rows = wide[wide["platform"] == "youtube"].set_index("week")["followers"]
    return rows.dropna()


@pytest.mark.parametrize(
    "on",
    [dt.date(2026, 6, 1), dt.date(2026, 7, 19), dt.date(2026, 8, 12), dt.date(2026, 10, 18)],
    ids=["first-day", "a-sunday", "a-wednesday", "the-last-sunday"],
)
def test_followers_are_the_baseline_plus_the_gains_before_and_after_its_day(
    empty_ws: Workspace, gains_file: Path, on: dt.date
) -> None:
    empty_ws.import_file(LOCAL_USER, gains_file)
    empty_ws.set_baseline(LOCAL_USER, "YouTube", "followers", 12_000, on, today=TODAY)

    shown = followers_by_week(empty_ws)

    expected = expected_followers(daily_gains(), 12_000, on)
    expected = expected[expected.index.isin(shown.index)]
    assert len(shown) == DAYS // 7
    np.testing.assert_allclose(shown.to_numpy(), expected.to_numpy())
    snap = empty_ws.snapshot()  # the gains' daily values stay out of every metric list
    assert set(snap.weekly["metric"]) == {"followers_gained"} == set(snap.uploads[0].metrics)
    assert len(snap.daily_changes) == DAYS


def test_until_a_baseline_is_given_followers_are_not_measured_and_the_note_says_why(
    empty_ws: Workspace, gains_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty_ws.import_file(LOCAL_USER, gains_file)
    analysis = analyse(empty_ws.snapshot(), TODAY)
    assert followers_by_week(empty_ws).empty
    notes = [n.text for n in platform_notes(analysis, "youtube")]
    assert any("give the followers on one day as a baseline" in n for n in notes), notes

    where = empty_ws.location.key
    code, out, _ = cli(
        capsys, "baseline", "set", where, "youtube", "followers", "900", "--on", "2026-07-05"
    )
    assert (code, out) == (0, "baseline youtube: 900 followers on 05 Jul 2026")
    assert cli(capsys, "baseline", "list", where)[1] == "youtube: 900 followers on 05 Jul 2026"
    analysis = analyse(empty_ws.snapshot(), TODAY)
    assert not [n for n in platform_notes(analysis, "youtube") if "baseline" in n.text]
    assert not followers_by_week(empty_ws).empty

    code, out, _ = cli(capsys, "baseline", "remove", where, "youtube")
    assert (code, out) == (0, "removed baseline youtube: 900 followers on 05 Jul 2026")
    assert followers_by_week(empty_ws).empty


def test_a_platform_that_reports_its_followers_keeps_its_own(
    empty_ws: Workspace, long_file: Callable[..., Path]
) -> None:
    rows = [
        ("2026-06-07", "youtube", "followers", 500.0),
        ("2026-06-07", "youtube", "followers_gained", 9.0),
    ]
    empty_ws.import_file(LOCAL_USER, long_file(rows))
    empty_ws.set_baseline(LOCAL_USER, "youtube", "followers", 1, "2026-06-01", today=TODAY)
    assert followers_by_week(empty_ws).tolist() == [500.0]


@pytest.mark.parametrize(
    ("metric", "refused"),
    [("followers_gained", False), ("followers", True), ("likes", True)],
)
def test_only_a_change_may_be_negative(
    empty_ws: Workspace, long_file: Callable[..., Path], metric: str, refused: bool
) -> None:
    path = long_file(
        [("2026-06-01", "youtube", metric, 4.0), ("2026-06-02", "youtube", metric, -3.0)]
    )
    if refused:
        with pytest.raises(ImportRejected, match=r"negative value -3 in column value \(metric"):
            empty_ws.import_file(LOCAL_USER, path)
        assert empty_ws.snapshot().uploads == ()
    else:
        empty_ws.import_file(LOCAL_USER, path)
        assert empty_ws.snapshot().weekly["value"].tolist() == [1.0]


@pytest.mark.parametrize(
    ("platform", "metric", "value", "on", "says"),
    [
        ("youtube", "likes", 10, "2026-06-01", "metric: a baseline is given for followers"),
        ("youtube", "followers", -1, "2026-06-01", "followers: expected a whole number"),
        ("youtube", "followers", 10.5, "2026-06-01", "followers: expected a whole number"),
        ("youtube", "followers", "many", "2026-06-01", "followers: expected a whole number"),
        ("youtube", "followers", None, "2026-06-01", "followers: expected a whole number"),
        ("youtube", "followers", 10, "2026-12-24", "on: 24 Dec 2026 is in the future"),
        ("youtube", "followers", 10, "01/06/2026", "on: expected a date such as"),
        ("=cmd", "followers", 10, "2026-06-01", "which a spreadsheet would run as a formula"),
    ],
)
def test_a_bad_baseline_is_refused_naming_the_field_and_nothing_is_stored(
    empty_ws: Workspace, platform: str, metric: str, value: object, on: str, says: str
) -> None:
    before = workspace_state(empty_ws)
    with pytest.raises(ValidationError, match=re.escape(says)):
        empty_ws.set_baseline(LOCAL_USER, platform, metric, value, on, today=TODAY)
    assert workspace_state(empty_ws) == before


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_stages_page_names_the_missing_baseline_and_saves_one(
    app_ws: Workspace, gains_file: Path
) -> None:
    app_ws.import_file(LOCAL_USER, gains_file)
    at = open_page("pages/2_Stages.py", timeout=60)
    assert any("wait for a baseline on: youtube" in w.value for w in at.warning)

    at.selectbox(key="baseline_platform").set_value("youtube")
    at.number_input(key="baseline_value").set_value(12000)
    type_day(at, "baseline_on", dt.date(2026, 7, 19))
    click(at, "Save the baseline")

    assert not at.exception
    assert [s.value for s in at.success] == [
        "Baseline saved: youtube: 12,000 followers on 19 Jul 2026."
    ]
    assert not any("wait for a baseline" in w.value for w in at.warning)
    assert app_ws.snapshot().baselines["youtube"].value == 12000
