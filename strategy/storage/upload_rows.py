"""The uploads' rows: the ``uploads`` registry and each upload's weekly ``observations``,
merged into the weekly table (per week, platform and metric the latest upload wins)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from strategy.domain.horizons import empty_coverage
from strategy.domain.metrics import SIGNED_METRICS, empty_daily, empty_weekly
from strategy.domain.snapshot import Upload
from strategy.storage.rows import missing

if TYPE_CHECKING:  # the file readers load when a file is imported, pandas when the weekly
    # table is read: neither to list what the store holds
    import pandas as pd

    from strategy.ingest.read import ImportedFile

DAILY_MARK: Final = "@day"
"""Ends the metric of a change's daily value among the observations (``followers_gained@day``
on 2026-03-04): kept so a baseline given on any day is exact, and never shown as a metric."""

Observation = tuple[str, str, str, float]
"""One stored value: platform, metric, day (ISO), value."""


def uploads(conn: Connection) -> tuple[Upload, ...]:
    return tuple(
        Upload(
            id=int(r.id),
            name=r.name,
            sha256=r.sha256,
            layout=r.layout,
            rows=int(r.rows),
            platforms=tuple(json.loads(r.platforms)),
            first_week=dt.date.fromisoformat(r.first_week),
            last_week=dt.date.fromisoformat(r.last_week),
            metrics=tuple(json.loads(r.metrics)),
            uploaded_at=r.uploaded_at,
            by=r.by,
            data_through={
                p: dt.date.fromisoformat(d) for p, d in json.loads(r.data_through).items()
            },
        )
        for r in conn.execute(
            text(
                "SELECT id, name, sha256, layout, rows, platforms, first_week, last_week, "
                "metrics, uploaded_at, by, data_through FROM uploads ORDER BY id"
            )
        )
    )


def uploaded_metrics(conn: Connection) -> set[str]:
    """Every metric some upload holds."""
    return {
        m for (raw,) in conn.execute(text("SELECT metrics FROM uploads")) for m in json.loads(raw)
    }


def hashes(conn: Connection) -> set[str]:
    """The content hashes of the stored files some upload points to."""
    return {str(r[0]) for r in conn.execute(text("SELECT sha256 FROM uploads"))}


def weekly(
    conn: Connection, chosen: Sequence[Upload], *, all_uploads: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The merged weekly table of the ``chosen`` uploads (per week, platform and metric the
    latest upload wins), its coverage (per (platform, week), how far the latest upload
    holding it reaches) and the changes' daily values (stored as observations of
    ``metric@day`` on the day, the latest upload winning per day). ``all_uploads`` says
    ``chosen`` are all of them (no filter).
    """
    import pandas as pd

    only = "" if all_uploads else "WHERE upload_id IN :ids"
    query = text(
        "SELECT o.week, o.platform, o.metric, o.value, o.upload_id FROM observations o "
        "JOIN (SELECT platform, metric, week, MAX(upload_id) AS upload_id "
        f"      FROM observations {only} GROUP BY platform, metric, week) latest "
        "USING (platform, metric, week, upload_id) "
        "ORDER BY o.platform, o.week, o.metric"
    )
    if not all_uploads:
        if not chosen:
            return empty_weekly(), empty_coverage(), empty_daily()
        query = query.bindparams(bindparam("ids", expanding=True))
    rows = conn.execute(query, {} if all_uploads else {"ids": [u.id for u in chosen]}).all()
    if not rows:
        return empty_weekly(), empty_coverage(), empty_daily()
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=["week", "platform", "metric", "value", "upload_id"]
    )
    frame["week"] = pd.to_datetime(frame["week"]).astype("datetime64[ns]")
    frame["value"] = frame["value"].astype("float64")
    by_day = frame["metric"].isin([f"{m}{DAILY_MARK}" for m in SIGNED_METRICS])
    daily = frame[by_day].rename(columns={"week": "day"}).drop(columns="upload_id")
    daily["metric"] = daily["metric"].str.removesuffix(DAILY_MARK)
    frame = frame[~by_day].reset_index(drop=True)
    if frame.empty:
        return empty_weekly(), empty_coverage(), daily.reset_index(drop=True)
    coverage = _coverage(frame, chosen)
    return frame.drop(columns="upload_id"), coverage, daily.reset_index(drop=True)


