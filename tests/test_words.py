"""The pages' words: metrics, roles and channels as words, one date format, plurals that
agree, and audit rows as sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from strategy.domain.snapshot import AuditEntry
from strategy.domain.team import Role
from strategy.views.words import (
    audit_sentence,
    channel_words,
    day_text,
    metric_words,
    moment_text,
    plural,
    role_words,
    said,
)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("returning_share", "returning share"),
        ("followers", "followers"),
        ("response_minutes_median", "median response minutes"),
        ("member_initiated_share", "member-initiated share"),
    ],
)
def test_a_metric_is_named_in_words(name: str, words: str) -> None:
    assert metric_words(name) == words


@pytest.mark.parametrize(
    ("name", "words"),
    [("direct_marketing", "direct marketing"), ("ecommerce", "ecommerce"), ("retail", "retail")],
)
def test_a_channel_is_named_in_words(name: str, words: str) -> None:
    assert channel_words(name) == words


@pytest.mark.parametrize(
    ("role", "words"),
    [
        (Role.SOCIAL_EXPERT, "social-media expert"),
        (Role.IT, "IT"),
        (Role.SUPPORT, "customer support"),
    ],
)
def test_a_role_is_named_in_words(role: Role, words: str) -> None:
    assert role_words(role) == words


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        ("2026-12-01T07:53:53+00:00", "01 Dec 2026 07:53"),
        ("2026-12-01T08:53:53+01:00", "01 Dec 2026 07:53"),
        (dt.datetime(2026, 11, 9, 7, 5, tzinfo=dt.UTC), "09 Nov 2026 07:05"),
    ],
)
def test_a_moment_reads_as_day_and_utc_time(moment: str | dt.datetime, text: str) -> None:
    assert moment_text(moment) == text


def test_a_day_reads_as_day_month_year() -> None:
    assert day_text(dt.date(2026, 11, 9)) == "09 Nov 2026"


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [
        (1, "platform", "1 platform"),
        (2, "platform", "2 platforms"),
        (0, "week", "0 weeks"),
        (1, "week", "1 week"),
        (3, "transition", "3 transitions"),
        (2, "person", "2 people"),
        (1_200, "row", "1,200 rows"),
    ],
)
def test_a_count_agrees_with_its_noun(count: int, noun: str, text: str) -> None:
    assert plural(count, noun) == text


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("not met: active_members 35 (needs ≥ 50)", "not met: active members 35 (needs ≥ 50)"),
        ("imported instagram_week.csv", "imported instagram_week.csv"),
        ("week of 2026-11-09", "week of 09 Nov 2026"),
        ("response_minutes_median 75", "median response minutes 75"),
        ("data/forum_tiktok_weekly.parquet", "data/forum_tiktok_weekly.parquet"),
    ],
)
def test_a_cli_sentence_reads_in_words_on_a_page(sentence: str, words: str) -> None:
    assert said(sentence) == words


@pytest.mark.parametrize(
    ("action", "detail", "sentence"),
    [
        (
            "upload.import",
            "instagram_week.csv (95c22f794a88)",
            "Maya imported instagram_week.csv (95c22f794a88)",
        ),
        (
            "team.replace",
            "8 people: added Omar Haddad",
            "Maya saved the roster: added Omar Haddad (8 people)",
        ),
        (
            "checklist.set",
            "forum: tools_chosen = 2025-12-07",
            "Maya changed the setup checklist: forum: tools chosen done on 07 Dec 2025",
        ),
        (
            "checklist.set",
            "forum: tools_chosen = None; tiktok: all = 2026-09-21",
            "Maya changed the setup checklist: forum: tools chosen not done; tiktok: all done on "
            "21 Sep 2026",
        ),
        (
            "company.set",
            '{"name": "Northwind Outdoor", "employees": 180, "currency": "EUR"}',
            "Maya saved the company: Northwind Outdoor, 180 employees",
        ),
        ("team.replace", "1 people: removed Tom", "Maya saved the roster: removed Tom (1 person)"),
        ("test.log", "#1 new: Questions", "Maya logged a test: #1 new: Questions"),
        (
            "rates.set",
            "Maya Okafor: 45.0 -> None",
            "Maya set an hourly rate: Maya Okafor: 45.0 -> blank",
        ),
    ],
)
def test_an_audit_row_reads_as_a_sentence(action: str, detail: str, sentence: str) -> None:
    entry = AuditEntry(1, "2026-12-01T07:53:53+00:00", "Maya", action, detail)
    assert audit_sentence(entry) == sentence
