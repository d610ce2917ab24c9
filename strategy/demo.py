"""The demo company: its source files in ``data/demo/`` and seeding a workspace from them.

``python -m strategy.demo`` rebuilds ``data/demo/`` deterministically (fixed seed and dates):
a 7-person part-time team, four platforms in different stages (instagram active, linkedin
in the lull, the forum stalled in retention, tiktok in setup), a year of metrics in all
three file layouts, and a few logged tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from strategy.domain.access import AccessRole, Actor
from strategy.domain.company import CompanyProfile
from strategy.domain.team import Assignment, make_member, parse_role
from strategy.storage import DB_NAME, Location, parse_location
from strategy.usecases import Workspace

DEMO_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "demo"
DEMO_ACTOR: Final = Actor("demo", AccessRole.ADMIN)
FIRST_MONDAY: Final = dt.date(2025, 11, 17)
WEEKS: Final = 52
SEED: Final = 20261123
DEMO_COMPANY_NAME: Final = "Northwind Outdoor"
"""The demo company's name, as the Team page, `company show` and the dashboard show it."""


def seed_demo(location: str | Path | Location, source: Path = DEMO_DIR) -> Workspace:
    """Create a workspace at ``location`` filled from the demo source.

    A folder is built in a temporary sibling folder and renamed into place, so a second
    process seeding at the same time, or a crash, never leaves a half-built one. A database
    must be empty (``Workspace.open(..., create=True)`` refuses any other).
    """
    where = parse_location(location)
    if where.folder is None:
        ws = Workspace.open(where, create=True)
        _fill(ws, source)
        return ws
    root = where.folder
    root.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}-building-"))
    try:
        _fill(Workspace.open(building, create=True), source)
        try:
            os.rename(building, root)
        except OSError:
            if not (root / DB_NAME).exists():
                raise
        return Workspace.open(root)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(building)


def _fill(ws: Workspace, source: Path) -> None:
    """Write the demo company, team, checklist, tests and metric files into ``ws``."""
    spec = json.loads((source / "company.json").read_text(encoding="utf-8"))
    company = spec["company"]
    ws.set_company(
        DEMO_ACTOR,
        CompanyProfile(
            channels=tuple(company["channels"]),
            integrated=tuple(tuple(g) for g in company["integrated"]),
            employees=int(company["employees"]),
            name=company.get("name", ""),
        ),
    )
    ws.replace_team(
        DEMO_ACTOR,
        [
            make_member(
                m["name"],
                m["available_hours"],
                tuple(
                    Assignment(parse_role(a["role"]), a["hours"], a.get("channel"))
                    for a in m["assignments"]
                ),
            )
            for m in spec["team"]
        ],
    )
    for item in spec["checklist"]:
        ws.set_checklist(DEMO_ACTOR, item["platform"], item["item"], item["done_on"])
    for test in spec["tests"]:
        ws.log_test(DEMO_ACTOR, test)
    for name in spec["metrics"]:
        ws.import_file(DEMO_ACTOR, source / name)


def ensure_workspace(location: str | Path | Location, source: Path = DEMO_DIR) -> Workspace:
    """Open the workspace at ``location``; a folder not made yet is seeded from the demo on
    first start (a database is created with ``init URL [--demo]``, never implicitly)."""
    where = parse_location(location)
    if where.folder is None or (where.folder / DB_NAME).exists():
        return Workspace.open(where)
    return seed_demo(where, source)


# --- generating the demo source ----------------------------------------------------------


def _days() -> pd.DatetimeIndex:
    start = pd.Timestamp(FIRST_MONDAY)
    return pd.date_range(start, periods=WEEKS * 7, freq="D")


def _ramp(days: int, start: float, end: float, rng: np.random.Generator, noise: float) -> Any:
    base = np.linspace(start, end, days)
    return np.maximum(base * (1 + rng.normal(0, noise, days)), 0)


