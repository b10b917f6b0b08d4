"""HTTP as verifiers and caches expect: HEAD wherever GET, ETags, compression, CORS."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

from sideline.record.services import NewEntry, append_entries, witness_round

pytestmark = pytest.mark.usefixtures("registry")

PAGES = [
    "/",
    "/organizations/",
    "/organizations/csto/",
    "/states/",
    "/forums/",
    "/analysis/",
    "/planner/",
    "/meetings/",
    "/record/",
    "/record/nato/",
    "/accounts/login/",
    "/api/openapi.json",
]
RECORD = ["/record/logs", "/record/nato/checkpoint", "/record/nato/tile/0/001.p/1"]


@pytest.fixture
def record(registry: None) -> None:
    """A NATO log of 257 entries, checkpointed: one full tile and a partial one."""
    entries = [NewEntry(kind="meeting.created", subject=f"meeting/{i}") for i in range(257)]
    append_entries(organization="nato", entries=entries)
    witness_round()


def api_get_paths(client: Client) -> list[str]:
    document = client.get("/api/openapi.json").json()
    return sorted(
        path
        for path, operations in document["paths"].items()
        if "get" in operations and "{" not in path
    )


@pytest.mark.usefixtures("record")
def test_head_answers_wherever_get_does_with_its_headers_and_no_body(client: Client) -> None:
    urls = PAGES + RECORD + api_get_paths(client)
    assert len(urls) > len(PAGES) + len(RECORD) + 5

    mismatches = []
    for url in urls:
        get, head = client.get(url), client.head(url)
        if (
            head.status_code != get.status_code
            or head.content != b""
            or head.get("Content-Type") != get.get("Content-Type")
            or ("ETag" in head) != ("ETag" in get)
            # A page with a form carries a fresh CSRF mask, hence another ETag, each time.
            or (not get["Content-Type"].startswith("text/html") and head["ETag"] != get["ETag"])
            or (get.status_code == 200 and head["Content-Length"] != str(len(get.content)))
        ):
            mismatches.append((url, get.status_code, head.status_code))

    assert mismatches == []


def test_json_carries_an_etag_and_a_matching_request_gets_304(client: Client) -> None:
    first = client.get("/api/organizations")

    again = client.get("/api/organizations", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert (again.status_code, again.content) == (304, b"")


def test_text_responses_are_compressed_when_the_client_asks(client: Client) -> None:
    plain = client.get("/api/organizations")

    packed = client.get("/api/organizations", HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content)
    assert gzip.decompress(packed.content) == plain.content


@pytest.mark.usefixtures("record")
def test_entry_bundles_are_compressed_when_the_client_asks(client: Client) -> None:
    plain = client.get("/record/nato/tile/entries/000")

    packed = client.get("/record/nato/tile/entries/000", HTTP_ACCEPT_ENCODING="gzip")

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.usefixtures("record")
@pytest.mark.parametrize("url", RECORD)
def test_public_record_endpoints_are_readable_from_any_origin(client: Client, url: str) -> None:
    response = client.get(url, HTTP_ORIGIN="https://verifier.example")
    preflight = client.options(
        url,
        HTTP_ORIGIN="https://verifier.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert (response.status_code, response["Access-Control-Allow-Origin"]) == (200, "*")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("url", ["/api/organizations", "/meetings/", "/record/", "/record/nato/"])
def test_pages_and_api_are_not_shared_across_origins(client: Client, url: str) -> None:
    response = client.get(url, HTTP_ORIGIN="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response


def test_witness_endpoints_carry_no_cors(client: Client) -> None:
    response = client.options("/record/nato/add-checkpoint", HTTP_ORIGIN="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response
    assert response.status_code == 405
