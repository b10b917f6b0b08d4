"""Reads of accounts: the user behind an API token."""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from django.utils import timezone

from sideline.accounts.models import ApiToken
from sideline.accounts.services import TOKEN_PREFIX, _digest


def user_for_token(token: str) -> Any | None:
    """Return the active user whose unrevoked token this is, or ``None``."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    row = (
        ApiToken.objects.select_related("user", "user__person")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    if not hmac.compare_digest(row.digest, _digest(token)):
        return None
    now = timezone.now()
    # One write a minute at most: a busy client should not turn every read into a write.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def client_ip(request: Any) -> str | None:
    """The peer's address; behind a proxy, configure it to set REMOTE_ADDR."""
    value = request.META.get("REMOTE_ADDR")
    return str(value) if value else None
