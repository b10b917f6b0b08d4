"""The calendar's views: agenda by forum session, month, year; names; my organization;
"add to my calendar"; the CSV's names."""

from __future__ import annotations

import csv
import io
from typing import Any

import icalendar
from django.test import Client

from sideline.accounts.services import create_person
from sideline.planner.models import Plan
from sideline.planner.services import publish_plan
from sideline.registry.models import Organization


def publish(plan: Plan) -> Plan:
    return publish_plan(plan=plan, publisher=Organization.objects.get(slug="osce"))


def test_agenda_groups_meetings_under_their_forum_session_by_name(
    client: Client, plan_2013: Plan
) -> None:
    publish(plan_2013)

    html = client.get("/planner/2013/").content.decode()

    sessions = html.split('data-testid="session"')[1:]
    unga = next(s for s in sessions if "UN General Assembly" in s.split("</h2>", 1)[0])
    assert unga.count('data-testid="meeting"') == 3
    assert "unga-high-level-week" not in html.split('data-testid="count"', 1)[1]
    assert "venue time America/New_York" in unga


def test_year_overview_shows_twelve_months_and_links_busy_days(
    client: Client, plan_2013: Plan
) -> None:
    publish(plan_2013)
    days = {m.date for m in plan_2013.meetings.all()}

    html = client.get("/planner/2013/?view=year").content.decode()

    assert html.count("<caption>") == 12
    assert html.count('data-testid="busy-day"') == len(days)
    first = min(days)
    assert f"view=month&amp;month={first.month}#d-{first:%Y-%m-%d}" in html


def test_month_grid_starts_on_monday_with_equal_columns(client: Client, plan_2013: Plan) -> None:
    publish(plan_2013)

    html = client.get("/planner/2013/?view=month&month=9").content.decode()

    head = html.split('class="month"', 1)[1].split("</thead>", 1)[0]
    assert head.index("Mon") < head.index("Sun")
    # 1 September 2013 was a Sunday: the first week opens with 26–31 August.
    assert html.index('id="d-2013-08-26"') < html.index('id="d-2013-09-01"')


def test_my_organization_link_only_for_a_person_of_an_organization(
    client: Client, plan_2013: Plan
) -> None:
    publish(plan_2013)
    person = create_person(
        username="csto-viewer", organization="csto", role="viewer", password="a-long-passphrase"
    )
    anonymous = client.get("/planner/2013/").content.decode()
    client.force_login(person.user)

    html = client.get("/planner/2013/").content.decode()
    mine = client.get("/planner/2013/?organization=csto").content.decode()

    assert 'data-testid="my-organization"' not in anonymous
    assert 'href="?organization=csto&amp;view=agenda" data-testid="my-organization"' in html
    assert "My organization only (CSTO)" in html
    assert mine.count('data-testid="meeting"') == 1
    assert 'data-testid="all-organizations"' in mine


def test_add_to_my_calendar_gives_one_named_event_with_the_feeds_uid(
    client: Client, plan_2013: Plan
) -> None:
    publish(plan_2013)
    row = plan_2013.meetings.get(request__key="r1")
    feed = icalendar.Calendar.from_ical(client.get("/planner/feeds/all.ics?year=2013").content)
    uids = {str(e["UID"]) for e in feed.walk("VEVENT")}

    response = client.get(f"/planner/meetings/{row.pk}.ics")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(events) == 1
    assert str(events[0]["UID"]) in uids
    assert str(events[0]["SUMMARY"]).startswith("CSTO – SCO: ")
    assert f'href="/planner/meetings/{row.pk}.ics"' in client.get("/planner/2013/").content.decode()


def test_add_to_my_calendar_of_a_draft_is_hidden_from_others(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    row = plan_2013.meetings.get(request__key="r1")

    refused = client.get(f"/planner/meetings/{row.pk}.ics")
    client.force_login(coordinator)
    allowed = client.get(f"/planner/meetings/{row.pk}.ics")

    assert refused.status_code == 404
    assert allowed.status_code == 200


def test_csv_carries_names_beside_identifiers(client: Client, plan_2013: Plan) -> None:
    publish(plan_2013)

    body = client.get(f"/planner/plans/{plan_2013.pk}/meetings.csv").content.decode()
    first = next(r for r in csv.DictReader(io.StringIO(body)) if r["request"] == "r1")

    assert first["organizations"] == "csto sco"
    assert first["organization_names"] == "CSTO; SCO"
    assert first["venue"] != first["session"]
    assert first["city"] == "New York"


def test_calendar_in_russian_names_views_and_weekdays(client: Client, plan_2013: Plan) -> None:
    publish(plan_2013)

    html = client.get("/planner/2013/?view=month&month=9", HTTP_ACCEPT_LANGUAGE="ru").content
    text = html.decode()

    assert "Повестка по сессиям форумов" in text
    assert "Добавить в мой календарь" not in text  # the month grid lists, the agenda links
    assert "<caption>Сентябрь 2013</caption>" in text
    assert 'abbr="понедельник"' in text
