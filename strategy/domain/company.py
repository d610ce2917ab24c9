"""The company profile: its revenue channels, which of them are integrated, and its headcount.

The recommended core team is built from it: one rep per revenue channel, one for each group
of integrated channels. ``check_company`` is the one check of a profile, whether it comes
from the Team page's form or a caller of the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from strategy.domain.errors import ValidationError
from strategy.domain.limits import text_field
from strategy.domain.team import employee_count, normalise_channel

DEFAULT_CURRENCY = "EUR"
MAX_COMPANY_NAME = 100


@dataclass(frozen=True)
class CompanyProfile:
    """What the recommended team is built from: revenue channels, integrations, headcount."""

    channels: tuple[str, ...] = ()
    integrated: tuple[tuple[str, ...], ...] = ()
    employees: int = 1
    currency: str = DEFAULT_CURRENCY
    name: str = ""
    """The company's name, as the dashboard and the stand-up may greet it (optional)."""


def currency_code(raw: Any) -> str:
    """A currency as its three-letter ISO 4217 code, upper case (``eur`` -> ``EUR``)."""
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValidationError(
            f"currency: expected a three-letter code such as EUR, USD or GBP, got {raw!r}"
        )
    return code


def _channel_list(raw: Any, what: str) -> list[str]:
    """Channel names, normalised and each once, in the order given."""
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        raise ValidationError(f"{what}: expected a list of channel names, got {raw!r}")
    try:
        return list(dict.fromkeys(normalise_channel(c) for c in raw))
    except ValidationError as exc:
        raise ValidationError(f"{what}: {exc}") from None


def check_company(profile: CompanyProfile) -> CompanyProfile:
    """The profile checked and normalised; ValidationError names the field.

    Employees are a whole number from 1 to 10,000,000; channels are normalised and kept
    once each; every integrated group is two or more of the company's own channels; the
    currency is a three-letter code; the name is one line of at most 100 characters.
    """
    employees = employee_count(profile.employees)
    channels = _channel_list(profile.channels, "channels")
    if isinstance(profile.integrated, str | bytes) or not isinstance(profile.integrated, Iterable):
        raise ValidationError(
            f"integrated channels: expected groups of channels, got {profile.integrated!r}"
        )
    integrated = [_channel_list(g, "integrated channels") for g in profile.integrated]
    for group in integrated:
        unknown = [c for c in group if c not in channels]
        if unknown:
            raise ValidationError(
                f"integrated channels: {', '.join(unknown)} "
                f"{'is' if len(unknown) == 1 else 'are'} not among the company's channels "
                f"({', '.join(channels) or 'none'}); add it there, or leave it out"
            )
        if len(group) < 2:
            raise ValidationError(
                "integrated channels: a group is two or more channels that share one rep, "
                f"got {', '.join(group) or 'an empty group'}"
            )
    return CompanyProfile(
        channels=tuple(channels),
        integrated=tuple(tuple(g) for g in integrated),
        employees=employees,
        currency=currency_code(profile.currency),
        name=text_field(profile.name, "company name", limit=MAX_COMPANY_NAME),
    )
