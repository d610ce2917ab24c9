"""Numbers as people write them (1,050, never 1.05e+03) in evidence, stalls and transitions."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from strategy.domain.analysis import analyse
from strategy.domain.gates import DEFAULT_GATES, Criterion
from strategy.domain.numbers import chance_text, p_value_text, plain_number
from strategy.domain.stages import evaluate_all
from strategy.report import report_dict, report_text
from strategy.usecases import Workspace
from strategy.views import frames
from tests.conftest import TODAY, open_page
from tests.test_stages import QUIET, checklist, history

EXPONENT = re.compile(r"\d[eE][+-]?\d")
"""A number written with an exponent, as ``1.05e+03`` or ``1.2e-05``."""


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1050, "1,050"),
        (1050.0, "1,050"),
        (1.05e3, "1,050"),
        (1_000_000.0, "1,000,000"),
        (1e20, "100,000,000,000,000,000,000"),
        (0, "0"),
        (-0.0, "0"),
        (59.5, "59.5"),
        (20.0, "20"),
        (1234.5678, "1,234.57"),
        (-3.5, "-3.5"),
        (0.25, "0.25"),
        (0.5, "0.5"),
        (0.0123, "0.012"),
        (0.002, "0.002"),
        (1.2e-05, "0.000012"),
        (0.9999, "1"),
        (None, "n/a"),
        (float("nan"), "n/a"),
        (float("inf"), "n/a"),
    ],
)
def test_a_number_prints_as_people_write_it(value: float | None, shown: str) -> None:
    assert plain_number(value) == shown


def test_the_demos_transitions_read_audience_with_a_thousands_separator(
    demo_read: Workspace,
) -> None:
    moves = frames.transitions(analyse(demo_read.snapshot(), TODAY).statuses)
    instagram = moves[(moves["platform"] == "instagram") & (moves["to"] == "retention")]
    assert "audience 1,054 ≥ 100" in instagram["why"].iloc[0]
    assert not [why for why in moves["why"] if EXPONENT.search(why)]


def test_a_stall_reason_writes_a_large_threshold_in_full() -> None:
    to_retention = dataclasses.replace(
        DEFAULT_GATES.to_retention, criteria=(Criterion("followers", ">=", 1_000_000.0),)
    )
    gates = dataclasses.replace(DEFAULT_GATES, to_retention=to_retention)
    quiet = {**QUIET, "followers": 12_345.0}
    status = evaluate_all(history((12, quiet)), gates, checklist(), ())["instagram"]
    assert status.stalled
    assert status.stall_reason.endswith(
        "not met in the latest week: followers 12,345 (needs >= 1,000,000)"
    )


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON-ready value (keys aside)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_no_number_in_the_demos_report_is_written_with_an_exponent(demo_read: Workspace) -> None:
    analysis = analyse(demo_read.snapshot(), TODAY)
    text = report_text(analysis)
    assert not EXPONENT.search(text), text
    words = list(_strings(json.loads(json.dumps(report_dict(analysis)))))
    assert not [w for w in words if EXPONENT.search(w)]
    assert "active_members 35 (needs >= 50)" in text


def test_a_raised_requests_evidence_has_no_exponent(demo_ws: Workspace) -> None:
    from tests.conftest import EDITOR

    demo_ws.raise_request(EDITOR, note="", today=TODAY)
    request = report_dict(analyse(demo_ws.snapshot(), TODAY))["requests"][0]
    words = list(_strings(request))
    assert words and not [w for w in words if EXPONENT.search(w)]


@pytest.mark.parametrize("page", ["app.py", "pages/2_Stages.py"])
def test_no_page_writes_a_number_with_an_exponent(page: str, app_read: Workspace) -> None:
    at = open_page(page)
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    shown += [w.value for w in at.warning] + [i.value for i in at.info]
    shown += [
        v for d in at.dataframe for c in d.value.columns for v in d.value[c] if isinstance(v, str)
    ]
    assert not [s for s in shown if EXPONENT.search(s)]
    if page == "pages/2_Stages.py":
        moves = next(d.value for d in at.dataframe if "why" in d.value.columns)
        assert any("audience 1,054 ≥ 100" in why for why in moves["why"])


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0000004, "<0.0001"),
        (0.0001, "0.0001"),
        (0.0213, "0.0213"),
        (0.5, "0.5000"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_a_p_value_reads_four_decimals_and_below_them_less_than(p: float | None, text: str) -> None:
    assert p_value_text(p) == text


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.999994, ">99%"),
        (0.9951, ">99%"),
        (0.99, "99%"),
        (0.57, "57%"),
        (0.01, "1%"),
        (0.004, "<1%"),
        (0.0, "<1%"),
        (None, ""),
    ],
)
def test_a_chance_reads_whole_percent_never_a_rounded_100_or_0(
    share: float | None, text: str
) -> None:
    assert chance_text(share) == text
