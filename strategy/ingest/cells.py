"""What a column of cells holds, read the one way every reader reads it: text, blank,
numbers (with thousands separators), cell by cell or as arrow columns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def value_type(t: pa.DataType) -> pa.DataType:
    """The type of the values of a column, looking through dictionary encoding."""
    return t.value_type if pa.types.is_dictionary(t) else t


def is_text(t: pa.DataType) -> bool:
    """Whether a column holds strings (dictionary-encoded ones too)."""
    t = value_type(t)
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def blank_rows(columns: Sequence[Any]) -> Any:
    """Per row, whether every cell of ``columns`` is missing or blank (a numpy bool array)."""
    blank: Any = None
    for column in columns:
        if pa.types.is_null(column.type):
            continue
        empty = pc.is_null(column)
        if is_text(column.type):
            empty = pc.or_(empty, pc.equal(pc.utf8_trim_whitespace(column), ""))
        empty = pc.fill_null(empty, True)
        blank = empty if blank is None else pc.and_(blank, empty)
    if blank is None:
        return np.ones(len(columns[0]) if columns else 0, dtype=bool)
    return np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)


THOUSANDS: Final[str] = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$"
"""A number with commas between groups of three digits (``15,000``, ``1,573.5``), or none."""


def as_numbers(column: pa.Array, *, thousands: bool = False) -> pa.Array:
    """Text that is all numbers (or blank) as float64; any other text is left for the checks.

    With ``thousands`` (a comma-separated CSV file, where a comma inside a quoted number
    cannot be a decimal comma), a column whose every number matches ``THOUSANDS`` is read
    with its commas taken out. ``1,5`` matches nothing, so the column stays text and is
    refused by the checks, naming the cell.
    """
    trimmed = pc.utf8_trim_whitespace(column)
    values = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    try:
        return pc.cast(values, pa.float64())
    except pa.ArrowInvalid:
        pass
    if thousands and pc.all(pc.match_substring_regex(values, THOUSANDS)).as_py() is not False:
        try:
            return pc.cast(pc.replace_substring(values, ",", ""), pa.float64())
        except pa.ArrowInvalid:
            return column
    return column


_THOUSANDS: Final[re.Pattern[str]] = re.compile(THOUSANDS)


def number(raw: Any) -> float | None:
    """A cell as a number: ``15,000`` is 15000; a blank, ``-`` or text is None."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw).strip().replace("\u00a0", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None
