"""Every calendar Sideline serves reads the same in other people's parsers.

icalendar, vobject, khal and Mozilla's ical.js (see tests/calendar_clients.py) must agree
on every event's start and end; each feed has at least one component (RFC 5545 §3.6) and
names instead of slugs.
"""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from django.test import Client

from sideline.planner.models import Plan
from sideline.planner.services import publish_plan
from sideline.registry.models import Organization
from tests.calendar_clients import icalendar_times, times_everywhere


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
