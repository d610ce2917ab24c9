"""The company profile's one check: channels once each, integrated groups of its own
channels, a whole number of employees."""

from __future__ import annotations

from typing import Any

import pytest

from strategy.domain.company import CompanyProfile, check_company
from strategy.domain.errors import ValidationError


def test_a_profile_is_normalised_channels_once_each_in_the_order_given() -> None:
    profile = CompanyProfile(
        channels=("Retail", "E-commerce", "retail", "Social media"),
        integrated=(("e_commerce", " Retail "),),
        employees="180",  # a form sends text
    )
    assert check_company(profile) == CompanyProfile(
        channels=("retail", "ecommerce", "social"),
        integrated=(("ecommerce", "retail"),),
        employees=180,
    )


@pytest.mark.parametrize(
    ("channels", "integrated", "employees", "message"),
    [
        ((), (), 0, r"^employees: expected a whole number from 1 to 10,000,000, got 0$"),
        ((), (), None, r"^employees: .*got nothing$"),
        ((), (), True, r"^employees: .*got True$"),
        ("retail", (), 5, r"^channels: expected a list of channel names, got 'retail'$"),
        (("retail+",), (), 5, r"^channels: channel: expected a channel name"),
        (("retail",), "retail", 5, r"^integrated channels: expected groups of channels"),
        (
            ("retail",),
            (("ecommerce", "sales"),),
            5,
            r"^integrated channels: ecommerce, sales are not among the company's channels "
            r"\(retail\); add it there, or leave it out$",
        ),
        (("retail",), ((),), 5, r"^integrated channels: a group .* got an empty group$"),
    ],
)
def test_a_bad_profile_names_its_field(
    channels: Any, integrated: Any, employees: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        check_company(CompanyProfile(channels, integrated, employees))
