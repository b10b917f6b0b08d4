"""Push: "I have a new checkpoint", from a node that appended to the nodes that follow it.

The body of ``POST /record/push`` is one checkpoint exactly as the log signed it
(c2sp.org/tlog-checkpoint, no cosignatures), at most :data:`PUSH_MAX_BYTES`. A push
never makes the receiving node trust anything: it is accepted only for a log the node
already follows, only when a log key pinned for that log signed it, and all it does
is record the checkpoint as a *hint* and wake the follower, which then pulls the log
from the peer and verifies it as any pull does. Since the note is signed by the log,
anyone may relay it (gossip); a peer that pushes a checkpoint and then serves less, or
another tree, is caught by that signature (``withheld_entries``, ``split_view``).

Answers (the body is ``<code>: <message>``):

====== ================== ===================================================
status code               when
====== ================== ===================================================
202    ``pull_scheduled`` a newer checkpoint: the follower will pull
200    ``up_to_date``     the replica already holds it (a replay changes nothing)
400    ``bad_request``    not a signed checkpoint note
403    ``bad_signature``  no log key pinned here for that origin signed it
404    ``unknown_log``    no peer log with that origin is followed here
413    ``too_large``      over :data:`PUSH_MAX_BYTES` (checked by the view)
429    ``rate_limited``   more than ``SIDELINE_FEDERATION_PUSH_RATE`` a minute
====== ================== ===================================================
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sideline.record import wakeup
from sideline.record.checkpoint import open_checkpoint, parse_checkpoint_text
from sideline.record.errors import CheckpointError, NoteError
from sideline.record.mirror import MAX_LOG_SIZE
from sideline.record.models import PeerState, PushHint, Replica
from sideline.record.note import parse_note, parse_verifier_key
from sideline.record.transport import Limits, PeerClient

__all__ = ["PUSH_MAX_BYTES", "PushAnswer", "RateLimiter", "receive_push", "send_push"]

# A checkpoint is three lines and one signature line per log key: a few hundred bytes.
PUSH_MAX_BYTES = 8 * 1024


@dataclass(frozen=True)
class PushAnswer:
    status: int
    code: str
    message: str

    @property
    def body(self) -> bytes:
        return f"{self.code}: {self.message}\n".encode()


class RateLimiter:
    """At most ``rate`` events a minute per key, in a sliding window, in this process.

    Per process on purpose: ``sideline serve`` is one process, and a shared counter
    would cost a database write per push, which is what the limit protects.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str, *, rate: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] >= 60:
                events.popleft()
            if len(events) >= rate:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # origins are few; forget the idle ones
                for idle in [k for k, v in self._events.items() if not v]:
                    del self._events[idle]
            return True


LIMITER = RateLimiter()


def receive_push(body: bytes) -> PushAnswer:
    """Judge a pushed checkpoint; record it as a hint and wake the follower if newer."""
    try:
        checkpoint = parse_checkpoint_text(parse_note(body).text)
    except (NoteError, CheckpointError, UnicodeDecodeError) as exc:
        return PushAnswer(400, "bad_request", f"not a signed checkpoint: {exc}")
    origin = checkpoint.origin
    # Limited before any signature is checked or row read: that is the work it bounds.
    if not LIMITER.allow(origin, rate=settings.FEDERATION.push_rate):
        return PushAnswer(
            429, "rate_limited", f"more than {settings.FEDERATION.push_rate} pushes a minute"
        )
    replicas = list(
        Replica.objects.filter(origin=origin, trusted=True, refused="").select_related("peer")
    )
    if not replicas:
        return PushAnswer(404, "unknown_log", f"no log {origin!r} is followed here")
    for replica in replicas:
        try:
            signed = open_checkpoint(
                body, log_verifiers=[parse_verifier_key(k) for k in replica.log_keys]
            )
        except (NoteError, CheckpointError):
            continue
        if signed.checkpoint.size > MAX_LOG_SIZE:
            return PushAnswer(400, "bad_request", f"size above {MAX_LOG_SIZE}")
        return _hint(replica, body, signed.checkpoint.size, signed.checkpoint.root_hash)
    return PushAnswer(403, "bad_signature", f"no log key pinned here for {origin} signed it")


def _hint(replica: Replica, note: bytes, size: int, root: bytes) -> PushAnswer:
    PeerState.objects.update_or_create(
        peer=replica.peer, defaults={"last_push_received": timezone.now()}
    )
    if size <= replica.size:
        return PushAnswer(200, "up_to_date", f"size {replica.size} is held here already")
    with transaction.atomic():
        hint = PushHint.objects.select_for_update().filter(replica=replica).first()
        if hint is None:
            PushHint.objects.create(replica=replica, size=size, root_hash=root, note=note)
        elif size > hint.size:
            hint.size, hint.root_hash, hint.note = size, root, note
            hint.save()
    transaction.on_commit(wakeup.wake)
    return PushAnswer(202, "pull_scheduled", f"will pull {replica.origin} up to size {size}")


def send_push(*, url: str, note: bytes, timeout: float) -> tuple[int, str]:
    """Push ``note`` to the node at ``url``; return the status and the answer's first line.

    Raises:
        PeerError: the peer could not be reached or did not answer in ``timeout``.
    """
    client = PeerClient(url, Limits(max_bytes=4096, timeout=timeout, deadline=timeout))
    status, body = client.request("record/push", data=note)
    return status, body.decode(errors="replace").split("\n", 1)[0][:200]
