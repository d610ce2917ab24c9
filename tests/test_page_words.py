"""The tables on every page read as words: no cell or header shows "None", "nan", an ISO
date, "(s)", a number in scientific notation or a snake_case identifier.

A browser draws ``st.dataframe`` and ``st.data_editor`` on a canvas its text does not reach
(``tests/e2e/test_every_page.py`` reads the rest of each page), so the tables the pages hand
to them are read here, under AppTest, on the demo, for an editor and for a viewer (who sees
read-only tables instead of editors). A cell is read as the grid draws it: a missing value as
the table's placeholder ("None" without one), a choice as its option's label, a header as its
column's label; hidden columns and the index are not drawn.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

from strategy.domain.access import Actor
from strategy.usecases import Workspace
from tests.conftest import EDITOR, VIEWER, open_page
from ui import session

PAGES = [
    "app.py",
    "pages/1_Team.py",
    "pages/2_Stages.py",
    "pages/3_Tests.py",
    "pages/4_Upload_metrics.py",
    "pages/5_Stand_up.py",
]

UNREADABLE = {
    "the word None": re.compile(r"^(None|nan|NaN|NaT|<NA>)$"),
    "an ISO date": re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-]|\.\w)"),
    "a plural in brackets": re.compile(r"\(s\)"),
    "a number in scientific notation": re.compile(r"^-?\d(?:\.\d+)?[eE][+-]?\d+$"),
    "a snake_case identifier": re.compile(
        r"(?<![\w./\\-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-]|\.\w)"
    ),
}
"""What no table cell or header may show; file names (``instagram_week.csv``,
``week_2026-11-09.csv``) may."""


def _missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _drawn(value: Any, config: dict[str, Any], placeholder: str) -> str | None:
    """The text the grid draws for ``value`` in a column configured as ``config``; None for a
    number or a tick box, which the grid draws as digits or a box."""
    type_config = config.get("type_config", {})
    if _missing(value):
        return placeholder
    labels = {
        str(o["value"]): str(o["label"])
        for o in type_config.get("options") or []
        if isinstance(o, dict)
    }
    if labels:
        return labels.get(str(value), str(value))
    if isinstance(value, dt.date | pd.Timestamp):
        return None if "format" in type_config else value.isoformat()
    return value if isinstance(value, str) else None


def drawn_cells(table: Dataframe) -> dict[str, list[str]]:
    """Each drawn column's header and the texts of its cells, as the grid shows them."""
    configs: dict[str, Any] = json.loads(table.proto.columns or "{}")
    placeholder = table.proto.placeholder if table.proto.HasField("placeholder") else "None"
    order = list(table.proto.column_order)
    frame = table.value
    shown = {}
    for column in frame.columns:
        config = configs.get(str(column), {})
        if config.get("hidden") or (order and str(column) not in order):
            continue
        header = str(config.get("label") or column)
        texts = [_drawn(v, config, placeholder) for v in frame[column]]
        shown[header] = [t for t in texts if t is not None]
    return shown


def unreadable_cells(table: Dataframe) -> list[str]:
    """Each header or cell of ``table`` that shows something a person cannot read."""
    found = []
    for header, texts in drawn_cells(table).items():
        for text in [header, *texts]:
            for what, pattern in UNREADABLE.items():
                if pattern.search(text):
                    found.append(f"{what} in column {header!r}: {text[:80]!r}")
    return found


@pytest.mark.parametrize("actor", [EDITOR, VIEWER], ids=["editor", "viewer"])
@pytest.mark.parametrize("page", PAGES)
def test_every_table_on_the_page_reads_as_words(
    app_read: Workspace, monkeypatch: pytest.MonkeyPatch, page: str, actor: Actor
) -> None:
    monkeypatch.setattr(session, "actor", lambda: actor)
    at = open_page(page)
    tables = enumerate(at.dataframe)
    found = [f"table {i}: {said}" for i, table in tables for said in unreadable_cells(table)]
    assert not found, f"{page} shows:\n" + "\n".join(sorted(set(found)))


def _table(labelled: bool, placeholder: str | None) -> None:
    """A roster-like table: a channel chosen from options, a blank rate, a hidden key."""
    import pandas as pd
    import streamlit as st

    words = {"direct_marketing": "direct marketing"}
    st.dataframe(
        pd.DataFrame({"key": ["tom_b"], "channel": ["direct_marketing"], "rate": [None]}),
        column_config={
            "key": None,
            "channel": st.column_config.SelectboxColumn(
                "Channel",
                options=list(words),
                format_func=(lambda v: words[str(v)]) if labelled else None,
            ),
        },
        placeholder=placeholder,
    )


@pytest.mark.parametrize(
    ("labelled", "placeholder", "found"),
    [
        (True, "", []),
        (
            False,
            "",
            ["a snake_case identifier in column 'Channel': 'direct_marketing'"],
        ),
        (True, None, ["the word None in column 'rate': 'None'"]),
    ],
)
def test_a_table_is_read_as_the_grid_draws_it(
    labelled: bool, placeholder: str | None, found: list[str]
) -> None:
    at = AppTest.from_function(_table, kwargs={"labelled": labelled, "placeholder": placeholder})
    at.run()
    assert unreadable_cells(at.dataframe[0]) == found
