"""The follower: makes this node's entries verifiable and keeps its replicas current.

It runs inside ``sideline serve`` (a daemon thread) or alone (``sideline federation
follow``, for an operator who runs the web server and the follower apart); both see the
same database and federation file. Each tick (``SIDELINE_FEDERATION_TICK``) it:

1. signs a checkpoint of every hosted log that grew, has the other organizations hosted
   here cosign it (:func:`~sideline.record.services.witness_round`), and pushes the
   checkpoint to every peer of the federation file (:mod:`sideline.record.push`);
2. re-reads the federation file when it changed, and starts or stops one worker per
   peer.

A worker pulls its peer when the peer pushed a checkpoint newer than the replica
(a :class:`PushHint`), and otherwise every ``SIDELINE_FEDERATION_PULL_INTERVAL``
seconds; a pull that fails backs off, doubling up to the pull interval. Its pushes go
out from a thread of their own (:class:`_Pushes`), never behind its pulls: a pull waits
for the projection, which runs one at a time per process and reduces every op the node
holds, and a push queued behind it once left this node's newest entries unannounced
until the node stopped (the sovereign meeting's timeout on PostgreSQL, where the
projection is slower). A push that fails, or that the peer answers with a status after
which it may succeed (unreachable, 404 ``unknown_log`` from a peer that has not read its
federation file yet, 429, 5xx), is tried again, doubling from the tick up to
:data:`PUSH_RETRY_MAX`; one refused for good (400, 403, 413) is logged with the peer's
answer and left to the scheduled pull. The peers'
witnesses cosign this node's checkpoints when they pull it, and push the lines back
(see :func:`~sideline.record.sync.sync_peer`): nobody needs to run ``record
checkpoint`` or ``record witness``. One worker per peer, so that a peer that is slow or
never answers delays only its own pulls and pushes.

A pull that brought ops (entries of kind ``op.…``) is followed by the meetings' and the
concerns' projections (:func:`project_ops`), so that peers' meetings and concerns appear
as rows here; a projection that fails is logged, owed, and tried again after the next pull.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F
from django.utils import timezone

from sideline import node
from sideline.record import wakeup
from sideline.record.federation import federation_path, load, pull_peer
from sideline.record.federation_file import FederationFileError, FederationPeer
from sideline.record.models import Log, LogCheckpoint, PeerState, PushHint
from sideline.record.push import send_push
from sideline.record.services import witness_round
from sideline.record.sync import SyncReport
from sideline.record.transport import PeerError

__all__ = [
    "PUSH_RETRY_MAX",
    "Follower",
    "observe_deadlines",
    "project_ops",
    "publish_local",
    "pulled_ops",
]

logger = logging.getLogger(__name__)


def publish_local() -> list[bytes]:
    """Checkpoint and witness the hosted logs that grew; return the new checkpoint notes."""
    hosted = node.hosted_organizations()
    grown = []
    for log in Log.objects.select_related("organization"):
        if log.slug not in hosted:
            continue
        latest = LogCheckpoint.objects.filter(log=log).order_by("-size").first()
        # An empty log is checkpointed too: peers read a log's checkpoint before anything.
        if latest is None or latest.size < log.size:
            grown.append(log.slug)
    if not grown:
        return []
    witness_round(organizations=grown)
    notes = []
    for slug in grown:
        newest = LogCheckpoint.objects.filter(log__organization__slug=slug).order_by("-size")
        checkpoint = newest.first()
        if checkpoint is not None:
            notes.append(bytes(checkpoint.note))
    return notes


# The kind prefix of ops (sideline.oplog.OP_KIND_PREFIX, not imported: oplog reads the
# meetings' rules, which the record's follower only needs when a pull brought ops).
_OP_KIND_PREFIX = "op."
# One projection at a time: the workers of two peers may both pull ops at once.
_projection_lock = threading.Lock()
_projection_owed = False


def pulled_ops(report: SyncReport) -> bool:
    """Return whether the pull that gave ``report`` brought an op (the sync read the kinds
    of the entries it verified; nothing is read back)."""
    return any(
        kind.startswith(_OP_KIND_PREFIX) for kinds in report.new_kinds.values() for kind in kinds
    )


def project_ops(*, owed_only: bool = False) -> tuple[bool, str] | None:
    """Rebuild the meetings' rows from every op held here; return whether it worked, and a line.

    With ``owed_only`` it runs only when an earlier projection failed. Never raises: a
    failure is logged and owed, so that the follower goes on pulling and tries again.
    """
    global _projection_owed
    from sideline.meetings.projection import rebuild
    from sideline.prevention.concern_projection import rebuild_concerns

    with _projection_lock:
        if owed_only and not _projection_owed:
            return None
        # Concerns are ops too (prevention): peers' concerns become rows here as well.
        reports = []
        for name, run in (("meetings", rebuild), ("concerns", rebuild_concerns)):
            try:
                reports.append((name, run()))
            except Exception as exc:  # the rows stay as they were (one transaction)
                _projection_owed = True
                logger.exception("federation: the %s' projection failed", name)
                return (
                    False,
                    f"{name}: the projection failed ({exc}); it is tried again after a pull",
                )
        _projection_owed = False
    rebuilt = [
        f"{name}: {len(report.differences)} difference(s) with the ops rebuilt"
        for name, report in reports
        if report.rebuilt
    ]
    return True, "; ".join(rebuilt) or "meetings: the rows match the ops"


# A failed push is tried again, doubling from the tick up to this many seconds (or the pull
# interval, when shorter, since a pull comes then anyway): a peer that was down hears of
# the newest checkpoint within a minute of coming back, not at its next scheduled pull
# (an hour apart in the real-node tests).
PUSH_RETRY_MAX = 60.0

# Answers after which the same push may succeed later: the peer does not follow this log
# yet (it re-reads its federation file at its next tick), limits pushes, or is failing.
_TRANSIENT = frozenset({404, 408, 429, 500, 502, 503, 504})


def _note_size(note: bytes) -> str:
    lines = note.split(b"\n", 2)
    return lines[1].decode(errors="replace") if len(lines) > 1 else "?"


@dataclass
class _Pushes:
    """The checkpoints owed to one peer (the newest of each origin) and when to try again.

    :meth:`deliver` sends them; the worker's push thread calls it every tick and when
    woken. Kept apart from pulls, so that a pull or a projection never delays a push.
    """

    url: str
    pending: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    backoff: float = 0.0
    next_attempt: float = 0.0
    failures: int = 0

    def add(self, origin: str, note: bytes) -> None:
        """Owe ``note`` to the peer, replacing an older checkpoint of ``origin`` not yet sent."""
        with self.lock:
            self.pending[origin] = note

    def deliver(self, now: float) -> bool:
        """Send what is owed unless a failure's backoff runs until after ``now``; return
        whether anything was sent (and so the database touched)."""
        with self.lock:
            if not self.pending or now < self.next_attempt:
                return False
            batch = dict(self.pending)
        retry = []
        for origin, note in batch.items():
            if not self._send(origin, note):
                retry.append(origin)
                continue
            with self.lock:
                if self.pending.get(origin) is note:  # not replaced by a newer one meanwhile
                    del self.pending[origin]
        if retry:
            self.failures += 1
            cap = min(PUSH_RETRY_MAX, settings.FEDERATION.pull_interval)
            self.backoff = min(cap, max(settings.FEDERATION.tick, self.backoff * 2))
            self.next_attempt = now + self.backoff
            logger.log(
                logging.WARNING if self.failures == 1 else logging.DEBUG,
                "federation: trying the push of %s to %s again in %g s (attempt %d failed)",
                ", ".join(retry),
                self.url,
                self.backoff,
                self.failures,
            )
        else:
            if self.failures:
                logger.info(
                    "federation: push to %s delivered after %d failed attempt(s)",
                    self.url,
                    self.failures,
                )
            self.failures, self.backoff, self.next_attempt = 0, 0.0, 0.0
        return True

    def _send(self, origin: str, note: bytes) -> bool:
        """Push one checkpoint; return False when it should be tried again."""
        size = _note_size(note)
        try:
            status, line = send_push(
                url=self.url, note=note, timeout=settings.FEDERATION.push_timeout
            )
        except PeerError as exc:
            logger.log(
                logging.WARNING if self.failures == 0 else logging.DEBUG,
                "federation: push of %s size %s to %s failed: %s",
                origin,
                size,
                self.url,
                exc,
            )
            return False
        if status in (200, 202):
            PeerState.objects.filter(peer__url=self.url).update(last_push_sent=timezone.now())
            return True
        if status in _TRANSIENT:
            logger.log(
                logging.WARNING if self.failures == 0 else logging.DEBUG,
                "federation: %s did not take the push of %s size %s: %s %s",
                self.url,
                origin,
                size,
                status,
                line,
            )
            return False
        logger.warning(
            "federation: %s refused the push of %s size %s: %s %s; not tried again "
            "(its scheduled pull still comes)",
            self.url,
            origin,
            size,
            status,
            line,
        )
        return True


@dataclass
class _Worker:
    """Pulls from one peer in a thread of its own, and pushes to it from another."""

    entry: FederationPeer
    stop: threading.Event
    pushes: _Pushes = field(init=False)
    thread: threading.Thread | None = None
    push_thread: threading.Thread | None = None
    next_pull: float = 0.0
    backoff: float = 0.0

    def __post_init__(self) -> None:
        self.pushes = _Pushes(self.entry.url)

    def start(self) -> None:
        self.thread = threading.Thread(
            target=self._run, name=f"sideline-follow {self.entry.url}", daemon=True
        )
        self.push_thread = threading.Thread(
            target=self._run_pushes, name=f"sideline-push {self.entry.url}", daemon=True
        )
        self.thread.start()
        self.push_thread.start()

    def push(self, origin: str, note: bytes) -> None:
        self.pushes.add(origin, note)

    def _run(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    self._once()
                except Exception:  # a worker must outlive any one peer's failure
                    logger.exception("federation: worker for %s failed", self.entry.url)
                    self.backoff = settings.FEDERATION.pull_interval
                    self.next_pull = time.monotonic() + self.backoff
                finally:
                    close_old_connections()
                wakeup.wait(settings.FEDERATION.tick)
        finally:
            connection.close()

    def _run_pushes(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    sent = self.pushes.deliver(time.monotonic())
                except Exception:  # a push thread must outlive any one failure
                    logger.exception("federation: pushing to %s failed", self.entry.url)
                    sent = True
                if sent:
                    # Pushes are rare: no connection held between them (PostgreSQL
                    # counts one per thread, and a node has two threads per peer).
                    connection.close()
                wakeup.wait(settings.FEDERATION.tick)
        finally:
            connection.close()

    def _once(self) -> None:
        hinted = PushHint.objects.filter(
            replica__peer__url=self.entry.url, size__gt=F("replica__size")
        ).exists()
        now = time.monotonic()
        if now < self.next_pull and not (hinted and self.backoff == 0):
            return
        report = pull_peer(self.entry)
        projected = project_ops(owed_only=not pulled_ops(report))
        if projected is not None and projected[0]:
            logger.info("federation: after pulling %s, %s", self.entry.url, projected[1])
        interval = settings.FEDERATION.pull_interval
        if report.failures:
            self.backoff = min(interval, max(settings.FEDERATION.tick, self.backoff * 2))
            self.next_pull = time.monotonic() + self.backoff
        else:
            self.backoff = 0.0
            self.next_pull = time.monotonic() + interval


def observe_deadlines() -> None:
    """Record every silence deadline that passed, for the organizations this node hosts.

    A decision under silence is adopted only once every participant's own log says its
    deadline passed, so each node writes that op by itself (before publishing, so that the
    same tick checkpoints and pushes it); ``sideline decisions observe`` does the same once.
    """
    from sideline.meetings.services import observe_deadlines as observe

    try:
        adopted = observe()
    except Exception:  # logged; the next tick tries again, and publishing goes on
        logger.exception("federation: recording passed silence deadlines failed")
        return
    for decision in adopted:
        logger.info("federation: decision %s adopted by silence", decision.op_id)


class Follower:
    """The loop of :mod:`sideline.record.follower`; :meth:`run` until :attr:`stop` is set."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.workers: dict[str, _Worker] = {}
        self._mtime: float | None = -1.0

    def start_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="sideline-follower", daemon=True)
        thread.start()
        return thread

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    self.tick()
                except Exception:  # logged; the next tick tries again
                    logger.exception("federation: the follower's tick failed")
                finally:
                    close_old_connections()
                wakeup.wait(settings.FEDERATION.tick)
        finally:
            self.stop.set()
            wakeup.wake()
            connection.close()

    def tick(self) -> None:
        self._reload()
        observe_deadlines()
        for note in publish_local():
            origin = note.split(b"\n", 1)[0].decode()
            for worker in self.workers.values():
                worker.push(origin, note)
            wakeup.wake()

    def _reload(self) -> None:
        path = federation_path()
        try:
            mtime: float | None = path.stat().st_mtime
        except OSError:
            mtime = None
        if mtime == self._mtime:
            return
        try:
            federation = load()
        except FederationFileError as exc:
            logger.error("federation: %s; keeping the peers read before", exc)
            return
        self._mtime = mtime
        wanted = {entry.url: entry for entry in federation.peers}
        for url in list(self.workers):
            if url not in wanted:
                self.workers.pop(url).stop.set()
        for url, entry in wanted.items():
            worker = self.workers.get(url)
            if worker is None:
                worker = _Worker(entry, threading.Event())
                self.workers[url] = worker
                worker.start()
            else:
                worker.entry = entry

    def shutdown(self) -> None:
        self.stop.set()
        for worker in self.workers.values():
            worker.stop.set()
        wakeup.wake()
