"""Guards at the edge of every request: no control characters in, only JSON errors out of /api/.

* **Control characters refused.** A NUL in a URL, a query or a body reached PostgreSQL,
  which cannot store or even compare it, and the request answered 500; the other controls
  were stored and later broke the Atom feeds of every reader. Every value a person sends
  (path, query arguments, form fields, JSON strings and keys) is checked here once, for
  the pages, the admin and the API alike, and the request answers 400 naming the field.
  Uploaded files' contents are not text fields and are not checked here.
* **The API answers JSON.** Errors raised outside django-ninja's handlers (an unknown path,
  a method an operation does not have, a failure before or after the view) came back as
  Django's HTML pages; under ``/api/`` they become the one error body of
  ``sideline/openapi.py``, keeping status and headers (``Allow`` on a 405).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from sideline.errors import ApiError
from sideline.validators import control_character

__all__ = ["ApiJsonErrorsMiddleware", "ControlCharacterMiddleware", "is_api"]

API_PREFIX = "/api/"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Stable codes for the statuses Django itself answers with under /api/.
_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "server_error",
}


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Yield (field, text) for every key and string inside a decoded JSON value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            field = f"{path}.{key}" if path else str(key)
            yield field, str(key)
            yield from _strings(item, field)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def _sent_values(request: HttpRequest) -> Iterator[tuple[str, str]]:
    yield "path", request.path
    for key, values in request.GET.lists():
        yield key, key
        for value in values:
            yield key, value
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    content_type = request.content_type or ""
    # A body too large or malformed is left to the view, which answers it as before.
    try:
        if content_type in _FORM_TYPES:
            for key, values in request.POST.lists():
                yield key, key
                for value in values:
                    yield key, value
        elif content_type == "application/json" or content_type.endswith("+json"):
            yield from _strings(json.loads(request.body), "")
    except (
        RequestDataTooBig,
        TooManyFieldsSent,
        MultiPartParserError,
        UnicodeDecodeError,
        ValueError,
        OSError,
    ):
        return


class ControlCharacterMiddleware:
    """Answer 400, naming the field, to a request that sends a control character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        for field, text in _sent_values(request):
            character = control_character(text)
            if character is None:
                continue
            if is_api(request):
                error = ApiError(
                    400,
                    "control_character",
                    f"{field}: remove the control character {character}",
                    field=field,
                )
                return JsonResponse(error.body(), status=400)
            message = _("%(field)s: remove the control character %(character)s") % {
                "field": field,
                "character": character,
            }
            return render(
                request, "web/error.html", {"status": 400, "message": message}, status=400
            )
        return self.get_response(request)


class ApiJsonErrorsMiddleware:
    """Turn any non-JSON error under /api/ into the one error body, same status and headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        messages = {
            404: f"no API operation at {request.path}; see /api/docs",
            405: f"{request.method} is not allowed here; allowed: {response.get('Allow', '')}",
            500: "the server failed; the error was logged",
        }
        try:
            message = messages.get(status) or HTTPStatus(status).phrase
        except ValueError:
            message = "error"
        body = ApiError(status, _CODES.get(status, "http_error"), message).body()
        replacement: HttpResponse = JsonResponse(body, status=status)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replacement[header] = response[header]
        return replacement
