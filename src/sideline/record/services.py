"""Writes of the record: append entries, sign checkpoints, witness, anchor, rotate keys.

Appends to one log are serialised by locking its row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite runs every transaction as ``BEGIN IMMEDIATE``, one writer at a
time), so concurrent writers can neither fork a log nor reuse an index. The append
runs inside the caller's transaction: the entry exists exactly when the caller's
change does.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.db import IntegrityError, transaction
from django.utils import timezone

from sideline import node
from sideline.record import keystore, wakeup
from sideline.record.checkpoint import (
    Checkpoint,
    Cosigner,
    cosignature_timestamp,
    count_cosignatures,
)
from sideline.record.entry import build_entry, encode_entry_text, sign_entry
from sideline.record.errors import NoteError, RecordError, WitnessRequestError
from sideline.record.jwk import encryption_jwk
from sideline.record.merkle import EMPTY_ROOT, HASH_SIZE, Frontier, hash_leaf, perfect_subtrees
from sideline.record.models import (
    Cosignature,
    KeyPurpose,
    Log,
    LogCheckpoint,
    LogKey,
    Peer,
    RecordEntry,
    Replica,
    SealedEntry,
    TreeNode,
    WitnessState,
)
from sideline.record.note import Ed25519Signer, parse_note, parse_verifier_key, sign_note
from sideline.record.seal import (
    CONFIDENTIAL_KIND,
    new_confidential_subject,
    new_seal_key,
    seal,
    sealed_payload,
)
from sideline.record.selectors import (
    checkpoint_bytes,
    latest_accepted_checkpoint,
    latest_checkpoint,
    log_verifiers,
    quorum_for,
    witness_owners,
    witness_verifiers,
)
from sideline.record.tree_reads import (
    consistency_proof_for,
)
from sideline.record.witness import (
    WitnessResponse,
    parse_add_checkpoint_request,
    process_add_checkpoint,
)
from sideline.record.witness import WitnessState as CoreWitnessState
from sideline.registry.models import Organization

__all__ = [
    "ORIGIN_HOST_ENV",
    "NewEntry",
    "RecordServiceError",
    "WitnessRound",
    "add_checkpoint",
    "anchor_logs",
    "append_entries",
    "append_entry",
    "checkpoint_log",
    "cosign_checkpoint",
    "default_host_with_peers",
    "encryption_private_key",
    "ensure_keys",
    "ensure_log",
    "origin_for",
    "receive_cosignatures",
    "rotate_key",
    "witness_round",
]

logger = logging.getLogger(__name__)

ORIGIN_HOST_ENV = "SIDELINE_RECORD_HOST"
DEFAULT_ORIGIN_HOST = "sideline.example"


class RecordServiceError(RecordError):
    """A record operation the caller can fix (unknown organization, bad arguments)."""


def _require_hosted(organization: str, *, action: str) -> None:
    """Refuse to sign, or keep keys, for an organization this node does not host."""
    try:
        node.require_hosted(organization, action=action)
    except node.NodeError as error:
        raise RecordServiceError(error.code, error.message) from None


def origin_for(slug: str) -> str:
    """Return the origin of a new log: ``<host>/record/<slug>``.

    The host is ``SIDELINE_RECORD_HOST`` (default ``sideline.example``); it is read
    only when a log is created, since the origin is part of every checkpoint.
    """
    host = os.environ.get(ORIGIN_HOST_ENV) or DEFAULT_ORIGIN_HOST
    return f"{host}/record/{slug}"


def default_host_with_peers() -> str | None:
    """Say why this node must not serve: it has peers and names its logs with the default host.

    Every node that keeps the default host gives its logs the same origins
    (``sideline.example/record/nato`` on each), so that peers cannot tell them apart:
    one node's checkpoints would be refused, or taken, as another's. Alone, a node may
    keep the default (the single-machine demo); once it has a peer it must not.
    Returns None when the node may serve.
    """
    if not Peer.objects.exists():
        return None
    configured = os.environ.get(ORIGIN_HOST_ENV) or DEFAULT_ORIGIN_HOST
    prefix = f"{DEFAULT_ORIGIN_HOST}/"
    on_default = sorted(
        Log.objects.filter(origin__startswith=prefix).values_list("origin", flat=True)
    )
    if configured == DEFAULT_ORIGIN_HOST:
        return (
            f"{ORIGIN_HOST_ENV} is not set and this node has peers: its logs would share "
            f"the default origin host {DEFAULT_ORIGIN_HOST} with every other node's; set "
            f"{ORIGIN_HOST_ENV} to this node's own host name (docs/configuration.md)"
        )
    if on_default:
        return (
            f"this node has peers and its logs {', '.join(on_default)} were created with the "
            f"default origin host {DEFAULT_ORIGIN_HOST}, which every other node shares; an "
            "origin cannot change, so start this node afresh (a new SIDELINE_DATA_DIR or "
            f"database) with {ORIGIN_HOST_ENV} set"
        )
    return None


def _key_name(log_origin: str, purpose: str) -> str:
    # The log key is named by the origin (tlog-checkpoint); entry and witness keys get
    # their own names, as every key needs a distinct name and purpose.
    names: dict[str, str] = {
        KeyPurpose.LOG: log_origin,
        KeyPurpose.ENTRY: f"{log_origin}/entries",
        KeyPurpose.WITNESS: f"{log_origin}/witness",
        KeyPurpose.ENCRYPTION: f"{log_origin}/encryption",
    }
    return names[purpose]


def _new_encryption_key(log: Log) -> LogKey:
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    # The published JWK, canonical, is the row's public key string (unique, like a vkey).
    jwk = json.dumps(encryption_jwk(public), sort_keys=True, separators=(",", ":"))
    return LogKey.objects.create(
        log=log,
        purpose=KeyPurpose.ENCRYPTION,
        name=_key_name(log.origin, KeyPurpose.ENCRYPTION),
        vkey=jwk,
        private_key=keystore.encrypt_private_key(private),
    )


def _new_key(log: Log, purpose: str) -> LogKey:
    if purpose == KeyPurpose.ENCRYPTION:
        return _new_encryption_key(log)
    private = Ed25519PrivateKey.generate()
    name = _key_name(log.origin, purpose)
    if purpose == KeyPurpose.WITNESS:
        vkey = Cosigner(name, private).verifier().vkey()
    else:
        vkey = Ed25519Signer(name, private).verifier().vkey()
    return LogKey.objects.create(
        log=log,
        purpose=purpose,
        name=name,
        vkey=vkey,
        private_key=keystore.encrypt_private_key(private),
    )


def ensure_log(*, organization: str) -> Log:
    """Return the log of ``organization``, creating it and its keys if missing.

    The keys are three Ed25519 signing keys (log, entry, witness) and one X25519
    encryption key, made only for an organization this node hosts.

    Raises:
        RecordServiceError: ``unknown_organization``, ``not_hosted``.
    """
    log = Log.objects.select_related("organization").filter(organization__slug=organization).first()
    org = log.organization if log is not None else None
    if org is None:
        org = Organization.objects.filter(slug=organization).first()
    if org is None:
        raise RecordServiceError(
            "unknown_organization", f"no organization {organization!r} in the registry"
        )
    _require_hosted(organization, action="keep its keys or write its log")
    if log is not None:
        return log
    try:
        # A savepoint: a concurrent creator wins the unique constraint and this one reads it.
        with transaction.atomic():
            log = Log.objects.create(
                organization=org, origin=origin_for(org.slug), root_hash=EMPTY_ROOT
            )
            for purpose in KeyPurpose.values:
                _new_key(log, purpose)
    except IntegrityError:
        return Log.objects.select_related("organization").get(organization=org)
    logger.info("record: created log %s", log.origin)
    return log


def ensure_keys(*, organization: str) -> list[LogKey]:
    """Give the log of a hosted ``organization`` the keys it lacks; return those made.

    Logs created before encryption keys existed get theirs here (``sideline init``).

    Raises:
        RecordServiceError: ``unknown_organization``, ``not_hosted``.
    """
    with transaction.atomic():
        log = _lock_log(organization)
        present = set(log.keys.filter(active=True).values_list("purpose", flat=True))
        return [_new_key(log, purpose) for purpose in KeyPurpose.values if purpose not in present]


def encryption_private_key(*, organization: str, kid: str | None = None) -> X25519PrivateKey:
    """Return the private X25519 key of a hosted ``organization``: the active one, or
    the one whose published key ID is ``kid`` (a rotated-out key still decrypts).

    Raises:
        RecordServiceError: ``not_hosted``, ``no_key``.
    """
    _require_hosted(organization, action="use its encryption key")
    keys = LogKey.objects.filter(
        log__organization__slug=organization, purpose=KeyPurpose.ENCRYPTION
    ).order_by("-active", "-id")
    for key in keys:
        if kid is None or json.loads(key.vkey)["kid"] == kid:
            return keystore.decrypt_encryption_key(bytes(key.private_key))
    wanted = "" if kid is None else f" {kid!r}"
    raise RecordServiceError(
        "no_key", f"{organization!r} has no encryption key{wanted} on this node"
    )


def _active_private_key(log: Log, purpose: str) -> tuple[str, Ed25519PrivateKey]:
    key = log.keys.filter(purpose=purpose, active=True).order_by("-id").first()
    if key is None:
        raise RecordServiceError("no_key", f"{log.origin} has no active {purpose} key")
    return key.name, keystore.decrypt_private_key(bytes(key.private_key))


def _signer(log: Log, purpose: str) -> Ed25519Signer:
    name, private = _active_private_key(log, purpose)
    return Ed25519Signer(name, private)


def _cosigner(log: Log) -> Cosigner:
    name, private = _active_private_key(log, KeyPurpose.WITNESS)
    return Cosigner(name, private)


def _lock_log(organization: str) -> Log:
    # Every signing path comes through here: a log not hosted is never written.
    _require_hosted(organization, action="sign for it or write its log")
    # Read under the lock: size and frontier must be the latest committed ones.
    locked = Log.objects.select_for_update().select_related("organization")
    log = locked.filter(organization__slug=organization).first()
    if log is None:
        log = locked.get(pk=ensure_log(organization=organization).pk)
    return log


@dataclass(frozen=True)
class _Sealed:
    kind: str
    subject: str
    content: bytes
    key: bytes


@dataclass(frozen=True)
class _Leaf:
    leaf: bytes
    kind: str
    subject: str
    sealed: _Sealed | None = None


def _append_leaves(log: Log, leaves: Sequence[_Leaf]) -> list[RecordEntry]:
    """Append signed leaves to a locked log; store entries, nodes and the new edge."""
    edge = perfect_subtrees(0, log.size)
    blob = bytes(log.frontier)
    known = {key: blob[i * HASH_SIZE : (i + 1) * HASH_SIZE] for i, key in enumerate(edge)}
    frontier = Frontier.from_nodes(log.size, node=lambda level, index: known[(level, index)])
    new_nodes: list[TreeNode] = []

    def on_node(level: int, index: int, node_hash: bytes) -> None:
        known[(level, index)] = node_hash
        if level:
            new_nodes.append(TreeNode(log=log, level=level, index=index, hash=node_hash))

    frontier.set_on_node(on_node)
    now = timezone.now()
    rows = []
    for item in leaves:
        leaf_hash = hash_leaf(item.leaf)
        rows.append(
            RecordEntry(
                log=log,
                index=frontier.size,
                leaf=item.leaf,
                leaf_hash=leaf_hash,
                kind=item.kind,
                subject=item.subject,
                created=now,
            )
        )
        frontier.append(leaf_hash)
    RecordEntry.objects.bulk_create(rows)
    sealed = [(row, item.sealed) for row, item in zip(rows, leaves, strict=True) if item.sealed]
    if sealed:
        ids = dict(
            RecordEntry.objects.filter(
                log=log, index__in=[row.index for row, _ in sealed]
            ).values_list("index", "pk")
        )
        SealedEntry.objects.bulk_create(
            SealedEntry(
                entry_id=ids[row.index],
                kind=inner.kind,
                subject=inner.subject,
                content=inner.content,
                key=inner.key,
            )
            for row, inner in sealed
        )
    TreeNode.objects.bulk_create(new_nodes)
    size = frontier.size
    new_edge = b"".join(known[key] for key in perfect_subtrees(0, size))
    root = frontier.root()
    Log.objects.filter(pk=log.pk).update(size=size, root_hash=root, frontier=new_edge)
    log.size, log.root_hash, log.frontier = size, root, new_edge
    return rows


@dataclass(frozen=True)
class NewEntry:
    """One entry to append with :func:`append_entries`; ``confidential`` seals it."""

    kind: str
    subject: str
    payload: dict[str, Any] | None = None
    confidential: bool = False


def _signed_leaf(log: Log, signer: Ed25519Signer, item: NewEntry, *, moment: Any) -> _Leaf:
    entry = build_entry(
        kind=item.kind,
        organization=log.slug,
        time=moment,
        subject=item.subject,
        payload=item.payload if item.payload is not None else {},
    )
    if not item.confidential:
        return _Leaf(sign_entry(entry, signer=signer), item.kind, item.subject)
    # The real entry stays here; the log gets only "a confidential change, now", its
    # subject random and its content committed to under a key of its own.
    inner = encode_entry_text(entry).encode()
    key = new_seal_key()
    outer = build_entry(
        kind=CONFIDENTIAL_KIND,
        organization=log.slug,
        time=moment,
        subject=new_confidential_subject(),
        payload=sealed_payload(seal(inner, key=key)),
    )
    return _Leaf(
        sign_entry(outer, signer=signer),
        outer.kind,
        outer.subject,
        _Sealed(item.kind, item.subject, inner, key),
    )


def append_entries(*, organization: str, entries: Sequence[NewEntry]) -> list[RecordEntry]:
    """Sign and append several entries to ``organization``'s log in one transaction.

    Raises:
        RecordServiceError: ``unknown_organization``, ``not_hosted``.
        EntryError: a bad kind, subject or payload, or an entry over 64 KiB.
    """
    with transaction.atomic():
        log = _lock_log(organization)
        signer = _signer(log, KeyPurpose.ENTRY)
        moment = timezone.now()
        leaves = [_signed_leaf(log, signer, item, moment=moment) for item in entries]
        appended = _append_leaves(log, leaves)
        # The follower of this process checkpoints and pushes at once, not at its tick.
        transaction.on_commit(wakeup.wake)
        return appended


def append_entry(
    *,
    organization: str,
    kind: str,
    subject: str,
    payload: dict[str, Any] | None = None,
    confidential: bool = False,
) -> RecordEntry:
    """Sign one entry as ``organization`` and append it to its log.

    Runs in the caller's transaction, if any, so the entry commits with the change it
    records. A ``confidential`` entry is sealed (see :mod:`sideline.record.seal`): the
    log gets kind ``confidential``, a random subject and an HMAC of the entry under a
    key of its own; the entry itself and the key are kept in :class:`SealedEntry`.

    Raises:
        RecordServiceError: ``unknown_organization``, ``not_hosted``.
        EntryError: ``bad_kind``, ``bad_subject``, ``bad_payload``, ``entry_too_large``.
    """
    item = NewEntry(kind=kind, subject=subject, payload=payload, confidential=confidential)
    return append_entries(organization=organization, entries=[item])[0]


def rotate_key(*, organization: str, purpose: str) -> LogKey:
    """Replace the active key of ``purpose``; the old one is kept to verify old signatures
    (or, for the encryption key, to decrypt what was encrypted to it)."""
    with transaction.atomic():
        log = _lock_log(organization)
        log.keys.filter(purpose=purpose, active=True).update(active=False)
        return _new_key(log, purpose)


# -- checkpoints --------------------------------------------------------------------


def checkpoint_log(*, organization: str) -> LogCheckpoint:
    """Sign a checkpoint of the log's current size; return the existing one if unchanged."""
    with transaction.atomic():
        log = _lock_log(organization)
        latest = latest_checkpoint(log)
        if latest is not None and latest.size == log.size:
            return latest
        body = Checkpoint(log.origin, log.size, bytes(log.root_hash))
        note = sign_note(body.text(), signers=[_signer(log, KeyPurpose.LOG)])
        checkpoint = LogCheckpoint.objects.create(
            log=log, size=log.size, root_hash=bytes(log.root_hash), note=note
        )
        _update_acceptance(checkpoint)
        return checkpoint


