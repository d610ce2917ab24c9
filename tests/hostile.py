"""A workspace whose every user-text field holds a hostile value, for the security tests.

A script in an iframe, an image with an ``onerror`` handler and a Markdown link to another
site go into test titles, hypotheses and decisions, a platform and a metric, a person's
name, the company's name, a request's note and decision reason, an override's reason and
an uploaded file's name: what one user types and other users read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from strategy.domain.access import LOCAL_USER
from strategy.usecases import Workspace
from tests.conftest import TODAY

IFRAME = '<iframe srcdoc="<script>parent.window.__pwned=1</script>"></iframe>'
IMAGE = "<img src=x onerror=alert(1)>"
LINK = "[Sign in again](http://evil.example/login)"
PLATFORM = "<img_src=x_onerror=alert(1)>"
"""``IMAGE`` as a platform name: names are stored lower case, spaces as underscores."""


def hostile_workspace(ws: Workspace, tmp_path: Path) -> None:
    """Put a hostile value into every field a user types that other users read."""
    metrics = pd.DataFrame(
        {
            "date": [TODAY - pd.Timedelta(days=7 * k) for k in range(1, 9)] * 2,
            "platform": [IMAGE] * 16,
            "metric": ["followers"] * 8 + [LINK] * 8,
            "value": [100.0 + k for k in range(8)] * 2,
        }
    )
    metrics["date"] = pd.to_datetime(metrics["date"]).dt.date
    path = tmp_path / "hostile.parquet"
    metrics.to_parquet(path, index=False)
    ws.import_file(LOCAL_USER, path, name=f"{IMAGE}.parquet")
    test = {
        "platform": IMAGE,
        "metric": LINK,
        "control_n": 4000,
        "control_successes": 160,
        "variant_n": 4000,
        "variant_successes": 240,
        "start": "2026-09-07",
        "end": "2026-10-04",
        "status": "concluded",
        "hypothesis": LINK,
        "decision": IMAGE,
    }
    ws.log_test(LOCAL_USER, {**test, "title": IFRAME})
    ws.log_test(LOCAL_USER, {**test, "title": LINK, "variant_n": 5200, "planned_split": 0.5})
    ws.add_override(LOCAL_USER, IMAGE, "2026-10-05", "retention", f"{IFRAME} {LINK}")
    profile = ws.snapshot().company
    ws.set_company(LOCAL_USER, type(profile)(**{**profile.__dict__, "name": IFRAME}))
    request = ws.raise_request(LOCAL_USER, note=f"{IFRAME} {LINK}", today=TODAY)
    ws.decide_request(LOCAL_USER, request.id, "approve", f"{IMAGE} {LINK}", today=TODAY)
    ws.start_onboarding(
        LOCAL_USER,
        request_id=request.id,
        name=IFRAME,
        role="community_manager",
        hours=20,
        start=TODAY,
    )
