"""The workspace handle, the acting user and the cached analysis, shared by every page."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

import streamlit as st

from strategy.brief import brief_charts
from strategy.brief import brief_pdf as build_brief
from strategy.demo import ensure_workspace
from strategy.domain import clock
from strategy.domain.access import (
    LOCAL_USER,
    Actor,
    Login,
    actor_for_login,
    executives,
    login_from_claims,
    why_viewer,
)
from strategy.domain.analysis import Analysis, analyse
from strategy.domain.errors import Conflict, RolloutError
from strategy.domain.snapshot import AuditEntry, Snapshot
from strategy.storage import Location, StorageError, parse_location
from strategy.usecases import Workspace
from strategy.views import charts
from strategy.views.first_screen import FirstScreen
from strategy.views.first_screen import first_screen as build_first_screen
from strategy.views.standup import Agenda, agenda
from ui.markup import md

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "data" / "workspace"

PAGES: tuple[tuple[str, str, str], ...] = (
    ("app.py", "Dashboard", "📣"),
    ("pages/1_Team.py", "Team", "👥"),
    ("pages/2_Stages.py", "Stages", "🪜"),
    ("pages/3_Tests.py", "Tests", "🧪"),
    ("pages/4_Upload_metrics.py", "Upload metrics", "📤"),
    ("pages/5_Stand_up.py", "Stand-up", "🗣️"),
)
"""The sidebar's navigation: (script, label, icon). Streamlit's own would call the dashboard
"app" after its file; ``client.showSidebarNavigation = false`` hides that one."""


def workspace_location() -> Location:
    """The folder or database named by ROLLOUT_WORKSPACE, else the local default folder."""
    return parse_location(os.environ.get("ROLLOUT_WORKSPACE") or DEFAULT_ROOT)


@st.cache_resource(max_entries=4, show_spinner="Opening the workspace…")
def _open(key: str) -> Workspace:
    return ensure_workspace(key)


def workspace() -> Workspace:
    """The open workspace (a new folder is seeded from the demo company on first start).

    A workspace that cannot be opened (a newer schema, not a workspace database, a server
    that cannot be reached) stops the page with the reason in plain words, not a traceback.
    """
    try:
        where = workspace_location()
    except RolloutError as exc:
        st.error(f"ROLLOUT_WORKSPACE cannot be used. {md(exc)}", icon="⚠️")
        st.stop()
    try:
        return _open(where.key)
    except RolloutError as exc:
        st.error(f"The workspace at `{where}` cannot be opened. {md(exc)}", icon="⚠️")
        st.stop()


@st.cache_data(max_entries=8, show_spinner=False)
def _snapshot(key: str, version: int) -> Snapshot:
    return Workspace(key).snapshot()


@st.cache_data(max_entries=8, show_spinner="Recomputing stages, tests and the resource signal…")
def _analysis(root: str, version: int, day: dt.date) -> Analysis:
    return analyse(_snapshot(root, version), day)


@st.cache_data(max_entries=8, show_spinner=False)
def _chart_specs(root: str, version: int, day: dt.date) -> dict[str, dict[str, Any]]:
    return charts.dashboard_specs(_analysis(root, version, day), _snapshot(root, version).gates)


@st.cache_data(max_entries=8, show_spinner=False)
def _first_screen(root: str, version: int, day: dt.date) -> FirstScreen:
    return build_first_screen(_analysis(root, version, day))


@st.cache_data(max_entries=4, show_spinner=False)
def _brief(root: str, version: int, day: dt.date) -> bytes:
    result = _analysis(root, version, day)
    company = _snapshot(root, version).company.name
    return build_brief(result, brief_charts(result), company=company)


@st.cache_data(max_entries=8, show_spinner=False)
def _user_roles(key: str, version: int) -> dict[str, str]:
    return Workspace(key).user_roles()


@st.cache_data(max_entries=8, show_spinner="Writing the stand-up agenda…")
def _agenda(key: str, version: int, day: dt.date) -> Agenda:
    ws = Workspace(key)
    return agenda(day, lambda d: ws.snapshot(as_of=d), executives(ws.user_roles()))


def today() -> dt.date:
    """The one UTC "today" every page passes to the rules (``strategy.domain.clock``)."""
    return clock.today()


T = TypeVar("T")


def outage(exc: StorageError) -> NoReturn:
    """Stop the page with the storage failure in one sentence: no traceback, no server paths.

    Storage messages start with the workspace they name (``workspace db:5432: cannot reach
    the PostgreSQL server …``), so the sentence reads "Cannot read the workspace …".

    Nothing is cached from a failed read, so the page recovers by itself on the next load
    once the database is back.
    """
    st.error(f"Cannot read the {md(exc)}", icon="🔌")
    st.stop()


def _read(read: Callable[[str, int], T]) -> T:
    """Every page's read of the workspace, in the one place that catches its outages.

    ``read`` gets the workspace's key and its data version (the cache key of every result).
    """
    ws = workspace()
    try:
        return read(ws.location.key, ws.data_version())
    except StorageError as exc:
        outage(exc)


def chart_specs() -> dict[str, dict[str, Any]]:
    """The dashboard's charts as Vega-Lite specs, rebuilt only when the data or day changes."""
    return _read(lambda key, version: _chart_specs(key, version, today()))


