"""Proof files of an object's ops from the logs this node holds, and this node's trust policy.

The pure format and checks are :mod:`sideline.record.proof`; this module finds the
entries (own logs and trusted replicas of peers' logs), the checkpoints that include them
and their inclusion proofs.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from sideline.record.errors import RecordError
from sideline.record.merkle import Frontier, StoredNodes, inclusion_proof
from sideline.record.models import Log, RecordEntry, Replica, ReplicaCheckpoint, ReplicaEntry
from sideline.record.proof import MAX_PROOFS, TlogProof, build_bundle
from sideline.record.selectors import (
    checkpoint_bytes,
    quorum_for,
    witness_keys_by_owner,
)
from sideline.record.tree_reads import (
    inclusion_proof_for,
)

__all__ = [
    "PROOF_CACHE_SECONDS",
    "ProofUnavailableError",
    "cached_proof",
    "node_policy",
    "prove_object",
]

_OP_KIND_PREFIX = "op."
# Anyone may ask for a proof, and making one reads every leaf of the peers' replicas: the
# pages answer from a cache for this long, refusals included.
PROOF_CACHE_SECONDS = 60


class ProofUnavailableError(RecordError):
    """This node cannot make the proof asked for; the message says why."""


def _own_proofs(object_id: str) -> list[TlogProof]:
    rows = (
        RecordEntry.objects.filter(subject=object_id, kind__startswith=_OP_KIND_PREFIX)
        .select_related("log")
        .order_by("log_id", "index")
    )
    proofs = []
    for row in rows[: MAX_PROOFS + 1]:
        log = row.log
        # A checkpoint a quorum cosigned when there is one, else the newest that covers it.
        covering = log.checkpoints.filter(size__gt=row.index)
        checkpoint = (
            covering.filter(accepted_at__isnull=False).order_by("size").last()
            or covering.order_by("size").last()
        )
        if checkpoint is None:
            raise ProofUnavailableError(
                "not_checkpointed",
                f"entry {row.index} of {log.origin} is in no checkpoint yet; run "
                f"`sideline record witness` (or wait for the follower) and try again",
            )
        hashes = inclusion_proof_for(log, index=row.index, size=checkpoint.size)
        proofs.append(
            TlogProof(row.index, tuple(hashes), checkpoint_bytes(checkpoint), bytes(row.leaf))
        )
    return proofs


def _replica_proofs(object_id: str) -> list[TlogProof]:
    hosted = set(Log.objects.values_list("origin", flat=True))
    needle = b'"subject":"' + object_id.encode() + b'"'
    proofs = []
    for replica in Replica.objects.filter(trusted=True, refused="").exclude(origin__in=hosted):
        # Replica rows keep no subject: the leaves are searched (O(entries of the replica)).
        found = [
            (index, bytes(leaf))
            for index, leaf in ReplicaEntry.objects.filter(replica=replica)
            .order_by("index")
            .values_list("index", "leaf")
            if needle in bytes(leaf) and b'"kind":"op.' in bytes(leaf)
        ]
        if not found:
            continue
        last = max(index for index, _ in found)
        checkpoint = (
            ReplicaCheckpoint.objects.filter(replica=replica, evidence=False, size__gt=last)
            .order_by("size")
            .last()
        )
        if checkpoint is None:
            raise ProofUnavailableError(
                "not_checkpointed",
                f"entry {last} of {replica.origin} is in no checkpoint this node holds; "
                "sync with its node and try again",
            )
        store = StoredNodes()
        frontier = Frontier(on_node=store.add)
        hashes = ReplicaEntry.objects.filter(replica=replica, index__lt=checkpoint.size)
        frontier.extend(
            bytes(h) for h in hashes.order_by("index").values_list("leaf_hash", flat=True)
        )
        for index, leaf in found:
            path = inclusion_proof(index, size=checkpoint.size, node=store.read)
            proofs.append(TlogProof(index, tuple(path), bytes(checkpoint.note), leaf))
    return proofs


def prove_object(object_id: str) -> bytes:
    """Return the proof file of every public op about ``object_id`` in the logs held here.

    Only entries already public on the logs go in: an op of a confidential meeting is an
    ``op.sealed`` entry whose subject is random, so it is never found by its object.

    Raises:
        ProofUnavailableError: ``nothing_to_prove`` (no public op about it),
            ``not_checkpointed``, ``proof_too_large``.
    """
    proofs = _own_proofs(object_id) + _replica_proofs(object_id)
    if not proofs:
        raise ProofUnavailableError(
            "nothing_to_prove", f"no log held here has a public operation on {object_id!r}"
        )
    if len(proofs) > MAX_PROOFS:
        raise ProofUnavailableError(
            "proof_too_large", f"{object_id!r} has more than {MAX_PROOFS} operations"
        )
    return build_bundle(object_id, proofs)


def cached_proof(object_id: str) -> bytes:
    """Return :func:`prove_object`'s file (or raise its refusal), made at most once a minute.

    Raises:
        ProofUnavailableError: as :func:`prove_object`.
    """
    key = "record-proof:" + hashlib.sha256(object_id.encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        try:
            cached = ("ok", prove_object(object_id))
        except ProofUnavailableError as error:
            cached = ("refused", error.code, error.message)
        cache.set(key, cached, PROOF_CACHE_SECONDS)
    if cached[0] != "ok":
        raise ProofUnavailableError(cached[1], cached[2])
    data: bytes = cached[1]
    return data


def node_policy() -> str:
    """Return a C2SP tlog-policy of the logs and witnesses this node trusts.

    Every log hosted here and every trusted replica; each organization's witness keys,
    one group per organization (any of its keys), and a quorum of as many organizations
    as this node asks of its own logs. A verifier should check the keys with each
    organization before trusting the file.
    """
    lines = [
        "# The logs and witnesses this Sideline node trusts. Check each key with its",
        "# organization before relying on this file.",
        "",
    ]
    logs = list(Log.objects.select_related("organization").prefetch_related("keys"))
    log_keys = [k.vkey for log in logs for k in log.keys.all() if k.purpose == "log"]
    for replica in Replica.objects.filter(trusted=True, refused=""):
        log_keys.extend(replica.log_keys)
    lines.extend(f"log {vkey}" for vkey in dict.fromkeys(log_keys))
    owners: dict[str, list[str]] = {}
    for log in logs:
        for owner, keys in witness_keys_by_owner(log).items():
            owners.setdefault(owner, []).extend(keys)
    for log in logs:
        owners.setdefault(log.slug, []).extend(
            k.vkey for k in log.keys.all() if k.purpose == "witness"
        )
    groups = []
    for owner in sorted(owners):
        keys = list(dict.fromkeys(owners[owner]))
        names = [owner if len(keys) == 1 else f"{owner}-{n}" for n in range(1, len(keys) + 1)]
        lines.append("")
        lines.extend(f"witness {name} {key}" for name, key in zip(names, keys, strict=True))
        if len(keys) > 1:
            lines.append(f"group {owner} any {' '.join(names)}")
        groups.append(owner)
    quorum = min((quorum_for(log) for log in logs), default=0)
    lines.append("")
    if quorum and groups:
        lines.append(f"group enough {min(quorum, len(groups))} {' '.join(groups)}")
        lines.append("quorum enough")
    else:
        lines.append("quorum none")
    return "\n".join(lines) + "\n"
