"""Weekly community metrics derived from interaction events, and events-file validation."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from strategy.domain.analysis import analyse
from strategy.domain.errors import ImportRejected, ValidationError
from strategy.domain.gates import DEFAULT_GATES, Stage, gates_to_dict
from strategy.domain.metrics import to_wide
from strategy.ingest.events import EVENT_METRICS, derive_weekly_events
from strategy.ingest.read import read_metrics
from strategy.usecases import Workspace
from tests.conftest import EDITOR
from tests.conftest import TODAY as STORE_TODAY

TODAY = dt.date(2024, 6, 30)
W1, W2, W3, W4 = (dt.datetime(2024, 1, 1) + dt.timedelta(weeks=i, hours=12) for i in range(4))
"""Noon on the Mondays of four consecutive weeks (W1 = 2024-01-01)."""

Event = tuple[Any, str, Any, str | None, Any]


def events_file(
    tmp_path: Path,
    rows: list[Event],
    *,
    ts_type: pa.DataType | None = None,
    by_brand_type: pa.DataType | None = None,
    member_type: pa.DataType | None = None,
    name: str = "events.parquet",
    extra: dict[str, pa.Array] | None = None,
    row_group_size: int | None = None,
) -> Path:
    """Write (ts, platform, member_id, kind, by_brand) rows as an events parquet file."""
    ts, platform, member, kind, by_brand = (list(c) for c in zip(*rows, strict=True))
    columns = {
        "ts": pa.array(ts, ts_type or pa.timestamp("us")),
        "platform": pa.array(platform, pa.string()),
        "member_id": pa.array(member, member_type),
        "kind": pa.array(kind, pa.string()),
        "by_brand": pa.array(by_brand, by_brand_type or pa.bool_()),
        **(extra or {}),
    }
    path = tmp_path / name
    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)
    return path


def weekly(path: Path) -> pd.DataFrame:
    """The weekly table an import of the events file derives (after validating it)."""
    imported = read_metrics(path, today=TODAY)
    assert imported.layout == "events"
    return imported.weekly


def metric(table: pd.DataFrame, platform: str, week: dt.datetime, name: str) -> float:
    monday = pd.Timestamp(week.date() - dt.timedelta(days=week.weekday()))
    hit = table[(table.platform == platform) & (table.week == monday) & (table.metric == name)]
    assert len(hit) == 1, hit
    return float(hit["value"].iloc[0])


def rejected(path: Path, *fragments: str) -> None:
    with pytest.raises(ImportRejected) as info:
        read_metrics(path, today=TODAY)
    message = str(info.value)
    assert message.startswith(f"{path.name}: "), message
    for fragment in fragments:
        assert fragment in message, message


# --- derivation ------------------------------------------------------------------------------


def test_brand_posts_and_replies_are_told_apart_by_kind(tmp_path: Path) -> None:
    table = weekly(
        events_file(
            tmp_path,
            [
                (W1, "ig", "brand", "post", True),
                (W1, "ig", "brand", " POST ", True),
                (W1, "ig", "brand", "comment", True),
                (W1, "ig", "brand", "message", True),
                (W1, "ig", "m1", "post", False),
            ],
        )
    )
    assert metric(table, "ig", W1, "brand_posts") == 2
    assert metric(table, "ig", W1, "brand_replies") == 2
    assert metric(table, "ig", W1, "member_interactions") == 1


def test_member_messages_and_mentions_are_inbound(tmp_path: Path) -> None:
    table = weekly(
        events_file(
            tmp_path,
            [
                (W1, "ig", "m1", "message", False),
                (W1, "ig", "m2", "Mention", False),
                (W1, "ig", "m3", "like", False),
                (W1, "ig", "brand", "message", True),
            ],
        )
    )
    assert metric(table, "ig", W1, "inbound_messages") == 2
    assert metric(table, "ig", W1, "member_interactions") == 3


def test_active_members_are_distinct_members(tmp_path: Path) -> None:
    rows: list[Event] = [(W1, "ig", "m1", "like", False)] * 5 + [
        (W1 + dt.timedelta(days=3), "ig", "m2", "comment", False),
        (W1, "ig", "brand", "post", True),
    ]
    table = weekly(events_file(tmp_path, rows))
    assert metric(table, "ig", W1, "active_members") == 2
    assert metric(table, "ig", W1, "member_interactions") == 6


def test_returning_members_need_the_previous_week_not_an_earlier_one(tmp_path: Path) -> None:
    table = weekly(
        events_file(
            tmp_path,
            [
                (W1, "ig", "a", "like", False),
                (W1, "ig", "b", "like", False),
                (W2, "ig", "a", "like", False),  # a returns in consecutive week
                (W4, "ig", "b", "like", False),  # b comes back after a gap of two weeks
                (W4, "ig", "a", "like", False),  # a was away in W3
            ],
        )
    )
    assert metric(table, "ig", W1, "returning_members") == 0
    assert metric(table, "ig", W2, "returning_members") == 1
    assert metric(table, "ig", W4, "returning_members") == 0


def test_a_week_without_events_counts_nothing_but_keeps_the_members_seen(tmp_path: Path) -> None:
    table = weekly(
        events_file(tmp_path, [(W1, "ig", "a", "like", False), (W3, "ig", "a", "like", False)])
    )
    for name in EVENT_METRICS:
        if name != "community_members":
            assert metric(table, "ig", W2, name) == 0
    assert [metric(table, "ig", w, "community_members") for w in (W1, W2, W3)] == [1, 1, 1]
    assert metric(table, "ig", W3, "returning_members") == 0


def test_new_members_are_counted_in_their_first_week_only(tmp_path: Path) -> None:
    table = weekly(
        events_file(
            tmp_path,
            [
                (W1, "ig", "a", "like", False),
                (W2, "ig", "a", "like", False),
                (W2, "ig", "b", "like", False),
                (W3, "ig", "a", "like", False),
                (W3, "ig", "c", "like", False),
                (W3, "ig", "c", "comment", False),
            ],
        )
    )
    assert [metric(table, "ig", w, "new_members") for w in (W1, W2, W3)] == [1, 1, 1]


COUNTS = ("brand_posts", "brand_replies", "member_interactions", "inbound_messages")
THREADS = ("member_initiated_threads", "threads")


@pytest.mark.parametrize(
    ("kind", "by_brand", "counted_in"),
    [
        ("question", False, {"member_interactions", *THREADS}),
        ("thread", False, {"member_interactions", *THREADS}),
        (" Post ", False, {"member_interactions", *THREADS}),
        ("answer", False, {"member_interactions"}),
        ("comment", False, {"member_interactions"}),
        ("like", False, {"member_interactions"}),
        ("message", False, {"member_interactions", "inbound_messages"}),
        ("mention", False, {"member_interactions", "inbound_messages"}),
        ("post", True, {"brand_posts", "threads"}),
        ("QUESTION", True, {"brand_posts", "threads"}),
        ("thread", True, {"brand_posts", "threads"}),
        ("answer", True, {"brand_replies"}),
        ("message", True, {"brand_replies"}),
        (None, True, {"brand_replies"}),
    ],
)
def test_each_kind_counts_in_the_metrics_it_stands_for(
    tmp_path: Path, kind: str | None, by_brand: bool, counted_in: set[str]
) -> None:
    table = weekly(events_file(tmp_path, [(W1, "qa", "m1", kind, by_brand)]))
    counted = {m for m in (*COUNTS, *THREADS) if metric(table, "qa", W1, m) == 1}
    assert counted == counted_in


def test_member_initiated_share_is_measured_from_questions_among_all_threads(
    tmp_path: Path,
) -> None:
    rows: list[Event] = [
        (W1, "qa", "m1", "question", False),
        (W1, "qa", "m2", "question", False),
        (W1, "qa", "m3", "thread", False),
        (W1, "qa", "m1", "answer", False),
        (W1, "qa", "team", "post", True),
    ]
    imported = read_metrics(events_file(tmp_path, rows), today=TODAY)
    week = to_wide(imported.weekly).iloc[0]
    assert (week["member_initiated_threads"], week["threads"]) == (3, 4)
    assert week["member_initiated_share"] == 0.75
    assert "member_initiated_threads" in imported.metrics


@pytest.mark.parametrize(
    ("window", "returning_in_week_4"),
    [(1, 0), (2, 0), (3, 1), (4, 1), (52, 1)],
)
def test_a_member_is_returning_when_active_in_any_of_the_previous_n_weeks(
    tmp_path: Path, window: int, returning_in_week_4: int
) -> None:
    path = events_file(
        tmp_path, [(W1, "ig", "slow", "like", False), (W4, "ig", "slow", "answer", False)]
    )
    table = read_metrics(path, today=TODAY, returning=window).weekly
    assert metric(table, "ig", W4, "returning_members") == returning_in_week_4
    assert metric(table, "ig", W4, "active_members") == 1
    assert metric(table, "ig", W1, "returning_members") == 0


def returning_by_sets(rows: list[Event], window: int) -> dict[tuple[str, dt.date], int]:
    """(platform, Monday) -> members active that week and in one of the ``window`` before."""
    weeks: dict[tuple[str, Any], set[dt.date]] = {}
    for when, platform, member, _kind, by_brand in rows:
        if not by_brand:
            monday = when.date() - dt.timedelta(days=when.weekday())
            weeks.setdefault((platform, member), set()).add(monday)
    out: dict[tuple[str, dt.date], int] = {}
    for (platform, _member), active in weeks.items():
        for day in active:
            before = {day - dt.timedelta(weeks=k) for k in range(1, window + 1)}
            out[(platform, day)] = out.get((platform, day), 0) + bool(before & active)
    return out


@pytest.mark.parametrize("window", [1, 2, 3, 5, 8, 33, 52])
def test_the_returning_window_holds_across_three_years_of_weeks(
    tmp_path: Path, window: int
) -> None:
    """150 weeks: the members' week bitsets take three 64-week words; the window crosses them."""
    rng = np.random.default_rng(window)
    start = dt.datetime(2021, 6, 7, 12)  # a Monday
    rows: list[Event] = [
        (
            start + dt.timedelta(weeks=int(w), hours=int(h)),
            str(rng.choice(["forum", "discord"])),
            f"m{int(m)}",
            "answer",
            bool(b),
        )
        for w, h, m, b in zip(
            rng.integers(0, 150, 1500),
            rng.integers(0, 160, 1500),
            rng.integers(0, 60, 1500),
            rng.random(1500) < 0.05,
            strict=True,
        )
    ]
    rows += [(start + dt.timedelta(weeks=w), "forum", "edge", "like", False) for w in (61, 65)]
    table = read_metrics(events_file(tmp_path, rows), today=TODAY, returning=window).weekly
    found = table[table.metric == "returning_members"]
    got = {
        (p, w.date()): int(v)
        for p, w, v in zip(found.platform, found.week, found.value, strict=True)
    }
    expected = returning_by_sets(rows, window)
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in expected.items() if v}
    assert sum(got.values()) > 0


