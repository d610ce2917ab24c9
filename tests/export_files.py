"""Platform exports shaped like the files the platforms publish, from a day-by-day truth.

Each writer takes a frame of daily values (one row a day, the export's own column names)
and writes it the way the platform does: its header row, its date format, its encoding,
its preamble (``sep=,``, a title line, a description row), thousands separators, quoting.
The header rows and quirks are those of real downloads as issue 17 records them (X account
overview and tweet activity, YouTube Studio, TikTok Studio, Meta Business Suite, Instagram
and Facebook post exports, LinkedIn Page exports, Discord Server Insights, Reddit traffic).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tests.spreadsheet_files import xlsx_bytes
from tests.xls_files import xls_bytes

FIRST = dt.date(2025, 8, 4)
"""A Monday: the truth covers whole weeks from here."""


def days(n: int = 35) -> list[dt.date]:
    return [FIRST + dt.timedelta(days=i) for i in range(n)]


def counts(columns: Sequence[str], n: int = 35, *, seed: int = 1, top: int = 3000) -> pd.DataFrame:
    """Daily counts for ``columns``, one row a day from ``FIRST``."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({c: rng.integers(0, top, n) for c in columns})
    frame.insert(0, "day", days(n))
    return frame


def csv_text(rows: Sequence[Sequence[Any]], *, quote_all: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(
        out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\n"
    )
    writer.writerows(rows)
    return out.getvalue()


def thousands(value: float) -> str:
    return f"{value:,.0f}"


@dataclass(frozen=True)
class Export:
    """One published export: its file name, writer, and the truth's weekly metrics."""

    name: str
    write: Callable[[pd.DataFrame, Path], Path]
    truth: Callable[[], pd.DataFrame]
    platform: str
    expected: Callable[[pd.DataFrame], dict[str, pd.Series]]
    """Metric -> its value per day, from the truth; summed (or last) per week by the test."""


# --- writers --------------------------------------------------------------------------------

X_OVERVIEW = [
    "Impressions", "Likes", "Engagements", "Bookmarks", "Shares", "New follows", "Unfollows",
    "Replies", "Reposts", "Profile visits", "Create Post", "Video views", "Media views",
]  # fmt: skip


def write_x_overview(truth: pd.DataFrame, folder: Path) -> Path:
    """Dates like ``Thu, Sep 11, 2025``, newest first."""
    rows = [["Date", *X_OVERVIEW]]
    for r in truth.sort_values("day", ascending=False).itertuples(index=False):
        rows.append([f"{r[0]:%a, %b %d, %Y}", *r[1:]])
    path = folder / "account_overview_analytics.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def write_x_tweets(truth: pd.DataFrame, folder: Path) -> Path:
    """One row per post, line breaks inside quoted text, promoted columns holding ``-``."""
    head = ["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements",
            "engagement rate", "retweets", "replies", "likes", "user profile clicks",
            "promoted impressions", "promoted engagements", "promoted retweets"]  # fmt: skip
    rows: list[list[Any]] = [head]
    for n, r in enumerate(truth.itertuples(index=False)):
        posts = int(r.posts)
        for k in range(posts):
            rows.append([
                str(1090000000000000000 + n * 10 + k), f"https://x.com/acme/status/{n}{k}",
                f"Post {n}.{k}\nwith a second line, and a comma", f"{r.day:%Y-%m-%d} 1{k}:32 +0000",
                r.impressions // max(posts, 1), r.engagements // max(posts, 1), "0.04",
                r.retweets // max(posts, 1), r.replies // max(posts, 1), r.likes // max(posts, 1),
                3, "-", "-", "-",
            ])  # fmt: skip
    path = folder / "tweet_activity_metrics_acme_20250804_20250908_en.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def x_tweets_truth() -> pd.DataFrame:
    frame = counts(["impressions", "engagements", "retweets", "replies", "likes"], top=400)
    frame.insert(1, "posts", np.random.default_rng(2).integers(0, 3, len(frame)))
    return frame


def x_tweets_expected(truth: pd.DataFrame) -> dict[str, pd.Series]:
    posts = truth["posts"]
    each = {c: (truth[c] // posts.clip(lower=1)) * posts for c in ("retweets", "replies", "likes")}
    return {
        "brand_posts": posts,
        "member_interactions": each["retweets"] + each["replies"] + each["likes"],
        "reposts": each["retweets"],
    }


def write_youtube_totals(truth: pd.DataFrame, folder: Path) -> Path:
    """``Date,Views,Subscribers``; dates like ``1/14/2022``; Subscribers a net change."""
    rows = [["Date", "Views", "Subscribers"]]
    rows += [[f"{r.day.month}/{r.day.day}/{r.day.year}", r.views, r.subscribers] for r in
             truth.itertuples(index=False)]  # fmt: skip
    path = folder / "Totals.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def youtube_truth() -> pd.DataFrame:
    frame = counts(["views"])
    frame["subscribers"] = np.random.default_rng(3).integers(-8, 30, len(frame))
    return frame


def write_tiktok_overview(truth: pd.DataFrame, folder: Path, name: str) -> Path:
    """UTF-8 with a BOM, every field quoted, dates like ``August 31`` with no year."""
    head = ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares", "New followers"]
    rows = [head] + [[f"{r[0]:%B} {r[0].day}", *r[1:]] for r in truth.itertuples(index=False)]
    path = folder / name
    path.write_bytes(csv_text(rows, quote_all=True).encode("utf-8-sig"))
    return path


TIKTOK_COLUMNS = ["video_views", "profile_views", "likes", "comments", "shares", "new_followers"]


def write_meta_series(truth: pd.DataFrame, folder: Path, title: str, *, sep: bool = True) -> Path:
    """UTF-16LE with a BOM; ``sep=,``; the chart's title; ``"Date","Primary"``."""
    lines = (['"sep=,"'] if sep else []) + [f'"{title}"', '"Date","Primary"']
    lines += [f'"{r.day:%Y-%m-%dT00:00:00}","{r.primary}"' for r in truth.itertuples(index=False)]
    path = folder / f"{title}.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    return path


def write_instagram_posts(truth: pd.DataFrame, folder: Path) -> Path:
    """One row per post: ``Lifetime`` dates, ``09/15/2026 18:00`` times, ``"15,000"``."""
    head = ["Post ID", "Account ID", "Account username", "Account name", "Description",
            "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date",
            "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves"]  # fmt: skip
    rows: list[list[Any]] = [head]
    for n, r in enumerate(truth.itertuples(index=False)):
        if not r.posts:
            continue
        rows.append([
            f"1789{n:06d}", "1784", "acme", "Acme Outdoor", "Trail day,\nsee you there", 0,
            f"{r.day:%m/%d/%Y} 18:00", f"https://www.instagram.com/p/{n}/", "IG image", "",
            "Lifetime", thousands(r.views), thousands(r.reach), thousands(r.likes), r.shares,
            r.follows, r.comments, r.saves,
        ])  # fmt: skip
    path = folder / "Aug-04-2025_Sep-07-2025_1784.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def instagram_truth() -> pd.DataFrame:
    frame = counts(["views", "reach", "likes", "shares", "follows", "comments", "saves"], top=40000)
    frame.insert(1, "posts", (np.arange(len(frame)) % 3 == 0).astype(int))
    return frame


def write_linkedin_followers(truth: pd.DataFrame, folder: Path, *, xls: bool = False) -> Path:
    """A workbook (.xls as downloaded, or re-saved as .xlsx): demographic sheets first, then
    ``New followers`` with MM/DD/YYYY dates."""
    head = ["Date", "Sponsored followers", "Organic followers", "Auto-invited followers",
            "Total followers"]  # fmt: skip
    rows: list[list[Any]] = [head]
    for r in truth.itertuples(index=False):
        counted = [int(r.sponsored), int(r.organic), int(r.invited)]
        rows.append([f"{r.day:%m/%d/%Y}", *counted, sum(counted)])
    sheets = {
        "Location": [["Location", "Total followers"], ["Berlin", 120], ["Munich", 80]],
        "Job function": [["Job function", "Total followers"], ["Sales", 40]],
        "New followers": rows,
    }
    path = folder / f"acme_followers_1756000000000.{'xls' if xls else 'xlsx'}"
    path.write_bytes(xls_bytes(sheets) if xls else xlsx_bytes(sheets))
    return path


def write_linkedin_updates(truth: pd.DataFrame, folder: Path) -> Path:
    """Sheet ``Metrics`` with a description row above the header; sheet ``All posts``."""
    parts = ["Impressions", "Clicks", "Reactions", "Comments", "Reposts"]
    head = ["Date"] + [f"{p} ({k})" for p in parts for k in ("organic", "sponsored", "total")]
    rows: list[list[Any]] = [
        ["Aggregated metrics for your Page updates, by day. Sponsored means paid."],
        head,
    ]
    for r in truth.itertuples(index=False):
        cells: list[Any] = [f"{r.day:%m/%d/%Y}"]
        for p in parts:
            organic = getattr(r, p.lower())
            cells += [organic, 0, organic]
        rows.append(cells)
    sheets = {"Metrics": rows, "All posts": [["Update title", "Impressions"], ["Hello", 10]]}
    path = folder / "acme_content_1756000000000.xlsx"
    path.write_bytes(xlsx_bytes(sheets))
    return path


def write_discord(truth: pd.DataFrame, folder: Path, columns: Sequence[str], name: str) -> Path:
    """One CSV per chart: ``interval_start_timestamp`` with ``+00:00``, then the chart's."""
    rows: list[list[Any]] = [["interval_start_timestamp", *columns]]
    for r in truth.itertuples(index=False):
        rows.append([f"{r.day:%Y-%m-%d} 00:00:00+00:00", *(getattr(r, c) for c in columns)])
    path = folder / name
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def discord_truth() -> pd.DataFrame:
    frame = counts(["visitors", "new_members", "messages"], top=300)
    rng = np.random.default_rng(5)
    frame["pct_communicated"] = rng.integers(5, 40, len(frame)) / 100
    frame["total_membership"] = 1000 + frame["new_members"].cumsum()
    frame["messages_per_communicator"] = rng.integers(10, 90, len(frame)) / 10
    return frame


def write_reddit(truth: pd.DataFrame, folder: Path) -> Path:
    """``Date, Unique Visitors, Pages Views, Subscriptions``; ``6/30/17``; ``"1,573"``."""
    rows: list[list[Any]] = [["Date", "Unique Visitors", "Pages Views", "Subscriptions"]]
    for r in truth.itertuples(index=False):
        day = f"{r.day.month}/{r.day.day}/{r.day:%y}"
        rows.append([day, thousands(r.unique_visitors), thousands(r.page_views), r.subscriptions])
    path = folder / "traffic.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def write_tiktok_follower_history(truth: pd.DataFrame, folder: Path) -> Path:
    """``"Date","Followers","Difference in followers from previous day"``, every field
    quoted, UTF-8 with a BOM, dates like ``August 31`` (the year from the file's name)."""
    head = ["Date", "Followers", "Difference in followers from previous day"]
    rows = [head] + [
        [f"{r.day:%B} {r.day.day}", r.followers, r.difference]
        for r in truth.itertuples(index=False)
    ]
    path = folder / "FollowerHistory_2025.csv"
    path.write_bytes(csv_text(rows, quote_all=True).encode("utf-8-sig"))
    return path


def tiktok_followers_truth() -> pd.DataFrame:
    frame = counts(["difference"], top=40)
    frame["followers"] = 5000 + frame["difference"].cumsum()
    return frame


def write_facebook_posts(truth: pd.DataFrame, folder: Path) -> Path:
    """Facebook's post export: ``Page ID``, ``Title``, "Reactions, Comments and Shares"."""
    head = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)",
            "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach",
            "Reactions, Comments and Shares", "Reactions", "Comments", "Shares",
            "Total clicks"]  # fmt: skip
    rows: list[list[Any]] = [head]
    for n, r in enumerate(truth.itertuples(index=False)):
        if not r.posts:
            continue
        rows.append([
            f"1022{n:06d}", "1022", "Acme Outdoor", f"Trail day {n}", "See you there", "",
            f"{r.day:%m/%d/%Y} 09:30", f"https://www.facebook.com/1022/posts/{n}", "Photos", "",
            "Lifetime", thousands(r.views), thousands(r.reach),
            thousands(r.reactions + r.comments + r.shares), r.reactions, r.comments, r.shares,
            r.clicks,
        ])  # fmt: skip
    path = folder / "Sep-01-2025_Oct-05-2025_1022.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def facebook_truth() -> pd.DataFrame:
    frame = counts(["views", "reach", "reactions", "comments", "shares", "clicks"], top=9000)
    frame.insert(1, "posts", (np.arange(len(frame)) % 2 == 0).astype(int))
    return frame


def write_linkedin_visitors(truth: pd.DataFrame, folder: Path) -> Path:
    """``Date`` then the page views and unique visitors by device, as .xls."""
    head = ["Date", "Overview page views (desktop)", "Overview page views (mobile)",
            "Overview page views (total)", "Total page views (total)",
            "Total unique visitors (total)"]  # fmt: skip
    rows: list[list[Any]] = [head]
    for r in truth.itertuples(index=False):
        desktop, mobile, unique = int(r.desktop), int(r.mobile), int(r.unique)
        rows.append(
            [f"{r.day:%m/%d/%Y}", desktop, mobile, desktop + mobile, desktop + mobile, unique]
        )
    path = folder / "acme_visitors_1756000000000.xls"
    path.write_bytes(xls_bytes({"Visitor metrics": rows, "Location": [["Location", "Total"]]}))
    return path
