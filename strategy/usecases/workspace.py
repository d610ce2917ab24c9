"""The workspace the app and the command line call: its storage (``Store``: opening,
reading, the write transaction) with each use case as a method of the same name.

Each method is the use case itself (``ws.add_assignment(actor, ...)`` is
``strategy.usecases.team.add_assignment(ws, actor, ...)``), which checks its arguments with
the domain's rules and writes in one transaction; the rules themselves live in the domain
modules.
"""

from __future__ import annotations

from strategy.storage.store import Store
from strategy.usecases import (
    experiments,
    platforms,
    requests,
    settings,
    stages,
    standup,
    team,
    uploads,
)


class Workspace(Store):
    """A workspace folder or database. Cheap to construct; every call takes a connection."""

    add_assignment = team.add_assignment
    replace_team = team.replace_team
    remove_member = team.remove_member

    set_company = settings.set_company
    set_returning_weeks = settings.set_returning_weeks
    set_ramp_up = settings.set_ramp_up
    set_role_serves = settings.set_role_serves
    set_rates = settings.set_rates
    set_role_rate = settings.set_role_rate
    set_junior_rate = settings.set_junior_rate
    set_user_role = settings.set_user_role

    set_checklist = stages.set_checklist
    save_checklist = stages.save_checklist
    add_override = stages.add_override
    remove_override = stages.remove_override
    set_gates = stages.set_gates
    set_demand_settings = stages.set_demand_settings

    log_test = experiments.log_test
    update_test = experiments.update_test
    remove_test = experiments.remove_test

    raise_request = requests.raise_request
    decide_request = requests.decide_request
    amend_request = requests.amend_request
    close_review = requests.close_review
    start_onboarding = requests.start_onboarding
    set_onboarding_done = requests.set_onboarding_done
    set_plan = requests.set_plan

    read_file = uploads.read_file
    import_file = uploads.import_file
    import_read = uploads.import_read
    remove_upload = uploads.remove_upload
    set_baseline = uploads.set_baseline
    remove_baseline = uploads.remove_baseline
    save_mapping = uploads.save_mapping
    remove_mapping = uploads.remove_mapping

    add_standup_item = standup.add_standup_item
    remove_standup_item = standup.remove_standup_item
    standup_items = standup.standup_items

    review_platform = platforms.review_platform
    restart_platform = platforms.restart_platform
