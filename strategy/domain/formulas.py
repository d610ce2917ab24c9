"""Text a spreadsheet would run as a formula (OWASP "CSV Injection").

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be run
as a formula when a CSV file is opened in a spreadsheet. Names are refused when they
arrive (``formula_prefix_problem``); every CSV cell the product writes goes through
``csv_cell``, for names stored before the rule existed.
"""

from __future__ import annotations

from typing import Final

FORMULA_PREFIXES: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""

_SHOWN: Final[dict[str, str]] = {"\t": "a tab", "\r": "a carriage return"}


def formula_prefix_problem(name: str) -> str | None:
    """Why a name would run as a formula in a spreadsheet, or None when it would not."""
    if not name.startswith(FORMULA_PREFIXES):
        return None
    first = _SHOWN.get(name[0], repr(name[0]))
    return (
        f"starts with {first}, which a spreadsheet would run as a formula; expected a name "
        "that does not start with =, +, -, @, a tab or a carriage return"
    )


def csv_cell(text: str) -> str:
    """A text cell as a CSV file holds it: a quote before a formula's first character, so a
    spreadsheet shows the text instead of running it. Numbers never come through here."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
