"""Minutes in Markdown: refuse raw HTML and script links, render safely.

Two layers: ``unsafe_markdown`` names what a writer must remove (raw HTML, links with
schemes other than http, https and mailto), and ``render_markdown`` renders with raw
HTML disabled and then sanitises with nh3, so that even text that slipped past the
check renders inert.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_ALLOWED_SCHEMES = {"http", "https", "mailto"}
# A scheme in a link destination, an autolink or a reference definition.
_SCHEME = re.compile(r"(?:\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?|<)\s*([a-zA-Z][a-zA-Z0-9+.\-]*):", re.M)

_detector = MarkdownIt("commonmark", {"html": True})
_renderer = MarkdownIt("commonmark", {"html": False}).enable("table")

_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}


def unsafe_markdown(text: str) -> str | None:
    """Return why the text is refused, or ``None`` when it is safe to store."""
    tokens = _detector.parse(text)
    stack = list(reversed(tokens))
    while stack:
        token = stack.pop()
        if token.type in {"html_block", "html_inline"}:
            snippet = token.content.strip().splitlines()[0][:60] if token.content.strip() else ""
            return f"raw HTML is not allowed in minutes ({snippet}); write Markdown"
        stack.extend(reversed(token.children or []))
    for match in _SCHEME.finditer(text):
        scheme = match.group(1).lower()
        if scheme not in _ALLOWED_SCHEMES:
            return f"links with the scheme {scheme}: are not allowed; use http, https or mailto"
    return None


def render_markdown(text: str) -> str:
    """Render Markdown to sanitised HTML."""
    html = _renderer.render(text)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={
            "a": {"href", "title"},
            "img": {"src", "alt", "title"},
            "th": {"align"},
            "td": {"align"},
        },
        url_schemes=_ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
