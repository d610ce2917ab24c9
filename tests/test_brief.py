"""The one-page PDF brief (``strategy.brief``) and ``brief WS --out FILE.pdf``: one page, the
week's date and the signal's verdict, its numbers equal to ``report --format json``'s, any
company name kept, and refusals of a bad ``--out``."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import pypdf
import pytest

from strategy.brief import brief_charts, brief_pdf
from strategy.domain.analysis import Analysis, analyse
from strategy.report import report_json
from strategy.usecases import Workspace
from strategy.views import charts
from tests.conftest import EDITOR, TODAY, cli

DAYS = [TODAY, dt.date(2026, 10, 5)]
VERDICTS = {"justified": "Justified", "not_yet": "Not yet", "not_justified": "Not justified"}
"""The verdict as the brief's resources answer says it, by the report's status."""


def pdf_text(pdf: bytes) -> tuple[int, str]:
    """The number of pages, and the text of the first read back, its lines joined by spaces
    (a line the layout wrapped reads as one)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(reader.pages[0].extract_text().split())


@cache
def _built(key: str, day: dt.date) -> tuple[Analysis, bytes]:
    result = analyse(Workspace(key).snapshot(), day)
    return result, brief_pdf(result, brief_charts(result), company="Northwind Outdoor")


def built(ws: Workspace, day: dt.date) -> tuple[Analysis, bytes]:
    """The analysis of the shared demo on ``day`` and its brief, made once per engine and day."""
    return _built(ws.location.key, day)


def expected_numbers(report: dict[str, Any]) -> list[str]:
    """What the brief must say, written from the report's JSON alone."""
    counts, team, signal = report["stage_counts"], report["team"], report["resource_signal"]
    money = f"{team['currency']} {{:,.0f}}"
    said = [
        "Platforms per stage: "
        + ", ".join(f"{stage} {counts[stage]}" for stage in ("setup", "retention", "active")),
        f"overall stage: {report['overall_stage']}",
        "COST THIS MONTH " + money.format(team["cost_per_month"]),
        f"cost {money.format(team['cost_per_week'])} a week",
        VERDICTS[signal["status"]],
        signal["summary"],
    ]
    if signal["gap_hours_per_week"] > 0:
        n = len(signal["positions"])
        fte = round(sum(p["fte"] for p in signal["positions"]), 1)
        said.append(
            f"gap: {n} position{'' if n == 1 else 's'}, {fte:g} FTE, "
            f"{money.format(signal['gap_cost_per_week'])} a week"
        )
    else:
        said.append("no gap to close")
    waiting = sum(1 for r in report["requests"] if r["status"] == "open")
    said.append(f"{waiting} request{'' if waiting == 1 else 's'} · ")
    return said


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_brief_is_one_page_with_the_weeks_date_and_the_signals_verdict(
    demo_read: Workspace, day: dt.date
) -> None:
    result, pdf = built(demo_read, day)

    pages, text = pdf_text(pdf)

    assert pages == 1
    monday = day - dt.timedelta(days=day.weekday())
    assert f"Week of {monday:%d %b %Y} · as of {day:%d %b %Y}" in text  # as people read a day
    assert VERDICTS[result.signal.status.value] in text
    assert " ".join(result.signal.summary.split()) in text
    assert text.startswith("Social rollout brief: Northwind Outdoor")


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_briefs_numbers_equal_the_reports_json_of_the_same_day(
    demo_read: Workspace, day: dt.date
) -> None:
    result, pdf = built(demo_read, day)
    report = json.loads(report_json(result))  # what `report --format json` prints

    _, text = pdf_text(pdf)

    missing = [said for said in expected_numbers(report) if said not in text]
    assert not missing, f"{missing} not in: {text}"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # rendering: no storage rule