def _coverage(frame: pd.DataFrame, chosen: Sequence[Upload]) -> pd.DataFrame:
    """Per (platform, week) of the merged table, the day its latest upload's data reaches."""
    import pandas as pd

    through = {(u.id, p): d for u in chosen for p, d in u.data_through.items()}
    latest = frame.groupby(["platform", "week"], as_index=False)["upload_id"].max()
    return pd.DataFrame(
        {
            "platform": latest["platform"].astype("str"),
            "week": latest["week"],
            "through": pd.Series(
                [
                    through.get((int(u), str(p)))
                    for u, p in zip(latest["upload_id"], latest["platform"], strict=True)
                ],
                dtype="datetime64[ns]",
            ),
        }
    )


def observations(imported: ImportedFile) -> list[Observation]:
    """A file's weekly values, then its changes' daily values (``metric@day``), as stored."""
    weekly_, daily = imported.weekly, imported.daily
    rows = list(  # tolist(): iterating the string columns item by item is 10x slower
        zip(
            weekly_["platform"].astype(str).tolist(),
            weekly_["metric"].astype(str).tolist(),
            weekly_["week"].dt.strftime("%Y-%m-%d").tolist(),
            weekly_["value"].astype(float).tolist(),
            strict=True,
        )
    )
    rows += zip(
        daily["platform"].astype(str).tolist(),
        (daily["metric"].astype(str) + DAILY_MARK).tolist(),
        daily["day"].dt.strftime("%Y-%m-%d").tolist(),
        daily["value"].astype(float).tolist(),
        strict=True,
    )
    return rows


def insert(
    conn: Connection,
    imported: ImportedFile,
    digest: str,
    stamp: tuple[str, str],
    rows: Sequence[Observation],
) -> Upload:
    """Store a read file's upload row (``stamp``: uploaded at, by whom) and its observations
    (``observations(imported)``); returns the upload."""
    uploaded_at, by = stamp
    through = imported.data_through
    upload_id = conn.execute(
        text(
            "INSERT INTO uploads(name, sha256, layout, rows, platforms, first_week, "
            "last_week, metrics, uploaded_at, by, data_through) VALUES (:name, "
            ":sha, :layout, :rows, :platforms, :first, :last, :metrics, :at, :by, "
            ":through) RETURNING id"
        ),
        {
            "name": imported.name,
            "sha": digest,
            "layout": imported.layout,
            "rows": imported.rows,
            "platforms": json.dumps(list(imported.platforms)),
            "first": imported.first_week.isoformat(),
            "last": imported.last_week.isoformat(),
            "metrics": json.dumps(list(imported.metrics)),
            "at": uploaded_at,
            "by": by,
            "through": json.dumps({p: d.isoformat() for p, d in sorted(through.items())}),
        },
    ).scalar_one()
    _insert_observations(conn, int(upload_id), rows)
    return Upload(
        id=int(upload_id),
        name=imported.name,
        sha256=digest,
        layout=imported.layout,
        rows=imported.rows,
        platforms=imported.platforms,
        first_week=imported.first_week,
        last_week=imported.last_week,
        metrics=imported.metrics,
        uploaded_at=uploaded_at,
        by=by,
        data_through=dict(through),
        notes=imported.notes,
    )


def _insert_observations(conn: Connection, upload_id: int, rows: Sequence[Observation]) -> None:
    """The upload's weekly values: PostgreSQL's COPY, SQLite's executemany (each the fastest
    bulk path of its driver)."""
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY observations(upload_id, platform, metric, week, value) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row((upload_id, *row))
        return
    conn.exec_driver_sql(
        "INSERT INTO observations(upload_id, platform, metric, week, value) VALUES (?,?,?,?,?)",
        [(upload_id, *row) for row in rows],
    )


def delete(conn: Connection, known: int) -> str:
    """Remove an upload (its observations go with it); returns its file's hash. NotFound if
    there is none."""
    digest = conn.execute(text("SELECT sha256 FROM uploads WHERE id = :id"), {"id": known}).scalar()
    if digest is None:
        raise missing("upload", known)
    conn.execute(text("DELETE FROM uploads WHERE id = :id"), {"id": known})
    return str(digest)
