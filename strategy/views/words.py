"""Words for people: how the pages name metrics, roles, channels, days, moments and counts.

The raw names (``returning_share``, ``direct_marketing``, ``2026-11-09``) stay in CSV, JSON
and the CLI; every page and dashboard section shows these words instead. One date format on
the pages: ``09 Nov 2026``, and ``09 Nov 2026 07:53`` (UTC) where the time matters.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Final

from strategy.domain.clock import DAY_FORMAT, day_text
from strategy.domain.numbers import plural
from strategy.domain.snapshot import AuditEntry
from strategy.domain.team import ROLE_LABELS, Role

__all__ = [
    "TABLE_DAY",
    "audit_sentence",
    "channel_words",
    "comparison_words",
    "day_text",
    "metric_named",
    "metric_words",
    "moment_text",
    "plural",
    "role_words",
    "said",
]

TABLE_DAY: Final[str] = "DD MMM YYYY"
"""The same day format (``09 Nov 2026``) for a table's date column, in the moment.js notation
of ``st.column_config.DateColumn``."""

METRIC_WORDS: Final[dict[str, str]] = {
    "response_minutes_median": "median response minutes",
    "member_initiated_threads": "member-initiated threads",
    "member_initiated_share": "member-initiated share",
    "setup_checklist_complete": "setup checklist complete",
}
"""Metrics whose words are not simply their name with spaces."""

COMPARISONS: Final[dict[str, str]] = {">=": "≥", "<=": "≤"}
"""Comparisons as a page writes them (``≥ 50``); the CLI and the gate JSON keep ``>=``."""

_IDENTIFIER = re.compile(r"(?<![\w./\\-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w-]|\.\w)")
"""A snake_case name standing alone: not part of a file name (``instagram_week.csv``) or a
path, which keep their underscores."""

_ROSTER = re.compile(r"^(\d[\d,]*) people: (.+)$")
_NONE = re.compile(r"\bNone\b")
_ISO_DAY = re.compile(r"(?<![\w-])(\d{4}-\d{2}-\d{2})(?![\w:-])")


def metric_words(name: str) -> str:
    """``returning_share`` -> ``returning share``: a metric's name as the pages say it."""
    return METRIC_WORDS.get(name, name.replace("_", " "))


def metric_named(words: str) -> str:
    """The metric a person wrote in words (``median response minutes``), as its name; other
    text is left as typed, for the one metric-name rule (spaces as ``_``) to read."""
    named = {said.casefold(): name for name, said in METRIC_WORDS.items()}
    return named.get(" ".join(words.split()).casefold(), words)


def comparison_words(op: str) -> str:
    """``>=`` -> ``≥``: a gate's comparison as a page writes it."""
    return COMPARISONS.get(op, op)


def channel_words(name: str) -> str:
    """``direct_marketing`` -> ``direct marketing``, ``retail+ecommerce`` -> ``retail +
    ecommerce``: a revenue channel (or integrated channels) as the pages say it."""
    return name.replace("_", " ").replace("+", " + ")


def role_words(role: Role) -> str:
    """``social_expert`` -> ``social-media expert``: a role as a sentence says it."""
    label = ROLE_LABELS[role]
    return label if label.isupper() else label[0].lower() + label[1:]


def moment_text(moment: dt.datetime | str) -> str:
    """``09 Nov 2026 07:53``: a moment (a datetime, or ISO text as stored) in UTC."""
    at = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC)
    return f"{at:{DAY_FORMAT} %H:%M}"


def said(text: str) -> str:
    """A sentence written for the CLI, as a page says it: snake_case names as words
    (``active_members 35`` -> ``active members 35``) and ISO dates as ``09 Nov 2026``.

    File names and paths keep their underscores; a page shows them as code."""
    words = _IDENTIFIER.sub(lambda m: metric_words(m.group(1)), text)
    return _ISO_DAY.sub(lambda m: day_text(dt.date.fromisoformat(m.group(1))), words)


AUDIT_VERBS: Final[dict[str, str]] = {
    "baseline.remove": "removed a follower baseline",
    "baseline.set": "set a follower baseline",
    "checklist.set": "changed the setup checklist",
    "company.set": "saved the company",
    "demand.set": "set the demand assumptions",
    "gates.set": "changed the gates",
    "mapping.remove": "removed a column mapping",
    "mapping.save": "saved a column mapping",
    "onboarding.done": "ticked an onboarding item",
    "onboarding.plan": "changed the onboarding plan",
    "onboarding.start": "started an onboarding",
    "platform.restart": "restarted a platform",
    "platform.review": "decided a platform review",
    "ramp_up.set": "set the ramp-up",
    "rates.junior": "set the junior rate",
    "rates.role": "set a role's hourly rate",
    "rates.set": "set an hourly rate",
    "request.amend": "amended a resource request",
    "request.decide": "decided a resource request",
    "request.raise": "raised a resource request",
    "request.review": "closed a hire review",
    "returning_weeks.set": "set the returning-member window",
    "stage.override": "overrode a stage",
    "stage.override.remove": "removed a stage override",
    "standup.add": "added a stand-up item",
    "standup.remove": "removed a stand-up item",
    "team.add": "added to the team",
    "team.remove": "removed from the team",
    "team.replace": "saved the roster",
    "team.serves": "set which demand each role serves",
    "test.log": "logged a test",
    "test.remove": "removed a test",
    "test.update": "updated a test",
    "upload.import": "imported",
    "upload.remove": "removed the upload",
    "users.set": "set who may do what",
}
"""Each audit action as the verb of a sentence whose subject is who did it."""


def audit_sentence(entry: AuditEntry) -> str:
    """``Maya imported instagram_week.csv``, ``Maya saved the roster: added Omar Haddad``."""
    verb = AUDIT_VERBS.get(entry.action, entry.action.replace(".", " ").replace("_", " "))
    detail = _company(entry.detail) if entry.action == "company.set" else entry.detail
    if entry.action == "checklist.set":  # "forum: tools_chosen = 2025-12-07", or "= None"
        detail = detail.replace(" = None", " not done").replace(" = ", " done on ")
    if entry.action == "team.replace":  # "8 people: added Omar Haddad"
        detail = _ROSTER.sub(
            lambda m: f"{m[2]} ({plural(int(m[1].replace(',', '')), 'person')})", detail
        )
    detail = _NONE.sub("blank", detail)  # a value cleared (a rate, a date) reads as blank
    joint = " " if verb == "imported" else ": "
    return f"{entry.actor} {verb}{joint}{said(detail)}" if detail else f"{entry.actor} {verb}"


def _company(detail: str) -> str:
    """The company's name and size from the JSON a company save stores."""
    try:
        company = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(company, dict):
        return detail
    name = company.get("name") or "no name"
    employees = company.get("employees")
    return f"{name}, {plural(employees, 'employee')}" if isinstance(employees, int) else name
