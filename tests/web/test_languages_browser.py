"""Each interface language in Debian's chromium: the main pages, Arabic mirrored right to left."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.web.conftest import NewContext

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The page's direction, its language, how far it scrolls sideways, and where the brand
# (first in the header) and the menu's first link sit.
PROBE = """() => {
  const root = document.documentElement;
  const brand = document.querySelector('.brand').getBoundingClientRect();
  const first = document.querySelector('#site-nav a').getBoundingClientRect();
  const th = document.querySelector('main th');
  return {
    lang: root.lang,
    dir: getComputedStyle(document.body).direction,
    overflow: root.scrollWidth - root.clientWidth,
    brandLeft: brand.left, brandRight: brand.right, navLeft: first.left,
    width: root.clientWidth,
    thAlign: th ? getComputedStyle(th).textAlign : null,
    thDir: th ? getComputedStyle(th).direction : null,
  };
}"""


def pages(demo_site: dict[str, Any]) -> dict[str, str]:
    from sideline.meetings.models import Meeting

    meeting = Meeting.objects.filter(public=True).order_by("pk").first()
    assert meeting is not None
    return {
        "home": "/",
        "organization": "/organizations/osce/",
        "calendar": "/planner/2013/?view=month&month=9",
        "meeting": f"/meetings/{meeting.pk}/",
        "analysis": "/analysis/overlap/",
    }


def test_each_language_on_the_main_pages_with_arabic_right_to_left(
    demo_site: dict[str, Any], contexts: NewContext
) -> None:
    """One seeded site for all seven languages: seeding it takes longer than the visits."""
    problems = []
    for code, _ in settings.LANGUAGES:
        rtl = code == "ar"
        for width in (375, 1280):
            page = contexts(width=width).new_page()
            for name, path in pages(demo_site).items():
                joiner = "&" if "?" in path else "?"
                response = page.goto(f"{path}{joiner}lang={code}")
                assert response is not None
                seen = page.evaluate(PROBE)
                where = f"{code} {name} at {width}px"
                if response.status != 200 or seen["lang"] != code:
                    problems.append(f"{where}: status {response.status}, lang {seen['lang']}")
                if seen["dir"] != ("rtl" if rtl else "ltr"):
                    problems.append(f"{where}: direction {seen['dir']}")
                if seen["overflow"] > 0:
                    problems.append(f"{where}: scrolls {seen['overflow']}px sideways")
                if seen["thDir"] is not None and seen["thAlign"] not in ("start", "center"):
                    problems.append(f"{where}: table headers aligned {seen['thAlign']}")
                if width == 1280:
                    # The brand opens the header on the reading side; the menu follows it.
                    mirrored = seen["brandRight"] > seen["width"] - 80
                    follows = seen["navLeft"] < seen["brandLeft"]
                    if rtl != mirrored or rtl != follows:
                        problems.append(f"{where}: header not laid out {'rtl' if rtl else 'ltr'}")
            page.context.close()

    assert problems == []


# Where the heat map's row labels sit against its cells: left of them, or right.
LABELS_SIDE = """() => {
  const chart = document.querySelector('main figure svg');
  const cells = [...chart.querySelectorAll('rect.cell')].map(c => c.getBoundingClientRect());
  const rows = [...chart.querySelectorAll('text')]
    .filter(t => !t.closest('.legend'))
    .filter(t => !(t.getAttribute('transform') || '').includes('rotate'))
    .filter(t => (t.getAttribute('text-anchor') || 'start') !== 'middle')
    .map(t => t.getBoundingClientRect());
  const cellsLeft = Math.min(...cells.map(r => r.left));
  const cellsRight = Math.max(...cells.map(r => r.right));
  return {
    rows: rows.length,
    left: rows.every(r => r.right <= cellsLeft + 1),
    right: rows.every(r => r.left >= cellsRight - 1),
  };
}"""


@pytest.mark.parametrize(("code", "side"), [("en", "left"), ("ar", "right")])
def test_a_charts_labels_sit_on_the_reading_side(
    live_registry: None, contexts: NewContext, code: str, side: str
) -> None:
    page = contexts().new_page()
    # The first analysis page builds the registry's snapshot: slow on two loaded cores.
    page.goto(f"/analysis/overlap/?lang={code}", timeout=90_000)

    seen = page.evaluate(LABELS_SIDE)

    assert seen["rows"] > 5
    assert (seen["left"], seen["right"]) == (side == "left", side == "right")
