"""Reads of the record: entries, tiles, proofs, checkpoints and entry checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from sideline.record.checkpoint import (
    CosignatureV1Verifier,
    count_cosignatures,
    open_checkpoint,
    parse_cosigner_key,
)
from sideline.record.entry import Entry, open_entry, parse_entry_text
from sideline.record.errors import CheckpointError, EntryError, NoteError
from sideline.record.merkle import (
    EMPTY_ROOT,
    hash_leaf,
    verify_inclusion,
)
from sideline.record.models import (
    Cosignature,
    KeyPurpose,
    Log,
    LogCheckpoint,
    RecordEntry,
    Replica,
    SealedEntry,
)
from sideline.record.note import Ed25519Verifier, parse_verifier_key
from sideline.record.seal import seal_matches, sealed_commitment
from sideline.record.tree_reads import inclusion_proof_for
from sideline.registry.models import Organization

__all__ = [
    "EntryCheck",
    "LogHead",
    "check_seal",
    "checkpoint_bytes",
    "entries_for_subject",
    "get_log",
    "get_log_head",
    "latest_accepted_checkpoint",
    "latest_checkpoint",
    "list_logs",
    "log_verifiers",
    "quorum_for",
    "replica_alerts",
    "untrusted_replicas",
    "verify_entry",
    "witness_keys_by_owner",
    "witness_owners",
    "witness_verifiers",
]


def get_log(slug: str) -> Log | None:
    """Return the log of the organization ``slug`` hosted here, or ``None``."""
    return Log.objects.select_related("organization").filter(organization__slug=slug).first()


@dataclass(frozen=True)
class LogHead:
    """The few columns of a hosted log that a proof needs."""

    pk: int
    slug: str
    origin: str
    size: int


def get_log_head(slug: str) -> LogHead | None:
    """Return the head of the log of ``slug`` in one plain query, or ``None``.

    For the proof routes, whose latency budget an ORM query alone would eat.
    """
    quote = connection.ops.quote_name
    log_table, org_table = Log._meta.db_table, Organization._meta.db_table
    sql = (
        f"SELECT l.{quote('id')}, l.{quote('origin')}, l.{quote('size')} "
        f"FROM {quote(log_table)} l JOIN {quote(org_table)} o "
        f"ON o.{quote('id')} = l.{quote('organization_id')} WHERE o.{quote('slug')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    return None if row is None else LogHead(int(row[0]), slug, str(row[1]), int(row[2]))


def entries_for_subject(subject: str) -> QuerySet[RecordEntry]:
    """Return every entry about ``subject``, in each log's order, sealed ones included.

    A sealed entry is found by its inner subject, which only this node knows: call
    this only for a reader who may see ``subject``.
    """
    return (
        RecordEntry.objects.filter(Q(subject=subject) | Q(sealed__subject=subject))
        .select_related("log__organization", "sealed")
        .order_by("log__organization__slug", "index")
    )


def _vkeys(log: Log, purpose: str) -> list[str]:
    # Active key first; inactive ones still verify what they signed before a rotation.
    return [
        k.vkey
        for k in sorted(log.keys.all(), key=lambda k: (not k.active, -k.pk))
        if k.purpose == purpose
    ]


def log_verifiers(log: Log, *, purpose: str = KeyPurpose.LOG) -> list[Ed25519Verifier]:
    """Return the verifiers of every key of ``log`` with ``purpose`` (old keys included)."""
    return [parse_verifier_key(v) for v in _vkeys(log, purpose)]


def witness_keys_by_owner(log: Log) -> dict[str, list[str]]:
    """Return the witness keys whose cosignatures count for ``log``, by organization.

    They are the witness keys of the other organizations of this node, and the
    witness keys of peers' logs approved here (``Replica.witness_keys``: pinned on
    the first sync only for organizations named in ``SIDELINE_RECORD_WITNESSES``,
    otherwise approved by the operator), never merely because a peer published them.
    An organization does not witness itself, wherever its other node runs, and a
    replica refused or forked counts for nothing. Grouped by organization, so that
    one organization counts once however many keys (a rotation) it has.
    """
    owners: dict[str, list[str]] = {}
    for other in (
        Log.objects.exclude(pk=log.pk).select_related("organization").prefetch_related("keys")
    ):
        owners.setdefault(other.slug, []).extend(_vkeys(other, KeyPurpose.WITNESS))
    hosted = set(Log.objects.values_list("origin", flat=True))
    replicas = Replica.objects.filter(trusted=True).exclude(organization=log.slug)
    for replica in replicas.exclude(origin__in=hosted):
        owners.setdefault(replica.organization, []).extend(replica.witness_keys)
    return {owner: list(dict.fromkeys(keys)) for owner, keys in owners.items()}


def witness_verifiers(log: Log) -> list[CosignatureV1Verifier]:
    """Return the cosigner keys whose cosignatures count for ``log`` (see above)."""
    keys = [k for keys in witness_keys_by_owner(log).values() for k in keys]
    return [parse_cosigner_key(k) for k in dict.fromkeys(keys)]


def witness_owners(log: Log) -> dict[str, str]:
    """Return the organization of each witness key of ``log``, by ``name+keyidhex``."""
    result: dict[str, str] = {}
    for owner, keys in witness_keys_by_owner(log).items():
        for key in keys:
            verifier = parse_cosigner_key(key)
            result.setdefault(f"{verifier.name}+{verifier.key_id:08x}", owner)
    return result


def quorum_for(log: Log) -> int:
    """Return how many distinct witnesses must cosign a checkpoint of ``log``.

    ``settings.RECORD_QUORUM`` when set; otherwise a majority of the other
    organizations that have a log on this node (0 when there is none).
    """
    configured = getattr(settings, "RECORD_QUORUM", None)
    if configured is not None:
        return int(configured)
    others = Log.objects.exclude(pk=log.pk).count()
    return others // 2 + 1 if others else 0


def list_logs() -> list[dict[str, Any]]:
    """Return the logs hosted here as served by ``GET /record/logs``."""
    result = []
    for log in Log.objects.select_related("organization").prefetch_related("keys"):
        logs, entries, witnesses = (
            _vkeys(log, p) for p in (KeyPurpose.LOG, KeyPurpose.ENTRY, KeyPurpose.WITNESS)
        )
        # Stored as the canonical JSON of the published JWK (see services._new_key).
        encryption = [json.loads(v) for v in _vkeys(log, KeyPurpose.ENCRYPTION)]
        result.append(
            {
                "organization": log.slug,
                "origin": log.origin,
                "path": f"/record/{log.slug}",
                "log_key": logs[0],
                "organization_key": entries[0],
                "witness_key": witnesses[0],
                "log_keys": logs,
                "organization_keys": entries,
                "witness_keys": witnesses,
                # None until `sideline init` gives a log made before encryption keys one.
                "encryption_key": encryption[0] if encryption else None,
                "encryption_keys": encryption,
            }
        )
    return result


def latest_checkpoint(log: Log) -> LogCheckpoint | None:
    """Return the newest checkpoint of ``log``, accepted or not."""
    return log.checkpoints.order_by("-size").first()


def latest_accepted_checkpoint(log: Log) -> LogCheckpoint | None:
    """Return the newest checkpoint of ``log`` that a quorum has cosigned."""
    return log.checkpoints.filter(accepted_at__isnull=False).order_by("-size").first()


def checkpoint_bytes(checkpoint: LogCheckpoint) -> bytes:
    """Return the signed checkpoint with every cosignature line it has."""
    lines = "".join(c.line for c in Cosignature.objects.filter(checkpoint=checkpoint))
    return bytes(checkpoint.note) + lines.encode()


# -- tree nodes ---------------------------------------------------------------------


@dataclass(frozen=True)
class EntryCheck:
    """Whether an entry is proven in its log's latest accepted checkpoint.

    ``code``: ``ok``, ``pending`` (no accepted checkpoint covers it yet),
    ``leaf_hash_mismatch``, an entry code (``bad_entry_signature`` …), a checkpoint
    code (``bad_checkpoint_signature``, ``quorum_not_met``) or a proof code
    (``root_mismatch`` …).
    """

    ok: bool
    code: str
    reason: str
    checkpoint_size: int | None = None


def verify_entry(entry: RecordEntry) -> EntryCheck:
    """Check ``entry`` end to end: its signature, its leaf hash, and its inclusion
    proof against the latest accepted checkpoint, whose signature and quorum are
    checked again from the stored note."""
    # Read the log afresh: the entry's cached log row may predate later appends.
    log = Log.objects.select_related("organization").get(pk=entry.log_id)
    leaf = bytes(entry.leaf)
    if hash_leaf(leaf) != bytes(entry.leaf_hash):
        return EntryCheck(False, "leaf_hash_mismatch", "the entry does not hash to its leaf hash")
    try:
        opened = open_entry(
            leaf, verifiers=log_verifiers(log, purpose=KeyPurpose.ENTRY), organization=log.slug
        )
    except EntryError as exc:
        return EntryCheck(False, exc.code, exc.message)
    try:
        sealed: SealedEntry | None = entry.sealed  # fetched with the entry where selected
    except SealedEntry.DoesNotExist:
        sealed = None
    if sealed is not None:
        failure = check_seal(opened, sealed)
        if failure is not None:
            return failure
    checkpoint = (
        log.checkpoints.filter(accepted_at__isnull=False, size__gt=entry.index)
        .order_by("-size")
        .first()
    )
    if checkpoint is None:
        return EntryCheck(False, "pending", "no accepted checkpoint covers this entry yet")
    note = checkpoint_bytes(checkpoint)
    try:
        signed = open_checkpoint(note, log_verifiers=log_verifiers(log))
    except (NoteError, CheckpointError) as exc:
        return EntryCheck(False, "bad_checkpoint_signature", exc.message, checkpoint.size)
    cosigned = count_cosignatures(
        note, witnesses=witness_verifiers(log), quorum=quorum_for(log), owners=witness_owners(log)
    )
    if not cosigned.met:
        message = f"{len(cosigned.owners)} valid cosignatures, {cosigned.quorum} required"
        return EntryCheck(False, "quorum_not_met", message, checkpoint.size)
    size = signed.checkpoint.size
    try:
        proof = inclusion_proof_for(log, index=entry.index, size=size)
    except (LookupError, ValueError) as exc:
        return EntryCheck(False, "missing_node", str(exc), size)
    result = verify_inclusion(
        entry.index,
        size=size,
        leaf_hash=hash_leaf(leaf),
        proof=proof,
        root=signed.checkpoint.root_hash,
    )
    if not result:
        return EntryCheck(False, result.code, result.message, size)
    return EntryCheck(
        True, "ok", f"entry {entry.index} is in the accepted tree of size {size}", size
    )


def check_seal(outer: Entry, sealed: SealedEntry) -> EntryCheck | None:
    """Check that the content and key stored here are what the signed entry commits to.

    ``outer`` is the entry as signed on the log (opened and verified by the caller).
    Returns None when they match, else a failed check: ``not_sealed`` (the log's entry
    carries no commitment), ``seal_mismatch`` (the stored content or key was changed,
    or is not the one signed) or ``inner_mismatch`` (the content is not an entry of
    the same organization and time).
    """
    commitment = sealed_commitment(outer.kind, outer.payload)
    if commitment is None:
        return EntryCheck(False, "not_sealed", "the signed entry carries no commitment")
    content = bytes(sealed.content)
    if not seal_matches(content, key=bytes(sealed.key), commitment=commitment):
        return EntryCheck(
            False, "seal_mismatch", "the content stored here is not what the entry committed to"
        )
    try:
        inner = parse_entry_text(content.decode())
    except (EntryError, UnicodeDecodeError) as exc:
        return EntryCheck(False, "inner_mismatch", f"the stored content is not an entry: {exc}")
    if (inner.organization, inner.time, inner.kind, inner.subject) != (
        outer.organization,
        outer.time,
        sealed.kind,
        sealed.subject,
    ):
        return EntryCheck(False, "inner_mismatch", "the stored entry differs from the signed one's")
    return None


def untrusted_replicas() -> QuerySet[Replica]:
    """Return the peers' logs found forked or otherwise untrustworthy."""
    return Replica.objects.filter(trusted=False).select_related("peer")


