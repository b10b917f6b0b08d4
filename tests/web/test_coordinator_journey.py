"""The coordinator's journey of issue 14 in a real browser, in English and Russian, at
1280 and 375 px: start a year from its empty state, watch the run, move a meeting on the
timetable grid with the keyboard, publish the draft; and the new pages pass axe."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import NewContext
from tests.web.site_crawl import axe_source, crawl

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "width"), [("en", 1280), ("ru", 375), ("en", 375), ("ru", 1280)]
)
def test_coordinator_starts_a_year_moves_a_meeting_on_the_grid_and_publishes(
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

    # The 2013 draft's timetable at the UN General Assembly: Move, then a free cell, by
    # keyboard; then its page shows the move as what publishing changes.
    draft = demo_site["draft"]
    page.goto(f"/planner/plans/{draft.pk}/")
    page.locator("[aria-labelledby=grids-h] summary").click()
    page.locator(f"[data-testid=grids] a[href='/planner/plans/{draft.pk}/grid/unga-68/']").click()
    move = page.locator("[data-testid=grid-move]").first
    request = move.locator("xpath=ancestor::td").get_attribute("data-request")
    move.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=moving]")).to_be_visible()
    target = page.locator("[data-testid=move-here]:not(:has([data-testid=breaks]))").last
    cell = target.locator("xpath=ancestor::td")
    slot, room = cell.get_attribute("data-slot"), cell.get_attribute("data-room")
    date = target.locator("xpath=ancestor::table").get_attribute("data-date")
    target.locator("button").focus()
    page.keyboard.press("Enter")
    moved = page.locator(
        f"table[data-date='{date}'] td[data-slot='{slot}'][data-room='{room}']"
        f"[data-request='{request}']"
    )
    expect(moved).to_have_attribute("data-kind", "meeting")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"/planner/plans/{draft.pk}/")
    expect(
        page.locator(f"[data-testid=change][data-kind=moved][data-request='{request}']")
    ).to_be_visible()


def test_coordinators_new_pages_pass_axe_and_reflow(
    contexts: NewContext, demo_site: dict[str, Any]
) -> None:
    from sideline.planner.models import PlannerRun

    draft = demo_site["draft"]
    meeting = draft.meetings.first()
    run = PlannerRun.objects.create(year=2013, kind="replan", based_on=draft, time_limit=10)
    urls = [
        "/planner/",
        "/planner/2027/",
        "/planner/2030/",
        "/planner/2013/sessions/",
        "/planner/sessions/unga-68/edit/",
        "/planner/sessions/unga-68/cancel/",
        f"/planner/plans/{draft.pk}/",
        f"/planner/plans/{draft.pk}/grid/unga-68/",
        f"/planner/plans/{draft.pk}/grid/unga-68/?move={meeting.pk}",
        f"/planner/runs/{run.pk}/",
    ]
    for width in (1280, 320):
        page = contexts("coordinator", width=width).new_page()
        for url in urls:
            result = crawl(
                page,
                per_kind=1,
                limit=1,
                axe=axe_source() if width > 320 else None,
                widths=(width,) if width <= 320 else (),
                start=url,
            )

            assert result.visited == [url]
            assert not result.violations, "\n".join(result.violations)
            assert not result.overflows, "\n".join(result.overflows)
