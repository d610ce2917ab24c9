"""Who may change what: viewers read, editors and admins write."""

from __future__ import annotations

import re

import pytest

from strategy.domain.access import (
    LOCAL_USER,
    AccessRole,
    actor_for_login,
    login_from_claims,
    parse_access_role,
    why_viewer,
)
from strategy.domain.errors import PermissionDenied, ValidationError
from strategy.usecases import Workspace
from tests.conftest import EDITOR, VIEWER

ISSUER = "https://accounts.example.com"
ROLES = {
    "maya@example.com": "editor",
    "boss@example.com": "admin",
    f"{ISSUER}|4711": "executive",
}


def claims(sub: str = "abc", **more: object) -> dict[str, object]:
    return {"iss": ISSUER, "sub": sub, **more}


@pytest.mark.parametrize(
    ("token", "name", "role"),
    [
        (claims(email=" Maya@Example.com ", email_verified=True), "maya@example.com", "editor"),
        (claims(email="maya@example.com", email_verified="true"), "maya@example.com", "editor"),
        (
            claims(email="stranger@example.com", email_verified=True),
            "stranger@example.com",
            "viewer",
        ),
        (
            claims(email="maya@example.com", email_verified=False),
            "maya@example.com (not verified)",
            "viewer",
        ),
        (claims(email="maya@example.com"), "maya@example.com (not verified)", "viewer"),
        (
            claims(email="maya@example.com", email_verified="yes"),
            "maya@example.com (not verified)",
            "viewer",
        ),
        (claims(sub="4711"), f"{ISSUER}|4711", "executive"),
        (
            claims(sub="4711", email="boss@example.com", email_verified=False),
            f"{ISSUER}|4711",
            "executive",
        ),
        (
            claims(sub="4711", email="ceo@example.com", email_verified=True),
            "ceo@example.com",
            "executive",
        ),
        (
            {"iss": "https://elsewhere.example", "sub": "4711"},
            "https://elsewhere.example|4711",
            "viewer",
        ),
    ],
)
def test_a_role_comes_from_the_account_or_a_verified_address_never_an_unverified_one(
    token: dict[str, object], name: str, role: str
) -> None:
    actor = actor_for_login(login_from_claims(token), ROLES)
    assert (actor.name, actor.role.value) == (name, role)


def test_someone_not_signed_in_only_views() -> None:
    assert actor_for_login(None, ROLES).role is AccessRole.VIEWER


@pytest.mark.parametrize(
    ("token", "says"),
    [
        (
            claims(email="maya@example.com", email_verified=False),
            "has not verified the e-mail address maya@example.com",
        ),
        (
            claims(email="nobody@example.com"),
            "has not verified the e-mail address nobody@example.com",
        ),
        (claims(sub="no-mail"), "sent no e-mail address"),
    ],
)
def test_a_viewer_by_an_untrusted_address_is_told_why_and_how_to_be_mapped(
    token: dict[str, object], says: str
) -> None:
    reason = why_viewer(login_from_claims(token), ROLES)
    assert reason is not None and says in reason
    assert f"{ISSUER}|{token['sub']}" in reason


@pytest.mark.parametrize(
    "token",
    [
        claims(email="maya@example.com", email_verified=True),
        claims(email="stranger@example.com", email_verified=True),
        claims(sub="4711"),
    ],
)
def test_nobody_trusted_or_mapped_by_account_is_told_anything(token: dict[str, object]) -> None:
    assert why_viewer(login_from_claims(token), ROLES) is None


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Maya@Example.com", "maya@example.com"),
        (f"{ISSUER}|AbC-4711", f"{ISSUER}|AbC-4711"),
    ],
)
def test_an_admin_maps_an_address_or_an_account_by_issuer_and_subject(
    empty_ws: Workspace, given: str, stored: str
) -> None:
    assert empty_ws.set_user_role(LOCAL_USER, given, "editor") == stored
    assert empty_ws.user_roles() == {stored: "editor"}


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("not-an-address", "expected an address like ana@example.com"),
        ("accounts.example.com|4711", "expected an e-mail address, or the issuer and subject"),
        (f"{ISSUER}|", "ISSUER|SUBJECT"),
        (f"{ISSUER}|a b", "ISSUER|SUBJECT"),
    ],
)
def test_an_identity_that_is_neither_an_address_nor_an_account_is_refused(
    empty_ws: Workspace, given: str, says: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(says)):
        empty_ws.set_user_role(LOCAL_USER, given, "editor")
    assert empty_ws.user_roles() == {}


def test_role_names_are_checked() -> None:
    assert parse_access_role(" Admin ") is AccessRole.ADMIN
    with pytest.raises(ValidationError, match="viewer, editor, admin"):
        parse_access_role("owner")


def test_only_admins_map_users_to_roles(empty_ws: Workspace) -> None:
    empty_ws.set_user_role(LOCAL_USER, "Maya@example.com", "editor")
    assert empty_ws.user_roles() == {"maya@example.com": "editor"}
    with pytest.raises(PermissionDenied, match="not an admin"):
        empty_ws.set_user_role(EDITOR, "eve@example.com", "admin")
    with pytest.raises(PermissionDenied):
        empty_ws.set_user_role(VIEWER, "eve@example.com", "viewer")
    empty_ws.set_user_role(LOCAL_USER, "maya@example.com", None)
    assert empty_ws.user_roles() == {}
