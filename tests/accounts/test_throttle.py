"""The login throttle: atomic under concurrent attempts, and on the admin's login too."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from sideline.accounts.models import LoginAttempts, SecurityEvent
from sideline.accounts.throttle import MAX_FAILURES, WINDOW_SECONDS, reserve_attempt

T = TypeVar("T")
# The SQLite test database is in memory with a shared cache, whose table locks fail at once
# instead of waiting; a real SQLite file queues writers (IMMEDIATE transactions).
postgres_only = pytest.mark.skipif(
    "postgres" not in os.environ.get("SIDELINE_DATABASE_URL", ""),
    reason="needs PostgreSQL: concurrent writers on the in-memory SQLite test database fail",
)
CALLERS = 12
PASSWORD = "a-long-enough-password"


def _all_at_once(act: Callable[[], T]) -> list[T]:
    """Run ``act`` in CALLERS threads released together; return what each returned."""
    start = threading.Barrier(CALLERS)
    results: list[T] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            result = act()
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_reserve_attempt_concurrent_callers_exactly_the_limit_pass() -> None:
    granted = _all_at_once(lambda: reserve_attempt(username="alice", ip="10.0.0.1"))

    assert (granted.count(True), granted.count(False)) == (MAX_FAILURES, CALLERS - MAX_FAILURES)
    assert LoginAttempts.objects.get().count == MAX_FAILURES


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_login_page_concurrent_guesses_exactly_the_limit_checked() -> None:
    def guess() -> str:
        response = Client().post("/accounts/login/", {"username": "alice", "password": "guess"})
        return "throttled" if "Too many failed logins" in response.content.decode() else "checked"

    outcomes = _all_at_once(guess)

    assert outcomes.count("checked") == MAX_FAILURES
    assert outcomes.count("throttled") == CALLERS - MAX_FAILURES


@pytest.fixture
def staff(db: None) -> object:
    return get_user_model().objects.create_user(
        "admin", password=PASSWORD, is_staff=True, is_superuser=True
    )


def test_admin_login_throttled_after_failures(client: Client, staff: object) -> None:
    for _ in range(MAX_FAILURES):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed logins" in response.content.decode()
    assert list(SecurityEvent.objects.values_list("username", "action", "code")) == [
        ("admin", "login", "too_many_attempts")
    ]


def test_admin_login_below_the_limit_logs_in(client: Client, staff: object) -> None:
    for _ in range(MAX_FAILURES - 1):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})

    assert response.status_code == 302
    assert LoginAttempts.objects.count() == 0


def test_reserve_attempt_window_over_counts_afresh(db: None) -> None:
    for _ in range(MAX_FAILURES):
        reserve_attempt(username="alice", ip="10.0.0.1")
    refused = reserve_attempt(username="alice", ip="10.0.0.1")
    LoginAttempts.objects.update(
        window_start=timezone.now() - timedelta(seconds=WINDOW_SECONDS + 1)
    )

    assert (refused, reserve_attempt(username="alice", ip="10.0.0.1")) == (False, True)
    assert LoginAttempts.objects.get().count == 1