def first_screen() -> FirstScreen:
    """The executives' four answers as of today (``strategy.views.first_screen``)."""
    return _read(lambda key, version: _first_screen(key, version, today()))


def brief_pdf() -> Callable[[], bytes]:
    """The one-page brief of today as a download's data: built only when the button is
    clicked (Streamlit calls it then, on a thread of its own), cached per data version and
    day, so the dashboard's rerun stays fast."""
    day = today()
    return _read(lambda key, version: lambda: _brief(key, version, day))


def snapshot() -> Snapshot:
    """The workspace's current state, cached per data version."""
    return _read(_snapshot)


def analysis() -> Analysis:
    """The rollout analysis as of today, recomputed when the data version or the day changes."""
    return _read(lambda key, version: _analysis(key, version, today()))


def audit_log() -> tuple[AuditEntry, ...]:
    """The latest entries of the audit log, newest first."""
    return _read(lambda key, _version: Workspace(key).audit_log())


def user_roles() -> dict[str, str]:
    """Who is mapped to which role (``users set``), read once per data version: every
    ``actor()`` call of a page run asks for it."""
    return _read(_user_roles)


def standup_agenda(day: dt.date) -> Agenda:
    """The stand-up of ``day`` (``views.standup.agenda``), recomputed when the data changes.

    It reads the workspace as it stood on the evenings it compares (``snapshot(as_of=...)``),
    and the first address mapped to the executive role picks up open requests.
    """
    return _read(lambda key, version: _agenda(key, version, day))


def login_configured() -> bool:
    """True when an OIDC provider is configured in secrets ([auth] section)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def logged_in() -> bool:
    """Whether someone is signed in through the configured OIDC provider."""
    return bool(st.user.get("is_logged_in"))


def login() -> Login | None:
    """The signed-in account's trusted claims (``strategy.domain.access.login_from_claims``)."""
    if not logged_in():
        return None
    return login_from_claims(st.user.to_dict())


def actor() -> Actor:
    """Who is acting: the signed-in account's mapped role, or the local single user."""
    if not login_configured():
        return LOCAL_USER
    account = login()
    if account is None:
        return actor_for_login(None, {})  # a viewer; sidebar() shows them only the sign-in
    return actor_for_login(account, user_roles())


def sidebar() -> None:
    """The sidebar every page shows: the pages, which workspace is open and who is acting.

    With login configured, a visitor who has not signed in sees only the sign-in button:
    the rollout is the company's internal data.
    """
    if login_configured() and not logged_in():
        st.title("Social Rollout Tracker")
        st.info("Sign in to see the social rollout.", icon="🔒")
        st.button("Log in", on_click=st.login, type="primary")
        st.stop()
    ws = workspace()
    who = actor()
    with st.sidebar:
        for script, label, icon in PAGES:
            st.page_link(script, label=label, icon=icon)
        st.divider()
        st.caption("Workspace")
        st.code(str(ws.location), language=None)
        st.caption(f"Signed in as **{md(who.name)}** ({who.role.value})")
        if login_configured():
            if reason := why_viewer(login(), user_roles()):
                st.caption(md(reason))
            st.button("Log out", on_click=st.logout)


