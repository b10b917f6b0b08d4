"""iCalendar (RFC 5545) export of a plan, with the `icalendar` package.

Each meeting is one VEVENT whose UID is derived from the instance id and the request id
only, so importing a re-planned calendar updates the meetings it moved instead of
adding copies. Start and end carry the session's IANA time zone (TZID, with a VTIMEZONE
per zone used); sessions in UTC, and DTSTAMP, are written in UTC (``Z``).

Three choices keep the file readable by every common client, not only by strict parsers:

* **One date per RDATE line.** RFC 5545 allows a comma-separated list, but Mozilla's
  ical.js (Thunderbird, many web calendars) reads only the first date of such a line and
  then shows events an hour off.
* **Zones that cover 1970–2037 at least** (and the events' years, one either side).
  vobject (Radicale) keeps the first VTIMEZONE it reads for a TZID for the rest of the
  process: a zone cut to one feed's years made a later feed's events of other years an
  hour off there.
* **Never an empty calendar.** RFC 5545 §3.6 requires at least one component; a feed
  with no meeting carries one VTIMEZONE (UTC), which clients show as an empty calendar.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import icalendar

from sideline.planner.instance import Instance
from sideline.planner.schema import Meeting, Plan
from sideline.validators import printable

# The years every VTIMEZONE covers whatever the events' dates (icalendar's own default).
ZONE_YEARS = (1970, 2038)

__all__ = [
    "CalendarNames",
    "CalendarWords",
    "add_timezones",
    "export_ical",
    "meeting_uid",
    "meeting_window",
]


@dataclass(frozen=True)
class CalendarWords:
    """The calendar's own words, as ``%(name)s`` templates; English unless given.

    The core knows no language: ``planner.texts.calendar_words`` gives them in the
    feed's (the reader's ``?lang=`` or saved language).
    """

    summit: str = "Special summit %(summit)s"
    place: str = "%(city)s, %(country)s"
    location: str = "%(city)s — %(where)s, room %(room)s"
    description: str = "Request %(request)s. Co-chairs: %(chairs)s."
    no_chairs: str = "none"
    # Joins the co-chairs' names as the language joins a list.
    join: Callable[[Sequence[str]], str] = ", ".join


@dataclass(frozen=True)
class CalendarNames:
    """Readable names for the identifiers a plan uses; an unknown id is shown as it is.

    Attributes:
        organizations: organization slug → abbreviation (``"nato"`` → ``"NATO"``).
        forums: forum slug → name.
        topics: topic (a function slug, or free text) → name.
        countries: country code → name.
        cities: a venue's city (its English name) → its name in the feed's language.
        words: the calendar's own words in the feed's language.
    """

    organizations: Mapping[str, str] = field(default_factory=dict)
    forums: Mapping[str, str] = field(default_factory=dict)
    topics: Mapping[str, str] = field(default_factory=dict)
    countries: Mapping[str, str] = field(default_factory=dict)
    cities: Mapping[str, str] = field(default_factory=dict)
    words: CalendarWords = field(default_factory=CalendarWords)

    def organization(self, slug: str) -> str:
        return self.organizations.get(slug, slug)

    def forum(self, slug: str) -> str:
        return self.forums.get(slug, slug)

    def topic(self, topic: str) -> str:
        return self.topics.get(topic, topic)

    def country(self, code: str) -> str:
        return self.countries.get(code, code)

    def city(self, name: str) -> str:
        return self.cities.get(name, name)


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


def _utc_timezone() -> icalendar.Timezone:
    zone = icalendar.Timezone()
    zone.add("tzid", "UTC")
    standard = icalendar.TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(0))
    standard.add("tzoffsetto", dt.timedelta(0))
    standard.add("tzname", "UTC")
    zone.add_component(standard)
    return zone


def _one_rdate_per_line(zone: icalendar.Timezone) -> None:
    for observance in zone.subcomponents:
        value = observance.pop("RDATE", None)
        if value is None:
            continue
        lists = value if isinstance(value, list) else [value]
        for rdates in lists:
            for rdate in rdates.dts:
                observance.add("rdate", rdate.dt)


def add_timezones(calendar: icalendar.Calendar) -> None:
    """Add a VTIMEZONE for every zone the events use, one RDATE a line; UTC if none.

    The zones cover 1970–2037 and the events' years (one year either side).

    Example:
        >>> calendar = icalendar.Calendar()
        >>> add_timezones(calendar)
        >>> [c.name for c in calendar.subcomponents], str(calendar.subcomponents[0]["TZID"])
        (['VTIMEZONE'], 'UTC')
    """
    moments = [
        value.dt
        for event in calendar.walk("VEVENT")
        for key in ("DTSTART", "DTEND")
        if (value := event.get(key)) is not None
    ]
    days = [m.date() if isinstance(m, dt.datetime) else m for m in moments]
    if days:
        calendar.add_missing_timezones(
            first_date=dt.date(max(min(min(days).year - 1, ZONE_YEARS[0]), 1), 1, 1),
            last_date=dt.date(min(max(max(days).year + 2, ZONE_YEARS[1]), 9999), 1, 1),
        )
    zones = [c for c in calendar.subcomponents if isinstance(c, icalendar.Timezone)]
    for zone in zones:
        _one_rdate_per_line(zone)
    if not calendar.subcomponents:
        calendar.add_component(_utc_timezone())


def export_ical(
    plan: Plan,
    instance: Instance,
    *,
    organization: str | None = None,
    stamp: dt.datetime | None = None,
    sequence: int = 0,
    names: CalendarNames | None = None,
) -> bytes:
    """Return the plan as an iCalendar file, for everyone or for one organization.

    Args:
        plan: the plan to export.
        instance: the instance it was made for (venues, times).
        organization: keep only this organization's meetings when given.
        stamp: DTSTAMP of every event (UTC); fixed by callers for reproducible files.
        sequence: SEQUENCE of every event; raise it when publishing a re-plan.
        names: readable names for organizations, forums, topics and countries.

    Example:
        >>> from sideline.planner.instance import parse_instance
        >>> inst = parse_instance({"schema": "sideline.plan-instance/1", "id": "y",
        ...     "organizations": ["a", "b"], "sessions": [], "requests": []})
        >>> plan = Plan(meetings=(), unplaced=(), objective=0, bound=0, status="optimal")
        >>> text = export_ical(plan, inst).decode()
        >>> text.startswith("BEGIN:VCALENDAR"), "BEGIN:VTIMEZONE" in text
        (True, True)
    """
    names = names or CalendarNames()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Sideline//planner//EN")
    calendar.add("version", "2.0")
    title = f"Sideline {instance.id}"
    if organization:
        title += f" — {names.organization(organization)}"
    calendar.add("x-wr-calname", printable(title))
    when = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    for meeting in plan.meetings:
        if organization is not None and organization not in meeting.organizations:
            continue
        calendar.add_component(
            _event(meeting, instance, names=names, stamp=when, sequence=sequence)
        )
    add_timezones(calendar)
    return bytes(calendar.to_ical())


def _event(
    meeting: Meeting,
    instance: Instance,
    *,
    names: CalendarNames,
    stamp: dt.datetime,
    sequence: int,
) -> icalendar.Event:
    venue = instance.venue(meeting.session)
    start, end = meeting_window(instance, meeting)
    if venue.timezone == "UTC":
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    event = icalendar.Event()
    event.add("uid", meeting_uid(instance, meeting))
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", start)
    event.add("dtend", end)
    organizations = [names.organization(o) for o in meeting.organizations]
    topic = names.topic(meeting.topic) if meeting.topic else meeting.request
    # Names and topics are stored text: printable() keeps a stray control character from
    # making the file unreadable to calendar programs.
    event.add("summary", printable(f"{' – '.join(organizations)}: {topic}"))
    words = names.words
    town, country = names.city(venue.city), names.country(venue.country)
    city = words.place % {"city": town, "country": country} if town and country else town or country
    where = (
        words.summit % {"summit": venue.id}
        if venue.is_summit
        else names.forum(venue.forum or venue.id)
    )
    place = {"city": city, "where": where, "room": meeting.room + 1}
    event.add("location", printable(words.location % place))
    chairs = words.join([names.organization(o) for o in meeting.co_chairs]) or words.no_chairs
    description = words.description % {"request": meeting.request, "chairs": chairs}
    event.add("description", printable(description))
    event.add("categories", [printable(name) for name in organizations])
    return event
