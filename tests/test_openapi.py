"""The OpenAPI document tells the truth: errors declared everywhere, one schema per name."""

from __future__ import annotations

import importlib
import inspect
import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from ninja import Schema

APPS = ["registry", "analysis", "planner", "meetings", "accounts", "record"]


@pytest.fixture
def document(client: Client, registry: None) -> dict[str, Any]:
    # The registry is loaded: the document states the span of its data.
    return client.get("/api/openapi.json").json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_declares_the_one_error_body(document: dict[str, Any]) -> None:
    reference = {"$ref": "#/components/schemas/Error"}
    missing = [
        (path, method, status)
        for path, method, operation in operations(document)
        for status in ("400", "401", "403", "404", "422", "429", "500")
        if operation["responses"].get(status, {}).get("content", {}).get("application/json")
        != {"schema": reference}
    ]

    assert missing == []
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]


def test_writes_also_declare_conflict_and_too_large(document: dict[str, Any]) -> None:
    writes = [(p, m, o) for p, m, o in operations(document) if m not in {"get", "head"}]

    assert writes
    assert [(p, m) for p, m, o in writes if not {"409", "413"} <= set(o["responses"])] == []


def test_response_schema_names_are_unique_across_apps() -> None:
    names = Counter(
        name
        for app in APPS
        for name, value in inspect.getmembers(importlib.import_module(f"sideline.{app}.api"))
        if inspect.isclass(value)
        and issubclass(value, Schema)
        and value.__module__ == f"sideline.{app}.api"
    )

    assert [name for name, count in names.items() if count > 1] == []


def test_planned_meetings_are_documented_with_the_planners_schema(
    document: dict[str, Any],
) -> None:
    operation = document["paths"]["/api/planner/plans/{plan_id}/meetings"]["get"]

    items = operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    assert items == {"$ref": "#/components/schemas/PlannedMeetingOut"}
    assert "room" in document["components"]["schemas"]["PlannedMeetingOut"]["properties"]


def parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    for item in document["paths"][path]["get"]["parameters"]:
        if item["name"] == name:
            schema: dict[str, Any] = item["schema"]
            return schema
    raise AssertionError(f"{path} has no parameter {name}")


def test_parameters_declare_what_the_views_enforce(document: dict[str, Any]) -> None:
    # Found by tests/test_api_schemathesis.py: each was a schema-valid value refused with 400.
    year = parameter(document, "/api/sessions", "year")["anyOf"][0]
    as_of = parameter(document, "/api/analysis/overlap", "as_of")["anyOf"][0]
    statuses = parameter(document, "/api/analysis/overlap", "statuses")["anyOf"][0]
    slug = parameter(document, "/api/organizations/{slug}", "slug")

    assert (year["minimum"], year["maximum"]) == (1900, 2200)
    assert as_of["format"] == "date"
    assert (as_of["formatMinimum"], re.fullmatch(as_of["pattern"], "1945-10-24")) != ("", None)
    assert re.fullmatch(statuses["pattern"], "member,observer")
    assert not re.search(statuses["pattern"], "")
    assert not re.search(slug["pattern"], "csto\u0085")


@pytest.mark.django_db
def test_plans_refuse_a_year_outside_the_declared_range(client: Client) -> None:
    # Was 200 with an empty list: the document declares 1900 to 2200.
    response = client.get("/api/planner/plans?year=0")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_token_name_declares_what_create_token_accepts(document: dict[str, Any]) -> None:
    name = document["components"]["schemas"]["TokenIn"]["properties"]["name"]

    assert (name["minLength"], name["maxLength"]) == (1, 100)
    assert re.search(name["pattern"], " laptop ")
    assert not re.search(name["pattern"], "   ")
    assert not re.search(name["pattern"], "lap\u0007top")


