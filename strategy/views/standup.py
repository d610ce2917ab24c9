"""The daily 15-minute stand-up: what changed since the previous working day, and who
picks each item up.

The agenda of ``day`` covers the events from the previous working day's start up to this
morning (the days ``since`` to ``day - 1``), so each event shows in exactly one stand-up:
a test logged on Monday is on Tuesday's agenda. Events are stage transitions and stalls
the new data shows, uploads, tests logged or concluded, onboarding items ticked, requests
decided, hires' reviews closed and platforms' reviews decided. States are listed while they
hold: tests running past their end, people overloaded, onboarding items due this week or
overdue, open requests, reviews waiting to be closed and platform reviews waiting. Sections
with nothing in them are left out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd

from strategy.domain.analysis import Analysis, analyse
from strategy.domain.clock import day_text, monday
from strategy.domain.gates import CHECKLIST_ITEMS, CHECKLIST_LABELS, ChecklistItem
from strategy.domain.numbers import plain_number, plural
from strategy.domain.onboarding import OnboardingItem
from strategy.domain.platform_review import agenda_lines
from strategy.domain.positions import positions_text
from strategy.domain.requests import RequestStatus, RequestView, ResourceRequest
from strategy.domain.snapshot import Snapshot
from strategy.domain.standup import (
    CHECKLIST_OWNERS,
    SlotItem,
    data_behind,
    milestones,
    not_onboarding,
    stalled,
)
from strategy.domain.team import ROLE_LABELS, Member, Role
from strategy.views.standup_agenda import SECTION_TITLES as SECTION_TITLES
from strategy.views.standup_agenda import Agenda as Agenda
from strategy.views.standup_agenda import AgendaItem as AgendaItem
from strategy.views.standup_agenda import Section as Section
from strategy.views.standup_agenda import SectionKey as SectionKey
from strategy.views.standup_agenda import agenda_dict as agenda_dict
from strategy.views.standup_agenda import agenda_json as agenda_json
from strategy.views.standup_agenda import agenda_markdown as agenda_markdown
from strategy.views.standup_agenda import agenda_text as agenda_text

Happened = Callable[[dt.date | None], bool]
"""Whether a date falls in the agenda's span (the previous working day up to today)."""

EXECUTIVE: str = "Executive"
"""Who picks up an open request when no executive is mapped to the workspace."""


def previous_working_day(day: dt.date) -> dt.date:
    """The working day (Monday to Friday) before ``day``: Friday for a Monday."""
    before = day - dt.timedelta(days=1)
    while before.weekday() >= 5:
        before -= dt.timedelta(days=1)
    return before


def as_of_dates(day: dt.date) -> tuple[dt.date, dt.date]:
    """The two states the agenda compares: the uploads made by the evening before the
    previous working day, and by yesterday evening."""
    since = previous_working_day(day)
    return since - dt.timedelta(days=1), day - dt.timedelta(days=1)


def owner(members: Sequence[Member], *roles: Role) -> str:
    """The first person holding the first of ``roles`` anyone holds; else that role's name."""
    for role in roles:
        for m in members:
            if role in m.roles:
                return m.name
    return ROLE_LABELS[roles[0]]


NEWS_WEEKS: int = 3
"""How many weeks before the previous working day's week arriving data is still news: a
weekly export comes a week or two after the week ends. Older weeks an import adds are the
past: one line per platform says how many, not each stage move in them."""


def news_from(day: dt.date) -> dt.date:
    """The first week (a Monday) whose stage moves, stalls and slow responses are news on
    ``day``'s stand-up."""
    return monday(previous_working_day(day)) - dt.timedelta(weeks=NEWS_WEEKS)


