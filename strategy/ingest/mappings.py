"""A mapping for a file that is neither a known export nor a layout: made once, remembered.

The social expert says once what such a file's columns are: its platform, its date column
and the date's format, and for every other column the metric it holds (a canonical one or
a new name) with its weekly aggregation, or that it is ignored. The mapping is saved in the
workspace under the file's header, its signature, and read as one more ``Export``
declaration (``strategy.ingest.exports``): the next file with the same header is recognised and
imported as the first was, and says which mapping read it.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingOf
from collections.abc import Sequence
from typing import Any, Final

from strategy.domain.errors import ValidationError
from strategy.domain.formulas import formula_prefix_problem

# the mapping values are the domain's; re-exported for the callers that import them from here
from strategy.domain.mappings import ColumnChoice as ColumnChoice
from strategy.domain.mappings import FileMapping as FileMapping
from strategy.domain.mappings import mappings_from_dict as mappings_from_dict
from strategy.domain.mappings import mappings_to_dict as mappings_to_dict
from strategy.domain.metrics import (
    DERIVED_NAMES,
    RESERVED_NAMES,
    Agg,
    normalise_name,
    platform_name,
    show_name,
)
from strategy.ingest.dates import date_format as read_date_format
from strategy.ingest.exports import Column, Export, header_name

IGNORE: Final[str] = "ignore"
"""A column's choice that leaves it out."""
BY_NAME: Final[str] = "by its name"
"""A column's aggregation left to the rule of ``strategy.domain.metrics.aggregation_rule``."""
AGGREGATION_CHOICES: Final[tuple[str, ...]] = (BY_NAME, *(a.value for a in Agg))

MAX_NAME: Final[int] = 60


def as_export(mapping: FileMapping) -> Export:
    """The mapping as one more export declaration: recognised by its whole header."""
    stated = read_date_format(mapping.date_format) if mapping.date_format else None
    return Export(
        key=f"mapping:{mapping.name}",
        title=f"mapping {mapping.name!r}",
        signature=mapping.header,
        date=mapping.date,
        date_format=stated.code if stated else None,
        columns={
            c.column: Column(c.metric) if c.metric else Column(None, "ignored by the mapping")
            for c in mapping.columns
        },
        platform=mapping.platform or None,
        aggregations=mapping.aggregations,
        exact=True,
        platform_column=mapping.source or None,
        platform_values={header_name(v): p for v, p in mapping.sources},
    )


def chosen_aggregations(layout: str, mappings: MappingOf[str, FileMapping]) -> dict[str, Agg]:
    """The aggregations a saved mapping chose, for an upload it read (its layout names the
    mapping, ``mapping 'stats'``); empty for any other upload."""
    found = next((m for m in mappings.values() if as_export(m).title == layout), None)
    return found.aggregations if found else {}


def check_mapping(
    name: Any,
    header: Sequence[Any],
    platform: Any,
    date: Any,
    date_format: Any,
    columns: MappingOf[str, tuple[Any, Any]],
    source: Any = None,
    sources: MappingOf[str, Any] | None = None,
) -> FileMapping:
    """A mapping from the Upload page's form, or ValidationError naming the field.

    ``columns``: each column's (metric or ``IGNORE``, aggregation or ``BY_NAME``).
    ``source`` names a column whose values say each row's platform, by ``sources`` (source
    value -> platform: ``{"instagram.com": "instagram"}``); rows of other sources are left
    out. Without it the whole file is ``platform``'s.
    """
    label = " ".join(str(name or "").split())
    if not label or len(label) > MAX_NAME or not label.isprintable():
        raise ValidationError(
            f"mapping name: expected a name of 1 to {MAX_NAME} characters, got {name!r}"
        )
    names = tuple(header_name(h) for h in header)
    if len(set(names)) != len(names) or "" in names:
        raise ValidationError("header: every column needs a name of its own to be mapped")
    day = header_name(date)
    if day not in names:
        raise ValidationError(f"date column: expected one of the file's columns, got {date!r}")
    stated = str(date_format or "").strip()
    if stated and read_date_format(stated) is None:
        raise ValidationError(
            f"date format: {stated!r} is not one this reads; write it as DD/MM/YYYY, "
            "MM/DD/YYYY, MMM D, YYYY or ddd, MMM D, YYYY (empty: ISO dates, 2026-03-02)"
        )
    chosen = tuple(_column(header_name(c), m, a) for c, (m, a) in columns.items())
    unknown = [c.column for c in chosen if c.column not in names]
    if unknown:
        raise ValidationError(f"column {unknown[0]!r}: not a column of the file")
    metrics = [c.metric for c in chosen if c.metric]
    if not metrics:
        raise ValidationError("columns: map at least one column to a metric")
    twice = {m for m in metrics if metrics.count(m) > 1}
    if twice:
        raise ValidationError(f"metric {sorted(twice)[0]!r}: two columns map to it; keep one")
    if source:
        by_source = _sources(header_name(source), names, sources or {}, chosen)
        return FileMapping(label, names, "", day, stated, chosen, *by_source)
    return FileMapping(label, names, platform_name(platform), day, stated, chosen)


def _sources(
    column: str,
    names: Sequence[str],
    sources: MappingOf[str, Any],
    chosen: Sequence[ColumnChoice],
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The source column and its (value, platform) pairs, checked."""
    if column not in names:
        raise ValidationError(f"source column: expected one of the file's columns, got {column!r}")
    if any(c.column == column and c.metric for c in chosen):
        raise ValidationError(f"source column {column!r}: it names platforms, not a metric")
    pairs = tuple((header_name(v), platform_name(p)) for v, p in sources.items())
    if not pairs or any(not v for v, _ in pairs):
        raise ValidationError(
            f"sources: expected which values of column {column!r} are which platform, "
            "e.g. instagram.com=instagram"
        )
    return column, pairs


def default_metric(column: str) -> str:
    """What the mapping form offers for a column: its own name as a metric is named, or
    nothing (ignored) where that name is one the weekly table computes or uses itself, or
    would run as a formula in a spreadsheet, which ``check_mapping`` would refuse."""
    name = normalise_name(column)
    taken = name in RESERVED_NAMES or name in DERIVED_NAMES
    return "" if taken or formula_prefix_problem(name) is not None else name


def _column(column: str, metric: Any, aggregation: Any) -> ColumnChoice:
    """One column's choice, checked by the rules metric names follow everywhere."""
    raw = str(metric or "").strip()
    if not raw or raw.lower() == IGNORE:
        return ColumnChoice(column, None)
    name = normalise_name(raw)
    where = f"column {column!r}: metric {show_name(name)}"
    if name in RESERVED_NAMES or name in DERIVED_NAMES:
        raise ValidationError(f"{where} is a name the weekly table computes or uses itself")
    if (problem := formula_prefix_problem(name)) is not None:
        raise ValidationError(f"{where} {problem}")
    choice = str(aggregation or BY_NAME).strip().lower()
    if choice not in AGGREGATION_CHOICES:
        raise ValidationError(
            f"column {column!r}: aggregation: expected one of {', '.join(AGGREGATION_CHOICES)}, "
            f"got {aggregation!r}"
        )
    return ColumnChoice(column, name, None if choice == BY_NAME else Agg(choice))
