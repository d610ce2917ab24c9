"""Use cases: each thing a person does to a workspace, checked with the domain's rules and
written with storage in one transaction (``common.writing``).

``team`` the roster, ``settings`` the company, rates, what roles serve, the returning window
and users, ``stages`` checklists, overrides, gates and the signal's settings, ``experiments``
strategy tests, ``requests`` resource requests, onboarding and plans, ``uploads`` imports,
baselines and mappings; ``workspace`` gathers them behind the ``Workspace`` the app and the
command line call.
"""

from strategy.usecases.common import Saved
from strategy.usecases.workspace import Workspace

__all__ = ["Saved", "Workspace"]
