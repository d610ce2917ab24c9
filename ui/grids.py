"""How tall an editable table is drawn: every row in sight, no scroll inside it."""

from __future__ import annotations

from typing import Final

ROW_PX: Final[int] = 35
"""The height of one row of Streamlit's data editor, and of its header."""


SPARE_ROWS: Final[int] = 3
"""New rows a data editor has room for before it scrolls inside."""


def editor_height(rows: int) -> int:
    """The pixels a data editor of ``rows`` stored rows needs for them, ``SPARE_ROWS`` new
    ones, its header and its empty "add a row" line, plus its border: a roster longer than
    the default height would hide its last rows (and a new one) behind a scroll inside the
    table. It depends on the stored rows only: Streamlit draws an editor whose height
    changed as a new one, and the rows being added would be lost."""
    return (rows + SPARE_ROWS + 2) * ROW_PX + 3
