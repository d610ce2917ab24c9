"""The Upload metrics page, headless, through AppTest's file uploader: preview before storing,
import, refusal that changes nothing, and removal that restores the dashboard."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from strategy.usecases import Workspace
from strategy.usecases import uploads as upload_cases
from tests import export_files, test_mappings
from tests.conftest import EDITOR, VIEWER, open_page, workspace_state
from tests.pages import click
from tests.spreadsheet_files import csv_bytes, xlsx_bytes
from tests.xls_files import xls_bytes
from ui import session, uploads

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "4_Upload_metrics.py")
DASHBOARD = str(ROOT / "app.py")
PARQUET = "application/octet-stream"


@pytest.fixture
def root(app_ws: Workspace) -> str:
    """A private copy of the demo workspace, opened by the app."""
    return app_ws.location.key


def youtube_file() -> bytes:
    """A small long-layout file: a new platform, youtube, measured for six weeks."""
    days = [dt.date(2026, 9, 28) + dt.timedelta(weeks=n) for n in range(6)]
    frame = pd.DataFrame(
        {
            "date": days * 2,
            "platform": ["YouTube"] * 12,
            "metric": ["followers"] * 6 + ["brand_posts"] * 6,
            "value": [120.0, 140, 160, 180, 200, 220] + [2.0] * 6,
        }
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def youtube_rows() -> list[list[object]]:
    """The youtube file's content as a spreadsheet's rows: the header, then the cells."""
    frame = pd.read_parquet(io.BytesIO(youtube_file()))
    return [list(frame.columns), *(list(r) for r in frame.itertuples(index=False))]


SPREADSHEETS = {
    "csv": lambda: csv_bytes(youtube_rows()),
    "xlsx": lambda: xlsx_bytes(youtube_rows()),
}


def preview_weeks(at: AppTest) -> list[str]:
    """The weeks of the preview table as the page shows them."""
    table = next(d.value for d in at.dataframe if "followers" in d.value.columns)
    return [str(week) for week in table["week"]]


def run(page: str) -> AppTest:
    return open_page(page)


def dashboard_platforms() -> set[str]:
    """The platforms with a stage card on the dashboard."""
    return {m.label for m in run(DASHBOARD).metric} - {"Overall stage", "Gap", "In people"}


def history(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "uploaded (UTC)" in d.value.columns)


@pytest.fixture
def root_read(app_read: Workspace) -> str:
    """The shared demo copy, opened by the app, for a test that only reads."""
    return app_read.location.key


def test_the_page_opens_with_the_upload_box_and_folds_the_format_rules_below_it(
    root_read: str,
) -> None:
    at = run(PAGE)
    order = [type(e).__name__ for e in at.main.children.values()]
    assert order.index("FileUploader") < order.index("Expander")
    rules = at.expander[0]
    assert rules.label == "Which files are read, and how"
    intro = rules.markdown[0].value
    for layout in ("long", "wide", "events"):
        assert f"**{layout}**" in intro
    assert "`ts`, `platform`, `member_id`, `kind`, `by_brand`" in intro
    assert "date (DD/MM/YYYY)" in intro and "**metrics**" in intro
    uploader = at.file_uploader[0]
    assert uploader.accept_multiple_files
    assert uploader.allowed_type == [".parquet", ".csv", ".xlsx", ".xls"]
    assert history(at)["layout"].tolist() == ["wide", "events", "long"]
    assert [b.label for b in at.button if b.key == "import_files"] == []


def test_the_upload_limit_is_stated_once_by_the_upload_box_as_configured(
    root_read: str,
) -> None:
    at = run(PAGE)
    limit = st.get_option("server.maxUploadSize")
    assert at.file_uploader[0].proto.max_upload_size_mb == limit == 1024  # README: 1 GB
    said = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not [text for text in said if " MB" in text or "config.toml" in text]


def slow_members_file() -> bytes:
    """Events of a slow Q&A site: one member asks in one week and answers three weeks later."""
    monday = pd.Timestamp("2026-10-05 12:00", tz="UTC")
    frame = pd.DataFrame(
        {
            "ts": [monday, monday + pd.Timedelta(weeks=3)],
            "platform": ["Q&A", "Q&A"],
            "member_id": ["u1", "u1"],
            "kind": ["question", "answer"],
            "by_brand": [False, False],
        }
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("window", "returning", "said"),
    [(1, 0, "the week before"), (4, 1, "any of the 4 weeks before")],
)
def test_an_events_preview_counts_returning_members_with_the_workspaces_window(
    root: str, window: int, returning: int, said: str
) -> None:
    Workspace(root).set_returning_weeks(EDITOR, window)
    at = run(PAGE)
    at.file_uploader[0].set_value(("qa.parquet", slow_members_file(), PARQUET)).run()

    assert not at.exception and not at.error
    assert any(f"active in the week and in {said}" in c.value for c in at.caption)
    preview = next(d.value for d in at.dataframe if "returning_members" in d.value.columns)
    assert preview["returning_members"].tolist()[-1] == returning
    assert preview["threads"].tolist()[0] == 1


def test_a_valid_file_is_previewed_then_imported_and_reaches_the_dashboard(root: str) -> None:
    at = run(PAGE)
    at.file_uploader[0].set_value(("youtube.parquet", youtube_file(), PARQUET)).run()

    assert not at.exception and not at.error
    summary = next(m.value for m in at.markdown if m.value.startswith("**youtube.parquet**"))
    assert "long layout · 12 rows · 1 platform: youtube · 6 weeks" in summary
    preview = next(d.value for d in at.dataframe if "followers" in d.value.columns)
    assert preview["followers"].tolist() == [160.0, 180.0, 200.0, 220.0]
    assert preview_weeks(at) == ["2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]
    assert len(Workspace(root).snapshot().uploads) == 3  # nothing stored by the preview

    click(at, key="import_files")
    assert not at.exception and not at.error
    assert "Imported youtube.parquet as upload #4" in at.success[0].value
    assert history(at).iloc[0][["name", "platforms", "by"]].tolist() == [
        "youtube.parquet",
        "youtube",
        "local",
    ]
    assert not at.file_uploader[0].value  # cleared for the next files
    assert "youtube" in dashboard_platforms()


def test_a_file_is_read_once_and_hashed_once_from_its_preview_to_its_import(
    root: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"read": 0, "hash": 0}

    def counted(kind: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[kind] += 1
            return real(*args, **kwargs)

        return call

    for module, name, kind in [
        (uploads, "read_metrics", "read"),
        (upload_cases, "read_metrics", "read"),
        (uploads, "digest", "hash"),
        (upload_cases, "hash_file", "hash"),
    ]:
        monkeypatch.setattr(module, name, counted(kind, getattr(module, name)))
    uploads._preview.clear()  # a preview cached by an earlier test would hide its read
    data = youtube_file()
    at = run(PAGE)
    at.file_uploader[0].set_value(("youtube.parquet", data, PARQUET)).run()
    assert calls == {"read": 1, "hash": 1}

    at.button(key="import_files").click().run()
    assert not at.exception and not at.error
    assert "Imported youtube.parquet as upload #4" in at.success[0].value
    assert calls == {"read": 1, "hash": 1}  # the import stored what the preview read
    ws = Workspace(root)
    upload = ws.snapshot().uploads[-1]
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert ws.stored_bytes(upload) == data


def test_an_invalid_file_shows_its_error_and_stores_nothing(root: str) -> None:
    at = run(PAGE)
    before = workspace_state(root)
    at.file_uploader[0].set_value(("notes.parquet", b"these are not metrics", PARQUET)).run()

    assert at.error[0].value == "notes.parquet: not a parquet file"
    import_button = at.button(key="import_files")
    assert import_button.label == "Import 0 files" and import_button.disabled
    assert workspace_state(root) == before


def test_of_several_files_only_the_valid_ones_are_imported(root: str) -> None:
    at = run(PAGE)
    truncated = youtube_file()[:-20]
    at.file_uploader[0].set_value(
        [("cut.parquet", truncated, PARQUET), ("youtube.parquet", youtube_file(), PARQUET)]
    ).run()
    assert "cut.parquet: the parquet file is truncated" in at.error[0].value
    click(at, key="import_files")

    assert not at.exception
    assert [s.value for s in at.success] == ["Imported youtube.parquet as upload #4."]
    assert [u.name for u in Workspace(root).snapshot().uploads][-1] == "youtube.parquet"
    assert len(Workspace(root).snapshot().uploads) == 4


def test_a_file_already_imported_is_flagged_and_not_imported_again(root_read: str) -> None:
    demo = Workspace(root_read)
    stored = demo.stored_bytes(demo.snapshot().uploads[0])
    at = run(PAGE)
    at.file_uploader[0].set_value(("again.parquet", stored, PARQUET)).run()

    assert "already imported as upload #1" in at.warning[0].value
    assert at.button(key="import_files").label == "Import 0 files"


def test_removing_an_upload_restores_the_dashboard(root: str, tmp_path: Path) -> None:
    source = tmp_path / "youtube.parquet"
    source.write_bytes(youtube_file())
    upload = Workspace(root).import_file(EDITOR, source)
    assert "youtube" in dashboard_platforms()

    at = run(PAGE)
    at.selectbox(key="remove_upload_id").set_value(upload.id)
    click(at, key="remove_upload_submit")
    assert "Tick the confirmation" in at.error[0].value
    assert len(Workspace(root).snapshot().uploads) == 4

    at.checkbox(key="remove_upload_confirm").check()
    click(at, key="remove_upload_submit")
    assert not at.exception and not at.error
    assert f"Removed upload #{upload.id} (youtube.parquet)" in at.success[0].value
    assert upload.id not in history(at)["id"].tolist()
    assert "youtube" not in dashboard_platforms()


def test_a_viewer_sees_the_history_but_cannot_upload_or_remove(
    root_read: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "actor", lambda: VIEWER)
    at = run(PAGE)
    assert not at.file_uploader and not at.button and not at.selectbox
    assert "uploading needs an editor" in at.info[0].value
    assert len(history(at)) == 3


@pytest.mark.parametrize("fmt", sorted(SPREADSHEETS))
def test_a_csv_or_xlsx_file_is_previewed_with_weeks_as_dates_then_imported(
    root: str, fmt: str
) -> None:
    at = run(PAGE)
    name = f"youtube.{fmt}"
    at.file_uploader[0].set_value((name, SPREADSHEETS[fmt](), PARQUET)).run()

    assert not at.exception and not at.error
    summary = next(m.value for m in at.markdown if m.value.startswith(f"**{name}**"))
    assert "long layout · 12 rows · 1 platform: youtube · 6 weeks" in summary
    assert preview_weeks(at) == ["2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]
    assert len(Workspace(root).snapshot().uploads) == 3  # nothing stored by the preview

    click(at, key="import_files")
    assert not at.exception and not at.error
    assert f"Imported {name} as upload #4" in at.success[0].value
    ws = Workspace(root)
    upload = ws.snapshot().uploads[-1]
    assert (upload.name, upload.layout, upload.rows) == (name, "long", 12)
    assert ws.stored_bytes(upload) == SPREADSHEETS[fmt]()  # the original, as uploaded
    assert "youtube" in dashboard_platforms()


def discord_csv() -> bytes:
    """A week of a Discord server's daily numbers in the wide layout: a member count, a
    daily rate, a count and a daily change."""
    days = [dt.date(2026, 11, 9) + dt.timedelta(days=n) for n in range(7)]
    header = ["date", "platform", "followers", "pct_communicated", "likes", "total_membership"]
    header.append("new_followers")
    rows = [[day, "Discord", 500 + n, 0.03, 10, 900 + n, 1] for n, day in enumerate(days)]
    return csv_bytes([header, *rows])


@pytest.mark.parametrize(
    ("name", "content", "caption", "weekly"),
    [
        (
            "youtube.parquet",
            youtube_file,
            "Metrics (weekly): brand_posts (sum), followers (last)",
            {"followers": 220.0, "brand_posts": 2.0},
        ),
        (
            "discord.csv",
            discord_csv,
            "Metrics (weekly): followers (last), likes (sum: a count), new_followers (sum: a "
            "change), pct_communicated (mean: a rate), total_membership (last: a total)",
            {
                "followers": 506.0,
                "likes": 70.0,
                "new_followers": 7.0,
                "pct_communicated": 0.03,
                "total_membership": 906.0,
            },
        ),
    ],
    ids=["canonical", "unknown"],
)
def test_the_preview_names_each_metrics_weekly_aggregation_and_why_for_an_unknown_one(
    root_read: str, name: str, content: Callable[[], bytes], caption: str, weekly: dict[str, float]
) -> None:
    at = run(PAGE)
    at.file_uploader[0].set_value((name, content(), PARQUET)).run()

    assert not at.exception and not at.error
    assert caption in [c.value for c in at.caption]
    table = next(d.value for d in at.dataframe if "followers" in d.value.columns)
    last_week = table.iloc[-1]
    assert {metric: last_week[metric] for metric in weekly} == pytest.approx(weekly)


def test_a_refused_csv_file_names_its_row_as_a_spreadsheet_counts_it(root: str) -> None:
    rows = youtube_rows()
    rows[3][3] = "lots"  # the third data row: row 4, below the header
    at = run(PAGE)
    before = workspace_state(root)
    at.file_uploader[0].set_value(("youtube.csv", csv_bytes(rows), PARQUET)).run()

    assert at.error[0].value == ("youtube.csv: text 'lots' in numeric column value at row 4")
    assert at.button(key="import_files").disabled
    assert workspace_state(root) == before


def tiktok_overview_without_a_year(folder: Path) -> bytes:
    truth = export_files.counts(export_files.TIKTOK_COLUMNS, top=900)
    return export_files.write_tiktok_overview(truth, folder, "Overview.csv").read_bytes()


def test_an_export_without_a_year_asks_for_it_then_is_recognised_and_imported(
    root: str, tmp_path: Path
) -> None:
    at = run(PAGE)
    data = tiktok_overview_without_a_year(tmp_path)
    at.file_uploader[0].set_value(("Overview.csv", data, "text/csv")).run()
    assert "have no year" in at.error[0].value and "Year field" in at.error[0].value
    assert not at.button(key="import_files").value and at.button(key="import_files").disabled

    at.number_input(key="upload_year").set_value(2025).run()

    assert not at.error
    summary = next(m.value for m in at.markdown if m.value.startswith("**Overview.csv**"))
    assert "recognised as TikTok Studio Overview.csv · 35 rows · 1 platform: tiktok" in summary
    click(at, key="import_files")
    assert "Imported Overview.csv as upload #4" in at.success[0].value
    stored = Workspace(root).snapshot().uploads[-1]
    assert (stored.layout, stored.first_week.isoformat()) == (
        "TikTok Studio Overview.csv",
        "2025-08-04",
    )


def test_an_xls_file_with_a_description_row_is_previewed_saying_the_row_skipped_then_imported(
    root: str,
) -> None:
    rows = youtube_rows()
    rows = [["Aggregated metrics, by day"], *[[str(c) for c in row] for row in rows]]
    content = xls_bytes({"Metrics": rows, "All posts": [["Update title"], ["Hello"]]})
    at = run(PAGE)
    at.file_uploader[0].set_value(("youtube.xls", content, PARQUET)).run()

    assert not at.exception and not at.error
    summary = next(m.value for m in at.markdown if m.value.startswith("**youtube.xls**"))
    assert "long layout · 12 rows · 1 platform: youtube · 6 weeks" in summary
    assert any(
        c.value == "Read: the header is row 2; row 1 ('Aggregated metrics, by day') above it "
        "was skipped"
        for c in at.caption
    )
    assert len(Workspace(root).snapshot().uploads) == 3

    click(at, key="import_files")
    assert not at.exception and not at.error
    assert "Imported youtube.xls as upload #4 (the header is row 2;" in at.success[0].value
    upload = Workspace(root).snapshot().uploads[-1]
    assert (upload.name, upload.rows) == ("youtube.xls", 12)
    assert Workspace(root).stored_bytes(upload) == content


def test_a_file_neither_layout_nor_export_is_mapped_once_then_recognised(
    root: str, tmp_path: Path
) -> None:
    path, _ = test_mappings.mastodon_file(tmp_path, "stats-september.csv")
    at = run(PAGE)
    at.file_uploader[0].set_value(("stats-september.csv", path.read_bytes(), "text/csv")).run()
    assert at.error and at.button(key="import_files").disabled
    key = next(str(t.key) for t in at.text_input if str(t.key).startswith("map_"))
    prefix = key[: key.index("_", 4) + 1]  # map_<the file's hash>_

    at.text_input(key=f"{prefix}platform").input("mastodon")
    at.text_input(key=f"{prefix}format").input("DD/MM/YYYY")
    click(at, key=f"{prefix}save")

    assert not at.exception
    assert any("Mapping 'stats-september' saved" in s.value for s in at.success)
    summary = next(m.value for m in at.markdown if m.value.startswith("**stats-september.csv**"))
    assert "recognised as mapping 'stats-september' · 28 rows · 1 platform: mastodon" in summary
    assert Workspace(root).snapshot().mappings["stats-september"].platform == "mastodon"
    metrics = next(c.value for c in at.caption if c.value.startswith("Metrics (weekly)"))
    assert "reply_rate\\_(%) (mean: a rate)" in metrics and "server" not in metrics


def ga4_form(at: AppTest) -> str:
    """Upload the GA4 traffic-acquisition export (``tests/test_value.py`` says where its
    shape comes from), which no layout or export reads; fill the mapping form's date, its
    format and the source column; return the form's key prefix."""
    content = (ROOT / "tests" / "data" / "ga4_traffic_acquisition.csv").read_bytes()
    at.file_uploader[0].set_value(("ga4.csv", content, "text/csv")).run()
    key = next(str(t.key) for t in at.text_input if str(t.key).startswith("map_"))
    prefix = key[: key.index("_", 4) + 1]
    at.selectbox(key=f"{prefix}date").set_value("date").run()
    at.text_input(key=f"{prefix}format").input("YYYYMMDD")
    at.selectbox(key=f"{prefix}source").set_value("session source / medium").run()
    return prefix


