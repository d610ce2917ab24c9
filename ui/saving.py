"""The one way a page saves: run the write, then say what was saved or why nothing was.

Every form's save button does the same: call the workspace, and on success forget the
form's widget edits, keep a message for the rerun and rerun; when someone else saved that
table first (Conflict) reload the form with their version; on any other refusal show the
reason in words and change nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import streamlit as st

from strategy.errors import Conflict, RolloutError
from ui import session


@contextlib.contextmanager
def save(*widget_prefixes: str, spinner: str | None = None) -> Iterator[Callable[[str], None]]:
    """Run the writes in the ``with`` block, which says what was saved through the function
    it is given: ``with save("company_") as saved: ws.set_company(...); saved("Saved.")``.

    ``widget_prefixes`` name the form's widget keys, dropped after a save or a conflict so
    the form shows what is stored; ``spinner`` is shown while the writes run.
    """
    said: list[str] = []
    try:
        with st.spinner(spinner) if spinner else contextlib.nullcontext():
            yield said.append
    except Conflict as exc:
        session.reload_after_conflict(exc, *widget_prefixes)
    except RolloutError as exc:
        session.show_error(exc)
    else:
        session.saved(" ".join(said) or "Saved.", *widget_prefixes)