def generated_events(rng: np.random.Generator, text_ids: bool) -> list[Event]:
    """Rows on three platforms over 12 weeks sharing one pool of member ids; each platform has
    quiet weeks and weeks of brand rows only, and brand rows carry the brand's own id (99) or
    the id of a member seen elsewhere."""
    rows: list[Event] = []
    quiet = {"ig": {3, 4}, "forum": {1, 6, 7, 8}, "discord": {5}}
    for platform, gaps in quiet.items():
        for week in sorted(set(range(12)) - gaps):
            monday = W1 + dt.timedelta(weeks=week, hours=-12)
            for _ in range(int(rng.integers(1, 9))):
                when = monday + dt.timedelta(seconds=int(rng.integers(0, 7 * 86_400)))
                by_brand = week % 5 == 2 or bool(rng.random() < 0.2)  # weeks 2, 7: brand only
                member = 99 if by_brand and rng.random() < 0.5 else int(rng.integers(0, 25))
                rows.append(
                    (when, platform, f"m{member}" if text_ids else member, "like", by_brand)
                )
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]


def members_seen_week_by_week(rows: list[Event]) -> dict[tuple[str, dt.date], int]:
    """(platform, Monday) -> distinct members seen so far, from a plain set per platform."""
    mondays: dict[str, set[dt.date]] = {}
    members: dict[tuple[str, dt.date], set[Any]] = {}
    for when, platform, member, _kind, by_brand in rows:
        day = when.date() - dt.timedelta(days=when.weekday())
        mondays.setdefault(platform, set()).add(day)
        if not by_brand:
            members.setdefault((platform, day), set()).add(member)
    expected = {}
    for platform, days in mondays.items():
        seen: set[Any] = set()
        day, last = min(days), max(days)
        while day <= last:
            seen |= members.get((platform, day), set())
            expected[(platform, day)] = len(seen)
            day += dt.timedelta(weeks=1)
    return expected


