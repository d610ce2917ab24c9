"""Legacy Excel (.xls, BIFF8) workbooks for the tests, written by hand.

No installed package writes .xls (xlwt is unmaintained and not a dependency), so this
writes the least a reader needs, as Excel 97-2003 lays it out: an OLE2 compound file
(512-byte sectors, one FAT sector, one directory sector) holding a ``Workbook`` stream of
BIFF8 records. The globals hold BOF, CODEPAGE (UTF-16), one BOUNDSHEET8 per sheet and EOF;
each sheet holds BOF, DIMENSIONS, a cell record per value and EOF. Text cells are LABEL
records (UTF-16 text), numbers NUMBER records, an ``XlsFormula`` a FORMULA record; there is
no formatting (every cell uses XF 0), so dates are written as text, as LinkedIn's page
exports hold them. The stream is padded to 4,096 bytes so it lives in ordinary sectors, as
Excel writes it; ``mini=True`` leaves it short, in the mini stream, as small files may.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SECTOR = 512
END_OF_CHAIN = 0xFFFFFFFE
FREE = 0xFFFFFFFF
FAT_SECTOR = 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    # BIFF8 (0x0600), substream kind (0x0005 globals, 0x0010 worksheet), build, year, flags
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _text(value: str, length_bytes: int) -> bytes:
    encoded = value.encode("utf-16-le")
    count = struct.pack("<B" if length_bytes == 1 else "<H", len(value))
    return count + b"\x01" + encoded  # flag 1: two bytes a character


@dataclass(frozen=True)
class XlsFormula:
    """A formula cell: its last result, and the formula ``=1+1`` (the tokens are not read)."""

    cached: float


def _cell(row: int, col: int, value: Any) -> bytes:
    if isinstance(value, XlsFormula):
        tokens = b"\x1e\x01\x00\x1e\x01\x00\x03"  # ptgInt 1, ptgInt 1, ptgAdd
        body = struct.pack("<HHHdHIH", row, col, 0, value.cached, 0, 0, len(tokens)) + tokens
        return _record(0x0006, body)
    if isinstance(value, bool):
        raise TypeError("booleans are not written")
    if isinstance(value, int | float):
        return _record(0x0203, struct.pack("<HHHd", row, col, 0, float(value)))
    return _record(0x0204, struct.pack("<HHH", row, col, 0) + _text(str(value), 2))


def _sheet(rows: Sequence[Sequence[Any]]) -> bytes:
    width = max((len(r) for r in rows), default=0)
    cells = b"".join(
        _cell(r, c, value)
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if value is not None and value != ""
    )
    dimensions = _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
    return _bof(0x0010) + dimensions + cells + _record(0x000A)


def workbook_stream(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    """The BIFF8 ``Workbook`` stream of the named sheets."""
    bodies = [_sheet(rows) for rows in sheets.values()]
    names = list(sheets)

    def globals_with(offsets: Sequence[int]) -> bytes:
        bound = b"".join(
            _record(0x0085, struct.pack("<IBB", at, 0, 0) + _text(name, 1))
            for at, name in zip(offsets, names, strict=True)
        )
        return _bof(0x0005) + _record(0x0042, struct.pack("<H", 1200)) + bound + _record(0x000A)

    size = len(globals_with([0] * len(names)))
    offsets = []
    for body in bodies:
        offsets.append(size)
        size += len(body)
    return globals_with(offsets) + b"".join(bodies)


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour black
        + struct.pack("<III", NO_STREAM, NO_STREAM, child)  # left, right, child
        + bytes(16 + 4 + 16)  # CLSID, state bits, created and modified times
        + struct.pack("<IQ", start, size)
    )


def xls_bytes(
    sheets: dict[str, Sequence[Sequence[Any]]] | Sequence[Sequence[Any]], *, mini: bool = False
) -> bytes:
    """An .xls workbook of ``sheets`` (name -> rows; a bare list of rows is one "Sheet1")."""
    named = sheets if isinstance(sheets, dict) else {"Sheet1": sheets}
    stream = workbook_stream(named)
    if mini and len(stream) >= 4096:
        raise ValueError("a stream in the mini stream is under 4,096 bytes")
    size = len(stream) if mini else max(4096, len(stream))
    stream = stream.ljust(size, b"\x00")
    mini_fat: list[int] = []
    if mini:  # 64-byte mini sectors, chained in the mini FAT, held in the root's stream
        count = -(-len(stream) // 64)
        mini_fat = [*range(1, count), END_OF_CHAIN]
        mini_fat += [FREE] * (SECTOR // 4 - len(mini_fat))
        stream = stream.ljust(count * 64, b"\x00")
    body = stream.ljust(-(-len(stream) // SECTOR) * SECTOR, b"\x00")
    count = len(body) // SECTOR
    first = 2 if mini else 1  # sector 0: the FAT; then the mini FAT; then the stream
    if first + count + 1 > SECTOR // 4:
        raise ValueError("a workbook this small writer holds is under 63 KB")
    directory_at = first + count
    fat = [FAT_SECTOR] + ([END_OF_CHAIN] if mini else [])
    fat += [*range(first + 1, first + count), END_OF_CHAIN, END_OF_CHAIN]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    header = (
        OLE_MAGIC
        + bytes(16)  # CLSID
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)  # versions, byte order, shifts
        + bytes(6)
        + struct.pack("<IIII", 0, 1, directory_at, 0)  # dir sectors, FAT sectors, first dir
        + struct.pack(
            "<IIIII", 0x1000, 1 if mini else END_OF_CHAIN, 1 if mini else 0, END_OF_CHAIN, 0
        )
        + struct.pack("<109I", 0, *([FREE] * 108))  # DIFAT: the one FAT sector
    )
    if mini:
        root = _entry("Root Entry", 5, 1, first, len(stream))
        book = _entry("Workbook", 2, NO_STREAM, 0, size)
    else:
        root = _entry("Root Entry", 5, 1, END_OF_CHAIN, 0)
        book = _entry("Workbook", 2, NO_STREAM, first, size)
    entries = root + book + _entry("", 0, NO_STREAM, 0, 0) * 2
    tables = struct.pack(f"<{len(fat)}I", *fat)
    if mini:
        tables += struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    return header + tables + body + entries
