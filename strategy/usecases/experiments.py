"""Strategy tests: logged once, updated while their life allows, removed."""

from __future__ import annotations

from collections.abc import Mapping

from strategy.domain import clock
from strategy.domain.access import Actor, require_edit
from strategy.domain.errors import shortened
from strategy.domain.experiments import StrategyTest, make_test, test_fields, updated_test
from strategy.domain.experiments.fields import test_to_row
from strategy.domain.experiments.kept import keep_stats
from strategy.domain.experiments.life import check_new, check_not_logged
from strategy.storage import experiment_rows
from strategy.storage.store import Store
from strategy.usecases.common import Saved, known_id, writing


def log_test(store: Store, actor: Actor, fields: Mapping[str, object]) -> StrategyTest:
    """Validate and store a new strategy test with its statistics (``kept``); ``fields``
    holds make_test's keywords.

    A test with the title, platform and start of one already logged is refused, naming
    it; a logged test changes through ``update_test``.
    """
    test = check_new(make_test(**test_fields(fields)))
    change = shortened(test.title, 60)
    day = clock.today()
    stats = keep_stats(test)
    with writing(store, actor, "test.log", lambda: change) as conn:
        check_not_logged(test, experiment_rows.tests(conn))
        logged = experiment_rows.insert(conn, test, day, stats)
        change = f"#{logged.id} new: {change}"
    return logged


def update_test(
    store: Store, actor: Actor, test_id: int, changes: Mapping[str, object]
) -> Saved[StrategyTest]:
    """Change a logged test's counts, end or status (while planned or running) and its
    decision (any time); the audit row says what changed from what. Values as stored
    write nothing."""
    require_edit(actor, "test.update")
    known = known_id(test_id, "test")
    change: str | None = None
    with writing(store, actor, "test.update", lambda: change) as conn:
        before = experiment_rows.one(conn, known)
        after = updated_test(before, changes)
        old, new = test_to_row(before), test_to_row(after)
        moved = [f"{k} {old[k]!r} -> {new[k]!r}" for k in new if old[k] != new[k]]
        if moved:
            change = f"#{known} {shortened(after.title, 60)}: {', '.join(moved)}"
            experiment_rows.update(conn, known, after, clock.today(), keep_stats(after))
    return Saved(after, change is not None)


def remove_test(store: Store, actor: Actor, test_id: int) -> None:
    """Delete a logged test."""
    require_edit(actor, "test.remove")
    known = known_id(test_id, "test")
    with writing(store, actor, "test.remove", f"#{known}") as conn:
        experiment_rows.delete(conn, known)
