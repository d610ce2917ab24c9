"""Metric files: ``import``, the uploads they become, the saved ``mappings`` they may be read
with, and each platform's followers ``baseline``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from strategy.cli.commands import arg, command, option
from strategy.cli.common import TEXT_OR_JSON, as_json, open_workspace, snapshot
from strategy.domain import clock
from strategy.domain.errors import NotFound, RolloutError, ValidationError
from strategy.domain.mappings import mappings_to_dict, pair
from strategy.domain.metrics import Agg, aggregation_for
from strategy.domain.numbers import plural
from strategy.domain.partial_weeks import lacking_after_upload, merged_weekly

if TYPE_CHECKING:  # the readers load when a file is read, not for --help
    from strategy.domain.snapshot import Upload


@command("import")
@arg("files", nargs="+")
@option(
    "--platform",
    help="the platform of a platform's export that does not name it (always wins)",
)
@option("--year", type=int, help="the year of an export's dates written without one (TikTok)")
@option("--mapping", help="read the files with this saved mapping (`mappings list`)")
@option(
    "--new-metrics",
    action="store_true",
    help="import metrics the workspace does not know yet as new ones (else refused)",
)
def import_files(args: argparse.Namespace) -> str:
    """Import the files in order, saying each one as it lands and the weeks it leaves
    partly reported; stop at the first refusal."""
    ws, actor = open_workspace(args)
    before = ws.snapshot()
    stored = before.weekly
    for n, file in enumerate(args.files):
        try:
            read = ws.read_file(
                Path(file), platform=args.platform, year=args.year, mapping=args.mapping
            )
            up = ws.import_read(actor, read, new_metrics=args.new_metrics)
        except RolloutError as exc:
            if n == 0:
                raise
            rest = len(args.files) - n - 1
            raise RolloutError(
                f"{exc} ({plural(n, 'earlier file')} imported"
                + (f"; {plural(rest, 'later file')} not tried)" if rest else ")")
            ) from exc
        print(
            f"imported {up.name} as upload #{up.id}: {up.layout}, {up.rows} rows, "
            f"{', '.join(up.platforms)}, weeks {up.first_week} to {up.last_week}"
            + "".join(f"; {note}" for note in up.notes),
            flush=True,
        )
        got = read.imported
        for week in lacking_after_upload(
            stored, got.weekly, before.gates, clock.today(), got.data_through
        ):
            print(f"  warning: {week.text}", flush=True)
        stored = merged_weekly(stored, got.weekly)
    return ""


@command("mappings list", help="each mapping: its name, platform and columns")
def mappings_list(args: argparse.Namespace) -> str:
    """One line per saved mapping."""
    found = snapshot(args).mappings
    lines = [
        f"{m.name}: {m.platform or f'platform by {m.source!r}'}, {', '.join(m.header)}"
        for _, m in sorted(found.items())
    ]
    return "\n".join(lines) or "(no mappings)"


@command("mappings add", help="save how to read a file that is neither an export nor a layout")
@arg("name")
@option("--file", required=True, help="a file with the columns to map (only its header is read)")
@option("--date", required=True, help="its date column")
@option("--date-format", default="", help="the dates' format, e.g. YYYYMMDD (empty: ISO dates)")
@option("--platform", help="the platform of every row (or --source)")
@option("--source", help="a column naming each row's source, e.g. 'Session source / medium'")
@option(
    "--source-value",
    action="append",
    default=[],
    metavar="VALUE=PLATFORM",
    help="a source's rows count for a platform (e.g. instagram.com=instagram); repeat",
)
@option(
    "--metric",
    action="append",
    default=[],
    metavar="COLUMN=METRIC",
    help="a column and the metric it holds (e.g. 'Total revenue=revenue'); others are ignored",
)
def mappings_add(args: argparse.Namespace) -> str:
    """Save a mapping made from a file's header: the date column, the platform (or a source
    column and which of its values are which platform), and the columns' metrics."""
    from strategy.ingest.exports import header_name, mappable_header
    from strategy.ingest.mappings import BY_NAME, IGNORE, check_mapping
    from strategy.ingest.spreadsheets import file_kind

    path = Path(args.file)
    if not path.is_file():
        raise ValidationError(f"--file: no such file {args.file!r}")
    header = mappable_header(path, path.name, file_kind(path, path.name))
    if not header:
        raise ValidationError(f"{path.name}: no header of two or more named columns to map")
    metrics = dict(pair(m, "--metric", "COLUMN=METRIC") for m in args.metric)
    named = {header_name(c): m for c, m in metrics.items()}
    skipped = {header_name(args.date), header_name(args.source or "")}
    columns = {c: (named.get(c, IGNORE), BY_NAME) for c in header if c not in skipped}
    columns |= {c: (m, BY_NAME) for c, m in named.items() if c not in columns}  # refused
    sources = dict(pair(v, "--source-value", "VALUE=PLATFORM") for v in args.source_value)
    mapping = check_mapping(
        args.name, header, args.platform, args.date, args.date_format, columns, args.source, sources
    )
    ws, actor = open_workspace(args)
    saved = ws.save_mapping(actor, mapping)
    chosen = ", ".join(f"{c.column} -> {c.metric}" for c in saved.columns if c.metric)
    return f"saved mapping {saved.name!r}: {chosen}"


