"""The social team: recommended seats, coverage, load, capacity and the size benchmark."""

from __future__ import annotations

import math

import pytest

from strategy.domain.errors import ValidationError
from strategy.domain.team import (
    CORE_ROLES,
    DEFAULT_SERVES,
    ROLE_LABELS,
    SPECIALIST_ROLES,
    Assignment,
    DemandKind,
    Member,
    Role,
    Seat,
    coverage_gaps,
    dedicated_fte,
    make_member,
    overloaded,
    parse_role,
    recommended_core_team,
    serves_from_dict,
    serves_to_dict,
    serving_hours,
    team_capacity,
    team_size_benchmark,
    team_warnings,
)

WORKED_CHANNELS = ["Direct marketing", "E-commerce", "Retail", "Social media", "Sales"]


def rep(channel: str, hours: float = 4) -> dict[str, object]:
    return {"role": "channel_rep", "hours": hours, "channel": channel}


def person(name: str, *roles: str, available: float = 10, hours: float = 4) -> Member:
    return make_member(name, available, [{"role": r, "hours": hours} for r in roles])


# --- roles ------------------------------------------------------------------------------


def test_roles_split_into_core_and_specialist_and_all_have_labels() -> None:
    assert set(Role) == CORE_ROLES | SPECIALIST_ROLES
    assert not CORE_ROLES & SPECIALIST_ROLES
    assert set(ROLE_LABELS) == set(Role)


def test_parse_role_accepts_identifiers_and_labels_in_any_case() -> None:
    assert parse_role("channel_rep") is Role.CHANNEL_REP
    assert parse_role(" Social media manager ") is Role.SOCIAL_MEDIA_MANAGER
    assert parse_role("IT") is Role.IT
    assert parse_role("Customer support") is Role.SUPPORT


def test_parse_role_names_the_allowed_identifiers() -> None:
    with pytest.raises(ValidationError, match=r"role: expected one of channel_rep, .*paid_media"):
        parse_role("wizard")


# --- the recommended core team -----------------------------------------------------------


def test_worked_example_gives_seven_seats() -> None:
    seats = recommended_core_team(WORKED_CHANNELS)
    assert seats == (
        Seat(Role.CHANNEL_REP, "direct_marketing"),
        Seat(Role.CHANNEL_REP, "ecommerce"),
        Seat(Role.CHANNEL_REP, "retail"),
        Seat(Role.CHANNEL_REP, "sales"),
        Seat(Role.SUPPORT),
        Seat(Role.IT),
        Seat(Role.SOCIAL_EXPERT),
    )


def test_integrated_ecommerce_and_retail_share_one_seat_giving_six() -> None:
    seats = recommended_core_team(WORKED_CHANNELS, integrated=["retail", "E commerce"])
    assert len(seats) == 6
    reps = [s.channel for s in seats if s.role is Role.CHANNEL_REP]
    assert reps == ["direct_marketing", "ecommerce+retail", "sales"]


def test_integrated_accepts_several_groups_and_merges_overlapping_ones() -> None:
    channels = ["direct", "ecommerce", "retail", "sales", "wholesale"]
    two_groups = recommended_core_team(channels, [["ecommerce", "retail"], ["sales", "direct"]])
    assert [s.channel for s in two_groups if s.role is Role.CHANNEL_REP] == [
        "direct_marketing+sales",
        "ecommerce+retail",
        "wholesale",
    ]
    chained = recommended_core_team(channels, [["ecommerce", "retail"], ["retail", "sales"]])
    assert [s.channel for s in chained if s.role is Role.CHANNEL_REP] == [
        "direct_marketing",
        "ecommerce+retail+sales",
        "wholesale",
    ]


def test_integrated_channels_the_company_does_not_sell_through_are_ignored() -> None:
    seats = recommended_core_team(["ecommerce", "sales"], integrated=["ecommerce", "retail"])
    assert [s.channel for s in seats if s.role is Role.CHANNEL_REP] == ["ecommerce", "sales"]


@pytest.mark.parametrize("spelling", ["e-commerce", "E commerce", " E-Commerce ", "ecommerce"])
def test_channel_spellings_normalise_to_one_seat(spelling: str) -> None:
    seats = recommended_core_team([spelling, "ecommerce", "direct", "Direct Marketing"])
    assert [s.channel for s in seats if s.role is Role.CHANNEL_REP] == [
        "ecommerce",
        "direct_marketing",
    ]


