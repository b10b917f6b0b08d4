"""The coordinator's journey of issue 14 in a real browser, in English and Russian, at
1280 and 375 px: start a year from its empty state, watch the run, publish the draft."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import NewContext

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("ru", 375)])
def test_coordinator_starts_a_year_watches_the_run_and_publishes(
    contexts: NewContext,
    demo_site: dict[str, Any],
    settings: Any,
    language: str,
    width: int,
) -> None:
    # The run's own thread, as served: the live server's rows are committed.
    settings.SIDELINE_PLANNER_RUNS = "thread"
    page = contexts(
        "coordinator", width=width, locale="ru-RU" if language == "ru" else "en-GB"
    ).new_page()

    page.goto("/planner/")
    page.locator("[data-testid=startable] a[href='/planner/2027/']").click()
    expect(page.locator("[data-testid=year-session]")).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("[data-testid=start-year] button").click()
    # The run's page polls its figures and opens the new version when the run ends.
    expect(page).to_have_url(re.compile(r"/planner/plans/\d+/$"), timeout=90_000)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("[data-testid=solver-status]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#id_publisher").select_option(index=1)
    page.locator("[data-testid=publish]").click()
    expect(page.locator("[data-testid=publish]")).to_have_count(0)
    page.goto("/planner/2027/")
    expect(page.locator("[data-testid=meeting]").first).to_be_visible()
