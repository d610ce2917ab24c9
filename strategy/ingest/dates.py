"""Date formats a header states (``date (DD/MM/YYYY)``): read, applied to a column, and
suggested when a date is refused.

The file alone says how to read its dates, so the stored original always means the same
weekly table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import normalise_name

_FORMAT_TOKENS: Final[re.Pattern[str]] = re.compile(
    r"(?i)yyyy|yy|mmmm|mmm|mm|m(?![a-z])|dddd|ddd|dd|d(?![a-z])|hh|h(?![a-z])|ss|[a-z]+|."
)


_FORMAT_CODES: Final[dict[str, str]] = {
    "yyyy": "%Y",
    "yy": "%y",
    "mmmm": "%B",
    "mmm": "%b",
    "dddd": "%A",
    "ddd": "%a",
    "dd": "%d",
    "d": "%d",
    "hh": "%H",
    "h": "%H",
    "ss": "%S",
}


FORMAT_NOTE: Final[re.Pattern[str]] = re.compile(
    r"^(?P<name>.*?)\s*[(\[](?P<format>[^()\[\]]*)[)\]]\s*$"
)


_FORMAT_WORDS: Final[str] = (
    "DD or D the day, MM or M the month, MMM or MMMM its name, YYYY or YY the year, DDD a "
    "weekday's name, HH:MM or HH:MM:SS a time"
)


_FORMAT_HELP: Final[str] = (
    "write it with DD, MM and YYYY (or YY), and HH:MM or HH:MM:SS for a time, "
    f"e.g. 'date (DD/MM/YYYY)' ({_FORMAT_WORDS})"
)


@dataclass(frozen=True)
class DateFormat:
    """A format stated in a column's header: as written, and as ``strptime`` reads it.

    ``year``: for a format without a year (``MMMM D``), the year the caller gave; each
    text cell is read with it appended (``code`` holds no year, ``parse_code`` does).
    """

    shown: str
    code: str
    year: int | None = None

    @property
    def parse_code(self) -> str:
        return self.code if self.year is None else f"{self.code} %Y"


def date_format(stated: str) -> DateFormat | None:
    """A format as a header states it (``DD/MM/YYYY``, ``ddd, MMM D, YYYY``, ``MMMM D``,
    or strptime's ``%d.%m.%Y``) as ``strptime`` reads it; None when this cannot read it.

    Tokens, case ignored: YYYY and YY the year; MMMM a month's name (August), MMM its
    abbreviation (Aug), MM or M its number (MM after a colon: minutes); DDDD a weekday's
    name, DDD its abbreviation (Thu), DD or D the day; HH or H the hour; SS the seconds.
    Other characters are taken as they are, except letters. A day and a month are needed;
    the year may be missing (``MMMM D``: then the caller gives it).
    """
    text = stated.strip()
    if "%" in text:  # strptime's own codes, e.g. %d.%m.%Y
        directives = set(re.findall(r"%(.)", text))
        dated = "d" in directives and directives & {"m", "b", "B"}
        if dated and directives <= set("dmbBYyHMSfzaA%"):
            return DateFormat(shown=text, code=text)
        return None
    code: list[str] = []
    for token in _FORMAT_TOKENS.findall(text):
        word = token.lower()
        if word in ("mm", "m"):
            code.append("%M" if code and code[-1] == ":" else "%m")
        elif word in _FORMAT_CODES:
            code.append(_FORMAT_CODES[word])
        elif token.isalpha() and token not in ("T",):
            return None
        else:
            code.append("%%" if token == "%" else token)
    parts = [c for c in code if c.startswith("%") and c != "%%"]
    days = parts.count("%d")
    months = sum(parts.count(m) for m in ("%m", "%b", "%B"))
    years = sum(parts.count(y) for y in ("%Y", "%y"))
    if days != 1 or months != 1 or years > 1:
        return None
    return DateFormat(shown=text, code="".join(code))


def stated_format(stated: str, column: str, label: str, year: int | None = None) -> DateFormat:
    """The stated format, or a refusal saying how to write one (or that a year is missing)."""
    found = date_format(stated)
    if found is None:
        raise ImportRejected(
            f"{label}: column {column!r} states the date format {stated.strip()!r}, which is "
            f"not one this reads; {_FORMAT_HELP}"
        )
    if not re.search(r"%[Yy]", found.code):
        if year is None:
            raise ImportRejected(
                f"{label}: column {column!r} states the date format {found.shown!r}, which "
                "has no year, so the dates cannot be placed in time; put the year in the "
                f"dates and in the format (e.g. '{found.shown}, YYYY')"
            )
        return DateFormat(shown=found.shown, code=found.code, year=year)
    return found


SUGGESTED_FORMATS: Final[tuple[str, ...]] = (
    "M/D/YYYY",
    "D/M/YYYY",
    "M/D/YY",
    "D/M/YY",
    "D.M.YYYY",
    "M/D/YYYY HH:MM",
    "D/M/YYYY HH:MM",
    "D.M.YYYY HH:MM",
    "DDD, MMM D, YYYY",
    "MMM D, YYYY",
    "MMMM D, YYYY",
    "D MMM YYYY",
    "D MMMM YYYY",
    "MMMM D",
    "MMM D",
)
"""Formats a refused date is tried in, to say which header would read it."""


def suggested_formats(value: str) -> list[str]:
    """The formats of ``SUGGESTED_FORMATS`` that read ``value`` (a date a file holds)."""
    text = value.strip()
    found = []
    for shown in SUGGESTED_FORMATS:
        stated = date_format(shown)
        assert stated is not None
        code = stated.code if re.search(r"%[Yy]", stated.code) else stated.code + " %Y"
        try:
            dt.datetime.strptime(text if code == stated.code else f"{text} 2000", code)
        except ValueError:
            continue
        found.append(shown)
    return found


def format_advice(column: str, value: str) -> str:
    """How to state the format of ``value`` in the header of ``column`` (for a refusal)."""
    found = suggested_formats(value)
    if found and not re.search(r"(?i)y", found[0]):
        return (
            f"the date has no year; put the year in the dates and state the format in the "
            f"header, e.g. '{column} ({found[0]}, YYYY)'"
        )
    if len(found) > 1:
        options = " or ".join(f"'{column} ({f})'" for f in found[:2])
        return f"state its format in the header, {options}, whichever the file uses"
    example = found[0] if found else "DD/MM/YYYY"
    return (
        f"write ISO dates (2026-03-02), or state the format in the header, e.g. "
        f"'{column} ({example})' ({_FORMAT_WORDS})"
    )


def parse_dates(
    column: pa.Array, stated: DateFormat, label: str, name: str, first: int
) -> pa.Array:
    """Text in the stated format as timestamps; blank cells missing, others refused by row."""
    trimmed = pc.utf8_trim_whitespace(column)
    blank = pc.fill_null(pc.equal(trimmed, ""), True)
    if stated.year is not None:  # a format without a year: the caller's year appended
        trimmed = pc.binary_join_element_wise(trimmed, pa.scalar(f" {stated.year}"), "")
    parsed = pc.strptime(trimmed, format=stated.parse_code, unit="us", error_is_null=True)
    bad = pc.and_(pc.invert(blank), pc.is_null(parsed)).to_numpy(zero_copy_only=False)
    if bad.any():
        at = int(bad.nonzero()[0][0])
        what = "date and time" if normalise_name(name) == "ts" else "date"
        raise ImportRejected(
            f"{label}: column {normalise_name(name)} at row {first + at} holds "
            f"{column[at].as_py()[:60]!r}, which is not a {what} in the stated format "
            f"{stated.shown}; correct the cell, or state the format the column uses in its "
            f"header ({_FORMAT_WORDS})"
        )
    return parsed
