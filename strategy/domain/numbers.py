"""Numbers as people write them: ``1,050``, ``0.25``, ``59.5``; never ``1.05e+03``.

The one number format of every sentence the product writes about a measured value or a
threshold: gate evidence, stall reasons, stage transitions and the resource signal's evidence.
Percentages keep their own ``{:.0%}`` form where the code shows a share.
"""

from __future__ import annotations

import math
from typing import Final

NOT_A_NUMBER: Final[str] = "n/a"
"""What stands for a value that is missing or not finite."""


def plain_number(value: float | int | None) -> str:
    """``value`` with thousands separators and no exponent: whole numbers without decimals
    (``1,050``), others with two decimals at most (``59.5``, ``1,234.57``), and values under 1
    with two significant digits (``0.25``, ``0.012``); missing or not finite is ``n/a``."""
    if value is None or not math.isfinite(value):
        return NOT_A_NUMBER
    number = float(value)
    small = 0 < abs(number) < 1
    decimals = 1 - math.floor(math.log10(abs(number))) if small else 2
    text = f"{round(number, decimals):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


SMALLEST_P: Final[float] = 0.0001
"""Below it a p-value reads ``<0.0001``: more digits would claim a precision the test lacks."""


def p_value_text(p: float | None) -> str:
    """A p-value to four decimals (``0.0123``), ``<0.0001`` below that; blank when missing."""
    if p is None or not math.isfinite(p):
        return ""
    return f"<{SMALLEST_P}" if p < SMALLEST_P else f"{p:.4f}"


def chance_text(share: float | None) -> str:
    """A probability (0.57) in whole percent (``57%``); ``>99%`` above 99% and ``<1%`` below
    1%, never a rounded ``100%`` or ``0%``; blank when missing."""
    if share is None or not math.isfinite(share):
        return ""
    if share > 0.99:
        return ">99%"
    return "<1%" if share < 0.01 else f"{share:.0%}"


PLURALS: Final[dict[str, str]] = {
    "person": "people",
    "criterion": "criteria",
}
"""Nouns whose plural is not the noun plus "s"."""


def noun_for(count: int, noun: str, many: str | None = None) -> str:
    """``noun`` agreeing with ``count``: ``platform`` for 1, ``platforms`` otherwise."""
    return noun if count == 1 else (many or PLURALS.get(noun, f"{noun}s"))


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 platform``, ``2 platforms``, ``0 people``: a count with its noun agreeing."""
    return f"{count:,} {noun_for(count, noun, many)}"
