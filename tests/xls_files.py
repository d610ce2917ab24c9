"""Legacy Excel (.xls, BIFF8) workbooks for the tests, written by hand.

No installed package writes .xls (xlwt is unmaintained and not a dependency), so this
writes the least a reader needs, as Excel 97-2003 lays it out: an OLE2 compound file
(512-byte sectors, one FAT sector, one directory sector) holding a ``Workbook`` stream of
BIFF8 records. The globals hold BOF, CODEPAGE (UTF-16), one BOUNDSHEET8 per sheet and EOF;
each sheet holds BOF, DIMENSIONS, a cell record per value and EOF. Text cells are LABEL
records (UTF-16 text), numbers NUMBER records; there is no formatting (every cell uses XF 0),
so dates are written as text, as LinkedIn's page exports hold them. The stream is padded to
4,096 bytes so it lives in ordinary sectors, not the mini stream.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
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


def _cell(row: int, col: int, value: Any) -> bytes:
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
    stream = globals_with(offsets) + b"".join(bodies)
    return stream.ljust(max(4096, len(stream)), b"\x00")


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour black
        + struct.pack("<III", NO_STREAM, NO_STREAM, child)  # left, right, child
        + bytes(16 + 4 + 16)  # CLSID, state bits, created and modified times
        + struct.pack("<IQ", start, size)
    )


def xls_bytes(sheets: dict[str, Sequence[Sequence[Any]]] | Sequence[Sequence[Any]]) -> bytes:
    """An .xls workbook of ``sheets`` (name -> rows; a bare list of rows is one "Sheet1")."""
    named = sheets if isinstance(sheets, dict) else {"Sheet1": sheets}
    stream = workbook_stream(named)
    stream = stream.ljust(-(-len(stream) // SECTOR) * SECTOR, b"\x00")
    count = len(stream) // SECTOR
    if count + 2 > SECTOR // 4:
        raise ValueError("a workbook this small writer holds is under 63 KB")
    # sector 0: the FAT; sectors 1..count: the Workbook stream; then the directory
    directory_at = count + 1
    fat = [FAT_SECTOR, *range(2, count + 1), END_OF_CHAIN, END_OF_CHAIN]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    header = (
        OLE_MAGIC
        + bytes(16)  # CLSID
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)  # versions, byte order, shifts
        + bytes(6)
        + struct.pack("<IIII", 0, 1, directory_at, 0)  # dir sectors, FAT sectors, first dir
        + struct.pack("<IIIII", 0x1000, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
        + struct.pack("<109I", 0, *([FREE] * 108))  # DIFAT: the one FAT sector
    )
    entries = (
        _entry("Root Entry", 5, 1, END_OF_CHAIN, 0)
        + _entry("Workbook", 2, NO_STREAM, 1, len(workbook_stream(named)))
        + _entry("", 0, NO_STREAM, 0, 0) * 2
    )
    return header + struct.pack(f"<{len(fat)}I", *fat) + stream + entries
