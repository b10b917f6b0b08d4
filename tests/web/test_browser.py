"""Journeys through the site in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_journey_russian_csto_timeline_shows_uzbekistan_left_in_2012(
    page: Page, live_registry: None
) -> None:
    page.goto("/")
    page.select_option("#language", "ru")
    page.click("[data-testid=set-language]")
    page.wait_for_selector("html[lang=ru]")

    page.click("a[href='/organizations/csto/']")
    timeline = page.locator("[data-testid=timeline]")
    # The suspension that preceded it ends on the same day; the membership's end is the one sought.
    departures = timeline.locator("li.left", has_text="Узбекистан").filter(
        has_text="утратило статус: член"
    )

    assert (
        page.locator("h1")
        .inner_text()
        .startswith("Организация Договора о коллективной безопасности")
    )
    assert departures.count() >= 1
    assert "2012" in departures.last.locator("time").inner_text()
    assert "утратило статус: член" in departures.last.inner_text()
