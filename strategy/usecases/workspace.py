"""The workspace the app and the command line call: its storage (``Store``: opening,
reading, the write transaction) with each use case as a method of the same name.

Each method only hands its arguments to the use case in ``strategy.usecases``, which checks
them with the domain's rules and writes in one transaction; the rules themselves live in
the domain modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from strategy.domain.access import Actor
from strategy.domain.baselines import Baseline
from strategy.domain.company import CompanyProfile
from strategy.domain.costs import Rates
from strategy.domain.experiments import StrategyTest
from strategy.domain.gates import ChecklistItem, GateSet
from strategy.domain.onboarding import OnboardingItem, PlanItem
from strategy.domain.requests import ResourceRequest
from strategy.domain.resources import DemandSettings
from strategy.domain.snapshot import Upload
from strategy.domain.stages import Override
from strategy.domain.team import Member, RoleServes
from strategy.ingest.mappings import FileMapping
from strategy.storage.store import Store
from strategy.usecases import experiments, requests, settings, stages, team, uploads
from strategy.usecases.common import Saved


class Workspace(Store):
    """A workspace folder or database. Cheap to construct; every call takes a connection."""

    # --- team ------------------------------------------------------------------------

    def add_assignment(
        self,
        actor: Actor,
        *,
        name: str,
        role: str,
        hours: object,
        channel: str | None = None,
        available_hours: object = None,
        rate: object = None,
    ) -> Member:
        """``strategy.usecases.team.add_assignment``."""
        return team.add_assignment(
            self, actor, name=name, role=role, hours=hours, channel=channel,
            available_hours=available_hours, rate=rate,
        )  # fmt: skip

    def replace_team(
        self, actor: Actor, members: Sequence[Member], *, expected: Sequence[Member] | None = None
    ) -> Saved[tuple[Member, ...]]:
        """``strategy.usecases.team.replace_team``."""
        return team.replace_team(self, actor, members, expected=expected)

    def remove_member(self, actor: Actor, name: str) -> None:
        """``strategy.usecases.team.remove_member``."""
        team.remove_member(self, actor, name)

    # --- settings --------------------------------------------------------------------

    def set_company(
        self, actor: Actor, profile: CompanyProfile, *, expected: CompanyProfile | None = None
    ) -> Saved[CompanyProfile]:
        """``strategy.usecases.settings.set_company``."""
        return settings.set_company(self, actor, profile, expected=expected)

    def set_returning_weeks(
        self, actor: Actor, weeks: object, *, expected: int | None = None
    ) -> Saved[int]:
        """``strategy.usecases.settings.set_returning_weeks``."""
        return settings.set_returning_weeks(self, actor, weeks, expected=expected)

    def set_role_serves(
        self, actor: Actor, serves: object, *, expected: RoleServes | None = None
    ) -> Saved[RoleServes]:
        """``strategy.usecases.settings.set_role_serves``."""
        return settings.set_role_serves(self, actor, serves, expected=expected)

    def set_rates(
        self, actor: Actor, rates: Mapping[str, object] | Rates, *, expected: Rates | None = None
    ) -> Saved[Rates]:
        """``strategy.usecases.settings.set_rates``."""
        return settings.set_rates(self, actor, rates, expected=expected)

    def set_role_rate(self, actor: Actor, role: str, rate: object) -> Rates:
        """``strategy.usecases.settings.set_role_rate``."""
        return settings.set_role_rate(self, actor, role, rate)

    def set_user_role(self, actor: Actor, identity: str, role: str | None) -> str:
        """``strategy.usecases.settings.set_user_role``."""
        return settings.set_user_role(self, actor, identity, role)

    # --- stages ----------------------------------------------------------------------

    def set_checklist(
        self, actor: Actor, platform: str, item: str, done_on: dt.date | str | None
    ) -> Saved[tuple[ChecklistItem, ...]]:
        """``strategy.usecases.stages.set_checklist``."""
        return stages.set_checklist(self, actor, platform, item, done_on)

    def save_checklist(
        self,
        actor: Actor,
        changes: Sequence[tuple[str, str, dt.date | str | None]],
        *,
        detail: str | None = None,
    ) -> Saved[tuple[ChecklistItem, ...]]:
        """``strategy.usecases.stages.save_checklist``."""
        return stages.save_checklist(self, actor, changes, detail=detail)

    def add_override(
        self,
        actor: Actor,
        platform: str,
        week: dt.date | str,
        stage: str,
        reason: str,
        *,
        until: dt.date | str | None = None,
    ) -> Override:
        """``strategy.usecases.stages.add_override``."""
        return stages.add_override(self, actor, platform, week, stage, reason, until=until)

    def remove_override(self, actor: Actor, override_id: int) -> Override:
        """``strategy.usecases.stages.remove_override``."""
        return stages.remove_override(self, actor, override_id)

    def set_gates(
        self,
        actor: Actor,
        gates: Mapping[str, object] | GateSet,
        *,
        expected: Mapping[str, object] | GateSet | None = None,
    ) -> Saved[GateSet]:
        """``strategy.usecases.stages.set_gates``."""
        return stages.set_gates(self, actor, gates, expected=expected)

    def set_demand_settings(
        self,
        actor: Actor,
        settings: Mapping[str, object],
        *,
        expected: Mapping[str, object] | DemandSettings | None = None,
    ) -> Saved[DemandSettings]:
        """``strategy.usecases.stages.set_demand_settings``."""
        return stages.set_demand_settings(self, actor, settings, expected=expected)

    # --- tests -----------------------------------------------------------------------

    def log_test(self, actor: Actor, fields: Mapping[str, object]) -> StrategyTest:
        """``strategy.usecases.experiments.log_test``."""
        return experiments.log_test(self, actor, fields)

    def update_test(
        self, actor: Actor, test_id: int, changes: Mapping[str, object]
    ) -> Saved[StrategyTest]:
        """``strategy.usecases.experiments.update_test``."""
        return experiments.update_test(self, actor, test_id, changes)

    def remove_test(self, actor: Actor, test_id: int) -> None:
        """``strategy.usecases.experiments.remove_test``."""
        experiments.remove_test(self, actor, test_id)

    # --- resource requests and onboarding --------------------------------------------

    def raise_request(
        self, actor: Actor, *, note: object = "", today: dt.date | None = None
    ) -> ResourceRequest:
        """``strategy.usecases.requests.raise_request``."""
        return requests.raise_request(self, actor, note=note, today=today)

    def decide_request(
        self,
        actor: Actor,
        request_id: int,
        decision: object,
        reason: object,
        *,
        today: dt.date | None = None,
    ) -> ResourceRequest:
        """``strategy.usecases.requests.decide_request``."""
        return requests.decide_request(self, actor, request_id, decision, reason, today=today)

    def start_onboarding(
        self,
        actor: Actor,
        *,
        request_id: int,
        name: str,
        role: str,
        hours: object,
        start: dt.date | str,
        channel: str | None = None,
        available_hours: object = None,
    ) -> tuple[OnboardingItem, ...]:
        """``strategy.usecases.requests.start_onboarding``."""
        return requests.start_onboarding(
            self, actor, request_id=request_id, name=name, role=role, hours=hours,
            start=start, channel=channel, available_hours=available_hours,
        )  # fmt: skip

    def set_onboarding_done(
        self,
        actor: Actor,
        item_id: int,
        done_on: dt.date | str | None,
        *,
        today: dt.date | None = None,
    ) -> OnboardingItem:
        """``strategy.usecases.requests.set_onboarding_done``."""
        return requests.set_onboarding_done(self, actor, item_id, done_on, today=today)

    def set_plan(
        self,
        actor: Actor,
        role: str,
        items: Sequence[PlanItem | Mapping[str, object]] | None,
        *,
        expected: Sequence[PlanItem] | None = None,
    ) -> Saved[tuple[PlanItem, ...]]:
        """``strategy.usecases.requests.set_plan``."""
        return requests.set_plan(self, actor, role, items, expected=expected)

    # --- uploads ---------------------------------------------------------------------

    def import_file(
        self,
        actor: Actor,
        path: Path | str,
        *,
        name: str | None = None,
        today: dt.date | None = None,
        platform: str | None = None,
        year: int | None = None,
        mapping: str | None = None,
    ) -> Upload:
        """``strategy.usecases.uploads.import_file``."""
        return uploads.import_file(
            self, actor, path, name=name, today=today, platform=platform, year=year,
            mapping=mapping,
        )  # fmt: skip

    def import_read(self, actor: Actor, read: uploads.ReadFile) -> Upload:
        """``strategy.usecases.uploads.import_read``: a file a preview read and hashed."""
        return uploads.import_read(self, actor, read)

    def remove_upload(self, actor: Actor, upload_id: int) -> None:
        """``strategy.usecases.uploads.remove_upload``."""
        uploads.remove_upload(self, actor, upload_id)

    def set_baseline(
        self,
        actor: Actor,
        platform: object,
        metric: object,
        value: object,
        on: object,
        *,
        today: dt.date,
    ) -> Baseline:
        """``strategy.usecases.uploads.set_baseline``."""
        return uploads.set_baseline(self, actor, platform, metric, value, on, today=today)

    def remove_baseline(self, actor: Actor, platform: object) -> Baseline:
        """``strategy.usecases.uploads.remove_baseline``."""
        return uploads.remove_baseline(self, actor, platform)

    def save_mapping(self, actor: Actor, mapping: FileMapping) -> FileMapping:
        """``strategy.usecases.uploads.save_mapping``."""
        return uploads.save_mapping(self, actor, mapping)

    def remove_mapping(self, actor: Actor, name: str) -> FileMapping:
        """``strategy.usecases.uploads.remove_mapping``."""
        return uploads.remove_mapping(self, actor, name)
