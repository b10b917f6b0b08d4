"""Minutes' Markdown: script injection refused, and rendered inert even if stored."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from sideline.accounts.models import SecurityEvent
from sideline.meetings.errors import MeetingError
from sideline.meetings.markdown import render_markdown, unsafe_markdown
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
