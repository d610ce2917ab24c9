"""How large a file may be: the import limit (``ROLLOUT_MAX_IMPORT_MB``) checked before a file
is read, and the limit on long and wide data, which is loaded whole."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from strategy.domain.errors import ImportRejected, ValidationError

MAX_TABLE_BYTES: Final[int] = 1 << 30
"""Long and wide files are loaded whole; beyond this uncompressed size they are refused."""


MAX_IMPORT_BYTES: Final[int] = 1 << 30
"""Files larger than this (1 GiB) are refused before they are read."""


MAX_IMPORT_ENV: Final[str] = "ROLLOUT_MAX_IMPORT_MB"
"""Environment variable that overrides ``MAX_IMPORT_BYTES``, in megabytes (MiB)."""


def max_import_bytes() -> int:
    """The largest file accepted: ``MAX_IMPORT_BYTES`` unless ``ROLLOUT_MAX_IMPORT_MB`` is set."""
    raw = os.environ.get(MAX_IMPORT_ENV, "").strip()
    if not raw:
        return MAX_IMPORT_BYTES
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < float("inf"):
        raise ValidationError(
            f"{MAX_IMPORT_ENV}: expected a positive number of megabytes, got {raw!r}"
        )
    return max(1, int(megabytes * 2**20))


def _size(n: int) -> str:
    """A size in words: MB from a tenth of one, else bytes."""
    return f"{n / 2**20:,.1f} MB" if n >= 2**20 // 10 else f"{n:,} bytes"


def check_file(path: Path, label: str) -> None:
    """Refuse a missing or empty file, or one over the size limit, before it is read."""
    if not path.is_file():
        raise ImportRejected(f"{label}: file not found")
    size = path.stat().st_size
    if size == 0:
        raise ImportRejected(f"{label}: the file is empty (0 bytes)")
    limit = max_import_bytes()
    if size > limit:
        raise ImportRejected(
            f"{label}: the file is {_size(size)}, more than the {_size(limit)} accepted; "
            "split it into smaller files"
        )


def check_table_size(size: int, layout: str, label: str) -> None:
    """Refuse long or wide data larger than ``MAX_TABLE_BYTES``, before it is loaded."""
    if size > MAX_TABLE_BYTES:
        raise ImportRejected(
            f"{label}: {size / 2**20:.0f} MB of {layout}-layout data is more than the "
            f"{MAX_TABLE_BYTES / 2**20:.0f} MB accepted; split the file or upload events"
        )
