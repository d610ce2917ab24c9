"""A metric name the workspace does not know, in an upload: named with "did you mean" in the
preview and by `import`, imported as a new metric only once the user confirms it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from strategy.domain.metrics import unknown_metric_text, unknown_metrics
from strategy.usecases import Workspace
from tests.conftest import cli, open_page

PAGE = "pages/4_Upload_metrics.py"
PARQUET = "application/octet-stream"
DID_YOU_MEAN = "'follower_count' is not a metric this workspace knows; did you mean followers?"


def misspelt_file(metric: str = "follower_count") -> bytes:
    """A wide-layout parquet file of youtube: a week of ``metric`` and brand posts."""
    days = [dt.date(2026, 11, 9) + dt.timedelta(days=n) for n in range(7)]
    frame = pd.DataFrame({"date": days, "platform": "youtube", metric: 120.0, "brand_posts": 1.0})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("metrics", "uploaded", "unknown"),
    [
        (("followers", "brand_posts"), (), ()),
        (("follower_count", "followers"), (), ("follower_count",)),
        (("likes",), ("likes",), ()),  # uploaded before: known
        (("engagement_rate", "audience"), (), ()),  # derived: the product's own
    ],
)
def test_a_metric_is_new_unless_the_product_or_an_earlier_upload_knows_it(
    metrics: tuple[str, ...], uploaded: tuple[str, ...], unknown: tuple[str, ...]
) -> None:
    assert unknown_metrics(metrics, uploaded) == unknown


def test_the_close_match_rule_is_the_gate_editors() -> None:
    assert unknown_metric_text("follower_count", ["followers", "threads"]) == DID_YOU_MEAN
    assert unknown_metric_text("zzz", ["followers", "threads"]).endswith(
        "expected one of followers, threads"
    )


def test_import_refuses_an_unknown_metric_with_did_you_mean_until_new_metrics_is_given(
    demo_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "youtube.parquet"
    path.write_bytes(misspelt_file())
    root = demo_ws.location.key

    code, _, err = cli(capsys, "import", root, str(path))
    assert code != 0
    assert f"youtube.parquet: metric: {DID_YOU_MEAN}" in err
    assert "--new-metrics" in err
    assert len(demo_ws.snapshot().uploads) == 3  # nothing stored

    code, out, err = cli(capsys, "import", root, str(path), "--new-metrics")
    assert code == 0, err
    assert out.startswith("imported youtube.parquet as upload #4")
    assert "follower_count" in demo_ws.snapshot().uploads[-1].metrics


def test_a_known_metric_needs_no_confirmation(
    demo_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "youtube.parquet"
    path.write_bytes(misspelt_file("followers"))
    code, out, err = cli(capsys, "import", demo_ws.location.key, str(path))
    assert code == 0, err
    assert out.startswith("imported youtube.parquet as upload #4")


def test_the_preview_names_the_unknown_metric_and_imports_it_only_once_confirmed(
    app_ws: Workspace,
) -> None:
    at = open_page(PAGE)
    at.file_uploader[0].set_value(("youtube.parquet", misspelt_file(), PARQUET)).run()

    assert not at.exception and not at.error
    assert [w.value for w in at.warning if "did you mean" in w.value] == [DID_YOU_MEAN]
    confirm = at.checkbox(key=next(c.key for c in at.checkbox if c.key.startswith("new_metrics")))
    assert confirm.label == "Import follower_count as a new metric"
    assert at.button(key="import_files").disabled

    confirm.check().run()
    assert not at.button(key="import_files").disabled
    at.button(key="import_files").click().run()
    assert not at.exception and not at.error
    assert "Imported youtube.parquet as upload #4" in at.success[0].value
    assert "follower_count" in app_ws.snapshot().uploads[-1].metrics
