"""Planner pages: calendar and filters, plan detail, coordinator edits, permissions, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sideline.planner.models import Plan
from sideline.planner.services import create_plan, publish_plan
from sideline.registry.models import Organization
from tests.planner.factory import FAST, REQUESTS


def publish(plan: Plan) -> Plan:
    return publish_plan(plan=plan, publisher=Organization.objects.get(slug="osce"))


def test_calendar_agenda_shows_meetings_plenary_and_both_times(
    client: Client, plan_2013: Plan
) -> None:
    publish(plan_2013)
    r1 = plan_2013.meetings.get(request__key="r1")

    response = client.get("/planner/2013/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="meeting"') == 3
    assert "plenary 09:00–10:30 venue time (America/New_York), 13:00–14:30 UTC" in html
    local = r1.start.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert f"{local:%H:%M}–" in html
    assert f"{r1.start:%H:%M}–{r1.end:%H:%M} UTC" in html


@pytest.mark.parametrize(
    ("query", "requests"),
    [
        ("organization=csto", ["r1"]),
        ("organization=un", ["r3"]),
        ("topic=conflict-prevention", ["r2"]),
        ("forum=unga-high-level-week", ["r1", "r2", "r3"]),
        ("forum=osce-ministerial-council", []),
    ],
)
def test_calendar_filters(client: Client, plan_2013: Plan, query: str, requests: list[str]) -> None:
    publish(plan_2013)

    html = client.get(f"/planner/2013/?{query}").content.decode()

    shown = sorted(key for key in ("r1", "r2", "r3") if f'data-request="{key}"' in html)
    assert shown == requests


def test_calendar_month_view_is_one_month_grid_with_links_to_the_others(
    client: Client, plan_2013: Plan
) -> None:
    publish(plan_2013)

    html = client.get("/planner/2013/?view=month").content.decode()
    september = client.get("/planner/2013/?view=month&month=9").content.decode()
    unga = client.get("/planner/2013/?view=month&forum=unga-high-level-week").content.decode()

    # One month at a time; links to every month with a session of 2013: February to June,
    # September to December. The first of them is shown when none is asked.
    assert html.count('data-testid="month"') == 1
    assert "<caption>February 2013</caption>" in html
    assert html.split('data-testid="month-links"', 1)[1].split("</nav>", 1)[0].count("<a ") == 9
    assert unga.split('data-testid="month-links"', 1)[1].split("</nav>", 1)[0].count("<a ") == 2
    assert "<caption>September 2013</caption>" in september
    assert september.count('data-testid="meeting"') == 3


def test_calendar_draft_hidden_from_public(client: Client, plan_2013: Plan) -> None:
    assert client.get("/planner/2013/").status_code == 404
    assert client.get(f"/planner/plans/{plan_2013.pk}/").status_code == 404


def test_calendar_draft_shown_to_coordinator(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)

    assert client.get("/planner/2013/").status_code == 200


def test_plan_detail_lists_unplaced_with_reasons(client: Client, registry: None) -> None:
    requests = [*REQUESTS, {"id": "r4", "organizations": ["nato", "csto"], "priority": 1}]
    plan = publish(create_plan(year=2013, requests=requests, origin="file", options=FAST))

    html = client.get(f"/planner/plans/{plan.pk}/").content.decode()

    assert "<strong>r4</strong> (CSTO, NATO; priority 1)" in html
    assert (
        "<code>organization_absent</code>: no session in its window is attended by all its organizations"
        in html
    )
    assert "First publication: 3 meetings." in html
    russian = client.get(f"/planner/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    absent = russian.split("<code>organization_absent</code>: ", 1)[1].split("<", 1)[0]
    assert absent.startswith("ни в одной сессии в его окне не участвуют все его организации: ")
    assert " не участвует в " in absent, absent


@pytest.mark.parametrize("count", [1, 3])
def test_calendar_query_count_does_not_grow_with_meetings(
    client: Client, registry: None, count: int
) -> None:
    plan = publish(create_plan(year=2013, requests=REQUESTS[:count], origin="file", options=FAST))
    assert plan.meetings.count() == count

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/planner/2013/")

    assert response.status_code == 200
    assert len(queries) == 5


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/planner/meetings/{meeting}/edit/"),
        ("post", "/planner/meetings/{meeting}/pin/"),
        ("post", "/planner/meetings/{meeting}/remove/"),
        ("post", "/planner/plans/{plan}/publish/"),
        ("post", "/planner/plans/{plan}/replan/"),
        ("post", "/planner/plans/{plan}/draft/"),
    ],
)
def test_coordinator_views_refuse_others(
    client: Client, plan_2013: Plan, viewer: Any, method: str, path: str
) -> None:
    meeting = plan_2013.meetings.first()
    assert meeting is not None
    url = path.format(meeting=meeting.pk, plan=plan_2013.pk)

    anonymous = getattr(client, method)(url)
    client.force_login(viewer)
    logged_in = getattr(client, method)(url)

    assert (anonymous.status_code, logged_in.status_code) == (403, 403)


def test_move_with_conflict_shows_warning_then_saves_when_confirmed(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)
    r1 = plan_2013.meetings.get(request__key="r1")
    r2 = plan_2013.meetings.get(request__key="r2")
    form = {
        "venue": "unga-68",
        "date": r1.date.isoformat(),
        "slot": r1.slot + 1,
        "room": r1.room + 1,
    }

    refused = client.post(f"/planner/meetings/{r2.pk}/edit/", form)
    in_russian = client.post(f"/planner/meetings/{r2.pk}/edit/", form, HTTP_ACCEPT_LANGUAGE="ru")
    saved = client.post(f"/planner/meetings/{r2.pk}/edit/", {**form, "confirm": "on"}, follow=True)

    r2.refresh_from_db()
    assert refused.status_code == 409
    assert (
        "<code>room</code>: a room exists and holds one meeting at a time "
        f'<span class="muted">(r1 and r2 share room {r1.room} at unga-68 on {r1.date})</span>'
        in refused.content.decode()
    )
    assert (
        "<code>room</code>: зал существует, и в нём одновременно проходит одна встреча"
        in in_russian.content.decode()
    )
    assert saved.status_code == 200
    assert (
        "Moved despite 1 broken rule: a room exists and holds one meeting at a time "
        "(r1 and r2 share room" in saved.content.decode()
    )
    assert (r2.date, r2.slot, r2.room) == (r1.date, r1.slot, r1.room)


def test_pin_and_remove_by_coordinator(client: Client, plan_2013: Plan, coordinator: Any) -> None:
    client.force_login(coordinator)
    r1 = plan_2013.meetings.get(request__key="r1")
    r3 = plan_2013.meetings.get(request__key="r3")

    client.post(f"/planner/meetings/{r1.pk}/pin/", {"pinned": "1"})
    client.post(f"/planner/meetings/{r3.pk}/remove/")

    r1.refresh_from_db()
    assert r1.pinned is True
    assert list(plan_2013.unplaced.values_list("request__key", flat=True)) == ["r3"]


def test_publish_and_replan_by_coordinator(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)

    client.post(f"/planner/plans/{plan_2013.pk}/publish/", {"publisher": "osce"})
    response = client.post(f"/planner/plans/{plan_2013.pk}/replan/", follow=True)

    plan_2013.refresh_from_db()
    assert plan_2013.status == "published"
    assert Plan.objects.filter(year=2013).count() == 2
    assert "Re-planned as version 2: 0 meetings moved." in response.content.decode()


def test_csv_export_has_utc_and_local_times(client: Client, plan_2013: Plan) -> None:
    publish(plan_2013)
    r1 = plan_2013.meetings.get(request__key="r1")

    response = client.get(f"/planner/plans/{plan_2013.pk}/meetings.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    first = next(row for row in rows if row["request"] == "r1")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(rows) == 3
    assert first["organizations"] == "csto sco"
    assert first["start_utc"] == r1.start.isoformat()
    assert first["start_local"].endswith("-04:00")


def test_index_lists_published_versions(client: Client, plan_2013: Plan) -> None:
    publish(plan_2013)

    html = client.get("/planner/").content.decode()

    assert 'href="/planner/2013/"' in html
    assert "version 1" in html


def test_draft_page_shows_what_publishing_changes_against_the_published_version(
    client: Client, coordinator: Any, plan_2013: Plan
) -> None:
    from sideline.planner.services import remove_meeting, start_draft

    publish(plan_2013)
    draft = start_draft(plan=plan_2013)
    remove_meeting(meeting=draft.meetings.get(request__key="r3"))
    client.force_login(coordinator)

    html = client.get(f"/planner/plans/{draft.pk}/").content.decode()

    assert "What publishing changes against version 1, the published one" in html
    assert html.count('data-testid="change"') == 1
    assert 'data-kind="removed" data-request="r3"' in html
    assert "(CIS, UN)" in html
    assert "from UN General Assembly high-level week" in html


def test_first_draft_page_says_its_publication_is_the_first(
    client: Client, coordinator: Any, plan_2013: Plan
) -> None:
    client.force_login(coordinator)

    html = client.get(f"/planner/plans/{plan_2013.pk}/").content.decode()

    assert "What publishing changes: the first publication of the year" in html
    assert html.count('data-testid="change" data-kind="added"') == 3


def test_placed_meeting_links_its_workspace_for_those_who_may_see_it(
    client: Client, plan_2013: Plan
) -> None:
    from sideline.meetings.services import create_meeting
    from tests.accounts.factories import person

    publish(plan_2013)
    csto = person("csto-delegate", organization="csto", role="delegate")
    nato = person("nato-viewer", organization="nato", role="viewer")
    workspace = create_meeting(
        actor=csto,
        title="Counter-terrorism",
        host="csto",
        participants=["sco"],
        date=dt.date(2013, 9, 25),
        timezone_name="America/New_York",
        planner_request="r1",
    )
    link = f'href="/meetings/{workspace.pk}/" data-testid="workspace"'

    client.force_login(csto)
    member = client.get("/planner/2013/").content.decode()
    detail = client.get(f"/planner/plans/{plan_2013.pk}/").content.decode()
    client.force_login(nato)
    outsider = client.get("/planner/2013/").content.decode()

    assert member.count(link) == 1
    assert detail.count(link) == 1
    assert link not in outsider


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_drafts_are_never_linked_for_those_who_cannot_see_them(
    client: Client, viewer: Any, plan_2013: Plan, who: str
) -> None:
    from sideline.planner.services import start_draft

    publish(plan_2013)
    draft = start_draft(plan=plan_2013)
    if who == "viewer":
        client.force_login(viewer)
    pages = [
        "/planner/",
        "/planner/2013/",
        "/planner/2013/?view=month",
        "/planner/2013/?view=year",
        f"/planner/plans/{plan_2013.pk}/",
        f"/planner/plans/{plan_2013.pk}/grid/unga-68/",
    ]

    html = "".join(client.get(page).content.decode() for page in pages)
    hidden = [
        client.get(f"/planner/plans/{draft.pk}/").status_code,
        client.get(f"/planner/plans/{draft.pk}/grid/unga-68/").status_code,
        client.get(f"/planner/2013/?version={draft.version}").status_code,
    ]

    assert f"/planner/plans/{draft.pk}/" not in html
    assert f"version={draft.version}" not in html
    assert hidden == [404, 404, 404]