def empty_root() -> bytes:
    """Return the root of the empty tree (for new rows)."""
    return EMPTY_ROOT


def replica_alerts(replica: Replica, *, now: datetime) -> list[str]:
    """Name what is wrong with the checkpoint the peer served ``replica`` last.

    A rollback: the peer served a checkpoint older than one it served before. A
    frozen log: the replica has not grown for longer than ``SIDELINE_RECORD_STALE_AFTER``
    hours (0 turns this off), whatever the peer kept serving.
    """
    alerts = []
    base = replica.peer.url
    if replica.served_size is not None and replica.served_size < replica.size:
        alerts.append(
            f"{base} served checkpoint {replica.served_size} of {replica.origin} at the last "
            f"sync, older than checkpoint {replica.size} it served before: a rollback"
        )
    hours = settings.RECORD_PEERS.stale_after_hours
    since = replica.advanced_at
    if since is None:
        seen = replica.checkpoints.filter(evidence=False).order_by("-size", "-id").first()
        since = seen.seen if seen is not None else None
    if hours and since is not None and now - since > timedelta(hours=hours):
        alerts.append(
            f"{base} has served checkpoint {replica.size} of {replica.origin} unchanged since "
            f"{since:%Y-%m-%d %H:%M} UTC, more than {hours:g} hours "
            "(SIDELINE_RECORD_STALE_AFTER): a frozen log?"
        )
    return alerts
