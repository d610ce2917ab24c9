"""The one parser of a day a person gives: as the pages write days, or ISO."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from strategy.domain.clock import TODAY_ENV, parse_day
from strategy.domain.errors import ValidationError

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, TODAY.isoformat())


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("09 Nov 2026", dt.date(2026, 11, 9)),
        ("9 Nov 2026", dt.date(2026, 11, 9)),
        ("9 november 2026", dt.date(2026, 11, 9)),
        ("  09   Nov  2026 ", dt.date(2026, 11, 9)),
        ("2026-11-09", dt.date(2026, 11, 9)),
        ("2026-11-09T23:30", dt.date(2026, 11, 9)),
        (dt.date(2026, 11, 9), dt.date(2026, 11, 9)),
        (dt.datetime(2026, 11, 9, 8, 0), dt.date(2026, 11, 9)),
    ],
)
def test_a_day_reads_as_the_pages_write_it_or_as_iso(typed: object, day: dt.date) -> None:
    assert parse_day(typed, "start") == day


@pytest.mark.parametrize(
    ("typed", "latest", "said"),
    [
        (
            "31 Fbe 2026",
            None,
            "start: expected a date such as 23 Nov 2026 or 2026-11-23, got '31 Fbe 2026'",
        ),
        (
            "31 Nov 2026",
            None,
            "start: expected a date such as 23 Nov 2026 or 2026-11-23, got '31 Nov 2026'",
        ),
        (
            "09/11/2026",
            None,
            "start: expected a date such as 23 Nov 2026 or 2026-11-23, got '09/11/2026'",
        ),
        ("", None, "start: expected a date such as 23 Nov 2026 or 2026-11-23, got nothing"),
        ("24 Nov 2026", TODAY, "start: 24 Nov 2026 is in the future (today is 23 Nov 2026)"),
        ("31 Dec 1989", None, "start: 31 Dec 1989 is before 01 Jan 1990, too early to be real"),
        (
            "01 Jan 2028",
            None,
            "start: 01 Jan 2028 is more than a year from today (today is 23 Nov 2026)",
        ),
    ],
)
def test_a_day_that_cannot_be_is_refused_naming_the_field_and_what_is_expected(
    typed: str, latest: dt.date | None, said: str
) -> None:
    with pytest.raises(ValidationError, match=f"^{re.escape(said)}$"):
        parse_day(typed, "start", latest=latest)
