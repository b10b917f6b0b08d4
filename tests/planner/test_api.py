"""Planner API: versions, meetings, unplaced, solving a posted instance, feeds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs installed in the venv
import pytest
from django.test import Client

from sideline.planner.models import Plan
from sideline.planner.services import publish_plan
from sideline.registry.models import Organization
from tests.planner.factory import request, session

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def instance(**changes: Any) -> dict[str, Any]:
    return {
        "schema": "sideline.plan-instance/1",
        "organizations": ["a", "b"],
        "sessions": [session("s1", ["a", "b"])],
        "requests": [request("r1", ["a", "b"], priority=4)],
        **changes,
    }


def test_plans_lists_published_only_for_the_public(client: Client, plan_2013: Plan) -> None:
    assert client.get("/api/planner/plans").json() == []
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    body = client.get("/api/planner/plans?year=2013").json()

    assert [(p["year"], p["version"], p["status"], p["published_by"]) for p in body] == [
        (2013, 1, "published", "osce")
    ]


def test_plan_draft_is_404_for_the_public(client: Client, plan_2013: Plan) -> None:
    response = client.get(f"/api/planner/plans/{plan_2013.pk}")

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "plan_not_found",
            "message": f"no plan {plan_2013.pk}",
            "field": "plan_id",
        }
    }


def test_plan_meetings_and_unplaced_for_coordinator(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)

    meetings = client.get(f"/api/planner/plans/{plan_2013.pk}/meetings?organization=csto").json()
    unplaced = client.get(f"/api/planner/plans/{plan_2013.pk}/unplaced").json()

    assert [(m["request"], m["organizations"], m["session"]) for m in meetings] == [
        ("r1", ["csto", "sco"], "unga-68")
    ]
    assert meetings[0]["timezone"] == "America/New_York"
    assert unplaced == []


def test_solve_returns_plan_valid_against_schema(client: Client) -> None:
    response = client.post(
        "/api/planner/solve?time_limit=2", json.dumps(instance()), content_type="application/json"
    )

    body = response.json()
    schema = json.loads((SCHEMAS / "plan-1.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(body, schema)
    assert response.status_code == 200
    # The warm start places the only request: optimal without a search, so at any speed.
    assert (body["status"], body["objective"], body["bound"]) == ("optimal", 4, 4)


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (
            instance(requests=[request("r1", ["a", "x"])]),
            "unknown_organization",
            "$.requests[0].organizations[1]",
        ),
        (instance(schema="nope"), "wrong_schema", "$.schema"),
        (
            instance(sessions=[session("s1", ["a", "b"], start="2024-13-01")]),
            "not_a_date",
            "$.sessions[0].start",
        ),
    ],
)
def test_solve_bad_instance_is_400_with_json_path(
    client: Client, data: dict[str, Any], code: str, field: str
) -> None:
    response = client.post("/api/planner/solve", json.dumps(data), content_type="application/json")

    error = response.json()["error"]
    assert response.status_code == 400
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"].startswith(f"{field}: ")


def test_solve_time_limit_above_cap_is_400(client: Client) -> None:
    response = client.post(
        "/api/planner/solve?time_limit=60", json.dumps(instance()), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_time_limit"


def test_feed_lists_changes_for_organization(client: Client, plan_2013: Plan) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    body = client.get("/api/planner/feeds/sco").json()
    unknown = client.get("/api/planner/feeds/nope")

    assert [(i["request"], i["change"], i["version"], i["previous_version"]) for i in body] == [
        ("r1", "added", 1, None)
    ]
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_organization"
