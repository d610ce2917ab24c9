"""Bad files at every import path, parquet, CSV and xlsx: a refusal that names the file and
stores nothing, or a correct import. Never any other exception.

Each generated file is imported into a fresh workspace. Where the generator knows what the
file means (long, wide and events layouts) an independent oracle in plain Python says
whether it must be refused and, if not, exactly which weekly table must be stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import shutil
import statistics
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from strategy.domain.clock import EARLIEST_DATE
from strategy.domain.errors import ImportRejected, RolloutError
from strategy.domain.metrics import (
    CANONICAL,
    DERIVED_NAMES,
    Agg,
    aggregation_for,
    normalise_name,
    to_wide,
)
from strategy.domain.snapshot import Upload
from strategy.ingest import read as ingest
from strategy.ingest.events import MAX_PLATFORMS
from strategy.ingest.read import MAX_IMPORT_ENV, MAX_VALUE
from strategy.usecases import Workspace
from strategy.views.frames import kpi_long
from tests.conftest import EDITOR, TODAY, workspace_state
from tests.engines import fuzz_examples
from tests.spreadsheet_files import SUFFIX, as_format, csv_bytes, table_rows, xlsx_bytes
from tests.workspace_child import scratch_dir
from tests.xls_files import xls_bytes

FUZZ = settings(
    max_examples=fuzz_examples(100),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

EARLIEST = dt.datetime.combine(EARLIEST_DATE, dt.time())
TOMORROW = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time())
LAYOUT_WORDS = {"date", "platform", "metric", "value", "ts", "member_id", "by_brand"}
"""Column names that decide the layout: a wide metric column so named makes another file."""
RESERVED = ("week", "platform", "date", "metric", "value")
"""The weekly tables' own column names: a metric so named must be refused."""
BAD = object()
"""A cell the generator made unreadable on purpose (junk text, a wrong type)."""
EITHER = object()
"""The oracle has no opinion: a refusal and an import are both acceptable."""

LABELS = st.sampled_from(
    [
        "metrics.parquet",
        "Ünïcödé export ✓.parquet",
        "  spaced  name .parquet",
        "小红书 weekly.parquet",
        'o\'brien "q3".parquet',
    ]
)


# --- the import under test -------------------------------------------------------------


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    with scratch_dir(tmp_path) as folder:
        yield folder


@contextmanager
def fresh_workspace(base: Path) -> Iterator[Workspace]:
    """A new, empty workspace: a copy of one made once per test under ``base``."""
    template = base / "template"
    if not template.exists():
        Workspace.open(template, create=True)
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        shutil.copytree(template, Path(tmp) / "ws")
        yield Workspace.open(Path(tmp) / "ws")


def check_import(
    base: Path, content: pa.Table | bytes, label: str, expected: Any, fmt: str = "parquet"
) -> Upload | ImportRejected:
    """Import ``content`` as ``label`` into a fresh workspace and hold it to the property.

    ``content`` is a file's bytes or a table, written as a ``fmt`` file (parquet, csv, xlsx).
    ``expected`` is None (must be refused), a weekly DataFrame (must be stored exactly) or
    EITHER. A refusal must be an ImportRejected starting with the file name and must leave
    the workspace as it was.
    """
    with fresh_workspace(base) as ws:
        path = ws.root.parent / f"upload{SUFFIX[fmt]}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif fmt == "parquet":
            pq.write_table(content, path)
        else:
            path.write_bytes(as_format(content, fmt))
        before = workspace_state(ws)
        try:
            upload = ws.import_file(EDITOR, path, name=label, today=TODAY)
        except RolloutError as exc:
            assert isinstance(exc, ImportRejected), repr(exc)
            assert str(exc).startswith(f"{label}: "), str(exc)
            assert workspace_state(ws) == before
            assert not isinstance(expected, pd.DataFrame), f"a good file was refused: {exc}"
            return exc
        assert expected is not None, f"a bad file was imported: {upload}"
        snap = ws.snapshot()
        assert snap.uploads == (upload,)
        assert_weekly_contract(snap.weekly)
        assert upload.platforms == tuple(sorted(snap.weekly["platform"].unique()))
        assert upload.metrics == tuple(sorted(snap.weekly["metric"].unique()))
        wide = to_wide(snap.weekly)  # what every screen builds from the stored data
        assert len(wide) == len(snap.weekly[["platform", "week"]].drop_duplicates())
        kpi_long(wide)
        stored = ws.stored_bytes(upload)
        assert stored == path.read_bytes()
        assert hashlib.sha256(stored).hexdigest() == upload.sha256
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(
                in_order(snap.weekly), in_order(expected), check_exact=False, rtol=1e-9
            )
        return upload


def assert_weekly_contract(weekly: pd.DataFrame) -> None:
    assert list(weekly.columns) == ["week", "platform", "metric", "value"]
    assert weekly["week"].dtype == "datetime64[ns]"
    assert (weekly["week"].dt.day_of_week == 0).all()
    assert (weekly["week"] == weekly["week"].dt.normalize()).all()
    assert weekly["platform"].map(lambda p: p != "" and normalise_name(p) == p).all()
    assert weekly["metric"].map(lambda m: m != "" and normalise_name(m) == m).all()
    values = weekly["value"].to_numpy(dtype="float64")
    assert np.isfinite(values).all() and (values >= 0).all()
    assert not weekly.duplicated(["week", "platform", "metric"]).any()


