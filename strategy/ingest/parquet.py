"""Parquet files: the footer read first (a truncated or damaged file refused by name), then
the columns a layout needs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

from strategy.domain.errors import ImportRejected
from strategy.ingest.file_kinds import PARQUET_MAGIC

PANDAS_INDEX: Final[re.Pattern[str]] = re.compile(r"__index_level_\d+__")


def parquet_footer(path: Path, label: str) -> pq.FileMetaData:
    """The parquet footer, or the reason the file is not a readable parquet file."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(max(size - 4, 0))
        tail = fh.read(4)
    if head != PARQUET_MAGIC:
        raise ImportRejected(f"{label}: not a parquet file")
    try:
        return pq.read_metadata(path)
    except (pa.ArrowException, OSError) as exc:
        if size < 12 or tail != PARQUET_MAGIC:
            raise ImportRejected(
                f"{label}: the parquet file is truncated (it ends before its footer); "
                "upload the complete file"
            ) from exc
        raise ImportRejected(f"{label}: the parquet file is damaged and cannot be read") from exc


def read_parquet_table(path: Path, label: str, columns: list[str]) -> pa.Table:
    """The named columns of a parquet file, validated in full (text that is not UTF-8 is
    refused here, not mid-validation)."""
    try:
        table = pq.read_table(path, columns=columns)
        table.validate(full=True)  # text that is not UTF-8 would fail later, mid-validation
        return table
    except (pa.ArrowException, OSError) as exc:
        raise ImportRejected(f"{label}: the parquet file is damaged and cannot be read") from exc
