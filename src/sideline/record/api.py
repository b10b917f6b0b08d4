"""JSON conveniences over the record: one entry, inclusion and consistency proofs.

Hashes are base64, as in checkpoints. The tiles under ``/record/`` are the
authoritative format; these routes save a client from assembling proofs itself.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from sideline.errors import ApiError
from sideline.record.models import Log
from sideline.record.proving import ProofUnavailableError, cached_proof
from sideline.record.selectors import (
    LogHead,
    get_log,
    get_log_head,
    list_logs,
)
from sideline.record.tree_reads import (
    consistency_proof_for,
    inclusion_proof_with_leaf,
)

router = Router(tags=["record"])


class EncryptionKeyOut(Schema):
    """An organization's X25519 public key as a JWK (RFC 7517, RFC 8037); ``kid`` is its
    RFC 7638 thumbprint."""

    kty: str
    crv: str
    use: str
    kid: str
    x: str


class LogOut(Schema):
    organization: str
    origin: str
    path: str
    log_key: str
    organization_key: str
    witness_key: str
    log_keys: list[str]
    organization_keys: list[str]
    witness_keys: list[str]
    encryption_key: EncryptionKeyOut | None
    encryption_keys: list[EncryptionKeyOut]


class EntryOut(Schema):
    organization: str
    index: int
    kind: str
    subject: str
    leaf: str
    leaf_hash: str
    payload_sha256: str
    created: datetime


class InclusionOut(Schema):
    organization: str
    index: int
    size: int
    leaf_hash: str
    proof: list[str]


class ConsistencyOut(Schema):
    organization: str
    old_size: int
    new_size: int
    proof: list[str]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _log(org: str) -> Log:
    log = get_log(org)
    if log is None:
        raise ApiError(404, "unknown_log", f"no log for {org!r} on this node", field="org")
    return log


def _head(org: str) -> LogHead:
    # The proof routes read only the log's id and size: one plain query.
    head = get_log_head(org)
    if head is None:
        raise ApiError(404, "unknown_log", f"no log for {org!r} on this node", field="org")
    return head


def _size(log: Log | LogHead, size: int | None, *, field: str) -> int:
    if size is None:
        return log.size
    if not 0 <= size <= log.size:
        raise ApiError(
            400,
            "size_out_of_range",
            f"{field}: {size} is not in 0..{log.size}, the log's size",
            field=field,
        )
    return size


@router.get("/logs", response=list[LogOut])
def logs(request: HttpRequest) -> list[dict[str, object]]:
    """List the logs hosted here (as ``GET /record/logs``)."""
    return list_logs()


@router.get("/{org}/entries/{index}", response=EntryOut)
def entry(request: HttpRequest, org: str, index: int) -> EntryOut:
    """Return one entry: its signed note (the leaf) and leaf hash."""
    log = _log(org)
    row = log.entries.filter(index=index).first()
    if row is None:
        raise ApiError(
            404, "unknown_entry", f"index: {index} is not in 0..{log.size - 1}", field="index"
        )
    return EntryOut(
        organization=log.slug,
        index=row.index,
        kind=row.kind,
        subject=row.subject,
        leaf=bytes(row.leaf).decode(),
        leaf_hash=_b64(bytes(row.leaf_hash)),
        payload_sha256=row.payload_sha256,
        created=row.created,
    )


@router.get("/{org}/proof/inclusion", response=InclusionOut)
def inclusion(request: HttpRequest, org: str, index: int, size: int | None = None) -> InclusionOut:
    """Return the inclusion proof of entry ``index`` in the tree of ``size`` (default: all)."""
    log = _head(org)
    tree = _size(log, size, field="size")
    if not 0 <= index < tree:
        raise ApiError(
            400, "index_out_of_range", f"index: {index} is not in 0..{tree - 1}", field="index"
        )
    leaf_hash, proof = inclusion_proof_with_leaf(log, index=index, size=tree)
    return InclusionOut(
        organization=log.slug,
        index=index,
        size=tree,
        leaf_hash=_b64(bytes(leaf_hash)),
        proof=[_b64(p) for p in proof],
    )


@router.get("/{org}/proof/consistency", response=ConsistencyOut)
def consistency(
    request: HttpRequest,
    org: str,
    old_size: int = Query(..., alias="from"),  # type: ignore[type-arg]  # ninja's marker
    new_size: int | None = Query(None, alias="to"),  # type: ignore[type-arg]  # ninja's marker
) -> ConsistencyOut:
    """Return the consistency proof from size ``from`` to size ``to`` (default: all)."""
    log = _head(org)
    new = _size(log, new_size, field="to")
    old = _size(log, old_size, field="from")
    if old > new:
        raise ApiError(400, "bad_size_order", f"from: {old} is larger than to: {new}", field="from")
    proof = consistency_proof_for(log, old_size=old, new_size=new)
    return ConsistencyOut(
        organization=log.slug, old_size=old, new_size=new, proof=[_b64(p) for p in proof]
    )


class ProofOut(Schema):
    """A proof file (``sideline.proof/1``, docs/proofs.md): one C2SP tlog-proof per entry."""

    format: str
    object: str
    proofs: list[str]


@router.get("/proofs/{org}/{name}", response=ProofOut)
def proof(request: HttpRequest, org: str, name: str) -> dict[str, object]:
    """Return the proof file of every public operation on ``<org>/<name>`` (a decision's id).

    Anyone may fetch it: it holds only entries already public on the logs (an operation of a
    confidential meeting is sealed under a random subject and is never found by its object).
    """
    try:
        data = cached_proof(f"{org}/{name}")
    except ProofUnavailableError as error:
        status = 409 if error.code == "not_checkpointed" else 404
        raise ApiError(status, error.code, error.message) from None
    document: dict[str, object] = json.loads(data)
    return document
