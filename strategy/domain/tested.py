"""The resource signal's third condition, a strategy backed by a tested win: what the signal
knows of each logged test (``TestOutcome``), and the condition's value and reason in words.

A win on value (a test on ``leads``, ``conversions`` or ``revenue`` per visitor) is named as
such: "Reels CTA (on value: conversions)", "... a significant positive lift: Reels CTA, on
conversions per visitor"."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class TestOutcome:
    """What the signal needs to know of one logged strategy test."""

    __test__: ClassVar[bool] = False  # not a pytest test class, despite its name

    title: str
    concluded: bool
    significant: bool
    abs_lift: float | None
    trustworthy: bool = True
    """False when the exposures depart from the planned split: no result to build on."""
    on_value: str | None = None
    """The value metric the test compared per visitor (``conversions``); None otherwise."""

    @property
    def is_win(self) -> bool:
        """A concluded, significant, trustworthy test whose variant did better than control."""
        return (
            self.concluded
            and self.trustworthy
            and self.significant
            and self.abs_lift is not None
            and math.isfinite(self.abs_lift)
            and self.abs_lift > 0
        )

    @property
    def win_value(self) -> str:
        """The win as the condition's value names it: ``Reels CTA (on value: conversions)``."""
        return f"{self.title} (on value: {self.on_value})" if self.on_value else self.title

    @property
    def win_reason(self) -> str:
        """The win as the condition's reason names it: ``Reels CTA, on conversions per
        visitor``."""
        return f"{self.title}, on {self.on_value} per visitor" if self.on_value else self.title


def _tests(n: int) -> str:
    return "test" if n == 1 else "tests"


def tested_words(tests: Sequence[TestOutcome]) -> tuple[bool, str, str]:
    """Whether a tested win backs the plan, the condition's value and its reason."""
    wins = [t for t in tests if t.is_win]
    concluded = sum(1 for t in tests if t.concluded)
    if wins:
        reasons = ("; " if any(t.on_value for t in wins) else ", ").join(t.win_reason for t in wins)
        return (
            True,
            ", ".join(t.win_value for t in wins),
            f"{len(wins)} concluded {_tests(len(wins))} with a significant positive lift: "
            f"{reasons}",
        )
    if not tests:
        return False, "no tests", "no strategy test has been logged yet"
    if concluded == 0:
        logged = f"{len(tests)} {_tests(len(tests))} logged, none concluded yet"
        return False, "none concluded", logged
    reason = f"{concluded} {_tests(concluded)} concluded, none a significant win"
    broken = [t.title for t in tests if t.concluded and not t.trustworthy]
    if broken:
        reason += f" (not counted, a sample ratio mismatch: {', '.join(broken)})"
    return False, f"0 of {concluded} concluded won", reason
