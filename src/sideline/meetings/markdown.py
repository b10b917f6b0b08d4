"""Minutes in Markdown: refuse raw HTML and script links, render safely, render once.

Two layers: ``check_markdown`` refuses what a writer must remove (text over the size
cap, raw HTML, links with schemes other than http, https and mailto), and
``render_markdown`` renders with raw HTML disabled and then sanitises with nh3, so that
even text that slipped past the check renders inert.

Both stay linear in the text's length: the check is one markdown-it parse and one walk
over its tokens (no regular expression runs over the text itself, which is how the
previous check became quadratic), and the cap bounds that parse. Rendering is cached by
the text's hash, so a page view of stored Markdown does not parse it again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.core.cache import caches
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from sideline.meetings.errors import MeetingError

__all__ = [
    "MAX_MARKDOWN_CHARS",
    "cache_key",
    "check_markdown",
    "render_markdown",
    "unsafe_markdown",
]

# Ten thousand words of minutes or a decision's text; enough for the longest real ones,
# and it bounds what one save or one first page view costs.
# A text travels whole in its op, sealed whole in a confidential meeting: 36,000 ASCII
# characters leave room for the op around them in a sealed op's 38,912 bytes
# (federation/kinds.py). Longer texts in bytes (non-ASCII) are refused when the op is built.
MAX_MARKDOWN_CHARS = 36_000

_ALLOWED_SCHEMES = {"http", "https", "mailto"}
# Applied to one link destination at a time, anchored: linear in that destination.
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Bumped when the rendering rules change, so that cached output of older rules is not served.
_RENDER_VERSION = "2"
CACHE_ALIAS = "rendered"

_detector = MarkdownIt("commonmark", {"html": True})
# Every destination reaches the token stream, where its scheme is checked and named;
# markdown-it's own validation would silently turn a javascript: link into text.
_detector.validateLink = lambda url: True  # type: ignore[method-assign]  # see above
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


def _is_external(url: str) -> bool:
    """Whether a browser would fetch ``url`` from another host (any scheme or ``//host``)."""
    parts = urlsplit(url.strip())
    return bool(parts.scheme or parts.netloc)


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Render an external image as a link to it: loading it would tell its host who reads."""
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    alt = self.renderInlineAsText(token.children or [], options, env)
    if not _is_external(src):
        return str(type(self).image(self, tokens, idx, options, env))
    return f'<a href="{escapeHtml(src)}">{escapeHtml(alt or src)}</a>'


_renderer.add_render_rule("image", _render_image)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # A second line of defence for the rule above: no external image survives sanitising.
    if tag == "img" and attribute == "src" and _is_external(value):
        return None
    return value


def unsafe_markdown(text: str) -> str | None:
    """Return why the text is refused, or ``None`` when it is safe to store.

    >>> unsafe_markdown("[report](https://example.org/r)") is None
    True
    >>> unsafe_markdown("[x]( javascript:alert(1) )")
    'links with the scheme javascript: are not allowed; use http, https or mailto'
    """
    stack = list(reversed(_detector.parse(text)))
    while stack:
        token = stack.pop()
        if token.type in {"html_block", "html_inline"}:
            snippet = token.content.strip().splitlines()[0][:60] if token.content.strip() else ""
            return f"raw HTML is not allowed in minutes ({snippet}); write Markdown"
        destination = token.attrs.get("href" if token.type == "link_open" else "src")
        if token.type in {"link_open", "image"} and destination is not None:
            match = _SCHEME.match(str(destination).strip())
            if match and match.group(1).lower() not in _ALLOWED_SCHEMES:
                scheme = match.group(1).lower()
                return f"links with the scheme {scheme}: are not allowed; use http, https or mailto"
        stack.extend(reversed(token.children or []))
    return None


def check_markdown(text: str, *, field: str = "text") -> None:
    """Refuse Markdown that is too long or unsafe to store.

    Raises:
        MeetingError: ``markdown_too_long`` (413) or ``unsafe_markdown``, naming ``field``.
    """
    if len(text) > MAX_MARKDOWN_CHARS:
        raise MeetingError(
            "markdown_too_long",
            f"{field}: {len(text)} characters is over the limit of {MAX_MARKDOWN_CHARS}; "
            "shorten it or attach the rest as a document",
            field=field,
            status=413,
        )
    problem = unsafe_markdown(text)
    if problem:
        raise MeetingError("unsafe_markdown", f"{field}: {problem}", field=field)


def _render(text: str) -> str:
    return nh3.clean(
        _renderer.render(text),
        tags=_TAGS,
        attributes={
            "a": {"href", "title"},
            "img": {"src", "alt", "title"},
            "th": {"align"},
            "td": {"align"},
        },
        url_schemes=_ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_attribute_filter,
    )


def cache_key(text: str) -> str:
    """Return the key under which the rendering of ``text`` is cached."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sideline:markdown:{_RENDER_VERSION}:{digest}"


def render_markdown(text: str) -> str:
    """Render Markdown to sanitised HTML, from the ``rendered`` cache when it is there.

    The key is the text's hash: stored Markdown never changes in place (a new revision is
    a new text), so an entry is never stale and needs no invalidation.
    """
    cache = caches[CACHE_ALIAS]
    key = cache_key(text)
    html = cache.get(key)
    if isinstance(html, str):
        return html
    html = _render(text)
    cache.set(key, html, None)
    return html
