"""Writing an op: build the actor's next op, judge it as every peer will, seal it when its
meeting is confidential, and append it to the actor's own log."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from sideline import node
from sideline.federation.errors import OpError
from sideline.federation.ops import Op, build_op, encode_op
from sideline.federation.ordering import LoggedOp
from sideline.federation.reducer import (
    Reduction,
    Verdict,
    check_op,
    extend_reduction,
)
from sideline.federation.rules import Rejected
from sideline.federation.rules_sealed import recipients_for
from sideline.federation.sealing import Opener, seal_op
from sideline.oplog.keys import encryption_directory, node_opener, waiting_encryption_keys
from sideline.oplog.reading import OP_KIND_PREFIX, NodeOps, reduce_node
from sideline.record.models import Log, LogKey, RecordEntry, Replica

__all__ = ["OpRefusedError", "Written", "append_op", "entry_kind", "verdicts_of", "write_op"]

# An op may name at most 32 ops in ``after`` (federation/kinds.py).
_MAX_AFTER = 32


def entry_kind(op: Op) -> str:
    """Return the record entry kind that carries ``op``: ``op.<kind>``."""
    return OP_KIND_PREFIX + op.kind


def append_op(op: Op) -> RecordEntry:
    """Sign ``op`` as its actor and append it to the actor's own log.

    Runs in the caller's transaction. Raises what
    :func:`~sideline.record.services.append_entry` raises, ``not_hosted`` included.
    """
    from sideline.record.services import append_entry

    return append_entry(
        organization=op.actor,
        kind=entry_kind(op),
        subject=op.object_id,
        payload=json.loads(encode_op(op)),
    )


# The last reduction this process made in write_op, with the fingerprint of what it was
# made from: the next write folds its op into it (extend_reduction) instead of reading
# and reducing every op again, as long as nothing else changed the logs.
_LAST_WRITE: tuple[tuple[Any, ...], NodeOps, Reduction] | None = None
_LAST_WRITE_LOCK = threading.Lock()


def _fingerprint() -> tuple[Any, ...]:
    """What the node's ops and their verification depend on: every log's and replica's
    size and root (a change of content, or a rolled-back append, changes a root), the
    replicas' trust and keys, the entry keys and the encryption keys of hosted
    organizations. Some rows per log: constant in the number of ops."""
    logs = [
        (pk, size, bytes(root))
        for pk, size, root in Log.objects.values_list("id", "size", "root_hash")
    ]
    replicas = [
        (pk, size, bytes(root), trusted, refused, json.dumps(keys))
        for pk, size, root, trusted, refused, keys in Replica.objects.values_list(
            "id", "size", "root_hash", "trusted", "refused", "entry_keys"
        )
    ]
    keys = list(LogKey.objects.values_list("id", "active"))
    return (
        tuple(sorted(logs)),
        tuple(sorted(replicas)),
        tuple(sorted(keys)),
        node.hosted_organizations(),
    )


class OpRefusedError(Exception):
    """The reducer refuses the op its actor was about to sign; nothing was appended."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Written:
    """An op signed and appended: the op as judged (inside its envelope when sealed)."""

    op: Op
    logged: Op  # the op in the log: ``op`` itself, or its envelope
    entry: RecordEntry


def _positions(
    reduction: Reduction, actor: str, participants: Iterable[str]
) -> tuple[str | None, list[str]]:
    """The actor's ``prev`` and the heads its op names in ``after``."""
    heads: dict[str, tuple[int, str]] = {}
    for verdict in reduction.verdicts:
        if verdict.status in {"applied", "rejected"} and verdict.kind:
            best = heads.get(verdict.origin)
            if best is None or verdict.index > best[0]:
                heads[verdict.origin] = (verdict.index, verdict.hash)
    own = heads.pop(actor, None)
    after = sorted(h for _, h in heads.values())
    if len(after) > _MAX_AFTER:
        # The ops an op depends on are in the meeting's participants' logs.
        wanted = set(participants)
        after = sorted(h for org, (_, h) in heads.items() if org in wanted)[:_MAX_AFTER]
    return (own[1] if own else None), after


