"""The workspace's settings, each one JSON value in the ``settings`` table, and the users'
roles: read with their default while never saved, written whole."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from strategy.domain.access import AccessRole
from strategy.domain.baselines import Baseline, baselines_from_dict, baselines_to_dict
from strategy.domain.company import DEFAULT_CURRENCY, CompanyProfile
from strategy.domain.costs import DEFAULT_RATES, Rates, rates_from_dict, rates_to_dict
from strategy.domain.gates import DEFAULT_GATES, GateSet, gates_from_dict, gates_to_dict
from strategy.domain.mappings import FileMapping, mappings_from_dict, mappings_to_dict
from strategy.domain.onboarding import PlanItem, plans_from_dict, plans_to_dict
from strategy.domain.presence import DEFAULT_RAMP_UP, RampUp, ramp_up
from strategy.domain.resources import (
    DEFAULT_SETTINGS,
    DemandSettings,
    settings_from_dict,
    settings_to_dict,
)
from strategy.domain.settings import DEFAULT_RETURNING_WEEKS, returning_weeks
from strategy.domain.team import DEFAULT_SERVES, Role, RoleServes, serves_from_dict, serves_to_dict
from strategy.storage.rows import save_setting, setting


def gates(conn: Connection) -> GateSet:
    return setting(conn, "gates", gates_from_dict, DEFAULT_GATES)


def save_gates(conn: Connection, value: GateSet) -> None:
    save_setting(conn, "gates", json.dumps(gates_to_dict(value), sort_keys=True))


def demand(conn: Connection) -> DemandSettings:
    return setting(conn, "demand", settings_from_dict, DEFAULT_SETTINGS)


def demand_json(value: DemandSettings) -> str:
    """The demand settings as stored (and as the audit row says them)."""
    return json.dumps(settings_to_dict(value), sort_keys=True)


def save_demand(conn: Connection, value: DemandSettings) -> None:
    save_setting(conn, "demand", demand_json(value))


def returning(conn: Connection) -> int:
    return setting(conn, "returning_weeks", returning_weeks, DEFAULT_RETURNING_WEEKS)


def save_returning(conn: Connection, weeks: int) -> None:
    save_setting(conn, "returning_weeks", json.dumps(weeks))


def ramp(conn: Connection) -> RampUp:
    return setting(conn, "ramp_up", ramp_up, DEFAULT_RAMP_UP)


def save_ramp(conn: Connection, shares: RampUp) -> None:
    save_setting(conn, "ramp_up", json.dumps(list(shares)))


def company(conn: Connection) -> CompanyProfile:
    return setting(conn, "company", _company_from_dict, CompanyProfile())


def company_json(profile: CompanyProfile) -> str:
    """The company profile as stored (and as the audit row says it)."""
    return json.dumps(
        {
            "channels": list(profile.channels),
            "integrated": [list(g) for g in profile.integrated],
            "employees": profile.employees,
            "currency": profile.currency,
            "name": profile.name,
        }
    )


def save_company(conn: Connection, profile: CompanyProfile) -> None:
    save_setting(conn, "company", company_json(profile))


def _company_from_dict(data: Mapping[str, Any]) -> CompanyProfile:
    return CompanyProfile(
        channels=tuple(data.get("channels", ())),
        integrated=tuple(tuple(g) for g in data.get("integrated", ())),
        employees=int(data.get("employees", 1)),
        currency=str(data.get("currency", DEFAULT_CURRENCY)),
        name=str(data.get("name", "")),
    )


def role_serves(conn: Connection) -> RoleServes:
    return setting(conn, "role_serves", serves_from_dict, DEFAULT_SERVES)


def serves_json(serves: RoleServes) -> str:
    """What each role serves, as stored (and as the audit row says it)."""
    return json.dumps(serves_to_dict(serves), sort_keys=True)


def save_role_serves(conn: Connection, serves: RoleServes) -> None:
    save_setting(conn, "role_serves", serves_json(serves))


def rates(conn: Connection) -> Rates:
    return setting(conn, "rates", rates_from_dict, DEFAULT_RATES)


def rates_json(value: Rates) -> str:
    """The rates as stored (and as the audit row says them)."""
    return json.dumps(rates_to_dict(value), sort_keys=True)


def save_rates(conn: Connection, value: Rates) -> None:
    save_setting(conn, "rates", rates_json(value))


def plans(conn: Connection) -> dict[Role, tuple[PlanItem, ...]]:
    return setting(conn, "onboarding_plans", plans_from_dict, {})


def save_plans(conn: Connection, value: Mapping[Role, tuple[PlanItem, ...]]) -> None:
    save_setting(conn, "onboarding_plans", json.dumps(plans_to_dict(value)))


def mappings(conn: Connection) -> dict[str, FileMapping]:
    return setting(conn, "mappings", mappings_from_dict, {})


def save_mappings(conn: Connection, value: dict[str, FileMapping]) -> None:
    save_setting(conn, "mappings", json.dumps(mappings_to_dict(value)))


def baselines(conn: Connection) -> dict[str, Baseline]:
    return setting(conn, "baselines", baselines_from_dict, {})


def save_baselines(conn: Connection, value: dict[str, Baseline]) -> None:
    save_setting(conn, "baselines", json.dumps(baselines_to_dict(value)))


def user_roles(conn: Connection) -> dict[str, str]:
    """E-mail address (or ``ISSUER|SUBJECT``) -> role."""
    return {
        str(e): str(r)
        for e, r in conn.execute(text("SELECT email, role FROM users ORDER BY email"))
    }


def set_user_role(conn: Connection, identity: str, role: AccessRole | None) -> None:
    """Map an identity to a role, or (None) remove it."""
    conn.execute(text("DELETE FROM users WHERE email = :e"), {"e": identity})
    if role is not None:
        conn.execute(
            text("INSERT INTO users(email, role) VALUES (:e, :r)"), {"e": identity, "r": role.value}
        )