def _update_acceptance(checkpoint: LogCheckpoint) -> bool:
    """Mark ``checkpoint`` accepted once a quorum of witnesses validly cosigned it."""
    if checkpoint.accepted_at is not None:
        return True
    log = checkpoint.log
    result = count_cosignatures(
        checkpoint_bytes(checkpoint),
        witnesses=witness_verifiers(log),
        quorum=quorum_for(log),
        owners=witness_owners(log),
    )
    if result.met:
        checkpoint.accepted_at = timezone.now()
        checkpoint.save(update_fields=["accepted_at"])
    return result.met


def add_cosignatures(*, checkpoint: LogCheckpoint, lines: bytes) -> int:
    """Store the cosignature lines a witness returned for ``checkpoint``; return how many."""
    verifiers = {(v.name, v.key_id): v for v in witness_verifiers(checkpoint.log)}
    body = parse_note(bytes(checkpoint.note)).text.encode()
    stored = 0
    for raw in lines.decode().splitlines(keepends=True):
        # Parse a line by giving it a one-line note around the checkpoint text.
        sig = parse_note(body.decode() + "\n" + raw).signatures[0]
        verifier = verifiers.get((sig.name, sig.key_id))
        if verifier is None or not verifier.verify(body, sig.signature):
            continue
        _, created = Cosignature.objects.get_or_create(
            checkpoint=checkpoint,
            witness=sig.name,
            key_id=sig.key_id,
            defaults={"line": raw, "timestamp": int.from_bytes(sig.signature[:8], "big")},
        )
        stored += created
    _update_acceptance(checkpoint)
    return stored


