"""Who may change what: viewers read, editors (the social expert) and admins write, and
executives read everything and decide resource requests, but change nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from strategy.errors import PermissionDenied, ValidationError


class AccessRole(StrEnum):
    """What a signed-in person may do in a workspace."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"
    EXECUTIVE = "executive"


@dataclass(frozen=True)
class Actor:
    """The person making a change, as the audit log names them."""

    name: str
    role: AccessRole

    @property
    def can_edit(self) -> bool:
        """Editors and admins may write; viewers only read."""
        return self.role in (AccessRole.EDITOR, AccessRole.ADMIN)

    @property
    def can_decide(self) -> bool:
        """Executives (and admins) approve or decline resource requests."""
        return self.role in (AccessRole.EXECUTIVE, AccessRole.ADMIN)


LOCAL_USER = Actor("local", AccessRole.ADMIN)
"""The single user of a local, login-less app (bound to 127.0.0.1)."""


def parse_access_role(raw: str) -> AccessRole:
    """Read a role name; ValidationError lists the accepted ones."""
    try:
        return AccessRole(str(raw).strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in AccessRole)
        raise ValidationError(f"role: expected one of {allowed}, got {raw!r}") from None


def actor_for_login(email: str | None, roles: Mapping[str, str]) -> Actor:
    """The actor for a signed-in e-mail address: its mapped role, else a viewer."""
    address = (email or "").strip().lower()
    role = roles.get(address)
    return Actor(address or "anonymous", parse_access_role(role) if role else AccessRole.VIEWER)


def _a(role: AccessRole) -> str:
    """The role with its article: ``a viewer``, ``an executive``."""
    return f"{'an' if role.value[0] in 'aeiou' else 'a'} {role.value}"


def executives(roles: Mapping[str, str]) -> list[str]:
    """The addresses mapped to the executive role, in order."""
    return sorted(e for e, r in roles.items() if r == AccessRole.EXECUTIVE.value)


def require_edit(actor: Actor, action: str) -> None:
    """Refuse a write by someone who may only view (an executive only decides requests)."""
    if not actor.can_edit:
        raise PermissionDenied(
            f"{actor.name} is {_a(actor.role)} and may not change the workspace ({action})"
        )


def require_decide(actor: Actor, action: str) -> None:
    """Refuse a decision on a resource request by someone who is not an executive."""
    if not actor.can_decide:
        raise PermissionDenied(
            f"{actor.name} is {_a(actor.role)}; only an executive decides resource "
            f"requests ({action})"
        )


def require_admin(actor: Actor, action: str) -> None:
    """Refuse an administrative change by a non-admin."""
    if actor.role is not AccessRole.ADMIN:
        raise PermissionDenied(f"{actor.name} is not an admin and may not do {action}")


def check_email(raw: object) -> str:
    """An e-mail address as roles are keyed: trimmed, lower case; ValidationError otherwise.

    One @, no spaces or control characters, a local part and a dotted domain.
    """
    address = raw.strip().lower() if isinstance(raw, str) else ""
    local, _, domain = address.partition("@")
    labels = domain.split(".")
    if (
        address.count("@") != 1
        or len(address) > 254
        or not address.isprintable()
        or any(c.isspace() for c in address)
        or not local
        or len(labels) < 2
        or not all(labels)
    ):
        raise ValidationError(f"e-mail: expected an address like ana@example.com, got {raw!r}")
    return address
