"""The platforms' own analytics exports, each declared once as data.

A known export is one ``Export``: the header that recognises it, its date format, where its
platform comes from, and what each column becomes (a metric, with the weekly aggregation
the metric's name gives it in ``strategy.domain.metrics``, or ignored, with the reason), plus the
metrics built from several columns (``member_interactions`` as the sum of likes, replies,
reposts...; ``followers_gained`` as new follows less unfollows). Reading a file as its export
is ``strategy.ingest.exports``'s job.

The shapes are those of the files as the platforms publish them (issue 17 lists them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from strategy.domain.metrics import Agg


@dataclass(frozen=True)
class Column:
    """What one column of an export becomes: a metric, or nothing, with the reason."""

    metric: str | None
    why_ignored: str = ""


def metric(name: str) -> Column:
    """A column that becomes the named metric."""
    return Column(name)


def ignored(why: str) -> Column:
    """A column left out, with the reason said to the user."""
    return Column(None, why)


@dataclass(frozen=True)
class Export:
    """One known export, as data: how to recognise it and what each column becomes."""

    key: str
    title: str
    signature: tuple[str, ...]
    """Header names (lower case) that must all be present."""
    date: str
    """The date column (header name, lower case)."""
    date_format: str | None
    """``strptime`` format of the date column; None for ISO dates (or date cells)."""
    columns: Mapping[str, Column]
    platform: str | None = None
    """The platform, when the export is of one; None when the file's title line names it or
    the user gives it (``--platform``)."""
    sums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """A metric built as the sum of several columns' values."""
    differences: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """A metric built as one column less another."""
    products: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """A metric built as a count times a share (an approximation, named in ``notes``)."""
    excludes: tuple[str, ...] = ()
    """Header names that tell another export apart: none of them may be present."""
    per_post: bool = False
    """One row per post: a day's posts count as ``brand_posts``, each in the week of its
    date, and their numbers are summed."""
    refusal: str = ""
    """A file to refuse, saying what to download instead."""
    notes: tuple[str, ...] = ()
    """What a user must know of how the file was read (approximations)."""
    alternatives: tuple[str, ...] = ()
    """Further ``strptime`` formats the date column may use."""
    aggregations: Mapping[str, Agg] = field(default_factory=dict)
    """Metrics whose weekly aggregation is declared here, not by their name's rule (a
    mapping's choice)."""
    exact: bool = False
    """Recognised only by a header of exactly the signature's columns (a mapping)."""
    platform_column: str | None = None
    """A column whose value says each row's platform (a mapping's source column)."""
    platform_values: Mapping[str, str] = field(default_factory=dict)
    """Source value (header-name form) -> platform; rows of other sources are left out."""

    @property
    def year_less(self) -> bool:
        """Whether the dates carry no year (TikTok Studio's ``August 31``)."""
        return (
            self.date_format is not None
            and "%Y" not in self.date_format
            and ("%y" not in self.date_format)
        )


_ID = "an identifier, not a number to count"


_TEXT = "the post's text or link"


_PROMOTED = "paid promotion, not the community"


_RATE_PER_POST = "a per-post rate; the week's rate is recomputed from counts"


def _meta_posts(
    platform: str,
    *,
    signature: tuple[str, ...],
    ids: tuple[str, ...],
    texts: tuple[str, ...],
    counted: Mapping[str, Column],
    sums: Mapping[str, tuple[str, ...]] | None = None,
) -> Export:
    """A Meta Business Suite post export (Instagram's, Facebook's): one row per post with its
    lifetime numbers; the two differ in their ids, texts and what they count."""
    return Export(
        key=f"{platform}_posts",
        title=f"{platform.capitalize()} post export",
        platform=platform,
        signature=signature,
        date="publish time",
        date_format="%m/%d/%Y %H:%M",
        columns={
            **{name: ignored(_ID) for name in ids},
            **{name: ignored(_TEXT) for name in texts},
            "duration (sec)": ignored("a video's length, not an interaction"),
            "permalink": ignored(_TEXT),
            "post type": ignored("a kind of post, not a number"),
            "data comment": ignored(_TEXT),
            "date": ignored("says Lifetime: the post's numbers so far"),
            "views": metric("views"),
            "reach": metric("reach"),
            **counted,
        },
        sums=sums or {},
        per_post=True,
        notes=("each post counts in the week it was published, with its lifetime numbers",),
    )


