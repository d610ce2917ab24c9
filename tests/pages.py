"""Driving a page under AppTest: find a button (a plain one or a form's submit) and click it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from strategy.domain.clock import day_text


def buttons(at: AppTest) -> list[Any]:
    """Every button on the page: plain buttons, then forms' submit buttons."""
    return [*at.button, *at.form_submit_button]


def button_labels(at: AppTest) -> list[str]:
    """The labels of every button on the page, in order."""
    return [b.label for b in buttons(at)]


def click(
    at: AppTest, label: str | None = None, *, key: str | None = None, check: bool = True
) -> AppTest:
    """Click the button with this label (or, given ``key``, this key) and run the page again.

    With ``check`` (the default) the run must raise nothing. A missing button fails the test
    with the buttons there are.
    """
    assert (label is None) != (key is None), "name the button by its label or by its key"
    if key is None:
        found = [b for b in buttons(at) if b.label == label]
    else:
        found = [b for b in buttons(at) if getattr(b, "key", None) == key]
    wanted = f"label {label!r}" if key is None else f"key {key!r}"
    assert found, f"no button with {wanted}; the page has {button_labels(at)}"
    found[0].click().run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at


ALERTS = ("success", "info", "warning", "error")


def _walk(node: Any) -> Any:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def in_order(at: AppTest) -> list[Any]:
    """Every element of the page, in the order the reader meets them (columns flattened)."""
    return [n for n in _walk(at._tree) if getattr(n, "type", None) != "column"]


def said_beside(at: AppTest, label: str) -> list[str]:
    """The messages drawn right under the button with this label (plain or a form's submit),
    in order: what a save there said, where the user acted."""
    nodes = in_order(at)
    places = [i for i, n in enumerate(nodes) if isinstance(n, Button) and n.label == label]
    assert places, f"no button {label!r}; the page has {button_labels(at)}"
    said: list[str] = []
    for node in nodes[places[0] + 1 :]:
        if getattr(node, "type", None) not in ALERTS:
            break
        said.append(node.value)
    return said


def type_day(at: AppTest, key: str, day: dt.date) -> None:
    """Type a day into a page's day field as a person reads it (``09 Nov 2026``)."""
    at.text_input(key=key).set_value(day_text(day))
