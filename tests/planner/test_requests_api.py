"""The requests API: a year's requests with their status, adding and deleting by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sideline.accounts.services import create_person, create_token
from sideline.planner.models import MeetingRequest, Plan
from sideline.planner.services import add_manual_request, replan_plan
from tests.planner.factory import FAST

URL = "/api/planner/requests/2013"
BODY = {
    "id": "m1",
    "organizations": ["csto", "sco"],
    "topic": "counter-terrorism",
    "priority": 4,
    "not_before": "2013-09-24",
    "not_after": "2013-10-01",
}


def post(client: Client, body: dict[str, Any], **headers: str) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


CHANGE = {k: v for k, v in BODY.items() if k != "id"}


def put(client: Client, key: str, body: dict[str, Any], **headers: str) -> Any:
    return client.put(f"{URL}/{key}", json.dumps(body), content_type="application/json", **headers)


def bearer(user: Any) -> dict[str, str]:
    _token, plain = create_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


@pytest.fixture
def delegate(registry: None) -> Any:
    return create_person(
        username="delegate", organization="csto", role="delegate", password="a-long-passphrase"
    ).user


def test_list_requests_gives_status_in_newest_version(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    add_manual_request(year=2013, key="m1", organizations=["csto", "nato"])
    replan_plan(plan=plan_2013, options=FAST)
    client.force_login(coordinator)

    body = client.get(URL).json()

    by_id = {item["id"]: item for item in body}
    assert [item["id"] for item in body] == ["r1", "r2", "r3", "m1"]
    assert {item["version"] for item in body} == {2}
    assert (by_id["m1"]["origin"], by_id["m1"]["status"], by_id["m1"]["deletable"]) == (
        "manual",
        "unplaced",
        True,
    )
    assert [r["code"] for r in by_id["m1"]["reasons"]] == ["organization_absent"]
    assert (by_id["r1"]["status"], by_id["r1"]["function"]) == ("placed", "counter-terrorism")
    assert by_id["r1"]["meeting"]["session"] == "unga-68"
    assert by_id["r1"]["meeting"]["summit"] is False
    assert by_id["r1"]["deletable"] is False


def test_add_request_with_token_returns_201(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    response = post(client, BODY, **bearer(coordinator))

    assert response.status_code == 201
    assert response.json() == {
        "id": "m1",
        "year": 2013,
        "organizations": ["csto", "sco"],
        "topic": "counter-terrorism",
        "function": "counter-terrorism",
        "priority": 4,
        "slots": 1,
        "not_before": "2013-09-24",
        "not_after": "2013-10-01",
        "origin": "manual",
        "version": 1,
        "status": "not_planned",
        "meeting": None,
        "reasons": [],
        "deletable": True,
    }
    assert MeetingRequest.objects.get(year=2013, key="m1").origin == "manual"


@pytest.mark.parametrize(
    ("changes", "status", "code", "field", "message"),
    [
        (
            {"organizations": ["csto"]},
            400,
            "too_few_organizations",
            "organizations",
            "Choose at least two different organizations: a meeting is between them.",
        ),
        (
            {"organizations": ["csto", "osec"]},
            404,
            "unknown_organization",
            "organizations",
            "Not in the registry: osec.",
        ),
        (
            {"not_before": "2014-01-02"},
            400,
            "outside_year",
            "not_before",
            "Give a date in 2013.",
        ),
        (
            {"not_after": "2013-09-01"},
            400,
            "end_before_start",
            "not_after",
            "Must not be before “not before”.",
        ),
        (
            {"id": "r1"},
            409,
            "key_taken",
            "id",
            "2013 already has a request r1; choose another identifier.",
        ),
        ({"priority": 0}, 400, "invalid_priority", "priority", "Give a priority from 1 to 100."),
    ],
)
def test_add_request_invalid_names_code_and_field(
    client: Client,
    plan_2013: Plan,
    coordinator: Any,
    changes: dict[str, Any],
    status: int,
    code: str,
    field: str,
    message: str,
) -> None:
    client.force_login(coordinator)

    response = post(client, {**BODY, **changes})

    assert response.status_code == status
    assert response.json() == {"error": {"code": code, "message": message, "field": field}}
    assert not MeetingRequest.objects.filter(origin="manual").exists()


def test_add_request_anonymous_is_401(client: Client, plan_2013: Plan) -> None:
    response = post(client, BODY)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert not MeetingRequest.objects.filter(origin="manual").exists()


@pytest.mark.parametrize("who", ["viewer", "delegate"])
def test_requests_api_refuses_non_coordinators(
    client: Client, plan_2013: Plan, request: pytest.FixtureRequest, who: str
) -> None:
    user = request.getfixturevalue(who)
    add_manual_request(year=2013, key="m0", organizations=["csto", "sco"])
    client.force_login(user)

    listed = client.get(URL)
    added = post(client, BODY)
    with_token = post(client, BODY, **bearer(user))
    deleted = client.delete(f"{URL}/m0")
    changed = put(client, "m0", {**CHANGE, "priority": 9}, **bearer(user))

    forbidden = {
        "error": {
            "code": "not_coordinator",
            "message": "only a coordinator may read or change requests",
            "field": None,
        }
    }
    responses = (listed, added, with_token, deleted, changed)
    assert [r.status_code for r in responses] == [403] * 5
    assert [r.json() for r in responses] == [forbidden] * 5
    assert MeetingRequest.objects.get(key="m0").priority == 1
    assert list(MeetingRequest.objects.filter(origin="manual").values_list("key", flat=True)) == [
        "m0"
    ]


def test_list_requests_anonymous_is_401(client: Client, plan_2013: Plan) -> None:
    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_delete_request_by_coordinator(client: Client, plan_2013: Plan, coordinator: Any) -> None:
    add_manual_request(year=2013, key="m1", organizations=["csto", "sco"])
    client.force_login(coordinator)

    deleted = client.delete(f"{URL}/m1")
    again = client.delete(f"{URL}/m1")
    placed = client.delete(f"{URL}/r1")

    assert deleted.status_code == 204
    assert (again.status_code, again.json()["error"]["code"]) == (404, "unknown_request")
    assert (placed.status_code, placed.json()["error"]["code"]) == (409, "not_manual")
    assert not MeetingRequest.objects.filter(key="m1").exists()


def test_list_requests_bad_year_is_400(client: Client, coordinator: Any) -> None:
    client.force_login(coordinator)

    response = client.get("/api/planner/requests/10000")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_year",
            "message": "year: give a year from 1900 to 2200",
            "field": "year",
        }
    }


def test_change_request_by_coordinator_with_token(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    add_manual_request(year=2013, key="m1", organizations=["csto", "nato"])

    changed = put(client, "m1", {**CHANGE, "priority": 6}, **bearer(coordinator))
    invalid = put(client, "m1", {**CHANGE, "slots": 0}, **bearer(coordinator))
    missing = put(client, "m9", CHANGE, **bearer(coordinator))
    not_manual = put(client, "r1", CHANGE, **bearer(coordinator))
    anonymous = put(client, "m1", {**CHANGE, "priority": 1})

    assert changed.status_code == 200
    body = changed.json()
    assert (body["id"], body["organizations"], body["priority"], body["function"]) == (
        "m1",
        ["csto", "sco"],
        6,
        "counter-terrorism",
    )
    assert (invalid.status_code, invalid.json()["error"]["field"]) == (400, "slots")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "unknown_request")
    assert (not_manual.status_code, not_manual.json()["error"]["code"]) == (409, "not_manual")
    assert anonymous.status_code == 401
    assert MeetingRequest.objects.get(key="m1").priority == 6
