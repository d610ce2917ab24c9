"""A strategy test's life in the workspace: a new one has no id and dates a form may give,
and the same test (title, platform, start) is logged once."""

from __future__ import annotations

from collections.abc import Iterable

from strategy.domain.errors import ValidationError
from strategy.domain.experiments.fields import duplicate_of
from strategy.domain.experiments.model import StrategyTest


def check_new(test: StrategyTest) -> StrategyTest:
    """A test to log has no id yet: a logged test changes through an update. (Its days were
    checked by ``make_test``.)"""
    if test.id is not None:
        raise ValidationError(
            f"test: a new test has no id (got {test.id}); change test #{test.id} with an "
            "update instead"
        )
    return test


def check_not_logged(test: StrategyTest, logged: Iterable[StrategyTest]) -> None:
    """The same test (title, platform, start) is refused, naming the one logged."""
    same = duplicate_of(test, logged)
    if same is not None:
        raise ValidationError(
            f"test: {test.title!r} on {test.platform} starting {test.start.isoformat()} is "
            f"already logged as test #{same.id} ({same.title}); update that one instead"
        )
