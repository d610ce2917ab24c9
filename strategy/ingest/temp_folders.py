"""The temporary folders an import makes (DuckDB's spill, a converted events file), named for
the process that made it, and the sweep of those a killed import left behind."""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Final

_TEMP_OWNER: Final = re.compile(r"rollout-(?:duckdb|events)-(\d+)-[^-]+")
"""An import's temporary folder, named for the process that made it: what it holds, the PID."""


def temp_prefix(what: str) -> str:
    """The name start of this process's temporary folder for ``what`` (``duckdb``, ``events``):
    ``rollout-<what>-<pid>-``, so a later import can tell whether its maker is still alive."""
    return f"rollout-{what}-{os.getpid()}-"


def sweep_dead_temp_folders(parent: Path | None = None) -> list[Path]:
    """Remove the temporary folders that killed imports left behind; returns those removed.

    An import spills DuckDB to a ``TemporaryDirectory`` (and converts a CSV or xlsx events
    file into one), which its ``with`` block removes; a process killed with SIGKILL runs no
    cleanup, so its folder stayed in the temp folder (``parent``, default the system's) for
    good, with whatever it held. Each folder is named with the PID that made it
    (``temp_prefix``): one whose process no longer exists is removed. A live process's
    folder (a concurrent import) is kept, as is anything not a folder of this user's, a
    folder named the older way, without a PID, and (PIDs being per namespace) a folder of a
    process in another container sharing the temp folder, when its PID exists here.
    """
    where = Path(tempfile.gettempdir() if parent is None else parent)
    removed: list[Path] = []
    with suppress(OSError), os.scandir(where) as entries:
        for entry in entries:
            owner = _TEMP_OWNER.fullmatch(entry.name)
            if owner is None or _process_exists(int(owner.group(1))):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


def _process_exists(pid: int) -> bool:
    """Whether a process ``pid`` exists (another user's counts: it may not be signalled)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # not ours to signal, or no PID at all: keep its folder
    return True
