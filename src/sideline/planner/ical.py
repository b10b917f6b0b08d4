"""iCalendar (RFC 5545) export of a plan, with the `icalendar` package.

Each meeting is one VEVENT whose UID is derived from the instance id and the request id
only, so importing a re-planned calendar updates the meetings it moved instead of
adding copies. Start and end carry the session's IANA time zone (TZID, with a VTIMEZONE
per zone used); sessions in UTC, and DTSTAMP, are written in UTC (``Z``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar

from sideline.planner.instance import Instance
from sideline.planner.schema import Meeting, Plan

__all__ = ["export_ical", "meeting_uid", "meeting_window"]


def meeting_uid(instance: Instance, meeting: Meeting) -> str:
    """Return the stable UID of a meeting: same instance and request, same UID."""
    return f"{instance.id}.{meeting.request}@sideline.planner"


def meeting_window(instance: Instance, meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """Return the meeting's start and end, aware, in its session's time zone.

    Slot ``k`` starts ``day_start + k * slot_minutes`` local time (rules).
    """
    rules = instance.rules
    zone = zoneinfo.ZoneInfo(instance.venue(meeting.session).timezone)
    start = dt.datetime.combine(meeting.date, rules.day_start, tzinfo=zone)
    start += dt.timedelta(minutes=meeting.slot * rules.slot_minutes)
    return start, start + dt.timedelta(minutes=meeting.slots * rules.slot_minutes)


def export_ical(
    plan: Plan,
    instance: Instance,
    *,
    organization: str | None = None,
    stamp: dt.datetime | None = None,
    sequence: int = 0,
) -> bytes:
    """Return the plan as an iCalendar file, for everyone or for one organization.

    Args:
        plan: the plan to export.
        instance: the instance it was made for (venues, times).
        organization: keep only this organization's meetings when given.
        stamp: DTSTAMP of every event (UTC); fixed by callers for reproducible files.
        sequence: SEQUENCE of every event; raise it when publishing a re-plan.

    Example:
        >>> from sideline.planner.instance import parse_instance
        >>> inst = parse_instance({"schema": "sideline.plan-instance/1", "id": "y",
        ...     "organizations": ["a", "b"], "sessions": [], "requests": []})
        >>> plan = Plan(meetings=(), unplaced=(), objective=0, bound=0, status="optimal")
        >>> export_ical(plan, inst).startswith(b"BEGIN:VCALENDAR")
        True
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Sideline//planner//EN")
    calendar.add("version", "2.0")
    name = f"Sideline {instance.id}" + (f" — {organization}" if organization else "")
    calendar.add("x-wr-calname", name)
    when = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    for meeting in plan.meetings:
        if organization is not None and organization not in meeting.organizations:
            continue
        venue = instance.venue(meeting.session)
        start, end = meeting_window(instance, meeting)
        if venue.timezone == "UTC":
            start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        event = icalendar.Event()
        event.add("uid", meeting_uid(instance, meeting))
        event.add("dtstamp", when)
        event.add("sequence", sequence)
        event.add("dtstart", start)
        event.add("dtend", end)
        topic = meeting.topic or meeting.request
        event.add("summary", f"{' – '.join(meeting.organizations)}: {topic}")
        place = ", ".join(p for p in (venue.forum or venue.id, venue.city, venue.country) if p)
        event.add("location", f"{place}, room {meeting.room + 1}")
        chairs = ", ".join(meeting.co_chairs)
        event.add("description", f"Request {meeting.request}. Co-chairs: {chairs or 'none'}.")
        event.add("categories", list(meeting.organizations))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
