"""The one way a page saves: run the write, then say what was saved or why nothing was.

Every form's save button does the same: call the workspace, and on success forget the
form's widget edits, keep a message for the rerun and rerun; when someone else saved that
table first (Conflict) reload the form with their version; on any other refusal show the
reason in words and change nothing. A save that changed nothing (the workspace wrote
nothing) says "No changes to save." instead of claiming a save.

What a save says shows beside the button that saved, where the user acted, not at the top
of a long page: a page draws its save buttons with ``button`` and ``submit``, which remember
which one was clicked and, on the rerun, show its message right under it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Final, Protocol

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from strategy.domain.errors import Conflict, RolloutError
from ui import session

NO_CHANGES: Final = "No changes to save."
"""What a save that found everything already stored says."""

ACTING_KEY: Final = "_saving_button"
"""The button clicked on this run (its key or label): where its save's message shows."""


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
    place = st.session_state.pop(ACTING_KEY, None)

    def say(message: str, *, changed: bool = True) -> None:
        said.append((message, changed))

    try:
        with st.spinner(spinner) if spinner else contextlib.nullcontext():
            yield say
    except Conflict as exc:
        session.reload_after_conflict(exc, *widget_prefixes, place=place)
    except RolloutError as exc:
        session.show_error(exc)
    else:
        if said and not any(changed for _, changed in said):
            session.saved(NO_CHANGES, *widget_prefixes, changed=False, place=place)
        else:
            message = " ".join(m for m, changed in said if changed)
            session.saved(message or "Saved.", *widget_prefixes, place=place)


def button(
    label: str, *, key: str | None = None, within: DeltaGenerator | None = None, **options: Any
) -> bool:
    """``st.button`` (in the column ``within``, if given) that shows, right under itself,
    what the save it made said."""
    with within if within is not None else contextlib.nullcontext():
        return _acted(st.button(label, key=key, **options), key or label)


def submit(
    label: str, *, key: str | None = None, within: DeltaGenerator | None = None, **options: Any
) -> bool:
    """``st.form_submit_button`` (in the column ``within``, if given) that shows, right under
    itself, what its save said."""
    with within if within is not None else contextlib.nullcontext():
        return _acted(st.form_submit_button(label, key=key, **options), key or label)


def _acted(clicked: bool, place: str) -> bool:
    if clicked:
        st.session_state[ACTING_KEY] = place
    else:
        session.show_said(place)
    return clicked


def emptied(key: str, empty: object) -> None:
    """Before drawing the widget ``key``: after a save that forgot it, set it to ``empty``.

    Forgetting a widget's state is not enough in the browser, which keeps showing what was
    typed (and sends it again); setting it tells the browser. Call before the widget."""
    forgotten = st.session_state.get(session.FORGOTTEN_KEY, set())
    if key in forgotten:
        forgotten.discard(key)
        st.session_state[key] = empty