def test_social_only_company_still_gets_support_it_and_expert() -> None:
    assert recommended_core_team(["social"]) == (
        Seat(Role.SUPPORT),
        Seat(Role.IT),
        Seat(Role.SOCIAL_EXPERT),
    )


def test_integrated_mixing_names_and_groups_is_refused() -> None:
    with pytest.raises(ValidationError, match="integrated"):
        recommended_core_team(["ecommerce", "retail"], ["ecommerce", ["retail"]])


# --- members -------------------------------------------------------------------------------


def test_make_member_cleans_name_and_normalises_the_rep_channel() -> None:
    member = make_member(
        "  Zoë   Ünal ", "20", [rep("E-commerce", 6), {"role": "IT", "hours": "3.5"}]
    )
    assert member.name == "Zoë Ünal"
    assert member.available_hours == 20
    assert member.assignments == (
        Assignment(Role.CHANNEL_REP, 6.0, "ecommerce"),
        Assignment(Role.IT, 3.5),
    )
    assert member.roles == (Role.CHANNEL_REP, Role.IT)
    assert member.assigned_hours == 9.5


@pytest.mark.parametrize(
    ("name", "available", "assignments", "field"),
    [
        ("   ", 10, [{"role": "it", "hours": 2}], "name"),
        ("x" * 101, 10, [{"role": "it", "hours": 2}], "name"),
        ("Ana", -1, [{"role": "it", "hours": 2}], "available hours"),
        ("Ana", 169, [{"role": "it", "hours": 2}], "available hours"),
        ("Ana", "lots", [{"role": "it", "hours": 2}], "available hours"),
        ("Ana", 10, [{"role": "it", "hours": 0}], r"assignment 1 \(it\): hours"),
        ("Ana", 10, [{"role": "it", "hours": math.inf}], r"assignment 1 \(it\): hours"),
        ("Ana", 10, [{"role": "it", "hours": math.nan}], r"assignment 1 \(it\): hours"),
        ("Ana", 10, [{"role": "it", "hours": 200}], r"assignment 1 \(it\): hours"),
        (
            "Ana",
            10,
            [{"role": "channel_rep", "hours": 2}],
            r"assignment 1 \(channel_rep\): channel",
        ),
        (
            "Ana",
            10,
            [{"role": "channel_rep", "hours": 2, "channel": "social"}],
            r"assignment 1 \(channel_rep\): channel",
        ),
        (
            "Ana",
            10,
            [{"role": "it", "hours": 2, "channel": "retail"}],
            r"assignment 1 \(it\): channel",
        ),
        ("Ana", 10, [{"role": "it", "hours": 2}, {"role": "boss", "hours": 1}], "assignment 2"),
        ("Ana", 10, [], "roles"),
        (
            "Ana",
            10,
            [{"role": "channel_rep", "hours": 2, "channel": "re\x00tail"}],
            r"assignment 1 \(channel_rep\): channel: 're\\x00tail' contains the invisible",
        ),
        (
            "Ana",
            10,
            [{"role": "channel_rep", "hours": 2, "channel": "w" * 101}],
            r"assignment 1 \(channel_rep\): channel: .* is 101 characters long",
        ),
        ("Ana", 10, [{"role": "it", "hours": 2}, {"role": "IT", "hours": 1}], "roles"),
    ],
)
def test_make_member_refuses_bad_input_naming_the_field(
    name: str, available: object, assignments: list[dict[str, object]], field: str
) -> None:
    with pytest.raises(ValidationError, match=f"^{field}"):
        make_member(name, available, assignments)  # type: ignore[arg-type]


def test_zero_available_hours_are_allowed_and_make_any_role_an_overload() -> None:
    member = person("On leave", "it", available=0, hours=2)
    assert member.overloaded
    assert member.capacity_hours == 0


# --- coverage, load and capacity ------------------------------------------------------


