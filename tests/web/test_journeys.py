"""Journeys of issue 14 in a real browser, in English and Russian, at 1280 and 375 px:
the menu on a phone, the calendar's views with the reader's own time, a failed form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sideline.planner.services import create_plan, publish_plan
from sideline.registry.models import Organization
from tests.planner.factory import FAST, REQUESTS
from tests.web.conftest import NewContext

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"menu": "Menu", "year": "Year", "time": "your time"},
    "ru": {"menu": "Меню", "year": "Год", "time": "ваше время"},
}


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("ru", 375), ("en", 375)])
def test_reader_finds_the_calendar_sees_their_time_and_the_year(
    contexts: NewContext, live_registry: None, language: str, width: int
) -> None:
    plan = create_plan(year=2013, requests=REQUESTS, origin="file", options=FAST)
    publish_plan(plan=plan, publisher=Organization.objects.get(slug="osce"))
    words = WORDS[language]
    page = contexts(width=width, locale="ru-RU" if language == "ru" else "en-GB").new_page()

    page.goto("/")
    toggle = page.get_by_role("button", name=words["menu"])
    if width < 700:
        assert not page.locator("#site-nav").is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
    else:
        assert not toggle.is_visible()
    page.locator("#site-nav a[href='/planner/']").click()
    page.locator("a[href='/planner/2013/']").click()
    # A click does not wait for the next page: the expectations below do, so that a slow
    # machine is not a failure.
    page.wait_for_url("**/planner/2013/")
    # The browser is in Asia/Almaty; the meetings are in New York: both times are shown.
    mine = page.locator("[data-testid=viewer-time]")
    expect(mine).to_have_count(3)
    assert words["time"] in mine.first.inner_text()
    assert "Asia/Almaty" in mine.first.inner_text()
    page.get_by_role("link", name=words["year"], exact=True).click()
    expect(page.locator("[data-testid=year] caption")).to_have_count(12)
    page.locator("[data-testid=busy-day]").first.click()
    expect(page.locator("[data-testid=month] [data-testid=meeting]")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_skip_link_is_first_and_moves_to_the_content(
    contexts: NewContext, live_registry: None
) -> None:
    page = contexts(width=375).new_page()
    page.goto("/organizations/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")

    assert focused == "Skip to the content"
    assert page.evaluate("document.activeElement.id") == "main"