def agenda(
    day: dt.date,
    read: Callable[[dt.date], Snapshot],
    executives: Sequence[str] = (),
    slots: Sequence[SlotItem] = (),
) -> Agenda:
    """The stand-up of ``day``.

    ``read(d)`` is the workspace with the uploads made by day ``d`` (``Workspace.snapshot``
    with ``as_of``); the agenda compares the data as it stood the evening before the
    previous working day with yesterday evening's (``as_of_dates``). ``executives`` are the
    addresses mapped to the executive role: the first picks up open requests. ``slots`` are
    the items the team added to the day's stand-up (``Workspace.standup_items``).
    """
    before_day, now_day = as_of_dates(day)
    snapshot = read(now_day)
    now = analyse(snapshot, day)
    before = analyse(read(before_day), previous_working_day(day))
    current = analyse(read(day), day)  # open requests: stale or not by today's signal
    since = previous_working_day(day)
    members = snapshot.members
    expert = owner(members, Role.SOCIAL_EXPERT, Role.SOCIAL_MEDIA_MANAGER)

    def happened(when: dt.date | None) -> bool:
        return when is not None and since <= when < day

    begun = _newly_stalled(now, before, news_from(day))
    sections = {
        **_slots(slots),
        SectionKey.RISKS: [
            *_standing(current, snapshot, begun, expert),
            *_slots(slots).get(SectionKey.RISKS, []),
        ],
        SectionKey.PEOPLE: _people(day, snapshot.onboarding, expert),
        SectionKey.STAGES: _transitions(now, before, news_from(day), expert),
        SectionKey.STALLS: _stalls(now, begun, expert),
        SectionKey.SETUP: _setup(day, snapshot.checklist, now, members),
        SectionKey.UPLOADS: _uploads(snapshot, now, before, day, happened),
        SectionKey.TESTS: _tests(day, snapshot, now, happened, expert),
        SectionKey.OVERLOADED: [
            AgendaItem(
                f"{m.name} has {plain_number(m.assigned_hours)} h of roles a week on "
                f"{plain_number(m.available_hours)} h available",
                expert,
            )
            for m in members
            if m.overloaded
        ],
        SectionKey.RESPONSES: _responses(snapshot, now, before, news_from(day)),
        SectionKey.ONBOARDING: _onboarding(day, snapshot.onboarding, happened),
        SectionKey.REQUESTS: _requests(current.requests, happened, executives, expert),
        SectionKey.REVIEWS: [
            AgendaItem(text, (executives or [EXECUTIVE])[0] if waits else expert)
            for text, waits in agenda_lines(current.reviews, snapshot.platform_decisions, happened)
        ],
    }
    return Agenda(day, since, _ordered(sections))


def _standing(
    current: Analysis, snapshot: Snapshot, begun: Sequence[str], expert: str
) -> list[AgendaItem]:
    """The standing risks (``domain.standup``), for the social expert; a stall begun since
    the last stand-up, or one a platform review has taken up, is said once, there."""
    taken_up = {r.platform for r in current.reviews} | set(begun)
    risks = [
        *data_behind(current.horizons, current.today, current.stopped),
        *stalled(current.statuses, taken_up),
        *not_onboarding(current.requests, snapshot.onboarding),
    ]
    return [AgendaItem(text, expert) for text in risks]


def _ordered(sections: dict[SectionKey, list[AgendaItem]]) -> tuple[Section, ...]:
    """The sections with something in them, in the order they are discussed."""
    return tuple(
        Section(k, SECTION_TITLES[k], tuple(sections[k])) for k in SectionKey if sections.get(k)
    )


def _slots(items: Sequence[SlotItem]) -> dict[SectionKey, list[AgendaItem]]:
    out: dict[SectionKey, list[AgendaItem]] = {}
    for i in items:
        out.setdefault(SectionKey(i.slot.value), []).append(AgendaItem(i.text, i.owner, i.id))
    return out


def with_slots(a: Agenda, items: Sequence[SlotItem]) -> Agenda:
    """The agenda with the team's slot items of its day in their sections (first)."""
    sections: dict[SectionKey, list[AgendaItem]] = {s.key: list(s.items) for s in a.sections}
    for key, found in _slots([i for i in items if i.day == a.day]).items():
        sections[key] = [*sections.get(key, []), *found]
    return dataclasses.replace(a, sections=_ordered(sections))


def _people(day: dt.date, items: Sequence[OnboardingItem], expert: str) -> list[AgendaItem]:
    """People starting today (the expert welcomes them), or at day 30, 60 or 90 today."""
    out = []
    for m in milestones(items, day):
        label = ROLE_LABELS[m.role]
        if m.day == 0:
            out.append(
                AgendaItem(f"{m.person} starts today as {label} (request #{m.request_id})", expert)
            )
        else:
            out.append(
                AgendaItem(
                    f"{m.person} ({label}) reaches day {m.day} of the 30-60-90 plan today: "
                    f"{m.done} of {m.due} items done",
                    m.person,
                )
            )
    return out