def worked_team() -> list[Member]:
    return [
        make_member("Dana", 6, [rep("direct marketing")]),
        make_member("Eli", 10, [rep("ecommerce"), rep("retail")]),
        make_member("Sam", 6, [rep("sales")]),
        person("Sue", "support"),
        person("Ian", "it"),
        person("Ana", "social_expert", available=10, hours=14),
    ]


def test_full_worked_team_leaves_no_gaps() -> None:
    seats = recommended_core_team(WORKED_CHANNELS)
    assert coverage_gaps(worked_team(), seats) == ()


def test_gaps_are_the_seats_nobody_holds() -> None:
    seats = recommended_core_team(WORKED_CHANNELS)
    team = [m for m in worked_team() if m.name not in ("Eli", "Ian")]
    assert coverage_gaps(team, seats) == (
        Seat(Role.CHANNEL_REP, "ecommerce"),
        Seat(Role.CHANNEL_REP, "retail"),
        Seat(Role.IT),
    )


@pytest.mark.parametrize(
    "channel", ["ecommerce+retail", "E-commerce + Retail", "ecommerce", "retail"]
)
def test_integrated_seat_is_covered_by_a_rep_of_either_part(channel: str) -> None:
    seats = recommended_core_team(WORKED_CHANNELS, integrated=["ecommerce", "retail"])
    team = [m for m in worked_team() if m.name != "Eli"]
    assert Seat(Role.CHANNEL_REP, "ecommerce+retail") in coverage_gaps(team, seats)
    team.append(make_member("Eve", 5, [rep(channel)]))
    assert coverage_gaps(team, seats) == ()


def test_a_rep_of_another_channel_does_not_cover_the_seat() -> None:
    seats = (Seat(Role.CHANNEL_REP, "ecommerce+retail"),)
    assert coverage_gaps([make_member("Sam", 5, [rep("sales")])], seats) == seats


def test_a_hybrid_member_covers_several_seats() -> None:
    seats = recommended_core_team(["social"])
    hybrid = person("Max", "support", "it", "social_expert", hours=2)
    assert coverage_gaps([hybrid], seats) == ()


def test_overload_counts_only_the_hours_a_person_really_has() -> None:
    team = worked_team()
    assert [m.name for m in overloaded(team)] == ["Ana"]
    ana = team[-1]
    assert (ana.assigned_hours, ana.available_hours, ana.capacity_hours) == (14, 10, 10)
    # Dana, Sam 4 h each; Eli 8 h; Sue, Ian 4 h; Ana capped at 10 h, not 14
    assert team_capacity(team) == pytest.approx(4 + 8 + 4 + 4 + 4 + 10)


def test_capacity_of_nobody_is_zero() -> None:
    assert team_capacity([]) == 0.0


def test_warnings_name_empty_seats_and_burnout_risks() -> None:
    seats = recommended_core_team(WORKED_CHANNELS)
    team = [m for m in worked_team() if m.name != "Ian"]
    assert team_warnings(team, seats) == (
        "Nobody holds the IT seat.",
        "Ana is assigned 14 h but has 10 h: burnout risk.",
    )
    assert team_warnings([*worked_team()[:-1], person("Ana", "social_expert")], seats) == ()


# --- team-size benchmark ---------------------------------------------------------------------


def specialists(count: int) -> list[Member]:
    """``count`` full-time content creators (40 h each): ``count`` full-time equivalents."""
    return [person(f"S{i}", "content_creator", available=40, hours=40) for i in range(count)]


def test_dedicated_fte_counts_the_hours_of_the_expert_and_specialists_not_the_heads() -> None:
    team = [
        person("Ana", "community_manager", hours=3),  # 3 h of community management: 0.075
        person("Ben", "social_expert", available=12, hours=12),  # a 12 h expert: 0.3
        person("Cai", "support", "it", hours=10, available=20),  # core, not dedicated
        make_member("Dee", 20, [rep("retail", 10), {"role": "content_creator", "hours": 10}]),
    ]
    assert dedicated_fte(team) == round((3 + 12 + 10) / 40, 1) == 0.6


def test_dedicated_fte_counts_hours_a_person_really_has() -> None:
    overloaded_expert = person("Eve", "social_expert", "content_creator", available=30, hours=30)
    assert dedicated_fte([overloaded_expert]) == 0.8  # 60 h assigned, 30 h available


