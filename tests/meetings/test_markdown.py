"""Minutes' Markdown: script injection refused, and rendered inert even if stored."""

from __future__ import annotations

import sys
from collections.abc import Callable
from html.parser import HTMLParser
from types import FrameType
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from sideline.accounts.models import SecurityEvent
from sideline.meetings.errors import MeetingError
from sideline.meetings.markdown import (
    MAX_MARKDOWN_CHARS,
    cache_key,
    render_markdown,
    unsafe_markdown,
)
from sideline.meetings.models import Meeting, Minutes
from sideline.meetings.services import save_minutes
from tests.meetings.conftest import Cast

PAYLOADS = [
    "<script>alert(1)</script>",
    "Hello <img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click]( JAVASCRIPT:alert(1) )",
    "<javascript:alert(1)>",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[ref]: vbscript:msgbox(1)\n\n[click][ref]",
    '<svg onload="alert(1)"></svg>',
    "<iframe src=https://evil.example></iframe>",
]


@pytest.fixture(autouse=True)
def _empty_rendered_cache() -> None:
    caches["rendered"].clear()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_unsafe_payload_refused(payload: str) -> None:
    assert unsafe_markdown(payload) is not None


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_unsafe_payload_rendered_inert(payload: str) -> None:
    parser = _Elements()
    parser.feed(render_markdown(payload))

    for tag, attrs in parser.found:
        assert tag not in {"script", "iframe", "svg", "object", "embed", "style"}
        for name, value in attrs:
            assert not name.startswith("on")
            if name in {"href", "src"}:
                assert (value or "").split(":", 1)[0].lower() in {"http", "https", "mailto"}


def test_markdown_plain_renders() -> None:
    assert render_markdown("**agreed** — see [report](https://example.org/r)") == (
        '<p><strong>agreed</strong> — see <a href="https://example.org/r" rel="noopener noreferrer nofollow">report</a></p>\n'
    )
    assert (
        unsafe_markdown("**agreed** — see [report](https://example.org/r) and <https://osce.org>")
        is None
    )


def test_minutes_with_script_refused_nothing_saved(cast: Cast, meeting: Meeting) -> None:
    with pytest.raises(MeetingError) as caught:
        save_minutes(
            actor=cast.of("nato", "delegate"),
            meeting=meeting,
            text="Agreed.<script>alert(1)</script>",
        )

    assert caught.value.code == "unsafe_markdown"
    assert (
        caught.value.message
        == "text: raw HTML is not allowed in minutes (<script>); write Markdown"
    )
    assert Minutes.objects.count() == 0
    assert SecurityEvent.objects.get().code == "unsafe_markdown"


def _calls(check: Callable[[str], object], text: str) -> int:
    """Count the function calls (Python and C) ``check(text)`` makes: a measure of work."""
    count = 0

    def profile(_frame: FrameType, event: str, _arg: Any) -> None:
        nonlocal count
        if event in {"call", "c_call"}:
            count += 1

    sys.setprofile(profile)
    try:
        check(text)
    finally:
        sys.setprofile(None)
    return count


# The attack's minutes and the other shapes that make Markdown parsers backtrack.
CRAFTED: dict[str, Callable[[int], str]] = {
    "link opener then spaces": lambda n: "](" + " " * n + "javascript:x)",
    "lines opening a reference": lambda n: "[a\n" * (n // 3),
    "blank lines": lambda n: "\n" * n,
    "brackets": lambda n: "[" * n,
    "image openers": lambda n: "![" * (n // 2),
    "empty links": lambda n: "[](" * (n // 3),
    "angle brackets": lambda n: "<" * n,
    "emphasis": lambda n: "_*" * (n // 2),
    "quoted brackets": lambda n: "> [" * (n // 3),
    "unclosed tags": lambda n: "<a href=" * (n // 8),
}


@pytest.mark.parametrize("shape", sorted(CRAFTED))
def test_markdown_check_work_grows_linearly(shape: str) -> None:
    make = CRAFTED[shape]

    single, double = _calls(unsafe_markdown, make(1000)), _calls(unsafe_markdown, make(2000))

    # Twice the text, at most twice the work (plus a little constant): linear, not quadratic.
    assert double <= 2.05 * single + 50


def test_markdown_check_attack_at_the_cap_refused() -> None:
    # The attack's shape, which the old whole-text regular expression took minutes over.
    text = CRAFTED["link opener then spaces"](MAX_MARKDOWN_CHARS - 20)

    assert unsafe_markdown("[x" + text) == (
        "links with the scheme javascript: are not allowed; use http, https or mailto"
    )


def test_minutes_over_the_size_cap_refused_naming_the_field(cast: Cast, meeting: Meeting) -> None:
    with pytest.raises(MeetingError) as caught:
        save_minutes(
            actor=cast.of("nato", "delegate"), meeting=meeting, text="a" * (MAX_MARKDOWN_CHARS + 1)
        )

    assert (caught.value.code, caught.value.field, caught.value.status) == (
        "markdown_too_long",
        "text",
        413,
    )
    assert caught.value.message == (
        f"text: {MAX_MARKDOWN_CHARS + 1} characters is over the limit of {MAX_MARKDOWN_CHARS}; "
        "shorten it or attach the rest as a document"
    )
    assert Minutes.objects.count() == 0


def test_minutes_at_the_size_cap_saved(cast: Cast, meeting: Meeting) -> None:
    minutes = save_minutes(
        actor=cast.of("nato", "delegate"), meeting=meeting, text="a" * MAX_MARKDOWN_CHARS
    )

    assert len(minutes.text) == MAX_MARKDOWN_CHARS


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "![beacon](https://tracker.example/p.gif)",
            '<p><a href="https://tracker.example/p.gif" rel="noopener noreferrer nofollow">'
            "beacon</a></p>\n",
        ),
        (
            "![](//tracker.example/p.gif)",
            '<p><a href="//tracker.example/p.gif" rel="noopener noreferrer nofollow">'
            "//tracker.example/p.gif</a></p>\n",
        ),
        ("![chart](/media/chart.png)", '<p><img src="/media/chart.png" alt="chart"></p>\n'),
    ],
)
def test_markdown_external_image_rendered_as_a_link(text: str, html: str) -> None:
    assert render_markdown(text) == html


def test_markdown_rendered_once_then_served_from_the_cache(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    text = "Agreed: **a joint working group**."
    save_minutes(actor=cast.of("nato", "delegate"), meeting=meeting, text=text)
    client.force_login(cast.of("osce", "viewer"))

    first = client.get(f"/meetings/{meeting.pk}/")
    cached = caches["rendered"].get(cache_key(text))
    # Whatever the cache holds is what the page shows: the page does not render again.
    caches["rendered"].set(cache_key(text), "<p>from the cache</p>")
    second = client.get(f"/meetings/{meeting.pk}/")

    assert cached == "<p>Agreed: <strong>a joint working group</strong>.</p>\n"
    assert cached in first.content.decode()
    assert "<p>from the cache</p>" in second.content.decode()


def test_minutes_too_long_in_bytes_for_their_op_refused(cast: Cast, meeting: Meeting) -> None:
    # Under the character cap, but Cyrillic takes two bytes a character in the sealed op.
    with pytest.raises(MeetingError) as caught:
        save_minutes(actor=cast.of("nato", "delegate"), meeting=meeting, text="я" * 25_000)

    assert (caught.value.code, caught.value.status) == ("envelope_too_large", 413)
    assert caught.value.message.endswith("shorten the text or attach the rest as a document")
    assert Minutes.objects.count() == 0
