"""The three layouts a metrics file may have (long, wide, events), told apart by its
column names."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Final

from strategy.domain.errors import ImportRejected
from strategy.domain.metrics import (
    normalise_name,
)
from strategy.ingest.event_kinds import EVENT_COLUMNS


class Layout(StrEnum):
    """The layouts a metrics file may have."""

    LONG = "long"
    """One row per measurement: date, platform, metric, value."""
    WIDE = "wide"
    """Date, platform, then one numeric column per metric."""
    EVENTS = "events"
    """One row per interaction (``strategy.ingest.events``)."""


LAYOUTS: Final[dict[str, tuple[str, ...]]] = {
    Layout.LONG: ("date", "platform", "metric", "value"),
    Layout.WIDE: ("date", "platform"),
    Layout.EVENTS: EVENT_COLUMNS,
}
"""Each layout's columns (the wide layout's, before its metric columns)."""


ACCEPTED: Final[str] = (
    "long (date, platform, metric, value), wide (date, platform, then one numeric column "
    "per metric) or events (ts, platform, member_id, kind, by_brand)"
)


_EVENT_MARKERS: Final[frozenset[str]] = frozenset({"ts", "member_id", "by_brand"})


def detect_layout(columns: Sequence[str]) -> Layout:
    """Name the layout ("long", "wide" or "events") that the column names describe.

    Names match case-insensitively after trimming (``normalise_name``); extra columns are
    ignored in the long and events layouts. Raises ``ImportRejected`` naming what was found.
    """
    names = [normalise_name(c) for c in columns]
    seen: dict[str, str] = {}
    for raw, norm in zip(columns, names, strict=True):
        if not norm:
            raise ImportRejected(f"a column has no name; expected the layout {ACCEPTED}")
        if norm in seen:
            raise ImportRejected(
                f"columns {seen[norm]!r} and {raw!r} have the same name once case and "
                "spaces are ignored; rename one"
            )
        seen[norm] = raw
    found = set(names)
    if found & _EVENT_MARKERS:
        layout = Layout.EVENTS
    elif found & {"metric", "value"}:
        layout = Layout.LONG
    elif {"date", "platform"} <= found:
        if len(found) == 2:
            raise ImportRejected(
                "looks like the wide layout (date, platform, then one numeric column per "
                "metric) but has no metric column"
            )
        return Layout.WIDE
    elif found & {"date", "platform"}:
        layout = Layout.WIDE
    else:
        shown = ", ".join(repr(c) for c in columns) or "none"
        raise ImportRejected(f"unrecognised layout: found columns {shown}; expected {ACCEPTED}")
    missing = [c for c in LAYOUTS[layout] if c not in found]
    if missing:
        expected = ", ".join(LAYOUTS[layout]) + (
            ", then one numeric column per metric" if layout == Layout.WIDE else ""
        )
        raise ImportRejected(
            f"looks like the {layout} layout ({expected}) but has no "
            + " and no ".join(repr(c) for c in missing)
            + " column"
        )
    return layout


def layout_of(columns: Sequence[str], label: str) -> Layout:
    """``detect_layout`` with its refusal starting with the file's name."""
    try:
        return detect_layout(columns)
    except ImportRejected as exc:
        raise ImportRejected(f"{label}: {exc}") from None


def table_columns(columns: Sequence[str], layout: str) -> dict[str, str]:
    """Normalised name -> the name as spelled in the file, of the columns a layout reads."""
    cols = {normalise_name(c): c for c in columns}
    if layout == Layout.LONG:
        cols = {key: cols[key] for key in LAYOUTS[Layout.LONG]}
    return cols
