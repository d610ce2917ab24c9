"""What the team and the gap cost: rates per person or role, and the ones missing named."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from strategy.domain.analysis import analyse
from strategy.domain.company import CompanyProfile, check_company
from strategy.domain.costs import (
    DEFAULT_ROLE_RATES,
    JUNIOR_SHARE,
    Rates,
    gap_cost,
    money,
    positions_cost,
    rates_from_dict,
    rates_to_dict,
    team_cost,
)
from strategy.domain.errors import Conflict, ValidationError
from strategy.domain.positions import Position, Seniority
from strategy.domain.team import Assignment, Member, Role
from strategy.report import report_dict, report_text
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, workspace_state

ANA = Member("Ana", 10.0, (Assignment(Role.SOCIAL_EXPERT, 10.0),))
JONAS = Member("Jonas Weber", 8.0, (Assignment(Role.SUPPORT, 6.0), Assignment(Role.IT, 6.0)))
"""Jonas holds 12 h of roles but has 8: he gives 8 h, two thirds of each role."""


def test_a_person_costs_their_own_rate_else_their_roles_rate() -> None:
    rates = Rates({Role.SOCIAL_EXPERT: 50.0, Role.SUPPORT: 30.0, Role.IT: 60.0}, {"ana": 70.0})
    cost = team_cost([ANA, JONAS], rates, "EUR")
    assert cost.per_week == pytest.approx(10 * 70 + 4 * 30 + 4 * 60)
    assert cost.per_month == pytest.approx(cost.per_week * 52 / 12)
    assert cost.no_rate_for == ()


def test_a_role_without_a_rate_names_the_person_and_counts_nothing_for_it() -> None:
    rates = Rates({Role.SOCIAL_EXPERT: 50.0, Role.SUPPORT: None, Role.IT: 60.0})
    cost = team_cost([ANA, JONAS], rates, "EUR")
    assert cost.per_week == pytest.approx(10 * 50 + 4 * 60)
    assert cost.missing_text == "no rate for: Jonas Weber"


def test_the_gap_costs_its_hours_shared_by_the_recommended_roles_at_their_rates() -> None:
    roles = (Role.SOCIAL_MEDIA_MANAGER, Role.COMMUNITY_MANAGER)
    rates = Rates({Role.SOCIAL_MEDIA_MANAGER: 40.0, Role.COMMUNITY_MANAGER: 30.0})
    assert gap_cost(20.0, roles, rates, "USD").per_week == pytest.approx(10 * 40 + 10 * 30)
    partial = gap_cost(20.0, roles, Rates({Role.SOCIAL_MEDIA_MANAGER: 40.0}), "USD")
    assert (partial.per_week, partial.no_rate_for) == (400.0, ("community_manager",))
    assert gap_cost(0.0, roles, rates, "USD").per_week == 0.0


SMM, CM, CC = Role.SOCIAL_MEDIA_MANAGER, Role.COMMUNITY_MANAGER, Role.CONTENT_CREATOR


@pytest.mark.parametrize(
    ("rates", "junior"),
    [
        (Rates({CM: 40.0}), 24.0),  # 60% of the role's rate
        (Rates({CM: 40.0}, juniors={CM: 30.0}), 30.0),  # the workspace's own
        (Rates({CM: None}), None),  # a role with no rate has no junior rate either
        (Rates({CM: None}, juniors={CM: 20.0}), 20.0),
    ],
)
def test_a_juniors_rate_is_sixty_percent_of_the_roles_rate_unless_the_workspace_sets_one(
    rates: Rates, junior: float | None
) -> None:
    assert JUNIOR_SHARE == 0.6
    assert rates.for_junior(CM) == junior


LEAN = Position((SMM, CM), (20.0, 10.0), 0.8, Seniority.SENIOR)
EXTRA_CM = Position((CM,), (10.0,), 0.2, Seniority.JUNIOR)


@pytest.mark.parametrize(
    ("found", "rates", "per_week", "no_rate_for"),
    [
        ((LEAN,), Rates({SMM: 50.0, CM: 40.0}), 20 * 50 + 10 * 40, ()),
        ((LEAN, EXTRA_CM), Rates({SMM: 50.0, CM: 40.0}), 20 * 50 + 10 * 40 + 10 * 24, ()),
        ((EXTRA_CM,), Rates({CM: 40.0}, juniors={CM: 35.0}), 10 * 35, ()),
        (
            (LEAN, EXTRA_CM),
            Rates({SMM: 50.0, CM: None}),
            20 * 50,
            ("community_manager", "community_manager (junior)"),
        ),
        ((EXTRA_CM,), Rates({CM: None}), 0.0, ("community_manager (junior)",)),
        ((), Rates(), 0.0, ()),
    ],
)
def test_the_gaps_cost_prices_each_position_at_its_seniority_and_names_a_role_with_no_rate(
    found: tuple[Position, ...], rates: Rates, per_week: float, no_rate_for: tuple[str, ...]
) -> None:
    cost = positions_cost(found, rates, "EUR")
    assert (cost.per_week, cost.no_rate_for) == (pytest.approx(per_week), no_rate_for)


def test_every_role_has_a_default_rate() -> None:
    assert set(DEFAULT_ROLE_RATES) == set(Role)
    assert team_cost([ANA], Rates(), "EUR").no_rate_for == ()


def test_rates_round_trip_through_their_stored_form() -> None:
    rates = rates_from_dict(
        {"roles": {"support": 31.5, "it": None}, "people": {" Ana ": 70}, "juniors": {"it": 22}}
    )
    again = rates_from_dict(json.loads(json.dumps(rates_to_dict(rates))))
    assert again == rates
    assert (again.for_junior(Role.IT), again.for_junior(Role.SUPPORT)) == (22.0, 18.9)
    assert (again.for_role(Role.SUPPORT), again.for_role(Role.IT)) == (31.5, None)
    assert again.for_person("ANA") == 70.0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"roles": {"support": -1}}, "rate of support: expected an hourly rate from 0 to 10,000"),
        ({"roles": {"support": "lots"}}, "got 'lots'"),
        ({"roles": {"support": True}}, "got True"),
        ({"roles": {"support": float("nan")}}, "got nan"),
        ({"roles": {"support": 20_000}}, "got 20000"),
        ({"roles": {"astronaut": 20}}, "role: expected one of"),
        ({"people": {"": 20}}, "rate: expected a person's name, got nothing"),
        ({"roles": ["support", 20]}, "rates: roles: expected names and rates"),
        ({"juniors": {"support": -2}}, "junior rate of support: expected an hourly rate"),
        ({"juniors": {"astronaut": 20}}, "role: expected one of"),
        ({"juniors": [1]}, "rates: juniors: expected names and rates"),
    ],
)
def test_a_bad_rate_is_refused_naming_what_it_is_the_rate_of(raw: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        rates_from_dict(raw)


@pytest.mark.parametrize(("raw", "stored"), [("eur", "EUR"), (" usd ", "USD"), ("GBP", "GBP")])
def test_a_currency_is_a_three_letter_code(raw: str, stored: str) -> None:
    assert check_company(CompanyProfile(currency=raw)).currency == stored


@pytest.mark.parametrize("raw", ["", "euro", "€", "E1R", None])
def test_anything_else_as_a_currency_is_refused(raw: object) -> None:
    with pytest.raises(ValidationError, match="currency: expected a three-letter code"):
        check_company(CompanyProfile(currency=raw))  # type: ignore[arg-type]


def test_a_cost_reads_in_whole_units_of_its_currency() -> None:
    cost = team_cost([ANA], Rates({Role.SOCIAL_EXPERT: 123.45}), "GBP")
    assert money(cost) == "GBP 1,234"
    assert money(cost, monthly=True) == "GBP 5,350"


# --- stored, on both engines ------------------------------------------------------------------


def test_rates_and_a_persons_own_rate_are_stored_and_audited(empty_ws: Workspace) -> None:
    empty_ws.add_assignment(EDITOR, name="Jonas Weber", role="support", hours=6, rate="31")
    empty_ws.set_role_rate(EDITOR, "it", None)
    rates = empty_ws.snapshot().rates
    assert rates.for_person("jonas weber") == 31.0
    assert rates.for_role(Role.IT) is None
    assert rates.for_role(Role.SUPPORT) == DEFAULT_ROLE_RATES[Role.SUPPORT]
    assert empty_ws.audit_log(1)[0].action == "rates.role"


def test_a_junior_rate_is_stored_audited_kept_when_a_persons_rate_is_set_and_cleared_back(
    empty_ws: Workspace,
) -> None:
    empty_ws.set_junior_rate(EDITOR, "content creator", "25")
    assert empty_ws.audit_log(1)[0].action == "rates.junior"
    empty_ws.add_assignment(EDITOR, name="Jonas Weber", role="support", hours=6, rate="31")
    empty_ws.set_role_rate(EDITOR, "it", 70)
    assert empty_ws.snapshot().rates.for_junior(Role.CONTENT_CREATOR) == 25.0
    empty_ws.set_junior_rate(EDITOR, "content_creator", None)
    default = DEFAULT_ROLE_RATES[Role.CONTENT_CREATOR] * JUNIOR_SHARE
    assert empty_ws.snapshot().rates.for_junior(Role.CONTENT_CREATOR) == pytest.approx(default)


def test_a_bad_junior_rate_is_refused_and_changes_nothing(empty_ws: Workspace) -> None:
    before = workspace_state(empty_ws)
    with pytest.raises(ValidationError, match="junior rate of it: expected an hourly rate"):
        empty_ws.set_junior_rate(EDITOR, "it", "-5")
    assert workspace_state(empty_ws) == before


def test_a_bad_rate_on_a_new_person_stores_neither_the_person_nor_the_rate(
    empty_ws: Workspace,
) -> None:
    before = workspace_state(empty_ws)
    with pytest.raises(ValidationError, match="rate: expected an hourly rate"):
        empty_ws.add_assignment(EDITOR, name="Bea", role="it", hours=2, rate="-5")
    assert workspace_state(empty_ws) == before


def test_a_rates_save_over_a_change_made_since_it_was_read_is_refused(
    demo_ws: Workspace,
) -> None:
    seen = demo_ws.snapshot().rates
    demo_ws.set_role_rate(EDITOR, "support", 29)
    before = workspace_state(demo_ws)
    with pytest.raises(Conflict, match="someone else changed the hourly rates"):
        demo_ws.set_rates(EDITOR, {"roles": {"it": 55}}, expected=seen)
    assert workspace_state(demo_ws) == before


def test_the_report_gives_the_team_cost_and_the_gap_cost_in_the_company_currency(
    demo_ws: Workspace,
) -> None:
    profile = demo_ws.snapshot().company
    demo_ws.set_company(EDITOR, replace(profile, currency="usd"))
    report = report_dict(analyse(demo_ws.snapshot(), TODAY))
    team, signal = report["team"], report["resource_signal"]
    assert team["currency"] == "USD" and team["no_rate_for"] == []
    assert team["cost_per_month"] == pytest.approx(team["cost_per_week"] * 52 / 12, abs=0.01)
    assert signal["gap_hours_per_week"] > 0 and signal["gap_cost_per_week"] > 0

    demo_ws.set_role_rate(EDITOR, "support", None)
    team = report_dict(analyse(demo_ws.snapshot(), TODAY))["team"]
    assert team["no_rate_for"] == ["Jonas Weber"]
    assert "no rate for: Jonas Weber" in report_text(analyse(demo_ws.snapshot(), TODAY))