@pytest.mark.parametrize("text_ids", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_community_members_are_the_distinct_members_seen_up_to_each_week(
    tmp_path: Path, seed: int, text_ids: bool
) -> None:
    rows = generated_events(np.random.default_rng(seed), text_ids)
    member_type = pa.string() if text_ids else pa.int64()
    table = weekly(events_file(tmp_path, rows, member_type=member_type))
    found = table[table.metric == "community_members"]
    got = {
        (p, w.date()): v for p, w, v in zip(found.platform, found.week, found.value, strict=True)
    }
    expected = members_seen_week_by_week(rows)
    assert got == expected
    assert len(expected) == 12 * 3  # every platform's first and last week hold events
    assert len(set(expected.values())) > 10  # the counts grow, not all zero or equal


def test_platforms_are_counted_separately(tmp_path: Path) -> None:
    table = weekly(
        events_file(
            tmp_path,
            [
                (W1, "ig", "a", "like", False),
                (W2, "forum", "a", "like", False),
                (W2, "ig", "b", "like", False),
            ],
        )
    )
    assert metric(table, "forum", W2, "returning_members") == 0
    assert metric(table, "forum", W2, "new_members") == 1
    assert metric(table, "ig", W2, "active_members") == 1
    assert metric(table, "ig", W2, "new_members") == 1
    assert set(table.platform) == {"forum", "ig"}


def test_platform_spellings_are_one_platform_for_distinct_counts(tmp_path: Path) -> None:
    table = weekly(
        events_file(
            tmp_path,
            [
                (W1, " Instagram ", "a", "like", False),
                (W1, "instagram", "a", "like", False),
                (W2, "INSTAGRAM", "a", "like", False),
            ],
        )
    )
    assert set(table.platform) == {"instagram"}
    assert metric(table, "instagram", W1, "active_members") == 1
    assert metric(table, "instagram", W2, "returning_members") == 1


def test_a_platform_typed_with_a_combining_accent_is_one_platform(tmp_path: Path) -> None:
    table = weekly(
        events_file(
            tmp_path,
            [
                (W1, "Jos\u00e9", "a", "like", False),  # é as one character
                (W2, "Jose\u0301", "a", "like", False),  # e + combining accent
            ],
        )
    )
    assert set(table.platform) == {"jos\u00e9"}
    assert metric(table, "jos\u00e9", W2, "returning_members") == 1


def test_derivation_without_platform_names_reads_them_itself(tmp_path: Path) -> None:
    path = events_file(
        tmp_path,
        [(W1, " IG", 1, "like", False), (W2, "ig", 1, "post", True), (W2, "ig", 1, "x", False)],
    )
    pd.testing.assert_frame_equal(derive_weekly_events(path), weekly(path))


def test_the_weekly_table_follows_the_contract(tmp_path: Path) -> None:
    table = weekly(events_file(tmp_path, [(W1, "ig", 7, None, False)]))
    assert list(table.columns) == ["week", "platform", "metric", "value"]
    assert str(table["week"].dtype) == "datetime64[ns]"
    assert table["value"].dtype == "float64"
    assert sorted(table.metric) == sorted(EVENT_METRICS)
    assert metric(table, "ig", W1, "member_interactions") == 1


def test_week_boundary_is_monday_midnight_utc(tmp_path: Path) -> None:
    sunday_night = dt.datetime(2024, 1, 7, 23, 30)
    monday = dt.datetime(2024, 1, 8)
    table = weekly(
        events_file(
            tmp_path, [(sunday_night, "ig", "a", "like", False), (monday, "ig", "b", "like", False)]
        )
    )
    assert metric(table, "ig", W1, "member_interactions") == 1
    assert metric(table, "ig", W2, "member_interactions") == 1


def test_tz_aware_timestamps_are_weeked_in_utc(tmp_path: Path) -> None:
    plus2 = dt.timezone(dt.timedelta(hours=2))
    rows: list[Event] = [
        (dt.datetime(2024, 1, 8, 1, tzinfo=plus2), "ig", "a", "like", False),  # Sun 23:00 UTC
        (dt.datetime(2024, 1, 8, 3, tzinfo=plus2), "ig", "b", "like", False),  # Mon 01:00 UTC
    ]
    for unit in ("us", "ns"):
        path = events_file(
            tmp_path, rows, ts_type=pa.timestamp(unit, tz="Europe/Berlin"), name=f"{unit}.parquet"
        )
        table = weekly(path)
        assert metric(table, "ig", W1, "member_interactions") == 1
        assert metric(table, "ig", W2, "member_interactions") == 1


def test_dates_and_iso_strings_are_accepted_as_ts(tmp_path: Path) -> None:
    dates = weekly(
        events_file(
            tmp_path,
            [
                (dt.date(2024, 1, 7), "ig", "a", "like", False),
                (dt.date(2024, 1, 8), "ig", "a", "x", False),
            ],
            ts_type=pa.date32(),
            name="dates.parquet",
        )
    )
    assert metric(dates, "ig", W2, "returning_members") == 1
    strings = weekly(
        events_file(
            tmp_path,
            [
                ("2024-01-08T01:00:00+02:00", "ig", "a", "like", False),
                ("2024-01-08 00:00:00", "ig", "b", "like", False),
            ],
            ts_type=pa.string(),
            name="strings.parquet",
        )
    )
    assert metric(strings, "ig", W1, "member_interactions") == 1
    assert metric(strings, "ig", W2, "member_interactions") == 1


def test_boolean_like_by_brand_values_are_understood(tmp_path: Path) -> None:
    words = weekly(
        events_file(
            tmp_path,
            [(W1, "ig", "b", "post", " Yes"), (W1, "ig", "m", "like", "false")],
            by_brand_type=pa.string(),
            name="words.parquet",
        )
    )
    assert metric(words, "ig", W1, "brand_posts") == 1
    assert metric(words, "ig", W1, "active_members") == 1
    numbers = weekly(
        events_file(
            tmp_path,
            [(W1, "ig", "b", "post", 1), (W1, "ig", "m", "like", 0)],
            by_brand_type=pa.int8(),
            name="numbers.parquet",
        )
    )
    assert metric(numbers, "ig", W1, "brand_posts") == 1
    assert metric(numbers, "ig", W1, "member_interactions") == 1


def test_extra_columns_are_not_read(tmp_path: Path) -> None:
    path = events_file(
        tmp_path,
        [(W1, "ig", "a", "like", False)],
        extra={"payload": pa.array([[1, 2]], pa.list_(pa.int64()))},
    )
    imported = read_metrics(path, today=TODAY)
    assert imported.layout == "events"
    assert imported.metrics == tuple(sorted(EVENT_METRICS))


# --- validation ------------------------------------------------------------------------------


def test_a_missing_ts_names_the_row(tmp_path: Path) -> None:
    path = events_file(tmp_path, [(W1, "ig", "a", "like", False), (None, "ig", "b", "like", False)])
    rejected(path, "missing ts", "row 2")


def test_an_unparseable_ts_names_the_row_and_text(tmp_path: Path) -> None:
    path = events_file(
        tmp_path,
        [("2024-01-01 10:00", "ig", "a", "like", False), ("soon", "ig", "b", "like", False)],
        ts_type=pa.string(),
    )
    rejected(path, "column ts", "row 2", "'soon'")


@pytest.mark.parametrize("blank", [None, "  "])
def test_a_missing_platform_names_the_row(tmp_path: Path, blank: str | None) -> None:
    path = events_file(
        tmp_path,
        [
            (W1, "ig", "a", "like", False),
            (W2, "ig", "b", "like", False),
            (W2, blank, "c", "x", False),
        ],
    )
    rejected(path, "missing platform", "row 3")


def test_a_missing_member_id_names_the_row(tmp_path: Path) -> None:
    path = events_file(tmp_path, [(W1, "ig", None, "like", False), (W1, "ig", "b", "like", False)])
    rejected(path, "missing member_id", "row 1")


@pytest.mark.parametrize("by_brand", [False, True])
@pytest.mark.parametrize("row_group_size", [None, 2])
def test_a_nan_member_id_is_missing_not_a_member(
    tmp_path: Path, by_brand: bool, row_group_size: int | None
) -> None:
    # pyarrow leaves NaN out of a row group's min/max: the NaN must be found all the same
    path = events_file(
        tmp_path,
        [(W1, "ig", 1.0, "like", False)] * 3 + [(W1, "ig", float("nan"), "like", by_brand)],
        member_type=pa.float64(),
        row_group_size=row_group_size,
    )
    rejected(path, "missing member_id at row 4")


def test_float_member_ids_are_members(tmp_path: Path) -> None:
    path = events_file(
        tmp_path,
        [(W1, "ig", 1.0, "like", False), (W1, "ig", 2.0, "like", False)],
        member_type=pa.float64(),
    )
    assert metric(weekly(path), "ig", W1, "active_members") == 2


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("ig\x00", "contains the invisible character U+0000"),
        ("gram\u202eeliforp", "contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("p" * 101, "is 101 characters long; expected a name of at most 100 characters"),
    ],
)
def test_a_platform_name_with_invisible_characters_or_too_long_names_the_row(
    tmp_path: Path, raw: str, problem: str
) -> None:
    rows: list[Event] = [(W1, "ig", "a", "like", False)] * 3 + [(W2, raw, "b", "like", False)]
    rejected(events_file(tmp_path, rows), "platform '", "at row 4", problem)


