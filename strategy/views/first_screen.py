"""The executives' four answers, as plain values: the dashboard's first screen and the
one-page brief (``strategy.brief``) both show them.

Every number is read from ``report_dict`` (the report's JSON), never recomputed, so the
first screen, the brief and ``report --format json`` of the same day agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from strategy.domain.analysis import Analysis
from strategy.domain.gates import Stage
from strategy.domain.numbers import plain_number
from strategy.domain.positions import positions_sentence
from strategy.domain.resources import SignalStatus
from strategy.report import report_dict, stage_counts_text

HIRING_IN_PROGRESS: Final = "Hiring in progress"
"""The resources card's answer while approved hires cover the whole gap."""

RETURN_NOT_MEASURED: Final = "return: value not measured yet"
"""What the cost card says of the return while no revenue is measured."""


@dataclass(frozen=True)
class FirstScreen:
    """The four answers of a day, as numbers and words (see ``first_screen``)."""

    today: dt.date
    latest_week: dt.date | None
    stage_counts: tuple[tuple[Stage, int], ...]
    """Platforms per stage, setup first."""
    overall_stage: Stage
    currency: str
    cost_per_week: float
    cost_per_month: float
    cost_left_out: str
    """Who the team's cost leaves out for want of a rate ("" when nobody)."""
    verdict: SignalStatus
    summary: str
    gap_hours_per_week: float
    gap_cost_per_week: float
    positions: str
    """The gap as positions, in one sentence ("" without a gap)."""
    hiring: str
    """``hiring in progress: ...`` while approved hires do not all serve yet, else ""."""
    hiring_covers_gap: bool
    """Justified, and the approved hires cover all of it: nothing more to ask for."""
    approved_hours: float
    """Hours a week approved requests grant, and of them those of people who started."""
    started_hours: float
    open_requests: int
    reviews_waiting: int
    """Hire reviews that are due and not closed."""
    returned: float | None = None
    """What social returned over the signal's window (about the last month), as revenue / cost
    (``value_total.return``; None: revenue not measured)."""
    stalled_reviews: int = 0
    """Stop-or-continue reviews of stalled platforms waiting for a decision."""
    gap_positions: int = 0
    """How many positions the gap is (``resource_signal.positions``)."""
    gap_fte: float = 0.0
    """Their full-time equivalents together."""

    @property
    def platforms(self) -> int:
        return sum(n for _, n in self.stage_counts)

    @property
    def waiting(self) -> int:
        """Every decision waiting for an executive."""
        return self.open_requests + self.reviews_waiting + self.stalled_reviews


def first_screen(analysis: Analysis) -> FirstScreen:
    """The four answers as they stand on the analysis' day, read from the report's JSON."""
    report = report_dict(analysis)
    signal, team = report["resource_signal"], report["team"]
    hiring = analysis.signal.hiring
    return FirstScreen(
        today=analysis.today,
        latest_week=analysis.latest_week,
        stage_counts=tuple((s, int(report["stage_counts"].get(s.value, 0))) for s in Stage),
        overall_stage=Stage(report["overall_stage"]),
        currency=str(team["currency"]),
        cost_per_week=float(team["cost_per_week"]),
        cost_per_month=float(team["cost_per_month"]),
        cost_left_out=analysis.team.cost.missing_text if team["no_rate_for"] else "",
        verdict=SignalStatus(signal["status"]),
        summary=str(signal["summary"]),
        gap_hours_per_week=float(signal["gap_hours_per_week"]),
        gap_cost_per_week=float(signal["gap_cost_per_week"]),
        positions=positions_sentence(analysis.signal.positions) if signal["positions"] else "",
        hiring=hiring.text if hiring.in_progress else "",
        hiring_covers_gap=signal["status"] == SignalStatus.JUSTIFIED.value
        and not analysis.signal.asks_for_more,
        approved_hours=float(signal["hiring"]["approved_hours"]),
        started_hours=float(signal["hiring"]["started_hours"]),
        open_requests=sum(1 for r in report["requests"] if r["status"] == "open"),
        reviews_waiting=sum(1 for r in report["requests"] if _review_waits(r)),
        stalled_reviews=sum(1 for r in report["reviews"] if r["status"] == "open"),
        returned=(report["value_total"] or {}).get("return"),
        gap_positions=len(signal["positions"]),
        gap_fte=sum(float(p["fte"]) for p in signal["positions"]),
    )


def _review_waits(request: dict[str, Any]) -> bool:
    review = request["review"]
    return review is not None and not review["closed"]


# --- the four answers in words ---------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One card: the question, its answer (short), one line under it, and where the detail
    is on the dashboard (an anchor)."""

    question: str
    value: str
    caption: str
    anchor: str


def _money(screen: FirstScreen, amount: float) -> str:
    return f"{screen.currency} {amount:,.0f}"


def stages_answer(screen: FirstScreen) -> Answer:
    """Where the rollout stands: ``1 of 4 active``, then the other stages."""
    value, _, rest = stage_counts_text(dict(screen.stage_counts)).partition(", ")
    if not screen.platforms:
        value, rest = "No platforms yet", "upload metrics to start"
    caption = rest or f"overall: {screen.overall_stage.value}"
    return Answer("Where the rollout stands", value, caption, "stage-timeline")


def cost_answer(screen: FirstScreen) -> Answer:
    """What the team costs this month, and what it returns (a place kept until measured)."""
    returned = (
        RETURN_NOT_MEASURED if screen.returned is None else f"return: {screen.returned:,.1f}x"
    )
    return Answer(
        "Cost this month", _money(screen, screen.cost_per_month), returned, "what-the-team-costs"
    )


def resources_answer(screen: FirstScreen) -> Answer:
    """Whether extra resources are justified, and the gap in hours and money."""
    if screen.hiring_covers_gap:
        started = (
            f"{plain_number(round(screen.approved_hours, 1))} h approved, "
            f"{plain_number(round(screen.started_hours, 1))} h started"
        )
        return Answer("Extra resources", HIRING_IN_PROGRESS, started, "extra-resources")
    value = screen.verdict.value.replace("_", " ").capitalize()
    if screen.gap_hours_per_week > 0:
        hours = plain_number(round(screen.gap_hours_per_week, 1))
        money = _money(screen, screen.gap_cost_per_week)
        caption = f"gap: {hours} h, {money} a week"
        if screen.gap_positions:
            fte = plain_number(round(screen.gap_fte, 1))
            caption = f"gap: {_count(screen.gap_positions, 'position')}, {fte} FTE, {money} a week"
    else:
        caption = "no gap to close"
    return Answer("Extra resources", value, caption, "extra-resources")


def waiting_answer(screen: FirstScreen) -> Answer:
    """What waits for an executive: open requests, hire reviews, reviews of stalls."""
    parts = [
        _count(screen.open_requests, "request"),
        _count(screen.reviews_waiting, "hire review"),
        _count(screen.stalled_reviews, "platform review"),
    ]
    value = "Nothing" if not screen.waiting else _count(screen.waiting, "decision")
    return Answer("Waiting for you", value, " · ".join(parts), "resource-requests")


def answers(screen: FirstScreen) -> tuple[Answer, Answer, Answer, Answer]:
    """The four answers, in the order the first screen and the brief show them."""
    return (
        stages_answer(screen),
        cost_answer(screen),
        resources_answer(screen),
        waiting_answer(screen),
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
