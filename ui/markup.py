"""Plain text made safe for Streamlit's Markdown: what users typed shows as they typed it.

Most Streamlit elements render their text as Markdown (``st.markdown``, alerts, captions,
metric, tab and expander labels). A test title, a platform name, a note or a reason typed by
one user is shown to others, so it must never become markup: a ``[Sign in again](http://…)``
would be a live link, ``$x$`` a formula, ``**`` bold. HTML is never rendered, because no
element that shows user text allows it (see the README's security section); ``<`` is escaped
here too, so the text reads the same wherever it lands.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"[\\`*\[\]<~$]|(?<![^\W_])_|_(?![^\W_])")
"""Characters that start Markdown anywhere in a line: emphasis, code, links and images
(and Streamlit's ``:colour[...]``), HTML and autolinks, strikethrough, ``$`` math. An
underscore between two letters or digits opens no emphasis (CommonMark's flanking rule),
so ``active_members`` is left as it is."""
_LINE_START = re.compile(r"^(\s*)([-+=#>])|^(\s*\d+)([.)])(?=\s|$)")
"""What opens a block at the start of a line: a list item (``- ``, ``+ ``, ``1. ``,
``1) ``), a heading (``#``) or a quote (``>``)."""


def md(text: object) -> str:
    """``text`` as Markdown that renders to exactly that text, on one line.

    Line breaks become spaces, so a value cannot open a block on a line of its own; then
    every character that starts inline markup, and a block marker at the very start, is
    backslash-escaped (CommonMark lets any ASCII punctuation be escaped). The rest is left
    as typed, so ``retention -> active`` stays readable in the Markdown source too. A bare
    ``http://…`` address still becomes a link (Streamlit finds those in the rendered text,
    after escapes), but one that shows where it goes: no typed text can disguise a link.
    """
    one_line = " ".join(str(text).splitlines())
    escaped = _SPECIAL.sub(lambda m: "\\" + m.group(0), one_line)
    return _LINE_START.sub(_escape_marker, escaped, count=1)


def _escape_marker(found: re.Match[str]) -> str:
    """The block marker ``_LINE_START`` found, backslash-escaped, its indent kept."""
    indent, marker = (found[1], found[2]) if found[2] else (found[3], found[4])
    return f"{indent}\\{marker}"
