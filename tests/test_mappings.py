"""A file that is neither a known export nor a layout: mapped once, then recognised by its
header (``strategy.ingest.mappings``), its weekly numbers checked against pandas on the truth."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from strategy.domain.access import LOCAL_USER
from strategy.domain.errors import ImportRejected, ValidationError
from strategy.ingest.mappings import BY_NAME, FileMapping, check_mapping
from strategy.usecases import Workspace
from tests.conftest import cli
from tests.engines import workspace_state

HEADER = ["Day", "Boosts", "Favourites", "Replies", "Reply rate (%)", "Server"]
FIRST = dt.date(2025, 9, 1)  # a Monday


def mastodon_file(
    folder: Path, name: str, days: int = 28, seed: int = 3
) -> tuple[Path, pd.DataFrame]:
    """A Mastodon instance's daily stats as its admin tool writes them: DD/MM/YYYY dates."""
    rng = np.random.default_rng(seed)
    truth = pd.DataFrame(
        {
            "day": [FIRST + dt.timedelta(days=i) for i in range(days)],
            "boosts": rng.integers(0, 90, days),
            "favourites": rng.integers(0, 300, days),
            "replies": rng.integers(0, 60, days),
            "rate": rng.integers(1, 40, days) / 10,
        }
    )
    lines = [",".join(HEADER)]
    lines += [
        f"{r.day:%d/%m/%Y},{r.boosts},{r.favourites},{r.replies},{r.rate},social.acme.example"
        for r in truth.itertuples(index=False)
    ]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, truth


def the_mapping(name: str = "mastodon") -> FileMapping:
    return check_mapping(
        name,
        HEADER,
        "Mastodon",
        "Day",
        "DD/MM/YYYY",
        {
            "Boosts": ("boosts", "max"),
            "Favourites": ("favourites", BY_NAME),
            "Replies": ("member_interactions", BY_NAME),
            "Reply rate (%)": ("reply rate (%)", BY_NAME),
            "Server": ("", BY_NAME),
        },
    )


def weekly(truth: pd.DataFrame, column: str, how: str) -> list[float]:
    frame = truth.assign(week=pd.to_datetime(truth["day"]).dt.to_period("W-SUN"))
    return frame.groupby("week")[column].agg(how).astype("float64").tolist()


def stored(ws: Workspace, metric: str) -> list[float]:
    rows = ws.snapshot().weekly
    return rows[rows["metric"] == metric].sort_values("week")["value"].tolist()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_file_mapped_once_is_read_by_its_mapping_and_the_next_one_too(
    empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, truth = mastodon_file(tmp_path, "stats-september.csv")
    before = workspace_state(empty_ws)
    with pytest.raises(ImportRejected):
        empty_ws.import_file(LOCAL_USER, first)
    assert workspace_state(empty_ws) == before

    empty_ws.save_mapping(LOCAL_USER, the_mapping())
    upload = empty_ws.import_file(LOCAL_USER, first)

    assert (upload.layout, upload.platforms) == ("mapping 'mastodon'", ("mastodon",))
    assert stored(empty_ws, "boosts") == weekly(truth, "boosts", "max")  # chosen: max
    assert stored(empty_ws, "favourites") == weekly(truth, "favourites", "sum")
    assert stored(empty_ws, "member_interactions") == weekly(truth, "replies", "sum")
    rates = stored(empty_ws, "reply_rate_(%)")
    np.testing.assert_allclose(rates, weekly(truth, "rate", "mean"))  # a rate: never summed
    assert "server" not in set(empty_ws.snapshot().weekly["metric"])

    second, later = mastodon_file(tmp_path, "stats-october.csv", seed=9)
    code, out, _ = cli(capsys, "import", empty_ws.location.key, str(second))
    assert code == 0 and "as upload #2: mapping 'mastodon'" in out
    assert stored(empty_ws, "favourites") == weekly(later, "favourites", "sum")  # later wins
    listed = json.loads(
        cli(capsys, "uploads", "list", empty_ws.location.key, "--format", "json")[1]
    )
    assert listed[-1]["aggregations"]["boosts"] == "max"  # the mapping's choice, not the rule's
    assert listed[-1]["aggregations"]["reply_rate_(%)"] == "mean"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_mappings_are_listed_shown_and_removed_on_the_command_line(
    empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = empty_ws.location.key
    empty_ws.save_mapping(LOCAL_USER, the_mapping())
    code, out, _ = cli(capsys, "mappings", "list", where)
    assert (code, out) == (
        0,
        "mastodon: mastodon, day, boosts, favourites, replies, reply rate (%), server",
    )
    shown = json.loads(cli(capsys, "mappings", "show", where, "mastodon")[1])
    assert shown["date_format"] == "DD/MM/YYYY"
    assert ["boosts", "boosts", "max"] in shown["columns"]
    assert ["server", None, None] in shown["columns"]

    other, _ = mastodon_file(tmp_path, "other.csv")
    other.write_text("Day,Boosts\n01/09/2025,3\n", encoding="utf-8")
    code, _, err = cli(capsys, "import", where, str(other), "--mapping", "mastodon")
    assert code == 1 and "mapping 'mastodon' was made for a file with the columns" in err

    assert cli(capsys, "mappings", "remove", where, "mastodon")[1] == "removed mapping 'mastodon'"
    assert cli(capsys, "mappings", "list", where)[1] == "(no mappings)"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"name": ""}, "mapping name: expected a name of 1 to 60 characters"),
        ({"date": "When"}, "date column: expected one of the file's columns"),
        ({"date_format": "every other Tuesday"}, "date format: 'every other Tuesday' is not one"),
        ({"platform": "=cmd"}, "which a spreadsheet would run as a formula"),
        ({"columns": {"Boosts": ("week", BY_NAME)}}, "is a name the weekly table computes"),
        ({"columns": {"Boosts": ("=x", BY_NAME)}}, "which a spreadsheet would run as a formula"),
        ({"columns": {"Boosts": ("boosts", "tally")}}, "aggregation: expected one of"),
        ({"columns": {"Likes": ("likes", BY_NAME)}}, "column 'likes': not a column of the file"),
        ({"columns": {"Boosts": ("", BY_NAME)}}, "columns: map at least one column to a metric"),
        (
            {"columns": {"Boosts": ("likes", BY_NAME), "Replies": ("likes", BY_NAME)}},
            "metric 'likes': two columns map to it",
        ),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_field(change: dict[str, object], says: str) -> None:
    fields: dict[str, object] = {
        "name": "mastodon",
        "header": HEADER,
        "platform": "mastodon",
        "date": "Day",
        "date_format": "DD/MM/YYYY",
        "columns": {"Boosts": ("boosts", BY_NAME)},
        **change,
    }
    with pytest.raises(ValidationError, match=re.escape(says)):
        check_mapping(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_mapping_saved_for_the_same_header_replaces_the_earlier_one(
    empty_ws: Workspace,
) -> None:
    empty_ws.save_mapping(LOCAL_USER, the_mapping("first"))
    empty_ws.save_mapping(LOCAL_USER, the_mapping("second"))
    assert list(empty_ws.snapshot().mappings) == ["second"]
