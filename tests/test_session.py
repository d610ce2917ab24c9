"""What every page shares (`ui/session.py`): who is acting, the sign-in gate, opening errors."""

from __future__ import annotations

import ast
from typing import NoReturn

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from strategy.domain.access import LOCAL_USER as ADMIN
from strategy.storage import Unreachable
from strategy.usecases import Workspace
from tests.conftest import ROOT
from tests.engines import execute

PAGES = [
    "app.py",
    "pages/1_Team.py",
    "pages/2_Stages.py",
    "pages/3_Tests.py",
    "pages/4_Upload_metrics.py",
    "pages/5_Stand_up.py",
]
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-the-test-only",
    "client_id": "rollout",
    "client_secret": "not-a-secret",
    "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration",
}


ISSUER = "https://accounts.example.com"


def signed_in(sub: str = "4242", **claims: object) -> dict[str, object]:
    """``st.user`` of someone signed in: the ID token's claims, e-mail verified unless given."""
    return {"is_logged_in": True, "iss": ISSUER, "sub": sub, "email_verified": True, **claims}


def page_with_login(page: str, user: dict[str, object] | None) -> AppTest:
    """A page run with OIDC login configured and, when given, a signed-in user."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    if page != "app.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fresh_caches(monkeypatch: pytest.MonkeyPatch, location: str) -> None:
    monkeypatch.setenv("ROLLOUT_WORKSPACE", location)
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("page", PAGES)
def test_with_login_configured_a_visitor_sees_only_the_sign_in(
    app_read: Workspace, page: str
) -> None:
    at = page_with_login(page, None)

    assert [i.value for i in at.info] == ["Sign in to see the social rollout."]
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.metric and not at.dataframe and not at.get("vega_lite_chart")


def test_a_signed_in_editor_is_named_in_the_sidebar_and_may_edit(app_ws: Workspace) -> None:
    app_ws.set_user_role(ADMIN, "maya@example.com", "editor")

    at = page_with_login("pages/1_Team.py", signed_in(email="Maya@Example.com"))

    assert any("maya@example.com" in c.value and "editor" in c.value for c in at.sidebar.caption)
    assert [b.label for b in at.sidebar.button] == ["Log out"]
    assert at.data_editor  # the roster is editable


@pytest.mark.parametrize("verified", [False, None, "false"])
def test_an_unverified_address_grants_no_role_and_the_sidebar_says_why(
    app_ws: Workspace, verified: object
) -> None:
    app_ws.set_user_role(ADMIN, "maya@example.com", "editor")
    user = signed_in(sub="mallory", email="maya@example.com", email_verified=verified)

    at = page_with_login("pages/1_Team.py", user)

    captions = [c.value for c in at.sidebar.caption]
    assert any("(viewer)" in c for c in captions), captions
    assert any("has not verified the e-mail address maya@example.com" in c for c in captions)
    assert any(f"{ISSUER}|mallory" in c for c in captions)
    assert not at.data_editor and not at.form_submit_button


def test_an_account_mapped_by_issuer_and_subject_gets_its_role_without_an_address(
    app_ws: Workspace,
) -> None:
    app_ws.set_user_role(ADMIN, f"{ISSUER}|4711", "editor")
    user = {"is_logged_in": True, "iss": ISSUER, "sub": "4711"}

    at = page_with_login("pages/1_Team.py", user)

    assert any("(editor)" in c.value for c in at.sidebar.caption)
    assert at.data_editor


def test_a_signed_in_stranger_reads_the_dashboard_as_a_viewer(app_read: Workspace) -> None:
    at = page_with_login("pages/1_Team.py", signed_in(email="pat@example.com"))

    assert any("pat@example.com" in c.value and "viewer" in c.value for c in at.sidebar.caption)
    assert not at.data_editor and not at.form_submit_button


def test_a_workspace_from_a_newer_app_stops_every_page_with_the_reason(
    demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    execute(demo_ws, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    fresh_caches(monkeypatch, demo_ws.location.key)

    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if page != "app.py":
            at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert len(at.error) == 1, page
        assert at.error[0].value.startswith(f"The workspace at `{demo_ws}` cannot be opened.")
        assert "newer" in at.error[0].value


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("failing", ["data_version", "snapshot"])
def test_a_storage_failure_while_reading_stops_every_page_with_one_sentence(
    app_read: Workspace, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """An outage after the workspace was opened (the server stopped under a running app)."""
    sentence = "workspace db:5432: cannot reach the PostgreSQL server at db:5432 (refused)"

    def unreachable(*_args: object, **_kwargs: object) -> NoReturn:
        raise Unreachable(sentence)

    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if page != "app.py":
            at.switch_page(page)
        at.run()  # opened and read once: the outage starts afterwards
        with monkeypatch.context() as outage:
            outage.setattr(Workspace, failing, unreachable)
            st.cache_data.clear()
            at.run()
            assert not at.exception, (page, [e.value for e in at.exception])
            assert [e.value for e in at.error] == [f"Cannot read the {sentence}"], page
        at.run()
        assert not at.error and not at.exception, page  # back by itself


@pytest.mark.parametrize("page", PAGES)
def test_no_page_draws_a_stray_string_of_its_source(page: str) -> None:
    """Streamlit's magic draws every bare string of a page's script (but its docstring)."""
    body = ast.parse((ROOT / page).read_text(encoding="utf-8")).body
    stray = [
        node.lineno
        for node in body[1:]
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    assert stray == [], f"{page}: bare strings at lines {stray}"


def _source_strings(source: str) -> list[str]:
    """Every docstring-like string of a page's source: its module docstring, its functions'
    and classes' docstrings and any string standing alone as a statement (an attribute's
    docstring), each with its whitespace collapsed."""
    return [
        " ".join(node.value.value.split())
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and node.value.value.strip()
    ]


def _drawn_source_strings(at: AppTest, source: str) -> list[str]:
    """The docstring-like strings of ``source`` that the page ``at`` shows as text."""
    shown = [" ".join(str(e.value).split()) for e in (*at.markdown, *at.caption, *at.text)]
    opening = [s[:60] for s in _source_strings(source)]
    return [s for s in opening if any(s in text for text in shown)]


def test_a_page_drawing_a_bare_string_is_caught() -> None:
    source = (
        '"""A page."""\n'
        "import streamlit as st\n"
        "LIMIT = 3\n"
        '"""The columns of ``results_table`` the list shows."""\n'
        'st.write("Hello")\n'
    )
    at = AppTest.from_string(source).run()
    assert _drawn_source_strings(at, source) == ["The columns of ``results_table`` the list shows."]


@pytest.mark.parametrize("page", PAGES)
def test_no_rendered_page_shows_a_docstring_of_its_source(page: str, app_read: Workspace) -> None:
    """Rendered on the demo, no page shows any of its own docstrings as text (Streamlit's
    magic draws a bare string that is not the module's first statement)."""
    from tests.conftest import open_page

    at = open_page(page)
    assert at.markdown, page  # the page did draw its text
    drawn = _drawn_source_strings(at, (ROOT / page).read_text(encoding="utf-8"))
    assert drawn == [], f"{page} shows its docstrings: {drawn}"
