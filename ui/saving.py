"""The one way a page saves: run the write, then say what was saved or why nothing was.

Every form's save button does the same: call the workspace, and on success forget the
form's widget edits, keep a message for the rerun and rerun; when someone else saved that
table first (Conflict) reload the form with their version; on any other refusal show the
reason in words and change nothing. A save that changed nothing (the workspace wrote
nothing) says "No changes to save." instead of claiming a save.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Final, Protocol

import streamlit as st

from strategy.domain.errors import Conflict, RolloutError
from ui import session

NO_CHANGES: Final = "No changes to save."
"""What a save that found everything already stored says."""


class Say(Protocol):
    """Says what a save stored; ``changed=False`` when the workspace wrote nothing."""

    def __call__(self, message: str, *, changed: bool = True) -> None: ...


@contextlib.contextmanager
def save(*widget_prefixes: str, spinner: str | None = None) -> Iterator[Say]:
    """Run the writes in the ``with`` block, which says what was saved through the function
    it is given: ``with save("company_") as saved: s = ws.set_company(...);
    saved("Saved.", changed=s.changed)``.

    ``widget_prefixes`` name the form's widget keys, dropped after a save or a conflict so
    the form shows what is stored; ``spinner`` is shown while the writes run.
    """
    said: list[tuple[str, bool]] = []

    def say(message: str, *, changed: bool = True) -> None:
        said.append((message, changed))

    try:
        with st.spinner(spinner) if spinner else contextlib.nullcontext():
            yield say
    except Conflict as exc:
        session.reload_after_conflict(exc, *widget_prefixes)
    except RolloutError as exc:
        session.show_error(exc)
    else:
        if said and not any(changed for _, changed in said):
            session.saved(NO_CHANGES, *widget_prefixes, changed=False)
        else:
            message = " ".join(m for m, changed in said if changed)
            session.saved(message or "Saved.", *widget_prefixes)
