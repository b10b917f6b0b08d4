"""API authentication: a bearer token or the browser's session, same permissions as pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from sideline.accounts.selectors import user_for_token
from sideline.errors import ApiError


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sl_…``; the user then stands in for ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


# Session auth checks CSRF on writes, as the pages do; bearer tokens need no CSRF.
API_AUTH = [TokenAuth(), SessionAuth()]


def request_user(request: HttpRequest) -> Any:
    """The caller of a read endpoint: token user, session user or anonymous.

    A bad token is refused rather than read as anonymous, so that a client learns its
    token stopped working instead of silently seeing less.
    """
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
        if user is None:
            raise ApiError(401, "invalid_token", "the API token is unknown, revoked or disabled")
        request.user = user
        return user
    return request.user
