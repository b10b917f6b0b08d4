"""Every HTTP read from and write to a peer node, bounded in size and time.

A peer is another organization's node, so nothing it sends is trusted: not its
URL's shape, not its body's length, not the pace at which it answers. Every read
is capped (:class:`Limits`), every request has a timeout, and one
:class:`PeerClient` holds a total deadline for everything it does (one sync, one
mirror, one verification). A limit passed or a transport failure is a
:class:`PeerError` whose text is one line naming the peer URL and the limit.

Exception tree::

    LookupError
    └── PeerError         the peer cannot be read (refused, HTTP error, garbage)
        └── PeerLimitError  a size cap, the request timeout or the total deadline

>>> validate_peer_url("https://b.example/")
'https://b.example'
>>> validate_peer_url("ftp://b.example")
Traceback (most recent call last):
...
sideline.record.transport.PeerError: ftp://b.example is not an http(s) URL of a Sideline node
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

__all__ = [
    "CHECKPOINT_MAX_BYTES",
    "TILE_MAX_BYTES",
    "Limits",
    "PeerClient",
    "PeerError",
    "PeerLimitError",
    "validate_peer_url",
]

# A hash tile is at most 256 hashes of 32 bytes (c2sp.org/tlog-tiles).
TILE_MAX_BYTES = 256 * 32
# A checkpoint is three lines, a few extensions and at most 100 signature lines.
CHECKPOINT_MAX_BYTES = 64 * 1024
_CHUNK = 64 * 1024


class PeerError(LookupError):
    """A peer could not be read: the text is one line naming the URL and why."""


class PeerLimitError(PeerError):
    """A peer passed a size cap, the request timeout or the total deadline."""


@dataclass(frozen=True)
class Limits:
    """How much a peer may send and how long it may take.

    ``max_bytes`` caps any one response (the logs list, an entry bundle, a push's
    answer); tiles and checkpoints have the smaller caps their formats allow.
    ``timeout`` bounds each connection and each wait for data; ``deadline`` bounds
    everything one :class:`PeerClient` does, in seconds.
    """

    max_bytes: int = 17 * 1024 * 1024
    timeout: float = 30.0
    deadline: float = 600.0


def validate_peer_url(url: str) -> str:
    """Return ``url`` without its trailing slash if it can be a node's base URL.

    Raises:
        PeerError: not http(s), no host, a port out of range, a query, fragment,
            user name or control character.
    """
    message = f"{url} is not an http(s) URL of a Sideline node"
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise PeerError(message.replace(url, repr(url), 1))
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise PeerError(message) from None
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or port == 0
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise PeerError(message)
    return url.rstrip("/")


@dataclass
class PeerClient:
    """Talk to one peer at ``base`` within ``limits``; the deadline starts now."""

    base: str
    limits: Limits = field(default_factory=Limits)
    _start: float = field(default_factory=time.monotonic, init=False, repr=False)

    def __post_init__(self) -> None:
        self.base = validate_peer_url(self.base)

    @property
    def expired(self) -> bool:
        """Return whether the total deadline has passed."""
        return self._remaining() <= 0

    def _remaining(self) -> float:
        return self.limits.deadline - (time.monotonic() - self._start)

    def _deadline_error(self, url: str) -> PeerLimitError:
        return PeerLimitError(
            f"{url}: the deadline of {self.limits.deadline:g} s for this peer passed "
            f"(SIDELINE_RECORD_SYNC_DEADLINE)"
        )

    def get(self, path: str, *, max_bytes: int | None = None) -> bytes:
        """Return the body of ``GET base/path``; anything but 200 is an error.

        Raises:
            PeerError: cannot connect, HTTP status not 200, or a malformed answer.
            PeerLimitError: the body is over ``max_bytes`` (default
                ``limits.max_bytes``), or the timeout or deadline passed.
        """
        status, body = self.request(path, max_bytes=max_bytes)
        if status != 200:
            raise PeerError(f"{self.base}/{path.lstrip('/')}: HTTP {status}")
        return body

    def request(
        self, path: str, *, data: bytes | None = None, max_bytes: int | None = None
    ) -> tuple[int, bytes]:
        """GET (or POST ``data`` to) ``base/path``; return the status and the body.

        Raises:
            PeerError, PeerLimitError: as :meth:`get`, except that an HTTP error
            status is returned rather than raised.
        """
        url = f"{self.base}/{path.lstrip('/')}"
        cap = self.limits.max_bytes if max_bytes is None else max_bytes
        remaining = self._remaining()
        if remaining <= 0:
            raise self._deadline_error(url)
        request = urllib.request.Request(
            url, data=data, method="POST" if data is not None else "GET"
        )
        # No redirects: a peer must not send this node to a third party's URL.
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            try:
                response = opener.open(request, timeout=min(self.limits.timeout, remaining))
            except urllib.error.HTTPError as error:
                response = error
            with response:
                status = int(response.status or 0)
                return status, self._read(response, url=url, cap=cap)
        except PeerError:
            raise
        except TimeoutError:
            if self.expired:
                raise self._deadline_error(url) from None
            raise PeerLimitError(
                f"{url}: no answer within the timeout of {self.limits.timeout:g} s "
                f"(SIDELINE_RECORD_PEER_TIMEOUT)"
            ) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise PeerLimitError(
                    f"{url}: no answer within the timeout of {self.limits.timeout:g} s "
                    f"(SIDELINE_RECORD_PEER_TIMEOUT)"
                ) from None
            raise PeerError(f"{url}: cannot connect: {reason}") from None
        except (http.client.HTTPException, OSError, ValueError, UnicodeError) as error:
            detail = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise PeerError(f"{url}: not a valid HTTP answer: {detail[:200]}") from None

    def _read(
        self, response: http.client.HTTPResponse | urllib.error.HTTPError, *, url: str, cap: int
    ) -> bytes:
        too_large = PeerLimitError(
            f"{url}: the answer is larger than the limit of {cap} bytes"
            f"{' (SIDELINE_RECORD_PEER_MAX_BYTES)' if cap == self.limits.max_bytes else ''}"
        )
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > cap:
            raise too_large
        chunks: list[bytes] = []
        total = 0
        # read1 returns what one receive brings, so that a peer sending a byte at a time
        # meets the deadline between receives rather than only at the end.
        read = getattr(response, "read1", response.read)
        while True:
            if self.expired:
                raise self._deadline_error(url)
            chunk = read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > cap:
                raise too_large
            chunks.append(chunk)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> None:
        return None
