"""Sync with other nodes: keep a replica of each peer log, detect forks, witness.

A peer is another Sideline node's base URL. Its ``/record/logs`` names its logs and
keys; each log is read as tlog-tiles through one bounded
:class:`~sideline.record.transport.PeerClient` per sync. Sync keeps a replica of
every peer log, checks each new checkpoint for consistency with the last one seen,
verifies every new entry's signature, and asks the peer's witnesses to cosign this
node's checkpoints (the tlog-witness direction: a log submits to witnesses).

What a peer cannot do:

* take over a log hosted here: a log it publishes under one of this node's origins
  is refused, never read, pinned or cosigned, and raised as an alert; so is a log
  under an origin another peer's log already holds with other keys;
* make its witnesses count: a peer's witness keys are pinned on first use only for
  organizations named in ``SIDELINE_RECORD_WITNESSES``; others wait for the
  operator's approval (``accept_keys``);
* roll a log back or freeze it unnoticed: a checkpoint older than one it served
  before, or one unchanged for longer than ``SIDELINE_RECORD_STALE_AFTER`` hours, is
  an alert;
* get a fork declared by sending garbage: a fork needs two signed checkpoints shown
  inconsistent by tiles that give the newer one's root; a bad tile or bundle is a
  transport failure, retried at the next sync.

The keys a replica verifies with are pinned: the first sync trusts what the peer
publishes, and a key the peer adds later waits for the operator's approval
(``accept_keys``). A checkpoint or entry that only a waiting key signed is held back.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sideline.record.audit import check_consistency
from sideline.record.checkpoint import open_checkpoint, parse_cosigner_key
from sideline.record.entry import open_entry
from sideline.record.errors import (
    CheckpointError,
    EntryError,
    NoteError,
    RecordError,
    TileError,
)
from sideline.record.incidents import record_incidents
from sideline.record.jwk import EncryptionKeyError, parse_encryption_jwk
from sideline.record.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    Frontier,
    consistency_proof,
    hash_leaf,
    perfect_subtrees,
    root_from_leaf_hashes,
    subtree_hash,
)
from sideline.record.mirror import (
    MAX_LOG_SIZE,
    HttpLogReader,
    LogVerdict,
    mirror,
    peer_client,
    read_peer_logs,
    verify_source,
)
from sideline.record.models import (
    Log,
    Peer,
    PushHint,
    Replica,
    ReplicaCheckpoint,
    ReplicaEntry,
    WitnessState,
)
from sideline.record.note import open_note, parse_verifier_key
from sideline.record.selectors import latest_checkpoint, list_logs, replica_alerts
from sideline.record.services import add_checkpoint, add_cosignatures, request_body
from sideline.record.tiles import (
    TILE_WIDTH,
    TileHashReader,
    iter_entry_bundles,
    parse_entry_bundle,
)
from sideline.record.transport import PeerClient, PeerError

if TYPE_CHECKING:
    from sideline.record.federation_file import FederationPeer

__all__ = [
    "HttpLogReader",
    "LogVerdict",
    "SyncReport",
    "describe_waiting_keys",
    "mirror",
    "sync_peer",
    "verify_source",
]

logger = logging.getLogger(__name__)


@dataclass
class SyncReport:
    """What a sync did, log by log.

    ``problems`` are notes (keys waiting, a checkpoint held back); ``failures`` could
    not be done and are retried at the next sync (the peer could not be read, or
    sent garbage); ``alerts`` are a peer's hostile or stalled behaviour (a log under
    an origin that is not its to publish, a rollback, a frozen log). A sync with
    failures, alerts or forks fails.
    """

    new_entries: dict[str, int] = field(default_factory=dict)
    # The kinds of the new entries of each log: read while verifying them, so that the
    # follower knows whether ops came without reading every leaf back.
    new_kinds: dict[str, set[str]] = field(default_factory=dict)
    forks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    cosignatures: int = 0
    cosigned_for_peer: int = 0
    # What the peer did wrong, with its evidence, kept by record_incidents.
    incidents: list[Incident] = field(default_factory=list)
    # The logs read without a failure (resolving the transient incidents).
    clean: list[str] = field(default_factory=list)

    def incident(self, organization: str, code: str, message: str, evidence: bytes = b"") -> None:
        self.incidents.append(Incident(organization, code, message, evidence))


@dataclass(frozen=True)
class Incident:
    """One misbehaviour of a peer seen by a sync (see :class:`PeerIncident`)."""

    organization: str
    code: str
    message: str
    evidence: bytes = b""


def _frontier_of(replica: Replica) -> tuple[Frontier, dict[tuple[int, int], bytes]]:
    edge = perfect_subtrees(0, replica.size)
    blob = bytes(replica.frontier)
    known = {key: blob[i * HASH_SIZE : (i + 1) * HASH_SIZE] for i, key in enumerate(edge)}
    return Frontier.from_nodes(replica.size, node=lambda lv, ix: known[(lv, ix)]), known


def _mark_fork(replica: Replica, *, raw: bytes, size: int, root: bytes, message: str) -> None:
    with transaction.atomic():
        previous = replica.checkpoints.filter(evidence=False).order_by("-size", "-id").first()
        if previous is not None:
            previous.evidence = True
            previous.save(update_fields=["evidence"])
        ReplicaCheckpoint.objects.create(
            replica=replica, size=size, root_hash=root, note=raw, evidence=True
        )
        replica.trusted = False
        replica.problem = message
        replica.save(update_fields=["trusted", "problem", "updated"])
    logger.error("record: FORK of %s served by %s: %s", replica.origin, replica.peer.url, message)


# The kinds of keys a peer publishes: the Replica field that holds the approved ones,
# the field of /record/logs that lists them, and what the operator reads.
_KEY_KINDS = (
    ("log_keys", "log_keys", "log key"),
    ("entry_keys", "organization_keys", "entry key"),
    ("witness_keys", "witness_keys", "witness key"),
    ("encryption_keys", "encryption_keys", "encryption key"),
)


def _well_formed(field_name: str, key: str) -> str | None:
    """Return why ``key`` cannot be a key of that kind, or None when it parses."""
    if field_name == "encryption_keys":
        try:
            parse_encryption_jwk(json.loads(key))
        except EncryptionKeyError as exc:
            return exc.message
        return None
    parse = parse_cosigner_key if field_name == "witness_keys" else parse_verifier_key
    try:
        parse(key)
    except NoteError as exc:
        return exc.message
    return None


def _pin_keys(
    replica: Replica,
    info: dict[str, Any],
    *,
    accept: bool,
    trust_witnesses: bool = False,
    declared: dict[str, list[str]] | None = None,
) -> list[str]:
    """Update the approved and the waiting keys of ``replica`` from the peer's ``info``.

    A kind with no approved key yet takes every key the peer publishes (trust on
    first use), except witness keys: they count toward the quorum of this node's own
    checkpoints, so they are pinned on first use only with ``trust_witnesses`` (the
    organization is named in ``SIDELINE_RECORD_WITNESSES``) and otherwise wait for
    the operator like any later key. After that a key the peer adds waits in
    ``pending_keys``: a new
    organization key could sign entries the organization never signed. ``accept``
    approves the keys that were already waiting, which the operator was shown (by
    the sync that found them, or by ``record status``) and checked; a key first seen
    in the accepting sync itself waits, since nobody can have checked it. Approved
    keys are never removed: old checkpoints, entries and cosignatures must keep
    verifying even when the peer stops publishing their key.

    A published key that does not parse is neither approved nor kept waiting (it
    could verify nothing, and would stop every later sync of the log); the returned
    lines name each one.

    ``declared`` holds the keys the operator pinned in the federation file, by the
    name ``/record/logs`` gives their list: they are approved whatever the peer
    publishes, and a kind with declared keys is never trusted on first use.
    """
    waiting: dict[str, list[str]] = {}
    malformed: list[str] = []
    for field_name, published_name, label in _KEY_KINDS:
        approved: list[str] = list(getattr(replica, field_name))
        for key in (declared or {}).get(published_name, []):
            if key not in approved and _well_formed(field_name, key) is None:
                approved.append(key)
        new = []
        published = info.get(published_name, [])
        if field_name == "encryption_keys":
            # One string per JWK, as the keys are stored here (services._new_encryption_key),
            # so that they are compared as verifier keys are.
            published = [json.dumps(k, sort_keys=True, separators=(",", ":")) for k in published]
        for key in dict.fromkeys(published):
            if key in approved:
                continue
            problem = _well_formed(field_name, key)
            if problem is None:
                new.append(key)
            else:
                malformed.append(f"malformed {label} {key!r} (ignored): {problem}")
        if not approved and (field_name != "witness_keys" or trust_witnesses):
            approve = new
        elif accept:
            approve = [k for k in new if k in replica.pending_keys.get(field_name, [])]
        else:
            approve = []
        setattr(replica, field_name, [*approved, *approve])
        if left := [k for k in new if k not in approve]:
            waiting[field_name] = left
    replica.pending_keys = waiting
    return malformed


def describe_waiting_keys(replica: Replica) -> str:
    """Name the keys of ``replica`` waiting for approval: ``entry key <vkey>, …``."""
    return ", ".join(
        f"{label} {key}"
        for field_name, _, label in _KEY_KINDS
        for key in replica.pending_keys.get(field_name, [])
    )


def _signed_by(note: bytes, keys: list[str]) -> bool:
    """Return whether one of ``keys`` validly signed ``note``."""
    try:
        open_note(note, verifiers=[parse_verifier_key(k) for k in keys])
    except NoteError:
        return False
    return True


def _refuse(replica: Replica, *, code: str, message: str, report: SyncReport) -> None:
    """Refuse ``replica`` for good for its origin; raise the alert."""
    if replica.refused != code or replica.trusted:
        replica.trusted, replica.refused, replica.problem = False, code, message
        replica.save(update_fields=["trusted", "refused", "problem", "updated"])
        logger.error(
            "record: REFUSED %s served by %s: %s", replica.origin, replica.peer.url, message
        )
    report.alerts.append(f"{replica.organization}: {message}")
    report.incident(replica.organization, code, message)


def _check_claim(replica: Replica, info: dict[str, Any], report: SyncReport) -> bool:
    """Return whether the peer may publish a log under ``replica.origin``; alert if not."""
    base = replica.peer.url
    if replica.refused:
        report.alerts.append(f"{replica.organization}: {replica.problem}")
        return False
    hosted = Log.objects.filter(origin=replica.origin).select_related("organization").first()
    if hosted is not None:
        _refuse(
            replica,
            code="own_origin",
            message=f"{base} publishes a log under {replica.origin}, the origin of "
            f"{hosted.slug}'s log hosted here; refused: nothing of it is read, pinned or cosigned",
            report=report,
        )
        return False
    published = set(info["log_keys"])
    others = Replica.objects.filter(origin=replica.origin, refused="").exclude(peer=replica.peer)
    for other in others.select_related("peer"):
        if other.log_keys and not published & set(other.log_keys):
            _refuse(
                replica,
                code="origin_collision",
                message=f"{base} publishes a log under {replica.origin} with other log keys "
                f"than {other.peer.url}, which published it first; refused",
                report=report,
            )
            return False
    return True


def _tree_root_from_tiles(tiles: TileHashReader, size: int) -> bytes:
    return subtree_hash(0, size, node=tiles.node)


def _check_growth(
    replica: Replica, previous: ReplicaCheckpoint, raw: bytes, new: Any, tiles: TileHashReader
) -> str | None:
    """Check that ``new`` extends the tree of ``previous``; return a fork message if not.

    The tiles are the peer's word, so they must first give ``new``'s signed root
    (otherwise they are garbage: a :class:`TileError`, retried). Only then does a
    failed consistency proof show two signed, inconsistent checkpoints: a fork.

    Raises:
        TileError: the tiles do not give the root of ``new``.
    """
    if _tree_root_from_tiles(tiles, new.size) != new.root_hash:
        raise TileError(
            "tile_mismatch", f"the tiles served do not give the root of checkpoint {new.size}"
        )
    old = open_checkpoint(
        bytes(previous.note), log_verifiers=[parse_verifier_key(k) for k in replica.log_keys]
    ).checkpoint
    proof = consistency_proof(old.size, new.size, node=tiles.node)
    report = check_consistency(old, new, proof=proof)
    return None if report.consistent else f"{report.code}: {report.message}"


# A verified leaf as it is stored: its index, bytes and leaf hash.
_Row = tuple[int, bytes, bytes]


def _read_new_entries(
    replica: Replica, reader: HttpLogReader, new: Any, report: SyncReport
) -> tuple[list[_Row], bytes, bytes, set[str]] | None:
    """Read and verify the entries after ``replica.size``; return rows, root, edge and
    the entries' kinds.

    ``None`` when an entry only a waiting key signed holds the checkpoint back.

    Raises:
        EntryError: an entry is malformed or badly signed.
        PeerError, TileError: a bundle cannot be read or parsed.
    """
    slug, old_size = replica.organization, replica.size
    frontier, known = _frontier_of(replica)
    frontier.set_on_node(
        lambda level, index, node_hash: known.__setitem__((level, index), node_hash)
    )
    verifiers = [parse_verifier_key(k) for k in replica.entry_keys]
    rows: list[_Row] = []
    kinds: set[str] = set()
    for ref in iter_entry_bundles(new.size, start=old_size):
        start = ref.index * TILE_WIDTH
        leaves = parse_entry_bundle(reader.read_tile(ref.path), width=ref.width)
        for offset, leaf in enumerate(leaves):
            index = start + offset
            if index < old_size:
                continue
            try:
                kinds.add(open_entry(leaf, verifiers=verifiers, organization=slug).kind)
            except EntryError as exc:
                if exc.code != "unknown_key" or not _signed_by(
                    leaf, replica.pending_keys.get("entry_keys", [])
                ):
                    raise EntryError(exc.code, f"entry {index}: {exc.message}") from None
                report.problems.append(
                    f"{slug}: checkpoint {new.size} held back: only an entry key waiting "
                    f"for approval signed entry {index}; the replica stays at size "
                    f"{old_size} until the key is approved"
                )
                return None
            leaf_hash = hash_leaf(leaf)
            frontier.append(leaf_hash)
            rows.append((index, leaf, leaf_hash))
    edge = b"".join(known[k] for k in perfect_subtrees(0, new.size))
    return rows, frontier.root(), edge, kinds


def _insert_entries(replica: Replica, rows: list[_Row]) -> None:
    """Store a pull's verified leaves with one ``executemany``.

    Not ``bulk_create``: it builds and prepares a model instance per row and splits
    SQLite's batches at 999 parameters, which a node catching up on 100,000 entries paid
    for each (``bench/federation_net.py``'s catch-up).
    """
    column = {f.name: str(f.column) for f in ReplicaEntry._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column[name]) for name in ("replica", "index", "leaf", "leaf_hash"))
    sql = f"INSERT INTO {quote(ReplicaEntry._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(replica.pk, index, leaf, digest) for index, leaf, digest in rows])


def _sync_log(
    client: PeerClient,
    peer: Peer,
    info: dict[str, Any],
    report: SyncReport,
    *,
    accept_keys: bool,
    declared: dict[str, list[str]] | None = None,
    trust_witnesses: bool = False,
) -> tuple[Replica, bytes] | None:
    """Bring the replica of one peer log up to date.

    Returns the replica and the checkpoint it now stands at when that checkpoint was
    verified (signed, consistent with everything seen before, entries checked);
    ``None`` otherwise.
    """
    base = client.base
    slug = info["organization"]
    replica, _ = Replica.objects.get_or_create(
        peer=peer,
        origin=info["origin"],
        defaults={"organization": slug, "root_hash": EMPTY_ROOT},
    )
    if not _check_claim(replica, info, report):
        return None
    malformed = _pin_keys(
        replica,
        info,
        accept=accept_keys,
        trust_witnesses=trust_witnesses or slug in settings.RECORD_PEERS.witnesses,
        declared=declared,
    )
    replica.save()
    report.problems.extend(f"{slug}: {base} publishes a {line}" for line in malformed)
    if replica.pending_keys:
        report.problems.append(
            f"{slug}: {base} publishes key(s) waiting for approval here: "
            f"{describe_waiting_keys(replica)}; check them with the peer's operator, "
            f"then run `sideline record sync {base} --accept-keys`"
        )
    if not replica.trusted:
        report.forks.append(slug)
        return None
    reader = HttpLogReader(client, info["path"])
    try:
        raw = reader.read_checkpoint()
        signed = open_checkpoint(
            raw, log_verifiers=[parse_verifier_key(k) for k in replica.log_keys]
        )
    except PeerError as exc:
        report.failures.append(f"{slug}: {exc}")
        report.incident(slug, "unreadable", str(exc))
        return None
    except (NoteError, CheckpointError) as exc:
        # Not a fork when only a waiting key signed: the history may be sound, it is
        # the signer that nobody here has approved yet.
        unapproved = isinstance(exc, NoteError) and exc.code == "no_verified_signature"
        if unapproved and _signed_by(raw, replica.pending_keys.get("log_keys", [])):
            report.problems.append(
                f"{slug}: checkpoint held back: only a log key waiting for approval "
                f"signed it; the replica stays at size {replica.size} until the key is approved"
            )
        else:
            report.failures.append(f"{slug}: cannot read a valid checkpoint: {exc}")
            report.incident(slug, "unreadable", f"cannot read a valid checkpoint: {exc}", raw)
        return None
    new = signed.checkpoint
    if new.origin != replica.origin or new.size > MAX_LOG_SIZE:
        report.failures.append(
            f"{slug}: {base} serves a checkpoint of {new.origin!r} at size {new.size} for "
            f"{replica.origin!r}; a log's checkpoints carry its origin and at most "
            f"{MAX_LOG_SIZE} entries"
        )
        return None
    now = timezone.now()
    served_before = replica.served_at
    replica.served_size, replica.served_at = new.size, now
    replica.save(update_fields=["served_size", "served_at"])
    previous = replica.checkpoints.filter(evidence=False).order_by("-size", "-id").first()
    old_size = replica.size
    if new.size <= old_size:
        if new.size == old_size:
            root = bytes(replica.root_hash)
        else:
            seen = replica.entries.filter(index__lt=new.size).order_by("index")
            root = root_from_leaf_hashes(bytes(h) for h in seen.values_list("leaf_hash", flat=True))
        if root != new.root_hash:
            # Both are signed, and the older tree is known here leaf by leaf: a fork.
            message = f"checkpoint {new.size} does not match the tree seen at size {old_size}"
            _mark_fork(replica, raw=raw, size=new.size, root=new.root_hash, message=message)
            report.forks.append(slug)
            report.incident(slug, "fork", message, raw)
            return None
        if new.size < old_size:
            when = f" on {served_before:%Y-%m-%d %H:%M} UTC" if served_before else ""
            message = (
                f"{base} served checkpoint {new.size} of {replica.origin}, older than "
                f"checkpoint {old_size} it served before{when}: a rollback; the replica stays "
                f"at {old_size}"
            )
            report.alerts.append(f"{slug}: {message}")
            report.incident(slug, "rollback", message, raw)
            return None
        report.alerts.extend(f"{slug}: {alert}" for alert in replica_alerts(replica, now=now))
        if _check_hint(replica, raw, new, report):
            report.clean.append(slug)
        return replica, raw
    tiles = TileHashReader(reader.read_tile, size=new.size)
    try:
        if previous is not None:
            fork = _check_growth(replica, previous, raw, new, tiles)
            if fork is not None:
                _mark_fork(replica, raw=raw, size=new.size, root=new.root_hash, message=fork)
                report.forks.append(slug)
                report.incident(slug, "fork", fork, raw)
                return None
        read = _read_new_entries(replica, reader, new, report)
    except EntryError as exc:
        report.failures.append(f"{slug}: {exc.code}: {exc.message}")
        replica.trusted, replica.problem = False, f"{exc.code}: {exc.message}"
        replica.save(update_fields=["trusted", "problem"])
        report.incident(slug, "bad_signature", f"{exc.code}: {exc.message}", raw)
        return None
    except (PeerError, TileError) as exc:
        message = f"cannot read checkpoint {new.size}'s tiles: {exc}; retry"
        report.failures.append(f"{slug}: {message}")
        report.incident(slug, "unreadable", message, raw)
        return None
    if read is None:
        return None
    rows, root, edge, kinds = read
    if root != new.root_hash:
        # The tree was shown consistent (or there is nothing to be consistent with):
        # the entries served are garbage, not a second history.
        message = f"the entries served do not give the root of checkpoint {new.size}; retry"
        report.failures.append(f"{slug}: {message}")
        report.incident(slug, "unreadable", message, raw)
        return None
    with transaction.atomic():
        _insert_entries(replica, rows)
        ReplicaCheckpoint.objects.create(
            replica=replica, size=new.size, root_hash=new.root_hash, note=raw
        )
        replica.size = new.size
        replica.root_hash = new.root_hash
        replica.frontier = edge
        replica.advanced_at = now
        replica.save(update_fields=["size", "root_hash", "frontier", "advanced_at", "updated"])
    report.new_entries[slug] = new.size - old_size
    report.new_kinds[slug] = kinds
    if _check_hint(replica, raw, new, report):
        report.clean.append(slug)
    return replica, raw


def _check_hint(replica: Replica, raw: bytes, new: Any, report: SyncReport) -> bool:
    """Hold the peer to the checkpoint it pushed (signed with the log key): serving
    less is withholding, another tree at that size a split view. Return whether the
    replica now agrees with every push.
    """
    hint = PushHint.objects.filter(replica=replica).first()
    if hint is None:
        return True
    slug = replica.organization
    evidence = bytes(hint.note) + b"\n" + raw
    if hint.size > new.size:
        report.alerts.append(
            f"{slug}: {replica.peer.url} pushed checkpoint {hint.size} of {replica.origin} "
            f"but serves {new.size}: it withholds entries"
        )
        report.incident(
            slug,
            "withheld_entries",
            f"pushed checkpoint {hint.size} of {replica.origin}, then served {new.size}",
            evidence,
        )
        return False
    if hint.size == replica.size:
        root = bytes(replica.root_hash)
    else:
        seen = replica.entries.filter(index__lt=hint.size).order_by("index")
        root = root_from_leaf_hashes(bytes(h) for h in seen.values_list("leaf_hash", flat=True))
    if root != bytes(hint.root_hash):
        message = f"split view: the checkpoint {hint.size} it pushed is not the tree it serves"
        _mark_fork(
            replica,
            raw=bytes(hint.note),
            size=hint.size,
            root=bytes(hint.root_hash),
            message=message,
        )
        report.forks.append(slug)
        report.incident(slug, "split_view", message, evidence)
        return False
    hint.delete()
    return True


def _witness_body(old_size: int, proof: list[bytes], note: bytes) -> bytes:
    lines = [f"old {old_size}", *(base64.b64encode(p).decode() for p in proof)]
    return ("\n".join(lines) + "\n\n").encode() + note


def _cosign_peer_checkpoint(
    client: PeerClient, replica: Replica, raw: bytes, report: SyncReport
) -> None:
    """Cosign a verified peer checkpoint with every witness here; push the lines to the peer.

    Each witness goes through its own ``add-checkpoint`` (so its stored state, and
    the rule never to cosign two inconsistent checkpoints, hold for pushes too),
    with a consistency proof read from the peer's tiles.
    """
    if Log.objects.filter(origin=replica.origin).exists():
        return  # never on a peer's say-so for a log hosted here (_check_claim refuses it)
    signed = open_checkpoint(raw, log_verifiers=[parse_verifier_key(k) for k in replica.log_keys])
    new = signed.checkpoint
    own = {(v.name, v.key_id) for v in (parse_verifier_key(k) for k in replica.log_keys)}
    bare = (
        signed.note.text
        + "\n"
        + "".join(sig.line() for sig in signed.note.signatures if (sig.name, sig.key_id) in own)
    )
    nodes = TileHashReader(
        HttpLogReader(client, f"/record/{replica.organization}").read_tile, size=new.size
    )
    lines = ""
    for witness in Log.objects.select_related("organization").exclude(
        organization__slug=replica.organization
    ):
        state = WitnessState.objects.filter(witness=witness, origin=replica.origin).first()
        old = state.size if state is not None and state.size <= new.size else 0
        try:
            response = add_checkpoint(
                witness=witness.slug,
                body=_witness_body(
                    old, consistency_proof(old, new.size, node=nodes.node), bare.encode()
                ),
            )
            if response.status == 409:
                reported = int(response.body.decode().strip())
                if reported <= new.size:
                    proof = consistency_proof(reported, new.size, node=nodes.node)
                    response = add_checkpoint(
                        witness=witness.slug, body=_witness_body(reported, proof, bare.encode())
                    )
        except (PeerError, TileError) as exc:
            report.failures.append(f"{replica.organization}: cannot read a proof: {exc}")
            return
        if response.status == 200:
            lines += response.body.decode()
        elif response.status != 409:
            report.problems.append(
                f"{replica.organization}: witness {witness.slug} refused checkpoint {new.size}: "
                f"{response.status} {response.code}"
            )
    if not lines:
        return
    try:
        status, body = client.request(
            f"/record/{replica.organization}/cosignatures", data=(bare + lines).encode()
        )
    except PeerError as exc:
        report.failures.append(f"{replica.organization}: cannot push our cosignatures: {exc}")
        return
    if status == 200:
        report.cosigned_for_peer += lines.count("\n")
    else:
        report.problems.append(
            f"{replica.organization}: the peer refused our cosignatures: HTTP {status}: "
            f"{body[:200].decode(errors='replace').strip()}"
        )


def _stored_size(body: bytes) -> int | None:
    """Return the size a witness's 409 answer reports, or None if it is not one."""
    text = body[:40].decode("ascii", errors="replace").strip()
    return int(text) if text.isdecimal() and len(text) < 20 else None


def _submit_checkpoints(
    client: PeerClient, peer_logs: list[dict[str, Any]], report: SyncReport
) -> None:
    """Ask each of the peer's witnesses to cosign this node's latest checkpoints."""
    for log in Log.objects.select_related("organization"):
        checkpoint = latest_checkpoint(log)
        if checkpoint is None:
            continue
        for info in peer_logs:
            path = f"/record/{info['organization']}/add-checkpoint"
            try:
                status, body = client.request(
                    path, data=request_body(log=log, checkpoint=checkpoint, old_size=0)
                )
                reported = _stored_size(body) if status == 409 else None
                if reported is not None and reported <= checkpoint.size:
                    status, body = client.request(
                        path, data=request_body(log=log, checkpoint=checkpoint, old_size=reported)
                    )
                if status == 200:
                    report.cosignatures += add_cosignatures(checkpoint=checkpoint, lines=body)
            except PeerError as exc:
                report.failures.append(f"{log.slug}: cannot submit checkpoint: {exc}")
                return
            except (RecordError, UnicodeDecodeError, IndexError):
                report.failures.append(
                    f"{log.slug}: {client.base}{path} answered something that is not "
                    "cosignature lines"
                )


def sync_peer(
    *, url: str, accept_keys: bool = False, federation: FederationPeer | None = None
) -> SyncReport:
    """Mirror and check every log of the peer at ``url``; exchange cosignatures.

    Both directions of witnessing: this node's witnesses cosign each peer checkpoint
    they verified and push the lines to ``POST /record/<org>/cosignatures``; and
    this node submits its own checkpoints to the peer's ``add-checkpoint``.
    ``accept_keys`` approves the keys waiting for approval that the peer still
    publishes (see :func:`_pin_keys`). With ``federation`` (the peer's entry in the
    federation file) only the logs of the organizations it lists are read, with the
    keys pinned there; a log it starts publishing for another organization is refused
    (``not_entitled``) and one it stops publishing is withheld (``withheld_log``). Everything read from the peer is bounded
    (``SIDELINE_RECORD_PEER_MAX_BYTES``, ``…_PEER_TIMEOUT``, ``…_SYNC_DEADLINE``).

    Raises:
        PeerError: ``url`` is not a node's URL, or its list of logs cannot be read.
    """
    client = peer_client(url)
    # Read the peer first, so that a mistyped URL leaves no Peer row behind.
    logs = read_peer_logs(client)
    peer, _ = Peer.objects.get_or_create(url=client.base)
    report = SyncReport()
    if federation is not None:
        logs = _entitled_logs(peer, logs, federation, report)
    for info in logs:
        if client.expired:
            break
        declared = None
        if federation is not None:
            declared = federation.organizations.get(info["organization"])
        verified = _sync_log(
            client,
            peer,
            info,
            report,
            accept_keys=accept_keys,
            declared=declared,
            trust_witnesses=federation is not None,
        )
        if verified is not None:
            _cosign_peer_checkpoint(client, *verified, report)
    if not client.expired:
        _submit_checkpoints(client, logs, report)
    if client.expired:
        report.failures.append(
            f"{client.base}: the deadline of {client.limits.deadline:g} s for this peer "
            "passed (SIDELINE_RECORD_SYNC_DEADLINE); the rest waits for the next sync"
        )
    peer.last_synced = timezone.now()
    peer.save(update_fields=["last_synced"])
    record_incidents(peer, report)
    return report


def _entitled_logs(
    peer: Peer, logs: list[dict[str, Any]], federation: FederationPeer, report: SyncReport
) -> list[dict[str, Any]]:
    """Keep the logs the federation file entitles the peer to; name the others and the
    entitled logs it no longer lists."""
    listed = {info["organization"] for info in logs}
    for info in logs:
        slug = info["organization"]
        if slug not in federation.organizations:
            message = (
                f"{peer.url} publishes a log of {slug}, which the federation file does not "
                f"entitle it to; not read. If it now hosts {slug}, check with its operator "
                f"and run `sideline federation join {peer.url}` again"
            )
            report.alerts.append(f"{slug}: {message}")
            report.incident(slug, "not_entitled", message, json.dumps(info).encode())
    for slug in sorted(set(federation.organizations) - listed):
        message = (
            f"{peer.url} no longer lists the log of {slug} at /record/logs: "
            "it withholds that organization's entries"
        )
        report.alerts.append(f"{slug}: {message}")
        report.incident(slug, "withheld_log", message)
    return [info for info in logs if info["organization"] in federation.organizations]


def local_logs() -> list[dict[str, Any]]:
    """Return this node's logs as ``/record/logs`` serves them."""
    return list_logs()
