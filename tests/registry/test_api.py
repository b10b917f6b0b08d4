"""Registry API: answers, and one JSON error body for every mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client


def get(client: Client, url: str) -> tuple[int, Any]:
    response = client.get(url)
    return response.status_code, response.json()


def test_organizations_lists_slugs(client: Client, minimal_registry: Path) -> None:
    status, body = get(client, "/api/organizations")

    assert status == 200
    assert [o["slug"] for o in body] == ["csto", "nato"]
    assert body[0]["pillars"] == ["russia"]


def test_organization_detail_has_mandate_and_forums(client: Client, minimal_registry: Path) -> None:
    status, body = get(client, "/api/organizations/csto")

    assert status == 200
    assert [(m["function"], m["weight"]) for m in body["mandates"]] == [
        ("counter-narcotics", "core")
    ]
    assert [f["slug"] for f in body["forums"]] == ["csto-council"]


def test_members_as_of_date(client: Client, minimal_registry: Path) -> None:
    _, before = get(client, "/api/organizations/csto/members?as_of=2012-12-18")
    _, after = get(client, "/api/organizations/csto/members?as_of=2012-12-19")

    assert sorted(m["state"] for m in before) == ["KAZ", "RUS", "UZB"]
    assert sorted(m["state"] for m in after) == ["KAZ", "RUS"]
    assert next(m for m in before if m["state"] == "UZB")["end"] == "2012-12-19"


def test_members_status_filter(client: Client, minimal_registry: Path) -> None:
    _, body = get(client, "/api/organizations/nato/members?as_of=2000-01-01&status=partner")

    assert [(m["state"], m["status"]) for m in body] == [("KAZ", "partner")]


def test_state_memberships(client: Client, minimal_registry: Path) -> None:
    _, body = get(client, "/api/states/kaz/memberships?as_of=2013-01-01")

    assert sorted((m["organization"], m["status"]) for m in body) == [
        ("csto", "member"),
        ("nato", "partner"),
    ]


def test_sessions_of_year(client: Client, minimal_registry: Path) -> None:
    _, body = get(client, "/api/sessions?year=2012")

    assert [(s["id"], s["attendees"], s["timezone"]) for s in body] == [
        ("csto-council-2012", ["csto"], "Europe/Moscow")
    ]


def test_functions_and_forums(client: Client, minimal_registry: Path) -> None:
    assert [f["slug"] for f in get(client, "/api/functions")[1]] == ["counter-narcotics"]
    assert [f["slug"] for f in get(client, "/api/forums")[1]] == ["csto-council"]


@pytest.mark.parametrize(
    ("url", "status", "error"),
    [
        (
            "/api/organizations/warsaw-pact",
            404,
            {
                "code": "unknown_organization",
                "field": "slug",
                "message": "slug: no organization 'warsaw-pact'; see GET /api/organizations",
            },
        ),
        (
            "/api/organizations/csto/members?as_of=2013-13-01",
            400,
            {
                "code": "invalid_date",
                "field": "as_of",
                "message": "as_of: '2013-13-01' is not a date; use YYYY-MM-DD",
            },
        ),
        (
            "/api/organizations/csto/members?status=friend",
            400,
            {
                "code": "invalid_status",
                "field": "status",
                "message": "status: 'friend' is not one of member, observer, partner, dialogue_partner, associate, suspended",
            },
        ),
        (
            "/api/states/XYZ/memberships",
            404,
            {
                "code": "unknown_state",
                "field": "code",
                "message": "code: no state 'XYZ' in the registry; use an ISO 3166-1 alpha-3 code",
            },
        ),
        (
            "/api/states/KAZ/memberships?as_of=yesterday",
            400,
            {
                "code": "invalid_date",
                "field": "as_of",
                "message": "as_of: 'yesterday' is not a date; use YYYY-MM-DD",
            },
        ),
        (
            "/api/sessions?year=12345",
            400,
            {
                "code": "invalid_year",
                "field": "year",
                "message": "year: 12345 is outside 1900–2200",
            },
        ),
    ],
)
def test_api_bad_input_gets_error_body(
    client: Client, minimal_registry: Path, url: str, status: int, error: dict[str, str]
) -> None:
    assert get(client, url) == (status, {"error": error})


def test_api_type_error_gets_error_body(client: Client, minimal_registry: Path) -> None:
    status, body = get(client, "/api/sessions?year=soon")

    assert status == 422
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["field"] == "year"


def test_openapi_lists_registry_paths(client: Client, db: None) -> None:
    status, body = get(client, "/api/openapi.json")

    assert status == 200
    assert {
        "/api/organizations",
        "/api/organizations/{slug}/members",
        "/api/states/{code}/memberships",
        "/api/sessions",
    } <= set(body["paths"])


def test_api_docs_page_uses_no_cdn(client: Client, db: None) -> None:
    page = client.get("/api/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
