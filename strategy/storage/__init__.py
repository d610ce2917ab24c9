"""Storage: where a workspace lives and how it is read and written.

``location`` parses a folder or a PostgreSQL URL, ``database`` holds engines, transactions
and failures in words, ``schema`` the numbered migrations, ``files`` the imported files,
``audit`` the audit log, and ``workspace`` the reads and writes the app and CLI make.
"""

from strategy.storage.database import NotAWorkspace, StorageError, Unreachable, WorkspaceBusy
from strategy.storage.location import DB_NAME, Location, parse_location
from strategy.storage.workspace import Saved, Workspace

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
