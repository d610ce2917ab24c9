"""The one clock: today's date in UTC, and the calendar of ISO weeks the rules count in.

Every rule takes ``today`` as an argument; only the edges (the CLI, the pages, the store's
write timestamps) ask this module for it. ``ROLLOUT_TODAY`` (YYYY-MM-DD) pins the date, so
a demo, a test or a browser journey sees the same calendar every time it runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from typing import Final

from strategy.domain.errors import ValidationError

TODAY_ENV: Final[str] = "ROLLOUT_TODAY"
EARLIEST_DATE: Final[dt.date] = dt.date(1990, 1, 1)
"""The earliest date any rule accepts (imports and forms): older is a typo, not history."""
ONE_WEEK: Final[dt.timedelta] = dt.timedelta(days=7)
SUNDAY: Final[dt.timedelta] = dt.timedelta(days=6)
"""From a week's Monday to its last day."""


def today() -> dt.date:
    """Today in UTC, or the date ``ROLLOUT_TODAY`` pins."""
    raw = os.environ.get(TODAY_ENV, "").strip()
    if not raw:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(f"{TODAY_ENV}: expected a date as YYYY-MM-DD, got {raw!r}") from None


def now_text() -> str:
    """The current instant in UTC as ISO text to the second, for audit rows and uploads.

    With ``ROLLOUT_TODAY`` set, the instant falls on that day (at the current time of day).
    """
    now = dt.datetime.now(dt.UTC)
    return dt.datetime.combine(today(), now.timetz()).isoformat(timespec="seconds")


DAY_FORMAT: Final[str] = "%d %b %Y"
"""The one way people read a day, on the pages, in the stand-up and in reports: 09 Nov 2026."""


def day_text(day: dt.date) -> str:
    """``09 Nov 2026``: a day as people read it (files and JSON keep ISO dates); the year in
    four digits even for a typo such as year 1 (``%Y`` alone writes ``1``)."""
    return f"{day:%d %b} {day.year:04d}"


def as_date(day: dt.date) -> dt.date:
    """A plain date, also from a datetime or pandas Timestamp (which hash differently)."""
    return day.date() if isinstance(day, dt.datetime) else day


def monday(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding ``day``."""
    day = as_date(day)
    return day - dt.timedelta(days=day.weekday())


def mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every Monday from ``first`` to ``last`` inclusive (both Mondays)."""
    count = (last - first).days // 7 + 1
    return [first + n * ONE_WEEK for n in range(max(count, 0))]


def weeks_between(earlier: dt.date, later: dt.date) -> int:
    """Whole weeks from Monday ``earlier`` to Monday ``later``."""
    return (as_date(later) - as_date(earlier)).days // 7


DAY_FORMATS: Final[tuple[str, ...]] = ("%d %b %Y", "%d %B %Y")
"""How a person types a day besides ISO: as the pages show dates (``24 Nov 2026``), or with
the month in full (``24 November 2026``)."""


def parse_day(raw: object, what: str, *, latest: dt.date | None = None) -> dt.date:
    """A date a person gives in a form or a command: a date, text as the pages write days
    (``09 Nov 2026``, ``9 November 2026``) or ISO text (a day, or an instant whose day
    counts); from ``EARLIEST_DATE`` up to ``latest``, the caller's today for a day that has
    already happened (default: a year from today); ``what`` names the field in the message.
    The one parser of a date a person gives. (The pages take days in text fields, not
    Streamlit's date field, which can only read ``2026/11/09`` and ignores Enter.)"""
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    else:
        day = _typed_day(raw, what)
    if day < EARLIEST_DATE:
        raise ValidationError(
            f"{what}: {day_text(day)} is before {day_text(EARLIEST_DATE)}, too early to be real"
        )
    if latest is not None and day > latest:
        raise ValidationError(
            f"{what}: {day_text(day)} is in the future (today is {day_text(latest)})"
        )
    now = today()
    if latest is None and day > now + dt.timedelta(days=365):
        raise ValidationError(
            f"{what}: {day_text(day)} is more than a year from today (today is {day_text(now)})"
        )
    return day


def _typed_day(raw: object, what: str) -> dt.date:
    """The day of typed text: ``09 Nov 2026``, ``9 November 2026``, ISO ``2026-11-09`` or an
    ISO instant such as ``2026-11-09T10:00``."""
    text = " ".join(str(raw).split())
    for form in DAY_FORMATS:
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(text, form).date()
    with contextlib.suppress(ValueError):
        return dt.date.fromisoformat(text)
    with contextlib.suppress(ValueError):
        return dt.datetime.fromisoformat(text).date()
    now = today()
    got = repr(text) if text else "nothing"
    raise ValidationError(
        f"{what}: expected a date such as {day_text(now)} or {now.isoformat()}, got {got}"
    )