def test_the_brief_carries_the_stage_and_value_charts_and_stays_on_one_page_with_more(
    demo_read: Workspace,
) -> None:
    result, _ = built(demo_read, TODAY)
    stages = brief_charts(result)
    assert [title for title, _ in stages] == [
        "Platforms per stage, week by week",
        "Value against cost, week by week",
    ]

    chart = stages[0][1]
    assert isinstance(chart, alt.Chart)
    more = [(f"Chart {h}", chart.properties(height=h)) for h in (120, 200, 320)]

    pdf = brief_pdf(result, more)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert len(reader.pages[0].images) == 3  # three different pictures, all on the page
    text = reader.pages[0].extract_text()
    assert all(f"Chart {h}" in text for h in (120, 200, 320))


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # rendering: no storage rule
def test_the_stage_chart_counts_each_platform_once_a_week_in_the_stage_it_was_in(
    demo_read: Workspace,
) -> None:
    result, _ = built(demo_read, TODAY)

    frame = charts.stages_by_week(result.statuses)

    per_week = frame.groupby("week")["platforms"].sum()
    complete = result.wide[result.wide["complete"]]
    with_data = complete.groupby("week")["platform"].nunique()
    assert per_week.to_dict() == with_data.to_dict()
    last = frame[frame["week"] == frame["week"].max()].set_index("stage")["platforms"]
    assert last.to_dict() == {s.value: n for s, n in result.stage_counts.items()}
    assert set(frame["stage"]) == {"setup", "retention", "active"}


NAMES = ["Zoë & Søn 東京", "Café Ørsted € 5", "Ωmega Связь"]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # fonts: no storage rule
@pytest.mark.parametrize("name", NAMES)
def test_any_company_name_and_the_euro_sign_survive_in_the_pdf(
    demo_read: Workspace, name: str
) -> None:
    result, _ = built(demo_read, TODAY)

    _, text = pdf_text(brief_pdf(result, [], company=name))

    assert text.startswith(f"Social rollout brief: {name} Week of")


def test_an_open_request_waits_for_the_executive_in_the_brief(demo_ws: Workspace) -> None:
    raised = demo_ws.raise_request(EDITOR, today=TODAY)
    result = analyse(demo_ws.snapshot(), TODAY)

    _, text = pdf_text(brief_pdf(result, []))

    assert "WAITING FOR YOU 2 decisions 1 request · 0 hire reviews · 1 platform review" in text
    assert f"Open request {raised.label}: approve or decline." in text


# --- the command ---------------------------------------------------------------------


def test_brief_writes_the_pdf_with_the_numbers_of_report_json(
    demo_ws: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())
    ws, out = demo_ws.location.key, tmp_path / "Brief.PDF"

    code, said, err = cli(capsys, "brief", ws, "--out", str(out))

    assert (code, err) == (0, "")
    assert said == f"wrote the brief of {TODAY.isoformat()} to {out}"
    pages, text = pdf_text(out.read_bytes())
    assert pages == 1
    code, printed, _ = cli(capsys, "report", ws, "--format", "json")
    missing = [s for s in expected_numbers(json.loads(printed)) if s not in text]
    assert code == 0 and not missing


def test_brief_on_a_day_reads_the_workspace_as_report_as_of_does(
    demo_ws: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", (TODAY + dt.timedelta(days=30)).isoformat())
    ws, out, on = demo_ws.location.key, tmp_path / "then.pdf", TODAY.isoformat()

    assert cli(capsys, "brief", ws, "--on", on, "--out", str(out))[0] == 0

    _, printed, _ = cli(capsys, "report", ws, "--format", "json", "--as-of", on)
    _, text = pdf_text(out.read_bytes())
    assert f"as of {TODAY:%d %b %Y}" in text
    missing = [s for s in expected_numbers(json.loads(printed)) if s not in text]
    assert not missing


REFUSALS: list[tuple[str, Callable[[Path], list[str]], str]] = [
    (
        "a file that is not a .pdf",
        lambda tmp: ["--out", str(tmp / "brief.txt")],
        "expected a file name ending in .pdf",
    ),
    (
        "a folder that does not exist",
        lambda tmp: ["--out", str(tmp / "nowhere" / "brief.pdf")],
        "the folder {tmp}/nowhere does not exist",
    ),
    (
        "a day after today",
        lambda tmp: ["--on", "2027-01-04", "--out", str(tmp / "brief.pdf")],
        "--on: 2027-01-04 is after today (2026-11-23)",
    ),
]


@pytest.mark.parametrize(
    ("args", "reason"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_brief_refuses_in_one_line_and_writes_nothing(
    demo_read: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: Callable[[Path], list[str]],
    reason: str,
) -> None:
    monkeypatch.setenv("ROLLOUT_TODAY", TODAY.isoformat())

    code, out, err = cli(capsys, "brief", demo_read.location.key, *args(tmp_path))

    assert (code, out) == (1, "")
    assert err.startswith("error: ") and "\n" not in err
    assert reason.format(tmp=tmp_path) in err
    assert list(tmp_path.rglob("*")) == []