def receive_cosignatures(*, organization: str, body: bytes) -> WitnessResponse:
    """Store cosignatures another node's witness pushed for a checkpoint of ours.

    ``body`` is the checkpoint as this node signed it with the witness's
    ``cosignature/v1`` lines appended. All or nothing: every line that is not the
    log's own signature must come from a witness key this node knows for the log
    (see :func:`~sideline.record.selectors.witness_verifiers`) and verify, or the
    request is refused and nothing is stored.

    Status and code: 200 ``ok`` (body ``stored N``); 400 ``bad_request`` or
    ``no_cosignatures``; 404 ``unknown_log`` or ``unknown_checkpoint`` (this node
    never issued that checkpoint); 403 ``unknown_witness_key`` or ``bad_cosignature``.
    """
    log = Log.objects.select_related("organization").filter(organization__slug=organization).first()
    if log is None or not node.is_hosted(organization):
        return _refusal(404, "unknown_log", f"no log for {organization!r} here")
    try:
        note = parse_note(body)
    except NoteError as exc:
        return _refusal(400, "bad_request", f"not a signed note: {exc.message}")
    stored = _issued_checkpoint(log, note.text)
    if stored is None:
        return _refusal(
            404,
            "unknown_checkpoint",
            f"{log.origin} never issued this checkpoint; post one served at "
            f"/record/{log.slug}/checkpoint",
        )
    own = {(v.name, v.key_id) for v in log_verifiers(log)}
    witnesses = {(v.name, v.key_id): v for v in witness_verifiers(log)}
    text = note.text.encode()
    accepted = []
    for sig in note.signatures:
        if (sig.name, sig.key_id) in own:
            continue
        verifier = witnesses.get((sig.name, sig.key_id))
        if verifier is None:
            return _refusal(
                403,
                "unknown_witness_key",
                f"{sig.name!r} (key ID {sig.key_id:08x}) is not a witness key this node "
                f"knows for {log.origin}; sync from the witness's node first",
            )
        if not verifier.verify(text, sig.signature):
            return _refusal(
                403,
                "bad_cosignature",
                f"the cosignature of {sig.name!r} does not verify on this checkpoint",
            )
        accepted.append(sig)
    if not accepted:
        return _refusal(400, "no_cosignatures", "the note carries no cosignature line")
    created = 0
    with transaction.atomic():
        for sig in accepted:
            _, new = Cosignature.objects.get_or_create(
                checkpoint=stored,
                witness=sig.name,
                key_id=sig.key_id,
                defaults={"line": sig.line(), "timestamp": cosignature_timestamp(sig)},
            )
            created += new
        _update_acceptance(stored)
    return WitnessResponse(200, "ok", f"stored {created}\n".encode())


