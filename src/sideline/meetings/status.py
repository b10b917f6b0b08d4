"""Commitment status from the due date, in the commitment's own time zone. No Django.

A due date ends at 23:59:59 in the commitment's time zone (the meeting's, unless the
owner chose another): a commitment due on 1 March in Asia/Almaty is overdue from
00:00 on 2 March Almaty time, which is 18:00 UTC on 1 March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["AT_RISK_DAYS", "commitment_status", "deadline"]

# Unfinished work this close to its deadline is at risk.
AT_RISK_DAYS = 7


def deadline(due: date, zone: str) -> datetime:
    """Return the first instant after the due date in ``zone`` (aware).

    >>> deadline(date(2013, 3, 1), "Asia/Almaty").isoformat()
    '2013-03-02T00:00:00+06:00'
    """
    if due >= date.max:  # the database refuses such dates; an old row must not break pages
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(due + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))


def commitment_status(
    *,
    closed_as: str,
    due: date,
    zone: str,
    progress: int,
    reported: bool,
    now: datetime,
) -> str:
    """Return open, on_track, at_risk, overdue, done or dropped.

    Args:
        closed_as: ``"done"``, ``"dropped"`` or ``""`` while open.
        due: the due date; it ends at 23:59:59 in ``zone``.
        zone: an IANA time zone name.
        progress: 0–100, rolled up from sub-items where there are any.
        reported: whether the owner has reported progress at least once.
        now: an aware instant.

    >>> from datetime import timezone
    >>> commitment_status(closed_as="", due=date(2013, 3, 1), zone="UTC", progress=0,
    ...                   reported=False, now=datetime(2013, 3, 2, tzinfo=timezone.utc))
    'overdue'
    """
    if closed_as:
        return closed_as
    end = deadline(due, zone)
    if now >= end:
        return "overdue"
    if progress < 100 and end - now <= timedelta(days=AT_RISK_DAYS):
        return "at_risk"
    return "on_track" if reported else "open"
