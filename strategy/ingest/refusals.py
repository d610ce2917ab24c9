"""The refusals every layout shares, one message each: a missing value, a date in the future
or too early, a platform name refused, too many platforms. The long and wide checks
(``column_checks``) and the events checks (``event_checks``) find the row; these say it."""

from __future__ import annotations

import datetime as dt
from typing import Final

from strategy.domain.clock import EARLIEST_DATE
from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import show_name

MAX_PLATFORMS: Final[int] = 10_000
"""More distinct platforms than this in one file is refused as not a real export."""


def missing(label: str, what: str, row: int) -> ImportRejected:
    """A cell that must hold something is empty."""
    return ImportRejected(f"{label}: missing {what} at row {row}")


def in_the_future(label: str, column: str, shown: str, row: int, today: dt.date) -> ImportRejected:
    """A date after ``today``: data cannot come from the future."""
    return ImportRejected(
        f"{label}: {column} {shown} at row {row} is in the future (today is {today.isoformat()})"
    )


def too_early(label: str, column: str, shown: str, row: int) -> ImportRejected:
    """A date before ``EARLIEST_DATE``: no social platform data is that old."""
    return ImportRejected(
        f"{label}: {column} {shown} at row {row} is before {EARLIEST_DATE.isoformat()}, "
        "too early to be real"
    )


def bad_platform(label: str, name: str, row: int, problem: str) -> ImportRejected:
    """A platform name the rule of ``strategy.domain.metrics.platform_name_problem`` refuses."""
    return ImportRejected(f"{label}: platform {show_name(name)} at row {row} {problem}")


def too_many_platforms(label: str, found: str) -> ImportRejected:
    """More than ``MAX_PLATFORMS`` platforms in one file (``found`` says how many)."""
    return ImportRejected(
        f"{label}: {found} distinct platforms; at most {MAX_PLATFORMS} are accepted "
        "(is the platform column holding something else?)"
    )
