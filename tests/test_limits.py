"""The week's limits: hours a week up to 168, settings of 1 to 104 weeks, one message each."""

from __future__ import annotations

import math
from typing import Any

import pytest

from strategy.domain.errors import ValidationError
from strategy.domain.limits import MAX_WEEK_HOURS, MAX_WEEKS, week_count, week_hours


@pytest.mark.parametrize(
    ("raw", "allow_zero", "hours"),
    [(2, False, 2.0), (" 7.5 ", False, 7.5), (0, True, 0.0), (MAX_WEEK_HOURS, False, 168.0)],
)
def test_hours_a_week_are_read_from_numbers_and_text(
    raw: Any, allow_zero: bool, hours: float
) -> None:
    assert week_hours(raw, "hours", allow_zero=allow_zero) == hours


@pytest.mark.parametrize(
    ("raw", "allow_zero", "message"),
    [
        (
            "abc",
            False,
            "hours: expected a number of hours a week more than 0, up to 168, got 'abc'",
        ),
        (0, False, "hours: expected a number of hours a week more than 0, up to 168, got 0"),
        (-1, True, "hours: expected a number of hours a week from 0 to 168, got -1"),
        (168.5, True, "hours: expected a number of hours a week from 0 to 168, got 168.5"),
        (None, True, "hours: expected a number of hours a week from 0 to 168, got nothing"),
        ("  ", True, "hours: expected a number of hours a week from 0 to 168, got nothing"),
        (True, True, "hours: expected a number of hours a week from 0 to 168, got True"),
        (math.nan, True, "hours: expected a number of hours a week from 0 to 168, got nan"),
        (10**400, True, f"hours: expected a number of hours a week from 0 to 168, got {10**400}"),
    ],
)
def test_hours_beyond_a_week_or_not_a_number_are_refused_naming_the_field(
    raw: Any, allow_zero: bool, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        week_hours(raw, "hours", allow_zero=allow_zero)
    assert str(refused.value) == message


@pytest.mark.parametrize(("raw", "weeks"), [(1, 1), ("4", 4), (3.0, 3), (MAX_WEEKS, 104)])
def test_a_number_of_weeks_is_a_whole_number_from_1_to_104(raw: Any, weeks: int) -> None:
    assert week_count(raw, "window") == weeks


@pytest.mark.parametrize("raw", [0, 105, 2.5, "abc", None, True, math.inf, "1e3"])
def test_other_numbers_of_weeks_are_refused_with_the_one_message(raw: Any) -> None:
    with pytest.raises(ValidationError, match=r"^window: expected a whole number of weeks from 1 "):
        week_count(raw, "window")
