"""Storage: where a workspace lives and how its rows are read and written.

``location`` parses a folder or a PostgreSQL URL, ``database`` holds engines, transactions
and failures in words, ``schema`` the numbered migrations, ``files`` the imported files,
``audit`` the audit log, ``store`` opening a workspace, its one write transaction and its
whole state read at once, and the ``*_rows`` modules the rows of each table (``rows``: what
they share). What may be written is ``strategy.usecases``'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strategy.storage.database import NotAWorkspace, StorageError, Unreachable, WorkspaceBusy
from strategy.storage.location import DB_NAME, Location, parse_location

if TYPE_CHECKING:  # transitional, see __getattr__
    from strategy.usecases import Saved, Workspace

__all__ = [
    "DB_NAME",
    "Location",
    "NotAWorkspace",
    "Saved",
    "StorageError",
    "Unreachable",
    "Workspace",
    "WorkspaceBusy",
    "parse_location",
]


def __getattr__(name: str) -> object:
    """``Workspace`` and ``Saved`` for the callers that still import them from here (the
    command line and the tests): they are ``strategy.usecases``' now. Imported on first use,
    as storage sits below the use cases; drop this once those callers import from there."""
    if name in ("Workspace", "Saved"):
        import strategy.usecases

        return getattr(strategy.usecases, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
