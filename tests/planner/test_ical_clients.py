"""Every calendar Sideline serves reads the same in other people's parsers.

icalendar, vobject, khal and Mozilla's ical.js (see tests/calendar_clients.py) must agree
on every event's start and end; each feed has at least one component (RFC 5545 §3.6) and
names instead of slugs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from django.test import Client

from sideline.planner import schema
from sideline.planner.ical import export_ical, meeting_uid, meeting_window
from sideline.planner.instance import parse_instance
from sideline.planner.models import Plan
from sideline.planner.services import publish_plan
from sideline.registry.models import Organization
from tests.calendar_clients import icalendar_times, times_everywhere, vobject_times
from tests.planner.factory import instance, request, session

# Days either side of a change of UTC offset: daylight saving north and south, one at
# midnight (São Paulo 2018), zones that left it or moved for good (Moscow 2014, Almaty
# 2024), a quarter-hour offset and UTC itself.
CHANGES = {
    "America/New_York": ["2024-03-09", "2024-03-11", "2024-11-02", "2024-11-04"],
    "Europe/Vienna": ["2024-03-30", "2024-04-01", "2024-10-26", "2024-10-28"],
    "Australia/Sydney": ["2024-04-06", "2024-04-08", "2024-10-05", "2024-10-07"],
    "America/Sao_Paulo": ["2018-11-03", "2018-11-05", "2019-02-16", "2019-02-18"],
    "Europe/Moscow": ["2014-10-25", "2014-10-27"],
    "Asia/Almaty": ["2024-02-29", "2024-03-02"],
    "Asia/Kathmandu": ["2024-06-01"],
    "UTC": ["2024-06-01"],
}


@pytest.fixture
def feeds(client: Client, plan_2013: Plan, tmp_path: Path) -> dict[str, bytes]:
    """Every calendar URL of a node with a published 2013 plan, fetched."""
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))
    slugs = list(Organization.objects.values_list("slug", flat=True))
    urls = ["/planner/feeds/all.ics", "/api/planner/feeds/all/ics"]
    urls += [f"/planner/feeds/{slug}.ics" for slug in slugs]
    urls += [f"/meetings/calendars/{slug}.ics" for slug in slugs]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/calendar; charset=utf-8", url
        bodies[url] = response.content
    return bodies


def test_every_feed_reads_the_same_in_icalendar_vobject_khal_and_icaljs(
    feeds: dict[str, bytes], tmp_path: Path
) -> None:
    times_everywhere(feeds, tmp_path)

    new_york = icalendar_times(feeds["/planner/feeds/all.ics"])
    assert len(new_york) == 3  # the three meetings at the UN General Assembly, in daylight time


def _export(days: list[tuple[str, str]]) -> tuple[bytes, dict[str, tuple[int, int]]]:
    """Return a calendar of one two-hour meeting on each (zone, day), and its UTC times."""
    inst = parse_instance(
        instance(
            [
                session(f"s{n}", ["a", "b"], start=day, slots=4, timezone=zone)
                for n, (zone, day) in enumerate(days)
            ],
            [request(f"r{n}", ["a", "b"]) for n in range(len(days))],
            rules={"day_start": "09:00", "slot_minutes": 60},
        )
    )
    meetings = tuple(
        schema.Meeting(
            request=f"r{n}",
            session=f"s{n}",
            date=dt.date.fromisoformat(day),
            slot=1,
            room=0,
            organizations=("a", "b"),
            slots=2,
        )
        for n, (_, day) in enumerate(days)
    )
    plan = schema.Plan(meetings=meetings, unplaced=(), objective=0, bound=0, status="optimal")
    body = export_ical(plan, inst, stamp=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    return body, {
        meeting_uid(inst, m): (
            int(meeting_window(inst, m)[0].timestamp()),
            int(meeting_window(inst, m)[1].timestamp()),
        )
        for m in meetings
    }


def test_times_across_offset_changes_read_the_same_in_every_client(tmp_path: Path) -> None:
    body, expected = _export([(zone, day) for zone, listed in CHANGES.items() for day in listed])

    times = times_everywhere({"export": body}, tmp_path)["export"]

    assert times == expected


def test_vobject_reads_a_later_year_right_after_an_earlier_feed() -> None:
    # vobject keeps the first VTIMEZONE of a TZID for the whole process (as Radicale runs).
    earlier, _ = _export([("America/New_York", "2013-09-25")])
    later, expected = _export([("America/New_York", "2024-07-01")])

    vobject_times(earlier)

    assert vobject_times(later) == expected


def test_every_feed_has_a_component(feeds: dict[str, bytes]) -> None:
    empty = [
        url for url, body in feeds.items() if not icalendar.Calendar.from_ical(body).subcomponents
    ]

    assert empty == []


def test_time_zones_list_one_date_per_rdate_line(feeds: dict[str, bytes]) -> None:
    lines = [
        line
        for body in feeds.values()
        for line in body.decode().replace("\r\n ", "").splitlines()
        if line.startswith("RDATE")
    ]

    assert lines, "the New York feeds have daylight-saving changes"
    assert [line for line in lines if "," in line] == []


def test_feed_events_carry_names_not_slugs(feeds: dict[str, bytes], plan_2013: Plan) -> None:
    room = plan_2013.meetings.get(request__key="r1").room + 1
    calendar = icalendar.Calendar.from_ical(feeds["/planner/feeds/csto.ics"])
    (event,) = calendar.walk("VEVENT")

    assert str(event["SUMMARY"]) == "CSTO – SCO: Counter-terrorism"
    assert str(event["LOCATION"]) == (
        "New York, United States — UN General Assembly high-level week (general debate), "
        f"room {room}"
    )
    assert str(calendar["X-WR-CALNAME"]) == "Sideline sideline-2013 — CSTO"
