"""What changed between two published calendars: the diff, the changelog and the digest.

Pure: positions are plain mappings (``session``, ``date``, ``slot``, ``room``, ``start``,
``end``) keyed by request identifier; the publication service reads them from rows.

Example:
    >>> old = {"a": {"session": "unga-68", "date": "2013-09-25", "slot": 0, "room": 0}}
    >>> new = {"a": {"session": "unga-68", "date": "2013-09-26", "slot": 0, "room": 1},
    ...        "b": {"session": "unga-68", "date": "2013-09-25", "slot": 1, "room": 0}}
    >>> changes = diff_positions(old, new)
    >>> [(c.kind, c.key) for c in changes]
    [('moved', 'a'), ('added', 'b')]
    >>> print(changelog(changes, previous_version=1, meetings=2))
    Changes since version 1: 2.
    ~ a: unga-68 2013-09-25 slot 0 room 1 → unga-68 2013-09-26 slot 0 room 2
    + b: unga-68 2013-09-25 slot 1 room 1
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ADDED",
    "MOVED",
    "REMOVED",
    "PositionChange",
    "calendar_digest",
    "changelog",
    "diff_positions",
]

# The kinds, as stored (`models.ChangeKind` holds the same values with their labels).
ADDED, MOVED, REMOVED = "added", "moved", "removed"

Position = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PositionChange:
    """A request whose meeting was added, moved or removed; positions as given."""

    kind: str
    key: str
    before: Position | None
    after: Position | None


def diff_positions(
    before: Mapping[str, Position], after: Mapping[str, Position]
) -> list[PositionChange]:
    """Return the meetings added, moved or removed from `before` to `after`, by key."""
    changes = []
    for key in sorted(set(before) | set(after)):
        was, now = before.get(key), after.get(key)
        if was is None and now is not None:
            changes.append(PositionChange(ADDED, key, None, now))
        elif now is None and was is not None:
            changes.append(PositionChange(REMOVED, key, was, None))
        elif was is not None and now is not None and dict(was) != dict(now):
            changes.append(PositionChange(MOVED, key, was, now))
    return changes


def _describe(position: Position) -> str:
    return (
        f"{position['session']} {position['date']} slot {position['slot']} "
        f"room {position['room'] + 1}"
    )


def changelog(
    changes: Sequence[PositionChange], *, previous_version: int | None, meetings: int
) -> str:
    """Return the publication's changelog: a head line, then one line a change."""
    if previous_version is None:
        head = f"First publication: {meetings} meetings."
    else:
        head = f"Changes since version {previous_version}: {len(changes)}."
    lines = [head]
    for change in changes:
        if change.kind == ADDED and change.after is not None:
            lines.append(f"+ {change.key}: {_describe(change.after)}")
        elif change.kind == REMOVED and change.before is not None:
            lines.append(f"- {change.key}: removed (was {_describe(change.before)})")
        elif change.before is not None and change.after is not None:
            lines.append(f"~ {change.key}: {_describe(change.before)} → {_describe(change.after)}")
    return "\n".join(lines)


def calendar_digest(*, year: int, version: int, meetings: Sequence[Mapping[str, Any]]) -> str:
    """Return the SHA-256 of a calendar in canonical JSON (what a publication signs).

    Example:
        >>> calendar_digest(year=2013, version=1, meetings=[])[:16]
        'b91dda857bb2a445'
    """
    canonical = json.dumps(
        {"year": year, "version": version, "meetings": list(meetings)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
