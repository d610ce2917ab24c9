"""The company profile: revenue channels, which of them are integrated, and headcount."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompanyProfile:
    """What the recommended team is built from: revenue channels, integrations, headcount."""

    channels: tuple[str, ...] = ()
    integrated: tuple[tuple[str, ...], ...] = ()
    employees: int = 1