def test_by_brand_that_is_not_boolean_like_names_the_row(tmp_path: Path) -> None:
    path = events_file(
        tmp_path,
        [(W1, "ig", "a", "like", "no"), (W1, "ig", "b", "like", "maybe")],
        by_brand_type=pa.string(),
    )
    rejected(path, "by_brand", "row 2", "'maybe'", "true or false")


def test_a_null_by_brand_is_refused(tmp_path: Path) -> None:
    path = events_file(tmp_path, [(W1, "ig", "a", "like", None)])
    rejected(path, "by_brand", "row 1")


def test_a_future_ts_is_refused(tmp_path: Path) -> None:
    tomorrow = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(0, 0))
    path = events_file(
        tmp_path,
        [(W1, "ig", "a", "like", False), (tomorrow, "ig", "b", "like", False)],
    )
    rejected(path, "row 2", "future", "2024-07-01")


def test_late_today_is_not_the_future(tmp_path: Path) -> None:
    late = dt.datetime.combine(TODAY, dt.time(23, 59))
    imported = read_metrics(events_file(tmp_path, [(late, "ig", "a", "like", False)]), today=TODAY)
    assert imported.last_week == dt.date(2024, 6, 24)


def test_a_ts_column_of_numbers_is_refused(tmp_path: Path) -> None:
    path = events_file(tmp_path, [(1704067200, "ig", "a", "like", False)], ts_type=pa.int64())
    rejected(path, "column ts", "int64")


