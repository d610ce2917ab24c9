"""Every form a user fills in, fed random input: a stored change or an error naming the field.

Each example starts from valid form values and replaces one field with anything a person or
a careless caller could send (text of any shape, numbers huge or not finite, None, lists,
dates). The store must either accept it (one write: the data version and the audit log
advance by one, and reading the workspace back gives what the form asked for) or raise a
RolloutError whose message names that field and store nothing.
Viewers may not write at all: the store refuses them, not only the app's hidden buttons.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategy.domain.access import AccessRole, Actor
from strategy.domain.company import CompanyProfile
from strategy.domain.errors import PermissionDenied, RolloutError
from strategy.domain.experiments import StrategyTest
from strategy.domain.gates import CHECKLIST_ITEMS, DEFAULT_GATES, GateSet, gates_to_dict
from strategy.domain.metrics import normalise_name
from strategy.domain.resources import (
    DEFAULT_SETTINGS,
    SETTING_NAMES,
    DemandSettings,
    settings_to_dict,
)
from strategy.domain.stages import Override
from strategy.domain.team import Assignment, Member, Role, normalise_channel, parse_role
from strategy.ingest.mappings import check_mapping
from strategy.ingest.read import read_metrics
from strategy.storage.files import hash_file
from strategy.usecases import Saved, Workspace
from strategy.usecases.uploads import ReadFile
from tests.conftest import EDITOR, TODAY, VIEWER, workspace_state
from tests.engines import execute, fuzz_examples
from tests.workspace_child import scratch_dir

FUZZ = settings(
    max_examples=fuzz_examples(100),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ADMIN = Actor("admin@example.com", AccessRole.ADMIN)

JUNK: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["", "   ", "\t\n", "\x00", "  Ünï  cödé ", "小红书", "🙂" * 3, "x" * 6000]),
    st.integers(),
    st.sampled_from([-1, 0, 10**12 + 1, 10**30, 10**400, -(10**400)]),
    st.floats(),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), -0.0, 1e308, 5e-324]),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.binary(max_size=5),
    st.sampled_from([Decimal("NaN"), Decimal("1e400"), Decimal("2.5")]),
)
"""Anything a caller could put into a form field."""

NUMBER_TEXT = st.one_of(
    st.floats(0, 200).map(str), st.integers(0, 10**13).map(str), st.sampled_from([" 7.5 ", "1e3"])
)
DATE_TEXT = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat),
    st.sampled_from(["2026-02-30", "05/01/2026", "2026-01-05T10:00:00", " 2026-01-05 "]),
)


NASTY: tuple[Any, ...] = (
    None,
    "",
    "   ",
    "\x00",
    "x" * 6000,
    10**400,
    -(10**400),
    float("nan"),
    float("inf"),
    -1,
    True,
    [],
    {},
    b"4",
    Decimal("1e400"),
    dt.date(1, 1, 1),
)
"""Values every field is tried with, before the random ones."""


def junk_or(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(JUNK, plausible, plausible)


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    with scratch_dir(tmp_path) as folder:
        yield folder


Stored = Callable[[Workspace, dict[str, Any], Any], None]
"""Checks that what the workspace holds after an accepted write is what the form asked for."""


def attempt(
    ws: Workspace,
    write: Callable[[dict[str, Any]], object],
    form: dict[str, Any],
    labels: tuple[str, ...],
    stored: Stored,
) -> bool:
    """Run one form's write; hold it to the property. True when it was stored."""
    before = workspace_state(ws)
    version = ws.data_version()
    audit = len(ws.audit_log(limit=100_000))
    try:
        result = write(form)
    except RolloutError as exc:
        message = str(exc)
        assert any(label in message for label in labels), f"{labels} not in: {message}"
        assert workspace_state(ws) == before
        return False
    if isinstance(result, Saved) and not result.changed:  # the form held what is stored
        assert workspace_state(ws) == before
        stored(ws, form, result.value)
        return True
    assert ws.data_version() == version + 1
    assert len(ws.audit_log(limit=100_000)) == audit + 1
    stored(ws, form, result.value if isinstance(result, Saved) else result)
    return True


