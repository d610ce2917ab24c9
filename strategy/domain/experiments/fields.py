"""A strategy test's fields, declared once, and the checks of a test a person logs or changes.

``TEST_FIELDS`` names each field with how messages call it, its default, when it may
change, how the tests table stores it and its command-line help. ``make_test``, ``UPDATABLE``,
``test_fields``, the stored columns (``TEST_COLUMNS``, ``test_to_row``, ``test_from_row``)
and the command-line options all derive from that one table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from strategy.domain import clock
from strategy.domain.choices import parse_enum
from strategy.domain.errors import ValidationError, given
from strategy.domain.experiments.model import (
    MAX_COUNT,
    MAX_LABEL,
    MAX_NOTES,
    MAX_TITLE,
    MAX_VALUE,
    StrategyTest,
    TestKind,
    TestStatus,
    check_value_kind,
)
from strategy.domain.limits import finite_number, text_field
from strategy.domain.metrics import normalise_name
from strategy.domain.numbers import noun_for


class Updatable(StrEnum):
    """When a logged test's field may change: never; while the test is planned or running
    (a concluded test's counts and end are final); or always (a concluded test may be
    reopened, and its decision changed)."""

    NEVER = "never"
    WHILE_OPEN = "while_open"
    ALWAYS = "always"


@dataclass(frozen=True)
class Codec:
    """How the tests table stores a field's value, and reads it back."""

    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]


def _same(value: Any) -> Any:
    """A value the table stores as it is (text, a whole number, a number)."""
    return value


def _maybe_float(raw: Any) -> float | None:
    """A stored number that may be absent (a mean test's mean or sd)."""
    return None if raw is None else float(raw)


TEXT: Final = Codec(_same, _same)
WHOLE: Final = Codec(_same, int)
NUMBER: Final = Codec(_same, float)
MAYBE_NUMBER: Final = Codec(_same, _maybe_float)
DAY: Final = Codec(dt.date.isoformat, dt.date.fromisoformat)
STATUS: Final = Codec(lambda s: s.value, TestStatus)
KIND: Final = Codec(lambda k: k.value, TestKind)


@dataclass(frozen=True)
class TestField:
    """One field of a strategy test: its name (StrategyTest's attribute and make_test's
    keyword), its label in messages, whether a new test must give it (else ``default``),
    when it may change, how it is stored (None: not a column) and its command-line help."""

    __test__ = False  # not a pytest test class

    name: str
    label: str
    stored: Codec | None
    parse: Callable[[Any], Any] | None
    """Its own check; None for an arm's numbers, checked with their arm by kind and status."""
    required: bool = False
    default: Any = None
    updatable: Updatable = Updatable.NEVER
    help: str = ""
    choices: tuple[str, ...] = ()
    """The values a person may give, where the field is one of a few (kind, status)."""

    @property
    def column(self) -> str:
        """The column as SQL names it (``end`` is quoted: a keyword in PostgreSQL)."""
        return f'"{self.name}"' if self.name in _SQL_KEYWORDS else self.name

    @property
    def option(self) -> str:
        """The command line's option, e.g. ``--control-n``."""
        return "--" + self.name.replace("_", "-")


_SQL_KEYWORDS: Final = frozenset({"end"})


def _text(label: str, limit: int, *, required: bool, one_line: bool = True) -> Callable[[Any], str]:
    """The check of a text field (``limits.text_field``) with its label and limit."""
    return lambda raw: text_field(raw, label, required=required, limit=limit, one_line=one_line)


def _name(label: str) -> Callable[[Any], str]:
    """The check of a platform or metric: required text, normalised as a name."""
    return lambda raw: normalise_name(text_field(raw, label, required=True, limit=MAX_TITLE))


def _count(raw: Any, field: str) -> int:
    """A whole number from 0 to MAX_COUNT (also from text such as ``" 30 "`` or ``"30.0"``)."""
    expected = f"{field}: expected a whole number from 0 to {MAX_COUNT:,}"
    if isinstance(raw, bool):
        raise ValidationError(f"{expected}, got {raw!r}")
    if isinstance(raw, int):
        value = raw
    else:
        try:
            number = float(raw.strip() if isinstance(raw, str) else raw)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(f"{expected}, got {raw!r}") from None
        if not math.isfinite(number) or number != math.floor(number):
            raise ValidationError(f"{expected}, got {raw!r}")
        value = int(number)
    if value < 0 or value > MAX_COUNT:
        raise ValidationError(f"{expected}, got {raw!r}")
    return value


