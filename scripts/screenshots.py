"""Take the screenshots of docs/screenshots/ from a running node, so that they never drift.

Usage (a demo node, on loopback only):

    sideline init && sideline serve --port 8000 &
    python scripts/screenshots.py [--base http://127.0.0.1:8000]

Each key page of a journey is taken in English and Russian, at 1280 and 375 CSS px, with
Debian's chromium (never a downloaded browser), and written as
``docs/screenshots/<name>-<language>-<width>.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "sideline-demo-2013"  # the demo people's (sideline.meetings.demo)

# (name, who is logged in, path): the key page of each journey.
PAGES = [
    ("home", None, "/"),
    ("organization", None, "/organizations/csto/"),
    ("calendar-agenda", None, "/planner/2013/"),
    ("calendar-month", None, "/planner/2013/?view=month&month=9"),
    ("calendar-year", None, "/planner/2013/?view=year"),
    ("overlap", None, "/analysis/overlap/?as_of=2013-01-01"),
    ("suggestions", None, "/analysis/suggestions/?as_of=2013-01-01"),
    ("meetings", "nato-delegate", "/meetings/"),
    ("results", None, "/meetings/dashboard/"),
    ("plan", "coordinator", "/planner/"),
]
WIDTHS = (1280, 375)
LANGUAGES = ("en", "ru")


def _login(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the node's address")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for language in LANGUAGES:
            for width in WIDTHS:
                for name, who, path in PAGES:
                    context = browser.new_context(
                        base_url=args.base,
                        viewport={"width": width, "height": 900},
                        locale="ru-RU" if language == "ru" else "en-GB",
                        extra_http_headers={"Accept-Language": language},
                        timezone_id="Europe/Vienna",
                    )
                    page = context.new_page()
                    if who:
                        _login(page, who)
                    response = page.goto(path)
                    if response is None or response.status >= 400:
                        print(f"{path}: HTTP {response and response.status}", file=sys.stderr)
                        return 1
                    target = OUT / f"{name}-{language}-{width}.png"
                    page.screenshot(path=str(target), full_page=False)
                    print(f"wrote {target.relative_to(OUT.parent.parent)}")
                    context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
