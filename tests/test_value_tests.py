"""Tests on value (issue 20 §3): conversions per visitor as a conversion test, revenue per
visitor as a mean test (never a conversion test), the signal's tested win named when it is
on value, and a request's frozen evidence holding the platforms' value and return."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scipy.stats import t as student_t

from strategy.domain.analysis import TestResult, analyse
from strategy.domain.errors import ValidationError
from strategy.domain.requests import evidence_from_dict, evidence_to_dict
from strategy.domain.resources import ConditionKey
from strategy.report import report_dict
from strategy.usecases import Workspace
from tests.conftest import EDITOR, TODAY, cli, open_page

DAYS = {"start": "2026-10-05", "end": "2026-11-01"}


def _log_and_conclude(ws: Workspace, fields: dict[str, Any]) -> TestResult:
    """Log a running test, then conclude it with its counts, as a person does."""
    counts = {k: v for k, v in fields.items() if k.startswith(("control_", "variant_"))}
    counts = {k: v for k, v in counts.items() if not k.endswith("_label")}
    first = {k: (0 if k.endswith("_n") or k.endswith("_successes") else None) for k in counts}
    logged = ws.log_test(EDITOR, {**fields, **first, **DAYS, "status": "running"})
    ws.update_test(EDITOR, logged.id or 0, {**counts, "status": "concluded"})
    return next(r for r in analyse(ws.snapshot(), TODAY).tests if r.test.id == logged.id)


def test_a_conversion_test_on_conversions_per_visitor_concludes_with_the_pooled_z_test(
    demo_ws: Workspace,
) -> None:
    fields = {
        "title": "Reels CTA",
        "platform": "instagram",
        "metric": "Conversions",
        "control_n": 4000,
        "control_successes": 160,
        "variant_n": 4000,
        "variant_successes": 220,
    }
    result = _log_and_conclude(demo_ws, fields)
    assert result.test.on_value
    # by hand: 160/4000 = 4.0%, 220/4000 = 5.5%, pooled 380/8000 = 4.75%;
    # se = sqrt(0.0475 x 0.9525 x (1/4000 + 1/4000)), z = 0.015 / se, p = erfc(|z| / sqrt 2)
    pooled = 380 / 8000
    z = 0.015 / math.sqrt(pooled * (1 - pooled) * (2 / 4000))
    stats = result.stats
    assert stats is not None
    assert (stats.control_rate, stats.variant_rate) == pytest.approx((0.04, 0.055))
    assert stats.abs_lift == pytest.approx(0.015)
    assert stats.p_value == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-6)
    assert stats.significant
    assert result.conclusion.startswith(
        "Variant B lifted the value: +1.5 points of conversions per visitor (from 4.0% to 5.5%);"
    )


def test_the_tests_page_marks_a_test_on_value_and_says_its_unit(app_ws: Workspace) -> None:
    fields = {
        "title": "Reels CTA",
        "platform": "instagram",
        "metric": "conversions",
        "control_n": 4000,
        "control_successes": 160,
        "variant_n": 4000,
        "variant_successes": 220,
    }
    _log_and_conclude(app_ws, fields)
    at = open_page("pages/3_Tests.py")
    (line,) = [m.value for m in at.markdown if "**Reels CTA**" in m.value]
    assert "(instagram, concluded, on value: conversions per visitor, 05 Oct 2026" in line
    assert "Variant B lifted the value: +1.5 points of conversions per visitor" in line


def test_a_mean_test_on_revenue_per_visitor_concludes_with_welchs_t_test_in_the_currency(
    demo_ws: Workspace,
) -> None:
    fields = {
        "title": "Checkout nudge",
        "platform": "instagram",
        "metric": "revenue",
        "kind": "mean",
        "control_n": 900,
        "control_mean": 3.10,
        "control_sd": 6.0,
        "variant_n": 1100,
        "variant_mean": 3.95,
        "variant_sd": 7.5,
    }
    result = _log_and_conclude(demo_ws, fields)
    # by hand (Welch): se^2 = 6^2/900 + 7.5^2/1100; df by Welch-Satterthwaite;
    # t = 0.85 / se, p = 2 x P(T_df > |t|)
    a, b = 6.0**2 / 900, 7.5**2 / 1100
    se = math.sqrt(a + b)
    df = (a + b) ** 2 / (a**2 / 899 + b**2 / 1099)
    stats = result.stats
    assert stats is not None
    assert stats.abs_lift == pytest.approx(0.85)
    assert stats.p_value == pytest.approx(2 * student_t.sf(0.85 / se, df), rel=1e-6)
    half = student_t.ppf(0.975, df) * se
    assert (stats.ci_low, stats.ci_high) == pytest.approx((0.85 - half, 0.85 + half))
    assert result.conclusion.startswith(
        "Variant B lifted the value: EUR +0.85 revenue per visitor (from EUR 3.10 to EUR 3.95);"
    )


@pytest.mark.parametrize("metric", ["revenue", " Revenue "])
def test_a_conversion_test_on_revenue_is_refused_naming_the_metric_and_what_is_expected(
    demo_ws: Workspace, metric: str
) -> None:
    before = demo_ws.snapshot().tests
    fields = {
        "title": "Revenue as conversions",
        "platform": "instagram",
        "metric": metric,
        "control_n": 100,
        "control_successes": 10,
        "variant_n": 100,
        "variant_successes": 12,
        **DAYS,
        "status": "concluded",
    }
    with pytest.raises(ValidationError) as refused:
        demo_ws.log_test(EDITOR, fields)
    assert str(refused.value) == (
        "metric: revenue is a value per visitor, not a conversion: expected a mean test "
        "(kind mean: visitors, the mean revenue per visitor and its sd in each arm), "
        "got a conversion test"
    )
    assert demo_ws.snapshot().tests == before


@pytest.mark.parametrize(
    ("metric", "value", "reason"),
    [
        (
            "conversions",
            "Reels CTA (on value: conversions)",
            "1 concluded test with a significant positive lift: Reels CTA, on conversions "
            "per visitor",
        ),
        ("followers", "Reels CTA", "1 concluded test with a significant positive lift: Reels CTA"),
    ],
)
def test_the_signals_tested_win_names_a_win_on_value_and_only_then(
    demo_ws: Workspace, metric: str, value: str, reason: str
) -> None:
    for test in demo_ws.snapshot().tests:
        demo_ws.remove_test(EDITOR, test.id or 0)
    fields = {
        "title": "Reels CTA",
        "platform": "instagram",
        "metric": metric,
        "control_n": 4000,
        "control_successes": 160,
        "variant_n": 4000,
        "variant_successes": 220,
    }
    _log_and_conclude(demo_ws, fields)
    signal = analyse(demo_ws.snapshot(), TODAY).signal
    (tested,) = [c for c in signal.conditions if c.key is ConditionKey.TESTED_STRATEGY]
    assert (tested.met, tested.value, tested.reason) == (True, value, reason)


def test_a_requests_evidence_keeps_the_platforms_value_and_return_as_raised(
    demo_ws: Workspace,
    long_file: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    raised_report = report_dict(analyse(demo_ws.snapshot(), TODAY))
    request = demo_ws.raise_request(EDITOR, today=TODAY)
    frozen = evidence_to_dict(request.evidence)["value_by_platform"]
    assert frozen == raised_report["value_by_platform"]
    assert frozen["instagram"]["return"] is not None
    assert frozen["forum"]["revenue"] is None and frozen["forum"]["return"] is None
    assert evidence_from_dict(evidence_to_dict(request.evidence)) == request.evidence

    richer = long_file([("2026-11-03", "instagram", "revenue", 50_000.0)])
    demo_ws.import_file(EDITOR, richer, today=TODAY)
    later = report_dict(analyse(demo_ws.snapshot(), TODAY))
    assert later["value_by_platform"]["instagram"] != frozen["instagram"]
    (stored,) = later["requests"]
    assert stored["evidence"]["value_by_platform"] == frozen

    code, out, _ = cli(capsys, "request", "list", demo_ws.location.key)
    assert code == 0
    assert "  value as raised, forum: value not measured; cost EUR " in out
