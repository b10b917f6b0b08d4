"""Every page reachable from the home page passes axe-core and reflows at 375 and 320 px.

Anonymous and as each role, in one test per check so that the seeded site and the live
server are shared; the crawl is bounded by kinds of page, not by time.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import ROLES, NewContext
from tests.web.site_crawl import axe_source, crawl

pytestmark = pytest.mark.browser

# Anonymous visitors see every public kind of page twice; a role's pages differ from the
# anonymous ones mostly by their forms, so once each is enough.
PER_KIND = {None: 2}
LIMIT = 50


@pytest.mark.parametrize("username", [None, *ROLES])
def test_axe_finds_no_violation_on_any_page_reachable_from_home(
    contexts: NewContext, demo_site: dict[str, Any], username: str | None
) -> None:
    page = contexts(username).new_page()

    result = crawl(page, per_kind=PER_KIND.get(username, 1), limit=LIMIT, axe=axe_source())

    assert len(result.visited) >= 15, result.visited
    assert not result.violations, "\n".join(result.violations)


@pytest.mark.parametrize("username", [None, "coordinator", "nato-signatory"])
def test_no_page_scrolls_horizontally_at_375_or_320_px(
    contexts: NewContext, demo_site: dict[str, Any], username: str | None
) -> None:
    page = contexts(username, width=375).new_page()

    result = crawl(
        page, per_kind=PER_KIND.get(username, 1), limit=LIMIT, axe=None, widths=(375, 320)
    )

    assert len(result.visited) >= 15, result.visited
    assert not result.overflows, "\n".join(result.overflows)


@pytest.mark.parametrize("width", [1280, 320])
def test_series_and_story_pages_pass_axe_and_reflow(
    contexts: NewContext, demo_site: dict[str, Any], width: int
) -> None:
    from sideline.meetings.models import Commitment
    from sideline.planner.models import MeetingRequest

    commitment = Commitment.objects.filter(decision__meeting__public=True).first()
    assert commitment is not None
    request = MeetingRequest.objects.get(year=2013, key="r1")
    urls = [
        "/meetings/series/organizations/csto+nato+osce/",
        f"/meetings/story/decision/{commitment.decision_id}/",
        f"/meetings/story/commitment/{commitment.pk}/",
        f"/meetings/story/request/{request.pk}/",
    ]
    page = contexts(None, width=width).new_page()

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


@pytest.mark.slow
@pytest.mark.parametrize(
    ("locale", "language"), [("ar", "ar"), ("ru-RU", "ru"), ("zh-CN", "zh-hans")]
)
def test_axe_and_reflow_hold_in_other_scripts_and_right_to_left(
    contexts: NewContext, demo_site: dict[str, Any], locale: str, language: str
) -> None:
    """Translations are longer, wrap differently and, in Arabic, mirror the layout: what passes
    in English may not. The browser's language picks the page's on the first visit."""
    page = contexts(None, locale=locale).new_page()

    result = crawl(page, per_kind=1, limit=LIMIT, axe=axe_source(), widths=(320,))

    assert len(result.visited) >= 15, result.visited
    assert page.evaluate("document.documentElement.lang") == language
    assert not result.violations, "\n".join(result.violations)
    assert not result.overflows, "\n".join(result.overflows)