def _id(raw: Any) -> int | None:
    """A logged test's id (a positive whole number), or None for a new test."""
    if raw is None:
        return None
    test_id = _count(raw, "id")
    if test_id < 1:
        raise ValidationError(f"id: expected a positive whole number, got {raw!r}")
    return test_id


def _split(raw: Any) -> float:
    """The control arm's planned share of the exposures, from 0.01 to 0.99."""
    value = finite_number(raw)
    if value is None or not 0.01 <= value <= 0.99:
        raise ValidationError(
            "planned split: expected the control arm's share of the exposures, from 0.01 to "
            f"0.99 (0.5 for 50/50), got {given(raw)}"
        )
    return value


_OPEN: Final = Updatable.WHILE_OPEN


_ARM_PARTS: Final[Mapping[str, tuple[str, Codec, str]]] = {
    # part: (label, how it is stored, command-line help); "{arm}" is control or variant
    "n": ("exposures", WHOLE, "{arm} exposures (a mean test: units)"),
    "successes": ("successes", WHOLE, "{arm} successes (a conversion test)"),
    "mean": ("mean", MAYBE_NUMBER, "{arm} per-unit mean (a mean test)"),
    "sd": ("sd", MAYBE_NUMBER, "{arm} per-unit standard deviation (a mean test)"),
}


def _arm_fields(arm: str, *parts: str) -> tuple[TestField, ...]:
    """An arm's numbers: checked with their arm (by kind and status), changed while open."""
    return tuple(
        TestField(
            f"{arm}_{part}",
            f"{arm} {_ARM_PARTS[part][0]}",
            _ARM_PARTS[part][1],
            None,
            required=part == "n",
            updatable=_OPEN,
            help=_ARM_PARTS[part][2].format(arm=arm),
        )
        for part in parts
    )


TEST_FIELDS: Final[tuple[TestField, ...]] = (
    TestField("title", "title", TEXT, _text("title", MAX_TITLE, required=True), True),
    TestField("hypothesis", "hypothesis", TEXT,
              _text("hypothesis", MAX_NOTES, required=False, one_line=False), default=""),
    TestField("platform", "platform", TEXT, _name("platform"), True),
    TestField("metric", "metric", TEXT, _name("metric"), True),
    TestField("control_label", "control label", TEXT,
              _text("control label", MAX_LABEL, required=True), default="A"),
    TestField("variant_label", "variant label", TEXT,
              _text("variant label", MAX_LABEL, required=True), default="B"),
    *_arm_fields("control", "n", "successes"),
    *_arm_fields("variant", "n", "successes"),
    TestField("start", "start", DAY, lambda raw: clock.parse_day(raw, "start"), True,
              help="YYYY-MM-DD"),
    TestField("end", "end", DAY, lambda raw: clock.parse_day(raw, "end"), True,
              updatable=_OPEN, help="YYYY-MM-DD"),
    TestField("status", "status", STATUS, lambda raw: parse_enum(TestStatus, raw, "status"),
              True, updatable=Updatable.ALWAYS, choices=tuple(TestStatus)),
    TestField("decision", "decision", TEXT,
              _text("decision", MAX_NOTES, required=False, one_line=False), default="",
              updatable=Updatable.ALWAYS),
    TestField("id", "id", None, _id),
    TestField("kind", "kind", KIND, lambda raw: parse_enum(TestKind, raw, "kind"),
              default=TestKind.CONVERSION, choices=tuple(TestKind),
              help="conversion: exposures and successes per arm; mean: per-unit values per arm"),
    TestField("planned_split", "planned split", NUMBER, _split, default=0.5, updatable=_OPEN,
              help="the control arm's planned share of exposures (0.5 for a 50/50 split)"),
    *_arm_fields("control", "mean", "sd"),
    *_arm_fields("variant", "mean", "sd"),
)  # fmt: skip
"""Every field of a strategy test, in the order of make_test's keywords and the columns."""

