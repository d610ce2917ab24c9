"""Upload glue: preview an uploaded metrics file before storing it, import it, list uploads.

Streamlit hands the page the file's bytes; ``strategy.ingest.read`` and the store read paths. So
each file is written to a temporary file first (named with the upload's ending, which says
whether it is parquet, CSV, xlsx or xls), read there, and the temporary file removed.

A file is read once and hashed once: its hash is kept per uploaded file for the session's
reruns, the preview (cached per hash) keeps what it read, and the import stores exactly
that (``strategy.usecases.uploads.import_read``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from strategy.domain.access import Actor
from strategy.domain.errors import RolloutError
from strategy.domain.gates import GateSet
from strategy.domain.metrics import (
    Agg,
    aggregation_rule,
    known_metrics,
    to_wide,
    unknown_metric_text,
    unknown_metrics,
)
from strategy.domain.partial_weeks import lacking_after_upload
from strategy.domain.settings import DEFAULT_RETURNING_WEEKS
from strategy.domain.snapshot import Upload, imported_as
from strategy.ingest.exports import mappable_header
from strategy.ingest.mappings import BY_NAME, FileMapping, as_export, default_metric
from strategy.ingest.read import LAYOUTS, ImportedFile, read_metrics
from strategy.ingest.spreadsheets import SHEET_NAME, SUFFIXES, file_kind
from strategy.usecases import Workspace
from strategy.usecases.uploads import ReadFile
from strategy.views.words import day_text, metric_words, moment_text
from ui.markup import md

LAYOUT_NOTES: Final[dict[str, str]] = {
    "long": "one row per measurement: " + ", ".join(f"`{c}`" for c in LAYOUTS["long"]),
    "wide": ", ".join(f"`{c}`" for c in LAYOUTS["wide"]) + ", then one numeric column per metric",
    "events": "one row per interaction: "
    + ", ".join(f"`{c}`" for c in LAYOUTS["events"])
    + " (weekly metrics are derived, members counted exactly)",
}
"""The three accepted layouts, as the page states them: column names as code."""

FILE_TYPES: Final[list[str]] = [suffix.removeprefix(".") for suffix in SUFFIXES]
"""The file endings the uploader accepts: parquet, csv, xlsx, xls."""
FILE_NOTES: Final[str] = (
    "CSV files are read as UTF-8 or UTF-16 text with a header row, columns separated by "
    "commas (or by semicolons, tabs or bars when the header uses only that one, or as a "
    "`sep=` first line says); numbers may carry thousands separators (`15,000`) in a "
    "comma-separated file; dates as ISO text (`2026-03-02`), or in a format the date column's "
    "header states, e.g. `date (DD/MM/YYYY)` or `Date (DDD, MMM D, YYYY)`. In an Excel "
    f"workbook (.xlsx, or Excel 97-2003 .xls) the sheet named **{SHEET_NAME}** is read, or "
    "the only sheet there is; dates may be date cells. Rows above the header (a title, a "
    "description) are skipped and named in the preview. Rows are named as a spreadsheet "
    "counts them: the header's row, then the rows below it."
)
"""How spreadsheets are read, as the page states it."""

PREVIEW_WEEKS: Final = 4
PREVIEW_ROWS: Final = 20


@dataclass(frozen=True, eq=False)
class Preview:
    """What an uploaded file would bring (``imported``, as read), or why it is refused
    (``error``)."""

    name: str
    sha256: str
    error: str = ""
    imported: ImportedFile | None = field(default=None, repr=False)
    """What was read, and what the import stores as it is (None when refused)."""
    table: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    weeks: int = 0
    header: tuple[str, ...] = ()
    """A refused file's header when a mapping could read it (neither a layout nor a known
    export): the columns the Upload page offers to map."""

    @property
    def export(self) -> bool:
        """Whether the file is a platform's own export (its layout names the export)."""
        return self.layout not in LAYOUTS

    @property
    def ok(self) -> bool:
        """True when the file passed validation."""
        return not self.error

    @property
    def layout(self) -> str:
        return self.imported.layout if self.imported else ""

    @property
    def rows(self) -> int:
        return self.imported.rows if self.imported else 0

    @property
    def platforms(self) -> tuple[str, ...]:
        return self.imported.platforms if self.imported else ()

    @property
    def first_week(self) -> dt.date | None:
        return self.imported.first_week if self.imported else None

    @property
    def last_week(self) -> dt.date | None:
        return self.imported.last_week if self.imported else None

    @property
    def metrics(self) -> tuple[str, ...]:
        return self.imported.metrics if self.imported else ()

    @property
    def chosen(self) -> Mapping[str, Agg]:
        """Aggregations a saved mapping chose over the names' rule."""
        return self.imported.chosen if self.imported else {}

    @property
    def notes(self) -> tuple[str, ...]:
        """How the file was read, when it says something: rows skipped above the header, how
        a platform's export was read (``strategy.ingest.exports``: approximations, ignored
        columns)."""
        return self.imported.notes if self.imported else ()


def digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes: the key of its cached preview and of the stored file."""
    return hashlib.sha256(data).hexdigest()


def content_hashes(files: Sequence[UploadedFile]) -> dict[str, str]:
    """Each chosen file's SHA-256 by its upload id, hashed when it arrives and kept for the
    session's reruns (the preview and the import), not hashed again on each."""
    known: dict[str, str] = st.session_state.get("upload_hashes", {})
    hashes = {f.file_id: known.get(f.file_id) or digest(f.getvalue()) for f in files}
    st.session_state["upload_hashes"] = hashes
    return hashes


@contextlib.contextmanager
def _temporary_file(data: bytes, name: str) -> Iterator[Path]:
    """The bytes in a private temporary folder, named with the ending of ``name`` when it is
    one the reader knows (else none: the content decides), removed afterwards."""
    suffix = Path(name.strip()).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="rollout-upload-") as folder:
        path = Path(folder) / ("upload" + (suffix if suffix in SUFFIXES else ""))
        path.write_bytes(data)
        yield path


def with_aggregation(metric: str, chosen: Mapping[str, Agg] | None = None) -> str:
    """A metric with its weekly aggregation, and why for a metric not canonical:
    ``followers (last)``, ``pct_communicated (mean: a rate)``, ``likes (sum: a count)``,
    ``boosts (max: chosen in the mapping)``.

    The rule and its words are ``strategy.domain.metrics.aggregation_rule``'s; this only formats.
    """
    if chosen and metric in chosen:
        return f"{metric} ({chosen[metric].value}: chosen in the mapping)"
    agg, reason = aggregation_rule(metric)
    return f"{metric} ({agg.value}: {reason})" if reason else f"{metric} ({agg.value})"


def weekly_preview(weekly: pd.DataFrame) -> pd.DataFrame:
    """A small look at the weekly table: each platform's latest weeks, measured columns only.

    Weeks are dates (the Monday, 2017-02-20), not midnight timestamps.
    """
    wide = to_wide(weekly).dropna(axis="columns", how="all")
    latest = wide.groupby("platform", sort=True).tail(PREVIEW_WEEKS)
    latest = latest.head(PREVIEW_ROWS).reset_index(drop=True)
    return latest.assign(week=latest["week"].dt.date)


@st.cache_data(max_entries=16, show_spinner="Checking the file…")
def _preview(
    sha256: str,
    name: str,
    returning: int,
    given: Given,
    mappings: tuple[FileMapping, ...],
    _data: bytes,
) -> Preview:
    # Keyed on the bytes' hash, the name (messages start with it), the returning window,
    # what the user gave and the saved mappings; the bytes are not hashed.
    try:
        with _temporary_file(_data, name) as path:
            imported = read_metrics(
                path,
                name=name,
                returning=returning,
                platform=given.platform,
                year=given.year,
                mappings=[as_export(m) for m in mappings],
            )
    except RolloutError as exc:
        with _temporary_file(_data, name) as path:
            header = _mappable(path, name)
        return Preview(name=name, sha256=sha256, error=str(exc), header=header)
    return Preview(
        name=name,
        sha256=sha256,
        imported=imported,
        table=weekly_preview(imported.weekly),
        weeks=int(imported.weekly["week"].nunique()),
    )


@dataclass(frozen=True)
class Given:
    """What the user gave for exports that cannot tell: the platform (it always wins) and
    the year of dates written without one."""

    platform: str | None = None
    year: int | None = None


def preview(
    data: bytes,
    name: str,
    returning: int = DEFAULT_RETURNING_WEEKS,
    given: Given = Given(),
    mappings: Sequence[FileMapping] = (),
    sha256: str | None = None,
) -> Preview:
    """Validate an uploaded file without storing anything (cached per content and name).

    ``returning`` is the workspace's returning window, which an events import derives with:
    the preview shows what would be stored. ``sha256`` is the bytes' hash when known
    (``content_hashes``)."""
    key = sha256 or digest(data)
    return _preview(key, name, returning, given, tuple(mappings), data)


def returning_note(weeks: int) -> str:
    """How an events file's returning members are counted in this workspace, in words."""
    previous = "the week before" if weeks == 1 else f"any of the {weeks} weeks before"
    return (
        f"Returning members: active in the week and in {previous} (`returning_weeks`, set "
        "with `python -m strategy settings set WS returning_weeks N`; it applies to events "
        "files imported from then on)."
    )


