"""From hours to positions: the gap as jobs a person could hold (strategy.domain.positions)."""

from __future__ import annotations

import pytest

from strategy.domain.analysis import analyse
from strategy.domain.positions import (
    Position,
    Seniority,
    position_from_dict,
    position_to_dict,
    positions,
    positions_sentence,
    shared_hours,
)
from strategy.domain.requests import Evidence, evidence_from_dict, evidence_to_dict
from strategy.domain.team import Role
from strategy.report import report_dict
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY

SMM = Role.SOCIAL_MEDIA_MANAGER
CM = Role.COMMUNITY_MANAGER
CC = Role.CONTENT_CREATOR
DA = Role.DATA_ANALYST
SENIOR = Seniority.SENIOR
JUNIOR = Seniority.JUNIOR

Shape = tuple[tuple[Role, ...], float, Seniority]


def shapes(found: tuple[Position, ...]) -> list[Shape]:
    return [(p.roles, p.fte, p.seniority) for p in found]


@pytest.mark.parametrize(
    ("hours", "held", "expected"),
    [
        # a single hire, with no one on the team, is a social media manager
        ({SMM: 20.0}, (), [((SMM,), 0.5, SENIOR)]),
        ({SMM: 12.0, CM: 12.0, CC: 12.0}, (), [((SMM, CM, CC), 0.9, SENIOR)]),
        ({CM: 10.0, SMM: 10.0}, (), [((SMM, CM), 0.5, SENIOR)]),
        # a single hire with a role new to the team is a senior, whatever the roles
        ({CM: 30.0}, (SMM,), [((CM,), 0.8, SENIOR)]),
    ],
)
def test_a_gap_that_fits_one_person_is_a_single_hire_led_by_the_social_media_manager(
    hours: dict[Role, float], held: tuple[Role, ...], expected: list[Shape]
) -> None:
    assert shapes(positions(hours, 40.0, held)) == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        # the seed's lean pair: strategy plus community in one position, content in the other
        ({SMM: 50 / 3, CM: 50 / 3, CC: 50 / 3}, [((SMM, CM), 0.8, SENIOR), ((CC,), 0.4, SENIOR)]),
        # the lean pair comes first even when content has the larger workload
        ({SMM: 20.0, CC: 20.0, CM: 20.0}, [((SMM, CM), 1.0, SENIOR), ((CC,), 0.5, SENIOR)]),
        # two small roles merge only when their hours fit one person
        ({SMM: 30.0, CM: 30.0}, [((SMM,), 0.8, SENIOR), ((CM,), 0.8, SENIOR)]),
        ({CC: 25.0, DA: 15.0, CM: 30.0}, [((CM,), 0.8, SENIOR), ((CC, DA), 1.0, SENIOR)]),
    ],
)
def test_two_small_roles_merge_into_one_hybrid_position_when_their_hours_fit_one_person(
    hours: dict[Role, float], expected: list[Shape]
) -> None:
    assert shapes(positions(hours, 40.0, ())) == expected


@pytest.mark.parametrize(
    ("hours", "held", "expected"),
    [
        # a role beyond one person fills a full-time position; its remainder adds bandwidth
        ({CM: 50.0}, (SMM,), [((CM,), 1.0, SENIOR), ((CM,), 0.2, JUNIOR)]),
        # hours of a role the team holds already: a junior adds bandwidth
        ({CM: 10.0}, (SMM, CM), [((CM,), 0.2, JUNIOR)]),
        ({CM: 30.0, CC: 30.0}, (SMM, CM), [((CM,), 0.8, JUNIOR), ((CC,), 0.8, SENIOR)]),
        # a social media manager is never a junior: not an entry-level job
        ({SMM: 10.0}, (SMM,), [((SMM,), 0.2, SENIOR)]),
        # the first hire is never a junior, even for hours of one role only
        ({CC: 60.0}, (), [((CC,), 1.0, SENIOR), ((CC,), 0.5, JUNIOR)]),
    ],
)
def test_each_position_is_senior_or_a_junior_adding_bandwidth_to_a_role_already_held(
    hours: dict[Role, float], held: tuple[Role, ...], expected: list[Shape]
) -> None:
    assert shapes(positions(hours, 40.0, held)) == expected


