"""What an events file holds and what its rows count as: its columns, which event kinds
count for something particular (``KIND_GROUPS``), and each weekly count (``EVENT_COUNTS``)."""

from __future__ import annotations

from typing import Final

EVENT_COLUMNS: Final[tuple[str, ...]] = ("ts", "platform", "member_id", "kind", "by_brand")


KIND_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "thread": ("post", "question", "thread"),
    "inbound": ("message", "mention"),
}
"""The ``kind`` values (lower-cased, trimmed of spaces) that count for something particular:
a row of a ``thread`` kind starts a thread (the brand's is a brand post, a member's a
member-initiated thread), a member's row of an ``inbound`` kind is a message to the brand.
Any other kind (like, comment, reply, answer, ...) is an interaction of no particular group."""


EVENT_COUNTS: Final[dict[str, tuple[str, str]]] = {
    "brand_posts": ("brand", "thread"),
    "brand_replies": ("brand", "other than thread"),
    "member_interactions": ("member", "any"),
    "inbound_messages": ("member", "inbound"),
    "member_initiated_threads": ("member", "thread"),
    "threads": ("anyone", "thread"),
}
"""Each weekly count of rows: metric -> (whose rows: ``brand``, ``member`` or ``anyone``;
which kinds: ``any``, a group of ``KIND_GROUPS``, or ``other than`` one). The one place
kinds map to metrics: the derivation's SQL is built from it."""


EVENT_METRICS: Final[tuple[str, ...]] = (
    *EVENT_COUNTS,
    "active_members",
    "returning_members",
    "new_members",
    "community_members",
)
"""The weekly metrics an events file yields, in output order."""
