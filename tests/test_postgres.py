"""A workspace in a PostgreSQL database: created with ``init URL``, and every failure to
reach it said in one line that names the problem."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from strategy.cli import main
from strategy.domain.errors import ValidationError
from strategy.storage import parse_location
from strategy.usecases import Workspace
from tests.conftest import ROOT
from tests.engines import Postgres, workspace_state


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


@pytest.fixture
def empty_database(postgres: Postgres) -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped afterwards."""
    url = postgres.create()
    yield url
    postgres.drop(url)


def test_init_creates_a_workspace_in_an_empty_database_and_refuses_a_second_time(
    empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = empty_database
    code, out, _ = cli(capsys, "init", url, "--demo")
    assert code == 0 and out.startswith("created demo workspace postgresql://postgres:***@")
    assert len(Workspace.open(url).snapshot().members) == 7
    before = workspace_state(url)
    code, _, err = cli(capsys, "init", url)
    assert code == 1 and err.endswith("a workspace already exists in this database")
    assert workspace_state(url) == before


def test_init_refuses_a_database_that_holds_other_tables_and_leaves_it_alone(
    empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = empty_database
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as conn:
        conn.execute("CREATE TABLE invoices(id integer)")
    code, _, err = cli(capsys, "init", url)
    assert code == 1
    assert "the database already holds other tables (invoices)" in err
    assert "a workspace needs an empty database" in err
    with psycopg.connect(plain) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    assert tables == [("invoices",)]


def test_opening_an_empty_database_says_to_create_a_workspace_there(
    empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = empty_database
    code, _, err = cli(capsys, "report", url)
    assert code == 1
    assert err.endswith(
        "no workspace in this database; create one with `python -m strategy init URL`"
    )


def broken(postgres: Postgres, what: str) -> str:
    """A URL that fails in one way: no server there, a wrong password, no such database."""
    url = postgres.url
    if what == "unreachable":
        return url.set(port=1, database="rollout").render_as_string(hide_password=False)
    if what == "wrong password":
        return url.set(password="not-the-password", database="postgres").render_as_string(
            hide_password=False
        )
    return url.set(database="no_such_db").render_as_string(hide_password=False)


FAILURES = {
    "unreachable": "cannot reach the PostgreSQL server at 127.0.0.1:1",
    "wrong password": "the server refused the login of user 'postgres'; check the user name "
    "and password in the URL",
    "missing database": "has no database 'no_such_db'; create it first (createdb no_such_db)",
}


@pytest.mark.parametrize("what", sorted(FAILURES))
def test_a_database_that_cannot_be_used_is_named_in_one_line_without_a_traceback(
    postgres: Postgres, what: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "strategy", "report", broken(postgres, what)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert FAILURES[what] in lines[0]
    assert "not-the-password" not in lines[0]  # a password is never echoed
    assert lines[0].startswith("error: workspace postgresql://postgres:***@127.0.0.1:")


def test_the_app_on_a_database_that_cannot_be_reached_says_so_on_the_page(
    postgres: Postgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    monkeypatch.setenv("ROLLOUT_WORKSPACE", broken(postgres, "unreachable"))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "cannot be opened" in at.error[0].value
    assert "cannot reach the PostgreSQL server at 127.0.0.1:1" in at.error[0].value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("mysql://db/rollout", "mysql:// is not a workspace location"),
        ("postgresql://db.example.com", "the PostgreSQL URL names no database"),
        ("   ", "expected a folder or a postgresql:// URL"),
    ],
)
def test_a_location_that_is_neither_a_folder_nor_a_database_url_is_refused(
    raw: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_location(raw)