def already_imported(preview: Preview, uploads: Sequence[Upload]) -> Upload | None:
    """The upload that already holds this exact file, if any (the store refuses a repeat)."""
    return imported_as(preview.sha256, uploads)


def new_metrics(preview: Preview, uploads: Sequence[Upload]) -> dict[str, str]:
    """The metrics the file names that the workspace does not know yet, each with why and
    the closest known name (``strategy.domain.metrics.unknown_metric_text``): ``{name:
    "'follower_count' is not a metric this workspace knows; did you mean followers?"}``."""
    if preview.imported is None:
        return {}
    uploaded = {m for u in uploads for m in u.metrics}
    known = known_metrics(uploaded)
    found = unknown_metrics(preview.imported.named_metrics, uploaded)
    return {m: unknown_metric_text(m, known) for m in found}


def new_metrics_label(names: Sequence[str]) -> str:
    """The confirmation's label: ``Import follower_count as a new metric``."""
    if len(names) == 1:
        return f"Import {names[0]} as a new metric"
    return f"Import {', '.join(names)} as new metrics"


def partly_reported(
    preview: Preview, stored: pd.DataFrame, gates: GateSet, today: dt.date
) -> list[str]:
    """Each week of the file that the import would leave partly reported, as the warning
    says it (``strategy.domain.partial_weeks``): the rest of the week may come later."""
    got = preview.imported
    if got is None:
        return []
    found = lacking_after_upload(stored, got.weekly, gates, today, got.data_through)
    return [week.text for week in found]


def import_upload(
    ws: Workspace, actor: Actor, data: bytes, preview: Preview, *, new_metrics: bool = False
) -> Upload:
    """Import a previewed file under its original name, as the preview read it (not read
    or hashed again); a refused file changes nothing. ``new_metrics`` says the user
    confirmed the metrics the workspace does not know yet."""
    assert preview.imported is not None, "a refused file is never imported"
    with _temporary_file(data, preview.name) as path:
        read = ReadFile(preview.imported, preview.sha256, path)
        return ws.import_read(actor, read, new_metrics=new_metrics)


def history_frame(uploads: Sequence[Upload]) -> pd.DataFrame:
    """The upload history as a table, newest first, narrow enough to read without scrolling
    sideways at 1366 px: the metrics are counted here and named by ``metrics_lines``."""
    rows = [
        {
            "id": u.id,
            "name": u.name,
            "layout": u.layout,
            "rows": u.rows,
            "platforms": ", ".join(u.platforms),
            "weeks": f"{day_text(u.first_week)} – {day_text(u.last_week)}",
            "metrics": len(u.metrics),
            "uploaded (UTC)": moment_text(u.uploaded_at),
            "by": u.by,
        }
        for u in sorted(uploads, key=lambda u: u.id, reverse=True)
    ]
    columns = ["id", "name", "layout", "rows", "platforms", "weeks", "metrics", "uploaded (UTC)"]
    return pd.DataFrame(rows, columns=[*columns, "by"])


HISTORY_COLUMNS: Final = {
    "name": st.column_config.TextColumn(width=220),
    "rows": st.column_config.NumberColumn(format="%,.0f"),  # 9,464, as the CLI writes it
}
"""The history's name column narrow enough to keep it within 1366 px whatever a file is
called (a long name is cut short in the cell and shown whole on hover), and its row counts
with thousands separators."""


def metrics_lines(uploads: Sequence[Upload]) -> str:
    """The metrics each upload holds, as words, one Markdown line per upload, newest first:
    what the history table counts (the file's name escaped, as the user typed it)."""
    return "\n".join(
        f"- #{u.id} {md(u.name)}: {md(', '.join(metric_words(m) for m in u.metrics))}"
        for u in sorted(uploads, key=lambda u: u.id, reverse=True)
    )


def _mappable(path: Path, name: str) -> tuple[str, ...]:
    """The header a mapping could be made for, or empty (parquet, a layout file, no header)."""
    try:
        kind = file_kind(path, name)
        return () if kind == "parquet" else mappable_header(path, name, kind)
    except RolloutError:
        return ()


def mapping_rows(header: Sequence[str], date: str, source: str | None = None) -> pd.DataFrame:
    """The mapping form's table: every column but the date (and the source column, which
    names platforms), its metric (``default_metric``: its own name, as a metric is named)
    and its aggregation (by the name's rule until chosen)."""
    columns = [c for c in header if c not in (date, source)]
    return pd.DataFrame(
        {
            "column": columns,
            "metric": [default_metric(c) for c in columns],
            "aggregation": [BY_NAME] * len(columns),
        }
    )
