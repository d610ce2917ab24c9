"""Resource requests and onboarding: a request raised while the signal is justified (its
evidence frozen), decided once by an executive; a newcomer from an approved request joins
with their role's 30-60-90-day plan; each role's plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from strategy.domain import clock
from strategy.domain.access import Actor, require_admin, require_decide, require_not_raiser
from strategy.domain.costs import Rates, gap_cost
from strategy.domain.hire_check import Review
from strategy.domain.hiring import (
    check_amendment,
    check_none_unfilled,
    check_within,
    closed_review,
    hired,
    hires,
    review_note,
)
from strategy.domain.onboarding import (
    DEFAULT_PLAN,
    OnboardingItem,
    PlanItem,
    check_done_on,
    check_start,
    make_plan,
    plan_for,
    plans_to_dict,
    schedule,
)
from strategy.domain.requests import (
    Grant,
    Hired,
    ResourceRequest,
    amended,
    amended_hours,
    amended_roles,
    amendment_reason,
    decided,
    decision_of,
    decision_reason,
    freeze_evidence,
    request_note,
)
from strategy.domain.team import Member, make_member, parse_role, role_channel
from strategy.storage import request_rows, settings_rows, team_rows
from strategy.storage.rows import conflict, find
from strategy.storage.store import Connection, Store, snapshot
from strategy.usecases.common import Saved, analysed, known_id, writing


def raise_request(
    store: Store, actor: Actor, *, note: object = "", today: dt.date | None = None
) -> ResourceRequest:
    """Raise a resource request while the signal is justified, freezing its evidence.

    The evidence is read under the write lock, so it is the signal of the stored data at
    that moment; otherwise refused with the signal's reason, and nothing is stored.
    """
    day = today or clock.today()
    text_note = request_note(note)
    raised: list[ResourceRequest] = []

    def detail() -> str:
        r = raised[0]
        e = r.evidence
        return (
            f"#{r.id}: {e.gap_hours_per_week:.1f} h/week, {e.gap_people:.1f} FTE, "
            f"{e.currency} {e.gap_cost_per_week:,.0f}/week; {e.roles_text}"
        )

    with writing(store, actor, "request.raise", detail) as conn:
        snap = snapshot(conn, None)
        currency = snap.company.currency
        found = hires(snap.requests, snap.onboarding, snap.members, snap.rates, currency)
        check_none_unfilled(snap.requests, found)
        analysis = analysed(snap, day)
        evidence = freeze_evidence(
            analysis.signal, analysis.gap_cost, day, analysis.reading, analysis.value
        )
        raised.append(request_rows.insert_request(conn, day, actor.name, text_note, evidence))
    return raised[0]


def decide_request(
    store: Store,
    actor: Actor,
    request_id: int,
    decision: object,
    reason: object,
    *,
    today: dt.date | None = None,
) -> ResourceRequest:
    """An executive approves or declines an open request (or an amendment), with a reason;
    final. Whoever raised the request (or amended it) does not decide it, admins included,
    except the one user of a local workspace."""
    require_decide(actor, "request.decide")
    choice = decision_of(decision)
    why = decision_reason(reason)
    day = today or clock.today()
    known = known_id(request_id, "request")
    said = f"#{known} {choice.status.value}: {why}"
    with writing(store, actor, "request.decide", said, allowed=require_decide) as conn:
        stored = request_rows.request(conn, known)
        require_not_raiser(actor, stored.raised_by, f"request #{known}")
        if stored.amendment is not None:
            require_not_raiser(actor, stored.amendment.by, f"the amendment of request #{known}")
        request = decided(stored, choice, why, day, actor.name)
        request_rows.decide_request(conn, request)
    return request


def close_review(
    store: Store,
    actor: Actor,
    request_id: int,
    note: object,
    *,
    today: dt.date | None = None,
) -> Review:
    """An executive closes a hire's review with a note; the review is kept as it reads then
    (its verdict, what was claimed and what was read)."""
    require_decide(actor, "request.review")
    why = review_note(note)
    day = today or clock.today()
    known = known_id(request_id, "request")
    closed: list[Review] = []

    def detail() -> str:
        return f"#{known} {closed[0].verdict.value}: {why}"

    with writing(store, actor, "request.review", detail, allowed=require_decide) as conn:
        request_rows.request(conn, known)
        shown = analysed(snapshot(conn, None), day).requests
        found = next((v for v in shown if v.request.id == known), None)
        closed.append(closed_review(found, known, day, actor.name, why))
        request_rows.close_review(conn, closed[0])
    return closed[0]


def amend_request(
    store: Store,
    actor: Actor,
    request_id: int,
    *,
    hours: object,
    roles: object,
    reason: object,
    today: dt.date | None = None,
) -> ResourceRequest:
    """An admin amends an approved request's hours and roles, with a reason: it waits for
    an executive's decision again, and never approves less than was hired already."""
    require_admin(actor, "request.amend")
    new_hours = amended_hours(hours)
    new_roles = amended_roles(roles)
    why = amendment_reason(reason)
    day = today or clock.today()
    known = known_id(request_id, "request")
    said = f"#{known}: {new_hours:.1f} h/week for {', '.join(r.value for r in new_roles)}: {why}"
    with writing(store, actor, "request.amend", said, allowed=require_admin) as conn:
        request = request_rows.request(conn, known)
        done, rates, currency = _hired_so_far(conn, known, team_rows.members(conn))
        cost = gap_cost(new_hours, new_roles, rates, currency)
        grant = Grant(new_hours, new_roles, cost.per_week, currency)
        check_amendment(request, grant, done)
        result = amended(request, grant, day, actor.name, why)
        request_rows.decide_request(conn, result)
    return result


