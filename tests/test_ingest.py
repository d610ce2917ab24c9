"""Reading metric files: layouts, time handling, weekly aggregation, rejections (of parquet,
CSV and xlsx files alike; `tests/test_spreadsheets.py` has what only spreadsheets have)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from strategy.domain.errors import ImportRejected
from strategy.ingest.read import ImportedFile, detect_layout, read_metrics
from strategy.usecases import Workspace
from tests.conftest import EDITOR, cli, workspace_state
from tests.conftest import TODAY as STORE_TODAY
from tests.spreadsheet_files import FORMATS, SUFFIX, as_format, parquet_bytes

TODAY = dt.date(2024, 6, 30)
UTC = dt.UTC


def write(tmp_path: Path, columns: dict[str, Any] | pa.Table, name: str = "m.parquet") -> Path:
    """Write columns (lists or pyarrow arrays) as a parquet file in tmp_path."""
    table = columns if isinstance(columns, pa.Table) else pa.table(columns)
    path = tmp_path / name
    pq.write_table(table, path)
    return path


def long_file(tmp_path: Path, rows: list[tuple[Any, str, str, Any]], **kw: Any) -> Path:
    dates, platforms, metrics, values = zip(*rows, strict=True)
    return write(
        tmp_path,
        {
            "date": list(dates),
            "platform": list(platforms),
            "metric": list(metrics),
            "value": list(values),
        },
        **kw,
    )


def read(path: Path, **kw: Any) -> ImportedFile:
    return read_metrics(path, today=TODAY, **kw)


def value(imported: ImportedFile, platform: str, week: str, metric: str) -> float:
    w = imported.weekly
    hit = w[(w.platform == platform) & (w.week == pd.Timestamp(week)) & (w.metric == metric)]
    assert len(hit) == 1, hit
    return float(hit["value"].iloc[0])


def rejected(path: Path, *fragments: str, name: str | None = None) -> str:
    """Assert the file is refused with a message starting with its name and holding fragments."""
    with pytest.raises(ImportRejected) as info:
        read_metrics(path, today=TODAY, name=name)
    message = str(info.value)
    assert message.startswith(f"{name or path.name}: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


D = dt.date


# --- layouts -------------------------------------------------------------------------------


def test_detect_layout_recognises_the_three_layouts_ignoring_case_and_spaces() -> None:
    assert detect_layout(["date", "platform", "metric", "value"]) == "long"
    assert detect_layout([" Date", "PLATFORM ", "followers", "brand_posts"]) == "wide"
    assert detect_layout(["TS", "Platform", "Member_ID", " kind", "by_brand"]) == "events"


def test_detect_layout_names_the_layout_it_looked_like_and_the_missing_column() -> None:
    with pytest.raises(ImportRejected, match=r"long layout.*no 'value' column"):
        detect_layout(["date", "platform", "metric"])
    with pytest.raises(ImportRejected, match=r"events layout.*no 'by_brand' column"):
        detect_layout(["ts", "platform", "member_id", "kind"])
    with pytest.raises(ImportRejected, match=r"wide layout.*no 'platform' column"):
        detect_layout(["date", "followers"])
    with pytest.raises(ImportRejected, match=r"wide layout.*no metric column"):
        detect_layout(["date", "platform"])


def test_detect_layout_lists_the_accepted_layouts_when_nothing_fits() -> None:
    with pytest.raises(ImportRejected) as info:
        detect_layout(["a", "b"])
    message = str(info.value)
    assert "'a', 'b'" in message
    for layout in ("long (date, platform, metric, value)", "wide (date, platform", "events (ts"):
        assert layout in message


def test_long_layout_is_normalised_to_the_weekly_table(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [
            (D(2024, 1, 1), " Instagram ", "Followers", 100),
            (D(2024, 1, 2), "instagram", "brand_posts", 2),
            (D(2024, 1, 9), "LinkedIn", "followers", 50),
        ],
        name="upload.parquet",
    )
    imported = read(path)
    assert imported.name == "upload.parquet"
    assert imported.layout == "long"
    assert imported.rows == 3
    assert imported.platforms == ("instagram", "linkedin")
    assert imported.metrics == ("brand_posts", "followers")
    assert imported.first_week == D(2024, 1, 1)
    assert imported.last_week == D(2024, 1, 8)
    assert list(imported.weekly.columns) == ["week", "platform", "metric", "value"]
    assert str(imported.weekly["week"].dtype) == "datetime64[ns]"
    assert imported.weekly["value"].dtype == "float64"
    assert value(imported, "instagram", "2024-01-01", "followers") == 100
    assert value(imported, "linkedin", "2024-01-08", "followers") == 50


def test_name_overrides_the_path_name(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(D(2024, 1, 1), "x", "followers", 1)], name="a1b2c3.parquet")
    assert read(path, name="march.parquet").name == "march.parquet"


def test_wide_layout_makes_one_metric_per_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "Date": [D(2024, 1, 1), D(2024, 1, 3)],
            "Platform": ["forum", "forum"],
            "Followers": [10, 12],
            "Brand Posts": [1.0, 3.0],
            "shares": [4, 5],
        },
    )
    imported = read(path)
    assert imported.layout == "wide"
    assert imported.metrics == ("brand_posts", "followers", "shares")
    assert value(imported, "forum", "2024-01-01", "followers") == 12
    assert value(imported, "forum", "2024-01-01", "brand_posts") == 4
    assert value(imported, "forum", "2024-01-01", "shares") == 9


def test_no_derived_ratios_are_in_the_imported_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "date": [D(2024, 1, 1)],
            "platform": ["x"],
            "followers": [100],
            "member_interactions": [5],
        },
    )
    assert read(path).metrics == ("followers", "member_interactions")


def test_pandas_index_column_is_not_a_metric(tmp_path: Path) -> None:
    frame = pd.DataFrame({"date": [D(2024, 1, 1)], "platform": ["x"], "followers": [1]}, index=[7])
    path = tmp_path / "indexed.parquet"
    frame.to_parquet(path)
    assert read(path).metrics == ("followers",)


def test_events_layout_is_detected_and_derived(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "ts": pa.array([dt.datetime(2024, 1, 2, 9, tzinfo=UTC)] * 2, pa.timestamp("us", "UTC")),
            "platform": ["Forum", "forum"],
            "member_id": [1, 2],
            "kind": ["comment", "post"],
            "by_brand": [False, True],
        },
    )
    imported = read(path)
    assert imported.layout == "events"
    assert imported.rows == 2
    assert imported.platforms == ("forum",)
    assert value(imported, "forum", "2024-01-01", "brand_posts") == 1
    assert value(imported, "forum", "2024-01-01", "member_interactions") == 1


# --- dates and weeks -------------------------------------------------------------------------


def test_week_boundary_sunday_night_and_monday_midnight_utc(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [
            (dt.datetime(2024, 1, 7, 23, 30), "x", "brand_posts", 1),  # Sunday
            (dt.datetime(2024, 1, 8, 0, 0), "x", "brand_posts", 10),  # Monday
        ],
    )
    imported = read(path)
    assert value(imported, "x", "2024-01-01", "brand_posts") == 1
    assert value(imported, "x", "2024-01-08", "brand_posts") == 10


def test_tz_aware_timestamps_are_converted_to_utc_before_the_week_is_taken(
    tmp_path: Path,
) -> None:
    berlin = dt.timezone(dt.timedelta(hours=2))
    stamps = [
        dt.datetime(2024, 1, 8, 1, 0, tzinfo=berlin),
        dt.datetime(2024, 1, 8, 3, tzinfo=berlin),
    ]
    path = write(
        tmp_path,
        {
            "date": pa.array(stamps, pa.timestamp("ns", tz="Europe/Berlin")),
            "platform": ["x", "x"],
            "metric": ["brand_posts", "brand_posts"],
            "value": [1, 10],
        },
    )
    imported = read(path)
    # Monday 01:00+02:00 is Sunday 23:00 UTC; Monday 03:00+02:00 is Monday 01:00 UTC.
    assert value(imported, "x", "2024-01-01", "brand_posts") == 1
    assert value(imported, "x", "2024-01-08", "brand_posts") == 10


def test_iso_strings_with_and_without_offsets_are_parsed_as_utc(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [
            ("2024-01-08T01:00:00+02:00", "x", "brand_posts", 1),
            ("2024-01-07 23:30", "x", "brand_posts", 2),
            ("2024-01-08", "x", "brand_posts", 10),
        ],
    )
    imported = read(path)
    assert value(imported, "x", "2024-01-01", "brand_posts") == 3
    assert value(imported, "x", "2024-01-08", "brand_posts") == 10


def test_naive_timestamps_are_taken_as_utc(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(dt.datetime(2024, 1, 14, 23, 59), "x", "threads", 4)])
    assert read(path).first_week == D(2024, 1, 8)


def test_a_date_of_today_is_accepted(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(TODAY, "x", "threads", 4)])
    assert read(path).last_week == D(2024, 6, 24)


# --- how far the data reaches ----------------------------------------------------------------


def days(first: dt.date, last: dt.date, step: int = 1) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(0, (last - first).days + 1, step)]


def events_columns(rows: list[tuple[dt.datetime, str]]) -> dict[str, Any]:
    stamps, platforms = zip(*rows, strict=True)
    return {
        "ts": pa.array(stamps, pa.timestamp("us", "Europe/Berlin")),
        "platform": list(platforms),
        "member_id": list(range(len(rows))),
        "kind": ["comment"] * len(rows),
        "by_brand": [False] * len(rows),
    }


BERLIN = dt.timezone(dt.timedelta(hours=1))
DAILY_TO_WEDNESDAY = days(D(2024, 1, 1), D(2024, 1, 17))  # the last week: Monday to Wednesday
MONDAYS = days(D(2024, 1, 1), D(2024, 1, 29), step=7)
THURSDAYS = days(D(2024, 1, 4), D(2024, 1, 25), step=7)
DATA_THROUGH = {
    "daily long file ending on a Wednesday": (
        {
            "date": DAILY_TO_WEDNESDAY,
            "platform": ["x"] * len(DAILY_TO_WEDNESDAY),
            "metric": ["followers"] * len(DAILY_TO_WEDNESDAY),
            "value": [100.0] * len(DAILY_TO_WEDNESDAY),
        },
        {"x": D(2024, 1, 17)},
    ),
    "daily long file whose last week holds one day": (
        {
            "date": [*days(D(2024, 1, 1), D(2024, 1, 3)), D(2024, 1, 8)],
            "platform": ["x"] * 4,
            "metric": ["threads"] * 4,
            "value": [1.0] * 4,
        },
        {"x": D(2024, 1, 8)},
    ),
    "weekly wide file dated on Mondays": (
        {"date": MONDAYS, "platform": ["x"] * len(MONDAYS), "followers": [1] * len(MONDAYS)},
        {"x": D(2024, 2, 4)},
    ),
    "weekly wide file dated on Thursdays, and a daily platform": (
        {
            "date": [*THURSDAYS, D(2024, 1, 22), D(2024, 1, 24)],
            "platform": ["Weekly"] * len(THURSDAYS) + ["daily"] * 2,
            "followers": [1] * (len(THURSDAYS) + 2),
        },
        {"weekly": D(2024, 1, 28), "daily": D(2024, 1, 24)},
    ),
    "events file": (
        events_columns(
            [
                (dt.datetime(2024, 1, 3, 9, tzinfo=UTC), "Forum"),
                (dt.datetime(2024, 1, 10, 23, 30, tzinfo=UTC), "forum"),  # the 11th in Berlin
                (dt.datetime(2024, 1, 5, 9, tzinfo=UTC), "forum"),
                (dt.datetime(2024, 1, 2, 0, 30, tzinfo=BERLIN), "ig"),  # the 1st in UTC
                (dt.datetime(2023, 12, 20, 12, tzinfo=UTC), "ig"),
            ]
        ),
        {"forum": D(2024, 1, 10), "ig": D(2024, 1, 1)},
    ),
}


@pytest.mark.parametrize("case", list(DATA_THROUGH))
def test_data_through_is_the_last_day_each_platform_covers(tmp_path: Path, case: str) -> None:
    columns, expected = DATA_THROUGH[case]
    imported = read(write(tmp_path, columns))
    assert imported.data_through == expected
    assert set(imported.data_through) == set(imported.platforms)


# --- weekly aggregation ----------------------------------------------------------------------


@pytest.mark.parametrize("metric", ["followers", "community_members"])
def test_audience_counts_take_the_value_of_the_latest_date_in_the_week(
    tmp_path: Path, metric: str
) -> None:
    path = long_file(
        tmp_path,
        [
            (D(2024, 1, 5), "x", metric, 110),  # Friday, listed first
            (D(2024, 1, 1), "x", metric, 100),
            (D(2024, 1, 3), "x", metric, 120),
            (D(2024, 1, 9), "x", metric, 90),
            (D(2024, 1, 8), "x", metric, 130),
        ],
    )
    imported = read(path)
    assert value(imported, "x", "2024-01-01", metric) == 110
    assert value(imported, "x", "2024-01-08", metric) == 90


def test_counts_are_summed_per_week(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [
            (D(2024, 1, 1), "x", "brand_posts", 1),
            (D(2024, 1, 4), "x", "brand_posts", 2),
            (D(2024, 1, 8), "x", "brand_posts", 5),
            (D(2024, 1, 2), "x", "inbound_messages", 7),
            (D(2024, 1, 3), "x", "inbound_messages", 8),
        ],
    )
    imported = read(path)
    assert value(imported, "x", "2024-01-01", "brand_posts") == 3
    assert value(imported, "x", "2024-01-08", "brand_posts") == 5
    assert value(imported, "x", "2024-01-01", "inbound_messages") == 15


def test_active_members_take_the_week_maximum_and_response_time_the_median(
    tmp_path: Path,
) -> None:
    path = long_file(
        tmp_path,
        [
            (D(2024, 1, 1), "x", "active_members", 40),
            (D(2024, 1, 2), "x", "active_members", 70),
            (D(2024, 1, 3), "x", "active_members", 55),
            (D(2024, 1, 1), "x", "response_minutes_median", 10),
            (D(2024, 1, 2), "x", "response_minutes_median", 30),
            (D(2024, 1, 3), "x", "response_minutes_median", 200),
        ],
    )
    imported = read(path)
    assert value(imported, "x", "2024-01-01", "active_members") == 70
    assert value(imported, "x", "2024-01-01", "response_minutes_median") == 30


def test_unknown_metrics_are_kept_and_summed(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [(D(2024, 1, 1), "x", "Story Views", 3), (D(2024, 1, 2), "x", "story views", 4)],
    )
    imported = read(path)
    assert imported.metrics == ("story_views",)
    assert value(imported, "x", "2024-01-01", "story_views") == 7


WEEK_DAYS = [D(2024, 1, 1) + dt.timedelta(days=n) for n in range(7)]
"""The seven days of the ISO week of Monday 2024-01-01."""


@pytest.mark.parametrize(
    ("metric", "daily", "weekly"),
    [
        ("pct_communicated", [0.03] * 7, 0.03),
        ("pct_opened_channels", [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07], 0.04),
        ("Click Through Rate", [0.1, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2], 0.2),
        ("messages_per_communicator", [2, 4, 3, 3, 3, 3, 3], 3),
        ("total_membership", [100, 101, 103, 103, 104, 110, 112], 112),
        ("subscribers", [50, 51, 52, 53, 54, 55, 56], 56),
        ("new_followers", [1, 2, 3, 4, 5, 6, 7], 28),
        ("likes", [10, 10, 10, 10, 10, 10, 10], 70),
    ],
)
def test_an_unknown_metric_takes_its_weekly_value_by_what_its_name_says(
    tmp_path: Path, metric: str, daily: list[float], weekly: float
) -> None:
    rows = [(day, "discord", metric, float(v)) for day, v in zip(WEEK_DAYS, daily, strict=True)]
    imported = read(long_file(tmp_path, rows[::-1]))  # listed newest first
    name = imported.metrics[0]
    assert value(imported, "discord", "2024-01-01", name) == pytest.approx(weekly)


def daily_rate_file(layout: str, fmt: str) -> bytes:
    """Discord's two charts for the week of Monday 2026-11-09: a daily rate of 0.03 and a
    count of messages, in the long or the wide layout."""
    days = [D(2026, 11, 9) + dt.timedelta(days=n) for n in range(7)]
    if layout == "long":
        table = pa.table(
            {
                "date": days * 2,
                "platform": ["Discord"] * 14,
                "metric": ["pct_communicated"] * 7 + ["messages"] * 7,
                "value": [0.03] * 7 + [40.0] * 7,
            }
        )
    else:
        table = pa.table(
            {
                "date": days,
                "platform": ["Discord"] * 7,
                "pct_communicated": [0.03] * 7,
                "messages": [40.0] * 7,
            }
        )
    return as_format(table, fmt)


@pytest.mark.parametrize(("layout", "fmt"), [("long", "parquet"), ("wide", "csv")])
def test_a_daily_rate_is_never_summed_in_the_stored_weekly_table_or_the_csv_report(
    empty_ws: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    layout: str,
    fmt: str,
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", STORE_TODAY.isoformat())
    path = tmp_path / f"discord{SUFFIX[fmt]}"
    path.write_bytes(daily_rate_file(layout, fmt))
    ws = empty_ws.location.key
    assert cli(capsys, "import", ws, str(path), "--new-metrics")[0] == 0

    stored = empty_ws.snapshot().weekly.set_index("metric")["value"]
    assert stored["pct_communicated"] == pytest.approx(0.03)  # not 0.21, seven days summed
    assert stored["messages"] == 280

    code, out, _ = cli(capsys, "report", ws, "--format", "csv")
    assert code == 0
    report = pd.read_csv(io.StringIO(out)).set_index(["platform", "week"])
    week = report.loc[("discord", "2026-11-09")]
    assert (week["pct_communicated"], week["messages"]) == (0.03, 280)


def test_platform_names_are_normalised_and_merged(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [
            (D(2024, 1, 1), " Instagram ", "brand_posts", 1),
            (D(2024, 1, 2), "instagram", "brand_posts", 2),
        ],
    )
    imported = read(path)
    assert imported.platforms == ("instagram",)
    assert value(imported, "instagram", "2024-01-01", "brand_posts") == 3


def test_a_platform_typed_with_a_combining_accent_is_the_same_platform(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [
            (D(2024, 1, 1), "Jos\u00e9 Forum", "brand_posts", 1),  # é as one character
            (D(2024, 1, 2), "Jose\u0301 Forum", "brand_posts", 2),  # e + combining accent
        ],
    )
    imported = read(path)
    assert imported.platforms == ("jos\u00e9_forum",)
    assert value(imported, "jos\u00e9_forum", "2024-01-01", "brand_posts") == 3


def test_a_platform_name_of_a_hundred_characters_is_accepted(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(D(2024, 1, 1), "P" * 100, "brand_posts", 1)])
    assert read(path).platforms == ("p" * 100,)


def test_exact_duplicate_rows_are_dropped_silently(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [(D(2024, 1, 1), "x", "brand_posts", 2), (D(2024, 1, 1), " X", "brand_posts", 2)],
    )
    imported = read(path)
    assert imported.rows == 2
    assert value(imported, "x", "2024-01-01", "brand_posts") == 2


def test_numeric_text_in_the_value_column_is_accepted(tmp_path: Path) -> None:
    path = long_file(
        tmp_path, [(D(2024, 1, 1), "x", "threads", "12"), (D(2024, 1, 2), "x", "threads", "3.5")]
    )
    assert value(read(path), "x", "2024-01-01", "threads") == 15.5


def test_a_value_of_exactly_the_limit_is_accepted(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(D(2024, 1, 1), "x", "followers", 1e12)])
    assert value(read(path), "x", "2024-01-01", "followers") == 1e12


# --- rejections ------------------------------------------------------------------------------


def test_reading_never_writes_anything(tmp_path: Path) -> None:
    good = long_file(tmp_path, [(D(2024, 1, 1), "x", "followers", 1)], name="good.parquet")
    bad = long_file(tmp_path, [(D(2024, 1, 1), "x", "followers", -1)], name="bad.parquet")
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    read(good)
    with pytest.raises(ImportRejected):
        read(bad)
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_missing_file_is_refused(tmp_path: Path) -> None:
    rejected(tmp_path / "gone.parquet", "not found")


def test_not_a_parquet_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "metrics.parquet"
    path.write_text("date,platform,metric,value\n2024-01-01,x,followers,1\n")
    rejected(path, "not a parquet file")


def test_a_file_named_neither_parquet_csv_nor_xlsx_and_not_parquet_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "metrics.txt"
    path.write_text("date,platform,metric,value\n2024-01-01,x,followers,1\n")
    rejected(path, "not a parquet file", "name a CSV file .csv")


def test_truncated_parquet_is_refused(tmp_path: Path) -> None:
    whole = long_file(tmp_path, [(D(2024, 1, 1), "x", "followers", i) for i in range(50)])
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    rejected(cut, "truncated")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    path.write_bytes(b"")
    rejected(path, "empty (0 bytes)")


def test_zero_rows_is_refused(tmp_path: Path) -> None:
    table = pa.table(
        {
            "date": pa.array([], pa.date32()),
            "platform": pa.array([], pa.string()),
            "metric": pa.array([], pa.string()),
            "value": pa.array([], pa.float64()),
        }
    )
    rejected(write(tmp_path, table), "no rows")


def test_missing_column_names_the_layout_and_the_column(tmp_path: Path) -> None:
    path = write(tmp_path, {"date": [D(2024, 1, 1)], "platform": ["x"], "metric": ["followers"]})
    rejected(path, "long layout", "'value'")


def test_unrecognised_layout_lists_what_was_expected(tmp_path: Path) -> None:
    path = write(tmp_path, {"when": [D(2024, 1, 1)], "where": ["x"]})
    rejected(path, "unrecognised layout", "'when', 'where'", "long (date, platform, metric, value)")


def test_duplicate_column_names_after_normalisation_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        pa.table(
            [pa.array([D(2024, 1, 1)]), pa.array(["x"]), pa.array([1]), pa.array([2])],
            names=["date", "platform", "Followers", "followers "],
        ),
    )
    rejected(path, "'Followers'", "'followers '", "same name")


def test_text_in_a_wide_metric_column_names_column_row_and_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "date": [D(2024, 1, 1), D(2024, 1, 2)],
            "platform": ["x", "x"],
            "followers": ["10", "n/a"],
        },
    )
    rejected(path, "text 'n/a'", "column followers", "row 2")


def test_text_in_the_long_value_column_names_column_row_and_text(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [(D(2024, 1, 1), "x", "threads", "4"), (D(2024, 1, 2), "x", "threads", "many")],
    )
    rejected(path, "text 'many'", "column value", "row 2")


@pytest.mark.parametrize(
    "metric", ["followers", "brand_posts", "story_views", "response_minutes_median"]
)
def test_negative_values_are_refused(tmp_path: Path, metric: str) -> None:
    path = long_file(tmp_path, [(D(2024, 1, 1), "x", metric, 3), (D(2024, 1, 2), "x", metric, -2)])
    rejected(path, "negative value -2", "column value", f"metric {metric}", "row 2")


def test_negative_value_in_a_wide_column_names_the_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"date": [D(2024, 1, 1), D(2024, 1, 2)], "platform": ["x", "x"], "Brand Posts": [1, -1]},
    )
    rejected(path, "negative value -1", "column Brand Posts", "row 2")


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (float("nan"), "NaN"),
        (float("inf"), "infinite"),
        (float("-inf"), "infinite"),
        (None, "missing value"),
    ],
)
def test_nan_infinite_and_missing_values_are_refused(
    tmp_path: Path, bad: float | None, problem: str
) -> None:
    path = write(
        tmp_path,
        {
            "date": [D(2024, 1, 1), D(2024, 1, 2), D(2024, 1, 3)],
            "platform": ["x", "x", "x"],
            "followers": pa.array([1.0, 2.0, bad], pa.float64()),
        },
    )
    rejected(path, problem, "column followers", "row 3")


def test_a_value_too_large_to_be_real_is_refused(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(D(2024, 1, 1), "x", "followers", 2e12)])
    rejected(path, "too large", "column value", "row 1")


def test_a_date_in_the_future_is_refused(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [(TODAY, "x", "followers", 1), (TODAY + dt.timedelta(days=1), "x", "followers", 2)],
    )
    rejected(path, "2024-07-01", "row 2", "future")


def test_future_is_judged_against_the_real_date_by_default(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(D(2999, 1, 1), "x", "followers", 1)])
    with pytest.raises(ImportRejected, match="future"):
        read_metrics(path)


def test_a_date_too_early_to_be_real_is_refused(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(D(1970, 1, 1), "x", "followers", 1)])
    rejected(path, "1970-01-01", "row 1", "too early")


def test_a_missing_date_names_the_row(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(D(2024, 1, 1), "x", "followers", 1), (None, "x", "followers", 2)])
    rejected(path, "missing date", "row 2")


def test_an_unparseable_date_string_names_the_row_and_text(tmp_path: Path) -> None:
    path = long_file(
        tmp_path, [("2024-01-01", "x", "followers", 1), ("last tuesday", "x", "followers", 2)]
    )
    rejected(path, "column date", "row 2", "'last tuesday'", "not a date")


def test_a_date_column_of_numbers_is_refused(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(20240101, "x", "followers", 1)])
    rejected(path, "column date", "int64")


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_missing_or_blank_platform_names_the_row(tmp_path: Path, blank: str | None) -> None:
    path = write(
        tmp_path,
        {
            "date": [D(2024, 1, 1), D(2024, 1, 2)],
            "platform": pa.array(["x", blank], pa.string()),
            "followers": [1, 2],
        },
    )
    rejected(path, "missing platform", "row 2")


def test_conflicting_long_rows_name_date_platform_metric_and_row(tmp_path: Path) -> None:
    path = long_file(
        tmp_path,
        [
            (D(2024, 1, 1), "x", "followers", 10),
            (D(2024, 1, 2), "x", "followers", 11),
            (D(2024, 1, 1), "x", "followers", 10),  # exact repeat: fine
            (D(2024, 1, 1), " X ", "followers", 12),
        ],
    )
    rejected(path, "conflicting", "2024-01-01", "platform x", "metric followers", "row 4", "row 1")


def test_conflicting_wide_rows_name_the_differing_metric(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "date": [D(2024, 1, 1), D(2024, 1, 1)],
            "platform": ["x", "x"],
            "followers": [10, 10],
            "threads": [1, 2],
        },
    )
    rejected(path, "conflicting", "2024-01-01", "platform x", "metric threads", "row 2")


def test_a_derived_ratio_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, {"date": [D(2024, 1, 1)], "platform": ["x"], "engagement_rate": [0.1]})
    rejected(path, "engagement_rate", "member_interactions")


AUDIENCE_REFUSAL = "audience is computed from followers or community_members; upload those instead"


@pytest.mark.parametrize(
    "columns",
    [
        {"date": [D(2024, 1, 1)], "platform": ["x"], "followers": [5], "Audience": [120]},
        {"date": [D(2024, 1, 1)], "platform": ["x"], "metric": [" AUDIENCE"], "value": [120]},
    ],
    ids=["wide column", "long metric"],
)
def test_audience_uploaded_as_a_metric_is_refused_naming_what_to_upload(
    tmp_path: Path, columns: dict[str, list[Any]]
) -> None:
    assert rejected(write(tmp_path, columns)) == f"m.parquet: {AUDIENCE_REFUSAL}"


@pytest.mark.parametrize("name", ["week", "Week ", "platform", "date", "metric", "VALUE"])
def test_a_metric_named_like_a_column_of_the_weekly_table_is_refused(
    tmp_path: Path, name: str
) -> None:
    path = long_file(
        tmp_path, [(D(2024, 1, 1), "x", "followers", 1), (D(2024, 1, 2), "x", name, 2)]
    )
    rejected(path, f"metric {name.strip().lower()!r} at row 2", "reserved name", "rename")


def test_a_wide_column_named_week_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = write(
        tmp_path, {"date": [D(2024, 1, 1)], "platform": ["x"], "followers": [3], "Week": [1]}
    )
    assert rejected(path) == (
        "m.parquet: metric column 'Week' is a reserved name: date, metric, platform, value "
        "and week are columns of the weekly table, not metrics; rename the metric (for "
        "example to week_count)"
    )


BAD_PLATFORMS = {
    "NUL": ("ig\x00", "U+0000 (control character)"),
    "escape code": ("\x1b[31mig", "U+001B (control character)"),
    "right-to-left override": ("gram\u202eeliforp", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    "zero-width space": ("insta\u200bgram", "U+200B (ZERO WIDTH SPACE)"),
    "too long": ("p" * 5000, "is 5,000 characters long; expected a name of at most 100"),
}


@pytest.mark.parametrize("layout", ["long", "wide"])
@pytest.mark.parametrize("kind", sorted(BAD_PLATFORMS))
def test_a_platform_name_with_invisible_characters_or_too_long_is_refused(
    tmp_path: Path, layout: str, kind: str
) -> None:
    raw, problem = BAD_PLATFORMS[kind]
    dates, platforms = [D(2024, 1, 1), D(2024, 1, 2)], ["x", raw]
    if layout == "long":
        columns = {"date": dates, "platform": platforms, "metric": ["followers"] * 2}
        path = write(tmp_path, {**columns, "value": [1, 2]})
    else:
        path = write(tmp_path, {"date": dates, "platform": platforms, "followers": [1, 2]})
    message = rejected(path, "platform '", "at row 2", problem)
    assert len(message) < 300, message  # a 5000-character name is not repeated in full


def test_more_than_ten_thousand_platforms_are_refused(tmp_path: Path) -> None:
    n = 10_001
    path = long_file(tmp_path, [(D(2024, 1, 1), f"p{i}", "followers", 1) for i in range(n)])
    rejected(path, "10001 distinct platforms", "at most 10000")


def test_a_huge_integer_is_refused_as_too_large(tmp_path: Path) -> None:
    path = long_file(tmp_path, [(D(2024, 1, 1), "x", "followers", 2**63 - 1)])
    rejected(path, "too large", "row 1")


def test_an_all_empty_column_is_reported_as_missing_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"date": pa.array([None, None], pa.null()), "platform": ["x", "x"], "followers": [1, 2]},
    )
    rejected(path, "missing date", "row 1")


def test_extra_columns_in_the_long_layout_are_ignored(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "date": [D(2024, 1, 1)],
            "platform": ["x"],
            "metric": ["threads"],
            "value": [2],
            "note": [[1, 2]],
        },
    )
    assert read(path).metrics == ("threads",)


# --- through the store: a refused file changes nothing ---------------------------------------


def _table(**overrides: Any) -> pa.Table:
    """One good long-layout row, with columns replaced or (value None) removed."""
    columns: dict[str, Any] = {
        "date": [D(2026, 1, 5)],
        "platform": ["instagram"],
        "metric": ["followers"],
        "value": [120.0],
    }
    columns.update(overrides)
    return pa.table({k: v for k, v in columns.items() if v is not None})


def _events(**overrides: Any) -> pa.Table:
    """Two good events rows, with columns replaced."""
    columns: dict[str, Any] = {
        "ts": [dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 1, 6, 18, 30)],
        "platform": ["forum", "forum"],
        "member_id": pa.array([7, 8], pa.int64()),
        "kind": ["comment", "post"],
        "by_brand": [False, True],
    }
    columns.update(overrides)
    return pa.table(columns)


REJECTED_BYTES: dict[str, tuple[bytes, str]] = {
    "not parquet": (b"date,platform,metric,value\n2026-01-05,ig,followers,1\n", "not a parquet"),
    "truncated": (parquet_bytes(_table())[:-30], "truncated"),
}
"""Refusals of a parquet file's bytes."""

