"""The executives' one-page brief as a PDF: the first screen's four answers in words and
numbers, and charts rendered from the dashboard's own Altair specifications.

Charts become PNG without a browser (``vl-convert-python``: Vega-Lite compiled and drawn in
process); the page is laid out with ``fpdf2``, in DejaVu Sans (any Latin, Greek or Cyrillic
text and the euro sign) with Droid Sans Fallback for Chinese, Japanese and Korean names.
Every number comes from ``first_screen`` and so from ``report_dict``: the brief and
``report --format json`` of the same day agree.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import altair as alt

from strategy.domain.analysis import Analysis
from strategy.domain.clock import day_text, monday
from strategy.domain.errors import RolloutError
from strategy.domain.hire_check import VERDICT_WORDS
from strategy.domain.platform_review import ReviewStatus
from strategy.domain.requests import RequestStatus
from strategy.views import charts as chart_specs
from strategy.views.first_screen import Answer, FirstScreen, answers, first_screen
from strategy.views.value_charts import value_against_cost, value_by_week

FONT_DIRS: Final = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
"""Where Debian (``fonts-dejavu-core``) and other systems keep DejaVu Sans."""
FALLBACK_FONTS: Final = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"),
)
"""Chinese, Japanese and Korean glyphs (Debian's ``fonts-droid-fallback``), when installed."""

FONT: Final = "dejavu"
PAGE_W: Final = 210.0
PAGE_H: Final = 297.0
MARGIN: Final = 14.0
WIDTH: Final = PAGE_W - 2 * MARGIN
CHART_PX: Final = 760
"""The width charts are drawn at, in CSS pixels (then at twice the resolution)."""
MOST_REQUESTS: Final = 3
"""Open requests named one by one; more are counted."""
INK: Final = (29, 53, 87)
MUTED: Final = (90, 98, 110)
ACCENT: Final = (42, 157, 143)

Chart = alt.TopLevelMixin | Mapping[str, Any]
"""An Altair chart, or its Vega-Lite specification as a dict."""


def brief_charts(analysis: Analysis) -> list[tuple[str, Chart]]:
    """The charts the brief carries: platforms per stage over time, and value against cost
    (the dashboard's own specifications)."""
    if analysis.latest_week is None:
        return []
    stages = chart_specs.stages_over_time(chart_specs.stages_by_week(analysis.statuses))
    charts: list[tuple[str, Chart]] = [("Platforms per stage, week by week", stages)]
    if analysis.value is not None and analysis.value.weeks:
        frame = value_by_week(analysis.value)
        charts.append(
            ("Value against cost, week by week", value_against_cost(frame, analysis.value.currency))
        )
    return charts


def brief_pdf(
    analysis: Analysis,
    charts: Sequence[tuple[str, Chart]],
    *,
    company: str = "",
    screen: FirstScreen | None = None,
) -> bytes:
    """The one-page brief of the analysis' day: the four answers, then each (title, chart).

    ``screen`` defaults to ``first_screen(analysis)``. Nothing is ever set on a second page:
    the charts share the height the answers leave.
    """
    from fpdf import FPDF

    shown = screen if screen is not None else first_screen(analysis)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    _fonts(pdf, needs_fallback=_beyond_dejavu(company, *analysis.statuses))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(f"Social rollout brief, week of {day_text(monday(shown.today))}")
    pdf.set_creator("Social Rollout Tracker")
    pdf.set_creation_date(dt.datetime.combine(shown.today, dt.time(), tzinfo=dt.UTC))
    pdf.add_page()
    _header(pdf, shown, company)
    for n, answer in enumerate(answers(shown), start=1):
        _section(pdf, n, answer, _details(analysis, shown, n))
    _charts(pdf, [(title, _png(chart)) for title, chart in charts])
    return bytes(pdf.output())


CJK_FROM: Final = 0x2E80
"""The first code point (CJK radicals) of the scripts DejaVu Sans has no glyphs for."""


def _beyond_dejavu(*texts: str) -> bool:
    """Whether any of the texts needs the CJK fallback (loading it takes a second or two)."""
    return any(ord(c) >= CJK_FROM for text in texts for c in text)


def _fonts(pdf: Any, *, needs_fallback: bool) -> None:
    """DejaVu Sans (regular and bold), with the CJK fallback when the text needs it and it
    is installed."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdf.add_font(FONT, "", str(regular))
            pdf.add_font(FONT, "B", str(bold))
            break
    else:
        raise RolloutError(
            "brief: the DejaVu Sans font is not installed (Debian's fonts-dejavu-core; "
            "bash scripts/setup.sh installs it)"
        )
    fallback = next((f for f in FALLBACK_FONTS if f.is_file()), None)
    if needs_fallback and fallback is not None:
        pdf.add_font("cjk", "", str(fallback))  # bold text falls back to it too
        pdf.set_fallback_fonts(["cjk"], exact_match=False)


def _header(pdf: Any, screen: FirstScreen, company: str) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 18)
    title = "Social rollout brief" + (f": {company}" if company else "")
    pdf.multi_cell(WIDTH, 8, title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*MUTED)
    data = (
        f"data through the week of {day_text(screen.latest_week)}"
        if screen.latest_week
        else "no complete week of metrics yet"
    )
    line = f"Week of {day_text(monday(screen.today))} · as of {day_text(screen.today)} · {data}"
    pdf.multi_cell(WIDTH, 5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _section(pdf: Any, n: int, answer: Answer, details: Sequence[str]) -> None:
    """One answer: its question and short answer on one line, the line under it, then the
    detail in words; a coloured rule on the left holds them together."""
    top = pdf.get_y()
    pdf.set_x(MARGIN + 4)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(WIDTH - 4, 5, f"{n}. {answer.question}".upper(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN + 4)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(WIDTH - 4, 7, answer.value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    for text in (answer.caption, *details):
        pdf.set_x(MARGIN + 4)
        pdf.multi_cell(WIDTH - 4, 4.6, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(*ACCENT)
    pdf.rect(MARGIN, top + 0.5, 1.2, pdf.get_y() - top - 0.5, style="F")
    pdf.ln(3.5)


def _details(analysis: Analysis, screen: FirstScreen, n: int) -> list[str]:
    """The words under answer ``n`` (1-4), beyond the first screen's one line."""
    if n == 1:
        stalled = sorted(name for name, s in analysis.statuses.items() if s.stalled)
        counts = ", ".join(f"{stage.value} {count}" for stage, count in screen.stage_counts)
        said = [f"Platforms per stage: {counts}; overall stage: {screen.overall_stage.value}."]
        return said + ([f"Stalled: {', '.join(stalled)}."] if stalled else [])
    if n == 2:
        said = [
            f"The team's social hours cost {screen.currency} {screen.cost_per_week:,.0f} a week "
            "at their hourly rates (a month is 52/12 weeks)."
        ]
        return said + ([f"Left out: {screen.cost_left_out}."] if screen.cost_left_out else [])
    if n == 3:
        return [screen.summary] + ([screen.positions] if screen.positions else [])
    return _waiting(analysis)


def _waiting(analysis: Analysis) -> list[str]:
    """The open requests by name (the first few), the hire reviews not closed and the
    stalled platforms' reviews waiting."""
    open_ = [v.request for v in analysis.requests if v.request.status is RequestStatus.OPEN]
    said = [f"Open request {r.label}: approve or decline." for r in open_[:MOST_REQUESTS]]
    if len(open_) > MOST_REQUESTS:
        said.append(f"And {len(open_) - MOST_REQUESTS} more open requests.")
    said += [
        f"Hire review of request #{v.request.id}, due since {v.review.due_on.isoformat()}: "
        f"{VERDICT_WORDS[v.review.verdict]}; close it with a note."
        for v in analysis.requests
        if v.review is not None and v.review.closed is None
    ]
    said += [
        f"Stop or continue {r.platform}: stalled {r.weeks_in_stage} weeks in {r.stage.value}, "
        f"{r.currency} {r.cost_since_stalled:,.0f} since it stalled; decide it."
        for r in analysis.reviews
        if r.status is ReviewStatus.OPEN
    ]
    return said or ["No request or review waits for a decision."]


def _png(chart: Chart) -> bytes:
    """The chart drawn as PNG from its Vega-Lite specification, without a browser."""
    import vl_convert

    spec = dict(chart_specs.spec(chart) if isinstance(chart, alt.TopLevelMixin) else chart)
    spec["width"] = CHART_PX
    spec.pop("title", None)  # the brief writes each chart's title above it
    return bytes(vl_convert.vegalite_to_png(spec, scale=2))


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG's header chunk."""
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def _charts(pdf: Any, drawn: Sequence[tuple[str, bytes]]) -> None:
    """Each chart under its title, sharing the height left on the page, aspect kept."""
    if not drawn:
        return
    title_h = 6.0
    share = (PAGE_H - MARGIN - pdf.get_y()) / len(drawn) - title_h - 2
    for title, png in drawn:
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, "B", 10.5)
        pdf.cell(WIDTH, title_h, title, new_x="LMARGIN", new_y="NEXT")
        px_w, px_h = _png_size(png)
        w = min(WIDTH, share * px_w / px_h) if share > 0 else 0.0
        if w <= 0:
            continue
        h = w * px_h / px_w
        pdf.image(io.BytesIO(png), x=MARGIN + (WIDTH - w) / 2, y=pdf.get_y(), w=w, h=h)
        pdf.set_y(pdf.get_y() + h + 2)