def in_order(weekly: pd.DataFrame) -> pd.DataFrame:
    return weekly.sort_values(["platform", "week", "metric"]).reset_index(drop=True)


def weekly_frame(records: list[tuple[dt.date, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week": pd.Series([pd.Timestamp(r[0]) for r in records], dtype="datetime64[ns]"),
            "platform": pd.Series([r[1] for r in records], dtype="str"),
            "metric": pd.Series([r[2] for r in records], dtype="str"),
            "value": pd.Series([r[3] for r in records], dtype="float64"),
        }
    )


def monday(instant: dt.datetime) -> dt.date:
    return instant.date() - dt.timedelta(days=instant.weekday())


# --- oracles ---------------------------------------------------------------------------


def good_instant(instant: Any) -> bool:
    return isinstance(instant, dt.datetime) and EARLIEST <= instant < TOMORROW


def good_name(raw: Any) -> str | None:
    name = normalise_name(raw) if isinstance(raw, str) else ""
    return name if name and not name.startswith(FORMULA_STARTS) else None


def good_platform(raw: Any) -> str | None:
    """The platform name, or None when it must be refused: blank, over 100 characters, or
    holding a control or format character (Unicode categories Cc, Cf)."""
    name = good_name(raw)
    if name is None or len(name) > 100:
        return None
    return None if any(unicodedata.category(c) in ("Cc", "Cf") for c in name) else name


def long_oracle(rows: list[tuple[Any, Any, Any, Any]]) -> pd.DataFrame | None:
    """The weekly table a long-layout file must give, or None when it must be refused."""
    cells: dict[tuple[dt.datetime, str, str], float] = {}
    for instant, raw_platform, raw_metric, value in rows:
        platform, metric = good_platform(raw_platform), good_name(raw_metric)
        if not good_instant(instant) or platform is None or metric is None:
            return None
        if metric in DERIVED_NAMES or metric in RESERVED or not isinstance(value, float):
            return None
        if not math.isfinite(value) or value < 0 or value > MAX_VALUE:
            return None
        key = (instant, platform, metric)
        if cells.get(key, value) != value:
            return None  # the same day, platform and metric with two values
        cells[key] = value
    if not cells or len({k[1] for k in cells}) > MAX_PLATFORMS:
        return None
    per_week: dict[tuple[dt.date, str, str], list[tuple[dt.datetime, float]]] = defaultdict(list)
    for (instant, platform, metric), value in cells.items():
        per_week[(monday(instant), platform, metric)].append((instant, value))
    records = []
    for (week, platform, metric), items in per_week.items():
        values = [v for _, v in sorted(items)]
        agg = aggregation_for(metric)
        if agg == Agg.LAST:
            total = values[-1]
        elif agg == Agg.MAX:
            total = max(values)
        elif agg == Agg.MEDIAN:
            total = statistics.median(values)
        elif agg == Agg.MEAN:
            total = math.fsum(values) / len(values)
        else:
            total = math.fsum(values)
        records.append((week, platform, metric, total))
    return weekly_frame(records)


EVENT_METRICS = (
    "active_members",
    "brand_posts",
    "brand_replies",
    "community_members",
    "inbound_messages",
    "member_initiated_threads",
    "member_interactions",
    "new_members",
    "returning_members",
    "threads",
)


def events_oracle(rows: list[tuple[Any, Any, Any, Any, Any]]) -> pd.DataFrame | None:
    """The weekly table an events file must give, or None when it must be refused."""
    counts: dict[tuple[str, dt.date], dict[str, float]] = defaultdict(
        lambda: dict.fromkeys(EVENT_METRICS, 0.0)
    )
    member_weeks: dict[tuple[str, Any], set[dt.date]] = defaultdict(set)
    for instant, raw_platform, member, kind, by_brand in rows:
        platform = good_platform(raw_platform)
        if not good_instant(instant) or platform is None:
            return None
        if member is None or member == "" or member is BAD or not isinstance(by_brand, bool):
            return None
        week = monday(instant)
        kind_key = kind.strip(" ").lower() if isinstance(kind, str) else str(kind)
        cell = counts[(platform, week)]
        starts_thread = kind_key in ("post", "question", "thread")
        cell["threads"] += starts_thread
        if by_brand:
            cell["brand_posts" if starts_thread else "brand_replies"] += 1
        else:
            cell["member_interactions"] += 1
            cell["member_initiated_threads"] += starts_thread
            cell["inbound_messages"] += kind_key in ("message", "mention")
            member_weeks[(platform, member)].add(week)
    if not counts or len({p for p, _ in counts}) > MAX_PLATFORMS:
        return None
    for (platform, _member), weeks in member_weeks.items():
        for n, week in enumerate(sorted(weeks)):
            cell = counts[(platform, week)]
            cell["active_members"] += 1
            cell["new_members"] += n == 0
            cell["returning_members"] += week - dt.timedelta(days=7) in weeks
    spans: dict[str, list[dt.date]] = defaultdict(list)
    for platform, week in counts:
        spans[platform].append(week)
    members_by_week: dict[tuple[str, dt.date], set[Any]] = defaultdict(set)
    for (platform, member), weeks in member_weeks.items():
        for week in weeks:
            members_by_week[(platform, week)].add(member)
    records = []
    for platform, active in spans.items():
        week, last = min(active), max(active)
        seen: set[Any] = set()  # members of the platform seen up to and including the week
        while week <= last:  # quiet weeks between the first and last count nothing new
            cell = counts.get((platform, week), dict.fromkeys(EVENT_METRICS, 0.0))
            seen |= members_by_week[(platform, week)]
            cell["community_members"] = float(len(seen))
            records += [(week, platform, m, cell[m]) for m in EVENT_METRICS]
            week += dt.timedelta(days=7)
    return weekly_frame(records)


# --- generators ------------------------------------------------------------------------

PLATFORM_BASES = [
    *("Instagram", "TikTok", "LinkedIn", "Ünïcödé Forum", "小红书", "X", "r/brand"),
    *("Jos\u00e9 Forum", "Jose\u0301 Forum"),  # composed and decomposed: one platform
]
ODD_PLATFORMS = [
    *("Insta\u202egram", "ig\x00", "zero\u200bwidth", "esc\x1b[31mred", "\ufeffbom"),
    *("p" * 100, "p" * 101, "Ü" * 101),  # up to 100 characters
    *("=1+1", '=HYPERLINK("http://evil.example","x")', "+cmd", "@SUM(1)"),  # formulas
]
"""Platform names that look harmless in a spreadsheet, or that it would run as formulas;
all but the 100 p's are refused."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A name starting with one of these, once normalised, is refused: a spreadsheet would run
it as a formula."""
CANONICAL_AND_CUSTOM = (*CANONICAL, "Story Views", "custom_clicks", "Click Rate", "total_members")
METRIC_BASES = [*CANONICAL_AND_CUSTOM, *DERIVED_NAMES, *RESERVED]
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago"]


def spellings(base: str) -> st.SearchStrategy[str]:
    """The same name as people type it: any case, padded with (unicode) spaces, dashes."""
    return st.sampled_from(
        [
            base,
            base.upper(),
            base.lower(),
            f"  {base}\t",
            f"\u00a0{base}\u3000",
            base.replace(" ", "-").replace("_", " "),
            base.replace("_", "  "),
        ]
    )


def names(bases: list[str], clean: bool) -> st.SearchStrategy[Any]:
    """Names of ``bases`` as typed; unless ``clean``, also any text (blank too) and nulls."""
    spelled = st.sampled_from(bases).flatmap(spellings)
    return spelled if clean else st.one_of(spelled, spelled, st.text(max_size=8), st.none())


ANY_GOOD_INSTANT = st.datetimes(EARLIEST, TOMORROW - dt.timedelta(seconds=1)).map(
    lambda d: d.replace(microsecond=0)
)
GOOD_INSTANTS = st.one_of(
    ANY_GOOD_INSTANT,
    ANY_GOOD_INSTANT,
    ANY_GOOD_INSTANT,
    st.sampled_from([EARLIEST, TOMORROW - dt.timedelta(seconds=1)]),
)


@st.composite
def nearby_instants(draw: st.DrawFn) -> dt.datetime:
    """Instants within three weeks of each other, so weeks aggregate several days."""
    anchor = draw(st.shared(st.datetimes(EARLIEST, TOMORROW - dt.timedelta(days=22)), key="anchor"))
    seconds = draw(st.integers(0, 21 * 86_400 - 1))
    return (anchor + dt.timedelta(seconds=seconds)).replace(microsecond=0)


INSTANTS = st.one_of(
    GOOD_INSTANTS,
    GOOD_INSTANTS,
    GOOD_INSTANTS,
    st.datetimes(dt.datetime(1900, 1, 1), EARLIEST - dt.timedelta(seconds=1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.datetimes(TOMORROW, dt.datetime(2200, 1, 1)).map(lambda d: d.replace(microsecond=0)),
    st.none(),
)
GOOD_VALUES = st.one_of(
    st.integers(0, 10**6).map(float),
    st.floats(0, MAX_VALUE),
    st.sampled_from([0.0, -0.0, MAX_VALUE, 5e-324]),
)
VALUES = st.one_of(
    GOOD_VALUES,
    GOOD_VALUES,
    st.sampled_from([1e13, -1.0, math.nan, math.inf, -math.inf]),
    st.floats(),
    st.none(),
)


@st.composite
def time_column(draw: st.DrawFn, instants: list[Any]) -> tuple[pa.Array, list[Any]]:
    """A date/time column in one of its encodings, and the UTC instant each row means."""
    kind = draw(st.sampled_from(["date32", "naive", "zoned", "text", "dict-text"]))
    if kind == "date32":
        days = [None if i is None else i.date() for i in instants]
        midnights = [None if d is None else dt.datetime.combine(d, dt.time()) for d in days]
        return pa.array(days, pa.date32()), midnights
    if kind in ("naive", "zoned"):
        unit = draw(st.sampled_from(["s", "ms", "us", "ns"]))
        if kind == "naive":
            return pa.array(instants, pa.timestamp(unit)), instants
        name = draw(st.sampled_from(ZONES))
        aware = [
            None if i is None else i.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(name))
            for i in instants
        ]
        return pa.array(aware, pa.timestamp(unit, tz=name)), instants
    texts: list[Any] = []
    meant: list[Any] = []
    for instant in instants:
        if instant is None:
            texts.append(draw(st.sampled_from([None, "", "  ", "not a date", "2026-13-40"])))
            meant.append(None if texts[-1] is None or not texts[-1].strip() else BAD)
            continue
        offset = draw(st.sampled_from([None, 0, 330, -480, 840, -660]))
        form = draw(st.sampled_from(["date", "T", " ", "Z"]))
        if form == "date":
            texts.append(instant.date().isoformat())
            meant.append(dt.datetime.combine(instant.date(), dt.time()))
        elif form == "Z" or offset is None:
            texts.append(instant.isoformat(sep="T" if form == "Z" else form) + "Z" * (form == "Z"))
            meant.append(instant)
        else:
            zone = dt.timezone(dt.timedelta(minutes=offset))
            texts.append(instant.replace(tzinfo=dt.UTC).astimezone(zone).isoformat(sep=form))
            meant.append(instant)
    array = pa.array(texts, pa.string())
    return (array.dictionary_encode() if kind == "dict-text" else array), meant


@st.composite
def name_column(draw: st.DrawFn, values: list[Any]) -> pa.Array:
    array = pa.array(values, draw(st.sampled_from([pa.string(), pa.large_string()])))
    return array.dictionary_encode() if draw(st.booleans()) else array


@st.composite
def value_column(draw: st.DrawFn, values: list[Any]) -> tuple[pa.Array, list[Any]]:
    """A numeric column in one of its encodings, and the number each row means."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    integral = len(finite) == sum(v is not None for v in values) and all(
        v == int(v) and abs(v) < 2**62 for v in finite
    )
    kinds = ["float64", "float32", "text"] + ["int64", "decimal"] * integral
    kind = draw(st.sampled_from(kinds))
    if kind == "float64":
        return pa.array(values, pa.float64()), values
    if kind == "float32":
        with np.errstate(over="ignore"):
            rounded = [None if v is None else float(np.float32(v)) for v in values]
        return pa.array(rounded, pa.float32()), rounded
    if kind == "int64":
        return pa.array([None if v is None else int(v) for v in values], pa.int64()), values
    if kind == "decimal":
        decimals = [None if v is None else Decimal(int(v)) for v in values]
        return pa.array(decimals, pa.decimal128(38, 0)), values
    texts: list[Any] = []
    meant: list[Any] = []
    for v in values:
        junk = draw(st.sampled_from([None, None, None, "", " ", "abc", "1,5"]))
        if v is None:
            texts.append(junk)
            meant.append(None if junk is None or not junk.strip() else BAD)
        else:
            texts.append(repr(v))
            meant.append(v)
    return pa.array(texts, pa.string()), meant


def with_odd(draw: st.DrawFn, bases: list[str], odd: list[str]) -> list[str]:
    """``bases``, plus one of the ``odd`` names in one readable file out of six."""
    return bases + [draw(st.sampled_from(odd))] * (draw(st.integers(0, 5)) == 0)


def column_name(canonical: str) -> st.SearchStrategy[str]:
    return st.sampled_from([canonical, canonical.upper(), f" {canonical.title()} ", canonical])


@st.composite
def long_files(draw: st.DrawFn) -> tuple[pa.Table, pd.DataFrame | None]:
    clean = draw(st.booleans())  # half the files hold only readable cells
    n = draw(st.integers(1, 25))
    good = nearby_instants() if draw(st.booleans()) else GOOD_INSTANTS
    instants = draw(st.lists(good if clean else INSTANTS, min_size=n, max_size=n))
    few = st.lists(st.sampled_from(PLATFORM_BASES), min_size=1, max_size=2, unique=True)
    platform_bases = with_odd(draw, draw(few), ODD_PLATFORMS) if clean else PLATFORM_BASES
    platforms = draw(st.lists(names(platform_bases, clean), min_size=n, max_size=n))
    few = st.lists(st.sampled_from(CANONICAL_AND_CUSTOM), min_size=1, max_size=3, unique=True)
    metric_bases = with_odd(draw, draw(few), [*RESERVED, *DERIVED_NAMES]) if clean else METRIC_BASES
    metrics = draw(st.lists(names(metric_bases, clean), min_size=n, max_size=n))
    values = draw(st.lists(GOOD_VALUES if clean else VALUES, min_size=n, max_size=n))
    if draw(st.booleans()):  # repeat rows: exact repeats are harmless, others conflict
        picks = draw(st.lists(st.integers(0, n - 1), max_size=5))
        instants += [instants[i] for i in picks]
        platforms += [platforms[i] for i in picks]
        metrics += [draw(st.sampled_from([metrics[i], "followers"])) for i in picks]
        values += [values[i] if clean else draw(st.sampled_from([values[i], 7.0])) for i in picks]
    times, meant_times = draw(time_column(instants))
    numbers, meant_values = draw(value_column(values))
    columns = {
        draw(column_name("date")): times,
        draw(column_name("platform")): draw(name_column(platforms)),
        draw(column_name("metric")): draw(name_column(metrics)),
        draw(column_name("value")): numbers,
    }
    if draw(st.booleans()):
        notes = st.lists(st.text(max_size=5), min_size=len(values), max_size=len(values))
        columns["Notes"] = pa.array(draw(notes))
    order = draw(st.permutations(list(columns)))
    table = pa.table({name: columns[name] for name in order})
    rows = list(zip(meant_times, platforms, metrics, meant_values, strict=True))
    return table, long_oracle(rows)


def day_and_platform(pair: tuple[dt.datetime, str]) -> tuple[dt.date, str]:
    return pair[0].date(), normalise_name(pair[1])


@st.composite
def wide_files(draw: st.DrawFn) -> tuple[pa.Table, pd.DataFrame | None]:
    clean = draw(st.booleans())
    n = draw(st.integers(1, 20))
    metric_names = draw(
        st.lists(
            names(list(CANONICAL_AND_CUSTOM) if clean else METRIC_BASES, clean).filter(
                lambda m: m is not None and normalise_name(m) not in LAYOUT_WORDS
            ),
            min_size=1,
            max_size=4,
            unique_by=normalise_name if clean else None,
        )
    )
    if clean:  # a column named like the weekly table's own: the one such name a wide file has
        metric_names += [draw(spellings("Week"))] * (draw(st.integers(0, 5)) == 0)
    good = nearby_instants() if draw(st.booleans()) else GOOD_INSTANTS
    keys = st.tuples(good, names(with_odd(draw, PLATFORM_BASES, ODD_PLATFORMS), True))
    if clean:  # one row per day and platform: no conflicting rows
        pairs = draw(st.lists(keys, min_size=n, max_size=n, unique_by=day_and_platform))
    else:
        keys = st.tuples(INSTANTS, names(PLATFORM_BASES, False))
        pairs = draw(st.lists(keys, min_size=n, max_size=n))
    instants, platforms = [p[0] for p in pairs], [p[1] for p in pairs]
    times, meant_times = draw(time_column(instants))
    header = [draw(column_name("date")), draw(column_name("platform")), *metric_names]
    arrays = [times, draw(name_column(platforms))]
    rows = []
    for metric in metric_names:
        numbers = st.lists(GOOD_VALUES if clean else VALUES, min_size=n, max_size=n)
        array, meant = draw(value_column(draw(numbers)))
        arrays.append(array)
        rows += list(zip(meant_times, platforms, [metric] * n, meant, strict=True))
    table = pa.Table.from_arrays(arrays, names=header)
    normalised = [normalise_name(c) for c in header]
    bad_header = "" in normalised or len(set(normalised)) < len(normalised)
    return table, None if bad_header else long_oracle(rows)


MEMBERS = st.integers(1, 6)
RECENT = dt.datetime.combine(TODAY - dt.timedelta(days=400), dt.time())
GOOD_EVENT_INSTANTS = st.one_of(
    st.datetimes(RECENT, TOMORROW - dt.timedelta(seconds=1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.just(TOMORROW - dt.timedelta(seconds=1)),
)
"""Events fill quiet weeks with zeros, so a span of decades would only make the test slow."""
EVENT_INSTANTS = st.one_of(
    GOOD_EVENT_INSTANTS,
    GOOD_EVENT_INSTANTS,
    GOOD_EVENT_INSTANTS,
    st.datetimes(dt.datetime(1900, 1, 1), EARLIEST - dt.timedelta(seconds=1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.datetimes(TOMORROW, dt.datetime(2200, 1, 1)).map(lambda d: d.replace(microsecond=0)),
    st.none(),
)
KINDS = st.sampled_from(
    [
        *("post", " Post ", "POST", "reply", "comment", "message", "Mention ", "like"),
        *("question", " Thread", "answer"),
    ]
)


@st.composite
def events_files(draw: st.DrawFn) -> tuple[pa.Table, pd.DataFrame | None]:
    clean = draw(st.booleans())
    n = draw(st.integers(1, 30))
    when = GOOD_EVENT_INSTANTS if clean else EVENT_INSTANTS
    instants = draw(st.lists(when, min_size=n, max_size=n))
    platform_bases = with_odd(draw, PLATFORM_BASES[:3], ODD_PLATFORMS)
    platforms = draw(st.lists(names(platform_bases, clean), min_size=n, max_size=n))
    members = draw(st.lists(MEMBERS if clean else MEMBERS | st.none(), min_size=n, max_size=n))
    kinds = draw(st.lists(KINDS, min_size=n, max_size=n))
    brand = st.booleans() if clean else st.booleans() | st.booleans() | st.none()
    brands = draw(st.lists(brand, min_size=n, max_size=n))
    times, meant_times = draw(time_column(instants))
    member_kind = draw(st.sampled_from(["int", "text"]))
    if member_kind == "int":
        member_array = pa.array(members, pa.int64())
        meant_members: list[Any] = members
    else:
        meant_members = [
            draw(st.sampled_from([None, ""])) if m is None else f"m{m}" for m in members
        ]
        member_array = pa.array(meant_members, pa.string())
    brand_kind = draw(st.sampled_from(["bool", "int", "text"]))
    meant_brands: list[Any] = list(brands)
    if brand_kind == "bool":
        brand_array = pa.array(brands, pa.bool_())
    elif brand_kind == "int":
        numbers = [draw(st.sampled_from([2, None])) if b is None else int(b) for b in brands]
        brand_array = pa.array(numbers, pa.int64())
    else:
        words = {True: ["true", "Yes", " Y", "1", "T"], False: ["false", "no ", "N", "0", "f"]}
        raw = [
            draw(st.sampled_from([None, "", "maybe"]))
            if b is None
            else draw(st.sampled_from(words[b]))
            for b in brands
        ]
        brand_array = pa.array(raw, pa.string())
    columns = {
        draw(column_name("ts")): times,
        draw(column_name("platform")): draw(name_column(platforms)),
        "member_id": member_array,
        draw(column_name("kind")): pa.array(kinds, pa.string()),
        "By Brand": brand_array,
    }
    order = draw(st.permutations(list(columns)))
    table = pa.table({name: columns[name] for name in order})
    rows = list(zip(meant_times, platforms, meant_members, kinds, meant_brands, strict=True))
    return table, events_oracle(rows)


# --- the properties --------------------------------------------------------------------


def test_long_files_are_imported_exactly_or_refused_by_name(scratch: Path) -> None:
    outcomes: list[bool] = []

    @FUZZ
    @given(file=long_files(), label=LABELS)
    def check(file: tuple[pa.Table, pd.DataFrame | None], label: str) -> None:
        table, expected = file
        outcomes.append(isinstance(check_import(scratch, table, label, expected), Upload))

    check()
    assert any(outcomes) and not all(outcomes)  # the generator reaches both outcomes


def test_wide_files_are_imported_exactly_or_refused_by_name(scratch: Path) -> None:
    outcomes: list[bool] = []

    @FUZZ
    @given(file=wide_files(), label=LABELS)
    def check(file: tuple[pa.Table, pd.DataFrame | None], label: str) -> None:
        table, expected = file
        outcomes.append(isinstance(check_import(scratch, table, label, expected), Upload))

    check()
    assert any(outcomes) and not all(outcomes)  # the generator reaches both outcomes


def test_events_files_are_derived_exactly_or_refused_by_name(scratch: Path) -> None:
    outcomes: list[bool] = []

    @FUZZ
    @given(file=events_files(), label=LABELS)
    def check(file: tuple[pa.Table, pd.DataFrame | None], label: str) -> None:
        table, expected = file
        outcomes.append(isinstance(check_import(scratch, table, label, expected), Upload))

    check()
    assert any(outcomes) and not all(outcomes)  # the generator reaches both outcomes


COLUMN_NAMES = st.one_of(
    st.sampled_from(
        [
            *("date", "Date ", "DATE", "platform", "Platform", "metric", "value", "Value", "ts"),
            *("member_id", "kind", "by_brand", "followers", "brand_posts", "engagement_rate"),
            *("community_members", "audience", " Audience"),
            *("week", " Week"),
            *("", " ", "__index_level_0__", "extra"),
        ]
    ),
    st.text(max_size=6),
)


def random_array(n: int) -> st.SearchStrategy[pa.Array]:
    """A column of any common parquet type, with nulls and awkward values."""
    return st.one_of(
        st.lists(st.one_of(st.text(max_size=6), st.none()), min_size=n, max_size=n).map(pa.array),
        st.lists(st.one_of(st.floats(), st.none()), min_size=n, max_size=n).map(
            lambda v: pa.array(v, pa.float64())
        ),
        st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n).map(
            lambda v: pa.array(v, pa.int64())
        ),
        st.lists(st.booleans(), min_size=n, max_size=n).map(pa.array),
        st.lists(st.dates(), min_size=n, max_size=n).map(lambda v: pa.array(v, pa.date32())),
        st.lists(st.datetimes(), min_size=n, max_size=n).map(
            lambda v: pa.array(v, pa.timestamp("us"))
        ),
        st.lists(st.dates(), min_size=n, max_size=n).map(
            lambda v: pa.array([d.isoformat() for d in v])
        ),
        st.lists(st.lists(st.integers(0, 9), max_size=2), min_size=n, max_size=n).map(pa.array),
        st.just(pa.nulls(n)),
        st.just(pa.array([b"\x00\xff"] * n, pa.binary())),
    )


@st.composite
def random_tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(0, 8))
    header = draw(st.lists(COLUMN_NAMES, max_size=7))
    arrays = [draw(random_array(n)) for _ in header]
    return pa.Table.from_arrays(arrays, names=header)


def test_any_set_of_columns_is_imported_or_refused_by_name(scratch: Path) -> None:
    @FUZZ
    @given(table=random_tables(), label=LABELS)
    def check(table: pa.Table, label: str) -> None:
        check_import(scratch, table, label, EITHER)

    check()


def valid_parquet_bytes() -> bytes:
    table = pa.table(
        {
            "date": pa.array([dt.date(2026, 1, 5), dt.date(2026, 1, 12)]),
            "platform": ["instagram", "tiktok"],
            "metric": ["followers", "brand_posts"],
            "value": [120.0, 3.0],
        }
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())


VALID = valid_parquet_bytes()


@st.composite
def damaged_files(draw: st.DrawFn) -> bytes:
    """Random bytes, parquet magic around garbage, and a real file cut or with a byte changed."""
    how = draw(st.sampled_from(["random", "magic", "truncated", "flipped", "padded"]))
    if how == "random":
        return draw(st.binary(max_size=300))
    if how == "magic":
        return b"PAR1" + draw(st.binary(max_size=300)) + b"PAR1"
    if how == "truncated":
        return VALID[: draw(st.integers(0, len(VALID) - 1))]
    if how == "flipped":
        at = draw(st.integers(0, len(VALID) - 1))
        byte = draw(st.integers(0, 255).filter(lambda b: b != VALID[at]))
        return VALID[:at] + bytes([byte]) + VALID[at + 1 :]
    return VALID + draw(st.binary(min_size=1, max_size=50))


def test_random_and_damaged_bytes_are_refused_by_name(scratch: Path) -> None:
    @FUZZ
    @given(content=damaged_files(), label=LABELS)
    def check(content: bytes, label: str) -> None:
        check_import(scratch, content, label, EITHER)

    check()


# --- the same files as CSV and xlsx -------------------------------------------------------

SPREADSHEET_FUZZ = settings(FUZZ, max_examples=fuzz_examples(40))
GENERATORS = {"long": long_files, "wide": wide_files, "events": events_files}


def spreadsheet_label(label: str, fmt: str) -> str:
    return label.removesuffix(".parquet") + SUFFIX[fmt]


def ends_blank(table: pa.Table) -> bool:
    """Whether the table's last row holds nothing: a spreadsheet's trailing blank rows are
    ignored, where parquet refuses the row (so the oracle does not apply to such a file)."""
    last = table_rows(table)[-1] if table.num_rows else []
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in last)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("layout", list(GENERATORS))
def test_spreadsheets_of_each_layout_are_imported_exactly_or_refused_by_name(
    scratch: Path, layout: str, fmt: str
) -> None:
    """The generated parquet files, written as CSV (ISO text) or xlsx (cells): the same
    oracle holds, but for a last row that holds nothing."""
    outcomes: list[bool] = []

    @SPREADSHEET_FUZZ
    @given(file=GENERATORS[layout](), label=LABELS)
    def check(file: tuple[pa.Table, pd.DataFrame | None], label: str) -> None:
        table, expected = file
        assume(not ends_blank(table))
        name = spreadsheet_label(label, fmt)
        outcomes.append(isinstance(check_import(scratch, table, name, expected, fmt), Upload))

    check()
    assert any(outcomes) and not all(outcomes)  # the generator reaches both outcomes


VALID_ROWS = table_rows(
    pa.table(
        {
            "date": pa.array([dt.date(2026, 1, 5), dt.date(2026, 1, 12)]),
            "platform": ["instagram", "tiktok"],
            "metric": ["followers", "brand_posts"],
            "value": [120.0, 3.0],
        }
    )
)
VALID_SPREADSHEETS = {
    "csv": csv_bytes(VALID_ROWS),
    "csv in UTF-16, below sep= and a title": (
        'sep=,\n"Facebook follows"\n' + csv_bytes(VALID_ROWS).decode()
    ).encode("utf-16"),
    "xlsx": xlsx_bytes(VALID_ROWS),
    "xls": xls_bytes(VALID_ROWS),
}


@st.composite
def damaged_spreadsheets(draw: st.DrawFn) -> tuple[bytes, str]:
    """Random bytes and text, and a real CSV file or workbook (.xlsx, .xls) cut, padded or
    with a byte changed; with the ending it is uploaded under."""
    kind = draw(st.sampled_from(sorted(VALID_SPREADSHEETS)))
    fmt = kind.split()[0]
    valid = VALID_SPREADSHEETS[kind]
    how = draw(st.sampled_from(["random", "text", "truncated", "flipped", "padded"]))
    if how == "random":
        return draw(st.binary(max_size=300)), fmt
    if how == "text":
        return draw(st.text(max_size=120)).encode(), fmt
    if how == "truncated":
        return valid[: draw(st.integers(0, len(valid) - 1))], fmt
    if how == "flipped":
        at = draw(st.integers(0, len(valid) - 1))
        byte = draw(st.integers(0, 255).filter(lambda b: b != valid[at]))
        return valid[:at] + bytes([byte]) + valid[at + 1 :], fmt
    return valid + draw(st.binary(min_size=1, max_size=50)), fmt


def test_random_and_damaged_csv_and_xlsx_files_are_refused_by_name(scratch: Path) -> None:
    @FUZZ
    @given(file=damaged_spreadsheets(), label=LABELS)
    def check(file: tuple[bytes, str], label: str) -> None:
        content, fmt = file
        check_import(scratch, content, spreadsheet_label(label, fmt), EITHER, fmt)

    check()


def test_any_set_of_columns_in_a_spreadsheet_is_imported_or_refused_by_name(
    scratch: Path,
) -> None:
    @SPREADSHEET_FUZZ
    @given(table=random_tables(), label=LABELS, fmt=st.sampled_from(["csv", "xlsx"]))
    def check(table: pa.Table, label: str, fmt: str) -> None:
        check_import(scratch, table, spreadsheet_label(label, fmt), EITHER, fmt)

    check()


# --- examples a reader can follow --------------------------------------------------------


def test_times_in_mixed_zones_count_in_the_week_of_their_utc_instant(scratch: Path) -> None:
    # Sunday 23:30 in New York is Monday 04:30 UTC; Monday 02:00 in India is Sunday in UTC.
    table = pa.table(
        {
            "date": ["2026-01-04T23:30:00-05:00", "2026-01-05T02:00:00+05:30", "2026-01-07"],
            "platform": ["Instagram", " instagram ", "INSTAGRAM"],
            "metric": ["brand_posts", "Brand Posts", "brand-posts"],
            "value": [1.0, 2.0, 4.0],
        }
    )
    expected = weekly_frame(
        [
            (dt.date(2025, 12, 29), "instagram", "brand_posts", 2.0),
            (dt.date(2026, 1, 5), "instagram", "brand_posts", 5.0),
        ]
    )
    check_import(scratch, table, "zones.parquet", expected)


def test_duplicate_columns_are_refused_by_name(scratch: Path) -> None:
    table = pa.Table.from_arrays(
        [pa.array(["2026-01-05"]), pa.array(["x"]), pa.array(["2026-01-06"]), pa.array([1.0])],
        names=["date", "platform", "Date ", "followers"],
    )
    with fresh_workspace(scratch) as ws:
        path = ws.root.parent / "dup.parquet"
        pq.write_table(table, path)
        with pytest.raises(ImportRejected, match=r"^dup\.parquet: columns 'date' and 'Date '"):
            ws.import_file(EDITOR, path, today=TODAY)


def test_huge_and_impossible_numbers_are_refused_by_name(scratch: Path) -> None:
    for value, reason in [
        (1e13, "too large"),
        (math.inf, "infinite"),
        (math.nan, "NaN"),
        (-5.0, "negative"),
        (2**63 - 1, "too large"),
    ]:
        array = pa.array([value], pa.int64() if isinstance(value, int) else pa.float64())
        table = pa.table({"date": ["2026-01-05"], "platform": ["x"], "followers": array})
        with fresh_workspace(scratch) as ws:
            path = ws.root.parent / "big.parquet"
            pq.write_table(table, path)
            before = workspace_state(ws)
            with pytest.raises(ImportRejected, match=rf"^big\.parquet: .*{reason}"):
                ws.import_file(EDITOR, path, today=TODAY)
            assert workspace_state(ws) == before


TS_TYPES = {
    "zoned UTC": pa.timestamp("us", tz="UTC"),
    "zoned New York": pa.timestamp("ms", tz="America/New_York"),
    "naive": pa.timestamp("ns"),
    "date": pa.date32(),
    "text": pa.string(),
}


@pytest.mark.parametrize("ts_type", sorted(TS_TYPES))
@pytest.mark.parametrize(
    ("when", "reason"),
    [(dt.datetime(1985, 6, 1), "before 1990-01-01"), (dt.datetime(2100, 1, 1), "in the future")],
)
def test_event_times_out_of_range_are_refused_whatever_their_type(
    scratch: Path, ts_type: str, when: dt.datetime, reason: str
) -> None:
    aware = when.replace(tzinfo=dt.UTC)
    value = {"date": when.date(), "text": aware.isoformat(), "naive": when}.get(ts_type, aware)
    table = pa.table(
        {
            "ts": pa.array([value], TS_TYPES[ts_type]),
            "platform": ["x"],
            "member_id": [1],
            "kind": ["post"],
            "by_brand": [True],
        }
    )
    refusal = check_import(scratch, table, "events.parquet", None)
    assert f"at row 1 is {reason}" in str(refusal)


def platforms_table(layout: str, raw_names: list[str]) -> pa.Table:
    n = len(raw_names)
    if layout == "events":
        return pa.table(
            {
                "ts": pa.array([dt.datetime(2026, 1, 5, 12)] * n, pa.timestamp("us")),
                "platform": raw_names,
                "member_id": pa.array(range(n), pa.int64()),
                "kind": ["comment"] * n,
                "by_brand": [False] * n,
            }
        )
    return pa.table(
        {
            "date": pa.array([dt.datetime(2026, 1, 5, 12)] * n, pa.timestamp("us")),
            "platform": raw_names,
            "brand_posts": [1] * n,
        }
    )


@pytest.mark.parametrize("layout", ["wide", "events"])
def test_more_than_ten_thousand_platforms_are_refused(scratch: Path, layout: str) -> None:
    table = platforms_table(layout, [f"site {i}" for i in range(MAX_PLATFORMS + 1)])
    refusal = check_import(scratch, table, "crawl.parquet", None)
    assert "10001 distinct platforms; at most 10000 are accepted" in str(refusal)


@pytest.mark.parametrize("layout", ["wide", "events"])
def test_ten_thousand_platforms_in_two_spellings_each_are_accepted(
    scratch: Path, layout: str
) -> None:
    raw = [f"Site {i}" for i in range(MAX_PLATFORMS)] + [f" site-{i}" for i in range(MAX_PLATFORMS)]
    n = len(raw)
    instants = [dt.datetime(2026, 1, 5, 12)] * n
    if layout == "wide":
        rows = zip(instants, raw, ["brand_posts"] * n, [1.0] * n, strict=True)
        expected = long_oracle(list(rows))
    else:
        events = zip(instants, raw, range(n), ["c"] * n, [False] * n, strict=True)
        expected = events_oracle(list(events))
    upload = check_import(scratch, platforms_table(layout, raw), "many.parquet", expected)
    assert isinstance(upload, Upload)
    assert upload.platforms == tuple(sorted(f"site_{i}" for i in range(MAX_PLATFORMS)))


# --- the size limit ----------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MAX_IMPORT_ENV, "0.01")  # 10,485 bytes
    with fresh_workspace(scratch) as ws:
        garbage = ws.root.parent / "huge export.parquet"
        garbage.write_bytes(b"x" * 20_000)  # not parquet at all: the size is checked first
        before = workspace_state(ws)
        with pytest.raises(
            ImportRejected,
            match=r"^huge export\.parquet: the file is 20,000 bytes, more than the 10,485 bytes",
        ):
            ws.import_file(EDITOR, garbage, today=TODAY)
        assert workspace_state(ws) == before

        small = ws.root.parent / "small.parquet"
        small.write_bytes(VALID)
        assert len(VALID) < 10_485
        assert ws.import_file(EDITOR, small, today=TODAY).rows == 2


def test_the_size_limit_defaults_to_one_gibibyte_and_a_bad_setting_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MAX_IMPORT_ENV, raising=False)
    assert ingest.max_import_bytes() == 2**30
    monkeypatch.setenv(MAX_IMPORT_ENV, "200")
    assert ingest.max_import_bytes() == 200 * 2**20
    for bad in ["lots", "-1", "0", "nan", "inf"]:
        monkeypatch.setenv(MAX_IMPORT_ENV, bad)
        with pytest.raises(RolloutError, match=f"^{MAX_IMPORT_ENV}: expected a positive number"):
            ingest.max_import_bytes()