def _long_daily(rng: np.random.Generator) -> pd.DataFrame:
    """Instagram climbing to an active community; linkedin still in the lull."""
    days = _days()
    n = len(days)
    frames = []
    shapes = {
        "instagram": {
            "followers": (900, 5200, 0.0),
            "brand_posts": (1.0, 1.0, 0.0),
            "brand_replies": (1.0, 6.0, 0.2),
            "member_interactions": (4.0, 160.0, 0.15),
            "active_members": (12.0, 420.0, 0.1),
            "returning_members": (3.0, 180.0, 0.1),
            "new_members": (2.0, 25.0, 0.3),
            "inbound_messages": (8.0, 62.0, 0.2),
            "response_minutes_median": (35.0, 95.0, 0.1),
            "threads": (2.0, 14.0, 0.2),
            "member_initiated_threads": (0.2, 9.0, 0.3),
        },
        "linkedin": {
            "followers": (300, 1600, 0.0),
            "brand_posts": (1.0, 1.0, 0.0),
            "brand_replies": (0.5, 2.0, 0.3),
            "member_interactions": (1.0, 6.0, 0.3),
            "active_members": (6.0, 38.0, 0.15),
            "returning_members": (1.0, 12.0, 0.2),
            "new_members": (1.0, 4.0, 0.3),
            "inbound_messages": (1.0, 6.0, 0.3),
            "response_minutes_median": (50.0, 45.0, 0.1),
        },
    }
    for platform, metrics in shapes.items():
        for metric, (lo, hi, noise) in metrics.items():
            values = _ramp(n, lo, hi, rng, noise)
            if metric in ("brand_posts",):
                values = (rng.random(n) < 0.8).astype(float) * lo
            elif metric != "response_minutes_median":
                values = np.round(values)
            frames.append(
                pd.DataFrame(
                    {"date": days.date, "platform": platform, "metric": metric, "value": values}
                )
            )
    return pd.concat(frames, ignore_index=True)


def _forum_events(rng: np.random.Generator) -> pd.DataFrame:
    """A forum of about 35 regulars a week: a steady, flat lull (it stalls in retention)."""
    rows: list[tuple[pd.Timestamp, str, str, str, bool]] = []
    regulars = [f"m{i:03d}" for i in range(60)]
    kinds = ["comment", "reply", "like", "message", "mention"]
    for week in range(WEEKS):
        monday = pd.Timestamp(FIRST_MONDAY, tz="UTC") + pd.Timedelta(weeks=week)
        if week >= 6:
            active = rng.choice(regulars, size=35, replace=False)
            for member in active:
                for _ in range(int(rng.integers(1, 4))):
                    at = monday + pd.Timedelta(minutes=int(rng.integers(0, 7 * 24 * 60)))
                    kind = str(rng.choice(kinds, p=[0.4, 0.3, 0.2, 0.05, 0.05]))
                    rows.append((at, "Forum", str(member), kind, False))
        for kind, count in (("post", 3), ("reply", 8)):
            for _ in range(count):
                at = monday + pd.Timedelta(minutes=int(rng.integers(0, 7 * 24 * 60)))
                rows.append((at, "Forum", "brand", kind, True))
    frame = pd.DataFrame(rows, columns=["ts", "platform", "member_id", "kind", "by_brand"])
    return frame.sort_values("ts", kind="stable").reset_index(drop=True)


def _weekly_wide(rng: np.random.Generator) -> pd.DataFrame:
    """Weekly figures in the wide layout: forum registrations, and tiktok starting up."""
    mondays = pd.date_range(pd.Timestamp(FIRST_MONDAY), periods=WEEKS, freq="7D")
    forum = pd.DataFrame(
        {
            "date": mondays.date,
            "platform": "forum",
            "followers": np.round(np.linspace(150, 260, WEEKS)),
            "threads": np.round(_ramp(WEEKS, 10, 12, rng, 0.1)),
            "member_initiated_threads": np.round(_ramp(WEEKS, 6, 7, rng, 0.1)),
            "response_minutes_median": _ramp(WEEKS, 70, 72, rng, 0.05),
        }
    )
    start = WEEKS - 10
    tiktok = pd.DataFrame(
        {
            "date": mondays[start:].date,
            "platform": "TikTok",
            "followers": np.round(np.linspace(10, 85, WEEKS - start)),
            "threads": np.zeros(WEEKS - start),
            "member_initiated_threads": np.zeros(WEEKS - start),
            "response_minutes_median": np.full(WEEKS - start, 30.0),
        }
    )
    return pd.concat([forum, tiktok], ignore_index=True)


