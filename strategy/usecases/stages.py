"""The stages: setup checklists, manual overrides, the gates' criteria and the resource
signal's settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from strategy.domain import clock
from strategy.domain.access import Actor, require_edit
from strategy.domain.gates import (
    CHECKLIST_ITEMS,
    ChecklistItem,
    GateSet,
    check_checklist_item,
    check_known_metrics,
    gates_from_dict,
    gates_to_dict,
)
from strategy.domain.metrics import platform_name
from strategy.domain.resources import DemandSettings, settings_from_dict, settings_to_dict
from strategy.domain.stages import Override, make_override
from strategy.storage import audit, settings_rows, stage_rows, upload_rows
from strategy.storage.store import Connection, Store
from strategy.usecases.common import Saved, Whole, known_id, save_whole, writing

DEMAND: Whole[DemandSettings] = Whole(
    "resource signal settings", settings_rows.demand, settings_to_dict, settings_rows.save_demand
)


def set_checklist(
    store: Store, actor: Actor, platform: str, item: str, done_on: dt.date | str | None
) -> Saved[tuple[ChecklistItem, ...]]:
    """Tick (with the date it was done) or clear one setup checklist item of a platform,
    or ``all`` of them."""
    items = CHECKLIST_ITEMS if item == "all" else (item,)
    changes = [(platform, one, done_on) for one in items]
    return save_checklist(store, actor, changes, detail=item)


def save_checklist(
    store: Store,
    actor: Actor,
    changes: Sequence[tuple[str, str, dt.date | str | None]],
    *,
    detail: str | None = None,
) -> Saved[tuple[ChecklistItem, ...]]:
    """Set several checklist items, (platform, item, done on or None), in one write:
    all of them are saved, or none; items already stored as asked write nothing."""
    asked = tuple(
        ChecklistItem(
            platform_name(platform),
            check_checklist_item(item),
            None if done_on is None else clock.parse_day(done_on, "done on", latest=clock.today()),
        )
        for platform, item, done_on in changes
    )
    if not asked:
        return Saved(asked, False)
    said = {f"{c.platform}: {detail or c.item} = {c.done_on}" for c in asked}
    change: str | None = None
    with writing(store, actor, "checklist.set", lambda: change) as conn:
        stored = {(c.platform, c.item): c.done_on for c in stage_rows.checklist(conn)}
        if any(
            (c.platform, c.item) not in stored or stored[c.platform, c.item] != c.done_on
            for c in asked
        ):
            change = "; ".join(sorted(said))
            stage_rows.save_checklist(conn, asked)
    return Saved(asked, change is not None)


def add_override(
    store: Store,
    actor: Actor,
    platform: str,
    week: dt.date | str,
    stage: str,
    reason: str,
    *,
    until: dt.date | str | None = None,
) -> Override:
    """Record a manual stage decision; it is shown as an override, never as measured.

    It holds from the week of ``week`` until it is removed or, with ``until``, through
    the week holding that date.
    """
    o = make_override(platform, week, stage, reason, by=actor.name, until=until)
    held = f" until {o.until}" if o.until else ""
    said = f"{o.platform} -> {o.stage.value} from {o.week}{held}: {o.reason}"
    with writing(store, actor, "stage.override", said) as conn:
        return stage_rows.insert_override(conn, o)


def remove_override(store: Store, actor: Actor, override_id: int) -> Override:
    """Remove an override: from then on the gates alone decide that platform's stage."""
    require_edit(actor, "stage.override.remove")
    known = known_id(override_id, "override")
    removed: list[Override] = []

    def detail() -> str:
        o = removed[0]
        return f"#{known}: {o.platform} -> {o.stage.value} from {o.week} ({o.reason})"

    with writing(store, actor, "stage.override.remove", detail) as conn:
        removed.append(stage_rows.delete_override(conn, known))
    return removed[0]


def set_gates(
    store: Store,
    actor: Actor,
    gates: Mapping[str, object] | GateSet,
    *,
    expected: Mapping[str, object] | GateSet | None = None,
) -> Saved[GateSet]:
    """Validate and store the workspace's gate criteria; each metric a gate reads must be one
    the app knows or some upload holds.

    ``expected`` is the gate set the form started from: if it changed since, Conflict.
    The gates as stored write nothing.
    """
    checked = _gate_set(gates)

    def current(conn: Connection) -> GateSet:
        check_known_metrics(checked, upload_rows.uploaded_metrics(conn))
        return settings_rows.gates(conn)

    whole = Whole("gates", current, gates_to_dict, settings_rows.save_gates)
    started = None if expected is None else _gate_set(expected)
    return save_whole(
        store, actor, "gates.set", whole, checked, expected=started, said=audit.gates_change
    )


def set_demand_settings(
    store: Store,
    actor: Actor,
    settings: Mapping[str, object],
    *,
    expected: Mapping[str, object] | DemandSettings | None = None,
) -> Saved[DemandSettings]:
    """Validate and store the resource signal's settings.

    ``expected`` is the settings the form started from: if they changed since, Conflict.
    The settings as stored write nothing.
    """
    checked = settings_from_dict(settings)
    said = settings_rows.demand_json(checked)
    started = (
        expected
        if expected is None or isinstance(expected, DemandSettings)
        else settings_from_dict(expected)
    )
    return save_whole(
        store, actor, "demand.set", DEMAND, checked, expected=started, said=lambda *_: said
    )


def _gate_set(gates: Mapping[str, object] | GateSet) -> GateSet:
    return gates_from_dict(gates_to_dict(gates) if isinstance(gates, GateSet) else gates)
