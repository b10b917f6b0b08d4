"""Request bodies over the limit are refused with 413 before they are read."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from sideline.web.limits import MULTIPART_ALLOWANCE, BodyLimitMiddleware

LIMIT = 1000
UPLOAD_LIMIT = 5000


@pytest.fixture(autouse=True)
def _small_limits(settings: Any) -> None:
    settings.SIDELINE_MAX_BODY_BYTES = LIMIT
    settings.SIDELINE_MAX_UPLOAD_BYTES = UPLOAD_LIMIT


def _claiming(client: Client, path: str, length: int, content_type: str) -> HttpResponse:
    # The payload is one byte but claims `length`: the test client's payload refuses to be
    # read past its one byte, so a 413 here proves nothing read the body.
    return client.generic(  # type: ignore[return-value]  # the test client's own type
        "POST", path, b"x", content_type=content_type, CONTENT_LENGTH=str(length)
    )


def test_body_limit_api_body_over_the_limit_is_413_json_unread(client: Client) -> None:
    response = _claiming(client, "/api/planner/solve", 1024**3, "application/json")

    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "code": "body_too_large",
            "message": f"the request body is over the limit of {LIMIT} bytes; send less",
            "field": None,
        }
    }


def test_body_limit_page_body_over_the_limit_is_413_unread(client: Client) -> None:
    response = _claiming(client, "/accounts/login/", LIMIT + 1, "application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert response.content.decode() == (
        f"the request body is over the limit of {LIMIT} bytes; send less"
    )


@pytest.mark.parametrize(
    ("length", "refused"),
    [(UPLOAD_LIMIT + MULTIPART_ALLOWANCE, False), (UPLOAD_LIMIT + MULTIPART_ALLOWANCE + 1, True)],
)
def test_body_limit_multipart_gets_the_upload_limit(length: int, refused: bool) -> None:
    request = RequestFactory().generic(
        "POST",
        "/meetings/1/do/upload/",
        b"x",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(length),
    )

    response = BodyLimitMiddleware(lambda _request: HttpResponse("passed"))(request)

    assert response.status_code == (413 if refused else 200)


def _chunked(body: bytes) -> HttpRequest:
    request = RequestFactory().generic("POST", "/api/planner/solve", b"", "application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META["wsgi.input"] = io.BytesIO(body)
    return request


def test_body_limit_chunked_body_over_the_limit_is_413_after_limit_plus_one_bytes() -> None:
    stream = io.BytesIO(b"x" * (10 * LIMIT))
    request = _chunked(b"")
    request.META["wsgi.input"] = stream

    response = BodyLimitMiddleware(lambda _request: HttpResponse("passed"))(request)

    assert response.status_code == 413
    assert stream.tell() == LIMIT + 1


def test_body_limit_chunked_body_within_the_limit_reaches_the_view() -> None:
    request = _chunked(b'{"a": 1}')

    response = BodyLimitMiddleware(lambda seen: HttpResponse(seen.body))(request)

    assert (response.status_code, response.content) == (200, b'{"a": 1}')


def test_body_limit_unreadable_content_length_is_400(client: Client) -> None:
    response = client.generic(
        "POST", "/api/planner/solve", b"x", content_type="application/json", CONTENT_LENGTH="lots"
    )

    assert response.status_code == 400