def test_request_bodies_refuse_unknown_fields(client: Client, registry: None) -> None:
    # The document says additionalProperties: false; an ignored extra key holding a control
    # character used to be refused with 400, whatever the document allowed.
    from sideline.accounts.services import create_token
    from tests.accounts.factories import person

    plain = create_token(user=person("u", organization=None, role="coordinator"), name="t")[1]
    response = client.post(
        "/api/accounts/tokens",
        {"name": "laptop", "colour": "blue"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["TokenIn"]

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert schema["additionalProperties"] is False


def test_analysis_dates_are_declared_inside_the_loaded_data(document: dict[str, Any]) -> None:
    from sideline.analysis.selectors import current_snapshot

    first, last = current_snapshot().span
    day, empty, absent = parameter(document, "/api/analysis/overlap", "as_of")["anyOf"]
    years = parameter(document, "/api/analysis/balance/{state}", "from")["anyOf"][0]
    registry_day = parameter(document, "/api/organizations/{slug}/members", "as_of")["anyOf"][0]

    assert (day["formatMinimum"], day["formatMaximum"]) == (first.isoformat(), last.isoformat())
    assert [bool(re.fullmatch(day["pattern"], d.isoformat())) for d in (first, last)] == [1, 1]
    outside = (first - timedelta(days=1), last + timedelta(days=1))
    assert [re.fullmatch(day["pattern"], d.isoformat()) for d in outside] == [None, None]
    assert (empty, absent) == ({"type": "string", "maxLength": 0}, {"type": "null"})
    assert (years["minimum"], years["maximum"]) == (first.year, last.year)
    assert registry_day["formatMinimum"] == "1900-01-01"


@pytest.mark.django_db
def test_an_empty_as_of_means_today_as_documented(client: Client, registry: None) -> None:
    empty = client.get("/api/analysis/overlap?as_of=")
    absent = client.get("/api/analysis/overlap")

    assert empty.status_code == 200
    assert empty.json() == absent.json()


def test_upload_form_requires_the_file_and_guards_other_fields(document: dict[str, Any]) -> None:
    body = document["paths"]["/api/meetings/{meeting_id}/documents"]["post"]["requestBody"]
    form = body["content"]["multipart/form-data"]["schema"]

    assert form["properties"]["file"] == {"type": "string", "format": "binary"}
    assert form["required"] == ["file"]
    assert not re.search(form["propertyNames"]["pattern"], "a\u0083")
    assert not re.search(form["properties"]["title"]["pattern"], "a\u0007")


def test_solve_declares_the_plan_instance_format(document: dict[str, Any]) -> None:
    body = document["paths"]["/api/planner/solve"]["post"]["requestBody"]
    instance = document["components"]["schemas"]["PlanInstance"]
    day = document["components"]["schemas"]["PlanInstance_date"]

    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PlanInstance"
    }
    assert instance["properties"]["schema"] == {"const": "sideline.plan-instance/1"}
    assert instance["properties"]["sessions"]["items"] == {
        "$ref": "#/components/schemas/PlanInstance_session"
    }
    assert (re.fullmatch(day["pattern"], "2200-12-31"), re.fullmatch(day["pattern"], "2201-01-01"))[
        1
    ] is None


def test_names_and_time_zones_declare_what_the_services_refuse(document: dict[str, Any]) -> None:
    meeting = document["components"]["schemas"]["MeetingIn"]["properties"]
    zone = meeting["timezone"]["anyOf"][0]

    assert re.fullmatch(meeting["title"]["pattern"], " Joint working group ")
    assert not re.fullmatch(meeting["title"]["pattern"], " \u3000\t")
    assert {"", "Europe/Vienna", "Asia/Almaty"} <= set(zone["enum"])
    assert "Mars/Olympus" not in zone["enum"]


def test_meeting_requests_declare_the_request_services_limits(document: dict[str, Any]) -> None:
    request = document["components"]["schemas"]["MeetingRequestIn"]["properties"]

    assert request["organizations"]["minItems"] == 2
    assert (request["priority"]["minimum"], request["priority"]["maximum"]) == (1, 100)
    assert (request["slots"]["minimum"], request["slots"]["maximum"]) == (1, 10)
    assert re.fullmatch(request["id"]["pattern"], "nato-csto.1")
    assert re.fullmatch(request["id"]["pattern"], " nato ")  # the services strip it
    assert not re.fullmatch(request["id"]["pattern"], "-nato")
    assert re.fullmatch(request["topic"]["pattern"], " " + "x" * 200 + " ")
    assert not re.fullmatch(request["topic"]["pattern"], "x" * 201)
