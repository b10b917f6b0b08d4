"""HTTP as verifiers, caches and browsers on other origins expect it (RFC 9110, Fetch).

* **HEAD wherever GET is.** RFC 9110 §9.3.2 requires HEAD of a general-purpose server;
  views decorated with ``require_GET`` and django-ninja's GET operations refuse it, so a
  HEAD request is routed as GET here and its body dropped (headers, Content-Length and
  ETag stay those of the GET).
* **CORS on the public record.** A verifier running in someone else's web page must read
  the logs list, checkpoints and tiles: those answer ``Access-Control-Allow-Origin: *``
  for the read-only methods, and a preflight ``OPTIONS`` with 204. Nothing else is
  shared across origins: the pages and the API carry sessions.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve

__all__ = ["PUBLIC_RECORD_VIEWS", "HeadAndCorsMiddleware"]

# url names (namespace "record") of the read-only endpoints anyone may read from any origin
PUBLIC_RECORD_VIEWS = frozenset({"logs", "checkpoint", "tile"})
READ_METHODS = "GET, HEAD, OPTIONS"


def _is_public_record(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.namespace == "record" and match.url_name in PUBLIC_RECORD_VIEWS


class HeadAndCorsMiddleware:
    """Answer HEAD as GET without a body; add CORS to the public record endpoints."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        public = _is_public_record(request.path_info)
        if public and request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Allow"] = READ_METHODS
            response["Access-Control-Max-Age"] = "86400"
            return self._with_cors(response)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            if head:
                request.method = "HEAD"
        if head and isinstance(response, HttpResponse):
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return self._with_cors(response) if public else response

    @staticmethod
    def _with_cors(response: HttpResponseBase) -> HttpResponseBase:
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = READ_METHODS
        response["Access-Control-Allow-Headers"] = "If-None-Match, Accept-Encoding"
        response["Access-Control-Expose-Headers"] = "ETag, Content-Length, Content-Encoding"
        return response
