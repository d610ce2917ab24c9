"""The imported files, kept under their content hash: in the folder, or in the database.

A folder workspace copies each file (parquet, CSV or xlsx, its original bytes; the name
keeps its historical ``.parquet`` ending) to ``files/<sha256>.parquet`` through a temporary name
and a rename before the upload row is written; a file no upload row points to is an orphan,
never read, and collected later. A database workspace writes the file's parts into
``stored_files`` in the same transaction as the upload row, so replicas share nothing but
the database and a killed import leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final, Protocol

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.errors import NotFound

FILES_DIR: Final = "files"
PART_BYTES: Final = 8 << 20
"""A database workspace stores a file in parts of this size (bounded memory per part)."""
ORPHAN_MIN_AGE_S: Final = 3600.0


def hash_file(path: Path) -> str:
    """The file's SHA-256, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FileStore(Protocol):
    """Where a workspace keeps the original bytes of its imported files."""

    def stage(self, source: Path, digest: str) -> None:
        """Before the upload's transaction: make the file durable if that happens outside it."""

    def keep(self, conn: Connection, source: Path, digest: str) -> None:
        """Inside the upload's transaction: store the file if that happens inside it."""

    def release(self, conn: Connection, digest: str) -> None:
        """Inside a removal's transaction: drop the file if no upload points to it any more."""

    def read_bytes(self, conn: Connection, digest: str) -> bytes:
        """The stored file's bytes."""

    def collect_orphans(self, referenced: Callable[[], set[str]], min_age_seconds: float) -> int:
        """Delete files no upload points to (``referenced()``: the hashes some upload holds);
        returns how many went."""


class FolderFiles:
    """``files/<sha256>.parquet`` beside the SQLite database."""

    def __init__(self, root: Path) -> None:
        self.dir = root / FILES_DIR

    def path(self, digest: str) -> Path:
        return self.dir / f"{digest}.parquet"

    def stage(self, source: Path, digest: str) -> None:
        target = self.path(digest)
        if target.exists():
            os.utime(target)  # fresh mtime: not collected as an orphan before it is registered
            return
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".incoming-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def keep(self, conn: Connection, source: Path, digest: str) -> None:
        return None  # staged already; the upload row makes it referenced

    def release(self, conn: Connection, digest: str) -> None:
        return None  # collected as an orphan after the removal commits

    def read_bytes(self, conn: Connection, digest: str) -> bytes:
        try:
            return self.path(digest).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"stored file {digest[:12]} is missing from {self.dir}") from None

    def collect_orphans(self, referenced: Callable[[], set[str]], min_age_seconds: float) -> int:
        """Only files older than ``min_age_seconds`` go: a younger one may belong to an
        import that another process is about to register."""
        known = referenced()
        removed = 0
        cutoff = time.time() - min_age_seconds
        for path in self.dir.iterdir():
            stem = path.name.removesuffix(".parquet")
            orphan = path.name.startswith(".incoming-") or (
                path.suffix == ".parquet" and stem not in known
            )
            with contextlib.suppress(FileNotFoundError):
                if orphan and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed


class DatabaseFiles:
    """The ``stored_files`` table: each file in parts of PART_BYTES, keyed by its hash."""

    def stage(self, source: Path, digest: str) -> None:
        return None  # written inside the transaction

    def keep(self, conn: Connection, source: Path, digest: str) -> None:
        if conn.execute(
            text("SELECT 1 FROM stored_files WHERE sha256 = :d LIMIT 1"), {"d": digest}
        ).first():
            return
        insert = text("INSERT INTO stored_files(sha256, part, data) VALUES (:d, :p, :data)")
        with source.open("rb") as src:
            for part, data in enumerate(iter(lambda: src.read(PART_BYTES), b"")):
                conn.execute(insert, {"d": digest, "p": part, "data": data})

    def release(self, conn: Connection, digest: str) -> None:
        conn.execute(
            text(
                "DELETE FROM stored_files WHERE sha256 = :d "
                "AND NOT EXISTS (SELECT 1 FROM uploads WHERE sha256 = :d)"
            ),
            {"d": digest},
        )

    def read_bytes(self, conn: Connection, digest: str) -> bytes:
        parts = conn.execute(
            text("SELECT data FROM stored_files WHERE sha256 = :d ORDER BY part"), {"d": digest}
        ).all()
        if not parts:
            raise NotFound(f"stored file {digest[:12]} is missing from the database")
        return b"".join(bytes(p[0]) for p in parts)

    def collect_orphans(self, referenced: Callable[[], set[str]], min_age_seconds: float) -> int:
        return 0  # a file and its upload row are written and removed in one transaction