def run_form(
    scratch: Path,
    fields: Mapping[str, tuple[Any, st.SearchStrategy[Any], tuple[str, ...]]],
    write: Callable[[Workspace, dict[str, Any]], object],
    stored: Stored,
) -> None:
    """Replace one of ``fields`` (name -> (valid value, plausible values, labels)) per example.

    Every field is first tried with each of ``NASTY``, then with random values. Both
    outcomes must occur, so the generator reaches the store and its refusals.
    """
    ws = Workspace.open(scratch / "ws", create=True)
    save = partial(write, ws)
    valid = {k: v[0] for k, v in fields.items()}
    outcomes = [attempt(ws, save, valid, ("",), stored)]
    assert outcomes[0]
    for key, (_, _, labels) in fields.items():
        for value in NASTY:
            outcomes.append(attempt(ws, save, {**valid, key: value}, labels, stored))

    @FUZZ
    @given(key=st.sampled_from(sorted(fields)), data=st.data())
    def check(key: str, data: st.DataObject) -> None:
        _, plausible, labels = fields[key]
        form = {k: v[0] for k, v in fields.items()}
        form[key] = data.draw(junk_or(plausible), label=key)
        outcomes.append(attempt(ws, save, form, labels, stored))

    check()
    assert any(outcomes) and not all(outcomes)


# --- what a form's values become once stored ---------------------------------------------


def words(raw: Any) -> str:
    """Text as the store keeps it: surrounding and repeated whitespace collapsed."""
    return " ".join(str(raw).split())


def number(raw: Any) -> float:
    return float(raw.strip() if isinstance(raw, str) else raw)


def day(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.datetime.fromisoformat(text).date()


def member(ws: Workspace, name: str) -> Member:
    return next(m for m in ws.snapshot().members if m.name.casefold() == name.casefold())


# --- the team ---------------------------------------------------------------------------

ROLES = st.sampled_from(
    ["support", "IT", "Channel rep", "channel_rep", "social-media expert", "paid media", "chef"]
)
CHANNELS = st.sampled_from(["retail", "E-commerce", " wholesale + retail ", "social", "+", ""])
NAMES = st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(["Ana", " ana ", "Bo  Li"]))


def test_adding_a_role_stores_it_or_names_the_field(scratch: Path) -> None:
    fields = {
        "name": ("Ana", NAMES, ("name",)),
        "role": ("support", ROLES, ("role", "channel")),
        "hours": (4, NUMBER_TEXT | st.floats(0, 200), ("hours",)),
        "channel": (None, CHANNELS, ("channel",)),
        "available_hours": (None, NUMBER_TEXT | st.floats(0, 200), ("available hours",)),
    }
    run_form(scratch, fields, lambda ws, form: ws.add_assignment(EDITOR, **form), role_stored)


def role_stored(ws: Workspace, form: dict[str, Any], result: Member) -> None:
    """The person holds the role with the hours asked for, and has the hours they gave."""
    person = member(ws, words(form["name"]))
    assert (person.name, person.available_hours) == (result.name, result.available_hours)
    assert set(person.assignments) == set(result.assignments)
    role = parse_role(form["role"])
    channel = None if not str(form["channel"] or "").strip() else normalise_channel(form["channel"])
    held = next(a for a in person.assignments if (a.role, a.channel) == (role, channel))
    assert held.hours == number(form["hours"])
    if form["available_hours"] is not None:
        assert person.available_hours == number(form["available_hours"])


def test_adding_a_channel_rep_stores_it_or_names_the_field(scratch: Path) -> None:
    fields = {
        "name": ("Bo", NAMES, ("name",)),
        "role": ("channel_rep", ROLES, ("role", "channel")),
        "hours": ("3", NUMBER_TEXT, ("hours",)),
        "channel": ("Retail", CHANNELS, ("channel",)),
        "available_hours": ("10", NUMBER_TEXT, ("available hours",)),
    }
    run_form(scratch, fields, lambda ws, form: ws.add_assignment(EDITOR, **form), role_stored)


