"""What the meetings API tests share: a bearer token header, and the one error body read
as (status, code, field)."""

from __future__ import annotations

from typing import Any

from sideline.accounts.services import create_token

__all__ = ["bearer", "error"]


def bearer(user: Any) -> dict[str, Any]:
    """Return the header that authenticates as ``user`` with a new API token."""
    _token, plain = create_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def error(response: Any) -> tuple[int, str, str | None]:
    """Return the status, code and field of an error response."""
    body = response.json()["error"]
    return response.status_code, body["code"], body["field"]