FIELD: Final[Mapping[str, TestField]] = {f.name: f for f in TEST_FIELDS}

TEST_COLUMNS: Final[tuple[str, ...]] = tuple(f.column for f in TEST_FIELDS if f.stored)
"""The tests table's columns as stored, in ``test_to_row``'s order (``id`` is the key)."""

UPDATABLE: Final[tuple[str, ...]] = tuple(
    f.name for f in TEST_FIELDS if f.updatable is not Updatable.NEVER
)
"""What may change in a logged test: its counts and end while it is planned or running, its
status and decision at any time (a concluded test may be reopened)."""


def test_to_row(test: StrategyTest) -> dict[str, Any]:
    """A test's stored values by field name (``end`` unquoted), without its id: the values
    bound to ``TEST_COLUMNS`` in that order."""
    return {f.name: f.stored.encode(getattr(test, f.name)) for f in TEST_FIELDS if f.stored}


def test_from_row(row: Mapping[str, Any]) -> StrategyTest:
    """A stored test from its row (``id`` and every field by name), as stored, unchecked."""
    values = {f.name: f.stored.decode(row[f.name]) for f in TEST_FIELDS if f.stored}
    return StrategyTest(**values, id=int(row["id"]))


# --- checks -------------------------------------------------------------------------------


def _value(raw: Any, field: str, *, spread: bool) -> float:
    """A per-unit mean (from -1e12) or standard deviation (from 0), up to 1e12."""
    value = finite_number(raw)
    low = 0.0 if spread else -MAX_VALUE
    if value is None or not low <= value <= MAX_VALUE:
        what = "a standard deviation from 0" if spread else "a mean from -1e12"
        raise ValidationError(f"{field}: expected {what} to 1e12, got {given(raw)}")
    return value


def _conversion_arm(raw: Mapping[str, Any], arm: str, status: TestStatus) -> dict[str, Any]:
    """A conversion test's arm: its exposures and at most as many successes; a concluded
    test has at least one exposure in each arm."""
    n = _count(raw[f"{arm}_n"], f"{arm} exposures")
    s = _count(raw[f"{arm}_successes"], f"{arm} successes")
    if s > n:
        raise ValidationError(
            f"{arm} successes: expected at most {arm} exposures ({n:,}), got {s:,}"
        )
    if status is TestStatus.CONCLUDED and n < 1:
        raise ValidationError(
            f"{arm} exposures: a concluded test needs at least 1 exposure, got {n:,}"
        )
    return {f"{arm}_n": n, f"{arm}_successes": s, f"{arm}_mean": None, f"{arm}_sd": None}


def _mean_arm(raw: Mapping[str, Any], arm: str, status: TestStatus) -> dict[str, Any]:
    """An arm of a mean test: its units, mean and sd; a planned arm with no units may have
    no mean yet, a concluded one needs at least 2 units."""
    n = _count(raw[f"{arm}_n"], f"{arm} units")
    if status is TestStatus.CONCLUDED and n < 2:
        raise ValidationError(
            f"{arm} units: a concluded mean test needs at least 2 units, got {n:,}"
        )
    raw_mean, raw_sd = raw[f"{arm}_mean"], raw[f"{arm}_sd"]
    values: dict[str, Any] = {f"{arm}_n": n, f"{arm}_successes": 0}
    if n == 0 and raw_mean in (None, "") and raw_sd in (None, ""):
        return values | {f"{arm}_mean": None, f"{arm}_sd": None}
    return values | {
        f"{arm}_mean": _value(raw_mean, f"{arm} mean", spread=False),
        f"{arm}_sd": _value(raw_sd, f"{arm} sd", spread=True),
    }


def _check_dates(start: dt.date, end: dt.date, status: TestStatus, today: dt.date) -> None:
    """End on or after start; a running or concluded test has started by today, and a
    concluded one has ended by then."""
    if end < start:
        raise ValidationError(
            f"end: expected on or after the start ({start.isoformat()}), got {end.isoformat()}"
        )
    if status is not TestStatus.PLANNED and start > today:
        raise ValidationError(
            f"start: a {status.value} test must have started by today "
            f"({today.isoformat()}), got {start.isoformat()}"
        )
    if status is TestStatus.CONCLUDED and end > today:
        raise ValidationError(
            f"end: a concluded test must have ended by today ({today.isoformat()}), "
            f"got {end.isoformat()}"
        )


