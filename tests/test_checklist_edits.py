"""Checklist edits: what a ticked checklist form writes, and starting a new platform's list."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from strategy.domain.errors import ValidationError
from strategy.domain.gates import CHECKLIST_ITEMS, ChecklistItem
from strategy.views.checklist_edits import checklist_changes, new_platform, platform_checklists

TODAY = dt.date(2026, 11, 23)
DONE = dt.date(2026, 9, 14)


def test_every_platform_lists_every_item_with_open_ones_empty() -> None:
    items = [
        ChecklistItem("tiktok", "tools_chosen", DONE),
        ChecklistItem("forum", "tools_chosen", None),
    ]
    lists = platform_checklists(items, ["instagram", "tiktok"])
    assert list(lists) == ["forum", "instagram", "tiktok"]
    assert list(lists["tiktok"]) == list(CHECKLIST_ITEMS)
    assert lists["tiktok"]["tools_chosen"] == DONE
    assert lists["tiktok"]["platforms_optimised"] is None
    assert set(lists["instagram"].values()) == {None}


def test_ticking_writes_only_what_changed_and_a_tick_without_date_means_today() -> None:
    stored = {"platforms_optimised": DONE, "tools_chosen": DONE}
    form = {
        "platforms_optimised": (True, DONE),
        "tools_chosen": (True, DONE),
        "key_metrics_defined": (True, dt.date(2026, 11, 2)),
        "launch_content_created": (True, None),
    }
    assert checklist_changes(stored, form, TODAY) == [
        ("key_metrics_defined", dt.date(2026, 11, 2)),
        ("launch_content_created", TODAY),
    ]


def test_unticking_clears_whatever_date_shows_and_a_new_date_moves_the_item() -> None:
    stored = {"platforms_optimised": DONE, "tools_chosen": DONE}
    form = {
        "platforms_optimised": (False, DONE),
        "tools_chosen": (True, dt.date(2026, 9, 1)),
        "key_metrics_defined": (False, dt.date(2026, 11, 2)),
    }
    assert checklist_changes(stored, form, TODAY) == [
        ("platforms_optimised", None),
        ("tools_chosen", dt.date(2026, 9, 1)),
    ]


def test_an_unchanged_form_writes_nothing() -> None:
    stored = {item: DONE for item in CHECKLIST_ITEMS}
    assert checklist_changes(stored, {i: (True, DONE) for i in CHECKLIST_ITEMS}, TODAY) == []


def test_a_new_platform_is_normalised_and_must_be_new_and_named() -> None:
    assert new_platform("  You Tube ", ["instagram"]) == "you_tube"
    with pytest.raises(ValidationError, match="platform: expected a platform name"):
        new_platform("   ", ["instagram"])
    with pytest.raises(ValidationError, match="instagram is already listed"):
        new_platform("Instagram", ["instagram", "tiktok"])


@pytest.mark.parametrize("raw", [pd.NA, 3, ["youtube"], b"youtube"])
def test_a_new_platform_that_is_not_text_is_refused_in_words(raw: object) -> None:
    with pytest.raises(ValidationError, match="platform: expected a platform name, got"):
        new_platform(raw, ["instagram"])  # type: ignore[arg-type]


def test_a_new_platform_follows_the_platform_name_rule() -> None:
    with pytest.raises(ValidationError, match="is 101 characters long"):
        new_platform("p" * 101, ["instagram"])
    with pytest.raises(ValidationError, match="invisible character U\\+200B"):
        new_platform("you\u200btube", ["instagram"])
