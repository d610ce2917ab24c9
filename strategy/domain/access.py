"""Who may change what: viewers read, editors (the social expert) and admins write, and
executives read everything and decide resource requests, but change nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from strategy.domain.choices import parse_enum
from strategy.domain.errors import PermissionDenied, ValidationError


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
    return parse_enum(AccessRole, raw, "role")


SUBJECT_SEPARATOR: Final = "|"
"""Joins an issuer and a subject into one mapped identity: ``https://idp.example.com|4711``.

An issuer is an https URL, which cannot hold a raw ``|`` (RFC 3986), so the first ``|``
always ends it."""


@dataclass(frozen=True)
class Login:
    """What the identity provider says about whoever signed in: claims of the ID token."""

    issuer: str
    subject: str
    email: str
    email_verified: bool

    @property
    def identity(self) -> str:
        """The provider's own name for the account (``iss|sub``): stable and never reused."""
        return f"{self.issuer}{SUBJECT_SEPARATOR}{self.subject}"


def login_from_claims(claims: Mapping[str, object]) -> Login:
    """The claims the role mapping trusts: ``iss``, ``sub``, ``email`` and ``email_verified``.

    ``email_verified`` counts only when the provider says true (a JSON true, or the string
    "true" that some providers send); missing or anything else is unverified.
    """
    verified = claims.get("email_verified")
    return Login(
        issuer=str(claims.get("iss") or ""),
        subject=str(claims.get("sub") or ""),
        email=str(claims.get("email") or "").strip().lower(),
        email_verified=verified is True or str(verified).strip().lower() == "true",
    )


def actor_for_login(login: Login | None, roles: Mapping[str, str]) -> Actor:
    """The actor for a signed-in account, by the one rule of which claims are trusted.

    The account's ``iss|sub`` mapped to a role gets it; otherwise a verified e-mail address
    mapped to a role gets that; anyone else is a viewer. An unverified address never grants
    a role: anyone can put any address into their profile at many providers.
    """
    if login is None:
        return Actor("anonymous", AccessRole.VIEWER)
    by_subject = roles.get(login.identity) if login.issuer and login.subject else None
    if by_subject:
        return Actor(
            login.email if login.email_verified else login.identity, parse_access_role(by_subject)
        )
    if login.email and login.email_verified:
        role = roles.get(login.email)
        return Actor(login.email, parse_access_role(role) if role else AccessRole.VIEWER)
    name = f"{login.email} (not verified)" if login.email else login.identity or "anonymous"
    return Actor(name, AccessRole.VIEWER)


def why_viewer(login: Login | None, roles: Mapping[str, str]) -> str | None:
    """Why a signed-in account reads as a viewer when its e-mail would not be trusted, or None.

    Said whatever the address is mapped to, so the sentence tells nobody which addresses
    hold roles.
    """
    if login is None or actor_for_login(login, roles).role is not AccessRole.VIEWER:
        return None
    if login.email and not login.email_verified:
        return (
            f"The sign-in provider has not verified the e-mail address {login.email}, so it "
            f"grants no role: you can read, not change. An admin can map this account itself "
            f"({login.identity})."
        )
    if not login.email:
        return (
            "The sign-in provider sent no e-mail address. An admin can map this account "
            f"itself ({login.identity})."
        )
    return None


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


def raised_it(actor: Actor, raised_by: str) -> bool:
    """True when the actor raised (or amended) what is to be decided, and is not the one
    user of a local workspace, who has nobody else to ask."""
    return actor != LOCAL_USER and actor.name.casefold() == raised_by.casefold()


def require_not_raiser(actor: Actor, raised_by: str, what: str) -> None:
    """Refuse a decision by the person who raised (or amended) what is decided, admins
    included: someone else decides. A single-user local workspace has nobody else, so its
    one user may (the decision is then shown as raised and decided by the same person)."""
    if raised_it(actor, raised_by):
        raise PermissionDenied(
            f"{actor.name} raised {what}; the person who raises a request does not decide "
            "it, admins included: another executive decides"
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


def check_identity(raw: object) -> str:
    """A mapped identity: an e-mail address (``check_email``), or ``ISSUER|SUBJECT`` for a
    provider's account as its ID token names it (``iss`` an https or http URL, ``sub`` kept
    exactly, case included); ValidationError otherwise."""
    text_value = raw.strip() if isinstance(raw, str) else ""
    if SUBJECT_SEPARATOR not in text_value:
        return check_email(raw)
    issuer, _, subject = text_value.partition(SUBJECT_SEPARATOR)
    if (
        not issuer.startswith(("https://", "http://"))
        or not subject
        or len(subject) > 255
        or not text_value.isprintable()
        or any(c.isspace() for c in text_value)
    ):
        raise ValidationError(
            "identity: expected an e-mail address, or the issuer and subject of an account "
            f"as ISSUER|SUBJECT (e.g. https://accounts.example.com|4711), got {raw!r}"
        )
    return text_value
