"""Every op this node holds, read back verified from its own logs and trusted replicas,
and their reduction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sideline.federation.canonical import canonical_bytes
from sideline.federation.ordering import LoggedOp
from sideline.federation.reducer import (
    Reduction,
    reduce_ops,
)
from sideline.oplog.keys import node_opener
from sideline.record.entry import Entry, open_entry, parse_entry_text
from sideline.record.errors import EntryError
from sideline.record.models import KeyPurpose, Log, LogKey, RecordEntry, Replica, ReplicaEntry
from sideline.record.note import Ed25519Verifier, parse_verifier_key

__all__ = ["OP_KIND_PREFIX", "UNKNOWN_SIGNER", "NodeOps", "read_node_ops", "reduce_node"]

OP_KIND_PREFIX = "op."
UNKNOWN_SIGNER = "unknown-key"


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


def reduce_node() -> tuple[NodeOps, Reduction]:
    """Fold every op this node holds; confidential meetings of its organizations included."""
    ops = read_node_ops()
    return ops, reduce_ops(ops.entries, node_opener())
