"""Where a workspace lives: a folder (SQLite, the embedded default) or a PostgreSQL URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from strategy.domain.errors import ValidationError

DB_NAME: Final = "workspace.sqlite"
"""The database file inside a folder workspace."""
POSTGRES_SCHEMES: Final = ("postgresql://", "postgres://", "postgresql+psycopg://")


@dataclass(frozen=True)
class Location:
    """A parsed workspace location; ``folder`` is set for SQLite folders, else None."""

    url: URL
    folder: Path | None

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.url.get_backend_name()

    @property
    def key(self) -> str:
        """The location as a string that opens it again (password included): cache keys."""
        return str(self.folder) if self.folder else self.url.render_as_string(hide_password=False)

    def __str__(self) -> str:
        """The location as messages and the sidebar name it: the folder (``~/...`` when it is
        in the user's home), or the URL without its password."""
        if self.folder:
            home = Path.home()
            if self.folder.is_relative_to(home) and self.folder != home:
                return f"~/{self.folder.relative_to(home).as_posix()}"
            return str(self.folder)
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)


def parse_location(raw: str | os.PathLike[str] | Location) -> Location:
    """A folder path or a ``postgresql://`` URL; anything else with a scheme is refused."""
    if isinstance(raw, Location):
        return raw
    text = os.fspath(raw).strip() if isinstance(raw, str | os.PathLike) else None
    if not text:
        raise ValidationError(f"workspace: expected a folder or a postgresql:// URL, got {raw!r}")
    if "://" not in text:
        folder = Path(text).expanduser().resolve()
        return Location(URL.create("sqlite", database=str(folder / DB_NAME)), folder)
    if not text.lower().startswith(POSTGRES_SCHEMES):
        scheme = text.split("://", 1)[0]
        raise ValidationError(
            f"workspace: {scheme}:// is not a workspace location; expected a folder "
            "or a postgresql://user:password@host:port/database URL"
        )
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise ValidationError(f"workspace: {exc}") from None
    if not url.database:
        raise ValidationError(
            "workspace: the PostgreSQL URL names no database; expected "
            "postgresql://user:password@host:port/database"
        )
    return Location(url.set(drivername="postgresql+psycopg"), None)
