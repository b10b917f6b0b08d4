"""A small throttle on failed logins, per username and IP address, kept in the cache.

Django ships no login throttle; packages that add one (django-axes …) bring their own
models, middleware and backends for what here is twenty lines. Counting per username
*and* address means an attacker cannot lock a person out from elsewhere, while one
address cannot keep guessing one person's password. Across several server processes
the cache must be shared (``CACHES`` with the database or Redis backend); the default
local-memory cache counts per process, which still bounds guessing per process.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(*, username: str, ip: str) -> str:
    # Hashed: cache keys must be short and free of spaces, usernames and addresses may not be.
    digest = hashlib.sha256(f"{username.casefold()}\x00{ip}".encode()).hexdigest()
    return f"sideline:login-failures:{digest}"


def is_throttled(*, username: str, ip: str) -> bool:
    """Whether this username from this address has failed too often in the window."""
    return int(cache.get(_key(username=username, ip=ip), 0)) >= MAX_FAILURES


def note_failure(*, username: str, ip: str) -> int:
    """Count one failed login; return the failures in the current window."""
    key = _key(username=username, ip=ip)
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:
        # The entry expired between add and incr: start a new window.
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def clear_failures(*, username: str, ip: str) -> None:
    cache.delete(_key(username=username, ip=ip))
