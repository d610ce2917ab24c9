"""Platform exports import as downloaded (``strategy.ingest.exports``), and their weekly numbers
equal an independent pandas computation from the day-by-day truth they were written from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from strategy.domain.access import LOCAL_USER
from strategy.domain.analysis import analyse
from strategy.domain.gates import Stage
from strategy.domain.metrics import Agg, aggregation_for
from strategy.ingest.exports import EXPORTS, number
from strategy.usecases import Workspace
from tests import export_files as ex
from tests.conftest import TODAY, cli
from tests.engines import workspace_state

Expected = dict[str, pd.Series]


def weekly(days: pd.Series, values: pd.Series, agg: Agg) -> pd.Series:
    """The truth's daily values as one value per ISO week (keyed by its Monday)."""
    frame = pd.DataFrame({"day": pd.to_datetime(days), "value": values.astype("float64")})
    frame["week"] = frame["day"] - pd.to_timedelta(frame["day"].dt.day_of_week, unit="D")
    grouped = frame.groupby("week")["value"]
    out = {Agg.SUM: grouped.sum, Agg.LAST: grouped.last, Agg.MAX: grouped.max}.get(
        agg, grouped.mean
    )()
    return out.rename(None)


def x_overview() -> tuple[pd.DataFrame, Expected]:
    t = ex.counts(ex.X_OVERVIEW, top=500)
    interactions = t["Likes"] + t["Replies"] + t["Reposts"] + t["Shares"] + t["Bookmarks"]
    return t, {
        "brand_posts": t["Create Post"],
        "member_interactions": interactions,
        "followers_gained": t["New follows"] - t["Unfollows"],
        "impressions": t["Impressions"],
    }


def x_tweets() -> tuple[pd.DataFrame, Expected]:
    t = ex.x_tweets_truth()
    return t, ex.x_tweets_expected(t)


def youtube() -> tuple[pd.DataFrame, Expected]:
    t = ex.youtube_truth()
    return t, {"followers_gained": t["subscribers"], "views": t["views"]}


def tiktok() -> tuple[pd.DataFrame, Expected]:
    t = ex.counts(ex.TIKTOK_COLUMNS, top=900)
    return t, {
        "member_interactions": t["likes"] + t["comments"] + t["shares"],
        "followers_gained": t["new_followers"],
        "video_views": t["video_views"],
    }


def meta() -> tuple[pd.DataFrame, Expected]:
    t = ex.counts(["primary"], top=60)
    return t, {"followers_gained": t["primary"]}


def instagram() -> tuple[pd.DataFrame, Expected]:
    t = ex.instagram_truth()
    on = t["posts"]
    posted = (t["likes"] + t["comments"] + t["shares"] + t["saves"]) * on
    return t, {"brand_posts": on, "member_interactions": posted, "views": t["views"] * on}


def linkedin_followers() -> tuple[pd.DataFrame, Expected]:
    t = ex.counts(["sponsored", "organic", "invited"], top=40)
    return t, {"followers_gained": t["sponsored"] + t["organic"] + t["invited"]}


def linkedin_updates() -> tuple[pd.DataFrame, Expected]:
    t = ex.counts(["impressions", "clicks", "reactions", "comments", "reposts"], top=900)
    return t, {
        "member_interactions": t["reactions"] + t["comments"] + t["reposts"],
        "impressions": t["impressions"],
    }


def discord() -> tuple[pd.DataFrame, Expected]:
    t = ex.discord_truth()
    return t, {
        "active_members": t["visitors"] * t["pct_communicated"],
        "pct_communicated": t["pct_communicated"],
    }


def tiktok_followers() -> tuple[pd.DataFrame, Expected]:
    t = ex.tiktok_followers_truth()
    return t, {"followers": t["followers"], "followers_gained": t["difference"]}


def facebook() -> tuple[pd.DataFrame, Expected]:
    t = ex.facebook_truth()
    on = t["posts"]
    return t, {
        "brand_posts": on,
        "member_interactions": (t["reactions"] + t["comments"] + t["shares"]) * on,
        "clicks": t["clicks"] * on,
    }


def linkedin_visitors() -> tuple[pd.DataFrame, Expected]:
    t = ex.counts(["desktop", "mobile", "unique"], top=200)
    return t, {"page_views": t["desktop"] + t["mobile"], "unique_visitors": t["unique"]}


def reddit() -> tuple[pd.DataFrame, Expected]:
    t = ex.counts(["unique_visitors", "page_views", "subscriptions"], top=4000)
    return t, {"followers_gained": t["subscriptions"], "page_views": t["page_views"]}