def _value_daily(rng: np.random.Generator) -> pd.DataFrame:
    """What social returns, per day, in the long layout: leads, conversions and revenue (EUR)
    attributed to instagram (many small orders) and linkedin (few, larger B2B deals); the
    forum and tiktok report none, so their value is not measured. They go in the instagram
    and linkedin daily file, drawn from their own generator, so the rest is unchanged."""
    days = _days()
    n = len(days)
    frames = []
    # platform: (leads a day from, to), conversions per lead, revenue per conversion
    shapes = {"instagram": ((0.5, 6.0), 0.22, 95.0), "linkedin": ((0.2, 1.6), 0.2, 420.0)}
    for platform, ((lo, hi), rate, order) in shapes.items():
        leads = rng.poisson(np.linspace(lo, hi, n))
        conversions = rng.binomial(leads, rate)
        revenue = np.round(conversions * order * rng.uniform(0.7, 1.3, n), 2)
        for metric, values in (
            ("leads", leads),
            ("conversions", conversions),
            ("revenue", revenue),
        ):
            frames.append(
                pd.DataFrame(
                    {
                        "date": days.date,
                        "platform": platform,
                        "metric": metric,
                        "value": np.asarray(values, dtype=float),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _company() -> dict[str, Any]:
    monday = FIRST_MONDAY
    checklist = [
        {"platform": p, "item": item, "done_on": (monday + dt.timedelta(days=d)).isoformat()}
        for p, d in (("instagram", 3), ("linkedin", 5), ("forum", 20))
        for item in (
            "platforms_optimised",
            "tools_chosen",
            "key_metrics_defined",
            "launch_content_created",
        )
    ] + [
        {"platform": "tiktok", "item": "platforms_optimised", "done_on": "2026-09-14"},
        {"platform": "tiktok", "item": "tools_chosen", "done_on": "2026-09-21"},
    ]
    return {
        "company": {
            "name": DEMO_COMPANY_NAME,
            "channels": ["direct_marketing", "ecommerce", "retail", "social", "sales"],
            "integrated": [],
            "employees": 180,
        },
        "team": [
            _person("Maya Okafor", 14, [("social_expert", 12, None)]),
            _person("Tom Berger", 4, [("channel_rep", 3, "direct_marketing")]),
            _person("Lena Fischer", 5, [("channel_rep", 4, "ecommerce")]),
            _person("Raj Patel", 3, [("channel_rep", 3, "retail")]),
            _person("Sofia Alvarez", 3, [("channel_rep", 3, "sales")]),
            _person("Jonas Weber", 8, [("support", 8, None), ("community_manager", 3, None)]),
            _person("Chen Li", 4, [("it", 4, None)]),
        ],
        "checklist": checklist,
        "tests": [
            {
                "title": "Questions instead of product shots",
                "hypothesis": "Posts that ask a question draw more member replies.",
                "platform": "instagram",
                "metric": "reply rate",
                "control_label": "Product shot",
                "variant_label": "Question post",
                "control_n": 4200,
                "control_successes": 168,
                "variant_n": 4150,
                "variant_successes": 253,
                "start": "2026-03-02",
                "end": "2026-03-29",
                "status": "concluded",
                "decision": "Lead with questions twice a week.",
            },
            {
                "title": "Weekly ask-me-anything thread",
                "hypothesis": "A fixed weekly thread brings members back.",
                "platform": "forum",
                "metric": "return visit rate",
                "control_n": 310,
                "control_successes": 71,
                "variant_n": 298,
                "variant_successes": 77,
                "start": "2026-05-04",
                "end": "2026-06-14",
                "status": "concluded",
                "decision": "No clear difference: the thread stays a monthly one.",
            },
            {
                "title": "Carousel vs single image",
                "hypothesis": "Carousels hold attention longer.",
                "platform": "linkedin",
                "metric": "click rate",
                "control_n": 900,
                "control_successes": 27,
                "variant_n": 880,
                "variant_successes": 35,
                "start": "2026-10-05",
                "end": "2026-11-29",
                "status": "running",
            },
            {
                "title": "Duets with customers",
                "hypothesis": "Customer duets attract first followers.",
                "platform": "tiktok",
                "metric": "follow rate",
                "control_n": 0,
                "control_successes": 0,
                "variant_n": 0,
                "variant_successes": 0,
                "start": "2026-12-07",
                "end": "2027-01-17",
                "status": "planned",
            },
        ],
        "metrics": [
            "instagram_linkedin_daily.parquet",
            "forum_events.parquet",
            "forum_tiktok_weekly.parquet",
        ],
    }


def _person(
    name: str, available: float, roles: list[tuple[str, float, str | None]]
) -> dict[str, Any]:
    return {
        "name": name,
        "available_hours": available,
        "assignments": [
            {"role": role, "hours": hours, **({"channel": channel} if channel else {})}
            for role, hours, channel in roles
        ],
    }


def write_demo_source(dest: Path = DEMO_DIR) -> None:
    """Generate the demo's source files into ``dest`` (deterministic)."""
    rng = np.random.default_rng(SEED)
    dest.mkdir(parents=True, exist_ok=True)
    files = {
        "instagram_linkedin_daily.parquet": pd.concat(
            # value drawn from its own generator: every other figure stays as it was
            [_long_daily(rng), _value_daily(np.random.default_rng(SEED + 2))],
            ignore_index=True,
        ),
        "forum_events.parquet": _forum_events(rng),
        "forum_tiktok_weekly.parquet": _weekly_wide(rng),
    }
    for name, frame in files.items():
        frame.to_parquet(dest / name, index=False, compression="zstd")
    (dest / "company.json").write_text(json.dumps(_company(), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_demo_source()
    print(f"wrote demo source to {DEMO_DIR}")