REJECTED_TABLES: dict[str, tuple[pa.Table, str]] = {
    "zero rows": (_table().slice(0, 0), "the file has no rows"),
    "missing column": (_table(value=None), "no 'value' column"),
    "text in a number column": (
        _table(metric=None, value=None, followers=["lots"]),
        "text 'lots' in numeric column followers at row 1",
    ),
    "negative count": (_table(value=[-3.0]), "negative value -3"),
    "NaN": (_table(value=[float("nan")]), "NaN (not a number)"),
    "infinite": (_table(value=[float("inf")]), "infinite value"),
    "future date": (_table(date=[D(2026, 11, 24)]), "is in the future"),
    "missing date": (_table(date=pa.array([None], pa.date32())), "missing date at row 1"),
    "missing platform": (
        _table(platform=pa.array([None], pa.string())),
        "missing platform at row 1",
    ),
    "conflicting rows": (
        _table(
            date=[D(2026, 1, 5)] * 2,
            platform=["instagram", " Instagram"],
            metric=["followers"] * 2,
            value=[120.0, 130.0],
        ),
        "conflicting rows for 2026-01-05, platform instagram, metric followers",
    ),
    "audience uploaded": (
        _table(metric=["Audience"]),
        "audience is computed from followers or community_members",
    ),
    "reserved metric name": (_table(metric=["Week"]), "metric 'week' at row 1 is a reserved name"),
    "bad platform name": (
        _table(platform=["insta\u202egram"]),
        "platform 'insta\\u202egram' at row 1 contains the invisible character U+202E",
    ),
    "events: missing member": (
        _events(member_id=pa.array([7, None], pa.int64())),
        "missing member_id at row 2",
    ),
    "events: by_brand not true or false": (
        _events(by_brand=["yes", "maybe"]),
        "column by_brand at row 2 holds 'maybe'; expected true or false",
    ),
    "events: a time in the future": (
        _events(ts=[dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 11, 24, 9)]),
        "at row 2 is in the future",
    ),
}
"""Refusals of a file's content, the same in parquet, CSV and xlsx but for the rows'
numbers: a spreadsheet counts its header as row 1."""