def write_op(
    *,
    actor: str,
    kind: str,
    object_id: str,
    role: str | None,
    args: Mapping[str, Any],
    clear: Mapping[str, Any] | None = None,
    sealed: Mapping[str, Any] | None = None,
    content_sha256: str | None = None,
    confidential_meeting: str | None = None,
    participants: Iterable[str] = (),
) -> Written:
    """Build ``actor``'s next op, judge it as every peer will, and append it if applied.

    Runs in the caller's transaction, after locking the actor's log so that two writers
    cannot both take the same ``prev`` (a fork). An op of a confidential meeting
    (``confidential_meeting``) is sealed to that meeting's participants.

    Raises:
        OpRefusedError: the reducer's code and reason (``not_host``, ``decision_adopted`` …),
            or a format code (``string_too_long`` …) naming the field.
    """
    from sideline.record.services import RecordServiceError, ensure_log

    with transaction.atomic():
        try:
            ensure_log(organization=actor)
        except RecordServiceError as error:
            raise OpRefusedError(error.code, error.message) from None
        list(Log.objects.select_for_update().filter(organization__slug=actor))
        # Never wait for the cache while holding the database: another thread may hold
        # the cache and wait for the database (SQLite locks it whole). Without it, reduce.
        cached = _LAST_WRITE_LOCK.acquire(blocking=False)
        try:
            return _write(
                actor,
                cached,
                build={
                    "kind": kind,
                    "actor": actor,
                    "role": role,
                    "object_id": object_id,
                    "args": args,
                    "clear": clear,
                    "sealed": sealed,
                    "content_sha256": content_sha256,
                },
                confidential_meeting=confidential_meeting,
                participants=participants,
            )
        finally:
            if cached:
                _LAST_WRITE_LOCK.release()


def _write(
    actor: str,
    cached: bool,
    *,
    build: Mapping[str, Any],
    confidential_meeting: str | None,
    participants: Iterable[str],
) -> Written:
    """write_op's body, inside its transaction; ``cached``: this thread holds the cache."""
    global _LAST_WRITE
    fingerprint = _fingerprint() if cached else ()
    last = _LAST_WRITE if cached else None
    if last is not None and last[0] == fingerprint:
        ops, reduction = last[1], last[2]
    else:
        ops, reduction = reduce_node()
    if cached:
        _LAST_WRITE = None  # until this write ends well: the reduction may change below
    prev, after = _positions(reduction, actor, participants)
    try:
        inner = build_op(prev=prev, after=after, **build)
        logged = inner
        opener = node_opener()
        if confidential_meeting is not None:
            logged = _seal(reduction, inner, confidential_meeting, opener)
    except OpError as error:
        raise OpRefusedError(error.code, error.message, field=error.field) from None
    # The entry's index: the actor's log is locked, so its size is the next one.
    index = Log.objects.get(organization__slug=actor).size
    candidate = LoggedOp(actor, index, actor, encode_op(logged))
    # The same rules either way: folded into the reduction when it sorts last (the
    # usual case, since it names every head), else judged from scratch.
    verdict = extend_reduction(reduction, candidate) if cached else None
    extended = verdict is not None
    if verdict is None:
        verdict = check_op(ops.entries, logged, opener)
    if verdict.status != "applied":
        raise OpRefusedError(verdict.code or verdict.status, verdict.message)
    entry = append_op(logged)
    if extended and entry.index == index:
        ops.entries.append(candidate)
        ops.own[(actor, index)] = entry.pk
        _LAST_WRITE = (_fingerprint(), ops, reduction)
    return Written(inner, logged, entry)


def _seal(reduction: Reduction, inner: Op, meeting: str, opener: Opener) -> Op:
    try:
        recipients = sorted(recipients_for(reduction.confidential, inner, meeting))
    except Rejected as refusal:
        raise OpRefusedError(refusal.code, refusal.message) from None
    directory = encryption_directory()
    from sideline.record.services import ensure_log

    for org in recipients:
        if org not in directory and node.is_hosted(org):
            # A hosted organization's keys are made when it first needs them.
            ensure_log(organization=org)
            directory = encryption_directory()
    missing = [org for org in recipients if org not in directory]
    if missing:
        waiting = sorted(waiting_encryption_keys(missing))
        hint = (
            f"; the key of {', '.join(waiting)} waits for approval: check it, then run "
            "`sideline federation sync --accept-keys`"
            if waiting
            else ""
        )
        raise OpRefusedError(
            "no_encryption_key",
            f"no published encryption key for {', '.join(missing)} on this node: "
            f"sync with its node first{hint}",
        )
    sealed = seal_op(inner, meeting=meeting, recipients={o: directory[o] for o in recipients})
    opener.remember(sealed.envelope.hash, sealed.key)
    return sealed.envelope


def verdicts_of(
    reduction: Reduction, *, statuses: Iterable[str] = ("rejected", "pending")
) -> list[Verdict]:
    """Return the public verdicts with one of ``statuses``, by origin and index."""
    wanted = set(statuses)
    return [v for v in reduction.verdicts if v.status in wanted]