@pytest.mark.parametrize(
    ("role", "serves"),
    [
        ("support", {DemandKind.MESSAGES}),
        ("social_expert", set(DemandKind)),
        ("social_media_manager", set(DemandKind)),
        ("community_manager", set(DemandKind)),
        ("content_creator", {DemandKind.CONTENT}),
        ("data_analyst", {DemandKind.MONITORING}),
        ("channel_rep", set()),
        ("it", set()),
        ("paid_media", set()),
    ],
)
def test_each_role_serves_its_default_demand(role: str, serves: set[DemandKind]) -> None:
    assert DEFAULT_SERVES[Role(role)] == serves


def test_serving_hours_leave_out_the_roles_that_serve_no_demand() -> None:
    team = [
        make_member("Lena", 10, [rep("ecommerce", 4), {"role": "support", "hours": 5}]),
        person("Omar", "it", hours=6),
        person("Sam", "social_expert", hours=8),
    ]
    assert team_capacity(team) == 4 + 5 + 6 + 8
    assert serving_hours(team) == 5 + 8


def test_serving_hours_follow_the_workspaces_choice_and_cap_at_availability() -> None:
    serves = serves_from_dict({"it": ["monitoring"], "support": []})
    team = [person("Omar", "it", "support", hours=6, available=8)]
    assert serving_hours(team, serves) == 6
    assert serving_hours(team) == 6
    assert serving_hours([person("Pia", "it", "social_expert", hours=6, available=8)], serves) == 8


def test_serves_round_trip_through_json_with_every_role() -> None:
    serves = serves_from_dict({"Channel rep": ["Content"]})
    assert serves[Role.CHANNEL_REP] == {DemandKind.CONTENT}
    data = serves_to_dict(serves)
    assert set(data) == {r.value for r in Role}
    assert serves_from_dict(data) == serves


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"it": ["inbox"]},
            r"roles' demand: it: expected one of messages, content, monitoring, got 'inbox'",
        ),
        ({"it": "messages"}, r"roles' demand: it: expected a list"),
        ({"wizard": []}, r"role: expected one of"),
        ([], r"roles' demand: expected each role mapped"),
    ],
)
def test_serves_refuse_what_is_not_a_role_and_its_demand(raw: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        serves_from_dict(raw)


@pytest.mark.parametrize(
    ("employees", "band", "low", "high"),
    [
        (1, "small", 1, 2),
        (50, "small", 1, 2),
        (51, "mid-size", 3, 5),
        (999, "mid-size", 3, 5),
        (1000, "enterprise", 11, None),
    ],
)
def test_benchmark_bands_and_their_boundaries(
    employees: int, band: str, low: int, high: int | None
) -> None:
    result = team_size_benchmark(employees, [])
    assert (result.band, result.employees, result.low, result.high) == (band, employees, low, high)
    assert result.dedicated_fte == 0
    assert "below the benchmark" in result.verdict


@pytest.mark.parametrize(
    ("employees", "dedicated", "position"),
    [
        (40, 0, "below"),
        (40, 1, "within"),
        (40, 2, "within"),
        (40, 3, "above"),
        (300, 2, "below"),
        (300, 5, "within"),
        (300, 6, "above"),
        (5000, 10, "below"),
        (5000, 11, "within"),
        (5000, 40, "within"),
    ],
)
def test_benchmark_verdict_says_where_the_team_stands(
    employees: int, dedicated: int, position: str
) -> None:
    result = team_size_benchmark(employees, specialists(dedicated))
    assert result.dedicated_fte == dedicated
    assert f"{position} the benchmark" in result.verdict


def test_benchmark_verdict_is_a_sentence_a_person_reads() -> None:
    verdict = team_size_benchmark(40, specialists(1)).verdict
    assert verdict == (
        "1.0 full-time equivalents of dedicated social staff for 40 employees: within the "
        "benchmark of 1-2 for small companies (1-50 employees)."
    )


@pytest.mark.parametrize("employees", [0, -5, 2.5, "many", True])
def test_benchmark_refuses_impossible_company_sizes(employees: object) -> None:
    with pytest.raises(ValidationError, match=r"^employees: expected a whole number"):
        team_size_benchmark(employees, [])  # type: ignore[arg-type]
