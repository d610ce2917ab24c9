"""Formula cells of an xlsx sheet, found in its XML: calamine gives a formula's cached
result, so a sheet holding one is refused, naming the cell."""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import Final
from xml.etree import ElementTree
from xml.parsers import expat

from strategy.domain.errors import ImportRejected, shortened

_XML_CHUNK: Final[int] = 1 << 20


_F_TAG: Final[re.Pattern[bytes]] = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?f[\s/>]")
"""The start of an ``f`` (formula) element, with or without a namespace prefix."""


_F_TAG_OVERLAP: Final[int] = 40


def refuse_formulas(path: Path, sheet: str, label: str) -> None:
    """Refuse a sheet holding a formula cell, naming the first one (``B7``).

    calamine gives a formula's cached result (or nothing, when the file was never
    calculated): what a spreadsheet would show now, which may not be what the file means.
    Only values are imported, so the person who knows the workbook replaces the formulas.
    """
    damaged = ImportRejected(
        f"{label}: sheet {sheet!r} is damaged and cannot be read; save it again from Excel"
    )
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                raise damaged
            if not _may_hold_formulas(archive, part):
                return
            found = _first_formula(archive, part)
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        raise damaged from None
    except (KeyError, NotImplementedError, RuntimeError):  # a part missing, odd, encrypted
        raise damaged from None
    if found is not None:
        raise formula_refusal(label, sheet, *found)


def formula_refusal(label: str, sheet: str, cell: str, formula: str = "") -> ImportRejected:
    """The refusal of a sheet holding a formula cell (xlsx or xls): the cell, the formula
    when known, and how to keep only the values."""
    shown = f" (={shortened(formula, 60)})" if formula else ""
    return ImportRejected(
        f"{label}: sheet {sheet!r} cell {cell} holds a formula{shown}, and formulas are "
        "not imported; replace the formulas with their values (e.g. Copy, then Paste "
        "Special > Values) and upload again"
    )


def _local(tag: str) -> str:
    """An XML name without its namespace (strict and transitional OOXML alike)."""
    return tag.rpartition("}")[2]


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The archive member holding the named sheet's cells, by ``xl/workbook.xml`` and its
    relationships; None when the workbook does not say."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return None
    rel_id = next(
        (
            value
            for element in workbook.iter()
            if _local(element.tag) == "sheet" and element.get("name") == sheet
            for key, value in element.attrib.items()
            if _local(key) == "id"
        ),
        None,
    )
    target = next(
        (
            element.get("Target", "")
            for element in rels.iter()
            if _local(element.tag) == "Relationship" and element.get("Id") == rel_id
        ),
        None,
    )
    if rel_id is None or not target:
        return None
    part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    part = posixpath.normpath(part)
    return part if part in archive.namelist() else None


def _may_hold_formulas(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML holds an ``f`` element at all: a quick scan of the bytes, so
    a large sheet without formulas is not parsed element by element."""
    tail = b""
    with archive.open(part) as stream:
        for chunk in iter(lambda: stream.read(_XML_CHUNK), b""):
            text = tail + chunk
            if (b"<f" in text or b":f" in text) and _F_TAG.search(text):
                return True
            tail = chunk[-_F_TAG_OVERLAP:]
    return False


class _FormulaFound(Exception):
    """Stops the parse at the first formula cell: (cell, formula text)."""


def _first_formula(archive: zipfile.ZipFile, part: str) -> tuple[str, str] | None:
    """The first cell (``B7``) with a formula (an ``f`` element in a ``c``) and its text.

    expat's callbacks keep no tree, so memory stays flat however long the sheet is.
    """
    row, column = 0, 0
    cell: str | None = None  # the cell being read, inside sheetData
    in_data = False
    formula: list[str] | None = None

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, column, cell, in_data, formula
        name = _local(tag)
        if name == "sheetData":
            in_data = True
        elif not in_data:
            return
        elif name == "row":
            row, column = int(attrs.get("r") or row + 1), 0
        elif name == "c":
            ref = attrs.get("r")
            column = _column_number(ref) if ref else column + 1
            cell = ref or f"{column_letters(column)}{row}"
        elif name == "f" and cell is not None:
            formula = []

    def end(tag: str) -> None:
        nonlocal cell, in_data
        name = _local(tag)
        if name == "f" and formula is not None and cell is not None:
            raise _FormulaFound(cell, "".join(formula).strip())
        if name == "c":
            cell = None
        elif name == "sheetData":
            in_data = False

    def text(data: str) -> None:
        if formula is not None:
            formula.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with archive.open(part) as stream:
            parser.ParseFile(stream)
    except _FormulaFound as found:
        return found.args[0], found.args[1]
    return None


def _column_number(ref: str) -> int:
    """``B7`` -> 2 (A is 1)."""
    number = 0
    for char in ref:
        if not char.isalpha():
            break
        number = number * 26 + ord(char.upper()) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    """2 -> ``B``, 27 -> ``AA``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