def test_more_than_ten_thousand_platforms_are_refused(tmp_path: Path) -> None:
    rows: list[Event] = [(W1, f"p{i}", "a", "like", False) for i in range(10_001)]
    rejected(events_file(tmp_path, rows), "10001 distinct platforms", "at most 10000")


def test_a_damaged_events_file_is_refused(tmp_path: Path) -> None:
    path = events_file(tmp_path, [(W1, "ig", f"m{i}", "like", False) for i in range(2000)])
    data = bytearray(path.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))
    rejected(path, "damaged")


# --- a Q&A community measured from its events passes gates on its own terms -------------------

QA_START = dt.date(2024, 11, 18)
"""A Monday; 104 weeks from it end on Sunday 2026-11-15, the week before the tests' today."""
QA_WEEKS = 104


def beer_stack_exchange(seed: int = 2011) -> pd.DataFrame:
    """A Beer Stack Exchange-like site: 300 members joining through the first year, each
    dropping by in a week with a chance of 5-20% (a slow cadence: most come back after a few
    weeks, few the very next week), asking questions, answering and commenting; the site's
    community team posts a thread most weeks and comments now and then."""
    rng = np.random.default_rng(seed)
    members = 300
    joined = rng.integers(0, 52, members)
    visits = rng.uniform(0.05, 0.20, members)
    rows: list[tuple[pd.Timestamp, str, str, str, bool]] = []
    monday0 = pd.Timestamp(QA_START, tz="UTC")
    for week in range(QA_WEEKS):
        monday = monday0 + pd.Timedelta(weeks=week)
        here = np.flatnonzero((joined <= week) & (rng.random(members) < visits))
        for member in here:
            for kind in rng.choice(
                ["question", "answer", "comment"], int(rng.integers(1, 4)), p=[0.2, 0.4, 0.4]
            ):
                at = monday + pd.Timedelta(minutes=int(rng.integers(0, 7 * 24 * 60)))
                rows.append((at, "Beer SE", f"user{member}", str(kind), False))
        if rng.random() < 0.8:
            rows.append((monday + pd.Timedelta(hours=10), "Beer SE", "community", "post", True))
        if rng.random() < 0.3:
            rows.append((monday + pd.Timedelta(hours=30), "Beer SE", "community", "comment", True))
    return pd.DataFrame(rows, columns=["ts", "platform", "member_id", "kind", "by_brand"])