def test_saving_the_roster_stores_it_or_names_the_field(scratch: Path) -> None:
    def save(ws: Workspace, form: dict[str, Any]) -> Saved[tuple[Member, ...]]:
        assignment = Assignment(form["role"], form["hours"], form["channel"])
        member = Member(form["name"], form["available_hours"], form["assignments"] or (assignment,))
        return ws.replace_team(EDITOR, [member, Member("Zoë", 2.0, (Assignment(Role.IT, 1.0),))])

    def stored(ws: Workspace, form: dict[str, Any], _: None) -> None:
        ana, zoe = ws.snapshot().members
        assert zoe == Member("Zoë", 2.0, (Assignment(Role.IT, 1.0),))
        assert ana.name == words(form["name"])
        assert ana.available_hours == number(form["available_hours"])
        if not form["assignments"]:
            (held,) = ana.assignments
            assert held.role is parse_role(form["role"])
            assert held.hours == number(form["hours"])
            assert held.channel == normalise_channel(form["channel"])

    fields = {
        "name": ("Ana", NAMES, ("name",)),
        "available_hours": (8.0, NUMBER_TEXT, ("available hours",)),
        "role": ("channel_rep", ROLES, ("role", "channel")),
        "hours": (5.0, NUMBER_TEXT, ("hours",)),
        "channel": ("retail", CHANNELS, ("channel",)),
        "assignments": ((), st.just([]), ("role",)),
    }
    run_form(scratch, fields, save, stored)


# --- strategy tests ---------------------------------------------------------------------

TEST_FIELDS: dict[str, tuple[Any, st.SearchStrategy[Any], tuple[str, ...]]] = {
    "title": ("Questions in captions", st.text(max_size=300), ("title",)),
    "hypothesis": ("Questions get replies", st.text(max_size=50), ("hypothesis",)),
    "platform": ("Instagram", NAMES, ("platform",)),
    "metric": ("replies", NAMES, ("metric",)),
    "control_label": ("A", st.text(max_size=80), ("control label",)),
    "variant_label": ("B", st.text(max_size=80), ("variant label",)),
    "control_n": (100, NUMBER_TEXT, ("control exposures",)),
    "control_successes": (10, NUMBER_TEXT, ("control successes",)),
    "variant_n": ("120", NUMBER_TEXT, ("variant exposures",)),
    "variant_successes": (" 30 ", NUMBER_TEXT, ("variant successes",)),
    "start": ("2026-01-05", DATE_TEXT, ("start",)),
    "end": (dt.date(2026, 2, 1), DATE_TEXT, ("end",)),
    "status": (
        "concluded",
        st.sampled_from(["planned", "Running", " CONCLUDED ", "done"]),
        ("status", "start", "end", "exposures"),  # a new status may make those the problem
    ),
    "decision": ("", st.text(max_size=50), ("decision",)),
}


def test_logging_a_test_stores_it_or_names_the_field(scratch: Path) -> None:
    def stored(ws: Workspace, form: dict[str, Any], result: StrategyTest) -> None:
        test = next(t for t in ws.snapshot().tests if t.id == result.id)
        assert test == result
        assert test.title == words(form["title"])
        assert test.platform == normalise_name(words(form["platform"]))
        assert test.metric == normalise_name(words(form["metric"]))
        assert (test.control_n, test.control_successes) == (
            number(form["control_n"]),
            number(form["control_successes"]),
        )
        assert (test.variant_n, test.variant_successes) == (
            number(form["variant_n"]),
            number(form["variant_successes"]),
        )
        assert (test.start, test.end) == (day(form["start"]), day(form["end"]))
        assert test.status.value == str(form["status"]).strip().lower()
        assert test.decision == str(form["decision"] or "").strip()
        execute(ws, "DELETE FROM tests")  # so the next example is not a duplicate of this one

    run_form(scratch, TEST_FIELDS, lambda ws, form: ws.log_test(EDITOR, form), stored)


# --- gates, checklist, overrides ---------------------------------------------------------


def gate_form(form: dict[str, Any]) -> dict[str, Any]:
    """The default gates with the form's values put in their place; junk replaces whole parts."""
    gates = gates_to_dict(DEFAULT_GATES)
    gate = gates["to_retention"]
    criterion = gate["criteria"][0]
    for key in ("metric", "op", "threshold"):
        criterion[key] = form[key]
    for key in ("weeks_to_advance", "weeks_to_fall_back", "requires_checklist"):
        gate[key] = form[key]
    if form["criteria"] is not None:
        gate["criteria"] = form["criteria"]
    if form["gate"] is not None:
        gates["to_active"] = form["gate"]
    return gates


