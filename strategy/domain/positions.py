"""From hours to positions: the gap as jobs a person could hold, not only hours per role.

The seeds' rules, as read here:

- **A single hire** holds the whole gap when its hours fit one person: one position with
  every role (the social media manager first, when the team has none).
- **Two small roles merge** into one hybrid position when their hours together fit one
  person. The lean pair comes first: strategy plus community (social media manager +
  community manager) in one position, content in the other. A position holds at most two
  roles; a role whose hours exceed one person fills full-time positions, and its remainder
  is merged like any other small role.
- **Under 0.5 FTE** a position is offered as a *part-time hybrid*: hours a colleague could
  take on beside their job, rather than a hire of its own.
- **Seniority:** the first hire (the team holds no role yet) is never a junior, nor is a
  social media manager (not an entry-level job), nor a position bringing a role the team
  does not hold. A position holding only roles the team already holds, or that an earlier
  senior position brings, is a junior: it adds bandwidth.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from strategy.domain.team import ROLE_LABELS, Role

PART_TIME_FTE: Final = 0.5
"""A position under this share of a full-time week is offered as a part-time hybrid."""
MAX_ROLES_MERGED: Final = 2
"""Two small roles merge into one hybrid position; never more (but a single hire)."""
_LEAN_ORDER: Final = (Role.SOCIAL_MEDIA_MANAGER, Role.COMMUNITY_MANAGER)
"""Packed first, so the lean pair (strategy plus community) shares one position."""


class Seniority(StrEnum):
    """A position's seniority: a junior adds bandwidth, a senior owns a role."""

    SENIOR = "senior"
    JUNIOR = "junior"


@dataclass(frozen=True)
class Position:
    """One position a person could hold: its roles, their hours, and its seniority."""

    roles: tuple[Role, ...]
    hours: tuple[float, ...] = field(compare=False)
    """Hours per week of each role, in the order of ``roles`` (as stored: shared equally)."""
    fte: float
    """The position's share of a full-time week, to one decimal."""
    seniority: Seniority

    @property
    def part_time(self) -> bool:
        """Under 0.5 FTE: offered as a part-time hybrid."""
        return self.fte < PART_TIME_FTE

    @property
    def hours_total(self) -> float:
        return sum(self.hours)


def _pack(hours: Mapping[Role, float], fte_hours: float) -> list[list[tuple[Role, float]]]:
    """Roles and their hours packed into positions, lean pair first, two roles at most."""
    order = [r for r in _LEAN_ORDER if r in hours] + [r for r in hours if r not in _LEAN_ORDER]
    if sum(hours.values()) <= fte_hours:
        return [[(r, hours[r]) for r in order]]
    packed: list[list[tuple[Role, float]]] = []
    for role in order:
        left = hours[role]
        while left > fte_hours:
            packed.append([(role, fte_hours)])
            left -= fte_hours
        if left <= 0:
            continue
        room = [
            p
            for p in packed
            if len(p) < MAX_ROLES_MERGED
            and p[0][0] != role
            and sum(h for _, h in p) + left <= fte_hours
        ]
        if room:
            room[0].append((role, left))
        else:
            packed.append([(role, left)])
    return packed


def _seniorities(
    packed: Sequence[Sequence[tuple[Role, float]]], held: Collection[Role]
) -> list[Seniority]:
    """Senior for the first hire, a social media manager, or a role new to the team; else
    junior (the roles are held already: it adds bandwidth)."""
    known = set(held)
    found = []
    for n, position in enumerate(packed):
        roles = {r for r, _ in position}
        senior = (n == 0 and not held) or Role.SOCIAL_MEDIA_MANAGER in roles or not roles <= known
        found.append(Seniority.SENIOR if senior else Seniority.JUNIOR)
        if senior:
            known |= roles
    return found


def positions(
    gap_hours_by_role: Mapping[Role, float],
    fte_hours: float,
    held_roles: Collection[Role] = (),
) -> tuple[Position, ...]:
    """The gap's hours per role as positions (see the module's rules).

    ``held_roles`` are the roles the team holds today; ``fte_hours`` one person's week.
    """
    hours = {r: h for r, h in gap_hours_by_role.items() if h > 0}
    if not hours or fte_hours <= 0:
        return ()
    packed = _pack(hours, fte_hours)
    return tuple(
        Position(
            roles=tuple(r for r, _ in p),
            hours=tuple(h for _, h in p),
            fte=round(sum(h for _, h in p) / fte_hours, 1),
            seniority=seniority,
        )
        for p, seniority in zip(packed, _seniorities(packed, held_roles), strict=True)
    )


def shared_hours(gap_hours: float, roles: Sequence[Role]) -> dict[Role, float]:
    """The gap's hours shared equally by the recommended roles (as the gap's cost did)."""
    if gap_hours <= 0 or not roles:
        return {}
    return {r: gap_hours / len(roles) for r in roles}


# --- in words and as data ----------------------------------------------------------------


def _position_text(p: Position, count: int) -> str:
    roles = "/".join(ROLE_LABELS[r].lower() for r in p.roles)
    junior = "junior " if p.seniority is Seniority.JUNIOR else ""
    if p.fte >= 1.0:
        plural = " positions" if count > 1 else ""
        return f"{count} full-time {junior}{roles}{plural}"
    text = f"{p.fte:.1f} FTE {junior}{roles}" if p.fte > 0 else f"under 0.1 FTE {junior}{roles}"
    return text + (" (part-time hybrid)" if p.part_time else "")


def positions_text(found: Sequence[Position]) -> str:
    """The positions in one phrase, FTE and roles together, e.g. ``1 full-time social media
    manager/community manager + 0.3 FTE content creator (part-time hybrid)``."""
    parts: list[tuple[Position, int]] = []
    for p in found:
        if parts and parts[-1][0] == p and p.fte >= 1.0:
            parts[-1] = (p, parts[-1][1] + 1)
        else:
            parts.append((p, 1))
    return " + ".join(_position_text(p, n) for p, n in parts)


def positions_sentence(found: Sequence[Position]) -> str:
    """The positions as one sentence, FTE and roles together, e.g. ``To close the gap: 1
    full-time social media manager/community manager + 0.3 FTE content creator (part-time
    hybrid).``"""
    if not found:
        return "No position is needed to close the gap."
    juniors = sum(1 for p in found if p.seniority is Seniority.JUNIOR)
    extra = (
        f"; {'the junior adds' if juniors == 1 else 'the juniors add'} bandwidth to roles "
        "already held"
        if juniors
        else ""
    )
    return f"To close the gap: {positions_text(found)}{extra}."


def position_to_dict(p: Position) -> dict[str, Any]:
    """A position as the report's JSON and a request's evidence keep it."""
    return {"roles": [r.value for r in p.roles], "fte": p.fte, "seniority": p.seniority.value}


def position_from_dict(d: Mapping[str, Any], fte_hours: float = 40.0) -> Position:
    """A position as stored, read back (its hours shared equally by its roles)."""
    roles = tuple(Role(r) for r in d["roles"])
    fte = float(d["fte"])
    each = round(fte * fte_hours / len(roles), 1) if roles else 0.0
    return Position(roles, tuple(each for _ in roles), fte, Seniority(d["seniority"]))