def expected_qa_weeks(events: pd.DataFrame, window: int) -> pd.DataFrame:
    """Threads, member-initiated threads and returning members per week, in plain pandas."""
    ts = events["ts"].dt.tz_convert("UTC").dt.tz_localize(None)
    week = (ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D")).astype(
        "datetime64[ns]"
    )
    starts = events["kind"].isin(["question", "thread", "post"])
    frame = events.assign(week=week, starts=starts)
    members = frame[~frame["by_brand"]]
    active = members[["member_id", "week"]].drop_duplicates()
    earlier = pd.concat(
        [active.assign(week=active["week"] + pd.Timedelta(weeks=k)) for k in range(1, window + 1)]
    ).drop_duplicates()
    returning = active.merge(earlier, on=["member_id", "week"])
    every_week = pd.date_range(week.min(), week.max(), freq="7D")
    return (
        pd.DataFrame(
            {
                "threads": frame.groupby("week")["starts"].sum(),
                "member_initiated_threads": members.groupby("week")["starts"].sum(),
                "returning_members": returning.groupby("week").size(),
            }
        )
        .reindex(every_week)
        .fillna(0)
        .astype("float64")
    )


def qa_gates() -> dict[str, Any]:
    """The default gates' criteria with thresholds scaled to a community of 300 members."""
    scaled = gates_to_dict(DEFAULT_GATES)
    scaled["to_retention"]["criteria"] = [
        {"metric": "audience", "op": ">=", "threshold": 30},
        {"metric": "brand_posts", "op": ">=", "threshold": 1},
    ]
    scaled["to_active"]["criteria"] = [
        {"metric": "active_members", "op": ">=", "threshold": 20},
        {"metric": "returning_share", "op": ">=", "threshold": 0.25},
        {"metric": "member_activity_share", "op": ">=", "threshold": 0.5},
        {"metric": "engagement_rate", "op": ">=", "threshold": 0.05},
    ]
    return scaled


