"""A limit on request bodies, applied before anything reads them.

Django bounds form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but streams files of any
size to disk, and waitress accepts bodies up to 1 GiB by default. This middleware
answers 413 from ``Content-Length`` alone, before a byte of the body is read; a chunked
body, which declares no length, is read up to the limit and refused past it. Multipart
forms (document uploads) get ``SIDELINE_MAX_UPLOAD_BYTES`` plus room for their other
fields; every other body gets ``SIDELINE_MAX_BODY_BYTES``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

from sideline.errors import ApiError

__all__ = ["MULTIPART_ALLOWANCE", "BodyLimitMiddleware", "body_limit"]

# The boundaries, headers and small fields (title, milestones) around an uploaded file.
MULTIPART_ALLOWANCE = 64 * 1024


def body_limit(request: HttpRequest) -> int:
    """Return the largest body this request may carry, in bytes."""
    if request.content_type == "multipart/form-data":
        return int(settings.SIDELINE_MAX_UPLOAD_BYTES) + MULTIPART_ALLOWANCE
    return int(settings.SIDELINE_MAX_BODY_BYTES)


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    error = ApiError(
        413,
        "body_too_large",
        f"the request body is over the limit of {limit} bytes; send less",
    )
    if request.path.startswith("/api/"):
        return JsonResponse(error.body(), status=413)
    return HttpResponse(error.message, status=413, content_type="text/plain; charset=utf-8")


class BodyLimitMiddleware:
    """Refuse a request whose body is over its limit with 413, without reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        limit = body_limit(request)
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip():
            try:
                length = int(declared)
            except ValueError:
                return HttpResponse("Content-Length is not a number", status=400)
            if length > limit:
                return _too_large(request, limit)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # No length to trust: read one byte past the limit at most, and keep what was
            # read as the body (Django would otherwise see none without a Content-Length).
            body = request.META["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return _too_large(request, limit)
            request._body = body  # Django reads the body from here first
        return self.get_response(request)
