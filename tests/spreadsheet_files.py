"""CSV, xlsx and xls files for the tests, from rows or from the arrow table a parquet file holds.

The app only reads workbooks, so no writer library is installed: ``xlsx_bytes`` writes what
Excel writes for plain data (a row of cells per list, text inline, dates as serial numbers
with a date format, characters XML cannot hold as Excel's ``_xHHHH_`` escapes; a ``Formula``
as a formula cell, with or without its cached result).
``as_format`` renders one table as parquet, CSV or xlsx, so the same content can be imported
in each: dates as ISO text in CSV and as date cells in xlsx, NaN and infinities as text in
xlsx (a cell cannot hold them as numbers), time zones converted to UTC in xlsx (a cell has
none).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyarrow as pa
import pyarrow.parquet as pq

from tests.xls_files import xls_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
DATE_STYLE, DATETIME_STYLE = 1, 2
"""Indexes into cellXfs: built-in number formats 14 (a date) and 22 (a date and time)."""

Rows = Sequence[Sequence[Any]]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Formula:
    """A formula cell, as Excel writes it: the formula without its ``=``, and the result it
    last calculated (``cached``), or none when the workbook was saved uncalculated."""

    text: str
    cached: float | str | None = None


def _cell(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        formula = f"<f>{escape(value.text)}</f>"
        if value.cached is None:
            return f'<c r="{ref}">{formula}</c>'
        if isinstance(value.cached, str):
            return f'<c r="{ref}" t="str">{formula}<v>{escape(value.cached)}</v></c>'
        return f'<c r="{ref}">{formula}<v>{value.cached!r}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value - EXCEL_EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        serial = (dt.datetime.combine(value, dt.time()) - EXCEL_EPOCH).days
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{serial}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = _xml_text(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def _xml_text(text: str) -> str:
    """Text for an XML text node: escaped, carriage returns kept, what XML cannot hold (and
    an underscore that would read as an escape) written as Excel's _xHHHH_ escapes."""
    text = _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return escape(text).replace("\r", "&#13;")


def _sheet(rows: Rows, first_row: int) -> str:
    body = []
    for n, row in enumerate(rows, start=first_row):
        cells = "".join(_cell(f"{column_letter(i)}{n}", v) for i, v in enumerate(row))
        body.append(f'<row r="{n}">{cells}</row>')
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(body)}</sheetData></worksheet>'


def xlsx_bytes(
    sheets: dict[str, Rows] | Rows, *, hidden: Sequence[str] = (), first_row: int = 1
) -> bytes:
    """A workbook of ``sheets`` (name -> rows; a bare list of rows is one sheet "Sheet1").

    ``hidden`` names sheets to hide; ``first_row`` is the row number the first row lands on.
    """
    named = sheets if isinstance(sheets, dict) else {"Sheet1": sheets}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

        class Parts:  # every part dated 1980-01-01: the same rows make the same bytes
            @staticmethod
            def writestr(name: str, text: str) -> None:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                archive.writestr(info, text, compress_type=zipfile.ZIP_DEFLATED)

        z = Parts()
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(named) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"'
            + (' state="hidden"' if name in hidden else "")
            + "/>"
            for i, name in enumerate(named, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(named) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_REL}">{rels}<Relationship Id="rIdStyles" '
            f'Type="{REL}/styles" Target="styles.xml"/></Relationships>',
        )
        z.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts>'
            '<fills count="1"><fill/></fills><borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/>'
            "</cellXfs></styleSheet>",
        )
        for i, rows in enumerate(named.values(), start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet(rows, first_row))
    return out.getvalue()


# --- one table in each format -------------------------------------------------------------


FORMATS = ("parquet", "csv", "xlsx", "xls")
SUFFIX = {"parquet": ".parquet", "csv": ".csv", "xlsx": ".xlsx", "xls": ".xls"}


def table_rows(table: pa.Table) -> list[list[Any]]:
    """The header and the rows of a table, as Python values."""
    columns = [c.to_pylist() for c in table.columns]
    return [list(table.schema.names), *(list(r) for r in zip(*columns, strict=True))]


def csv_text(value: Any) -> str:
    """A cell as CSV text: ISO dates (with the offset of a zoned time), repr'd numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_bytes(rows: Rows, *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """Rows as CSV, lines ending in \\n; a cell holding the delimiter, a quote or a line
    break (\\r too, which Python's csv module leaves bare with \\n line ends) is quoted."""

    def cell(value: Any) -> str:
        text = value if isinstance(value, str) else csv_text(value)
        if any(c in text for c in (delimiter, '"', "\r", "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = (delimiter.join(cell(v) for v in row) + "\n" for row in rows)
    return "".join(lines).encode(encoding)


def xlsx_cell(value: Any) -> Any:
    """A value as a cell holds it: no NaN, infinity or time zone; decimals as numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, bytes | list | dict):
        return repr(value)
    return value


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())


def xls_cell(value: Any) -> Any:
    """A value as the tests' .xls writer holds it: numbers, else text (ISO dates)."""
    value = xlsx_cell(value)
    if isinstance(value, bool | dt.date):
        return csv_text(value)
    return value


def as_format(table: pa.Table, fmt: str) -> bytes:
    """The table as a parquet, CSV, xlsx or xls file's bytes."""
    if fmt == "parquet":
        return parquet_bytes(table)
    rows = table_rows(table)
    if fmt == "csv":
        return csv_bytes(rows)
    if fmt == "xls":
        return xls_bytes([[xls_cell(v) for v in row] for row in rows])
    return xlsx_bytes([[xlsx_cell(v) for v in row] for row in rows])
