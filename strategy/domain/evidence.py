"""A resource request's frozen evidence: the resource signal as it stood when the request was
raised (its conditions, the gap in hours, people and cost, the roles, the window, what it
read) and the platforms' value and return over its window, kept as they were so later data
never rewrites what the executive decided on.

Stored as JSON with the request; a request raised before the value was kept reads with none
(``value_by_platform`` empty)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from strategy.domain.costs import Cost
from strategy.domain.errors import ValidationError
from strategy.domain.hire_check import Reading, reading_from_dict, reading_to_dict
from strategy.domain.positions import Position, position_from_dict, position_to_dict
from strategy.domain.resources import Condition, ConditionKey, ResourceSignal, SignalStatus
from strategy.domain.team import ROLE_LABELS, Role
from strategy.domain.value import PlatformValue, ValueView, value_dict, value_text


@dataclass(frozen=True)
class Evidence:
    """The resource signal as it stood when the request was raised, kept as it was."""

    as_of: dt.date
    summary: str
    conditions: tuple[Condition, ...]
    gap_hours_per_week: float
    gap_people: float
    gap_cost_per_week: float
    currency: str
    gap_no_rate_for: tuple[str, ...]
    roles: tuple[Role, ...]
    window_from: dt.date | None
    window_to: dt.date | None
    positions: tuple[Position, ...] = ()
    claimed: Reading | None = None
    """Demand, serving hours, responses and active platforms as the signal read them (None
    for a request raised before they were kept): what the hire's review checks."""
    value: tuple[PlatformValue, ...] = ()
    """Each platform's value, cost and return over the signal's window as they stood (none
    for a request raised before they were kept); a value metric not measured is None."""

    @property
    def roles_text(self) -> str:
        """The recommended roles in words, e.g. ``Social media manager, Community manager``."""
        return ", ".join(ROLE_LABELS[r] for r in self.roles)


def freeze_evidence(
    signal: ResourceSignal,
    gap_cost: Cost,
    today: dt.date,
    claimed: Reading | None = None,
    value: ValueView | None = None,
) -> Evidence:
    """The evidence a request keeps; refused with the signal's own reason unless justified,
    and while the hours it asks for are approved already."""
    if signal.status is not SignalStatus.JUSTIFIED:
        raise ValidationError(
            "request: a resource request can only be raised while extra resources are "
            f"justified; today the signal says: {signal.summary}"
        )
    if not signal.asks_for_more:
        raise ValidationError(
            f"request: the hours the signal asks for are approved already ({signal.hiring.text}); "
            "a new request waits until the new people serve in full"
        )
    return Evidence(
        as_of=today,
        summary=signal.summary,
        conditions=signal.conditions,
        gap_hours_per_week=signal.gap_hours_per_week,
        gap_people=signal.gap_people,
        gap_cost_per_week=gap_cost.per_week,
        currency=gap_cost.currency,
        gap_no_rate_for=gap_cost.no_rate_for,
        roles=signal.recommended_roles,
        window_from=signal.window.first,
        window_to=signal.window.last,
        positions=signal.positions,
        claimed=claimed,
        value=tuple(value.platforms.values()) if value is not None else (),
    )


def evidence_to_dict(e: Evidence) -> dict[str, Any]:
    """The evidence as JSON-ready data (stored, and shown in the report)."""
    return {
        "as_of": e.as_of.isoformat(),
        "summary": e.summary,
        "conditions": [
            {
                "key": c.key.value,
                "label": c.label,
                "met": c.met,
                "value": c.value,
                "reason": c.reason,
            }
            for c in e.conditions
        ],
        "gap_hours_per_week": e.gap_hours_per_week,
        "gap_people": e.gap_people,
        "gap_cost_per_week": e.gap_cost_per_week,
        "currency": e.currency,
        "gap_no_rate_for": list(e.gap_no_rate_for),
        "recommended_roles": [r.value for r in e.roles],
        "window": {
            "from": e.window_from.isoformat() if e.window_from else None,
            "to": e.window_to.isoformat() if e.window_to else None,
        },
        "positions": [position_to_dict(p) for p in e.positions],
        "claimed": reading_to_dict(e.claimed) if e.claimed else None,
        "value_by_platform": {v.name: value_dict(v) for v in e.value},
    }


def evidence_from_dict(d: Mapping[str, Any]) -> Evidence:
    """The evidence as stored, read back."""
    window = d.get("window", {})
    return Evidence(
        as_of=dt.date.fromisoformat(d["as_of"]),
        summary=str(d["summary"]),
        conditions=tuple(
            Condition(ConditionKey(c["key"]), c["label"], bool(c["met"]), c["value"], c["reason"])
            for c in d["conditions"]
        ),
        gap_hours_per_week=float(d["gap_hours_per_week"]),
        gap_people=float(d["gap_people"]),
        gap_cost_per_week=float(d["gap_cost_per_week"]),
        currency=str(d["currency"]),
        gap_no_rate_for=tuple(d.get("gap_no_rate_for", ())),
        roles=tuple(Role(r) for r in d["recommended_roles"]),
        window_from=dt.date.fromisoformat(window["from"]) if window.get("from") else None,
        window_to=dt.date.fromisoformat(window["to"]) if window.get("to") else None,
        positions=tuple(position_from_dict(p) for p in d.get("positions", ())),
        claimed=reading_from_dict(d["claimed"]) if d.get("claimed") else None,
        value=tuple(
            PlatformValue(name, v["leads"], v["conversions"], v["revenue"], float(v["cost"]))
            for name, v in dict(d.get("value_by_platform") or {}).items()
        ),
    )


def evidence_value_lines(e: Evidence) -> tuple[str, ...]:
    """The frozen value in words, one line a platform: ``instagram: 120 leads, ...; return
    3.75`` (``value_text``); none for a request raised before the value was kept."""
    return tuple(f"{v.name}: {value_text(v, e.currency)}" for v in e.value)
