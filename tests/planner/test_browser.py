"""The calendar in a real browser: open it and filter by an organization."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from sideline.planner.services import create_plan, publish_plan
from sideline.registry.models import Organization
from tests.planner.factory import FAST, REQUESTS

pytestmark = pytest.mark.browser


def test_calendar_filter_by_organization_shows_only_its_meetings(
    page: Page, live_registry: None
) -> None:
    plan = create_plan(year=2013, requests=REQUESTS, origin="file", options=FAST)
    publish_plan(plan=plan, publisher=Organization.objects.get(slug="osce"))

    page.goto("/planner/2013/")
    before = page.locator("[data-testid=meeting]").count()
    page.select_option("#organization", "csto")
    page.click("[data-testid=apply-filters]")
    page.wait_for_url("**/planner/2013/?*organization=csto*")
    meetings = page.locator("[data-testid=meeting]")

    assert before == 3
    assert meetings.count() == 1
    assert meetings.first.get_attribute("data-request") == "r1"
    assert "CSTO – SCO" in meetings.first.inner_text()
    assert page.locator("[data-testid=count]").inner_text() == "1 meeting"