def test_a_web_analytics_export_is_mapped_on_the_page_by_its_source_column(root: str) -> None:
    at = run(PAGE)
    prefix = ga4_form(at)
    at.text_area(key=f"{prefix}sources").input(
        "instagram.com = instagram\nl.instagram.com = instagram\n\nlnkd.in=linkedin\n"
    )
    click(at, key=f"{prefix}save")

    assert not at.exception and not at.error
    assert any("Mapping 'ga4' saved" in s.value for s in at.success)
    mapping = Workspace(root).snapshot().mappings["ga4"]
    assert (mapping.source, mapping.platform) == ("session source / medium", "")
    assert dict(mapping.sources) == {
        "instagram.com": "instagram",
        "l.instagram.com": "instagram",
        "lnkd.in": "linkedin",
    }
    chosen = {c.column: c.metric for c in mapping.columns}
    assert "session source / medium" not in chosen
    # offered as its own name, except a name the weekly table computes, offered as ignored
    assert (chosen["key events"], chosen["engagement rate"]) == ("key_events", None)
    summary = next(m.value for m in at.markdown if m.value.startswith("**ga4.csv**"))
    assert "recognised as mapping 'ga4'" in summary
    assert "2 platforms: instagram, linkedin" in summary


def test_a_sources_line_without_its_platform_is_named_and_nothing_is_saved(root: str) -> None:
    at = run(PAGE)
    prefix = ga4_form(at)
    before = workspace_state(root)
    at.text_area(key=f"{prefix}sources").input("instagram.com = instagram\nlnkd.in\n")
    click(at, key=f"{prefix}save")

    assert not at.exception
    assert [e.value for e in at.error if "sources" in e.value] == [
        "sources, line 2: expected a source value = platform, such as instagram.com = "
        "instagram, got 'lnkd.in'"
    ]
    assert workspace_state(root) == before


def test_the_history_counts_each_uploads_metrics_and_names_them_in_words_below(
    root_read: str, app_read: Workspace
) -> None:
    at = run(PAGE)
    table = history(at)
    stored = {u.id: u for u in app_read.snapshot().uploads}
    assert table["metrics"].tolist() == [len(stored[i].metrics) for i in table["id"]]
    listed = next(e for e in at.expander if e.label == "Metrics in each upload")
    lines = listed.markdown[0].value.splitlines()
    assert len(lines) == len(stored)
    newest = stored[max(stored)]
    assert lines[0].startswith(f"- #{newest.id} ")
    assert "active_members" not in lines[1] and "active members" in lines[1]
