"""Journeys of issue 14 in a real browser, in English and Russian, at 1280 and 375 px: a
participant proposes an agenda item; the host finds it on their "to do" page, counted in
the menu, and accepts it; a signatory agrees to the minutes from their list."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from sideline.meetings.models import Meeting
from sideline.meetings.services import circulate_minutes, create_meeting, save_minutes
from tests.accounts.factories import PASSWORD, person
from tests.web.conftest import NewContext

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "menu": "Menu",
        "todo_one": "To do 1 item",
        "propose": "Propose",
        "accept": "Accept “Border liaison”",
        "nothing": "Nothing awaits your answer.",
        "agree": "Agree for my organization",
    },
    "ru": {
        "menu": "Меню",
        "todo_one": "Мои дела 1 дело",
        "propose": "Предложить",
        "accept": "Принять «Border liaison»",
        "nothing": "Ничто не ждёт вашего ответа.",
        "agree": "Согласовать от имени моей организации",
    },
}
CASES = [("en", 1280), ("ru", 375), ("en", 375), ("ru", 1280)]


def log_in(context: BrowserContext, username: str) -> Page:
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def open_menu(page: Page, width: int, language: str) -> None:
    if width < 700:
        page.get_by_role("button", name=WORDS[language]["menu"]).click()


def meeting_of_nato_and_osce() -> Meeting:
    host = person("nato-delegate", organization="nato", role="delegate")
    person("osce-delegate", organization="osce", role="delegate")
    person("osce-signatory", organization="osce", role="signatory")
    return create_meeting(
        actor=host,
        title="Border talks",
        host="nato",
        participants=["osce"],
        date=date(2013, 9, 24),
    )


@pytest.mark.parametrize(("language", "width"), CASES)
def test_participant_proposes_and_host_accepts_from_the_todo_page(
    contexts: NewContext, live_registry: None, language: str, width: int
) -> None:
    words = WORDS[language]
    meeting = meeting_of_nato_and_osce()
    locale = "ru-RU" if language == "ru" else "en-GB"

    guest = log_in(contexts(width=width, locale=locale), "osce-delegate")
    guest.goto(f"/meetings/{meeting.pk}/")
    guest.fill("#propose-item", "Border liaison")
    guest.get_by_role("button", name=words["propose"], exact=True).click()
    expect(guest.locator("[data-testid=messages]")).to_be_visible()
    assert "Border liaison" in guest.locator("#proposed-items + ul").inner_text()

    host = log_in(contexts(width=width, locale=locale), "nato-delegate")
    host.goto("/")
    open_menu(host, width, language)
    host.get_by_role("link", name=words["todo_one"]).click()
    host.locator("main a[href$='#proposed-items']").click()
    host.get_by_role("button", name=words["accept"]).click()

    assert host.locator("#agenda + ol li").all_inner_texts() == ["Border liaison"]
    host.goto("/meetings/todo/")
    assert host.get_by_text(words["nothing"]).is_visible()
    for page in (guest, host):
        assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("language", "width"), CASES)
def test_signatory_agrees_to_minutes_from_the_todo_page(
    contexts: NewContext, live_registry: None, language: str, width: int
) -> None:
    words = WORDS[language]
    meeting = meeting_of_nato_and_osce()
    host = person("nato-signatory", organization="nato", role="signatory")
    save_minutes(actor=host, meeting=meeting, text="The parties met.")
    circulate_minutes(actor=host, meeting=meeting)

    page = log_in(
        contexts(width=width, locale="ru-RU" if language == "ru" else "en-GB"), "osce-signatory"
    )
    page.goto("/")
    open_menu(page, width, language)
    page.get_by_role("link", name=words["todo_one"]).click()
    page.locator("main a[href$='#minutes']").click()
    page.get_by_role("button", name=words["agree"]).click()

    table = page.locator("#minutes ~ .table-scroll").first.inner_text()
    assert "osce-signatory" in table
    page.goto("/meetings/todo/")
    assert page.get_by_text(words["nothing"]).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
