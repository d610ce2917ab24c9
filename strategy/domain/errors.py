"""The one family of errors a user can cause; each message is meant for a person."""

from __future__ import annotations


class RolloutError(Exception):
    """Base of every error a user can cause (bad input, missing thing, no permission)."""


class ValidationError(RolloutError):
    """A form field or argument does not have the expected form; nothing was stored."""


class ImportRejected(RolloutError):
    """An uploaded metrics file was refused; the message names the file and the problem."""


class NotFound(RolloutError):
    """The thing asked for (member, upload, test, platform) does not exist."""


class PermissionDenied(RolloutError):
    """The acting user's role may not make this change."""


class Conflict(RolloutError):
    """Someone else changed what is being saved since it was read; nothing was stored."""


def given(raw: object) -> str:
    """How a value a person gave shows in a message: ``nothing``, ``'text'`` or ``12``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "nothing"
    return repr(raw) if isinstance(raw, str) else str(raw)


def shortened(text: str, limit: int = 40) -> str:
    """Text cut to ``limit`` characters (and an ellipsis) for a message or a log line."""
    return text if len(text) <= limit else text[:limit] + "…"
