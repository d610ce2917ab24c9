"""Upload metrics: parquet, CSV, xlsx and xls files previewed and validated before anything is
stored, then imported; the upload history, and removal of an upload."""

from __future__ import annotations

import streamlit as st

from strategy.domain.clock import day_text
from strategy.domain.errors import RolloutError
from strategy.domain.mappings import source_lines
from strategy.ingest.mappings import AGGREGATION_CHOICES, check_mapping
from strategy.views.words import moment_text, plural
from ui import saving, session, uploads
from ui.markup import md

st.set_page_config(
    page_title="Upload metrics · Social Rollout Tracker", page_icon="📤", layout="wide"
)
session.sidebar()
ws = session.workspace()
snap = session.snapshot()
editable = session.can_edit()
today = session.today()

st.title("Upload metrics")
session.show_flash()
for imported, message in st.session_state.pop("upload_flash", []):
    (st.success if imported else st.error)(md(message))


def format_rules() -> None:
    """What files the page reads and how, folded below the upload box."""
    with st.expander("Which files are read, and how"):
        st.markdown(
            "Parquet, CSV or Excel (.xlsx, .xls) files, several at once, each recognised by "
            "its column names as one of these:\n"
            + "\n".join(f"- **{layout}**: {note}" for layout, note in uploads.LAYOUT_NOTES.items())
            + "\n- **a platform's own export, as downloaded**: X, YouTube Studio, TikTok Studio, "
            "Meta Business Suite, Instagram and Facebook posts, LinkedIn Page, Discord Server "
            "Insights, Reddit traffic (recognised by their columns)\n"
            + "- **any other file**: mapped once below, then recognised by its columns\n\n"
            + uploads.FILE_NOTES
        )
        st.caption(
            "Each file is checked and previewed before anything is stored. Where two uploads "
            "cover the same week, platform and metric, the later one wins; removing it restores "
            "the earlier."
        )


# --- choose, preview, import -------------------------------------------------------------


NO_SOURCE = "(none: every row is the platform's)"


def map_the_file(preview: uploads.Preview) -> None:
    """The form that maps a file neither a layout nor a known export, once: saved under its
    header, it reads this file and every later one with the same columns."""
    prefix = f"map_{preview.sha256[:12]}_"
    st.markdown(
        "**Map this file once.** Say what its columns are; the mapping is saved under its "
        "header, and the next file with the same columns is read by it."
    )
    top = st.columns(4)
    name = top[0].text_input(
        "Mapping name", value=preview.name.rsplit(".", 1)[0], key=f"{prefix}name"
    )
    platform = top[1].text_input(
        "Platform", key=f"{prefix}platform", help="The platform of every row (no source column)."
    )
    date = top[2].selectbox("Date column", preview.header, key=f"{prefix}date")
    date_format = top[3].text_input(
        "Date format",
        key=f"{prefix}format",
        help="As the header would state it: DD/MM/YYYY, MM/DD/YYYY, MMM D, YYYY; empty for "
        "ISO dates (2026-03-02).",
    )
    by_source = st.columns(2)
    source = by_source[0].selectbox(
        "Source column",
        [NO_SOURCE, *(c for c in preview.header if c != date)],
        key=f"{prefix}source",
        help="A column naming each row's traffic source (a web-analytics export's Session "
        "source / medium): its values say the platform, and rows of other sources are left out.",
    )
    sources = by_source[1].text_area(
        "Sources (with a source column)",
        key=f"{prefix}sources",
        placeholder="instagram.com = instagram\nfacebook.com = facebook",
        help="One a line: a value of the source column, =, the platform its rows count for.",
    )
    source_column = None if source == NO_SOURCE else str(source)
    table = st.data_editor(
        uploads.mapping_rows(preview.header, str(date), source_column),
        hide_index=True,
        disabled=["column"],
        column_config={
            "metric": st.column_config.TextColumn(
                "metric", help="A canonical metric, a new name, or empty to ignore the column"
            ),
            "aggregation": st.column_config.SelectboxColumn(
                "weekly aggregation", options=list(AGGREGATION_CHOICES), required=True
            ),
        },
        key=f"{prefix}columns",
    )
    if saving.button("Save the mapping", key=f"{prefix}save", type="primary"):
        with saving.save(prefix) as saved:
            mapping = check_mapping(
                name,
                preview.header,
                platform,
                date,
                date_format,
                {str(r.column): (r.metric, r.aggregation) for r in table.itertuples(index=False)},
                source_column,
                source_lines(sources) if source_column else None,
            )
            ws.save_mapping(session.actor(), mapping)
            saved(f"Mapping {mapping.name!r} saved: files with these columns are read by it.")


if not editable:
    st.info("You can view the upload history; uploading needs an editor.")
