"""Storage: where a workspace lives and how its rows are read and written.

``location`` parses a folder or a PostgreSQL URL, ``database`` holds engines, transactions
and failures in words, ``schema`` the numbered migrations, ``files`` the imported files,
``audit`` the audit log, ``store`` opening a workspace, its one write transaction and its
whole state read at once, and the ``*_rows`` modules the rows of each table (``rows``: what
they share). What may be written is ``strategy.usecases``'.
"""

from __future__ import annotations

from strategy.storage.database import NotAWorkspace, StorageError, Unreachable, WorkspaceBusy
from strategy.storage.location import DB_NAME, Location, parse_location

__all__ = [
    "DB_NAME",
    "Location",
    "NotAWorkspace",
    "StorageError",
    "Unreachable",
    "WorkspaceBusy",
    "parse_location",
]
