"""The workspace's state at one moment, as the rules read it: no storage here.

A ``Snapshot`` is read in one transaction (``strategy.storage``) and handed to the analysis;
``Upload`` and ``AuditEntry`` are the stored rows it shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from strategy.domain.baselines import Baseline
from strategy.domain.company import CompanyProfile
from strategy.domain.costs import DEFAULT_RATES, Rates
from strategy.domain.errors import ImportRejected
from strategy.domain.experiments import StrategyTest
from strategy.domain.experiments.kept import KeptStats
from strategy.domain.gates import DEFAULT_GATES, ChecklistItem, GateSet
from strategy.domain.horizons import empty_coverage
from strategy.domain.mappings import FileMapping
from strategy.domain.metrics import empty_daily
from strategy.domain.onboarding import OnboardingItem, PlanItem
from strategy.domain.platform_review import PlatformDecision
from strategy.domain.presence import DEFAULT_RAMP_UP, RampUp
from strategy.domain.requests import ResourceRequest
from strategy.domain.resources import DEFAULT_SETTINGS, DemandSettings
from strategy.domain.settings import DEFAULT_RETURNING_WEEKS
from strategy.domain.stages import Override
from strategy.domain.team import DEFAULT_SERVES, Member, Role, RoleServes

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Upload:
    """One imported metrics file and what it covers."""

    id: int
    name: str
    sha256: str
    layout: str
    rows: int
    platforms: tuple[str, ...]
    first_week: dt.date
    last_week: dt.date
    metrics: tuple[str, ...]
    uploaded_at: str
    by: str
    data_through: dict[str, dt.date] = field(default_factory=dict)
    notes: tuple[str, ...] = field(default=(), compare=False)
    """What the import said about reading the file (rows skipped above the header, how a
    platform's export was read); given by the import that stores it, not stored itself."""

    @property
    def uploaded_on(self) -> dt.date:
        """The UTC day of the upload."""
        return dt.date.fromisoformat(self.uploaded_at[:10])


def imported_as(sha256: str, uploads: Iterable[Upload]) -> Upload | None:
    """The upload that already holds the file with this content hash, if any."""
    return next((u for u in uploads if u.sha256 == sha256), None)


def check_not_imported(name: str, sha256: str, uploads: Iterable[Upload]) -> None:
    """A file is imported once: a repeat is refused, naming the upload that holds it."""
    dup = imported_as(sha256, uploads)
    if dup is not None:
        raise ImportRejected(
            f"{name}: this exact file is already imported as upload "
            f"#{dup.id} ({dup.name}); remove that upload first to import it again"
        )


@dataclass(frozen=True)
class AuditEntry:
    """Who changed what, when."""

    id: int
    at: str
    actor: str
    action: str
    detail: str


@dataclass(frozen=True)
class TestDates:
    """When a test was logged and concluded (None for tests logged before these were kept)."""

    __test__ = False  # not a pytest test class

    logged_on: dt.date | None
    concluded_on: dt.date | None


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything the analysis needs, read in one transaction so it is consistent."""

    data_version: int
    members: tuple[Member, ...]
    checklist: tuple[ChecklistItem, ...]
    overrides: tuple[Override, ...]
    tests: tuple[StrategyTest, ...]
    uploads: tuple[Upload, ...]
    weekly: pd.DataFrame = field(repr=False)
    coverage: pd.DataFrame = field(repr=False, default_factory=empty_coverage)
    gates: GateSet = DEFAULT_GATES
    demand: DemandSettings = DEFAULT_SETTINGS
    returning_weeks: int = DEFAULT_RETURNING_WEEKS
    """The returning window events imports from now on are derived with (weeks)."""
    company: CompanyProfile = field(default_factory=CompanyProfile)
    role_serves: RoleServes = field(default_factory=lambda: DEFAULT_SERVES)
    rates: Rates = DEFAULT_RATES
    requests: tuple[ResourceRequest, ...] = ()
    onboarding: tuple[OnboardingItem, ...] = ()
    plans: dict[Role, tuple[PlanItem, ...]] = field(default_factory=dict)
    """Each role's own onboarding plan (the others follow the default)."""
    baselines: dict[str, Baseline] = field(default_factory=dict)
    """Each platform's followers on one day, from which its daily gains build followers."""
    mappings: dict[str, FileMapping] = field(default_factory=dict)
    """How files that are neither exports nor layouts are read, by mapping name."""
    daily_changes: pd.DataFrame = field(repr=False, default_factory=empty_daily)
    """The changes' values per day (day, platform, metric, value): exact baselines."""
    test_dates: dict[int, TestDates] = field(default_factory=dict)
    """Test id -> when it was logged and concluded."""
    kept_stats: dict[int, KeptStats] = field(default_factory=dict)
    """Test id -> its statistics as computed at its last save (``experiments.kept``)."""
    former: tuple[Member, ...] = ()
    """The people whose leaving is recorded (``members`` holds those still on the roster,
    people starting later included); the analysis counts whoever is present on its day."""
    ramp_up: RampUp = DEFAULT_RAMP_UP
    """A new person's share of their serving hours on days 0-29 and 30-59 after starting."""
    platform_decisions: tuple[PlatformDecision, ...] = ()
    """Every decision on a platform's review (continue, stop, restart), oldest first."""