EXPORTS: Final[tuple[Export, ...]] = (
    Export(
        key="x_account_overview",
        title="X account overview (daily)",
        platform="x",
        signature=("date", "impressions", "likes", "new follows", "unfollows", "create post"),
        date="date",
        date_format="%a, %b %d, %Y",
        columns={
            "impressions": metric("impressions"),
            "likes": metric("likes"),
            "engagements": metric("engagements"),
            "bookmarks": metric("bookmarks"),
            "shares": metric("shares"),
            "new follows": metric("new_follows"),
            "unfollows": metric("unfollows"),
            "replies": metric("replies"),
            "reposts": metric("reposts"),
            "profile visits": metric("profile_visits"),
            "create post": metric("brand_posts"),
            "video views": metric("video_views"),
            "media views": metric("media_views"),
        },
        sums={"member_interactions": ("likes", "replies", "reposts", "shares", "bookmarks")},
        differences={"followers_gained": ("new follows", "unfollows")},
    ),
    Export(
        key="x_tweet_activity",
        title="X tweet activity (one row per post)",
        platform="x",
        signature=("tweet id", "tweet permalink", "time", "impressions", "retweets", "likes"),
        date="time",
        date_format="%Y-%m-%d %H:%M %z",
        columns={
            "tweet id": ignored(_ID),
            "tweet permalink": ignored(_TEXT),
            "tweet text": ignored(_TEXT),
            "impressions": metric("impressions"),
            "engagements": metric("engagements"),
            "engagement rate": ignored(_RATE_PER_POST),
            "retweets": metric("reposts"),
            "replies": metric("replies"),
            "likes": metric("likes"),
            "user profile clicks": metric("profile_visits"),
            "url clicks": metric("link_clicks"),
            "hashtag clicks": metric("hashtag_clicks"),
            "detail expands": metric("detail_expands"),
            "permalink clicks": metric("permalink_clicks"),
            "app opens": metric("app_opens"),
            "app installs": metric("app_installs"),
            "follows": metric("followers_gained"),
            "email tweet": metric("email_shares"),
            "dial phone": metric("dial_phone"),
            "media views": metric("media_views"),
            "media engagements": metric("media_engagements"),
        },
        sums={"member_interactions": ("retweets", "replies", "likes")},
        per_post=True,
        notes=("each post counts in the week it was published",),
    ),
    Export(
        key="youtube_totals",
        title="YouTube Studio Totals.csv",
        platform="youtube",
        signature=("date", "subscribers"),
        excludes=("content", "video title"),
        date="date",
        date_format=None,
        alternatives=("%m/%d/%Y",),
        columns={"subscribers": metric("followers_gained"), "views": metric("views")},
        notes=("Subscribers is the day's net change: it becomes followers_gained",),
    ),
    Export(
        key="youtube_table_data",
        title="YouTube Studio Table data.csv",
        platform="youtube",
        signature=("content", "video title"),
        date="",
        date_format=None,
        columns={},
        refusal=(
            "holds one total per video for the whole period, with no dates; download the "
            "daily chart instead: in YouTube Studio, Analytics > Advanced mode > Export "
            "current view gives Chart data.csv and Totals.csv, and Totals.csv imports"
        ),
    ),
    Export(
        key="tiktok_overview",
        title="TikTok Studio Overview.csv",
        platform="tiktok",
        signature=("date", "video views", "profile views", "likes", "comments", "shares"),
        date="date",
        date_format="%B %d",
        columns={
            "video views": metric("video_views"),
            "profile views": metric("profile_views"),
            "likes": metric("likes"),
            "comments": metric("comments"),
            "shares": metric("shares"),
            "new followers": metric("followers_gained"),
        },
        sums={"member_interactions": ("likes", "comments", "shares")},
    ),
    Export(
        key="tiktok_follower_history",
        title="TikTok Studio FollowerHistory.csv",
        platform="tiktok",
        signature=("date", "followers", "difference in followers from previous day"),
        date="date",
        date_format="%B %d",
        alternatives=("%Y-%m-%d",),
        columns={
            "followers": metric("followers"),
            "difference in followers from previous day": metric("followers_gained"),
        },
    ),
    Export(
        key="meta_series",
        title="Meta Business Suite chart (one metric)",
        signature=("date", "primary"),
        date="date",
        date_format=None,
        columns={"primary": metric("")},  # the metric comes from the title line
    ),
    _meta_posts(
        "instagram",
        signature=("post id", "account username", "publish time", "permalink", "likes"),
        ids=("post id", "account id", "account username", "account name"),
        texts=("description",),
        counted={
            "likes": metric("likes"),
            "shares": metric("shares"),
            "follows": metric("followers_gained"),
            "comments": metric("comments"),
            "saves": metric("saves"),
        },
        sums={"member_interactions": ("likes", "comments", "shares", "saves")},
    ),
    _meta_posts(
        "facebook",
        signature=("post id", "page id", "publish time", "permalink"),
        ids=("post id", "page id", "page name"),
        texts=("title", "description"),
        counted={
            "reactions, comments and shares": metric("member_interactions"),
            "reactions": metric("reactions"),
            "comments": metric("comments"),
            "shares": metric("shares"),
            "total clicks": metric("clicks"),
        },
    ),
    Export(
        key="linkedin_followers",
        title="LinkedIn Page followers",
        platform="linkedin",
        signature=("date", "organic followers", "total followers"),
        date="date",
        date_format="%m/%d/%Y",
        columns={
            "sponsored followers": metric("sponsored_followers_gained"),
            "organic followers": metric("organic_followers_gained"),
            "auto-invited followers": metric("invited_followers_gained"),
            "total followers": metric("followers_gained"),
        },
        notes=("Total followers is the day's new followers: it becomes followers_gained",),
    ),
    Export(
        key="linkedin_updates",
        title="LinkedIn Page updates",
        platform="linkedin",
        signature=("date", "impressions (total)", "reactions (total)", "comments (total)"),
        date="date",
        date_format="%m/%d/%Y",
        columns={
            "impressions (organic)": ignored("part of impressions (total)"),
            "impressions (sponsored)": ignored(_PROMOTED),
            "impressions (total)": metric("impressions"),
            "unique impressions (organic)": metric("unique_impressions"),
            "clicks (organic)": ignored("part of clicks (total)"),
            "clicks (sponsored)": ignored(_PROMOTED),
            "clicks (total)": metric("clicks"),
            "reactions (organic)": ignored("part of reactions (total)"),
            "reactions (sponsored)": ignored(_PROMOTED),
            "reactions (total)": metric("reactions"),
            "comments (organic)": ignored("part of comments (total)"),
            "comments (sponsored)": ignored(_PROMOTED),
            "comments (total)": metric("comments"),
            "reposts (organic)": ignored("part of reposts (total)"),
            "reposts (sponsored)": ignored(_PROMOTED),
            "reposts (total)": metric("reposts"),
            "engagement rate (organic)": ignored(_RATE_PER_POST),
            "engagement rate (sponsored)": ignored(_PROMOTED),
            "engagement rate (total)": ignored(_RATE_PER_POST),
        },
        sums={"member_interactions": ("reactions (total)", "comments (total)", "reposts (total)")},
    ),
    Export(
        key="linkedin_visitors",
        title="LinkedIn Page visitors",
        platform="linkedin",
        signature=("date", "total unique visitors (total)"),
        date="date",
        date_format="%m/%d/%Y",
        columns={
            "overview page views (total)": metric("overview_page_views"),
            "total page views (total)": metric("page_views"),
            "total unique visitors (total)": metric("unique_visitors"),
        },
    ),
    Export(
        key="discord_visitors",
        title="Discord Server Insights: visitors",
        platform="discord",
        signature=("interval_start_timestamp", "visitors", "pct_communicated"),
        date="interval_start_timestamp",
        date_format=None,
        columns={"visitors": metric("visitors"), "pct_communicated": metric("pct_communicated")},
        products={"active_members": ("visitors", "pct_communicated")},
        notes=(
            "active_members is approximated as visitors x pct_communicated, the week's "
            "busiest day: not the distinct members of the week",
        ),
    ),
    Export(
        key="discord_new_members",
        title="Discord Server Insights: new members",
        platform="discord",
        signature=("interval_start_timestamp", "new_members", "pct_communicated"),
        date="interval_start_timestamp",
        date_format=None,
        columns={
            "new_members": metric("new_members"),
            "pct_communicated": metric("new_member_pct_communicated"),
            "pct_opened_channels": metric("new_member_pct_opened_channels"),
        },
    ),
    Export(
        key="discord_membership",
        title="Discord Server Insights: members",
        platform="discord",
        signature=("interval_start_timestamp", "total_membership"),
        date="interval_start_timestamp",
        date_format=None,
        columns={"total_membership": metric("community_members")},
    ),
    Export(
        key="discord_messages",
        title="Discord Server Insights: messages",
        platform="discord",
        signature=("interval_start_timestamp", "messages", "messages_per_communicator"),
        date="interval_start_timestamp",
        date_format=None,
        columns={
            "messages": metric("member_interactions"),
            "messages_per_communicator": metric("messages_per_communicator"),
        },
        notes=("members' messages count as member_interactions",),
    ),
    Export(
        key="reddit_traffic",
        title="Reddit traffic",
        platform="reddit",
        signature=("date", "unique visitors", "pages views", "subscriptions"),
        date="date",
        date_format="%m/%d/%y",
        columns={
            "unique visitors": metric("unique_visitors"),
            "pages views": metric("page_views"),
            "subscriptions": metric("followers_gained"),
        },
        notes=("Subscriptions are the day's new subscribers: they become followers_gained",),
    ),
)
"""Every known export. A file is the one whose signature it holds (the largest, when two
fit) and whose ``excludes`` it does not."""


META_TITLES: Final[dict[str, str]] = {
    "follows": "followers_gained",
    "followers": "followers",
    "new followers": "followers_gained",
    "reach": "reach",
    "views": "views",
    "visits": "profile_visits",
    "profile visits": "profile_visits",
    "content interactions": "member_interactions",
    "interactions": "member_interactions",
    "link clicks": "link_clicks",
}
"""A Meta Business Suite chart's title after the platform's name -> the metric."""
