"""One way to read a choice a person names (a stage, a test's status, a role, a decision):
the enum's value in any case or spacing, or one of its aliases. Anything else is refused in
one message form, ``what: expected one of a, b, c, got 'x'``, so every list reads alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TypeVar

from strategy.domain.errors import ValidationError, given
from strategy.domain.metrics import normalise_name

E = TypeVar("E", bound=StrEnum)


def choice_list(values: Sequence[str]) -> str:
    """The choices as a message names them: ``a or b`` for two, ``one of a, b, c`` for more."""
    if len(values) == 2:
        return f"{values[0]} or {values[1]}"
    return f"one of {', '.join(values)}"


def parse_enum(
    kind: type[E], raw: object, what: str, *, aliases: Mapping[str, E] | None = None
) -> E:
    """``raw`` as a member of ``kind``: a member itself, its value in any case or spacing
    (``normalise_name``), or a name in ``aliases`` (already normalised); ValidationError
    naming ``what`` and the accepted values otherwise."""
    if isinstance(raw, kind):
        return raw
    if isinstance(raw, str):
        name = normalise_name(raw)
        if aliases is not None and name in aliases:
            return aliases[name]
        try:
            return kind(name)
        except ValueError:
            pass
    allowed = choice_list([member.value for member in kind])
    raise ValidationError(f"{what}: expected {allowed}, got {given(raw)}")
