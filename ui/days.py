"""A day as a text field that reads and shows it as the pages write days (``09 Nov 2026``).

Streamlit's date field can only show ``2026/11/09`` (or two other digit orders) and ignores
Enter, so the pages take days as text. What is typed is handed on as typed; the domain's one
date parser (``clock.parse_day``) reads it and names the field when it cannot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from strategy.domain.clock import day_text

DAY_HELP = "Type a day as 09 Nov 2026, 9 November 2026 or 2026-11-09."


def day_field(
    where: Any,
    label: str,
    value: dt.date | None,
    *,
    key: str,
    help: str | None = None,
    disabled: bool = False,
    label_visibility: Literal["visible", "hidden", "collapsed"] = "visible",
) -> str:
    """Draw a day's text field in ``where`` (``st`` or a column), showing ``value`` as
    ``09 Nov 2026`` (blank for none), and return what it holds, stripped."""
    typed = where.text_input(
        label,
        value="" if value is None else day_text(value),
        key=key,
        help=f"{help} {DAY_HELP}" if help else DAY_HELP,
        disabled=disabled,
        placeholder="e.g. 09 Nov 2026",
        label_visibility=label_visibility,
    )
    return str(typed or "").strip()