def _refusal(status: int, code: str, message: str) -> WitnessResponse:
    return WitnessResponse(status, code, f"{code}: {message}\n".encode())


def _issued_checkpoint(log: Log, text: str) -> LogCheckpoint | None:
    """Return the checkpoint of ``log`` whose signed text is exactly ``text``."""
    try:
        size = int(text.split("\n")[1])
    except (IndexError, ValueError):
        return None
    checkpoint = log.checkpoints.filter(size=size).first()
    if checkpoint is None or parse_note(bytes(checkpoint.note)).text != text:
        return None
    return checkpoint


# -- witnessing ---------------------------------------------------------------------


def _known_log_keys(witness: Log) -> dict[str, list[Any]]:
    """Return the log keys a witness here trusts, by origin.

    A log hosted here is known by its own keys alone: a peer that publishes a log
    under one of its origins must not get a witness here to cosign for it (and so
    refuse the real checkpoints later). Peers' logs count only while trusted.
    """
    keys: dict[str, list[Any]] = {}
    hosted = {log.origin for log in Log.objects.all()}
    for log in Log.objects.exclude(pk=witness.pk).prefetch_related("keys"):
        keys[log.origin] = list(log_verifiers(log))
    for replica in Replica.objects.filter(trusted=True).exclude(origin__in=hosted):
        keys.setdefault(replica.origin, []).extend(parse_verifier_key(k) for k in replica.log_keys)
    return keys


