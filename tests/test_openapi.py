"""The OpenAPI document tells the truth: errors declared everywhere, one schema per name."""

from __future__ import annotations

import importlib
import inspect
import re
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from ninja import Schema

APPS = ["registry", "analysis", "planner", "meetings", "accounts", "record"]


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
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