@pytest.mark.parametrize(
    ("window", "stage"),
    [(1, Stage.RETENTION), (4, Stage.ACTIVE)],
    ids=["returning-the-next-week", "returning-within-4-weeks"],
)
def test_a_qa_community_measured_from_its_events_reaches_active_under_gates_scaled_to_it(
    empty_ws: Workspace, tmp_path: Path, window: int, stage: Stage
) -> None:
    events = beer_stack_exchange()
    path = tmp_path / "beer.stackexchange.parquet"
    events.to_parquet(path, index=False)
    empty_ws.set_gates(EDITOR, qa_gates())
    empty_ws.set_returning_weeks(EDITOR, window)
    empty_ws.set_checklist(EDITOR, "beer_se", "all", QA_START.isoformat())
    upload = empty_ws.import_file(EDITOR, path, today=STORE_TODAY)

    result = analyse(empty_ws.snapshot(), STORE_TODAY)
    status = result.statuses["beer_se"]
    assert status.stage is stage
    assert status.not_measured == ()  # engagement_rate too: members are its audience
    wide = result.wide.set_index("week")
    assert wide["followers"].isna().all()
    assert wide["engagement_rate"].notna().all()
    assert (wide["audience"] == wide["community_members"]).all()
    has_threads = wide["threads"] > 0
    assert (wide["member_initiated_share"].notna() == has_threads).all() and has_threads.any()

    expected = expected_qa_weeks(events, window)
    assert len(expected) == QA_WEEKS and upload.metrics == tuple(sorted(upload.metrics))
    got = wide[list(expected.columns)].rename_axis(None)
    pd.testing.assert_frame_equal(got, expected, check_freq=False)
    share = wide["returning_share"].iloc[52:].mean()  # once every member has joined
    assert share < 0.25 if window == 1 else share > 0.25


