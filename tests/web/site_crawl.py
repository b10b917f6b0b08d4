"""A bounded crawl of the pages reachable from the home page, with axe-core and a reflow check.

axe-core comes from the npm registry (tests/js, `npm ci --prefix tests/js`) and is injected
by Playwright into each page; the product never loads it.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent.parent / "js" / "node_modules" / "axe-core" / "axe.min.js"

# Not pages: downloads, feeds, machine interfaces, and actions.
SKIPPED_PREFIXES = (
    "/api/",
    "/static/",
    "/admin/",
    "/record/logs",
    "/i18n/",
    "/record/policy",  # a tlog-policy file, served as an attachment
    "/record/proof/",  # a proof file, likewise
)
SKIPPED_SUFFIXES = (".csv", ".ics", ".json", ".xml", ".atom", ".pdf", ".txt")
SKIPPED_WORDS = ("/tile/", "/checkpoint", "format=", "print=1", "/documents/", "/logout")
# Query parameters that change what a page shows enough to count as another kind of page.
KIND_PARAMETERS = ("view",)


def axe_source() -> str:
    """Return axe-core's script, or skip (fail in CI) when tests/js is not installed."""
    if not AXE.is_file():
        message = "axe-core is not installed: run `npm ci --prefix tests/js`"
        if os.environ.get("SIDELINE_REQUIRE_NODE"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def kind_of(path: str, query: str) -> str | None:
    """Return the kind of page at `path` (its URL name and kind parameters), or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    kept = sorted((k, v) for k, v in parse_qsl(query) if k in KIND_PARAMETERS)
    return match.view_name + "".join(f"&{k}={v}" for k, v in kept)


def wanted(path: str, query: str) -> bool:
    target = f"{path}?{query}"
    return (
        not path.startswith(SKIPPED_PREFIXES)
        and not path.endswith(SKIPPED_SUFFIXES)
        and not any(word in target for word in SKIPPED_WORDS)
    )


@dataclass
class Crawl:
    """What a crawl visited and what it found wrong, page by page."""

    visited: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    overflows: list[str] = field(default_factory=list)


def run_axe(page: Page, source: str) -> list[str]:
    """Return one line per axe-core violation on the page: rule id, impact, first targets."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    results = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in results
    ]


def horizontal_overflow(page: Page) -> int:
    """Return how many CSS px the page is wider than its viewport (0 when it reflows)."""
    return int(
        page.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - document.documentElement.clientWidth"
        )
    )


def too_wide(page: Page) -> list[str]:
    """Return the first elements (outermost first) whose right edge passes the viewport."""
    found: list[str] = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth, out = [];
          for (const el of document.querySelectorAll("body *")) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 1) {
              out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "") +
                "[" + Math.round(box.right) + "]");
            }
          }
          return out.slice(0, 3);
        }"""
    )
    return found


def crawl(
    page: Page,
    *,
    per_kind: int,
    limit: int,
    axe: str | None,
    widths: tuple[int, ...] = (),
    start: str = "/",
) -> Crawl:
    """Visit pages breadth-first from `start`, at most `per_kind` of each kind and `limit`
    in all; run axe-core on each (when given) and check reflow at each of `widths`."""
    found = Crawl()
    counts: dict[str, int] = {}
    seen = {start}
    queue = deque([start])
    viewport = page.viewport_size or {"width": 1280, "height": 900}
    while queue and len(found.visited) < limit:
        target = queue.popleft()
        response = page.goto(target)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        found.visited.append(target)
        if response.status >= 400:
            found.violations.append(f"{target}: HTTP {response.status}")
        if axe is not None:
            found.violations.extend(f"{target}: {line}" for line in run_axe(page, axe))
        for width in widths:
            page.set_viewport_size({"width": width, "height": viewport["height"]})
            excess = horizontal_overflow(page)
            if excess > 0:
                found.overflows.append(
                    f"{target} at {width}px: {excess}px too wide ({', '.join(too_wide(page))})"
                )
        if widths:
            page.set_viewport_size(viewport)
        hrefs: list[str] = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.href)"
        )
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc != urlsplit(page.url).netloc:
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link in seen or not wanted(parts.path, parts.query):
                continue
            seen.add(link)
            kind = kind_of(parts.path, parts.query)
            if kind is None or counts.get(kind, 0) >= per_kind:
                continue
            counts[kind] = counts.get(kind, 0) + 1
            queue.append(link)
    return found