@pytest.mark.parametrize(
    ("found", "sentence"),
    [
        (
            (
                Position((SMM, CM), (20.0, 20.0), 1.0, SENIOR),
                Position((CC,), (12.0,), 0.3, SENIOR),
            ),
            "To close the gap: 1 full-time social media manager/community manager "
            "+ 0.3 FTE content creator (part-time hybrid).",
        ),
        (
            (Position((CC,), (20.0,), 0.5, SENIOR),),
            "To close the gap: 0.5 FTE content creator.",
        ),
        (
            (
                Position((CM,), (40.0,), 1.0, SENIOR),
                Position((CM,), (40.0,), 1.0, SENIOR),
                Position((CM,), (8.0,), 0.2, JUNIOR),
            ),
            "To close the gap: 2 full-time community manager positions + 0.2 FTE junior "
            "community manager (part-time hybrid); the junior adds bandwidth to roles already "
            "held.",
        ),
        ((), "No position is needed to close the gap."),
    ],
)
def test_positions_read_as_one_sentence_of_fte_and_roles_and_under_half_a_week_as_part_time(
    found: tuple[Position, ...], sentence: str
) -> None:
    assert positions_sentence(found) == sentence


@pytest.mark.parametrize(
    ("hours", "fte_hours"),
    [({}, 40.0), ({CM: 0.0}, 40.0), ({CM: -3.0, CC: 0.0}, 40.0), ({CM: 10.0}, 0.0)],
)
def test_no_gap_makes_no_position(hours: dict[Role, float], fte_hours: float) -> None:
    assert positions(hours, fte_hours) == ()


def test_the_gaps_hours_are_shared_equally_by_the_recommended_roles() -> None:
    assert shared_hours(30.0, (SMM, CM, CC)) == {SMM: 10.0, CM: 10.0, CC: 10.0}
    assert shared_hours(0.0, (SMM,)) == {} and shared_hours(10.0, ()) == {}


def test_a_position_keeps_exactly_its_roles_fte_and_seniority_as_data() -> None:
    p = Position((SMM, CM), (20.0, 12.0), 0.8, SENIOR)
    data = position_to_dict(p)
    assert data == {
        "roles": ["social_media_manager", "community_manager"],
        "fte": 0.8,
        "seniority": "senior",
    }
    assert position_from_dict(data) == p


# --- carried by a request, on both engines -----------------------------------------------------


def test_a_raised_request_keeps_the_positions_as_they_stood_and_the_report_shows_them(
    demo_ws: Workspace,
) -> None:
    signal = analyse(demo_ws.snapshot(), TODAY).signal
    raised = demo_ws.raise_request(EDITOR, today=TODAY)
    (stored,) = demo_ws.snapshot().requests
    assert stored.evidence.positions == raised.evidence.positions == signal.positions
    assert [p.roles for p in stored.evidence.positions] == [(SMM, CM), (CC,)]
    # a later change of the team changes today's positions, never the request's
    demo_ws.add_assignment(EDITOR, name="Kim", role="social_media_manager", hours=2)
    assert analyse(demo_ws.snapshot(), TODAY).signal.positions != signal.positions
    (request,) = report_dict(analyse(demo_ws.snapshot(), TODAY))["requests"]
    assert request["evidence"]["positions"] == [position_to_dict(p) for p in signal.positions]


def test_a_request_stored_before_positions_existed_reads_back_with_none() -> None:
    data = evidence_to_dict(
        Evidence(TODAY, "s", (), 10.0, 0.3, 400.0, "EUR", (), (CM,), None, None)
    )
    del data["positions"]
    assert evidence_from_dict(data).positions == ()
