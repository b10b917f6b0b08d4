"""Planner input out of range or with control characters is refused, naming the field."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from sideline.planner.forms import MeetingRequestForm
from sideline.planner.instance import InstanceError, parse_instance
from sideline.planner.models import MeetingRequest, Plan
from sideline.planner.services import (
    PlannerError,
    RequestInvalidError,
    add_manual_request,
    move_meeting,
    start_draft,
)

BODY = {"id": "m1", "organizations": ["csto", "sco"], "topic": "t"}


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_api_request_window_out_of_range_is_422(client: Client, coordinator: Any) -> None:
    client.force_login(coordinator)

    response = post(client, "/api/planner/requests/2013", BODY | {"not_after": "9999-12-31"})

    assert (response.status_code, response.json()["error"]["field"]) == (
        422,
        "payload.not_after",
    )
    assert not MeetingRequest.objects.filter(key="m1").exists()


def test_api_request_year_out_of_range_is_400(client: Client, coordinator: Any) -> None:
    client.force_login(coordinator)

    response = post(client, "/api/planner/requests/9999", BODY)

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_year",
        "message": "year: give a year from 1900 to 2200",
        "field": "year",
    }


def test_services_refuse_a_year_out_of_range_and_control_characters(registry: None) -> None:
    with pytest.raises(RequestInvalidError) as caught:
        add_manual_request(year=9999, key="k", organizations=["csto", "sco"])
    assert [(e.code, e.field) for e in caught.value.errors] == [("year_out_of_range", "year")]

    with pytest.raises(RequestInvalidError) as caught:
        add_manual_request(year=2013, key="k", organizations=["csto", "sco"], topic="a\x00")
    assert [(e.code, e.field) for e in caught.value.errors] == [("control_character", "topic")]


def test_form_refuses_a_window_out_of_range(registry: None) -> None:
    form = MeetingRequestForm(
        data={
            "key": "k",
            "organizations": ["csto", "sco"],
            "priority": 1,
            "slots": 1,
            "not_after": "2201-01-01",
        }
    )

    assert form.errors["not_after"] == ["Ensure this value is less than or equal to 2200-12-31."]


def test_move_to_a_date_out_of_range_is_refused_even_with_warnings_accepted(
    plan_2013: Plan,
) -> None:
    draft = start_draft(plan=plan_2013)
    meeting = draft.meetings.get(request__key="r1")

    with pytest.raises(PlannerError) as caught:
        move_meeting(
            meeting=meeting,
            venue="unga-68",
            date=dt.date(9999, 12, 31),
            slot=0,
            room=0,
            accept_warnings=True,
        )

    assert (caught.value.code, caught.value.field) == ("date_out_of_range", "date")


def test_instance_dates_out_of_range_are_named_by_path() -> None:
    data = {
        "schema": "sideline.plan-instance/1",
        "organizations": ["a", "b"],
        "sessions": [],
        "requests": [
            {"id": "r", "organizations": ["a", "b"], "not_after": "9999-12-31"},
        ],
    }

    with pytest.raises(InstanceError) as caught:
        parse_instance(data)

    assert [(i.code, i.path) for i in caught.value.issues] == [
        ("date_out_of_range", "$.requests[0].not_after")
    ]


def test_plan_csv_neutralises_formulas(client: Client, plan_2013: Plan, coordinator: Any) -> None:
    MeetingRequest.objects.filter(year=2013, key="r3").update(topic="=cmd|' /C calc'!A0")
    client.force_login(coordinator)

    body = client.get(f"/planner/plans/{plan_2013.pk}/meetings.csv").content.decode()

    assert "'=cmd|' /C calc'!A0" in body
    assert ",=cmd" not in body
