"""What one user types never becomes markup on another user's screen.

Every user-text field of the demo workspace gets a hostile value (a script in an iframe, an
image with an ``onerror`` handler, a Markdown link to another site): test titles, hypotheses
and decisions, a platform and a metric, a person's name, the company's name, a request's
note and decision reason, an override's reason, an uploaded file's name. Then every page is
drawn, and every text Streamlit renders as Markdown or HTML is read: nothing typed may reach
an element that allows HTML, and in Markdown every ``<`` and ``[`` typed is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from strategy.usecases import Workspace
from tests.conftest import open_page
from tests.hostile import IFRAME, IMAGE, LINK, PLATFORM, hostile_workspace
from tests.test_session import PAGES
from ui.markup import md

UNESCAPED = re.compile(r"(?<!\\)(?:<(?:iframe|img|script)|\[Sign in again\]|\]\((?!#))")
"""A hostile value's markup that Markdown would act on: not preceded by a backslash. A link
to a heading of the same page (``](#anchor)``, the first screen's cards) leads nowhere else."""
MARKDOWN_FIELDS = frozenset({"body", "label", "help", "text", "caption", "placeholder"})
"""Proto fields Streamlit renders as Markdown (alert and markdown bodies, labels, tooltips,
progress texts)."""


def rendered_texts(at: AppTest) -> Iterator[tuple[str, str, bool]]:
    """(element type, text, whether it may hold HTML) of every Markdown text on the page."""
    stack: list[Any] = [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            allows_html = node.type == "html" or bool(getattr(proto, "allow_html", False))
            for text in proto_texts(proto):
                yield node.type, text, allows_html


def proto_texts(message: Message) -> Iterator[str]:
    """Every string in ``message`` (and the messages in it) that is rendered as Markdown."""
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, Message):
                yield from proto_texts(item)
            elif isinstance(item, str) and field.name in MARKDOWN_FIELDS:
                yield item


@pytest.fixture
def hostile_app(app_ws: Workspace, tmp_path: Path) -> Workspace:
    hostile_workspace(app_ws, tmp_path)
    return app_ws


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_hostile_text_is_shown_as_text_on_every_page_never_as_markup(
    hostile_app: Workspace,
) -> None:
    seen: set[str] = set()
    for page in PAGES:
        at = open_page(page, timeout=60)
        for kind, text, allows_html in rendered_texts(at):
            assert not (
                allows_html
                and "<" in text
                and any(h in text for h in ("<iframe", "<img", "<script"))
            ), f"{page}: {kind} allows HTML and holds {text!r}"
            assert not UNESCAPED.search(text), f"{page}: {kind} renders markup: {text!r}"
            seen |= {v for v in (IFRAME, IMAGE, LINK, PLATFORM) if md(v) in text}
            if md(IFRAME) in text:
                seen.add(f"{IFRAME} on {page}")
    # Each hostile value reached the screens, so the checks above had something to check.
    assert {IFRAME, IMAGE, LINK, PLATFORM} <= seen, seen
    assert {f"{IFRAME} on {page}" for page in ("app.py", "pages/1_Team.py")} <= seen, seen
