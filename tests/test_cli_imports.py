"""The command line starts at once: help, and the commands that do not analyse, load none of
the heavy libraries (the statistics, the data frames, the database engines, the file readers).

Each case runs ``python -m strategy`` in a fresh interpreter and looks at ``sys.modules``
when the command has finished: a behaviour check (what is loaded), not a timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from strategy.cli.parser import ENTRIES

ROOT = Path(__file__).resolve().parent.parent

HEAVY = ("pandas", "scipy", "statsmodels", "duckdb", "sqlalchemy", "pyarrow", "numpy")
"""The libraries that take most of a cold start: none is needed to print help."""

STATISTICS = ("scipy", "statsmodels", "duckdb", "psycopg")
"""What a command that only lists a workspace on SQLite never needs: the statistics, the
events reader and the PostgreSQL driver."""

SPREADSHEETS = ("python_calamine",)
"""The spreadsheet reader: only what reads files (and ``uploads list --format json``, which
names each upload's aggregations as its file's reader chose them) needs it."""

FRAMES = ("pandas", "numpy")
"""The data frames: a listing that reads no metrics (the team, the settings) never needs them."""

PROBE = """
import json, runpy, sys
sys.argv = ["strategy", *json.loads(sys.argv[1])]
try:
    runpy.run_module("strategy", run_name="__main__", alter_sys=True)
except SystemExit as exit_:
    code = exit_.code
else:
    code = 0
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def loaded_by(*words: str) -> set[str]:
    """The top-level packages ``python -m strategy WORDS`` has loaded when it ends (it must
    end with exit code 0)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(words))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    return set(report["loaded"])


def test_the_command_lines_help_loads_no_heavy_library() -> None:
    assert loaded_by("--help") & set(HEAVY) == set()


@pytest.mark.parametrize("word", [entry.name for entry in ENTRIES])
def test_every_commands_help_loads_no_heavy_library(word: str) -> None:
    assert loaded_by(word, "--help") & set(HEAVY) == set()


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workspace folder, made by ``init --demo`` as a user would."""
    folder = tmp_path_factory.mktemp("cli-imports") / "ws"
    assert loaded_by("init", str(folder), "--demo")
    return folder


@pytest.mark.parametrize(
    ("words", "never"),
    [
        (("team", "list", "WS"), STATISTICS + SPREADSHEETS + FRAMES),
        (("uploads", "list", "WS"), STATISTICS + SPREADSHEETS + FRAMES),
        (("uploads", "list", "--format", "json", "WS"), STATISTICS),
        (("settings", "list", "WS"), STATISTICS + SPREADSHEETS + FRAMES),
        (("users", "list", "WS"), STATISTICS + SPREADSHEETS + FRAMES),
        (("users", "set", "WS", "cfo@example.com", "viewer"), STATISTICS + SPREADSHEETS + FRAMES),
    ],
)
def test_a_listing_on_the_demo_loads_neither_the_statistics_nor_the_file_readers(
    demo_folder: Path, words: tuple[str, ...], never: tuple[str, ...]
) -> None:
    """(``WS`` stands for the demo workspace's folder.)"""
    typed = [str(demo_folder) if word == "WS" else word for word in words]
    assert loaded_by(*typed) & set(never) == set()


@pytest.mark.parametrize("words", [("report", "WS"), ("test", "list", "WS")])
def test_reading_the_demos_tests_loads_no_statistics_library(
    demo_folder: Path, words: tuple[str, ...]
) -> None:
    """The statistics are kept with each test when it is saved (``experiments.kept``)."""
    typed = [str(demo_folder) if word == "WS" else word for word in words]
    assert loaded_by(*typed) & {"scipy", "statsmodels"} == set()
