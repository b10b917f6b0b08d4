"""Ops carried as record entries: append an organization's op, read every log's ops back.

The Django side of :mod:`sideline.federation` (which stays Django-free). One convention:

* an op ``o`` is the entry of kind ``op.<o.kind>`` (``op.decision.respond``,
  ``op.sealed``), subject ``o.object``, whose ``payload`` is the op's JSON object. The op
  is RFC 8785 canonical and the entry's JSON is canonicalised by the same rules, so the
  payload re-encoded is the op's bytes again, and its hash;
* it goes only into the acting organization's own log, signed with that organization's
  entry key (:func:`sideline.record.services.append_entry`, refused with ``not_hosted`` for
  an organization this node does not host);
* read back, every entry whose kind starts with ``op.`` of every log this node holds —
  its own logs and the trusted replicas of peers' logs — is verified against the keys of
  the log's organization; its signer is that organization, or, when those keys do not
  verify it, whichever other known organization's key does (``signer_not_log_owner``
  then names it), else ``unknown-key``. The reducer takes them as ``LoggedOp(origin,
  index, signer, bytes)``.

Other entries (audit lines of older versions, published calendars) are not ops and are
left out; an ``op.`` entry whose payload is not an op is kept and refused by the reducer
with its format code, so that a bad entry is named, never silently skipped.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from django.db import transaction

from sideline import node
from sideline.federation.canonical import canonical_bytes
from sideline.federation.errors import OpError
from sideline.federation.ops import Op, build_op, encode_op
from sideline.federation.ordering import LoggedOp
from sideline.federation.reducer import (
    Reduction,
    Verdict,
    check_op,
    extend_reduction,
    reduce_ops,
)
from sideline.federation.rules import Rejected
from sideline.federation.rules_sealed import recipients_for
from sideline.federation.sealing import Opener, seal_op
from sideline.record.entry import Entry, open_entry, parse_entry_text
from sideline.record.errors import EntryError
from sideline.record.jwk import EncryptionKeyError, parse_encryption_jwk
from sideline.record.models import KeyPurpose, Log, LogKey, RecordEntry, Replica, ReplicaEntry
from sideline.record.note import Ed25519Verifier, parse_verifier_key

__all__ = [
    "OP_KIND_PREFIX",
    "UNKNOWN_SIGNER",
    "NodeOps",
    "OpRefusedError",
    "Written",
    "append_op",
    "encryption_directory",
    "entry_kind",
    "node_opener",
    "read_node_ops",
    "reduce_node",
    "verdicts_of",
    "write_op",
]

OP_KIND_PREFIX = "op."
UNKNOWN_SIGNER = "unknown-key"
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


@dataclass
class NodeOps:
    """The ops of every log this node holds, as the reducer takes them."""

    entries: list[LoggedOp] = field(default_factory=list)
    # The entries at each (origin, index) that this node wrote, for linking the feed.
    own: dict[tuple[str, int], int] = field(default_factory=dict)  # -> RecordEntry pk


def _verifiers(vkeys: Iterable[str]) -> list[Ed25519Verifier]:
    found = []
    for vkey in vkeys:
        try:
            found.append(parse_verifier_key(vkey))
        except ValueError:
            continue
    return found


def _entry_keys() -> dict[str, list[Ed25519Verifier]]:
    """Every organization's entry keys this node knows: its own logs', peers' approved."""
    keys: dict[str, list[str]] = {}
    for slug, vkey in LogKey.objects.filter(purpose=KeyPurpose.ENTRY).values_list(
        "log__organization__slug", "vkey"
    ):
        keys.setdefault(slug, []).append(vkey)
    for replica in Replica.objects.filter(trusted=True, refused=""):
        keys.setdefault(replica.organization, []).extend(replica.entry_keys)
    return {slug: _verifiers(dict.fromkeys(vkeys)) for slug, vkeys in keys.items()}


def _open(leaf: bytes, origin: str, keys: Mapping[str, list[Ed25519Verifier]]) -> tuple[str, Entry]:
    """Return the organization whose key signed ``leaf`` (the origin's first) and the entry.

    Raises:
        EntryError: no known key verifies it, or it is not an entry.
    """
    order = [origin, *sorted(slug for slug in keys if slug != origin)]
    last: EntryError | None = None
    for slug in order:
        try:
            return slug, open_entry(leaf, verifiers=keys.get(slug, []))
        except EntryError as error:
            last = error
    assert last is not None  # the origin is always tried
    raise last


def _logged(
    origin: str, index: int, leaf: bytes, keys: Mapping[str, list[Ed25519Verifier]]
) -> LoggedOp | None:
    try:
        signer, entry = _open(leaf, origin, keys)
    except EntryError:
        unverified = _unverified_entry(leaf)
        if unverified is None:
            return None
        signer, entry = UNKNOWN_SIGNER, unverified
    if not entry.kind.startswith(OP_KIND_PREFIX):
        return None
    data = b"" if entry.payload is None else _bytes_of(entry.payload)
    return LoggedOp(origin, index, signer, data)


def _unverified_entry(leaf: bytes) -> Entry | None:
    """Read an entry whose signature no known key verifies, to judge it as unsigned."""
    try:
        text = leaf.decode().split("\n\n", 1)[0] + "\n"
        return parse_entry_text(text)
    except (UnicodeDecodeError, EntryError, ValueError):
        return None