def test_editing_the_gates_stores_them_or_names_the_field(scratch: Path) -> None:
    criteria = st.lists(
        st.fixed_dictionaries({"metric": NAMES, "op": st.just(">="), "threshold": st.floats()}),
        max_size=2,
    )
    fields = {
        "metric": ("followers", NAMES, ("metric",)),
        "op": (">=", st.sampled_from([">", "<=", "==", "=>", " >="]), ("comparison",)),
        "threshold": (100, NUMBER_TEXT, ("threshold",)),
        "weeks_to_advance": (2, st.integers(-5, 200) | NUMBER_TEXT, ("weeks to advance",)),
        "weeks_to_fall_back": (4, st.integers(-5, 200), ("weeks to fall back",)),
        "requires_checklist": (True, st.booleans(), ("requires checklist",)),
        "criteria": (None, criteria, ("criteri", "metric", "threshold")),
        "gate": (None, st.dictionaries(st.text(max_size=3), JUNK, max_size=2), ("gate",)),
    }

    def stored(ws: Workspace, form: dict[str, Any], result: GateSet) -> None:
        gates = ws.snapshot().gates
        assert gates == result
        gate = gates.to_retention
        if form["criteria"] is None:
            first = gate.criteria[0]
            assert first.metric == normalise_name(form["metric"])
            assert first.op == form["op"].strip()
            assert first.threshold == number(form["threshold"])
        assert gate.weeks_to_advance == number(form["weeks_to_advance"])
        assert gate.weeks_to_fall_back == number(form["weeks_to_fall_back"])
        assert gate.requires_checklist is form["requires_checklist"]

    run_form(scratch, fields, lambda ws, form: ws.set_gates(EDITOR, gate_form(form)), stored)


def test_ticking_the_checklist_stores_it_or_names_the_field(scratch: Path) -> None:
    fields = {
        "platform": ("Instagram", NAMES, ("platform",)),
        "item": ("tools_chosen", st.sampled_from([*CHECKLIST_ITEMS, "all", "All", ""]), ("item",)),
        "done_on": ("2026-01-05", DATE_TEXT | st.dates(), ("done on",)),
    }

    def stored(ws: Workspace, form: dict[str, Any], _: None) -> None:
        platform = normalise_name(form["platform"])
        items = {i.item: i.done_on for i in ws.snapshot().checklist if i.platform == platform}
        wanted = CHECKLIST_ITEMS if form["item"] == "all" else (form["item"],)
        asked = None if form["done_on"] is None else day(form["done_on"])  # None: cleared
        assert {items[i] for i in wanted} == {asked}

    run_form(scratch, fields, lambda ws, form: ws.set_checklist(EDITOR, **form), stored)


def test_overriding_a_stage_stores_it_or_names_the_field(scratch: Path) -> None:
    fields = {
        "platform": ("TikTok", NAMES, ("platform",)),
        "week": ("2026-01-07", DATE_TEXT | st.dates(), ("week",)),
        "stage": (
            "active",
            st.sampled_from(["Setup", " retention ", "ACTIVE", "live"]),
            ("stage",),
        ),
        "reason": ("launch went well", st.text(max_size=12), ("reason",)),
    }

    def stored(ws: Workspace, form: dict[str, Any], result: Override) -> None:
        override = ws.snapshot().overrides[-1]
        assert override == result
        assert override.platform == normalise_name(form["platform"])
        asked = day(form["week"])
        assert override.week == asked - dt.timedelta(days=asked.weekday())
        assert override.stage.value == form["stage"].strip().lower()
        assert override.reason == words(form["reason"])
        assert override.by == EDITOR.name

    run_form(scratch, fields, lambda ws, form: ws.add_override(EDITOR, **form), stored)


# --- company, demand and users -----------------------------------------------------------


def test_the_company_profile_is_stored_or_the_field_is_named(scratch: Path) -> None:
    channel_lists = st.lists(CHANNELS | NAMES, max_size=3)
    fields = {
        "channels": (("retail", "ecommerce"), channel_lists, ("channels",)),
        "integrated": ((), st.lists(channel_lists, max_size=2), ("integrated channels",)),
        "employees": (180, NUMBER_TEXT | st.integers(-5, 10**8), ("employees",)),
    }

    def stored(ws: Workspace, form: dict[str, Any], _: None) -> None:
        company = ws.snapshot().company
        channels = tuple(dict.fromkeys(normalise_channel(c) for c in form["channels"]))
        assert company.channels == channels
        assert company.integrated == tuple(
            tuple(dict.fromkeys(normalise_channel(c) for c in g)) for g in form["integrated"]
        )
        assert all(len(g) >= 2 and set(g) <= set(channels) for g in company.integrated)
        assert company.employees == number(form["employees"])

    run_form(
        scratch,
        fields,
        lambda ws, form: ws.set_company(EDITOR, CompanyProfile(**form)),
        stored,
    )


