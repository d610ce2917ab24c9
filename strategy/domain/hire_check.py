"""What approved hires bring, as values: the hiring in progress the resource signal reads,
and the review that checks a filled request once its people serve in full.

Only the values and their stored form live here, so that the signal (``resources``) and the
request views (``requests``) can hold them; ``strategy.domain.hiring`` computes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from strategy.domain.numbers import plain_number

HOURS_TOLERANCE: Final = 0.05
"""Hours a week closer than this count as equal (they are shown to a tenth)."""


@dataclass(frozen=True)
class HiringProgress:
    """The hours every approved request grants, those of the people hired against them who
    have started, and those started hours at each person's ramp-up share (effective)."""

    approved_hours: float = 0.0
    started_hours: float = 0.0
    effective_hours: float = 0.0

    @property
    def pending_hours(self) -> float:
        """Approved hours that do not serve yet: not hired, not started or still ramping up."""
        return max(self.approved_hours - self.effective_hours, 0.0)

    @property
    def in_progress(self) -> bool:
        """True while approved hires are not all started or not all at full hours."""
        return self.pending_hours > HOURS_TOLERANCE

    @property
    def text(self) -> str:
        """``hiring in progress: 50 h approved, 30 h started, 12 h effective``."""
        return (
            f"hiring in progress: {plain_number(round(self.approved_hours, 1))} h approved, "
            f"{plain_number(round(self.started_hours, 1))} h started, "
            f"{plain_number(round(self.effective_hours, 1))} h effective"
        )

    def to_dict(self) -> dict[str, float]:
        """The report's ``resource_signal.hiring``."""
        return {
            "approved_hours": round(self.approved_hours, 2),
            "started_hours": round(self.started_hours, 2),
            "effective_hours": round(self.effective_hours, 2),
        }


@dataclass(frozen=True)
class Reading:
    """Demand, serving hours, response times and active platforms over a window's weeks:
    what a request's evidence claimed when it was raised, and what a review reads now."""

    weeks: int
    demand_hours: float
    serving_hours: float
    response_minutes: float | None
    """The mean of the weeks' slowest responses; None when not measured."""
    slow_weeks: int
    response_target: float
    active: tuple[str, ...]

    def demand_text(self) -> str:
        """``60.0 h/week against 20.0 serving hours (300%)``."""
        text = f"{self.demand_hours:,.1f} h/week against {self.serving_hours:,.1f} serving hours"
        if self.serving_hours > 0:
            text += f" ({self.demand_hours / self.serving_hours:.0%})"
        return text

    def response_text(self) -> str:
        """``95 min on average, slower than the 60-minute target in 4 of 4 weeks``."""
        if self.response_minutes is None:
            return "not measured"
        return (
            f"{plain_number(round(self.response_minutes))} min on average, slower than the "
            f"{plain_number(self.response_target)}-minute target in {self.slow_weeks} of "
            f"{self.weeks} weeks"
        )

    def active_text(self) -> str:
        """``2 (forum, instagram)``, or ``none``."""
        return f"{len(self.active)} ({', '.join(self.active)})" if self.active else "none"


def reading_to_dict(r: Reading) -> dict[str, Any]:
    return {
        "weeks": r.weeks,
        "demand_hours": r.demand_hours,
        "serving_hours": r.serving_hours,
        "response_minutes": r.response_minutes,
        "slow_weeks": r.slow_weeks,
        "response_target": r.response_target,
        "active": list(r.active),
    }


def reading_from_dict(d: Mapping[str, Any]) -> Reading:
    minutes = d.get("response_minutes")
    return Reading(
        weeks=int(d["weeks"]),
        demand_hours=float(d["demand_hours"]),
        serving_hours=float(d["serving_hours"]),
        response_minutes=None if minutes is None else float(minutes),
        slow_weeks=int(d["slow_weeks"]),
        response_target=float(d["response_target"]),
        active=tuple(str(x) for x in d["active"]),
    )


NO_HIRING: Final = HiringProgress()
"""Nothing approved: every hour 0."""


class Verdict(StrEnum):
    """Did the hire close the gap its request claimed?"""

    CLOSED = "closed"
    PARTLY_CLOSED = "partly_closed"
    NOT_CLOSED = "not_closed"

    @property
    def words(self) -> str:
        return VERDICT_WORDS[self]


VERDICT_WORDS: Final[dict[Verdict, str]] = {
    Verdict.CLOSED: "the gap is closed",
    Verdict.PARTLY_CLOSED: "the gap is partly closed",
    Verdict.NOT_CLOSED: "the gap is not closed",
}


@dataclass(frozen=True)
class ReviewLine:
    """One thing the request's evidence claimed, against what the weeks read show now."""

    label: str
    claimed: str
    now: str


@dataclass(frozen=True)
class ReviewClose:
    """An executive's closing of a review: when, who and their note."""

    on: dt.date
    by: str
    note: str


@dataclass(frozen=True)
class Review:
    """The check of a filled request once all its people have reached full hours."""

    request_id: int
    due_on: dt.date
    """The day the last of the request's people reached full hours."""
    verdict: Verdict
    lines: tuple[ReviewLine, ...]
    window_from: dt.date | None
    window_to: dt.date | None
    weeks_since: int
    """How many of the weeks read start on or after ``due_on``."""
    summary: str
    closed: ReviewClose | None = None
    """Set once an executive has closed the review; the review is then kept as it was."""


def review_to_dict(r: Review) -> dict[str, Any]:
    """A review as the report's JSON shows it and as a closed one is stored."""
    c = r.closed
    return {
        "request_id": r.request_id,
        "verdict": r.verdict.value,
        "summary": r.summary,
        "due_on": r.due_on.isoformat(),
        "lines": [{"label": x.label, "claimed": x.claimed, "now": x.now} for x in r.lines],
        "window": {
            "from": r.window_from.isoformat() if r.window_from else None,
            "to": r.window_to.isoformat() if r.window_to else None,
        },
        "weeks_since": r.weeks_since,
        "closed": c is not None,
        "closed_on": c.on.isoformat() if c else None,
        "closed_by": c.by if c else None,
        "note": c.note if c else None,
    }


def review_from_dict(d: Mapping[str, Any]) -> Review:
    """A closed review as stored, read back."""
    window = d.get("window") or {}
    closed = (
        ReviewClose(dt.date.fromisoformat(d["closed_on"]), str(d["closed_by"]), str(d["note"]))
        if d.get("closed")
        else None
    )
    return Review(
        request_id=int(d["request_id"]),
        due_on=dt.date.fromisoformat(d["due_on"]),
        verdict=Verdict(d["verdict"]),
        lines=tuple(ReviewLine(x["label"], x["claimed"], x["now"]) for x in d["lines"]),
        window_from=dt.date.fromisoformat(window["from"]) if window.get("from") else None,
        window_to=dt.date.fromisoformat(window["to"]) if window.get("to") else None,
        weeks_since=int(d["weeks_since"]),
        summary=str(d["summary"]),
        closed=closed,
    )


def review_text(r: Review) -> str:
    """The review in a few lines of plain text (the CLI, the text report, the stand-up)."""
    head = f"Review of request #{r.request_id}: {r.verdict.words} ({r.verdict.value}). "
    lines = [head + r.summary]
    lines += [f"  {x.label}: claimed {x.claimed}; now {x.now}" for x in r.lines]
    if r.closed is not None:
        c = r.closed
        lines.append(f"  Closed by {c.by} on {c.on.isoformat()}: {c.note}")
    else:
        lines.append("  Open: an executive closes it with a note.")
    return "\n".join(lines)
