"""Uploads: a metrics file read once, hashed once and stored with its weekly values; an
upload removed; the stored files no upload points to collected; and what reads the files
(each platform's follower baseline, the mappings of files neither a layout nor an export).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from strategy.domain import clock
from strategy.domain.access import Actor, require_edit
from strategy.domain.baselines import Baseline, check_baseline
from strategy.domain.errors import ImportRejected, NotFound
from strategy.domain.mappings import FileMapping
from strategy.domain.metrics import (
    known_metrics,
    platform_name,
    unknown_metric_text,
    unknown_metrics,
)
from strategy.domain.snapshot import Upload, check_not_imported
from strategy.domain.value import check_currency
from strategy.storage import database, settings_rows, upload_rows
from strategy.storage.files import hash_file
from strategy.storage.store import Connection, Store
from strategy.usecases.common import known_id, writing

if TYPE_CHECKING:  # the file readers load when a file is imported (not for a listing)
    from strategy.ingest.read import ImportedFile

V = TypeVar("V")


def read_metrics(path: Path, **options: Any) -> ImportedFile:
    """``strategy.ingest.read.read_metrics``, the readers imported on the first file read:
    opening a workspace to list it loads none of them."""
    from strategy.ingest.read import read_metrics as read

    return read(path, **options)


@dataclass(frozen=True, eq=False)
class ReadFile:
    """A metrics file as read (``read_metrics``) and its content hash, ready to store: what
    a preview read is what the import stores, so the file is read and hashed once."""

    imported: ImportedFile
    sha256: str
    source: Path
    """The file itself: its bytes are stored as they are."""


def read_file(
    store: Store,
    path: Path | str,
    *,
    name: str | None = None,
    today: dt.date | None = None,
    platform: str | None = None,
    year: int | None = None,
    mapping: str | None = None,
) -> ReadFile:
    """Read and hash one metrics file as the workspace reads it (its returning window and
    saved mappings), storing nothing; ``import_read`` stores it.

    ``platform`` and ``year`` serve a platform's own export that cannot name them
    (``strategy.ingest.exports``); a file the workspace saved a mapping for is read by it
    (``mapping`` names the one to use).
    """
    from strategy.ingest.mappings import as_export

    if not isinstance(path, str | os.PathLike):
        raise ImportRejected(f"import: expected the path of a metrics file, got {path!r}")
    source = Path(path)
    display = name or source.name
    if not source.is_file():
        raise ImportRejected(f"{display}: no such file")
    with database.read(store.location) as conn:
        window = settings_rows.returning(conn)
        saved = [as_export(m) for m in settings_rows.mappings(conn).values()]
    imported = read_metrics(
        source,
        name=display,
        today=today,
        returning=window,
        platform=platform,
        year=year,
        mappings=saved,
        mapping=mapping,
    )
    return ReadFile(imported, hash_file(source), source)


def import_file(
    store: Store,
    actor: Actor,
    path: Path | str,
    *,
    name: str | None = None,
    today: dt.date | None = None,
    platform: str | None = None,
    year: int | None = None,
    mapping: str | None = None,
    new_metrics: bool = True,
) -> Upload:
    """Validate, derive and store one metrics file (``read_file``, then ``import_read``); a
    refused file changes nothing. The returned upload's ``notes`` say how it was read."""
    require_edit(actor, "upload.import")
    read = read_file(
        store, path, name=name, today=today, platform=platform, year=year, mapping=mapping
    )
    return import_read(store, actor, read, new_metrics=new_metrics)


def import_read(store: Store, actor: Actor, read: ReadFile, *, new_metrics: bool = True) -> Upload:
    """Store a file already read and hashed (a preview's): its file, its upload row and its
    weekly values, in one transaction; a file imported before is refused.

    With ``new_metrics`` false, a metric the file names that the workspace does not know
    (``strategy.domain.metrics.unknown_metrics``) is refused with the closest known name: the
    command line and the Upload page import one only once the user confirms it is new.
    """
    require_edit(actor, "upload.import")
    imported, digest = read.imported, read.sha256
    rows = upload_rows.observations(imported)
    stamp = (clock.now_text(), actor.name)
    with database.read(store.location) as conn:  # before the file is staged: nothing kept
        check_currency(imported.name, imported.currencies, settings_rows.company(conn).currency)
        if not new_metrics:
            check_no_new_metrics(imported, upload_rows.uploaded_metrics(conn))
    store.files.stage(read.source, digest)
    with writing(store, actor, "upload.import", f"{imported.name} ({digest[:12]})") as conn:
        check_currency(imported.name, imported.currencies, settings_rows.company(conn).currency)
        check_not_imported(imported.name, digest, upload_rows.uploads(conn))
        if not new_metrics:
            check_no_new_metrics(imported, upload_rows.uploaded_metrics(conn))
        upload = upload_rows.insert(conn, imported, digest, stamp, rows)
        store.files.keep(conn, read.source, digest)
    return upload


