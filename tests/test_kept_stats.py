"""A test's statistics are kept with it when it is saved, so reading them (a report, the
Tests page, the dashboard) need not load scipy and statsmodels; what is read is always what
the test's current numbers give."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from strategy.domain.experiments import StrategyTest, TestKind, TestStatus
from strategy.domain.experiments import test_stats as computed
from strategy.domain.experiments.kept import (
    KeptStats,
    keep_stats,
    kept_from_dict,
    kept_to_dict,
    stats_inputs,
    stats_of,
)
from strategy.usecases import Workspace
from tests.conftest import EDITOR
from tests.engines import execute, scalar

DAY = dt.date(2026, 11, 2)
CONVERSION = StrategyTest(
    title="Question posts",
    hypothesis="Questions get replies",
    platform="forum",
    metric="replies",
    control_label="statements",
    variant_label="questions",
    control_n=1000,
    control_successes=40,
    variant_n=1040,
    variant_successes=61,
    start=DAY,
    end=DAY + dt.timedelta(days=14),
    status=TestStatus.RUNNING,
)
THIN = dataclasses.replace(CONVERSION, control_n=20, control_successes=1, variant_successes=3)
NO_EXPOSURES = dataclasses.replace(CONVERSION, variant_n=0, variant_successes=0)
MEAN = dataclasses.replace(
    CONVERSION,
    kind=TestKind.MEAN,
    metric="revenue",
    control_mean=3.1,
    control_sd=1.2,
    variant_mean=3.45,
    variant_sd=1.4,
    planned_split=0.4,
)


@pytest.mark.parametrize("test", [CONVERSION, THIN, NO_EXPOSURES, MEAN], ids=lambda t: t.title)
def test_kept_statistics_read_back_from_json_equal_the_statistics_computed_now(
    test: StrategyTest,
) -> None:
    stored = json.loads(json.dumps(kept_to_dict(keep_stats(test))))
    assert stats_of(test, kept_from_dict(stored)) == computed(test)


@pytest.mark.parametrize(
    "changed",
    [
        {"variant_successes": 70},
        {"control_n": 1100},
        {"planned_split": 0.6},
        {"variant_mean": 3.9, "kind": TestKind.MEAN, "metric": "revenue"},
    ],
)
def test_statistics_kept_from_other_numbers_are_computed_afresh(changed: dict[str, object]) -> None:
    base = MEAN if changed.get("kind") else CONVERSION
    now = dataclasses.replace(base, **changed)  # type: ignore[arg-type]
    assert stats_of(now, keep_stats(base)) == computed(now) != computed(base)


def test_kept_statistics_are_read_as_kept_while_their_inputs_match() -> None:
    """What makes the report fast: no computing (a made-up kept value shows it was used)."""
    marked = dataclasses.replace(computed(CONVERSION), warning="kept")  # type: ignore[type-var]
    assert stats_of(CONVERSION, KeptStats(stats_inputs(CONVERSION), marked)) == marked


def test_statistics_kept_by_an_older_computation_are_computed_afresh() -> None:
    _, *rest = stats_inputs(CONVERSION)
    marked = dataclasses.replace(computed(CONVERSION), warning="old")  # type: ignore[type-var]
    older = KeptStats((0, *rest), marked)
    assert stats_of(CONVERSION, older) == computed(CONVERSION)


def test_statistics_stored_by_another_version_are_not_read_but_computed_afresh() -> None:
    """An older version's stored fields may differ from today's ``TestStats``."""
    stored = kept_to_dict(keep_stats(CONVERSION))
    stored["inputs"][0] = 0
    stored["stats"] = {"a_field_since_removed": 1.0}
    assert stats_of(CONVERSION, kept_from_dict(stored)) == computed(CONVERSION)


def test_logging_and_updating_a_test_keeps_the_statistics_of_its_new_numbers(
    empty_ws: Workspace,
) -> None:
    form = {
        "title": "Question posts",
        "hypothesis": "Questions get replies",
        "platform": "forum",
        "metric": "replies",
        "control_n": 1000,
        "control_successes": 40,
        "variant_n": 1040,
        "variant_successes": 61,
        "start": "2026-11-02",
        "end": "2026-11-16",
        "status": "running",
    }
    logged = empty_ws.log_test(EDITOR, form)
    assert logged.id is not None
    kept = empty_ws.snapshot().kept_stats[logged.id]
    assert kept.stats == computed(logged)
    empty_ws.update_test(EDITOR, logged.id, {"variant_successes": 90})
    snapshot = empty_ws.snapshot()
    (now,) = snapshot.tests
    assert now.variant_successes == 90
    assert snapshot.kept_stats[logged.id] == keep_stats(now)


def test_a_workspace_from_before_statistics_were_kept_has_them_filled_when_opened(
    demo_ws: Workspace,
) -> None:
    tests = demo_ws.snapshot().tests
    assert tests
    execute(demo_ws, "ALTER TABLE tests DROP COLUMN stats")  # as schema 10 had it
    execute(demo_ws, "UPDATE meta SET value = '10' WHERE key = 'schema_version'")
    reopened = Workspace.open(demo_ws.location.key)
    assert scalar(reopened, "SELECT COUNT(*) FROM tests WHERE stats IS NULL") == 0
    kept = reopened.snapshot().kept_stats
    assert {t.id: kept[t.id] for t in tests if t.id is not None} == {
        t.id: keep_stats(t) for t in tests if t.id is not None
    }