def add_checkpoint(*, witness: str, body: bytes, timestamp: int | None = None) -> WitnessResponse:
    """Answer a C2SP tlog-witness ``add-checkpoint`` request as the witness ``witness``.

    Check and store are atomic: the stored size is compared and swapped in one
    conditional update, so two racing requests cannot both advance from one size.
    On success for a log hosted here, the cosignatures are also stored on the
    matching checkpoint (in-node witnessing is this same call).
    """
    witness_log = (
        Log.objects.select_related("organization").filter(organization__slug=witness).first()
    )
    # Cosigning is signing: only an organization hosted here witnesses from this node.
    if witness_log is None or not node.is_hosted(witness):
        return WitnessResponse(404, "unknown_witness", f"no witness {witness!r} here\n".encode())
    try:
        request = parse_add_checkpoint_request(body)
    except WitnessRequestError as exc:
        return WitnessResponse(400, exc.code, (exc.message + "\n").encode())
    origin = request.checkpoint.origin
    with transaction.atomic():
        row = WitnessState.objects.filter(witness=witness_log, origin=origin).first()
        stored = CoreWitnessState(row.size, bytes(row.root_hash)) if row else None
        response = process_add_checkpoint(
            request,
            log_keys=_known_log_keys(witness_log),
            stored=stored,
            cosigners=[_cosigner(witness_log)],
            timestamp=timestamp or int(time.time()),
        )
        if response.status != 200 or response.new_state is None:
            return response
        new = response.new_state
        if row is None:
            try:
                with transaction.atomic():
                    WitnessState.objects.create(
                        witness=witness_log, origin=origin, size=new.size, root_hash=new.root_hash
                    )
                swapped = True
            except IntegrityError:
                swapped = False
        else:
            swapped = bool(
                WitnessState.objects.filter(pk=row.pk, size=row.size).update(
                    size=new.size, root_hash=new.root_hash
                )
            )
        if not swapped:
            current = WitnessState.objects.get(witness=witness_log, origin=origin)
            return WitnessResponse(
                409, "stale_old_size", f"{current.size}\n".encode(), "text/x.tlog.size"
            )
        local = (
            LogCheckpoint.objects.filter(log__origin=origin, size=request.checkpoint.size)
            .select_related("log")
            .first()
        )
        if local is not None and bytes(local.root_hash) == request.checkpoint.root_hash:
            add_cosignatures(checkpoint=local, lines=response.body)
    return response


