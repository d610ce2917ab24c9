"""The tables on every page read as words: no cell shows "None", "nan", an ISO timestamp, a
number in scientific notation or a snake_case identifier.

A browser draws ``st.dataframe`` on a canvas its text does not reach
(``tests/e2e/test_every_page.py`` reads the rest of each page), so the frames the pages hand to
``st.dataframe`` are read here, under AppTest, on the demo. Column names count too: they are
the tables' headers.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from strategy.usecases import Workspace
from tests.conftest import open_page

PAGES = ["app.py", "pages/2_Stages.py", "pages/4_Upload_metrics.py", "pages/5_Stand_up.py"]
"""The pages whose tables are read here. The Team page (roles, channels and hourly rates in
its editors) and the Tests page (its results table) are being reworded with their tables'
rework: add them here once their tables show words and blanks."""

UNREADABLE = {
    "the word None": re.compile(r"^(None|nan|NaN|NaT|<NA>)$"),
    "an ISO timestamp": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    "a number in scientific notation": re.compile(r"^-?\d(?:\.\d+)?[eE][+-]?\d+$"),
    "a snake_case identifier": re.compile(
        r"(?<![\w./\\-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-]|\.\w)"
    ),
}
"""What no table cell or header may show; file names (``instagram_week.csv``) may."""


def unreadable_cells(table: pd.DataFrame) -> list[str]:
    """Each header or text cell of ``table`` that shows something a person cannot read,
    with its column; a missing value, text or number, shows as "None" in the grid."""
    found = []
    for column in table.columns:
        texts = [str(column)]
        values = table[column]
        texts += ["None" for v in values if v is None or (pd.api.types.is_scalar(v) and pd.isna(v))]
        texts += [v for v in values if isinstance(v, str)]
        for text in texts:
            for what, pattern in UNREADABLE.items():
                if pattern.search(text):
                    found.append(f"{what} in column {column!r}: {text[:80]!r}")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_every_table_on_the_page_reads_as_words(app_read: Workspace, page: str) -> None:
    at = open_page(page)
    tables = [d.value for d in at.dataframe if isinstance(d.value, pd.DataFrame)]
    found = [f"table {i}: {said}" for i, t in enumerate(tables) for said in unreadable_cells(t)]
    assert not found, f"{page} shows:\n" + "\n".join(sorted(set(found)))