else:
    round_no = st.session_state.setdefault("upload_round", 0)
    chosen = st.file_uploader(
        "Metric files (parquet, CSV, xlsx or xls)",
        type=uploads.FILE_TYPES,
        accept_multiple_files=True,
        key=f"metric_files_{round_no}",
        max_upload_size=st.get_option("server.maxUploadSize"),  # the one statement of it
    )
    asked = st.columns(2)
    given = uploads.Given(
        platform=asked[0]
        .text_input(
            "Platform (only for an export that does not name it)",
            key="upload_platform",
            help="Given, it wins over what the file says.",
        )
        .strip()
        or None,
        year=asked[1].number_input(
            "Year (only for an export whose dates have none, like TikTok's)",
            min_value=2000,
            max_value=2100,
            value=None,
            step=1,
            key="upload_year",
        ),
    )
    format_rules()
    ready = []
    unconfirmed = []
    hashes = uploads.content_hashes(chosen or [])
    for file in chosen or []:
        data = file.getvalue()
        preview = uploads.preview(
            data,
            file.name,
            snap.returning_weeks,
            given,
            tuple(snap.mappings.values()),
            hashes[file.file_id],
        )
        with st.container(border=True):
            if not preview.ok:
                st.error(md(preview.error), icon="🚫")
                if preview.header:
                    map_the_file(preview)
                continue
            kind = (
                f"recognised as {md(preview.layout)}"
                if preview.export
                else (f"{preview.layout} layout")
            )
            st.markdown(
                f"**{md(preview.name)}** · {kind} · {preview.rows:,} rows · "
                f"{plural(len(preview.platforms), 'platform')}: "
                f"{md(', '.join(preview.platforms))} · "
                f"{plural(preview.weeks, 'week')}"
                + (
                    f", {day_text(preview.first_week)} – {day_text(preview.last_week)}"
                    if preview.first_week and preview.last_week
                    else ""
                )
            )
            st.caption(
                "Metrics (weekly): "
                + ", ".join(
                    md(uploads.with_aggregation(m, preview.chosen)) for m in preview.metrics
                )
            )
            if preview.layout == "events":
                st.caption(uploads.returning_note(snap.returning_weeks))
            for note in preview.notes:
                st.caption("Read: " + md(note))
            duplicate = uploads.already_imported(preview, snap.uploads)
            if duplicate is not None:
                st.warning(
                    f"This exact file is already imported as upload #{duplicate.id} "
                    f"({md(duplicate.name)}); it will not be imported again.",
                    icon="♻️",
                )
                continue
            for warning in uploads.partly_reported(preview, snap.weekly, snap.gates, today):
                st.warning(
                    md(warning) + ". It is imported, and counts once a later upload brings "
                    "the rest of the week.",
                    icon="⚠️",
                )
            unknown = uploads.new_metrics(preview, snap.uploads)
            for said in unknown.values():
                st.warning(md(said), icon="❓")
            confirmed = bool(unknown) and st.checkbox(
                md(uploads.new_metrics_label(list(unknown))), key=f"new_metrics_{preview.sha256}"
            )
            if unknown and not confirmed:
                unconfirmed.append(preview.name)
            st.dataframe(preview.table, hide_index=True, height="content")
            ready.append((preview, data, confirmed))

    if chosen:
        count = len(ready)
        label = f"Import {count} file" + ("" if count == 1 else "s")
        if unconfirmed:
            st.caption(
                "Correct the metric names, or confirm the new metrics of "
                + md(", ".join(unconfirmed))
                + ", to import."
            )
        blocked = count == 0 or bool(unconfirmed)
        if saving.button(label, type="primary", disabled=blocked, key="import_files"):
            outcomes = []
            progress = st.progress(0.0, text="Importing…")
            with st.spinner("Importing and recomputing the weekly table…"):
                for n, (ready_preview, data, confirmed) in enumerate(ready, start=1):
                    try:
                        upload = uploads.import_upload(
                            ws, session.actor(), data, ready_preview, new_metrics=confirmed
                        )
                    except RolloutError as exc:
                        outcomes.append((False, str(exc)))
                    else:
                        said = "".join(f" ({note})" for note in upload.notes)
                        outcomes.append(
                            (True, f"Imported {upload.name} as upload #{upload.id}{said}.")
                        )
                    progress.progress(n / count, text=f"Imported {n} of {count}")
            st.session_state["upload_flash"] = outcomes
            st.session_state["upload_round"] = round_no + 1
            st.rerun()

# --- history and removal -----------------------------------------------------------------
st.header("Upload history")
if not snap.uploads:
    st.caption("Nothing uploaded yet.")
else:
    st.dataframe(
        uploads.history_frame(snap.uploads),
        hide_index=True,
        column_config=uploads.HISTORY_COLUMNS,
    )
    with st.expander("Metrics in each upload"):
        st.markdown(uploads.metrics_lines(snap.uploads))
    if editable:
        with st.form("remove_upload"):
            st.subheader("Remove an upload")
            by_id = {u.id: u for u in snap.uploads}
            chosen_id = st.selectbox(
                "Upload",
                sorted(by_id, reverse=True),
                format_func=lambda i: (
                    f"#{i} {by_id[i].name} ({moment_text(by_id[i].uploaded_at)} UTC)"
                ),
                key="remove_upload_id",
            )
            confirmed = st.checkbox(
                "Yes, remove it: the weeks it covered fall back to earlier uploads",
                key="remove_upload_confirm",
            )
            remove = saving.submit("Remove upload", key="remove_upload_submit")
        if remove:
            if not confirmed:
                st.error("Tick the confirmation to remove the upload.")
            else:
                with saving.save(spinner="Removing the upload and recomputing…") as saved:
                    ws.remove_upload(session.actor(), int(chosen_id))
                    saved(f"Removed upload #{chosen_id} ({by_id[chosen_id].name}).")
