"""Per-unit values of a mean test's arm (replies per post, minutes to first response), read
from a parquet or CSV file and summed up as the arm's units, mean and standard deviation.

The file has one column of numbers: the only column, or the one named ``value``. A value
that is not a finite number is refused naming its row (as a spreadsheet counts it: the
header is row 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from strategy.errors import ValidationError

VALUE_COLUMN = "value"


@dataclass(frozen=True)
class ArmSummary:
    """What a mean test stores of an arm: its units, their mean and standard deviation."""

    n: int
    mean: float
    sd: float


def _table(path: Path, label: str) -> pa.Table:
    try:
        if path.suffix.lower() == ".csv":
            return pacsv.read_csv(path)
        if path.suffix.lower() == ".parquet":
            return pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ValidationError(f"{label}: cannot be read ({exc})") from None
    raise ValidationError(f"{label}: expected a .parquet or .csv file of per-unit values")


def read_arm(path: Path | str, label: str | None = None) -> ArmSummary:
    """The arm's summary from a file of per-unit values; ValidationError names the file,
    the column or the row."""
    source = Path(path)
    name = label or source.name
    if not source.is_file():
        raise ValidationError(f"{name}: no such file")
    table = _table(source, name)
    columns = table.column_names
    if VALUE_COLUMN in columns:
        column = VALUE_COLUMN
    elif len(columns) == 1:
        column = columns[0]
    else:
        raise ValidationError(
            f"{name}: expected one column of per-unit values, or one named {VALUE_COLUMN!r}; "
            f"got {', '.join(columns)}"
        )
    values = table.column(column)
    if not (pa.types.is_integer(values.type) or pa.types.is_floating(values.type)):
        raise ValidationError(
            f"{name}: column {column!r}: expected numbers, got {values.type} values"
        )
    floats = values.cast(pa.float64()).to_numpy(zero_copy_only=False)
    bad = [i for i, v in enumerate(floats) if not math.isfinite(v)]
    if bad:
        raise ValidationError(
            f"{name}: column {column!r}, row {bad[0] + 2}: expected a number, got "
            f"{'nothing' if values[bad[0]].as_py() is None else floats[bad[0]]}"
        )
    n = len(floats)
    if n < 2:
        raise ValidationError(f"{name}: expected at least 2 units' values, got {n}")
    mean = float(pc.mean(values).as_py())
    sd = float(pc.stddev(values, ddof=1).as_py())
    return ArmSummary(n, mean, sd)
