"""The limits the forms, the CLI and the store share (a week, a run of weeks, text), each
with one message.

A week has 168 hours: no role can take more, and nobody has more. A setting counted in
weeks (a gate's weeks to advance or fall back, the resource signal's windows) asks for at
most two years of them. Text a person writes (a title, a note, a reason) is trimmed, one
line unless it is notes, and capped.
"""

from __future__ import annotations

import math
from typing import Any, Final

from strategy.domain.errors import ValidationError, given, shortened

MAX_WEEK_HOURS: Final[float] = 168.0
"""The hours in a week: the most a role can take or a person can have."""

MAX_WEEKS: Final[int] = 104
"""The longest run of weeks a setting may ask for: two years of history."""


def finite_number(raw: Any) -> float | None:
    """A number a person typed or sent, as a finite float; None for anything else (bools too)."""
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def week_hours(raw: Any, field: str, *, allow_zero: bool) -> float:
    """Hours a week from a form or the CLI: more than 0 (or from 0) up to 168.

    ``field`` names where the value came from, e.g. ``hours`` or ``available hours``.
    """
    bound = "from 0 to" if allow_zero else "more than 0, up to"
    value = finite_number(raw)
    if value is None or value > MAX_WEEK_HOURS or (value < 0 if allow_zero else value <= 0):
        raise ValidationError(
            f"{field}: expected a number of hours a week {bound} {MAX_WEEK_HOURS:g}, "
            f"got {given(raw)}"
        )
    return value


def week_count(raw: Any, field: str) -> int:
    """A whole number of weeks from 1 to 104, from a form, the CLI or storage."""
    value = finite_number(raw)
    if value is None or value != int(value) or not 1 <= value <= MAX_WEEKS:
        raise ValidationError(
            f"{field}: expected a whole number of weeks from 1 to {MAX_WEEKS}, got {given(raw)}"
        )
    return int(value)


MAX_TEXT: Final[int] = 1000
"""The longest free text accepted (a reason, a note), in characters."""

MIN_REASON: Final[int] = 5
"""The shortest reason a decision needs: a word is not a reason."""


def text_field(
    raw: Any, field: str, *, limit: int = MAX_TEXT, required: bool = False, one_line: bool = True
) -> str:
    """Text a person wrote: trimmed (one line: spaces collapsed, printable), at most ``limit``
    characters, and not empty when ``required``."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ValidationError(f"{field}: expected text, got {raw!r}")
    text = " ".join(raw.split()) if one_line else raw.strip()
    if required and not text:
        raise ValidationError(f"{field}: expected some text, got nothing")
    if len(text) > limit:
        raise ValidationError(f"{field}: expected at most {limit:,} characters, got {len(text):,}")
    if one_line and not text.isprintable():
        raise ValidationError(f"{field}: expected printable text, got {shortened(text)!r}")
    return text


def free_text(raw: Any, field: str, *, needed_by: str | None = None) -> str:
    """A note or, with ``needed_by`` (e.g. ``an override``), a reason: one line of at most
    MAX_TEXT characters; a reason has at least MIN_REASON, as ``needed_by`` cannot go
    without one."""
    text = text_field(raw, field)
    if needed_by is not None and len(text) < MIN_REASON:
        raise ValidationError(
            f"{field}: {needed_by} needs a reason of at least {MIN_REASON} characters"
        )
    return text