def test_demand_settings_are_stored_or_the_setting_is_named(scratch: Path) -> None:
    fields = {
        name: (None, NUMBER_TEXT | st.floats() | st.integers(-3, 60), (name,))
        for name in SETTING_NAMES
    }
    fields["unknown"] = (None, st.sampled_from(["hours_per_reply", ""]), ("unknown setting",))

    def save(ws: Workspace, form: dict[str, Any]) -> Saved[DemandSettings]:
        settings = {k: v for k, v in form.items() if v is not None and k != "unknown"}
        if form["unknown"] is not None:
            settings[str(form["unknown"])] = 1
        return ws.set_demand_settings(EDITOR, settings)

    def stored(ws: Workspace, form: dict[str, Any], _: None) -> None:
        demand = settings_to_dict(ws.snapshot().demand)
        for name in SETTING_NAMES:
            asked = form[name]
            assert demand[name] == (
                settings_to_dict(DEFAULT_SETTINGS)[name] if asked is None else number(asked)
            )

    run_form(scratch, fields, save, stored)


def test_user_roles_are_stored_or_the_field_is_named(scratch: Path) -> None:
    fields = {
        "identity": (
            "ana@example.com",
            st.emails() | NAMES | st.text(max_size=12).map(lambda t: f"https://idp.example|{t}"),
            ("e-mail", "identity"),
        ),
        "role": ("viewer", st.sampled_from(["Editor", " admin ", "owner", None]), ("role",)),
    }

    def stored(ws: Workspace, form: dict[str, Any], _: None) -> None:
        roles = ws.user_roles()
        given = form["identity"].strip()
        address = given if "|" in given else given.lower()
        if form["role"] is None:
            assert address not in roles
        else:
            assert roles[address] == form["role"].strip().lower()

    run_form(scratch, fields, lambda ws, form: ws.set_user_role(ADMIN, **form), stored)


# --- who may change what -----------------------------------------------------------------


def fewer_weeks_to_advance() -> dict[str, Any]:
    """The default gates but one: a change to store (the defaults are what the demo holds)."""
    gates = gates_to_dict(DEFAULT_GATES)
    gates["to_active"]["weeks_to_advance"] -= 1
    return gates


A_MAPPING = check_mapping(
    "stats", ["Day", "Boosts"], "mastodon", "Day", "", {"Boosts": ("boosts", "sum")}
)

