"""Meeting requests entered by hand: the page, its permissions, re-planning and deleting."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sideline.planner.models import MeetingRequest, Plan, UnplacedRequest
from sideline.planner.services import (
    add_manual_request,
    create_plan,
    delete_manual_request,
    publish_plan,
    remove_meeting,
    replan_plan,
    suggested_requests,
)
from sideline.registry.models import Organization
from tests.planner.factory import FAST, REQUESTS

URL = "/planner/2013/requests/"
FAST_ARGS = ("--time-limit", "5", "--workers", "1")

# Both attend the UN General Assembly's high-level week 2013 (unga-68, 24 Sep – 1 Oct).
FORM = {
    "key": "m1",
    "organizations": ["csto", "sco"],
    "function": "counter-terrorism",
    "topic": "",
    "priority": "4",
    "slots": "1",
    "not_before": "2013-09-24",
    "not_after": "2013-10-01",
}


def add(key: str, organizations: list[str], **fields: Any) -> MeetingRequest:
    return add_manual_request(year=2013, key=key, organizations=organizations, **fields)


@pytest.fixture
def delegate(registry: None) -> Any:
    from sideline.accounts.services import create_person

    return create_person(
        username="delegate", organization="csto", role="delegate", password="a-long-passphrase"
    ).user


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"organizations": ["csto"]},
            "organizations",
            "Choose at least two different organizations: a meeting is between them.",
        ),
        ({"organizations": []}, "organizations", "This field is required."),
        (
            {"not_before": "2013-10-01", "not_after": "2013-09-24"},
            "not_after",
            "Must not be before “not before”.",
        ),
        ({"not_before": "2012-12-31"}, "not_before", "Give a date in 2013."),
        ({"not_after": "2014-01-01"}, "not_after", "Give a date in 2013."),
        ({"key": "r1"}, "key", "2013 already has a request r1; choose another identifier."),
        (
            {"key": "two words"},
            "key",
            "Use up to 200 letters, digits, '.', '_' or '-', starting with a letter or digit.",
        ),
        (
            {"topic": "also a topic"},
            "topic",
            "Choose a security function or write a topic, not both.",
        ),
        ({"priority": "0"}, "priority", "Ensure this value is greater than or equal to 1."),
        ({"slots": "11"}, "slots", "Ensure this value is less than or equal to 10."),
    ],
)
def test_add_request_form_error_shows_on_its_field(
    client: Client,
    plan_2013: Plan,
    coordinator: Any,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    client.force_login(coordinator)

    response = client.post(URL, {**FORM, **changes})

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert not MeetingRequest.objects.filter(origin="manual").exists()


def test_add_request_stores_it_as_manual_and_lists_it_as_waiting(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)

    response = client.post(URL, FORM, follow=True)

    row = MeetingRequest.objects.get(year=2013, key="m1")
    html = response.content.decode()
    assert response.redirect_chain == [(URL, 302)]
    assert (row.origin, row.topic, row.priority, row.slots) == (
        "manual",
        "counter-terrorism",
        4,
        1,
    )
    assert row.function is not None
    assert row.function.slug == "counter-terrorism"
    assert sorted(o.slug for o in row.organizations.all()) == ["csto", "sco"]
    assert "Request m1 added. Re-plan the newest version to place it." in html
    assert 'data-request="m1" data-state="not_planned"' in html
    assert "1 request is not in version 1 yet." in html
    assert f'action="/planner/plans/{plan_2013.pk}/replan/"' in html


def test_add_request_free_text_topic_is_not_linked(plan_2013: Plan) -> None:
    row = add("m1", ["eu", "nato"], topic="  talks on the Eastern Partnership ")

    assert (row.topic, row.function) == ("talks on the Eastern Partnership", None)


def test_replan_from_the_page_places_the_manual_request(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)
    client.post(URL, FORM)

    response = client.post(f"/planner/plans/{plan_2013.pk}/replan/", follow=True)

    new = Plan.objects.get(year=2013, version=2)
    placed = new.meetings.get(request__key="m1")
    page = client.get(URL).content.decode()
    assert response.status_code == 200
    assert new.based_on == plan_2013
    assert [r["id"] for r in new.instance["requests"]] == ["r1", "r2", "r3", "m1"]
    assert (placed.venue, placed.session is not None) == ("unga-68", True)
    assert sorted(new.meetings.values_list("request__key", flat=True)) == [
        "m1",
        "r1",
        "r2",
        "r3",
    ]
    assert 'data-request="m1" data-state="placed"' in page
    assert (
        "placed: UN General Assembly high-level week (general debate), New York, "
        f"{placed.date}, slot {placed.slot + 1}, room {placed.room + 1} "
        f"({placed.start:%H:%M}–{placed.end:%H:%M} UTC)"
    ) in page


def test_replan_explains_why_a_manual_request_is_not_placed(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)
    client.post(URL, {**FORM, "organizations": ["csto", "nato"], "function": ""})

    client.post(f"/planner/plans/{plan_2013.pk}/replan/")

    new = Plan.objects.get(year=2013, version=2)
    unplaced = new.unplaced.get(request__key="m1")
    page = client.get(URL).content.decode()
    assert [r["code"] for r in unplaced.reasons] == ["organization_absent"]
    assert 'data-request="m1" data-state="unplaced"' in page
    assert (
        "<code>organization_absent</code>: no session in its window is attended by all its "
        "organizations" in page
    )


def test_replan_of_published_version_includes_manual_request(plan_2013: Plan) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))
    add("m1", ["csto", "sco"])

    new = replan_plan(plan=plan_2013, options=FAST)

    assert new.is_draft
    assert new.meetings.filter(request__key="m1").exists()


def test_plan_command_with_requests_file_keeps_manual_requests(
    plan_2013: Plan, tmp_path: Path
) -> None:
    add("m1", ["csto", "sco"], topic="counter-terrorism", priority=4)
    file = tmp_path / "requests.json"
    file.write_text(json.dumps(REQUESTS[:1]), encoding="utf-8")

    call_command("plan", "2013", "--requests", str(file), *FAST_ARGS, stdout=StringIO())

    plan = Plan.objects.get(year=2013, version=2)
    assert [r["id"] for r in plan.instance["requests"]] == ["r1", "m1"]
    assert plan.instance["requests"][1] == {
        "id": "m1",
        "organizations": ["csto", "sco"],
        "priority": 4,
        "slots": 1,
        "topic": "counter-terrorism",
    }
    assert plan.meetings.filter(request__key="m1").exists()
    assert MeetingRequest.objects.get(year=2013, key="m1").origin == "manual"


def test_plan_command_file_reusing_a_manual_identifier_is_refused(
    plan_2013: Plan, tmp_path: Path
) -> None:
    add("m1", ["csto", "sco"])
    file = tmp_path / "requests.json"
    file.write_text(
        json.dumps([REQUESTS[0], {"id": "m1", "organizations": ["eu", "osce"]}]), encoding="utf-8"
    )

    with pytest.raises(CommandError) as caught:
        call_command("plan", "2013", "--requests", str(file), *FAST_ARGS, stderr=StringIO())

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        f"{file}: $[1].id: 'm1' is a request entered by hand for 2013; rename it here or "
        "delete that request"
    )
    assert Plan.objects.filter(year=2013).count() == 1


def test_plan_from_suggestions_keeps_manual_request_over_same_suggestion(
    registry: None,
) -> None:
    suggestion = suggested_requests(year=2013)[0]
    organizations = list(suggestion["organizations"])  # type: ignore[call-overload]  # JSON-shaped dict
    add(str(suggestion["id"]), organizations, priority=100, topic="agreed by phone")

    plan = create_plan(year=2013, options=FAST)

    listed = [r for r in plan.instance["requests"] if r["id"] == suggestion["id"]]
    assert listed == [
        {
            "id": suggestion["id"],
            "organizations": sorted(organizations),
            "priority": 100,
            "slots": 1,
            "topic": "agreed by phone",
        }
    ]


def test_delete_manual_request_not_yet_planned(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    row = add("m1", ["csto", "sco"])
    client.force_login(coordinator)

    response = client.post(f"/planner/requests/{row.pk}/delete/", follow=True)

    assert "Request m1 deleted." in response.content.decode()
    assert not MeetingRequest.objects.filter(key="m1").exists()


def test_delete_manual_request_unplaced_in_a_draft_drops_it_from_the_next_replan(
    plan_2013: Plan,
) -> None:
    add("m1", ["csto", "nato"])
    draft = replan_plan(plan=plan_2013, options=FAST)
    row = MeetingRequest.objects.get(key="m1")

    delete_manual_request(request=row)
    again = replan_plan(plan=draft, options=FAST)

    assert not UnplacedRequest.objects.filter(plan=draft, request__key="m1").exists()
    assert [r["id"] for r in again.instance["requests"]] == ["r1", "r2", "r3"]


def test_delete_manual_request_placed_by_a_version_is_refused(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    add("m1", ["csto", "sco"])
    draft = replan_plan(plan=plan_2013, options=FAST)
    row = MeetingRequest.objects.get(key="m1")
    client.force_login(coordinator)

    page = client.get(URL).content.decode()
    response = client.post(f"/planner/requests/{row.pk}/delete/", follow=True)

    assert 'data-testid="delete"' not in page
    assert (
        f"Version {draft.version} places m1: remove that meeting first."
        in response.content.decode()
    )
    assert MeetingRequest.objects.filter(key="m1").exists()


def test_delete_manual_request_after_its_meeting_is_removed_from_the_draft(
    plan_2013: Plan,
) -> None:
    add("m1", ["csto", "sco"])
    draft = replan_plan(plan=plan_2013, options=FAST)
    remove_meeting(meeting=draft.meetings.get(request__key="m1"))

    delete_manual_request(request=MeetingRequest.objects.get(key="m1"))

    assert not MeetingRequest.objects.filter(key="m1").exists()


def test_delete_manual_request_listed_by_published_version_is_refused(plan_2013: Plan) -> None:
    from sideline.planner.services import PlannerError

    add("m1", ["csto", "nato"])
    draft = replan_plan(plan=plan_2013, options=FAST)
    publish_plan(plan=draft, publisher=Organization.objects.get(slug="osce"))

    with pytest.raises(PlannerError) as caught:
        delete_manual_request(request=MeetingRequest.objects.get(key="m1"))

    assert (caught.value.code, caught.value.message) == (
        "request_published",
        "Published version 2 lists m1, and published versions never change.",
    )


def test_delete_request_read_from_a_file_is_refused(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    row = MeetingRequest.objects.get(key="r1")
    client.force_login(coordinator)

    response = client.post(f"/planner/requests/{row.pk}/delete/", follow=True)

    assert (
        "Only a request entered by hand can be changed or deleted; r1 is read from a file."
        in response.content.decode()
    )
    assert MeetingRequest.objects.filter(key="r1").exists()


def test_requests_page_without_a_plan_points_to_the_years_start(
    client: Client, coordinator: Any
) -> None:
    client.force_login(coordinator)

    html = client.get("/planner/2014/requests/").content.decode()

    assert "No plan for 2014 yet." in html
    assert '<a href="/planner/2014/" data-testid="start-link">Start planning 2014</a>' in html
    assert "No meeting requests for this year yet." in html


def test_requests_page_year_out_of_range_is_404(client: Client, coordinator: Any) -> None:
    client.force_login(coordinator)

    assert client.get("/planner/99999/requests/").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", URL),
        ("post", URL),
        ("post", "/planner/requests/{pk}/delete/"),
        ("get", "/planner/requests/{pk}/edit/"),
        ("post", "/planner/requests/{pk}/edit/"),
    ],
)
@pytest.mark.parametrize("who", ["viewer", "delegate"])
def test_requests_pages_refuse_non_coordinators(
    client: Client,
    plan_2013: Plan,
    request: pytest.FixtureRequest,
    method: str,
    path: str,
    who: str,
) -> None:
    row = add("m1", ["csto", "sco"])
    client.force_login(request.getfixturevalue(who))

    response = getattr(client, method)(path.format(pk=row.pk), FORM if method == "post" else {})

    assert response.status_code == 403
    assert MeetingRequest.objects.filter(origin="manual").count() == 1
    assert MeetingRequest.objects.get(key="m1").priority == 1


@pytest.mark.parametrize(
    "path", [URL, "/planner/requests/{pk}/delete/", "/planner/requests/{pk}/edit/"]
)
def test_requests_pages_send_anonymous_to_login(client: Client, plan_2013: Plan, path: str) -> None:
    row = add("m1", ["csto", "sco"])
    url = path.format(pk=row.pk)

    response = client.post(url, FORM)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert MeetingRequest.objects.filter(origin="manual").count() == 1
    assert MeetingRequest.objects.get(key="m1").priority == 1


def test_requests_page_and_links_shown_to_coordinator(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)

    page = client.get(URL)
    calendar = client.get("/planner/2013/").content.decode()
    detail = client.get(f"/planner/plans/{plan_2013.pk}/").content.decode()

    assert page.status_code == 200
    assert f'href="{URL}" data-testid="requests-link"' in calendar
    assert f'href="{URL}" data-testid="requests-link"' in detail


def test_calendar_has_no_requests_link_for_the_public(client: Client, plan_2013: Plan) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    html = client.get("/planner/2013/").content.decode()

    assert 'data-testid="requests-link"' not in html


@pytest.mark.parametrize("count", [1, 3])
def test_requests_page_query_count_does_not_grow_with_requests(
    client: Client, registry: None, coordinator: Any, count: int
) -> None:
    create_plan(year=2013, requests=REQUESTS[:count], origin="file", options=FAST)
    client.force_login(coordinator)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="request"') == count
    # 13: the menu's to-do count asks once per page whether anything changed since it was cached.
    assert len(queries) == 13


# --- changing a request entered by hand ----------------------------------------------

EDIT = {k: v for k, v in FORM.items() if k != "key"}


def test_edit_page_shows_the_request_as_stored(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    row = add("m1", ["csto", "sco"], topic="border security", priority=3)
    client.force_login(coordinator)

    html = client.get(f"/planner/requests/{row.pk}/edit/").content.decode()

    assert "Change request m1" in html
    assert 'name="key"' not in html
    assert 'value="border security"' in html
    assert 'name="priority" value="3"' in html
    checked = re.findall(
        r'<input type="checkbox" name="organizations" value="(\w+)"[^>]* checked', html
    )
    assert checked == ["csto", "sco"]


def test_edit_changes_the_request_and_the_next_replan_takes_it(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)
    client.post(URL, {**FORM, "not_before": "2013-01-01", "not_after": "2013-01-31"})
    row = MeetingRequest.objects.get(key="m1")
    first = replan_plan(plan=plan_2013, options=FAST)
    assert first.unplaced.filter(request=row).exists()  # no session in January

    response = client.post(f"/planner/requests/{row.pk}/edit/", {**EDIT, "priority": "7"})
    second = replan_plan(plan=first, options=FAST)

    row.refresh_from_db()
    assert response.status_code == 302
    assert (row.priority, str(row.not_before), str(row.not_after)) == (
        7,
        "2013-09-24",
        "2013-10-01",
    )
    listed = next(r for r in second.instance["requests"] if r["id"] == "m1")
    assert (listed["priority"], listed["not_before"]) == (7, "2013-09-24")
    assert second.meetings.filter(request=row).exists()
    # Storing the new version did not write the old copy back over the change.
    assert MeetingRequest.objects.get(key="m1").priority == 7


def test_edit_error_shows_on_its_field_and_changes_nothing(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    row = add("m1", ["csto", "sco"], priority=2)
    client.force_login(coordinator)

    response = client.post(f"/planner/requests/{row.pk}/edit/", {**EDIT, "organizations": ["csto"]})

    assert response.status_code == 400
    assert "Choose at least two different organizations" in response.content.decode()
    assert MeetingRequest.objects.get(key="m1").priority == 2


def test_edit_of_a_placed_or_published_request_is_refused(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    row = add("m1", ["csto", "sco"], not_before=None, not_after=None)
    draft = replan_plan(plan=plan_2013, options=FAST)
    assert draft.meetings.filter(request=row).exists()
    client.force_login(coordinator)

    placed = client.post(
        f"/planner/requests/{row.pk}/edit/", {**EDIT, "priority": "9"}, follow=True
    )
    from_file = MeetingRequest.objects.get(key="r1")
    not_manual = client.post(f"/planner/requests/{from_file.pk}/edit/", EDIT, follow=True)

    assert (
        f"Version {draft.version} places m1: remove that meeting first." in placed.content.decode()
    )
    assert "r1 is read from a file" in not_manual.content.decode()
    assert MeetingRequest.objects.get(key="m1").priority == 1
    assert MeetingRequest.objects.get(key="r1").organizations.count() == 2


def test_requests_page_links_the_edit_only_where_allowed(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    row = add("m1", ["csto", "sco"])
    client.force_login(coordinator)

    html = client.get(URL).content.decode()

    assert f'href="/planner/requests/{row.pk}/edit/" data-testid="edit"' in html
    assert html.count('data-testid="edit"') == 1