def check_no_new_metrics(imported: ImportedFile, uploaded: Collection[str]) -> None:
    """Refuse a file naming a metric the workspace does not know, with the closest known
    name; the metrics an export, a mapping or an events file gives are known by the product."""
    found = unknown_metrics(imported.named_metrics, uploaded)
    if found:
        known = known_metrics(uploaded)
        said = "; ".join(unknown_metric_text(m, known) for m in found)
        one = len(found) == 1
        raise ImportRejected(
            f"{imported.name}: metric: {said}. Correct the name, or import "
            f"{'it as a new metric' if one else 'them as new metrics'} "
            "(--new-metrics on the command line, the Upload page's confirmation)"
        )


def remove_upload(store: Store, actor: Actor, upload_id: int) -> None:
    """Remove an upload: what it covered falls back to the earlier uploads' values."""
    require_edit(actor, "upload.remove")
    known = known_id(upload_id, "upload")
    with writing(store, actor, "upload.remove", f"#{known}") as conn:
        store.files.release(conn, upload_rows.delete(conn, known))
    store.collect_orphans()


def set_baseline(
    store: Store,
    actor: Actor,
    platform: object,
    metric: object,
    value: object,
    on: object,
    *,
    today: dt.date,
) -> Baseline:
    """Give a platform's followers on one day, from which its daily gains build the
    weekly followers (``strategy.domain.baselines``); replaces the platform's baseline."""
    baseline = check_baseline(platform, metric, value, on, today=today)
    with writing(store, actor, "baseline.set", baseline.text) as conn:
        stored = {**settings_rows.baselines(conn), baseline.platform: baseline}
        settings_rows.save_baselines(conn, stored)
    return baseline


def remove_baseline(store: Store, actor: Actor, platform: object) -> Baseline:
    """Forget a platform's baseline: its followers are not measured again."""
    name = platform_name(platform)
    return _remove_setting(
        store,
        actor,
        "baseline.remove",
        (settings_rows.baselines, settings_rows.save_baselines),
        name,
        f"platform {name!r} has no baseline",
        lambda b: b.text,
    )


def save_mapping(store: Store, actor: Actor, mapping: FileMapping) -> FileMapping:
    """Remember how a file that is neither an export nor a layout is read, under its
    header; replaces a mapping of the same name or the same header."""
    said = f"{mapping.name}: {', '.join(mapping.header)}"
    with writing(store, actor, "mapping.save", said) as conn:
        kept = {n: m for n, m in settings_rows.mappings(conn).items() if m.header != mapping.header}
        settings_rows.save_mappings(conn, {**kept, mapping.name: mapping})
    return mapping


def remove_mapping(store: Store, actor: Actor, name: str) -> FileMapping:
    """Forget a saved mapping: files with its header are unrecognised again."""
    return _remove_setting(
        store,
        actor,
        "mapping.remove",
        (settings_rows.mappings, settings_rows.save_mappings),
        name,
        f"no mapping is named {name!r}",
        lambda m: m.name,
    )


def _remove_setting(
    store: Store,
    actor: Actor,
    action: str,
    rows: tuple[Callable[[Connection], dict[str, V]], Callable[[Connection, dict[str, V]], None]],
    name: str,
    missing: str,
    said: Callable[[V], str],
) -> V:
    """Remove one entry of a setting stored as a mapping by name (``rows``: its read and its
    save); NotFound with ``missing`` when there is none."""
    read, save = rows
    removed: list[V] = []
    with writing(store, actor, action, lambda: said(removed[0])) as conn:
        stored = read(conn)
        if name not in stored:
            raise NotFound(missing)
        removed.append(stored.pop(name))
        save(conn, stored)
    return removed[0]