def request_body(*, log: Log, checkpoint: LogCheckpoint, old_size: int) -> bytes:
    """Return an ``add-checkpoint`` body for ``checkpoint`` from ``old_size``."""
    proof = consistency_proof_for(log, old_size=old_size, new_size=checkpoint.size)
    lines = [f"old {old_size}", *(base64.b64encode(p).decode() for p in proof)]
    return ("\n".join(lines) + "\n\n").encode() + bytes(checkpoint.note)


def cosign_checkpoint(*, checkpoint: LogCheckpoint, witness: str) -> WitnessResponse:
    """Have the local witness ``witness`` cosign ``checkpoint``, as a tlog-witness client.

    Starts from the size the witness last cosigned; on 409 retries once from the
    size the witness reports, as the protocol intends.
    """
    log = checkpoint.log
    state = WitnessState.objects.filter(
        witness__organization__slug=witness, origin=log.origin
    ).first()
    old = state.size if state is not None and state.size <= checkpoint.size else 0
    response = add_checkpoint(
        witness=witness, body=request_body(log=log, checkpoint=checkpoint, old_size=old)
    )
    if response.status == 409:
        reported = int(response.body.decode().strip())
        if reported <= checkpoint.size:
            body = request_body(log=log, checkpoint=checkpoint, old_size=reported)
            response = add_checkpoint(witness=witness, body=body)
    return response


