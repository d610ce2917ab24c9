"""Which kind of file a metrics file is: parquet, CSV, xlsx or xls, by its name or content."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Final

from strategy.domain.errors import ImportRejected


class FileKind(StrEnum):
    """The kinds of metrics file read: the name ending each has, or its first bytes."""

    PARQUET = "parquet"
    CSV = "csv"
    XLSX = "xlsx"
    XLS = "xls"


SUFFIXES: Final[dict[str, FileKind]] = {f".{kind}": kind for kind in FileKind}
"""File name endings (``.parquet``, ``.csv``, ``.xlsx``, ``.xls``) and the kind each names."""


PARQUET_MAGIC: Final[bytes] = b"PAR1"
ZIP_MAGIC: Final[bytes] = b"PK\x03\x04"
OLE_MAGIC: Final[bytes] = b"\xd0\xcf\x11\xe0"


def file_kind(path: Path, label: str) -> FileKind:
    """ "parquet", "csv", "xlsx" or "xls": by the path's ending, else the name's, else the
    content.

    A file whose name says neither and that is not parquet, a zip archive or an OLE2
    compound file (Excel 97-2003) is refused.
    """
    for name in (path.name, label):
        kind = SUFFIXES.get(Path(name.strip()).suffix.lower())
        if kind:
            return kind
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == PARQUET_MAGIC:
        return FileKind.PARQUET
    if head == ZIP_MAGIC:
        return FileKind.XLSX
    if head == OLE_MAGIC:
        return FileKind.XLS
    raise ImportRejected(
        f"{label}: not a parquet file, and the name does not end in .csv, .xlsx or .xls; "
        "name a CSV file .csv and an Excel workbook .xlsx (or .xls for Excel 97-2003)"
    )