def _transitions(now: Analysis, before: Analysis, news: dt.date, expert: str) -> list[AgendaItem]:
    def seen(a: Analysis) -> set[tuple[str, dt.date, str]]:
        return {
            (name, t.week, t.target.value) for name, s in a.statuses.items() for t in s.transitions
        }

    known = seen(before)
    return [
        AgendaItem(
            f"{name} moved from {t.source.value} to {t.target.value} in the week of "
            f"{day_text(t.week)} ({t.kind.value}{f': {t.reason}' if t.reason else ''})",
            expert,
        )
        for name, s in sorted(now.statuses.items())
        for t in s.transitions
        if (name, t.week, t.target.value) not in known and t.week >= news
    ]


def _stalls(now: Analysis, begun: Sequence[str], expert: str) -> list[AgendaItem]:
    return [
        AgendaItem(
            f"{n} has stalled in {now.statuses[n].stage.value}: {now.statuses[n].stall_reason}",
            expert,
        )
        for n in begun
    ]


def _newly_stalled(now: Analysis, before: Analysis, news: dt.date) -> list[str]:
    """Platforms stalled in their latest week, a recent one, that were not before."""
    return [
        name
        for name, s in sorted(now.statuses.items())
        if s.stalled
        and s.timeline
        and s.timeline[-1].week >= news
        and not (name in before.statuses and before.statuses[name].stalled)
    ]


def _setup(
    day: dt.date, checklist: Sequence[ChecklistItem], now: Analysis, members: Sequence[Member]
) -> list[AgendaItem]:
    """Each setup checklist item still open on some platform, once, with its owner."""
    done = {(c.platform, c.item) for c in checklist if c.done_on is not None and c.done_on <= day}
    platforms = sorted({*now.statuses, *(c.platform for c in checklist)})
    out = []
    for item in CHECKLIST_ITEMS:
        open_on = [p for p in platforms if (p, item) not in done]
        if open_on:
            out.append(
                AgendaItem(
                    f"{CHECKLIST_LABELS[item]}: open for {', '.join(open_on)}",
                    owner(members, *CHECKLIST_OWNERS[item]),
                )
            )
    return out


def _uploads(
    snapshot: Snapshot, now: Analysis, before: Analysis, day: dt.date, happened: Happened
) -> list[AgendaItem]:
    """The uploads made since the previous working day, and per platform the past weeks
    they added (older than ``news_from``), in one line each."""
    who = owner(snapshot.members, Role.DATA_ANALYST, Role.SOCIAL_EXPERT)
    items = [
        AgendaItem(
            f"{u.name} (upload #{u.id}, {u.rows:,} rows: {', '.join(u.platforms)}, "
            f"weeks {u.first_week} to {u.last_week}) by {u.by}",
            who,
        )
        for u in snapshot.uploads
        if happened(u.uploaded_on)
    ]
    known = _weeks(before.wide)
    added: dict[str, int] = {}
    for platform, week in _weeks(now.wide) - known:
        if week < news_from(day):
            added[platform] = added.get(platform, 0) + 1
    items += [
        AgendaItem(f"{plural(n, 'past week')} added for {platform}", who)
        for platform, n in sorted(added.items())
    ]
    return items


def _weeks(wide: pd.DataFrame) -> set[tuple[str, dt.date]]:
    if wide.empty or "platform" not in wide.columns:
        return set()
    return set(
        zip(wide["platform"].astype(str).tolist(), wide["week"].dt.date.tolist(), strict=True)
    )


def _tests(
    day: dt.date, snapshot: Snapshot, now: Analysis, happened: Happened, expert: str
) -> list[AgendaItem]:
    items: list[AgendaItem] = []
    for r in now.tests:
        t = r.test
        dates = snapshot.test_dates.get(t.id or 0)
        if dates and happened(dates.logged_on):
            items.append(AgendaItem(f"Logged: {t.title} ({t.platform}, {t.status.value})", expert))
        if dates and happened(dates.concluded_on):
            items.append(AgendaItem(f"Concluded: {t.title}: {r.conclusion}", expert))
        if t.overdue(day):
            late = (day - t.end).days
            items.append(
                AgendaItem(
                    f"Still running {plural(late, 'day')} past its end "
                    f"({day_text(t.end)}): {t.title}; conclude it or extend it",
                    expert,
                )
            )
    return items


