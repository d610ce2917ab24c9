"""Strategy tests (A/B experiments) and the statistics a careful analyst would report.

A conversion-type test counts exposures and successes in a control and a variant arm; a
mean test compares per-unit values. The package holds the types (``model``), the fields
declared once with the checks of a logged test (``fields``), the statistics (``stats``) and
the result in words (``words``); the names the rest of the product uses are here.
"""

from strategy.domain.experiments.fields import (
    TEST_COLUMNS,
    TEST_FIELDS,
    UPDATABLE,
    TestField,
    Updatable,
    duplicate_of,
    make_test,
    test_fields,
    test_from_row,
    test_to_row,
    updated_test,
)
from strategy.domain.experiments.model import (
    FISHER_MIN_EXPECTED,
    MAX_COUNT,
    MAX_LABEL,
    MAX_NOTES,
    MAX_TITLE,
    MAX_VALUE,
    SRM_ALPHA,
    StrategyTest,
    TestKind,
    TestStats,
    TestStatus,
    check_value_kind,
)
from strategy.domain.experiments.stats import (
    conversion_stats,
    mean_stats,
    newcombe_interval,
    prob_variant_better,
    required_n_per_arm,
    required_units_per_arm,
    sample_ratio,
    test_stats,
    two_sided_p_value,
)
from strategy.domain.experiments.words import (
    conclusion_text,
    srm_warning,
    value_lift,
    value_unit,
)

__all__ = [
    "FISHER_MIN_EXPECTED",
    "MAX_COUNT",
    "MAX_LABEL",
    "MAX_NOTES",
    "MAX_TITLE",
    "MAX_VALUE",
    "SRM_ALPHA",
    "TEST_COLUMNS",
    "TEST_FIELDS",
    "UPDATABLE",
    "StrategyTest",
    "TestField",
    "TestKind",
    "TestStats",
    "TestStatus",
    "Updatable",
    "check_value_kind",
    "conclusion_text",
    "conversion_stats",
    "duplicate_of",
    "make_test",
    "mean_stats",
    "newcombe_interval",
    "prob_variant_better",
    "required_n_per_arm",
    "required_units_per_arm",
    "sample_ratio",
    "srm_warning",
    "test_fields",
    "test_from_row",
    "test_stats",
    "test_to_row",
    "two_sided_p_value",
    "updated_test",
    "value_lift",
    "value_unit",
]