CASES: list[tuple[str, Callable[[], tuple[pd.DataFrame, Expected]], Callable[..., Path], str]] = [
    ("X account overview (daily)", x_overview, ex.write_x_overview, "x"),
    ("X tweet activity (one row per post)", x_tweets, ex.write_x_tweets, "x"),
    ("YouTube Studio Totals.csv", youtube, ex.write_youtube_totals, "youtube"),
    (
        "TikTok Studio Overview.csv",
        tiktok,
        lambda t, f: ex.write_tiktok_overview(t, f, "Overview_2025-08-04_2025-09-07.csv"),
        "tiktok",
    ),
    (
        "Meta Business Suite chart (one metric)",
        meta,
        lambda t, f: ex.write_meta_series(t, f, "Facebook follows"),
        "facebook",
    ),
    (
        "Meta Business Suite chart (one metric)",
        meta,
        lambda t, f: ex.write_meta_series(t, f, "Facebook follows", sep=False),
        "facebook",
    ),
    ("Instagram post export", instagram, ex.write_instagram_posts, "instagram"),
    ("Facebook post export", facebook, ex.write_facebook_posts, "facebook"),
    (
        "TikTok Studio FollowerHistory.csv",
        tiktok_followers,
        ex.write_tiktok_follower_history,
        "tiktok",
    ),
    ("LinkedIn Page visitors", linkedin_visitors, ex.write_linkedin_visitors, "linkedin"),
    ("LinkedIn Page followers", linkedin_followers, ex.write_linkedin_followers, "linkedin"),
    (
        "LinkedIn Page followers",
        linkedin_followers,
        lambda t, f: ex.write_linkedin_followers(t, f, xls=True),
        "linkedin",
    ),
    ("LinkedIn Page updates", linkedin_updates, ex.write_linkedin_updates, "linkedin"),
    (
        "Discord Server Insights: visitors",
        discord,
        lambda t, f: ex.write_discord(t, f, ["visitors", "pct_communicated"], "guild-visitors.csv"),
        "discord",
    ),
    ("Reddit traffic", reddit, ex.write_reddit, "reddit"),
]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("title", "make", "write", "platform"),
    CASES,
    ids=[
        "x-overview", "x-tweets", "youtube-totals", "tiktok-overview", "meta-series",
        "meta-series-resaved", "instagram-posts", "facebook-posts", "tiktok-follower-history",
        "linkedin-visitors-xls", "linkedin-followers",
        "linkedin-followers-xls", "linkedin-updates",
        "discord-visitors", "reddit-traffic",
    ],
)  # fmt: skip
def test_an_export_imports_as_downloaded_and_its_weeks_equal_pandas_on_the_daily_truth(
    empty_ws: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    title: str,
    make: Callable[[], tuple[pd.DataFrame, Expected]],
    write: Callable[..., Path],
    platform: str,
) -> None:
    truth, expected = make()
    path = write(truth, tmp_path)

    code, out, err = cli(capsys, "import", empty_ws.location.key, str(path))

    assert (code, err) == (0, "")
    assert f": {title}" in out and platform in out
    stored = empty_ws.snapshot().weekly
    for metric, daily in expected.items():
        rows = stored[(stored["platform"] == platform) & (stored["metric"] == metric)]
        got = rows.set_index("week")["value"].sort_index()
        want = weekly(truth["day"], daily, aggregation_for(metric))
        assert len(got) > 0, metric
        pd.testing.assert_series_equal(
            got.rename(None), want.reindex(got.index).astype("float64"), check_names=False
        )
        # A week without a row is one without posts: the truth has nothing there either.
        assert (want[want.index.difference(got.index)] == 0).all(), metric


