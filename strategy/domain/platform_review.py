"""The stop-or-continue review of a stalled platform: when a review is due, what it shows
(weeks in stage, the stall's reason, hours and cost since it stalled), and the decisions an
executive or an admin makes on it.

A platform stalled for more weeks than the workspace's ``stall_review_weeks`` (default 12)
is under review. An executive (or an admin) decides **continue**, with a reason and a day to
look again (the review comes back after that day if the platform is still stalled), or
**stop**, with a reason: a stopped platform leaves the demand, the stall list and the
resource signal, and stays on record until it is **restarted**. Decisions are kept as
history; the latest one made by a day decides on that day.

Hours and cost since the stall: the platform's share of each week's serving hours and their
cost (``strategy.domain.platform_cost``: split by the platforms' demand that week, people
paid in full from their start, their hours ramping up), summed over the weeks from the
Monday the platform entered the stage it is stuck in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from strategy.domain.access import Actor
from strategy.domain.choices import parse_enum
from strategy.domain.clock import day_text, parse_day
from strategy.domain.errors import NotFound, PermissionDenied, ValidationError, given
from strategy.domain.gates import Stage
from strategy.domain.limits import free_text
from strategy.domain.platform_cost import PlatformSplit
from strategy.domain.stages import PlatformStatus

if TYPE_CHECKING:  # loaded where a frame is computed, not with the rules
    pass

VALUE_NOT_MEASURED: Final[str] = "value not measured"
"""What a review says of a platform's value while no value metrics exist."""


class Decision(StrEnum):
    """What an executive decides on a platform's review, and the restart of a stopped one."""

    CONTINUE = "continue"
    STOP = "stop"
    RESTART = "restart"


class ReviewStatus(StrEnum):
    """Where a platform's review stands: waiting, continued until a day, or stopped."""

    OPEN = "open"
    CONTINUE = "continue"
    STOPPED = "stopped"


@dataclass(frozen=True)
class PlatformDecision:
    """One decision on a platform, as stored: the latest made by a day decides on it."""

    platform: str
    decision: Decision
    reason: str
    decided_on: dt.date
    decided_by: str
    until: dt.date | None = None
    """Continue: the day to look again; after it the review comes back if still stalled."""
    id: int | None = None


@dataclass(frozen=True)
class Review:
    """A platform under review or decided: what its card shows."""

    platform: str
    status: ReviewStatus
    stage: Stage
    weeks_in_stage: int
    """Also the stall's length: the weeks counted in the stage it is stuck in."""
    stalled_since: dt.date | None
    """The Monday of the first week in that stage."""
    stall_reason: str
    """The criterion not met and its trend, as the stall says them."""
    hours_since_stalled: float
    cost_since_stalled: float
    currency: str
    decision: PlatformDecision | None = None
    """The decision in force (continue or stop); None while the review waits."""
    value: str = VALUE_NOT_MEASURED

    @property
    def decided_by(self) -> str | None:
        return self.decision.decided_by if self.decision else None

    @property
    def reason(self) -> str | None:
        return self.decision.reason if self.decision else None

    @property
    def until(self) -> dt.date | None:
        return self.decision.until if self.decision else None

    @property
    def decided_on(self) -> dt.date | None:
        return self.decision.decided_on if self.decision else None


# --- decisions in force ---------------------------------------------------------------------


def latest_decisions(
    decisions: Iterable[PlatformDecision], today: dt.date
) -> dict[str, PlatformDecision]:
    """Each platform's latest decision made by ``today`` (the later id wins on one day)."""
    out: dict[str, PlatformDecision] = {}
    for d in sorted(decisions, key=lambda d: (d.decided_on, d.id or 0)):
        if d.decided_on <= today:
            out[d.platform] = d
    return out


def stopped_platforms(
    decisions: Iterable[PlatformDecision], today: dt.date
) -> dict[str, PlatformDecision]:
    """The platforms stopped on ``today``, each with its stop decision."""
    return {
        name: d
        for name, d in latest_decisions(decisions, today).items()
        if d.decision is Decision.STOP
    }


def review_due(status: PlatformStatus, review_weeks: int) -> bool:
    """A platform stalled for more than ``review_weeks`` weeks gets a review."""
    return status.stalled and status.weeks_in_stage > review_weeks


def review_status(
    status: PlatformStatus, last: PlatformDecision | None, review_weeks: int, today: dt.date
) -> ReviewStatus | None:
    """Where a platform's review stands on ``today``; None when it has none."""
    if last is not None and last.decision is Decision.STOP:
        return ReviewStatus.STOPPED
    if last is not None and last.decision is Decision.CONTINUE and last.until is not None:
        return ReviewStatus.CONTINUE if today <= last.until else _open(status, review_weeks)
    return _open(status, review_weeks)


def _open(status: PlatformStatus, review_weeks: int) -> ReviewStatus | None:
    return ReviewStatus.OPEN if review_due(status, review_weeks) else None


# --- the reviews ---------------------------------------------------------------------------


def platform_reviews(
    statuses: Mapping[str, PlatformStatus],
    decisions: Iterable[PlatformDecision],
    today: dt.date,
    review_weeks: int,
    split: PlatformSplit,
    currency: str,
) -> tuple[Review, ...]:
    """Every platform under review or decided on ``today``, by name. ``split`` is each
    platform's weekly serving hours and their cost (``strategy.domain.platform_cost``)."""
    last = latest_decisions(decisions, today)
    out = []
    for name, status in sorted(statuses.items()):
        state = review_status(status, last.get(name), review_weeks, today)
        if state is None:
            continue
        hours, cost = split.since(name, status.since)
        out.append(
            Review(
                platform=name,
                status=state,
                stage=status.stage,
                weeks_in_stage=status.weeks_in_stage,
                stalled_since=status.since,
                stall_reason=status.stall_reason,
                hours_since_stalled=round(hours, 2),
                cost_since_stalled=round(cost, 2),
                currency=currency,
                decision=None if state is ReviewStatus.OPEN else last[name],
            )
        )
    return tuple(out)


