"""Instants as ops carry them, and deadlines people set in a named time zone.

An op carries an instant as UTC to the second in one fixed form
(``2013-10-01T16:00:00Z``, see ``federation/kinds.INSTANT``), so that every node
compares deadlines without its tz database; the zone a person chose is kept beside it
for display.

>>> from datetime import datetime, UTC
>>> instant(datetime(2013, 10, 1, 16, 0, 0, 900_000, tzinfo=UTC))
'2013-10-01T16:00:00Z'
>>> local_deadline("2013-10-01T18:00", "Europe/Vienna")
datetime.datetime(2013, 10, 1, 16, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sideline.meetings.errors import MeetingError

__all__ = ["instant", "local_deadline", "parse_instant"]

_FORM = "%Y-%m-%dT%H:%M:%SZ"


def instant(moment: datetime) -> str:
    """``moment`` as an op's instant: UTC, to the second (fractions dropped)."""
    return moment.astimezone(UTC).strftime(_FORM)


def parse_instant(text: str) -> datetime:
    return datetime.strptime(text, _FORM).replace(tzinfo=UTC)


def local_deadline(text: str, zone_name: str, *, field: str = "deadline") -> datetime:
    """A wall-clock deadline (``2013-10-01T18:00``) in the IANA zone ``zone_name``, in UTC.

    Refused: no deadline, no zone, an offset instead of a zone, a zone that does not
    exist, a time the zone skips (a clock change) or repeats.
    """
    text, zone_name = text.strip(), zone_name.strip()
    if not text:
        raise MeetingError(
            "deadline_required", f"{field}: a silence procedure needs a deadline", field=field
        )
    if not zone_name:
        raise MeetingError(
            "timezone_required",
            f"{field}_timezone: say in which time zone {text} is, such as Europe/Vienna",
            field=f"{field}_timezone",
        )
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MeetingError(
            "unknown_timezone",
            f"{field}_timezone: {zone_name!r} is not an IANA time zone such as Europe/Vienna",
            field=f"{field}_timezone",
        ) from None
    try:
        wall = datetime.fromisoformat(text)
    except ValueError:
        raise MeetingError(
            "bad_deadline",
            f"{field}: {text!r} is not a date and time such as 2013-10-01T18:00",
            field=field,
        ) from None
    if wall.tzinfo is not None:
        raise MeetingError(
            "timezone_required",
            f"{field}: give the wall-clock time and name its time zone, not an offset ({text})",
            field=field,
        )
    wall = wall.replace(second=0, microsecond=0)
    early, late = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if (
        early.utcoffset() != late.utcoffset()
        or early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall
    ):
        raise MeetingError(
            "bad_deadline",
            f"{field}: {text} does not occur exactly once in {zone_name} (the clocks change); "
            "choose another time",
            field=field,
        )
    return early.astimezone(UTC)