@dataclass(frozen=True)
class WitnessRound:
    """What one in-node round did: checkpoints signed, cosignatures, acceptances."""

    checkpoints: int
    cosigned: int
    refused: list[tuple[str, str, int, str]]
    accepted: list[str]


def witness_round(*, organizations: Sequence[str] | None = None) -> WitnessRound:
    """Checkpoint every log hosted here and have every other organization hosted here cosign it."""
    hosted = node.hosted_organizations()
    hosted_logs = [log for log in Log.objects.select_related("organization") if log.slug in hosted]
    logs = [log for log in hosted_logs if organizations is None or log.slug in organizations]
    witnesses = [log.slug for log in hosted_logs]
    cosigned = 0
    refused: list[tuple[str, str, int, str]] = []
    accepted: list[str] = []
    for log in logs:
        checkpoint = checkpoint_log(organization=log.slug)
        for witness in witnesses:
            if witness == log.slug:
                continue
            response = cosign_checkpoint(checkpoint=checkpoint, witness=witness)
            if response.status == 200:
                cosigned += 1
            else:
                refused.append((log.slug, witness, response.status, response.code))
        checkpoint.refresh_from_db()
        if checkpoint.accepted:
            accepted.append(log.slug)
    return WitnessRound(len(logs), cosigned, refused, accepted)


def anchor_logs(*, organization: str) -> list[RecordEntry]:
    """Record in ``organization``'s log the other logs' latest accepted checkpoints.

    Only checkpoints newer than the last one anchored for that log are recorded.
    """
    log = ensure_log(organization=organization)
    items: list[NewEntry] = []
    for other in Log.objects.exclude(pk=log.pk).select_related("organization"):
        accepted = latest_accepted_checkpoint(other)
        if accepted is None:
            continue
        subject = f"log/{other.slug}"
        last = (
            log.entries.filter(kind="record.anchored", subject=subject).order_by("-index").first()
        )
        if last is not None and _anchored_size(bytes(last.leaf)) >= accepted.size:
            continue
        items.append(
            NewEntry(
                kind="record.anchored",
                subject=subject,
                payload={
                    "origin": other.origin,
                    "size": accepted.size,
                    "root_hash": base64.b64encode(bytes(accepted.root_hash)).decode(),
                },
            )
        )
    return append_entries(organization=organization, entries=items) if items else []


def _anchored_size(leaf: bytes) -> int:
    text = parse_note(leaf).text
    return int(json.loads(text.split("\n", 1)[1])["payload"]["size"])


def update_all_acceptance() -> None:
    """Re-count the cosignatures of every unaccepted checkpoint (after keys change)."""
    for checkpoint in LogCheckpoint.objects.filter(accepted_at__isnull=True).select_related("log"):
        _update_acceptance(checkpoint)