def test_a_tiktok_overview_without_a_year_is_refused_until_the_year_is_given(
    empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth, _ = tiktok()
    path = ex.write_tiktok_overview(truth, tmp_path, "Overview.csv")
    where = empty_ws.location.key
    before = workspace_state(empty_ws)

    code, _, err = cli(capsys, "import", where, str(path))
    assert code == 1
    assert "Overview.csv: the dates of this TikTok Studio Overview.csv have no year" in err
    assert "import WS FILE --year YYYY" in err
    assert workspace_state(empty_ws) == before

    assert cli(capsys, "import", where, str(path), "--year", "2025")[0] == 0
    weeks = empty_ws.snapshot().weekly["week"]
    assert weeks.min() == pd.Timestamp(ex.FIRST)


def test_a_year_less_export_that_runs_into_january_moves_to_the_next_year(
    empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth, _ = tiktok()
    truth["day"] = [pd.Timestamp("2025-12-15").date() + pd.Timedelta(days=i) for i in range(35)]
    path = ex.write_tiktok_overview(truth, tmp_path, "Overview_2025.csv")
    assert cli(capsys, "import", empty_ws.location.key, str(path))[0] == 0
    weeks = empty_ws.snapshot().weekly["week"]
    assert (weeks.min(), weeks.max()) == (pd.Timestamp("2025-12-15"), pd.Timestamp("2026-01-12"))


@pytest.mark.parametrize(
    ("write", "says"),
    [
        (
            lambda f: _written(f, "Table data.csv", "Content,Video title,Views\nTotal,,300\n"),
            "Table data.csv: this is YouTube Studio Table data.csv, which holds one total per "
            "video for the whole period",
        ),
        (
            lambda f: _written(
                f, "traffic.csv", "Date,Unique Visitors,Pages Views,Subscriptions\n"
            ),
            "traffic.csv: Reddit traffic with no rows of numbers below its header",
        ),
        (
            lambda f: _written(
                f,
                "traffic.csv",
                'Date,Unique Visitors,Pages Views,Subscriptions\n6/30/17,"1,573",4000,3\n'
                "June 31st,1,1,1\n",
            ),
            "traffic.csv: row 3, column 'date': 'June 31st' is not a date as Reddit traffic "
            "writes them (%m/%d/%y)",
        ),
        (
            lambda f: _written(
                f, "Instagram reach.csv", '"Date","Primary"\n"2025-08-01T00:00:00","5"\n'
            ),
            "does not say which platform it is of; give the platform (import WS FILE "
            "--platform NAME",
        ),
    ],
    ids=["youtube-table-data", "truncated", "bad-date", "meta-without-title"],
)
def test_a_bad_export_is_refused_naming_the_file_row_or_column_and_the_fix(
    empty_ws: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    write: Callable[[Path], Path],
    says: str,
) -> None:
    before = workspace_state(empty_ws)
    code, _, err = cli(capsys, "import", empty_ws.location.key, str(write(tmp_path)))
    assert code == 1
    assert says in err
    assert workspace_state(empty_ws) == before


def _written(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_platform_given_always_wins(
    empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth, _ = reddit()
    path = ex.write_reddit(truth, tmp_path)
    cli(capsys, "import", empty_ws.location.key, str(path), "--platform", "Reddit DE")
    assert set(empty_ws.snapshot().weekly["platform"]) == {"reddit_de"}


def test_discord_charts_of_one_server_build_its_community_metrics(
    empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = ex.discord_truth()
    charts = {
        "guild-membership.csv": ["total_membership"],
        "guild-messages.csv": ["messages", "messages_per_communicator"],
        "guild-new-members.csv": ["new_members", "pct_communicated"],
    }
    files = [str(ex.write_discord(truth, tmp_path, c, n)) for n, c in charts.items()]
    code, out, _ = cli(capsys, "import", empty_ws.location.key, *files)
    assert code == 0, out
    stored = empty_ws.snapshot().weekly.set_index(["metric", "week"])["value"]
    members = weekly(truth["day"], truth["total_membership"], Agg.LAST)
    messages = weekly(truth["day"], truth["messages"], Agg.SUM)
    assert stored["community_members"].tolist() == members.tolist()  # 7x too high, before
    assert stored["member_interactions"].tolist() == messages.tolist()


def test_every_rate_an_export_declares_is_averaged_and_every_per_post_number_summed() -> None:
    for spec in EXPORTS:
        for name, column in spec.columns.items():
            if column.metric and any(w in name for w in ("pct", "rate", "per_")):
                assert aggregation_for(column.metric) is Agg.MEAN, (spec.key, name)
            if spec.per_post and column.metric:
                assert aggregation_for(column.metric) is Agg.SUM, (spec.key, name)


def test_no_export_maps_two_columns_or_a_column_and_a_built_metric_to_one_metric() -> None:
    for spec in EXPORTS:
        named = [c.metric for c in spec.columns.values() if c.metric]
        built = [*spec.sums, *spec.differences, *spec.products]
        assert len(named + built) == len(set(named + built)), spec.key


@pytest.mark.parametrize(
    ("cell", "value"),
    [("15,000", 15000.0), ("1,573", 1573.0), ("-", None), ("", None), ("1,5", None), (7, 7.0)],
)
def test_a_number_with_thousands_separators_is_read_and_an_ambiguous_one_is_not(
    cell: object, value: float | None
) -> None:
    assert number(cell) == value


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_workspace_of_exports_alone_leaves_setup_once_a_baseline_gives_its_followers(
    empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth, _ = x_overview()
    where = empty_ws.location.key
    assert cli(capsys, "import", where, str(ex.write_x_overview(truth, tmp_path)))[0] == 0
    empty_ws.set_checklist(LOCAL_USER, "x", "all", ex.FIRST)
    before = analyse(empty_ws.snapshot(), TODAY).statuses["x"]
    assert before.stage is Stage.SETUP
    assert "audience" in before.not_measured  # no followers yet: the gains need a baseline

    cli(capsys, "baseline", "set", where, "x", "followers", "4000", "--on", str(ex.FIRST))

    after = analyse(empty_ws.snapshot(), TODAY).statuses["x"]
    assert after.stage is Stage.RETENTION, after
    assert not after.not_measured or "audience" not in after.not_measured
