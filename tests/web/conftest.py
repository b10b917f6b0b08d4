"""Fixtures of the site-wide browser tests: one seeded site, people of each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext

# The people `sideline.meetings.demo.seed` creates, one per role a page can differ for.
ROLES = ("nato-viewer", "nato-delegate", "nato-signatory", "coordinator", "curator")
PASSWORD = "sideline-demo-2013"


@pytest.fixture
def demo_site(live_registry: None) -> dict[str, Any]:
    """Seed what the home page leads to: a published 2013 plan, a working draft of it,
    the demo meetings with a decision and commitments, and checkpointed logs."""
    from sideline.meetings.demo import seed as seed_meetings
    from sideline.planner.services import create_plan, publish_plan, start_draft
    from sideline.record.demo import seed as seed_record
    from sideline.registry.models import Organization
    from tests.planner.factory import FAST, REQUESTS

    plan = create_plan(year=2013, requests=REQUESTS, origin="file", options=FAST)
    publish_plan(plan=plan, publisher=Organization.objects.get(slug="osce"))
    draft = start_draft(plan=plan)
    seed_meetings(say=lambda _line: None)
    seed_record(say=lambda _line: None)
    return {"plan": plan, "draft": draft}


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def contexts(browser: Browser, live_server: Any) -> Iterator[NewContext]:
    """Open browser contexts on the live server, logged in as `username` if given."""
    opened: list[BrowserContext] = []

    def new(
        username: str | None = None, *, width: int = 1280, locale: str = "en-GB"
    ) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport={"width": width, "height": 900},
            timezone_id="Asia/Almaty",
        )
        context.set_default_timeout(15_000)
        opened.append(context)
        if username is not None:
            page = context.new_page()
            page.goto("/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            page.close()
        if locale.startswith("ru"):
            page = context.new_page()
            page.goto("/")
            page.select_option("#language", "ru")
            page.click("[data-testid=set-language]")
            page.wait_for_selector("html[lang=ru]")
            page.close()
        return context

    yield new
    for context in opened:
        context.close()
