"""The Team page's input: the roster table as Members, and the company profile form."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pandas as pd
import pytest

from strategy.domain.company import CompanyProfile
from strategy.domain.costs import Rates
from strategy.domain.errors import ValidationError
from strategy.domain.roster import roster_changes, row_gaps
from strategy.domain.team import Assignment, Member, Role, make_member, recommended_core_team
from strategy.views.roster import (
    ROSTER_COLUMNS,
    company_from_form,
    members_from_rows,
    members_to_rows,
    rate_changes,
    split_channels,
    value_changes,
)


def row(
    name: Any, role: Any, hours: Any = 2, available: Any = 10, channel: Any = ""
) -> dict[str, Any]:
    return {"name": name, "role": role, "channel": channel, "hours": hours, "available": available}


TEAM = (
    make_member("Maya Okafor", 14, [{"role": "social_expert", "hours": 12}]),
    make_member(
        "Jonas Weber",
        8,
        [{"role": "support", "hours": 8}, {"role": "community_manager", "hours": 3}],
    ),
    make_member("Lena Fischer", 5, [{"role": "channel_rep", "hours": 4, "channel": "E-commerce"}]),
)


# --- the roster table -----------------------------------------------------------------------


def test_rows_are_one_per_role_with_the_persons_available_hours_on_each() -> None:
    rows = members_to_rows(TEAM)
    assert [tuple(r) for r in rows] == [ROSTER_COLUMNS] * 4
    assert [(r["name"], r["role"], r["hours"], r["available"]) for r in rows[1:3]] == [
        ("Jonas Weber", "support", 8.0, 8.0),
        ("Jonas Weber", "community_manager", 3.0, 8.0),
    ]
    assert rows[3]["channel"] == "ecommerce"
    assert rows[0]["channel"] == ""


def test_the_table_round_trips_to_the_same_members() -> None:
    assert members_from_rows(members_to_rows(TEAM)) == TEAM


def test_the_table_round_trips_through_a_dataframe_as_the_editor_returns_it() -> None:
    frame = pd.DataFrame(members_to_rows(TEAM), columns=list(ROSTER_COLUMNS))
    assert members_from_rows(frame.to_dict("records")) == TEAM


def test_an_empty_table_is_an_empty_team() -> None:
    assert members_to_rows(()) == []
    assert members_from_rows([]) == ()


def test_blank_rows_are_skipped_whatever_the_editor_fills_them_with() -> None:
    blank_editor_row = {"name": None, "role": None, "channel": pd.NA, "hours": math.nan}
    rows = [blank_editor_row, row("Ana", "it"), {"name": "  ", "channel": ""}]
    assert members_from_rows(rows) == (make_member("Ana", 10, [{"role": "it", "hours": 2}]),)


def test_rows_of_one_person_gather_by_name_in_any_case_and_spacing() -> None:
    rows = [row("Ana  Lima", "it", 2), row("Raj", "support", 3), row("ana lima", "support", 1)]
    members = members_from_rows(rows)
    assert [m.name for m in members] == ["Ana Lima", "Raj"]
    assert members[0].assignments == (Assignment(Role.IT, 2.0), Assignment(Role.SUPPORT, 1.0))


def test_available_may_be_given_on_just_one_of_a_persons_rows() -> None:
    rows = [row("Ana", "it", 2, available=None), row("Ana", "support", 3, available="6")]
    (ana,) = members_from_rows(rows)
    assert ana.available_hours == 6.0
    assert ana.assigned_hours == 5.0


def test_roles_may_be_given_by_label_and_numbers_as_text() -> None:
    (ana,) = members_from_rows([row("Ana", "Customer support", " 2.5 ", "4")])
    assert ana.assignments == (Assignment(Role.SUPPORT, 2.5),)


def test_channels_are_normalised_and_reps_of_two_channels_are_two_roles() -> None:
    rows = [
        row("Ana", "channel_rep", 2, channel="E-Commerce"),
        row("Ana", "channel_rep", 1, channel="Retail"),
    ]
    (ana,) = members_from_rows(rows)
    assert [a.channel for a in ana.assignments] == ["ecommerce", "retail"]


def test_an_overloaded_person_is_kept_so_the_page_can_warn_about_them() -> None:
    (ana,) = members_from_rows([row("Ana", "it", 12, available=4)])
    assert ana.overloaded


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [row("Ana", "it"), row("Raj", "it"), row("Li", "support", hours="abc")],
            r"^row 3: hours: expected a number of hours a week more than 0, up to 168, "
            r"got 'abc'$",
        ),
        ([row("Ana", "it", hours=0)], r"^row 1: hours: .* more than 0.*got 0"),
        ([row("Ana", "it", hours=200)], r"^row 1: hours: .*up to 168, got 200"),
        ([row("Ana", "it", hours=None)], r"^row 1: hours: .*got nothing$"),
        ([row("Ana", "it", hours=True)], r"^row 1: hours: .*got True$"),
        ([row("Ana", "it", available=-1)], r"^row 1: available: .*from 0 to 168, got -1$"),
        ([row("Ana", "it", available="lots")], r"^row 1: available: .*got 'lots'$"),
        ([row("Ana", "it"), row(None, "it")], r"^row 2: name: expected the person's name"),
        ([row("  ", "support")], r"^row 1: name: expected the person's name, got nothing$"),
        ([row("Ana", "wizard")], r"^row 1: role: expected one of channel_rep, .*got 'wizard'$"),
        ([row("Ana", None)], r"^row 1: role: expected one of .*got nothing$"),
        (
            [row("Ana", "channel_rep")],
            r"^row 1: channel: expected the revenue channel this rep covers, got nothing$",
        ),
        (
            [row("Ana", "channel_rep", channel="social media")],
            r"^row 1: channel: the social channel has no rep",
        ),
        (
            [row("Ana", "support", channel="retail")],
            r"^row 1: channel: only a channel rep has a channel, got 'retail' for support$",
        ),
        (
            [row("Ana", "it", available=4), row("Raj", "it"), row("ANA", "support", available=6)],
            r"^row 3: available: Ana has 4 h a week on row 1 but 6 h here",
        ),
        (
            [row("Ana", "it"), row("Ana", "IT")],
            r"^row 2: role: Ana already holds it on row 1$",
        ),
        (
            [
                row("Ana", "channel_rep", channel="retail"),
                row("ana", "channel_rep", channel="Retail"),
            ],
            r"^row 2: role: Ana already holds channel_rep for retail on row 1$",
        ),
        (
            [row("Ana", "it", available=None), row("Ana", "support", available=None)],
            r"^row 1: available: expected a number of hours a week from 0 to 168, got nothing$",
        ),
        ([row("x" * 101, "it")], r"^row 1: name: expected at most 100 characters, got 101$"),
    ],
)
def test_each_bad_row_is_named_with_its_field(rows: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        members_from_rows(rows)


# --- the company profile form ---------------------------------------------------------------


def test_other_channels_are_split_on_commas_and_normalised() -> None:
    assert split_channels(" Wholesale, E-commerce;  \nMarket stalls ,") == (
        "wholesale",
        "ecommerce",
        "market_stalls",
    )
    assert split_channels("") == ()


def test_the_worked_example_gets_four_reps_and_six_with_integrated_channels() -> None:
    channels = ["direct_marketing", "ecommerce", "retail", "social", "sales"]
    profile = company_from_form(channels, "", [], 180)
    assert profile == CompanyProfile(channels=tuple(channels), integrated=(), employees=180)
    assert len(recommended_core_team(profile.channels, profile.integrated)) == 7

    merged = company_from_form(channels, "", ["ecommerce", "retail"], "180")
    assert merged.integrated == (("ecommerce", "retail"),)
    assert len(recommended_core_team(merged.channels, merged.integrated)) == 6


def test_other_channels_join_the_picked_ones_once() -> None:
    profile = company_from_form(["retail"], "Wholesale, retail", ["retail", "wholesale"], 12)
    assert profile.channels == ("retail", "wholesale")
    assert profile.integrated == (("retail", "wholesale"),)


@pytest.mark.parametrize(
    ("integrated", "employees", "message"),
    [
        (
            ["retail", "sales"],
            10,
            r"^integrated channels: sales is not among the company's channels "
            r"\(retail, ecommerce\); add it there, or leave it out$",
        ),
        (["retail"], 10, r"^integrated channels: a group is two or more .* got retail$"),
        ([], 0, r"^employees: expected a whole number from 1 to 10,000,000, got 0$"),
        ([], 2.5, r"^employees: .*got 2.5$"),
        ([], "many", r"^employees: .*got 'many'$"),
        ([], None, r"^employees: .*got nothing$"),
    ],
)
def test_a_bad_company_form_names_the_field(
    integrated: list[str], employees: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        company_from_form(["retail", "ecommerce"], "", integrated, employees)


def test_a_bad_other_channel_is_named() -> None:
    with pytest.raises(ValidationError, match=r"^other channels: channel: expected a channel"):
        company_from_form([], "retail+", [], 5)


@pytest.mark.parametrize(
    ("cells", "gaps"),
    [
        ({"name": "Omar Haddad", "role": "it", "hours": 6}, ()),
        ({"name": "Omar Haddad", "role": None, "hours": 6}, ("row 11: Omar Haddad has no role",)),
        (
            {"name": "Omar Haddad", "role": "it", "hours": None},
            ("row 11: Omar Haddad has no hours for the role",),
        ),
        (
            {"name": None, "role": None, "hours": 2},
            ("row 11: the person has no name", "row 11: the person has no role"),
        ),
    ],
)
def test_a_roster_row_names_each_cell_it_lacks(
    cells: dict[str, object], gaps: tuple[str, ...]
) -> None:
    assert row_gaps(11, cells) == gaps


JONAS = make_member(
    "Jonas Weber", 8, [{"role": "support", "hours": 8}, {"role": "community_manager", "hours": 3}]
)
OMAR = make_member("Omar Haddad", 6, [{"role": "it", "hours": 6}])


@pytest.mark.parametrize(
    ("after", "said"),
    [
        ((JONAS,), ()),
        ((JONAS, OMAR), ("added Omar Haddad",)),
        ((), ("removed Jonas Weber",)),
        (
            (make_member("Jonas Weber", 8, [{"role": "support", "hours": 6}]),),
            (
                "Jonas Weber's hours as customer support 8 -> 6",
                "Jonas Weber no longer community manager",
            ),
        ),
        (
            (dataclasses.replace(JONAS, available_hours=11),),
            ("Jonas Weber's available hours 8 -> 11",),
        ),
    ],
)
def test_a_roster_save_says_who_was_added_removed_or_changed(
    after: tuple[Member, ...], said: tuple[str, ...]
) -> None:
    assert roster_changes((JONAS,), after) == said


@pytest.mark.parametrize(
    ("after", "said"),
    [
        ({"minutes": 5, "share": 0.85}, ()),
        ({"minutes": 6, "share": 0.85}, ("minutes per message 5 -> 6",)),
        ({"minutes": 5, "share": None}, ("utilisation threshold 0.85 -> blank",)),
    ],
)
def test_a_forms_save_names_each_value_it_moved(
    after: dict[str, Any], said: tuple[str, ...]
) -> None:
    labels = {"minutes": "minutes per message", "share": "utilisation threshold"}
    assert value_changes({"minutes": 5, "share": 0.85}, after, labels) == said


def test_a_rates_save_names_the_role_or_person_and_the_rate_it_moved() -> None:
    before = Rates()
    after = Rates(roles={**before.roles, Role.IT: 55.0}, people={"omar haddad": 60.0}, juniors={})
    assert rate_changes(before, after, [OMAR]) == (
        "IT's rate 50 -> 55",
        "Omar Haddad's rate blank -> 60",
    )
