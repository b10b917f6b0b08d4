"""The curator's journey in chromium: propose, be refused one's own approval, have a
second curator approve, see the history, load the bundled data again and find the
correction kept; in English and Russian, on a wide screen and a phone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.accounts.factories import PASSWORD, person

Open = Callable[[str], Page]

FACT = "csto UZB 2006-08-16"


@pytest.fixture
def open_as(
    browser: Browser, live_server: Any, live_registry: None, request: pytest.FixtureRequest
) -> Iterator[Callable[[str, str, int], Page]]:
    """Open a page logged in as `username`, in `locale`, `width` CSS px wide."""
    contexts: list[BrowserContext] = []

    def open_page(username: str, locale: str, width: int) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if locale.startswith("ru"):
            page.select_option("#language", "ru")
            page.click("[data-testid=set-language]")
            page.wait_for_selector("html[lang=ru]")
        return page

    yield open_page
    for context in contexts:
        context.close()


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, f"{page.url} scrolls {width} px sideways"


@pytest.mark.parametrize(
    ("locale", "width"), [("en-GB", 1280), ("ru-RU", 375), ("ru-RU", 1280), ("en-GB", 375)]
)
def test_curator_corrects_a_membership_that_a_later_load_keeps(
    open_as: Callable[[str, str, int], Page], locale: str, width: int
) -> None:
    from sideline.registry.models import Membership
    from sideline.registry.services import load_package

    person("alice", organization=None, role="curator")
    person("bob", organization=None, role="curator")
    lang = locale[:2]

    alice = open_as("alice", locale, width)
    alice.goto("/organizations/csto/")
    alice.click("[data-testid=curate]")
    row = alice.locator("[data-testid=facts-memberships] tr", has_text=FACT)
    row.locator("[data-testid=change]").click()
    assert alice.locator("[data-testid=fact]").inner_text() == FACT
    _no_horizontal_scroll(alice)

    # A mistake first: the form keeps what was typed and the focus goes to the field.
    alice.fill("#id_end", "2005-01-01")
    alice.fill("#id_citation", "CSTO Collective Security Council decision, 19 December 2012")
    alice.fill("#id_reason", "The decision took effect the next day.")
    alice.click("[data-testid=propose] button[type=submit]")
    alice.wait_for_selector("#id_end[aria-invalid=true]")
    assert alice.evaluate("document.activeElement.id") == "id_end"
    assert alice.input_value("#id_reason") == "The decision took effect the next day."

    alice.fill("#id_end", "2012-12-20")
    alice.click("[data-testid=propose] button[type=submit]")
    alice.wait_for_url("**/corrections/*/")
    assert alice.locator("[data-testid=messages]").count() == 1
    assert alice.locator("[data-testid=review]").count() == 0  # not one's own
    detail = alice.url

    bob = open_as("bob", locale, width)
    bob.goto("/corrections/")
    bob.locator("[data-testid=pending] a").first.click()
    bob.wait_for_url(detail)
    assert bob.locator("[data-testid=diff] del").first.inner_text() == "2012-12-19"
    assert bob.locator("[data-testid=diff] ins").first.inner_text() == "2012-12-20"
    bob.click("[data-testid=review] button[value=approve]")
    bob.wait_for_selector("[data-testid=reviewer]")
    assert bob.locator("[data-testid=record]").count() == 1
    _no_horizontal_scroll(bob)

    bob.goto("/organizations/csto/")
    history = bob.locator("[data-testid=history]")
    assert FACT in history.inner_text()
    assert bob.locator("html").get_attribute("lang") == lang
    _no_horizontal_scroll(bob)

    load_package()  # as `sideline init` and `sideline data load` do

    bob.goto("/states/UZB/")
    assert "2012-12-20" in bob.locator("main").inner_text()
    assert (
        Membership.objects.get(organization__slug="csto", state__code="UZB", start="2006-08-16").end
        == "2012-12-20"
    )
