"""The edge of every request: control characters refused by field, only JSON errors from /api/."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import path

from sideline.urls import urlpatterns as site_urls
from tests.accounts.factories import PASSWORD, person

pytestmark = pytest.mark.usefixtures("registry")


def error(response: Any) -> tuple[int, str, str | None]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()["error"]
    return response.status_code, body["code"], body["field"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/organizations?q=a%00b", "q"),
        ("/api/planner/plans?year%00=1", "year\x00"),
        ("/api/meetings/documents/ab%00cd", "path"),
        ("/api/organizations?as_of=%1b", "as_of"),
    ],
)
def test_control_character_in_api_url_answers_400_naming_the_field(url: str, field: str) -> None:
    response = Client().get(url)

    assert error(response) == (400, "control_character", field)


@pytest.mark.parametrize(
    "url",
    ["/search/?q=a%00", "/meetings/documents/ab%00cd/", "/organizations/?q=%07"],
)
def test_control_character_in_page_url_answers_400_page_not_500(url: str) -> None:
    response = Client().get(url)

    assert response.status_code == 400
    assert b"remove the control character" in response.content


def test_nul_in_a_json_body_answers_400_naming_the_nested_field(registry: None) -> None:
    user = person("nato-delegate", organization="nato", role="delegate")
    client = Client()
    client.force_login(user)
    body = {"title": "t", "host": "nato", "date": "2013-09-25", "participants": ["csto\u0000"]}

    response = client.post("/api/meetings/", json.dumps(body), content_type="application/json")

    assert error(response) == (400, "control_character", "participants.0")


def test_control_character_in_a_form_answers_400_naming_the_field(registry: None) -> None:
    client = Client()

    response = client.post("/accounts/login/", {"username": "a\x00", "password": "x"})

    assert response.status_code == 400
    assert "username: remove the control character U+0000" in response.content.decode()


def test_tab_and_newlines_are_text_not_control_characters(registry: None) -> None:
    response = Client().get("/search/?q=a%09b%0D%0Ac")

    assert response.status_code == 200


def test_unknown_api_path_answers_json_404() -> None:
    response = Client().get("/api/no/such/thing")

    assert error(response) == (404, "not_found", None)
    assert (
        response.json()["error"]["message"]
        == "no API operation at /api/no/such/thing; see /api/docs"
    )


def test_wrong_method_under_api_answers_json_405_with_allow() -> None:
    response = Client().delete("/api/meetings/dashboard")

    assert error(response) == (405, "method_not_allowed", None)
    assert response["Allow"] == "GET"


def test_unknown_page_stays_html() -> None:
    response = Client().get("/no/such/page/")

    assert (response.status_code, response["Content-Type"]) == (404, "text/html; charset=utf-8")


def _boom(request: Any) -> Any:
    raise RuntimeError("planted failure")


urlpatterns = [path("api/boom", _boom), *site_urls]


@pytest.mark.urls(__name__)
def test_server_error_under_api_answers_json_500(caplog: pytest.LogCaptureFixture) -> None:
    client = Client(raise_request_exception=False)

    response = client.get("/api/boom")

    assert error(response) == (500, "server_error", None)
    assert "planted failure" in caplog.text


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/meetings/", {"title": "t", "host": "nato", "date": "2013-09-25"}),
        ("post", "/api/accounts/tokens", {"name": "t"}),
        ("put", "/api/planner/requests/2013/r1", {"organizations": ["nato", "csto"]}),
        ("delete", "/api/planner/requests/2013/r1", None),
    ],
)
def test_anonymous_write_answers_401_not_csrf_403(method: str, url: str, body: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/")  # a visitor with cookies but no login

    response = getattr(client, method)(
        url, json.dumps(body) if body else None, content_type="application/json"
    )

    assert error(response) == (401, "not_authenticated", None)


def test_logged_in_write_without_csrf_token_is_refused_with_a_clear_403(registry: None) -> None:
    person("nato-delegate", organization="nato", role="delegate")
    client = Client(enforce_csrf_checks=True)
    client.login(username="nato-delegate", password=PASSWORD)
    body = {"title": "t", "host": "nato", "date": "2013-09-25"}

    response = client.post("/api/meetings/", json.dumps(body), content_type="application/json")

    assert error(response) == (403, "csrf_failed", None)


EXTREMES = [
    "as_of=9999-12-31",
    "as_of=0001-01-01",
    "year=99999999999999999999",
    "year=0",
    "start=0001-01-01&end=9999-12-31",
]


def test_extreme_dates_and_years_in_api_arguments_never_answer_500() -> None:
    client = Client(raise_request_exception=False)
    document = client.get("/api/openapi.json").json()
    paths = [p for p, ops in document["paths"].items() if "get" in ops and "{" not in p]
    failures = []

    for url in (f"{p}?{q}" for p in paths for q in EXTREMES):
        response = client.get(url)
        if response.status_code >= 500 or "json" not in response["Content-Type"]:
            failures.append((url, response.status_code))

    assert len(paths) >= 15
    assert failures == []


@pytest.mark.parametrize(
    "url",
    [
        "/forums/?year=99999",
        "/organizations/csto/?as_of=9999-12-31",
        "/analysis/balance/?start=0001-01-01&end=9999-12-31",
        "/planner/99999/",
        "/planner/feeds/all.ics?year=99999999999999999999",
    ],
)
def test_extreme_dates_and_years_in_page_arguments_never_answer_500(url: str) -> None:
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code < 500