WRITES: dict[str, Callable[[Workspace, Actor, Path], object]] = {
    "add_assignment": lambda ws, a, _: ws.add_assignment(a, name="Ana", role="it", hours=2),
    "replace_team": lambda ws, a, _: ws.replace_team(a, []),
    "remove_member": lambda ws, a, _: ws.remove_member(a, ws.snapshot().members[0].name),
    "set_company": lambda ws, a, _: ws.set_company(a, CompanyProfile(("retail",), (), 20)),
    "set_gates": lambda ws, a, _: ws.set_gates(a, fewer_weeks_to_advance()),
    "set_demand_settings": lambda ws, a, _: ws.set_demand_settings(a, {"fte_hours": 38}),
    "set_returning_weeks": lambda ws, a, _: ws.set_returning_weeks(a, 4),
    "set_ramp_up": lambda ws, a, _: ws.set_ramp_up(a, "0.5,0.75"),
    "set_user_role": lambda ws, a, _: ws.set_user_role(a, "bo@example.com", "editor"),
    "set_checklist": lambda ws, a, _: ws.set_checklist(a, "tiktok", "all", None),
    "save_checklist": lambda ws, a, _: ws.save_checklist(a, [("tiktok", "tools_chosen", None)]),
    "add_override": lambda ws, a, _: ws.add_override(
        a, "tiktok", "2026-01-05", "active", "why not"
    ),
    "remove_override": lambda ws, a, _: ws.remove_override(a, ws.snapshot().overrides[0].id or 0),
    "set_role_serves": lambda ws, a, _: ws.set_role_serves(a, {"it": ["monitoring"]}),
    "set_rates": lambda ws, a, _: ws.set_rates(a, {"roles": {"it": 55}}),
    "set_role_rate": lambda ws, a, _: ws.set_role_rate(a, "support", 30),
    "set_junior_rate": lambda ws, a, _: ws.set_junior_rate(a, "support", 20),
    "log_test": lambda ws, a, _: ws.log_test(a, {k: v[0] for k, v in TEST_FIELDS.items()}),
    "remove_test": lambda ws, a, _: ws.remove_test(a, ws.snapshot().tests[0].id or 0),
    "update_test": lambda ws, a, _: ws.update_test(
        a, ws.snapshot().tests[0].id or 0, {"decision": "Roll it out"}
    ),
    "import_file": lambda ws, a, path: ws.import_file(a, path, today=TODAY),
    "import_read": lambda ws, a, path: ws.import_read(
        a, ReadFile(read_metrics(path, today=TODAY), hash_file(path), path)
    ),
    "remove_upload": lambda ws, a, _: ws.remove_upload(a, ws.snapshot().uploads[0].id),
    "raise_request": lambda ws, a, _: ws.raise_request(a, note="", today=TODAY),
    "amend_request": lambda ws, a, _: ws.amend_request(
        a,
        ws.snapshot().requests[0].id,
        hours=60,
        roles="social_media_manager,content_creator",
        reason="Two roles are enough",
        today=TODAY,
    ),
    "start_onboarding": lambda ws, a, _: ws.start_onboarding(
        a,
        request_id=ws.snapshot().requests[0].id,
        name="Sara Lind",
        role="community_manager",
        hours=30,
        start=TODAY,
    ),
    "set_onboarding_done": lambda ws, a, _: ws.set_onboarding_done(
        a, ws.snapshot().onboarding[0].id, TODAY, today=TODAY
    ),
    "set_plan": lambda ws, a, _: ws.set_plan(a, "it", [{"day": 30, "title": "Learn the stack"}]),
    "set_baseline": lambda ws, a, _: ws.set_baseline(
        a, "tiktok", "followers", 900, "2026-01-04", today=TODAY
    ),
    "remove_baseline": lambda ws, a, _: ws.remove_baseline(a, "tiktok"),
    "save_mapping": lambda ws, a, _: ws.save_mapping(a, A_MAPPING),
    "remove_mapping": lambda ws, a, _: ws.remove_mapping(a, "stats"),
    "add_standup_item": lambda ws, a, _: ws.add_standup_item(
        a, day=TODAY, slot="risks", text="A competitor launches", owner="Maya Okafor"
    ),
    "remove_standup_item": lambda ws, a, _: ws.remove_standup_item(
        a, ws.standup_items(TODAY)[0].id
    ),
}
"""Every write an editor makes, by the store method that makes it."""

DECISIONS: dict[str, Callable[[Workspace, Actor], object]] = {
    "decide_request": lambda ws, a: ws.decide_request(
        a, ws.snapshot().requests[0].id, "approve", "Budget is there", today=TODAY
    ),
    "close_review": lambda ws, a: ws.close_review(
        a, ws.snapshot().requests[0].id, "The gap is closed", today=TODAY + dt.timedelta(90)
    ),
    "review_platform": lambda ws, a: ws.review_platform(
        a, "forum", "stop", "No members after a year", today=TODAY
    ),
    "restart_platform": lambda ws, a: ws.restart_platform(a, "forum", today=TODAY),
}
"""The writes only an executive (or an admin) makes."""


def test_the_permission_table_covers_every_write_of_the_store() -> None:
    writes = {
        name
        for name, fn in inspect.getmembers(Workspace, inspect.isfunction)
        if not name.startswith("_") and list(inspect.signature(fn).parameters)[1:2] == ["actor"]
    }
    assert writes == set(WRITES) | set(DECISIONS)


def _approved(ws: Workspace) -> None:
    request = ws.raise_request(ADMIN, today=TODAY)
    board = Actor("board@example.com", AccessRole.EXECUTIVE)  # not the raiser: four eyes
    ws.decide_request(board, request.id, "approve", "Budget is there", today=TODAY)


