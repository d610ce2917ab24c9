"""Who may change what: viewers read, editors and admins write."""

from __future__ import annotations

import pytest

from strategy.access import LOCAL_USER, AccessRole, actor_for_login, parse_access_role
from strategy.errors import PermissionDenied, ValidationError
from strategy.storage import Workspace
from tests.conftest import EDITOR, VIEWER


def test_a_signed_in_address_gets_its_mapped_role_and_strangers_only_view() -> None:
    roles = {"maya@example.com": "editor", "boss@example.com": "admin"}
    assert actor_for_login(" Maya@Example.com ", roles).role is AccessRole.EDITOR
    assert actor_for_login("stranger@example.com", roles).role is AccessRole.VIEWER
    assert actor_for_login(None, roles).role is AccessRole.VIEWER


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
