"""API authentication: a bearer token or the browser's session, same permissions as pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
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


class LoggedInSessionAuth(SessionAuth):
    """The browser's session, with CSRF checked only for a logged-in user.

    ninja checks CSRF before it looks at the session, so an anonymous write was refused
    "CSRF check Failed" (403) where the API documents 401. A request without a logged-in
    session cannot act through it, so nothing is forged by answering 401 first; a logged-in
    session without the token is still refused, with a message saying what to send.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            raise ApiError(
                403,
                "csrf_failed",
                "send the CSRF token in the X-CSRFToken header with a session, or use an API token",
            ) from None


# Session auth checks CSRF on writes, as the pages do; bearer tokens need no CSRF.
API_AUTH = [TokenAuth(), LoggedInSessionAuth()]


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