def test_a_changed_returning_window_applies_to_events_files_imported_from_then_on(
    empty_ws: Workspace, tmp_path: Path
) -> None:
    rows: list[Event] = [(W1, "qa", "slow", "answer", False), (W4, "qa", "slow", "answer", False)]
    first = events_file(tmp_path, rows, name="before.parquet")
    later = events_file(tmp_path, [(r[0], "qa2", *r[2:]) for r in rows], name="after.parquet")
    assert empty_ws.snapshot().returning_weeks == 1
    empty_ws.import_file(EDITOR, first, today=TODAY)
    saved = empty_ws.set_returning_weeks(EDITOR, "4")
    assert (saved.value, saved.changed) == (4, True)
    assert not empty_ws.set_returning_weeks(EDITOR, 4).changed  # as stored: nothing written
    empty_ws.import_file(EDITOR, later, today=TODAY)
    table = empty_ws.snapshot().weekly
    assert metric(table, "qa", W4, "returning_members") == 0  # kept as it was derived
    assert metric(table, "qa2", W4, "returning_members") == 1
    assert empty_ws.snapshot().returning_weeks == 4


@pytest.mark.parametrize("raw", [0, 53, 2.5, "four", None, True, -1])
def test_a_returning_window_outside_one_to_52_weeks_is_refused_and_nothing_changes(
    empty_ws: Workspace, raw: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        empty_ws.set_returning_weeks(EDITOR, raw)
    assert str(info.value).startswith(
        "returning_weeks: expected a whole number of weeks from 1 to 52, got "
    )
    assert empty_ws.snapshot().returning_weeks == 1


# --- temporary folders ---------------------------------------------------------------------


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temp folder, for this test alone: other processes' folders are not in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def dead_pid() -> int:
    """The PID of a process that has exited and been waited for: no process has it now."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def left_folder(parent: Path, name: str) -> Path:
    """A temporary folder as an import leaves it, spill file and all."""
    folder = parent / name
    folder.mkdir()
    (folder / "duckdb_temp_block-1.block").write_bytes(b"spilled rows")
    return folder


@pytest.mark.parametrize("what", ["duckdb", "events"])
def test_an_events_import_removes_the_temp_folders_of_killed_imports_and_keeps_live_ones(
    tmp_path: Path, temp_dir: Path, what: str
) -> None:
    dead = left_folder(temp_dir, f"rollout-{what}-{dead_pid()}-k1ll3d_x")
    live = left_folder(temp_dir, f"rollout-{what}-{os.getpid()}-runn1ng_")
    unknown = left_folder(temp_dir, f"rollout-{what}-a1b2c3d4")  # no PID: whose is unknown
    weekly(events_file(tmp_path, [(W1, "ig", "a", "like", False)]))
    assert not dead.exists()
    assert (live / "duckdb_temp_block-1.block").read_bytes() == b"spilled rows"
    assert unknown.exists()
    assert sorted(p.name for p in temp_dir.iterdir()) == sorted([live.name, unknown.name])


def test_a_link_named_like_a_dead_imports_folder_is_not_followed(
    tmp_path: Path, temp_dir: Path
) -> None:
    target = left_folder(tmp_path, "someone else's files")
    link = temp_dir / f"rollout-duckdb-{dead_pid()}-l1nk_abc"
    link.symlink_to(target, target_is_directory=True)
    weekly(events_file(tmp_path, [(W1, "ig", "a", "like", False)]))
    assert (target / "duckdb_temp_block-1.block").exists()


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_an_events_import_leaves_no_temp_folder_behind(
    tmp_path: Path, temp_dir: Path, suffix: str
) -> None:
    path = events_file(tmp_path, [(W1, "ig", "a", "like", False), (W2, "ig", "b", "post", True)])
    if suffix == ".csv":
        path = path.with_suffix(".csv")
        pq.read_table(path.with_suffix(".parquet")).to_pandas().to_csv(path, index=False)
    assert metric(weekly(path), "ig", W2, "brand_posts") == 1
    assert list(temp_dir.iterdir()) == []
