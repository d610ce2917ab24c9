"""What social returns against what each platform costs (``strategy.domain.value``): the
cost split over platforms by demand, value per platform on the demo, "value not measured",
revenue in another currency refused, a web-analytics export imported through a mapping."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from strategy.domain.analysis import analyse
from strategy.domain.costs import Rates
from strategy.domain.demand import DemandSettings
from strategy.domain.errors import ImportRejected
from strategy.domain.horizons import SignalWindow
from strategy.domain.platform_cost import Team, platform_week_demand, split_by_demand
from strategy.domain.team import Assignment, Role, make_member
from strategy.domain.value import NOT_MEASURED, value_view
from strategy.ingest.mappings import BY_NAME, IGNORE, check_mapping
from strategy.report import report_dict, report_text
from strategy.usecases import Workspace
from strategy.views.value_charts import value_by_week, value_table
from tests.conftest import EDITOR, TODAY, cli, workspace_state

DATA = Path(__file__).parent / "data"
DEMO_DAILY = Path(__file__).parent.parent / "data" / "demo" / "instagram_linkedin_daily.parquet"
WEEK = dt.date(2026, 11, 2)
VALUE_KEYS = {
    "leads",
    "conversions",
    "revenue",
    "cost",
    "cost_per_lead",
    "cost_per_conversion",
    "return",
}


def _wide(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{"platform": p, "week": pd.Timestamp(WEEK), **m} for p, m in rows.items()]
    )
    frame["week"] = frame["week"].astype("datetime64[ns]")
    return frame


@pytest.mark.parametrize(
    ("messages", "posts", "expected"),
    [
        # 36 and 12 messages at 5 minutes: 3 h and 1 h, shares 3:1 of a EUR 1,040 week
        ((36.0, 12.0), (0.0, 0.0), {"a": 780.0, "b": 260.0}),
        # 2 posts at 1 h and 12 messages (1 h) against 1 post and 6 messages (0.5 + 1 h): 3:1.5
        ((12.0, 6.0), (2.0, 1.0), {"a": 1040 * 3 / 4.5, "b": 1040 * 1.5 / 4.5}),
    ],
)
def test_each_week_s_serving_cost_is_split_over_the_platforms_by_their_demand(
    messages: tuple[float, float], posts: tuple[float, float], expected: dict[str, float]
) -> None:
    # Ann: 10 h social media manager at her own EUR 40; Ben: 20 h support at support's EUR
    # 32, and 5 h IT, which serves no demand and costs nothing here: 400 + 640 = EUR 1,040
    ann = make_member("Ann", 10, (Assignment(Role.SOCIAL_MEDIA_MANAGER, 10),))
    ben = make_member("Ben", 25, (Assignment(Role.SUPPORT, 20), Assignment(Role.IT, 5)))
    rates = Rates(roles={Role.SUPPORT: 32.0, Role.IT: 50.0}, people={"ann": 40.0})
    wide = _wide(
        {
            "a": {"inbound_messages": messages[0], "brand_posts": posts[0], "leads": 9.0},
            "b": {"inbound_messages": messages[1], "brand_posts": posts[1], "revenue": 520.0},
        }
    )
    window = SignalWindow(weeks=(WEEK,), platforms=("a", "b"), lagging={}, left_out=())
    hours = platform_week_demand(wide, {}, (WEEK,), ("a", "b"), DemandSettings())
    split = split_by_demand(hours, Team((ann, ben), rates))
    got = value_view(wide, split, window, "EUR")
    assert {p: v.cost for p, v in got.platforms.items()} == pytest.approx(expected, abs=0.01)
    assert got.total.cost == pytest.approx(1040.0)
    a, b = got.platforms["a"], got.platforms["b"]
    assert (a.leads, a.revenue, a.return_on_cost) == (9.0, None, None)
    assert a.cost_per_lead == pytest.approx(round(expected["a"] / 9, 2))
    assert (b.leads, b.revenue) == (None, 520.0)
    assert b.return_on_cost == pytest.approx(round(520.0 / expected["b"], 2))


def test_the_platforms_demand_adds_up_to_each_week_s_demand(demo_read: Workspace) -> None:
    snapshot = demo_read.snapshot()
    result = analyse(snapshot, TODAY)
    weeks = [d.week for d in result.demand]
    counted = result.wide[result.wide["complete"]]
    platforms = result.signal.window.platforms
    hours = platform_week_demand(counted, result.statuses, weeks, platforms, snapshot.demand)
    for d in result.demand:
        summed = sum(hours[(p, d.week)] for p in platforms)
        assert summed == pytest.approx(d.total_hours)


def test_the_demo_s_value_per_platform_is_the_sum_of_its_days_over_the_window(
    demo_read: Workspace,
) -> None:
    report = report_dict(analyse(demo_read.snapshot(), TODAY))
    window = report["resource_signal"]["window"]
    long = pd.read_parquet(DEMO_DAILY)
    days = long.pivot_table(index=["date", "platform"], columns="metric", values="value")
    days = days.reset_index()
    days["date"] = pd.to_datetime(days["date"])
    monday = days["date"] - pd.to_timedelta(days["date"].dt.day_of_week, unit="D")
    start, end = pd.Timestamp(window["from"]), pd.Timestamp(window["to"])
    inside = days[(monday >= start) & (monday <= end)]
    expected = inside.groupby("platform")[["leads", "conversions", "revenue"]].sum()
    for platform in ("instagram", "linkedin"):
        got = report["value_by_platform"][platform]
        for metric in ("leads", "conversions", "revenue"):
            assert got[metric] == pytest.approx(expected.loc[platform, metric], abs=0.01)
        assert got["return"] == pytest.approx(round(got["revenue"] / got["cost"], 2))
        assert got["cost_per_lead"] == pytest.approx(round(got["cost"] / got["leads"], 2))
    costs = {name: v["cost"] for name, v in report["value_by_platform"].items()}
    assert report["cost_by_platform"] == costs
    assert sum(costs.values()) == pytest.approx(report["value_total"]["cost"], abs=0.05)
    assert report["value_total"]["revenue"] == pytest.approx(expected["revenue"].sum(), abs=0.01)


@pytest.mark.parametrize("platform", ["forum", "tiktok"])
def test_a_platform_without_value_says_value_not_measured_never_0(
    demo_read: Workspace, platform: str
) -> None:
    result = analyse(demo_read.snapshot(), TODAY)
    report = report_dict(result)
    shown = report["value_by_platform"][platform]
    assert set(shown) == VALUE_KEYS
    for key in ("leads", "conversions", "revenue", "return", "cost_per_lead"):
        assert shown[key] is None
    assert f"  {platform}: {NOT_MEASURED}; cost EUR" in report_text(result)
    table = value_table(result.value) if result.value else pd.DataFrame()
    assert table.set_index("platform").loc[platform, "leads"] == NOT_MEASURED


def test_the_report_json_gives_value_by_platform_and_the_rollout_s_total(
    demo_read: Workspace,
) -> None:
    report = json.loads(json.dumps(report_dict(analyse(demo_read.snapshot(), TODAY))))
    assert set(report["value_by_platform"]) == {"forum", "instagram", "linkedin", "tiktok"}
    assert all(set(v) == VALUE_KEYS for v in report["value_by_platform"].values())
    assert set(report["value_total"]) == VALUE_KEYS
    assert report["value_total"]["return"] > 0


def test_the_chart_has_no_revenue_point_for_a_week_without_revenue(demo_read: Workspace) -> None:
    result = analyse(demo_read.snapshot(), TODAY)
    assert result.value is not None
    frame = value_by_week(result.value)
    weeks = frame["week"].nunique()
    assert (frame["series"] == "cost").sum() == weeks
    revenue = frame[frame["series"] == "revenue"]["amount"]
    assert not revenue.isna().any() and math.isfinite(revenue.sum())


# --- imports -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "column"),
    [
        (
            "usd.csv",
            "date,platform,leads,Revenue (USD)\n2026-11-02,instagram,3,120.5\n",
            "Revenue (USD)",
        ),
        ("cur.csv", "date,platform,revenue,currency\n2026-11-02,instagram,120.5,USD\n", "currency"),
        (
            "long.csv",
            "date,platform,metric,value\n2026-11-02,linkedin,revenue_usd,80\n",
            "revenue_usd",
        ),
    ],
)
def test_revenue_in_another_currency_is_refused_naming_file_and_column_and_nothing_is_stored(
    empty_ws: Workspace, tmp_path: Path, name: str, text: str, column: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = workspace_state(empty_ws)
    with pytest.raises(ImportRejected) as refused:
        empty_ws.import_file(EDITOR, path, today=TODAY)
    assert str(refused.value) == (
        f"{name}: column {column!r}: revenue in USD, the workspace counts EUR; convert it to "
        "EUR or set the currency with `company set WS --currency USD`"
    )
    assert workspace_state(empty_ws) == before


def test_revenue_named_in_the_workspace_s_currency_is_read_as_revenue(
    empty_ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "eur.csv"
    path.write_text("date,platform,Revenue (EUR)\n2026-11-02,instagram,120.5\n", encoding="utf-8")
    upload = empty_ws.import_file(EDITOR, path, today=TODAY)
    assert upload.metrics == ("revenue",)


GA4_SOURCES = {
    "instagram.com": "instagram",
    "l.instagram.com": "instagram",
    "linkedin": "linkedin",
    "lnkd.in": "linkedin",
}


def test_a_web_analytics_export_maps_its_source_rows_to_platforms(
    empty_ws: Workspace,
) -> None:
    """A GA4 "Traffic acquisition" CSV download by Session source / medium with Date as a
    second dimension: the ``#`` block above the header and the column names are GA4's, as
    public test fixtures of GA4 exports reproduce them (searched with "GA4 traffic
    acquisition export csv session source medium": a fixture writer's
    ``ga4_traffic_acquisition`` with its ``# Start date: YYYYMMDD`` header block and the
    columns Sessions, Engaged sessions, Engagement rate, Average engagement time per session,
    Event count, Key events, Session key event rate, Total revenue; and a GA4 importer's test
    file with ``Session source / medium`` rows such as ``chatgpt.com / referral``); the
    numbers are made up. Rows of other sources (google, direct, e-mail) are not social."""
    path = DATA / "ga4_traffic_acquisition.csv"
    header = (
        "session source / medium",
        "date",
        "sessions",
        "engaged sessions",
        "engagement rate",
        "average engagement time per session",
        "event count",
        "key events",
        "session key event rate",
        "total revenue",
    )
    columns = {c: (IGNORE, BY_NAME) for c in header[2:]}
    columns |= {"key events": ("conversions", BY_NAME), "total revenue": ("revenue", BY_NAME)}
    mapping = check_mapping(
        "ga4", header, None, "Date", "YYYYMMDD", columns, "Session source / medium", GA4_SOURCES
    )
    empty_ws.save_mapping(EDITOR, mapping)
    upload = empty_ws.import_file(EDITOR, path, today=TODAY)
    assert (upload.platforms, upload.metrics) == (
        ("instagram", "linkedin"),
        ("conversions", "revenue"),
    )

    rows = pd.read_csv(path, comment="#", dtype={"Date": str})
    source = rows["Session source / medium"].str.split(" / ").str[0]
    rows["platform"] = source.map(GA4_SOURCES)
    rows["week"] = pd.to_datetime(rows["Date"], format="%Y%m%d").dt.to_period("W-SUN").dt.start_time
    social = rows.dropna(subset=["platform"])
    expected = social.groupby(["platform", "week"])[["Key events", "Total revenue"]].sum()
    weekly = empty_ws.snapshot().weekly
    for (platform, week), row in expected.iterrows():
        at = weekly[(weekly["platform"] == platform) & (weekly["week"] == week)]
        got = dict(zip(at["metric"], at["value"], strict=True))
        assert got["conversions"] == pytest.approx(row["Key events"])
        assert got["revenue"] == pytest.approx(row["Total revenue"])
    assert len(weekly) == 2 * len(expected)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--metric", "Key events"), "--metric: expected COLUMN=METRIC, got 'Key events'"),
        (
            ("--source-value", "instagram.com"),
            "--source-value: expected VALUE=PLATFORM, got 'instagram.com'",
        ),
    ],
)
def test_mappings_add_refuses_a_pair_without_its_equals_sign_in_one_line(
    empty_ws: Workspace,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    extra: tuple[str, str],
    expected: str,
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    code, out, err = cli(
        capsys,
        "mappings",
        "add",
        empty_ws.location.key,
        "ga4",
        "--file",
        str(DATA / "ga4_traffic_acquisition.csv"),
        "--date",
        "Date",
        "--source",
        "Session source / medium",
        *extra,
    )
    assert (code, out, err) == (1, "", f"error: {expected}")
    assert empty_ws.snapshot().mappings == {}


def test_mappings_add_then_import_reads_the_source_rows_as_platforms(
    empty_ws: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    where, path = empty_ws.location.key, str(DATA / "ga4_traffic_acquisition.csv")
    sources = [a for v, p in GA4_SOURCES.items() for a in ("--source-value", f"{v}={p}")]
    code, out, _ = cli(
        capsys,
        *("mappings", "add", where, "ga4", "--file", path, "--date", "Date"),
        *("--date-format", "YYYYMMDD", "--source", "Session source / medium", *sources),
        *("--metric", "Total revenue=revenue", "--metric", "Key events=conversions"),
    )
    assert (code, out) == (
        0,
        "saved mapping 'ga4': key events -> conversions, total revenue -> revenue",
    )
    code, out, _ = cli(capsys, "import", where, path)
    assert code == 0
    assert out.startswith(
        "imported ga4_traffic_acquisition.csv as upload #1: mapping 'ga4', 10 rows, "
        "instagram, linkedin, weeks 2026-11-02 to 2026-11-09"
    )