def show_error(exc: RolloutError) -> None:
    """Show a user-caused error in plain words."""
    st.error(md(exc), icon="⚠️")


def can_edit() -> bool:
    """Whether the acting user sees write controls (the store refuses viewers anyway)."""
    return actor().can_edit


def can_decide() -> bool:
    """Whether the acting user sees the Approve/Decline controls of resource requests
    (executives and admins; the store refuses anyone else anyway)."""
    return actor().can_decide


SAID_KEY = "_said_after_save"
"""What the last write said, kept for the rerun: (kind, message, place). ``place`` is the
button that saved (its key or label); the message shows beside it."""

FORGOTTEN_KEY = "_forgotten_after_save"
"""The widget keys the last save forgot: the browser still shows what was typed in them
until the page sets them again (``saving.emptied``)."""

SHOWING_KEY = "_said_showing"
"""This run's message and the slot at the page's top holding it until its button claims it."""

SAID_STYLES: dict[str, tuple[Callable[..., Any], str]] = {
    "success": (st.success, "✅"),
    "info": (st.info, "ℹ️"),
    "error": (st.error, "⚠️"),
}


def saved(
    message: str, *widget_prefixes: str, changed: bool = True, place: str | None = None
) -> None:
    """After a successful write: forget the form's widget edits, keep a message, rerun.

    The widgets whose keys start with ``widget_prefixes`` reload from the stored data, and
    the cache keyed on the data version shows fresh numbers on the rerun. A save that
    ``changed`` nothing keeps its message as information, not as a success. ``place`` is the
    button that saved: the message shows beside it (at the page's top when it is gone).
    """
    forgotten = [k for k in st.session_state if str(k).startswith(widget_prefixes)]
    for key in forgotten:
        del st.session_state[key]
    st.session_state[FORGOTTEN_KEY] = set(map(str, forgotten))
    st.session_state[SAID_KEY] = ("success" if changed else "info", message, place)
    st.rerun()


def drawn(base_key: str, current: T, *, keep: bool) -> T:
    """What a form is drawn from: the stored value, kept as it was while the form is in use.

    Saving passes it as ``expected``, so a change someone else made meanwhile is refused.
    """
    if keep and base_key in st.session_state:
        return cast(T, st.session_state[base_key])
    st.session_state[base_key] = current
    return current


def reload_after_conflict(exc: Conflict, *widget_prefixes: str, place: str | None = None) -> None:
    """Someone else saved first: drop the form's state so it shows their version, and say so
    beside the button that saved (``place``)."""
    for key in [k for k in st.session_state if str(k).startswith(widget_prefixes)]:
        del st.session_state[key]
    st.session_state[SAID_KEY] = ("error", f"{exc}. The page now shows their version.", place)
    st.rerun()


def _say(kind: str, message: str) -> None:
    show, icon = SAID_STYLES[kind]
    show(md(message), icon=icon)


def show_flash() -> None:
    """Show, once, the message a write or a refused stale save left before its rerun: at the
    page's top for now, moved beside its button when the button is drawn (``show_said``)."""
    st.session_state.pop(SHOWING_KEY, None)
    said = st.session_state.pop(SAID_KEY, None)
    if said is None:
        return
    kind, message, place = said
    slot = st.empty()
    with slot.container():
        _say(kind, message)
    st.session_state[SHOWING_KEY] = (kind, message, place, slot)


def show_said(place: str) -> None:
    """Beside the button ``place``: the message of the save it made, moved from the top."""
    showing = st.session_state.get(SHOWING_KEY)
    if showing is None or showing[2] != place:
        return
    kind, message, _, slot = st.session_state.pop(SHOWING_KEY)
    slot.empty()
    _say(kind, message)
