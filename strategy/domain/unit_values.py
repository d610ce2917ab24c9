"""Per-unit values of a mean test's arm (replies per post, minutes to first response), read
from a parquet or CSV file and summed up as the arm's units, mean and standard deviation.

The file has one column of numbers: the only column, or the one named ``value``. A value
that is not a finite number is refused naming its row (as a spreadsheet counts it: the
header is row 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from strategy.domain.errors import ValidationError
from strategy.domain.limits import finite_number

VALUE_COLUMN = "value"


@dataclass(frozen=True)
class ArmSummary:
    """What a mean test stores of an arm: its units, their mean and standard deviation."""

    n: int
    mean: float
    sd: float


def _table(source: Path | pa.BufferReader, label: str) -> pa.Table:
    suffix = Path(label).suffix.lower()
    try:
        if suffix == ".csv":
            return pacsv.read_csv(source)
        if suffix == ".parquet":
            return pq.read_table(source)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ValidationError(f"{label}: cannot be read ({exc})") from None
    raise ValidationError(f"{label}: expected a .parquet or .csv file of per-unit values")


def read_arm(source: Path | str | bytes, label: str | None = None) -> ArmSummary:
    """The arm's summary from a file of per-unit values (a path, or an upload's bytes with
    its file name as ``label``); ValidationError names the file, the column or the row."""
    if isinstance(source, bytes):
        name = label or "values"
        table = _table(pa.BufferReader(source), name)
    else:
        path = Path(source)
        name = label or path.name
        if not path.is_file():
            raise ValidationError(f"{name}: no such file")
        table = _table(path, name)
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
    raw = table.column(column).to_pylist()
    floats = [_number(v) for v in raw]
    for row, (given, value) in enumerate(zip(raw, floats, strict=True), start=2):
        if value is None:
            shown = "nothing" if given is None or str(given).strip() == "" else repr(given)
            raise ValidationError(
                f"{name}: column {column!r}, row {row}: expected a number, got {shown}"
            )
    numbers = pa.array(floats, type=pa.float64())
    n = len(numbers)
    if n < 2:
        raise ValidationError(f"{name}: expected at least 2 units' values, got {n}")
    mean = float(pc.mean(numbers).as_py())
    sd = float(pc.stddev(numbers, ddof=1).as_py())
    return ArmSummary(n, mean, sd)


def _number(raw: object) -> float | None:
    """A per-unit value as a finite number, from a number or a number's text."""
    if isinstance(raw, bool) or raw is None:
        return None
    value = finite_number(raw.strip() if isinstance(raw, str) else raw)
    return value