def start_onboarding(
    store: Store,
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
    """A new person from an approved request joins the roster with their role's plan, only
    within what the request approved: its roles, its hours and its cost a week.

    The items fall due 30, 60 and 90 days after ``start``, which is on or after the
    day the request was approved.
    """
    parsed_role = parse_role(role)
    newcomer = make_member(
        name,
        hours if available_hours is None else available_hours,
        ({"role": parsed_role, "hours": hours, "channel": role_channel(parsed_role, channel)},),
    )
    first = clock.parse_day(start, "start")
    known = known_id(request_id, "request")
    said = f"{newcomer.name} ({parsed_role.value}) from {first.isoformat()}, request #{known}"
    with writing(store, actor, "onboarding.start", said) as conn:
        request = request_rows.request(conn, known)
        roster = team_rows.members(conn)
        check_start(request, first, newcomer, roster)
        done, rates, currency = _hired_so_far(conn, known, roster)
        check_within(request, done, newcomer, rates, currency)
        team_rows.save_member(conn, dataclasses.replace(newcomer, start=first))
        plan = schedule(first, plan_for(settings_rows.plans(conn), parsed_role))
        return request_rows.insert_onboarding(conn, known, newcomer.name, parsed_role, first, plan)


def _hired_so_far(
    conn: Connection, request_id: int, roster: Sequence[Member]
) -> tuple[Hired, Rates, str]:
    """Who the request has taken so far, with the rates and currency that priced them (what
    an amendment and a new start are checked against)."""
    rates = settings_rows.rates(conn)
    currency = settings_rows.company(conn).currency
    return (
        hired(request_id, request_rows.onboarding(conn), roster, rates, currency),
        rates,
        currency,
    )


def set_onboarding_done(
    store: Store,
    actor: Actor,
    item_id: int,
    done_on: dt.date | str | None,
    *,
    today: dt.date | None = None,
) -> OnboardingItem:
    """Tick an onboarding item with the day it was done, or clear it (``None``)."""
    day = today or clock.today()
    on = None if done_on is None else clock.parse_day(done_on, "on")
    known = known_id(item_id, "onboarding item")
    found: list[OnboardingItem] = []

    def detail() -> str:
        i = found[0]
        return f"#{known} {i.person}: {i.title} = {on}"

    with writing(store, actor, "onboarding.done", detail) as conn:
        found.append(find(request_rows.onboarding(conn), known, "onboarding item"))
        if on is not None:
            check_done_on(found[0], on, day)
        request_rows.set_onboarding_done(conn, known, on)
    return dataclasses.replace(found[0], done_on=on)


def set_plan(
    store: Store,
    actor: Actor,
    role: str,
    items: Sequence[PlanItem | Mapping[str, object]] | None,
    *,
    expected: Sequence[PlanItem] | None = None,
) -> Saved[tuple[PlanItem, ...]]:
    """Give a role its own onboarding plan, or (``None``) return it to the default one.

    People already onboarding keep the items they were given. ``expected`` is the plan
    the form started from: if it changed since, Conflict. The plans as stored (the same
    items, and the role's own plan or the default as before) write nothing.
    """
    parsed = parse_role(role)
    plan = DEFAULT_PLAN if items is None else make_plan(items, parsed)
    said = "default" if items is None else f"{len(plan)} items"
    change: str | None = None
    with writing(store, actor, "onboarding.plan", lambda: change) as conn:
        before = settings_rows.plans(conn)
        plans = dict(before)
        if expected is not None and plan_for(plans, parsed) != tuple(expected):
            raise conflict(f"onboarding plan of {parsed.value}")
        if items is None:
            plans.pop(parsed, None)
        else:
            plans[parsed] = plan
        if plans_to_dict(plans) != plans_to_dict(before):
            change = f"{parsed.value}: {said}"
            settings_rows.save_plans(conn, plans)
    return Saved(plan, change is not None)
