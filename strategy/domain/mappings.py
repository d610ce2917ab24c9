"""A saved mapping of a file that is neither a known export nor a layout, as a value.

The social expert says once what such a file's columns are: its platform, its date column
and the date's format, and for every other column the metric it holds with its weekly
aggregation, or that it is ignored. This module holds that value and how it is stored; the
checks of a new mapping and its reading as an export declaration are the importer's
(``strategy.ingest.mappings``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from strategy.domain.errors import ValidationError
from strategy.domain.metrics import Agg


@dataclass(frozen=True)
class ColumnChoice:
    """What one column of a mapped file holds: a metric and its weekly aggregation (None:
    by the metric's name), or nothing (``metric`` None)."""

    column: str
    metric: str | None
    aggregation: Agg | None = None


@dataclass(frozen=True)
class FileMapping:
    """A file's header and what each of its columns is; ``name`` is how it is referred to."""

    name: str
    header: tuple[str, ...]
    platform: str
    date: str
    date_format: str
    """As a header states a format (``DD/MM/YYYY``, ``MMM D, YYYY``); empty for ISO dates."""
    columns: tuple[ColumnChoice, ...]
    source: str = ""
    """A column naming each row's traffic source (a web-analytics export's ``Session source
    / medium``), whose values say the platform; empty: the whole file is ``platform``'s."""
    sources: tuple[tuple[str, str], ...] = ()
    """(source value, platform) pairs: a row whose source is one of them (the whole value,
    ``instagram.com / referral``, or its source before `` / ``, ``instagram.com``) counts
    for that platform; any other row is not social and left out."""

    @property
    def aggregations(self) -> dict[str, Agg]:
        """The metrics whose weekly aggregation the mapping chose over their name's rule."""
        return {c.metric: c.aggregation for c in self.columns if c.metric and c.aggregation}


def mappings_to_dict(mappings: Mapping[str, FileMapping]) -> dict[str, dict[str, Any]]:
    """Mappings as stored: name -> header, platform, date, format and columns."""
    return {
        m.name: {
            "header": list(m.header),
            "platform": m.platform,
            "date": m.date,
            "date_format": m.date_format,
            "columns": [
                [c.column, c.metric, c.aggregation.value if c.aggregation else None]
                for c in m.columns
            ],
            **({"source": m.source, "sources": [list(p) for p in m.sources]} if m.source else {}),
        }
        for _, m in sorted(mappings.items())
    }


def mappings_from_dict(raw: Mapping[str, Any]) -> dict[str, FileMapping]:
    """Stored mappings, read back."""
    return {
        str(name): FileMapping(
            str(name),
            tuple(m["header"]),
            str(m["platform"]),
            str(m["date"]),
            str(m["date_format"]),
            tuple(ColumnChoice(c, metric, Agg(a) if a else None) for c, metric, a in m["columns"]),
            str(m.get("source", "")),
            tuple((str(v), str(p)) for v, p in m.get("sources", ())),
        )
        for name, m in raw.items()
    }


def pair(text: str, field: str, form: str) -> tuple[str, str]:
    """``A=B`` as (A, B), the last ``=`` splitting them; refused naming ``field``."""
    left, sep, right = str(text).rpartition("=")
    if not sep or not left.strip() or not right.strip():
        raise ValidationError(f"{field}: expected {form}, got {text!r}")
    return left.strip(), right.strip()


SOURCE_FORM = "a source value = platform, such as instagram.com = instagram"


def source_lines(text: str) -> dict[str, str]:
    """A mapping's sources as typed on the Upload page: one ``value = platform`` a line,
    blank lines skipped; a line without both is refused naming it."""
    lines = enumerate(str(text or "").splitlines(), start=1)
    return dict(pair(line, f"sources, line {n}", SOURCE_FORM) for n, line in lines if line.strip())
