"""One parser of a named choice: any case or spacing, aliases, and one message form."""

from __future__ import annotations

import pytest

from strategy.domain.access import AccessRole
from strategy.domain.choices import choice_list, parse_enum
from strategy.domain.errors import ValidationError
from strategy.domain.experiments import TestKind, TestStatus
from strategy.domain.gates import Stage
from strategy.domain.team import Role


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (Stage, " Active ", Stage.ACTIVE),
        (TestStatus, "CONCLUDED", TestStatus.CONCLUDED),
        (AccessRole, AccessRole.EDITOR, AccessRole.EDITOR),
        (Role, "channel rep", Role.CHANNEL_REP),
    ],
)
def test_a_choice_is_read_in_any_case_or_spacing(kind: type, raw: object, expected: object) -> None:
    assert parse_enum(kind, raw, "what") is expected


def test_an_alias_names_a_choice_too() -> None:
    assert parse_enum(Stage, "Live", "stage", aliases={"live": Stage.ACTIVE}) is Stage.ACTIVE


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (Stage, "dormant", "stage: expected one of setup, retention, active, got 'dormant'"),
        (TestKind, "median", "kind: expected conversion or mean, got 'median'"),
        (TestStatus, None, "status: expected one of planned, running, concluded, got nothing"),
        (TestStatus, 3, "status: expected one of planned, running, concluded, got 3"),
    ],
)
def test_anything_else_is_refused_in_one_message_form(
    kind: type, raw: object, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_enum(kind, raw, message.split(":")[0])
    assert str(refused.value) == message


def test_two_choices_read_a_or_b_and_more_one_of_a_list() -> None:
    assert (choice_list(["a", "b"]), choice_list(["a", "b", "c"])) == ("a or b", "one of a, b, c")
