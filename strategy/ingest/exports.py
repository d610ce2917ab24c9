"""The platforms' own analytics exports, each declared once as data, read as downloaded.

A known export is one ``Export``: the header that recognises it, its date format, where its
platform comes from, and what each column becomes (a metric, with the weekly aggregation
the metric's name gives it in ``strategy.domain.metrics``, or ignored, with the reason), plus the
metrics built from several columns (``member_interactions`` as the sum of likes, replies,
reposts...; ``followers_gained`` as new follows less unfollows). ``read_export`` finds the
export a file is (every sheet's header, looking past a ``sep=,`` line, a title line or a
description row), and turns it into long rows (day, platform, metric, value) that the long
layout's checks and weekly aggregation then take as they take any long file.

The shapes are those of the files as the platforms publish them (issue 17 lists them):
text in UTF-8 (with or without a BOM) or UTF-16 with a BOM, dates in the platform's own
format, thousands separators in numbers.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd
import python_calamine as calamine

from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import Agg, normalise_name, valid_platform_name
from strategy.ingest import spreadsheets

LAYOUT_MARK: Final[str] = "platform"
"""A header with a ``platform`` column is a layout file (long, wide, events), never an export."""

HEADER_SEARCH_ROWS: Final[int] = 6
"""How many rows from a sheet's top may hold its header (a ``sep=,`` line, a title line,
a description row come first in some exports)."""


@dataclass(frozen=True)
class Column:
    """What one column of an export becomes: a metric, or nothing, with the reason."""

    metric: str | None
    why_ignored: str = ""


def metric(name: str) -> Column:
    return Column(name)


def ignored(why: str) -> Column:
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

    @property
    def year_less(self) -> bool:
        """Whether the dates carry no year (TikTok Studio's ``August 31``)."""
        return (
            self.date_format is not None
            and "%Y" not in self.date_format
            and ("%y" not in self.date_format)
        )


# --- the known exports ----------------------------------------------------------------------

_ID = "an identifier, not a number to count"
_TEXT = "the post's text or link"
_PROMOTED = "paid promotion, not the community"
_RATE_PER_POST = "a per-post rate; the week's rate is recomputed from counts"

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
    Export(
        key="instagram_posts",
        title="Instagram post export",
        platform="instagram",
        signature=("post id", "account username", "publish time", "permalink", "likes"),
        date="publish time",
        date_format="%m/%d/%Y %H:%M",
        columns={
            "post id": ignored(_ID),
            "account id": ignored(_ID),
            "account username": ignored(_ID),
            "account name": ignored(_ID),
            "description": ignored(_TEXT),
            "duration (sec)": ignored("a video's length, not an interaction"),
            "permalink": ignored(_TEXT),
            "post type": ignored("a kind of post, not a number"),
            "data comment": ignored(_TEXT),
            "date": ignored("says Lifetime: the post's numbers so far"),
            "views": metric("views"),
            "reach": metric("reach"),
            "likes": metric("likes"),
            "shares": metric("shares"),
            "follows": metric("followers_gained"),
            "comments": metric("comments"),
            "saves": metric("saves"),
        },
        sums={"member_interactions": ("likes", "comments", "shares", "saves")},
        per_post=True,
        notes=("each post counts in the week it was published, with its lifetime numbers",),
    ),
    Export(
        key="facebook_posts",
        title="Facebook post export",
        platform="facebook",
        signature=("post id", "page id", "publish time", "permalink"),
        date="publish time",
        date_format="%m/%d/%Y %H:%M",
        columns={
            "post id": ignored(_ID),
            "page id": ignored(_ID),
            "page name": ignored(_ID),
            "title": ignored(_TEXT),
            "description": ignored(_TEXT),
            "duration (sec)": ignored("a video's length, not an interaction"),
            "permalink": ignored(_TEXT),
            "post type": ignored("a kind of post, not a number"),
            "data comment": ignored(_TEXT),
            "date": ignored("says Lifetime: the post's numbers so far"),
            "views": metric("views"),
            "reach": metric("reach"),
            "reactions, comments and shares": metric("member_interactions"),
            "reactions": metric("reactions"),
            "comments": metric("comments"),
            "shares": metric("shares"),
            "total clicks": metric("clicks"),
        },
        per_post=True,
        notes=("each post counts in the week it was published, with its lifetime numbers",),
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


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recognised:
    """An export found in a file: which, on which sheet, and its rows as read."""

    export: Export
    sheet: str
    header_row: int
    """0-based index of the header among ``rows``."""
    header: tuple[str, ...]
    rows: list[list[Any]]
    title: str
    """The title line above the header (Meta's ``Facebook follows``), or empty."""


@dataclass(frozen=True)
class ExportRows:
    """An export turned into long rows (day, platform, metric, value), and what to say."""

    title: str
    frame: pd.DataFrame
    aggregations: Mapping[str, Agg]
    rows: int
    """The file's rows of data read (its days, or its posts)."""
    notes: tuple[str, ...]
    ignored: tuple[str, ...]
    """Each ignored column with the reason, ``Tweet id (an identifier, ...)``."""


def header_name(cell: Any) -> str:
    """A header cell as the declarations name columns: text, lower case, single spaces."""
    return " ".join(str(cell if cell is not None else "").replace("\ufeff", "").split()).lower()


def read_export(
    path: Path,
    label: str,
    kind: str,
    *,
    platform: str | None = None,
    year: int | None = None,
    mappings: Sequence[Export] = (),
    mapping: str | None = None,
) -> ExportRows | None:
    """The long rows of ``path`` when it is a known export or a saved mapping's file, else
    None (a layout file, or one to map). ``mapping`` names the saved mapping to read it with
    (``mappings`` are the workspace's, as declarations). A recognised file that cannot be
    read as its export is refused, naming the file, row or column and the fix."""
    if mapping is not None:
        chosen = [m for m in mappings if m.key == f"mapping:{mapping}"]
        if not chosen:
            raise ImportRejected(f"{label}: no mapping is named {mapping!r} in this workspace")
        found = recognise(path, label, kind, chosen)
        if found is None:
            expected = ", ".join(chosen[0].signature)
            raise ImportRejected(
                f"{label}: mapping {mapping!r} was made for a file with the columns "
                f"{expected}; this file's header differs"
            )
    else:
        found = recognise(path, label, kind, (*EXPORTS, *mappings))
    if found is None:
        return None
    spec = found.export
    if spec.refusal:
        raise ImportRejected(f"{label}: this is {spec.title}, which {spec.refusal}")
    found = dataclasses.replace(found, rows=_rows(path, label, kind, found.sheet))
    where = platform_of(found, label, platform)
    days = _dates(found, label, year)
    frame = _long_rows(found, where, days, label)
    ignored_columns = tuple(
        f"{name} ({rule.why_ignored})"
        for name in found.header
        if (rule := spec.columns.get(name)) is not None and rule.metric is None
    )
    sheet = f", sheet {found.sheet!r}" if found.sheet else ""
    rows = sum(day is not None for day in days)
    title = f"{spec.title}{sheet}"
    return ExportRows(title, frame, spec.aggregations, rows, spec.notes, ignored_columns)


def recognise(
    path: Path, label: str, kind: str, specs: Sequence[Export] = EXPORTS
) -> Recognised | None:
    """The export of ``specs`` that ``path`` is, looking at every sheet's first rows; None
    if none."""
    best: Recognised | None = None
    for sheet, rows in _heads(path, label, kind):
        for index, row in enumerate(rows):
            names = tuple(header_name(c) for c in row)
            present = set(names)
            if LAYOUT_MARK in present:
                return None  # a file in one of the layouts names its platform per row
            for spec in specs:
                fits = set(spec.signature) <= present and not present & set(spec.excludes)
                fits = fits and (not spec.exact or set(spec.signature) == present - {""})
                if fits and (best is None or len(spec.signature) > len(best.export.signature)):
                    title = _title_above(rows, index)
                    best = Recognised(spec, sheet, index, names, rows, title)
        if best is not None:
            return best
    return None


def mappable_header(path: Path, label: str, kind: str) -> tuple[str, ...]:
    """The header a mapping would be made for: of the first sheet, the first row of two or
    more named cells (past a ``sep=`` line or a title); empty for a file in a layout (it
    has a ``platform`` column) or without such a row."""
    for _, rows in _heads(path, label, kind):
        for row in rows:
            names = tuple(header_name(c) for c in row)
            while names and not names[-1]:
                names = names[:-1]
            if len([n for n in names if n]) >= 2 and spreadsheets.sep_line(names[0]) is None:
                return () if LAYOUT_MARK in names else names
        return ()
    return ()


def _title_above(rows: Sequence[Sequence[Any]], index: int) -> str:
    """The one-cell line just above the header, which is not a ``sep=`` line."""
    for row in reversed(rows[:index]):
        cells = [str(c).strip() for c in row if str(c if c is not None else "").strip()]
        if len(cells) == 1 and spreadsheets.sep_line(cells[0]) is None:
            return cells[0]
    return ""


def _heads(path: Path, label: str, kind: str) -> Iterator[tuple[str, list[list[Any]]]]:
    """Each sheet's first rows, where a header is looked for: one unnamed sheet for a text
    file, each sheet of a workbook. Only these are read to recognise a file, so a large
    file in a layout costs no more than before."""
    if kind == "csv":
        yield "", _text_rows(path, HEADER_SEARCH_ROWS)
        return
    try:
        yield from spreadsheets.workbook_sheets(path, label, kind, limit=HEADER_SEARCH_ROWS)
    except (ImportRejected, calamine.CalamineError):
        return  # not a workbook that reads: the layout path names what is wrong


def _rows(path: Path, label: str, kind: str, sheet: str) -> list[list[Any]]:
    """Every row of the sheet a recognised export is on."""
    if kind == "csv":
        return _text_rows(path)
    return next(rows for _, rows in spreadsheets.workbook_sheets(path, label, kind, only=sheet))


def _text_rows(path: Path, limit: int | None = None) -> list[list[Any]]:
    """A text export's first ``limit`` records (all: None): UTF-16 with a BOM (Meta), UTF-8
    with or without one, read by the same encoding rule as every CSV file
    (``strategy.ingest.spreadsheets``)."""
    with path.open("rb") as raw:
        encoding, start = spreadsheets.text_encoding(raw.read(4))
        raw.seek(start)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            first = text.readline()
            delimiter = spreadsheets.sep_line(first.split("\n", 1)[0]) or ","
            records = csv.reader(itertools.chain([first], text), delimiter=delimiter)
            return list(itertools.islice(records, limit))
        except UnicodeDecodeError:
            return []  # not text in its encoding: the layout path refuses it, naming the line


def platform_of(found: Recognised, label: str, given: str | None) -> str:
    """The platform: given (``--platform`` always wins), the export's own, or the title's."""
    if given:
        return valid_platform_name(given)
    if found.export.platform:
        return found.export.platform
    words = found.title.split()
    if words:
        return valid_platform_name(words[0])
    raise ImportRejected(
        f"{label}: {found.export.title} does not say which platform it is of; give the "
        "platform (import WS FILE --platform NAME, or the Platform field of the Upload page)"
    )


_YEAR_IN_NAME: Final[re.Pattern[str]] = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _dates(found: Recognised, label: str, year: int | None) -> list[dt.date | None]:
    """Each data row's day (None for a blank row), by the export's date format."""
    spec = found.export
    column = found.header.index(spec.date) if spec.date in found.header else -1
    if column < 0:
        raise ImportRejected(f"{label}: {spec.title} without its {spec.date!r} column")
    if spec.year_less and year is None:
        in_name = _YEAR_IN_NAME.search(Path(label).name)
        if in_name is None:
            raise ImportRejected(
                f"{label}: the dates of this {spec.title} have no year (like "
                f"{_first_value(found, column)!r}) and the file's name holds none; give the "
                "year (import WS FILE --year YYYY, or the Year field of the Upload page)"
            )
        year = int(in_name.group(1))
    out: list[dt.date | None] = []
    previous_month: int | None = None
    for number, row in _data_rows(found):
        raw = row[column] if column < len(row) else None
        if raw is None or str(raw).strip() == "":
            out.append(None)
            continue
        day = _day(raw, spec, label, number)
        if spec.year_less and year is not None:
            if previous_month is not None and day.month < previous_month - 6:
                year += 1  # December, then January: the file runs into the next year
            elif previous_month is not None and day.month > previous_month + 6:
                year -= 1  # newest first: January, then December
            day = day.replace(year=year)
            previous_month = day.month
        out.append(day)
    return out


def _first_value(found: Recognised, column: int) -> Any:
    return next((r[column] for _, r in _data_rows(found) if column < len(r) and r[column]), "")


def _data_rows(found: Recognised) -> Iterator[tuple[int, list[Any]]]:
    """(row number as a spreadsheet counts it, cells) of each row below the header."""
    for index in range(found.header_row + 1, len(found.rows)):
        yield index + 1, found.rows[index]


def _day(raw: Any, spec: Export, label: str, row: int) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    formats = (spec.date_format, *spec.alternatives) if spec.date_format else spec.alternatives
    for fmt in formats:
        try:
            if "%Y" in fmt or "%y" in fmt:
                parsed = dt.datetime.strptime(text, fmt)
            else:  # year-less: parsed in a leap year, so February 29 reads; the year is set later
                parsed = dt.datetime.strptime(f"{text} 2000", f"{fmt} %Y")
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(dt.UTC)
        return parsed.date()
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        shown = spec.date_format or "YYYY-MM-DD"
        raise ImportRejected(
            f"{label}: row {row}, column {spec.date!r}: {text[:40]!r} is not a date as "
            f"{spec.title} writes them ({shown})"
        ) from None
    return (stamp.astimezone(dt.UTC) if stamp.tzinfo is not None else stamp).date()


_THOUSANDS: Final[re.Pattern[str]] = re.compile(spreadsheets.THOUSANDS)
"""The one rule for thousands separators, as CSV columns are read (``15,000``)."""


def number(raw: Any) -> float | None:
    """A cell as a number: ``15,000`` is 15000; a blank, ``-`` or text is None."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw).strip().replace("\u00a0", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def _long_rows(
    found: Recognised, platform: str, days: Sequence[dt.date | None], label: str
) -> pd.DataFrame:
    """The export's long rows (date, platform, metric, value), one per day and metric."""
    spec = found.export
    title_metric = _title_metric(found) if spec.key == "meta_series" else ""
    position = {name: i for i, name in enumerate(found.header)}
    records: list[tuple[dt.date, str, float]] = []
    for (_, row), day in zip(_data_rows(found), days, strict=True):
        if day is None:
            continue
        values = {name: number(row[i]) if i < len(row) else None for name, i in position.items()}
        for name, rule in spec.columns.items():
            value = values.get(name)
            if rule.metric is None or value is None:
                continue
            records.append((day, rule.metric or title_metric, value))
        for made, parts in spec.sums.items():
            present = [values[p] for p in parts if values.get(p) is not None]
            if present:
                records.append((day, made, float(sum(v for v in present if v is not None))))
        for made, (plus, minus) in spec.differences.items():
            a, b = values.get(plus), values.get(minus)
            if a is not None and b is not None:
                records.append((day, made, a - b))
        for made, (count, share) in spec.products.items():
            n, pct = values.get(count), values.get(share)
            if n is not None and pct is not None:
                records.append((day, made, n * (pct / 100 if pct > 1 else pct)))
        if spec.per_post:
            records.append((day, "brand_posts", 1.0))
    if not records:
        raise ImportRejected(f"{label}: {spec.title} with no rows of numbers below its header")
    daily = pd.DataFrame(records, columns=["date", "metric", "value"])
    summed = daily.groupby(["date", "metric"], as_index=False, sort=True).agg(
        value=("value", "sum")
    )
    summed.insert(1, "platform", platform)
    return summed


def _title_metric(found: Recognised) -> str:
    """The metric a Meta Business Suite chart's title names: ``Facebook follows`` -> gains."""
    words = found.title.split(maxsplit=1)
    rest = header_name(words[1]) if len(words) > 1 else ""
    return META_TITLES.get(rest, normalise_name(rest) or "value")
