"""``brief WS [--on DATE] --out FILE.pdf``: the executives' one-page brief as a PDF."""

from __future__ import annotations

import argparse
from pathlib import Path

from strategy.cli.commands import command, option
from strategy.cli.common import day
from strategy.domain import clock
from strategy.domain.errors import RolloutError


@command("brief")
@option(
    "--on",
    help="the brief as it stood on this date, YYYY-MM-DD, as `report --as-of` reads it "
    "(default: today)",
)
@option("--out", required=True, help="the PDF file to write (its folder must exist)")
def brief(args: argparse.Namespace) -> str:
    """The brief of today, or of ``--on``'s day (not after today), written to ``--out``."""
    from strategy.brief import brief_charts, brief_pdf
    from strategy.domain.analysis import analyse
    from strategy.usecases import Workspace

    out = _pdf_path(args.out)
    today = clock.today()
    on = day(args.on, "--on") if args.on else today
    if on > today:
        raise RolloutError(f"--on: {on.isoformat()} is after today ({today.isoformat()})")
    ws = Workspace.open(args.workspace)
    state = ws.snapshot(as_of=on if args.on else None)
    result = analyse(state, on)
    out.write_bytes(brief_pdf(result, brief_charts(result), company=state.company.name))
    return f"wrote the brief of {on.isoformat()} to {out}"


def _pdf_path(raw: str) -> Path:
    """The file to write: a name ending in .pdf, in a folder that exists."""
    out = Path(raw)
    if out.suffix.lower() != ".pdf":
        raise RolloutError(f"--out: {raw}: expected a file name ending in .pdf")
    folder = out.parent
    if not folder.is_dir():
        raise RolloutError(f"--out: {raw}: the folder {folder} does not exist")
    return out
