"""The workspace's settings that rules read, with their defaults and checks.

The returning window: a member is returning in a week when active that week and in any of
the previous N weeks (``returning_weeks``, 1 to 52, default 1: the week before), 1 for a
lively community, more for a slow one. The events derivation (``strategy.ingest.events``)
counts with it; the workspace stores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from strategy.domain.demand import DemandSettings
from strategy.domain.errors import ValidationError, given
from strategy.domain.limits import finite_number
from strategy.domain.presence import RampUp

DEFAULT_RETURNING_WEEKS: Final[int] = 1
MAX_RETURNING_WEEKS: Final[int] = 52
"""A member is returning in a week when active that week and in any of the previous N weeks
(``returning_weeks``, a workspace setting): 1 for a lively community, more for a slow one."""


def returning_weeks(raw: Any) -> int:
    """The returning window from a form, the CLI or storage: a whole number of weeks, 1 to 52."""
    value = finite_number(raw)
    if value is None or value != int(value) or not 1 <= value <= MAX_RETURNING_WEEKS:
        raise ValidationError(
            f"returning_weeks: expected a whole number of weeks from 1 to "
            f"{MAX_RETURNING_WEEKS}, got {given(raw)}"
        )
    return int(value)


@dataclass(frozen=True)
class Settings:
    """The settings a workspace keeps beside its gates, as ``settings list`` shows them: the
    demand and capacity settings, the returning window and the ramp-up shares."""

    demand: DemandSettings
    returning_weeks: int
    ramp_up: RampUp