def _bytes_of(payload: Any) -> bytes:
    try:
        return canonical_bytes(payload)
    except (ValueError, TypeError):
        return b""


def read_node_ops() -> NodeOps:
    """Return the verified ops of every log this node holds: its own and peers' replicas.

    A peer's log counts only while it is trusted (not forked) and not refused for its
    origin; its entries are verified against the keys approved for it here.
    """
    keys = _entry_keys()
    result = NodeOps()
    own = RecordEntry.objects.filter(kind__startswith=OP_KIND_PREFIX).select_related(
        "log__organization"
    )
    for row in own.order_by("log__organization__slug", "index").iterator(chunk_size=2000):
        logged = _logged(row.log.organization.slug, row.index, bytes(row.leaf), keys)
        if logged is not None:
            result.entries.append(logged)
            result.own[(logged.origin, logged.index)] = row.pk
    hosted_origins = set(Log.objects.values_list("organization__slug", flat=True))
    replicas = ReplicaEntry.objects.filter(
        replica__trusted=True, replica__refused=""
    ).select_related("replica")
    for copy in replicas.order_by("replica_id", "index").iterator(chunk_size=2000):
        origin = copy.replica.organization
        if origin in hosted_origins:
            continue  # this node's own log is read from its own rows
        logged = _logged(origin, copy.index, bytes(copy.leaf), keys)
        if logged is not None:
            result.entries.append(logged)
    return result


_OPENERS: dict[tuple[tuple[str, str], ...], Opener] = {}


def _hosted_encryption_keys() -> dict[str, list[tuple[str, bytes]]]:
    """Each hosted organization's encryption keys, newest first (the active one leads)."""
    hosted = node.hosted_organizations()
    keys: dict[str, list[tuple[str, bytes]]] = {}
    rows = LogKey.objects.filter(
        purpose=KeyPurpose.ENCRYPTION, log__organization__slug__in=hosted
    ).order_by("-active", "-id")
    for slug, vkey, private in rows.values_list("log__organization__slug", "vkey", "private_key"):
        keys.setdefault(slug, []).append((vkey, bytes(private)))
    return keys


def node_opener() -> Opener:
    """Return an opener with the encryption keys of the organizations this node hosts:
    the active one of each, and those rotated out, which still open what was sealed to them.

    Kept per process and per set of keys: the opener remembers the content keys it
    found, so each envelope's slots are tried once.
    """
    from sideline.record import keystore

    keys = _hosted_encryption_keys()
    marker = tuple(sorted((slug, vkey) for slug, found in keys.items() for vkey, _ in found))
    opener = _OPENERS.get(marker)
    if opener is None:
        decrypt = keystore.decrypt_encryption_key
        opener = _OPENERS[marker] = Opener(
            {slug: decrypt(found[0][1]) for slug, found in keys.items()},
            retired={slug: [decrypt(pem) for _, pem in found[1:]] for slug, found in keys.items()},
        )
    return opener


def _public_key(jwk: str) -> X25519PublicKey | None:
    try:
        return X25519PublicKey.from_public_bytes(parse_encryption_jwk(json.loads(jwk)))
    except (EncryptionKeyError, ValueError, TypeError, AttributeError):
        return None


def encryption_directory() -> dict[str, X25519PublicKey]:
    """Return the encryption key to seal to for every organization this node knows.

    The key of a log this node keeps comes first; otherwise the newest key approved here
    for a peer's trusted replica of the organization's log (pinned on the first sync or
    approved by the operator). A key that waits for approval (``pending_keys``) is never
    used: a hostile peer could publish its own key to read the meeting.
    """
    directory: dict[str, X25519PublicKey] = {}
    rows = LogKey.objects.filter(purpose=KeyPurpose.ENCRYPTION, active=True).order_by("-id")
    for slug, vkey in rows.values_list("log__organization__slug", "vkey"):
        if slug in directory:
            continue
        key = _public_key(vkey)
        if key is not None:
            directory[slug] = key
    replicas = Replica.objects.filter(trusted=True, refused="").order_by("-updated", "-id")
    for slug, approved in replicas.values_list("organization", "encryption_keys"):
        if slug in directory:
            continue
        # Approved keys are never removed (sync._pin_keys): the last one approved is the newest.
        for jwk in reversed(approved if isinstance(approved, list) else []):
            key = _public_key(jwk) if isinstance(jwk, str) else None
            if key is not None:
                directory[slug] = key
                break
    return directory


def _waiting_encryption_key(organizations: Iterable[str]) -> set[str]:
    """The organizations among ``organizations`` whose encryption key waits for approval."""
    waiting = set()
    for slug, pending in Replica.objects.filter(organization__in=list(organizations)).values_list(
        "organization", "pending_keys"
    ):
        if isinstance(pending, dict) and pending.get("encryption_keys"):
            waiting.add(slug)
    return waiting


def reduce_node() -> tuple[NodeOps, Reduction]:
    """Fold every op this node holds; confidential meetings of its organizations included."""
    ops = read_node_ops()
    return ops, reduce_ops(ops.entries, node_opener())


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
        waiting = sorted(_waiting_encryption_key(missing))
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
