"""A throttle on logins, per username and IP address, counted atomically in the database.

Django ships no login throttle; packages that add one (django-axes …) bring their own
models, middleware and backends for what here is one table and three functions. Counting
per username *and* address means an attacker cannot lock a person out from elsewhere,
while one address cannot keep guessing one person's password.

An attempt is counted *before* the password is checked, under a row lock, and forgotten
when it succeeds: with the check after the count, concurrent attempts cannot race past
the limit (``tests/accounts/test_throttle.py``). The site's login page and the admin's
share it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sideline.accounts.models import LoginAttempts

__all__ = ["MAX_FAILURES", "WINDOW_SECONDS", "clear_failures", "reserve_attempt"]

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(*, username: str, ip: str) -> str:
    # Hashed: usernames and addresses are personal data; the key needs only to match.
    return hashlib.sha256(f"{username.casefold()}\x00{ip}".encode()).hexdigest()


def reserve_attempt(*, username: str, ip: str) -> bool:
    """Count one attempt to log in; return ``False`` when the limit is already reached.

    A refused attempt is not counted, so that a throttled attacker does not extend the
    window; the window starts at the first attempt and lasts ``WINDOW_SECONDS``.
    """
    key = _key(username=username, ip=ip)
    now = timezone.now()
    window = timedelta(seconds=WINDOW_SECONDS)
    with transaction.atomic():
        LoginAttempts.objects.filter(window_start__lt=now - window).delete()
        LoginAttempts.objects.bulk_create(
            [LoginAttempts(key=key, count=0, window_start=now)], ignore_conflicts=True
        )
        row = LoginAttempts.objects.select_for_update().get(key=key)
        if row.window_start < now - window:
            row.count, row.window_start = 0, now
        if row.count >= MAX_FAILURES:
            return False
        row.count += 1
        row.save(update_fields=["count", "window_start"])
    return True


def clear_failures(*, username: str, ip: str) -> None:
    """Forget the attempts of a username from an address, after a successful login."""
    LoginAttempts.objects.filter(key=_key(username=username, ip=ip)).delete()
