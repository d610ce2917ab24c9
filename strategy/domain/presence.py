"""Who is on the team on a day, and how far a new person has ramped up.

A person counts from their start day (people without one were there from before any data)
until the day they leave (``end``: not counted from that day). A new person's serving hours
ramp up over the 30-60-90 plan: the first share of their hours on days 0-29 after their
start, the second on days 30-59, in full from day 60 on. The shares are a workspace setting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, Final

from strategy.domain.clock import day_text
from strategy.domain.errors import ValidationError
from strategy.domain.team import DEFAULT_SERVES, Member, RoleServes, serving_hours

RampUp = tuple[float, float]
"""The shares of a new person's hours on days 0-29 and 30-59 after their start."""

DEFAULT_RAMP_UP: Final[RampUp] = (1 / 3, 2 / 3)
"""1/3 of their hours in the first 30 days, 2/3 until day 60, then in full."""

RAMP_DAYS: Final[tuple[int, int]] = (30, 60)
"""The days after the start from which the second share, then the full hours, count."""


def present_on(member: Member, day: dt.date) -> bool:
    """True when ``member`` is on the team on ``day``: started by then, not left yet."""
    started = member.start is None or member.start <= day
    return started and (member.end is None or member.end > day)


def present(members: Iterable[Member], day: dt.date) -> tuple[Member, ...]:
    """The people on the team on ``day``."""
    return tuple(m for m in members if present_on(m, day))


def on_roster(members: Iterable[Member]) -> tuple[Member, ...]:
    """The people whose leaving is not recorded (those starting later included)."""
    return tuple(m for m in members if m.end is None)


def leavers(members: Iterable[Member]) -> tuple[Member, ...]:
    """The people whose leaving is recorded, the earliest first."""
    gone = [m for m in members if m.end is not None]
    return tuple(sorted(gone, key=lambda m: (m.end or dt.date.min, m.name.casefold())))


def ramp_share(member: Member, day: dt.date, shares: RampUp = DEFAULT_RAMP_UP) -> float:
    """The share of their hours ``member`` gives on ``day``: 0 when not on the team."""
    if not present_on(member, day):
        return 0.0
    if member.start is None:
        return 1.0
    days = (day - member.start).days
    if days < RAMP_DAYS[0]:
        return shares[0]
    return shares[1] if days < RAMP_DAYS[1] else 1.0


def ramped_serving_hours(
    members: Iterable[Member],
    day: dt.date,
    serves: RoleServes = DEFAULT_SERVES,
    shares: RampUp = DEFAULT_RAMP_UP,
) -> float:
    """The team's serving hours on ``day``: people present, each at their ramp-up share."""
    return sum(
        (ramp_share(m, day, shares) * serving_hours((m,), serves) for m in members),
        start=0.0,
    )


def ramp_up(raw: Any) -> RampUp:
    """The two ramp-up shares from ``0.333,0.667`` or a pair of numbers; ValidationError."""
    expected = "two shares between 0 and 1, the second not below the first, e.g. 0.333,0.667"
    parts: Sequence[Any]
    if isinstance(raw, str):
        parts = [p.strip() for p in raw.split(",")]
    elif isinstance(raw, list | tuple):
        parts = raw
    else:
        raise ValidationError(f"ramp_up: expected {expected}, got {raw!r}")
    try:
        first, second = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise ValidationError(f"ramp_up: expected {expected}, got {raw!r}") from None
    if not (0 < first <= second <= 1):
        raise ValidationError(f"ramp_up: expected {expected}, got {raw!r}")
    return (first, second)


def ramp_up_text(shares: RampUp) -> str:
    """The shares as ``settings set`` takes them: ``0.333,0.667``."""
    return ",".join(f"{s:.3g}" for s in shares)


def leave(member: Member, on: dt.date) -> Member:
    """``member`` with their leaving recorded on ``on``; not before they started."""
    if member.end is not None:
        raise ValidationError(f"team: {member.name} left on {day_text(member.end)} already")
    if member.start is not None and on < member.start:
        raise ValidationError(
            f"on: expected a day on or after {member.name}'s start "
            f"({day_text(member.start)}), got {day_text(on)}"
        )
    return replace(member, end=on)


def full_hours_on(member: Member, shares: RampUp = DEFAULT_RAMP_UP) -> dt.date | None:
    """The first day ``member`` gives their full hours (their start when there is no ramp-up
    left); None for someone on the team from before any start was recorded."""
    if member.start is None:
        return None
    if shares[0] >= 1:
        return member.start
    days = RAMP_DAYS[0] if shares[1] >= 1 else RAMP_DAYS[1]
    return member.start + dt.timedelta(days=days)