RESPONSE_METRIC = "response_minutes_median"


def _responses(
    snapshot: Snapshot, now: Analysis, before: Analysis, news: dt.date
) -> list[AgendaItem]:
    """Complete recent weeks (from ``news``) newly counted since the previous stand-up whose
    median response was slower than the target."""
    members = snapshot.members
    if RESPONSE_METRIC not in now.wide.columns:
        return []
    target = snapshot.demand.response_target_minutes

    def weeks(wide: pd.DataFrame) -> list[tuple[str, dt.date, float]]:
        done = wide[wide["complete"]]
        return list(
            zip(
                done["platform"].astype(str).tolist(),
                done["week"].dt.date.tolist(),
                done[RESPONSE_METRIC].astype(float).tolist(),
                strict=True,
            )
        )

    known = {(p, w) for p, w, _ in weeks(before.wide)} if RESPONSE_METRIC in before.wide else set()
    who = owner(members, Role.COMMUNITY_MANAGER, Role.SUPPORT)
    slow: dict[str, list[tuple[dt.date, float]]] = {}
    for platform, week, minutes in weeks(now.wide):
        if minutes > target and week >= news and (platform, week) not in known:
            slow.setdefault(platform, []).append((week, float(minutes)))
    items = []
    for platform, found in sorted(slow.items()):
        week, minutes = max(found)
        latest = f"median response {minutes:.0f} min in the week of {day_text(week)}"
        items.append(
            AgendaItem(
                f"{platform}: {latest} (target {plain_number(target)} min)"
                if len(found) == 1
                else f"{platform}: slower than the {plain_number(target)}-minute target in "
                f"{len(found)} "
                f"newly counted weeks, the latest {latest}",
                who,
            )
        )
    return items


def _onboarding(
    day: dt.date, items: Sequence[OnboardingItem], happened: Happened
) -> list[AgendaItem]:
    out: list[AgendaItem] = []
    for i in sorted(items, key=lambda i: (i.due, i.person.casefold(), i.id)):
        if happened(i.done_on):
            out.append(AgendaItem(f"Done: {i.title} (day {i.day})", i.person))
        elif i.overdue(day):
            out.append(AgendaItem(f"Overdue since {i.due:%a %d %b}: {i.title}", i.person))
        elif i.due_this_week(day):
            out.append(AgendaItem(f"Due {i.due:%a %d %b}: {i.title}", i.person))
    return out


def _asked(r: ResourceRequest) -> str:
    """What a request asks for: its positions when it has them, else its roles."""
    e = r.evidence
    return positions_text(e.positions) if e.positions else e.roles_text


def _requests(
    views: Sequence[RequestView], happened: Happened, executives: Sequence[str], expert: str
) -> list[AgendaItem]:
    decider = executives[0] if executives else EXECUTIVE
    out: list[AgendaItem] = []
    for v in sorted(views, key=lambda v: v.request.id):
        r = v.request
        if r.status is RequestStatus.OPEN:
            stale = f"; stale: {v.stale_reason}" if v.stale else ""
            out.append(AgendaItem(f"Open: request {r.label} for {_asked(r)}{stale}", decider))
        elif happened(r.decided_on):
            out.append(
                AgendaItem(
                    f"{r.status.value.title()} by {r.decided_by}: request {r.label}: {r.reason}",
                    expert,
                )
            )
        review = v.review
        if review is not None and review.closed is None:
            out.append(
                AgendaItem(
                    f"Review waiting: request {r.label}: {review.verdict.words} "
                    f"({review.verdict.value}); an executive closes it with a note",
                    decider,
                )
            )
        elif review is not None and review.closed is not None and happened(review.closed.on):
            c = review.closed
            out.append(
                AgendaItem(
                    f"Review closed by {c.by}: request {r.label}: {review.verdict.words}: {c.note}",
                    expert,
                )
            )
    return out