_FIRST: Final = ("title", "platform", "metric", "status", "start", "end")
"""The fields checked before the dates' rules, which need the status."""
_THEN: Final = ("kind", "planned_split")
"""The fields checked before the arms, which need the kind."""
_LAST: Final = tuple(
    f.name for f in TEST_FIELDS if f.parse is not None and f.name not in _FIRST + _THEN
)


def _parsed(raw: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The fields ``names`` of ``raw``, each through its own check."""
    parsers = {name: FIELD[name].parse for name in names}
    return {name: parse(raw[name]) for name, parse in parsers.items() if parse is not None}


def make_test(*, today: dt.date | None = None, **fields: Any) -> StrategyTest:
    """Validate a strategy test from raw user input (form or CLI strings are fine); the
    keywords are ``TEST_FIELDS``' names, and those not given take their defaults.

    Raises ValidationError naming the field and what was expected. Beyond the shapes of
    the fields: ``revenue`` only as a mean test (``check_value_kind``), end on or after
    start, successes at most exposures, a concluded test has exposures in both arms, and a
    running or concluded test has started by ``today`` (default: the current date) and a
    concluded one has ended by then.
    """
    raw = {f.name: f.default for f in TEST_FIELDS} | test_fields(fields)
    clean = _parsed(raw, _FIRST)
    _check_dates(clean["start"], clean["end"], clean["status"], today or clock.today())
    clean |= _parsed(raw, _THEN)
    check_value_kind(clean["metric"], clean["kind"])
    arm = _conversion_arm if clean["kind"] is TestKind.CONVERSION else _mean_arm
    clean |= arm(raw, "control", clean["status"]) | arm(raw, "variant", clean["status"])
    return StrategyTest(**clean, **_parsed(raw, _LAST))


def test_fields(fields: object) -> dict[str, Any]:
    """A test form's or command's fields as make_test's keywords; unknown or missing ones
    are named."""
    if not isinstance(fields, Mapping):
        raise ValidationError(f"test: expected the test's fields, got {fields!r}")
    accepted = [*FIELD, "today"]
    unknown = sorted(repr(k) for k in fields if k not in accepted)
    if unknown:
        raise ValidationError(
            f"test: unknown {noun_for(len(unknown), 'field')} {', '.join(unknown)}; "
            f"expected some of {', '.join(accepted)}"
        )
    missing = [f.name for f in TEST_FIELDS if f.required and f.name not in fields]
    if missing:
        said = f"{noun_for(len(missing), 'field')} {', '.join(missing)}"
        raise ValidationError(f"test: missing {said}")
    return {str(k): v for k, v in fields.items()}


def updated_test(test: StrategyTest, changes: Mapping[str, Any]) -> StrategyTest:
    """``test`` with ``changes`` (a subset of UPDATABLE), checked as a new test is.

    A concluded test's counts and end are final: reopen it (status running) to change them.
    """
    if not isinstance(changes, Mapping):
        raise ValidationError(f"test update: expected the fields to change, got {changes!r}")
    unknown = sorted(repr(k) for k in changes if k not in UPDATABLE)
    if unknown:
        raise ValidationError(
            f"test update: {', '.join(unknown)} cannot change; expected some of "
            f"{', '.join(UPDATABLE)}"
        )
    current = dataclasses.asdict(test)
    final = [
        k
        for k in changes
        if FIELD[k].updatable is Updatable.WHILE_OPEN and str(changes[k]).strip() != str(current[k])
    ]
    after = make_test(**{**current, **changes})
    if test.status is TestStatus.CONCLUDED and after.status is TestStatus.CONCLUDED and final:
        raise ValidationError(
            f"test #{test.id} is concluded: its counts and end are final (asked to change "
            f"{', '.join(final)}); reopen it as running to change them"
        )
    return after


def duplicate_of(test: StrategyTest, logged: Iterable[StrategyTest]) -> StrategyTest | None:
    """The logged test that ``test`` repeats (same title, platform and start), if any."""
    return next((t for t in logged if t.key == test.key and t.id != test.id), None)