def _filled(ws: Workspace) -> None:
    """An approved request filled by two people starting today (reviewed 60 days on)."""
    _approved(ws)
    for name, role in (("Ana Lima", "community_manager"), ("Ben Ode", "content_creator")):
        ws.start_onboarding(
            ADMIN, request_id=ws.snapshot().requests[0].id, name=name, role=role, hours=25,
            start=TODAY,
        )  # fmt: skip


PRECONDITIONS: dict[str, Callable[[Workspace], object]] = {
    "remove_mapping": lambda ws: ws.save_mapping(ADMIN, A_MAPPING),
    "remove_standup_item": lambda ws: ws.add_standup_item(
        ADMIN, day=TODAY, slot="overnight", text="Forum outage", owner="Jonas Weber"
    ),
    "remove_baseline": lambda ws: ws.set_baseline(
        ADMIN, "tiktok", "followers", 900, "2026-01-04", today=TODAY
    ),
    "remove_override": lambda ws: ws.add_override(
        ADMIN, "tiktok", "2026-01-05", "active", "why not"
    ),
    "start_onboarding": _approved,
    "amend_request": _approved,
    "set_onboarding_done": lambda ws: (
        _approved(ws),
        ws.start_onboarding(
            ADMIN,
            request_id=ws.snapshot().requests[0].id,
            name="Noor Haddad",
            role="content_creator",
            hours=20,
            start=TODAY,
        ),
    ),
    "decide_request": lambda ws: ws.raise_request(ADMIN, today=TODAY),
    "close_review": _filled,
    "review_platform": lambda ws: None,  # the demo's forum is under review
    "restart_platform": lambda ws: ws.review_platform(
        ADMIN, "forum", "stop", "No members after a year", today=TODAY
    ),
}
"""What must exist before a write can be tried: an override to remove, an approved request
to onboard from, an onboarding item to tick, an open request to decide, a filled request
whose people give their full hours to review."""


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_viewer_may_not_write_anything(demo_ws: Workspace, long_file: Any, write: str) -> None:
    path = long_file([("2026-01-06", "instagram", "followers", 120.0)])
    PRECONDITIONS.get(write, lambda ws: None)(demo_ws)
    before = workspace_state(demo_ws)
    refusal = r"^ceo@example\.com is (a viewer|not an admin) and may not"
    with pytest.raises(PermissionDenied, match=refusal):
        WRITES[write](demo_ws, VIEWER, path)
    assert workspace_state(demo_ws) == before
    WRITES[write](demo_ws, ADMIN, path)  # the same write by an admin goes through
    assert workspace_state(demo_ws) != before


EXECUTIVE = Actor("cfo@example.com", AccessRole.EXECUTIVE)


@pytest.mark.parametrize("write", sorted(WRITES))
def test_an_executive_may_change_nothing_but_decisions(
    demo_ws: Workspace, long_file: Any, write: str
) -> None:
    path = long_file([("2026-01-06", "instagram", "followers", 120.0)])
    PRECONDITIONS.get(write, lambda ws: None)(demo_ws)
    before = workspace_state(demo_ws)
    with pytest.raises(
        PermissionDenied, match=r"^cfo@example\.com is (an executive|not an admin) and may not"
    ):
        WRITES[write](demo_ws, EXECUTIVE, path)
    assert workspace_state(demo_ws) == before


@pytest.mark.parametrize("actor", [VIEWER, EDITOR], ids=lambda a: a.role.value)
@pytest.mark.parametrize("write", sorted(DECISIONS))
def test_only_an_executive_or_an_admin_decides_a_request(
    demo_ws: Workspace, write: str, actor: Actor
) -> None:
    PRECONDITIONS[write](demo_ws)
    before = workspace_state(demo_ws)
    with pytest.raises(
        PermissionDenied,
        match=r"only an executive (or an admin )?decides (resource requests|a platform's review)",
    ):
        DECISIONS[write](demo_ws, actor)
    assert workspace_state(demo_ws) == before
    DECISIONS[write](demo_ws, EXECUTIVE)
    assert workspace_state(demo_ws) != before


def test_only_an_admin_may_map_e_mail_addresses_to_roles(demo_ws: Workspace) -> None:
    before = workspace_state(demo_ws)
    with pytest.raises(PermissionDenied, match="is not an admin"):
        demo_ws.set_user_role(EDITOR, "maya@example.com", "admin")
    assert workspace_state(demo_ws) == before