@command("mappings show", help="one mapping, as JSON")
@arg("name")
def mappings_show(args: argparse.Namespace) -> str:
    """One saved mapping as it is stored."""
    found = snapshot(args).mappings
    if args.name not in found:
        raise NotFound(f"no mapping is named {args.name!r}")
    return json.dumps(mappings_to_dict({args.name: found[args.name]})[args.name], indent=2)


@command("mappings remove", help="forget a mapping")
@arg("name")
def mappings_remove(args: argparse.Namespace) -> str:
    """Forget a saved mapping: files with its header are unrecognised again (the uploads
    already read with it stay)."""
    ws, actor = open_workspace(args)
    return f"removed mapping {ws.remove_mapping(actor, args.name).name!r}"


@command("uploads remove", help="remove an upload; earlier values come back")
@command("remove-upload")
@arg("upload_id", type=int, metavar="ID")
def uploads_remove(args: argparse.Namespace) -> str:
    """Remove an upload; the values it replaced come back."""
    ws, actor = open_workspace(args)
    ws.remove_upload(actor, args.upload_id)
    return f"removed upload #{args.upload_id}"


def _upload_dict(u: Upload, chosen: Mapping[str, Agg]) -> dict[str, object]:
    """An upload for scripts, with the aggregation each of its metrics is read with."""
    return {
        "id": u.id,
        "name": u.name,
        "layout": u.layout,
        "rows": u.rows,
        "platforms": list(u.platforms),
        "first_week": u.first_week.isoformat(),
        "last_week": u.last_week.isoformat(),
        "metrics": list(u.metrics),
        "aggregations": {m: (chosen.get(m) or aggregation_for(m)).value for m in u.metrics},
        "uploaded_at": u.uploaded_at,
        "by": u.by,
        "data_through": {p: d.isoformat() for p, d in sorted(u.data_through.items())},
        "sha256": u.sha256,
    }


@command("uploads list", help="every upload: file, layout, rows, platforms, weeks")
@TEXT_OR_JSON
def uploads_list(args: argparse.Namespace) -> str:
    """Every upload, oldest first."""
    from strategy.usecases import Workspace

    uploads, mappings = Workspace.open(args.workspace).uploads()
    if args.format == "json":
        from strategy.ingest.mappings import chosen_aggregations  # the readers' choices

        return as_json([_upload_dict(u, chosen_aggregations(u.layout, mappings)) for u in uploads])
    lines = [
        f"#{u.id} {u.name}: {u.layout}, {u.rows:,} rows, {', '.join(u.platforms)}, weeks "
        f"{u.first_week} to {u.last_week}; uploaded {u.uploaded_at} by {u.by}"
        for u in uploads
    ]
    return "\n".join(lines) or "(no uploads)"


@command("baseline set", help="give (or replace) a platform's baseline")
@arg("platform")
@arg("metric", help="followers")
@arg("value", help="how many there were that day")
@option("--on", required=True, help="YYYY-MM-DD: the day of the count")
def baseline_set(args: argparse.Namespace) -> str:
    """Give a platform's followers on one day, from which daily gains build its followers."""
    ws, actor = open_workspace(args)
    baseline = ws.set_baseline(
        actor, args.platform, args.metric, args.value, args.on, today=clock.today()
    )
    return f"baseline {baseline.text}"


@command("baseline remove", help="forget a platform's baseline")
@arg("platform")
def baseline_remove(args: argparse.Namespace) -> str:
    """Forget a platform's baseline: its followers are no longer built from daily gains."""
    ws, actor = open_workspace(args)
    return f"removed baseline {ws.remove_baseline(actor, args.platform).text}"


@command("baseline list", help="show the baselines")
def baseline_list(args: argparse.Namespace) -> str:
    """One line per platform with a baseline."""
    baselines = snapshot(args).baselines
    return "\n".join(b.text for _, b in sorted(baselines.items())) or "(no baselines)"
