"""Shared fixtures (settings: tests/settings.py)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from playwright.sync_api import Browser, Page, sync_playwright

# CI runs on two loaded cores: a per-example deadline would make a property test's outcome
# depend on the machine's speed (so would the "generation is slow" health check), and a
# random seed would make it differ between runs.
settings.register_profile(
    "sideline", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("sideline")


def reference_data() -> Path:
    """Return the shared reference data folder, or skip the test that needs it."""
    value = os.environ.get("SIDELINE_REFERENCE_DATA")
    if not value:
        pytest.skip("SIDELINE_REFERENCE_DATA is not set; .ci/run points it at ../shared/data")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"SIDELINE_REFERENCE_DATA={value} is not a folder")
    return path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the bundled dataset once per test database: most tests read it."""
    from sideline.registry.services import load_package

    with django_db_blocker.unblock():
        load_package()


@pytest.fixture
def registry(db: None) -> None:
    """Give a test the bundled registry (loaded once per session, rolled back per test)."""
    from sideline.registry.models import Organization

    assert Organization.objects.filter(slug="csto").exists(), "the bundled dataset did not load"


@pytest.fixture
def minimal_registry(db: None, tmp_path: Path) -> Path:
    """Replace the registry with the small package of tests/registry/package_factory.py."""
    from sideline.registry.services import load_package
    from tests.registry.package_factory import write_package

    directory = write_package(tmp_path / "package")
    load_package(directory)
    return directory


Concurrently = Callable[..., list[Any]]


@pytest.fixture
def concurrently(transactional_db: None) -> Concurrently:
    """Run callables at the same moment, each in a thread of its own with its own
    database connection; return what each returned, or the exception it raised, in order.

    PostgreSQL only: SQLite takes one writer at a time (IMMEDIATE transactions), so
    the races these tests provoke cannot happen there, and the in-memory test database
    is not meant to be written from several threads.
    """
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent clients need PostgreSQL (set SIDELINE_DATABASE_URL)")

    def run(*calls: Callable[[], Any]) -> list[Any]:
        start = threading.Barrier(len(calls))
        results: list[Any] = [None] * len(calls)

        def work(index: int, call: Callable[[], Any]) -> None:
            try:
                start.wait(timeout=60)
                results[index] = call()
            except BaseException as error:
                results[index] = error
            finally:
                # Django opens one connection per thread; an open one would block the flush.
                connections.close_all()

        threads = [threading.Thread(target=work, args=pair) for pair in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        return results

    return run


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright; never a browser downloaded by a test tool."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)"
        if os.environ.get("SIDELINE_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the
    # live server's test set-up in the same thread, would otherwise refuse to run.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def live_registry(transactional_db: None) -> None:
    """Load the bundled dataset for a live-server test (those flush the database after)."""
    from sideline.registry.services import load_package

    load_package()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh browser page whose relative URLs go to the live test server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture(autouse=True)
def _english_unless_asked() -> Iterator[None]:
    """Start every test in English and leave English behind.

    Django keeps the active language per thread: a page read in Kazakh, or a command run
    under a locale, would otherwise leave its language to the next test in the same worker,
    whose English messages then come out translated.
    """
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