def spreadsheet_rows(message: str, fmt: str) -> str:
    """A parquet file's message with its rows named as a spreadsheet of ``fmt`` names them."""
    if fmt == "parquet":
        return message
    return re.sub(r"\brow (\d+)\b", lambda m: f"row {int(m.group(1)) + 1}", message)


REFUSED = [
    *((kind, "parquet") for kind in REJECTED_BYTES),
    *((kind, fmt) for kind in ["empty", *REJECTED_TABLES] for fmt in FORMATS),
]


@pytest.mark.parametrize(("kind", "fmt"), REFUSED)
def test_a_refused_file_names_itself_and_the_problem_and_changes_nothing(
    demo_read: Workspace, tmp_path: Path, kind: str, fmt: str
) -> None:
    if kind in REJECTED_BYTES:
        content, problem = REJECTED_BYTES[kind]
    elif kind == "empty":
        content, problem = b"", "empty (0 bytes)"
    else:
        table, problem = REJECTED_TABLES[kind]
        content, problem = as_format(table, fmt), spreadsheet_rows(problem, fmt)
    path = tmp_path / f"april export{SUFFIX[fmt]}"
    path.write_bytes(content)
    before = workspace_state(demo_read)
    with pytest.raises(ImportRejected) as info:
        demo_read.import_file(EDITOR, path, today=STORE_TODAY)
    message = str(info.value)
    assert message.startswith(f"april export{SUFFIX[fmt]}: "), message
    assert problem in message, message
    assert workspace_state(demo_read) == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(REJECTED_TABLES))
def test_a_spreadsheet_is_refused_in_the_words_of_the_same_parquet_file_but_for_its_rows(
    tmp_path: Path, kind: str, fmt: str
) -> None:
    table, _ = REJECTED_TABLES[kind]
    messages = {}
    for each in ("parquet", fmt):
        path = tmp_path / f"april{SUFFIX[each]}"
        path.write_bytes(as_format(table, each))
        with pytest.raises(ImportRejected) as info:
            read_metrics(path, name="april", today=STORE_TODAY)
        messages[each] = str(info.value)
    assert messages[fmt] == spreadsheet_rows(messages["parquet"], fmt)
