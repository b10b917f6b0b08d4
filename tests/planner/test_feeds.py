"""iCalendar feeds: they parse, carry stable UIDs and follow the latest publication."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.test import Client

from sideline.planner.models import Plan
from sideline.planner.services import move_meeting, publish_plan, start_draft
from sideline.registry.models import Organization


def events(body: bytes) -> dict[str, icalendar.Component]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_feeds_round_trip_with_stable_uids_across_publications(
    client: Client, plan_2013: Plan
) -> None:
    osce = Organization.objects.get(slug="osce")
    publish_plan(plan=plan_2013, publisher=osce)
    first = events(client.get("/planner/feeds/all.ics").content)
    draft = start_draft(plan=plan_2013)
    r1 = draft.meetings.get(request__key="r1")
    move_meeting(meeting=r1, venue="unga-68", date=dt.date(2013, 10, 1), slot=3, room=1)
    publish_plan(plan=draft, publisher=osce)

    response = client.get("/planner/feeds/all.ics")
    second = events(response.content)

    uid = "sideline-2013.r1@sideline.planner"
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        sorted(first)
        == sorted(second)
        == [
            "sideline-2013.r1@sideline.planner",
            "sideline-2013.r2@sideline.planner",
            "sideline-2013.r3@sideline.planner",
        ]
    )
    assert (first[uid]["SEQUENCE"], second[uid]["SEQUENCE"]) == (1, 2)
    assert second[uid].decoded("DTSTART") == dt.datetime(
        2013, 10, 1, 15, 0, tzinfo=second[uid].decoded("DTSTART").tzinfo
    )
    assert second[uid].decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2013, 10, 1, 19, 0, tzinfo=dt.UTC
    )


def test_feed_of_organization_keeps_only_its_meetings(client: Client, plan_2013: Plan) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    body = client.get("/planner/feeds/csto.ics").content

    assert list(events(body)) == ["sideline-2013.r1@sideline.planner"]


def test_feed_unknown_organization_is_404(client: Client, plan_2013: Plan) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    assert client.get("/planner/feeds/nope.ics").status_code == 404


def test_feed_before_any_publication_is_404(client: Client, plan_2013: Plan) -> None:
    assert client.get("/planner/feeds/all.ics").status_code == 404


def test_changes_page_of_organization(client: Client, plan_2013: Plan) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    html = client.get("/planner/feeds/sco/").content.decode()

    assert "2013 version 1: <strong>r1</strong> added" in html


def test_published_calendar_is_rendered_once_per_version_and_language(plan_2013: Plan) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from sideline.planner.selectors import calendar_ics

    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))
    first = calendar_ics(plan=plan_2013, organization="osce")
    with CaptureQueriesContext(connection) as again:
        second = calendar_ics(plan=plan_2013, organization="osce")
    with translation.override("ru"):
        russian = calendar_ics(plan=plan_2013, organization="osce")

    assert (second, len(again.captured_queries)) == (first, 0)
    assert russian != first  # rendered apart, with the Russian names


def test_draft_calendar_is_never_cached(plan_2013: Plan) -> None:
    from sideline.planner.selectors import calendar_ics

    before = calendar_ics(plan=plan_2013)
    r1 = plan_2013.meetings.get(request__key="r1")
    move_meeting(meeting=r1, venue="unga-68", date=dt.date(2013, 10, 1), slot=3, room=1)

    assert calendar_ics(plan=plan_2013) != before


def test_feed_in_kazakh_names_the_organizations_city_and_country_in_kazakh(
    client: Client, plan_2013: Plan
) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    body = client.get("/planner/feeds/csto.ics", {"lang": "kk"}).content

    (event,) = events(body).values()
    assert str(event["SUMMARY"]).startswith("ҰҚШҰ – ")
    assert str(event["LOCATION"]).startswith("Нью-Йорк, Америка Құрама Штаттары — ")