# --- the rules of a decision ---------------------------------------------------------------

UNTIL_DAYS: Final[int] = 366
"""The latest day to look again: a year after today."""


def require_reviewer(actor: Actor, action: str) -> None:
    """Only an executive or an admin decides a platform's review or restarts it."""
    if not actor.can_decide:
        article = "an" if actor.role.value[0] in "aeiou" else "a"
        raise PermissionDenied(
            f"{actor.name} is {article} {actor.role.value}; only an executive or an admin "
            f"decides a platform's review ({action})"
        )


def review_choice(raw: object) -> Decision:
    """Continue or stop, as a person names it."""
    try:
        choice = parse_enum(Decision, raw, "decision")
    except ValidationError:
        choice = Decision.RESTART
    if choice is Decision.RESTART:
        raise ValidationError(f"decision: expected continue or stop, got {given(raw)}")
    return choice


def review_reason(raw: object) -> str:
    return free_text(raw, "reason", needed_by="a stop or continue decision")


def look_again(raw: object, choice: Decision, today: dt.date) -> dt.date | None:
    """Continue: the day to look again, after today and within a year; stop: none."""
    if choice is Decision.STOP:
        if raw not in (None, ""):
            raise ValidationError(
                "until: a stop has no day to look again; give it only with continue"
            )
        return None
    if raw in (None, ""):
        raise ValidationError("until: continue needs a day to look again (YYYY-MM-DD)")
    day = parse_day(raw, "until", latest=dt.date.max)
    latest = today + dt.timedelta(days=UNTIL_DAYS)
    if not today < day <= latest:
        raise ValidationError(
            f"until: expected a day after today ({today.isoformat()}) and at most a year "
            f"on ({latest.isoformat()}), got {day.isoformat()}"
        )
    return day


def review_of(reviews: Iterable[Review], platform: str, known: Iterable[str]) -> Review | None:
    """The platform's review (None when it has none); NotFound for a platform not known."""
    names = sorted(known)
    if platform not in names:
        raise NotFound(
            f"platform {platform!r} does not exist; known: {', '.join(names) or 'none yet'}"
        )
    return next((r for r in reviews if r.platform == platform), None)


def check_reviewable(review: Review | None, platform: str, review_weeks: int) -> None:
    """Only a platform under review (waiting, or continued) is decided continue or stop."""
    if review is None:
        raise ValidationError(
            f"{platform} is not under review: a review comes once a platform has stalled "
            f"for more than {review_weeks} weeks"
        )
    if review.status is ReviewStatus.STOPPED and review.decision is not None:
        raise ValidationError(
            f"{platform} was stopped on {review.decision.decided_on.isoformat()}; restart it first"
        )


def check_restartable(review: Review | None, platform: str) -> PlatformDecision:
    """Only a stopped platform is restarted: its stop decision."""
    if review is None or review.status is not ReviewStatus.STOPPED or review.decision is None:
        raise ValidationError(f"{platform} is not stopped: only a stopped platform is restarted")
    return review.decision


def decision_text(d: PlatformDecision) -> str:
    """A decision in one line, as the stand-up and the CLI say it."""
    if d.decision is Decision.STOP:
        return f"{d.platform} stopped by {d.decided_by}: {d.reason}"
    if d.decision is Decision.CONTINUE:
        until = f" until {day_text(d.until)}" if d.until else ""
        return f"{d.platform} continued by {d.decided_by}{until}: {d.reason}"
    return f"{d.platform} restarted by {d.decided_by}"


def waiting_text(r: Review) -> str:
    """An open review on the stand-up."""
    return (
        f"Review waiting: {r.platform} stalled for {r.weeks_in_stage} weeks in "
        f"{r.stage.value}; {r.currency} {r.cost_since_stalled:,.0f} since it stalled; "
        "an executive decides: continue or stop"
    )


def stopped_text(d: PlatformDecision) -> str:
    """How a stopped platform is shown: ``stopped on 23 Nov 2026: REASON``."""
    return f"stopped on {day_text(d.decided_on)}: {d.reason}"


def review_line(r: Review) -> str:
    """A review in one line: where it stands, the stall, its hours and cost since."""
    since = (
        f"{r.hours_since_stalled:,.0f} h, {r.currency} {r.cost_since_stalled:,.0f} since it stalled"
    )
    head = f"{r.platform}: {r.weeks_in_stage} weeks in {r.stage.value}; {since}; {r.value}"
    if r.decision is None:
        return f"{head}; waiting for an executive's decision (continue or stop)"
    if r.status is ReviewStatus.STOPPED:
        return f"{head}; {stopped_text(r.decision)} (by {r.decision.decided_by})"
    return f"{head}; {decision_text(r.decision)}"


def agenda_lines(
    reviews: Iterable[Review],
    decisions: Iterable[PlatformDecision],
    happened: Callable[[dt.date | None], bool],
) -> list[tuple[str, bool]]:
    """The stand-up's lines on platform reviews, each with whether it waits for an
    executive: the reviews waiting, then the decisions made in the agenda's span."""
    waiting = [(waiting_text(r), True) for r in reviews if r.decision is None]
    return waiting + [(decision_text(d), False) for d in decisions if happened(d.decided_on)]
