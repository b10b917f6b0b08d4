"""Read other nodes' logs over HTTP: mirror, verify and sync (with fork detection).

A peer is another Sideline node's base URL. Its ``/record/logs`` names its logs and
keys; each log is read as tlog-tiles. Sync keeps a replica of every peer log,
checks each new checkpoint for consistency with the last one seen, verifies every
new entry's signature, and asks the peer's witnesses to cosign this node's
checkpoints (the tlog-witness direction: a log submits to witnesses). Two
inconsistent signed checkpoints of one log are a fork: both are kept as evidence
and the replica is marked untrusted for good.

The keys a replica verifies with are pinned: the first sync trusts what the peer
publishes, and a key the peer adds later waits for the operator's approval
(``accept_keys``). A checkpoint or entry that only a waiting key signed is held back.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from sideline.record.audit import (
    AuditReport,
    DirectoryLogReader,
    LogReader,
    audit_log,
    check_consistency_from_tiles,
)
from sideline.record.checkpoint import open_checkpoint, parse_cosigner_key
from sideline.record.entry import open_entry
from sideline.record.errors import CheckpointError, EntryError, NoteError, TileError
from sideline.record.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    Frontier,
    consistency_proof,
    hash_leaf,
    perfect_subtrees,
    root_from_leaf_hashes,
)
from sideline.record.models import (
    Log,
    Peer,
    Replica,
    ReplicaCheckpoint,
    ReplicaEntry,
    WitnessState,
)
from sideline.record.note import open_note, parse_verifier_key
from sideline.record.selectors import latest_checkpoint, list_logs
from sideline.record.services import add_checkpoint, add_cosignatures, request_body
from sideline.record.tiles import (
    TILE_WIDTH,
    TileHashReader,
    entry_bundles_for_size,
    parse_entry_bundle,
    tiles_for_size,
)

__all__ = [
    "HttpLogReader",
    "LogVerdict",
    "SyncReport",
    "describe_waiting_keys",
    "fetch",
    "mirror",
    "sync_peer",
    "verify_source",
]

logger = logging.getLogger(__name__)
TIMEOUT = 30


def fetch(url: str, *, data: bytes | None = None) -> tuple[int, bytes]:
    """GET (or POST ``data`` to) ``url``; return the status and body, errors included."""
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), bytes(error.read())


@dataclass(frozen=True)
class HttpLogReader:
    """Read a tiled log at ``base`` (e.g. ``http://host/record/nato``)."""

    base: str

    def read_checkpoint(self) -> bytes:
        return self._get("checkpoint")

    def read_tile(self, path: str) -> bytes:
        return self._get(path)

    def _get(self, path: str) -> bytes:
        status, body = fetch(f"{self.base}/{path}")
        if status != 200:
            raise LookupError(f"{self.base}/{path}: HTTP {status}")
        return body


def _peer_logs(url: str) -> list[dict[str, Any]]:
    where = f"{url.rstrip('/')}/record/logs"
    try:
        status, body = fetch(where)
    except urllib.error.URLError as exc:
        raise LookupError(f"{where}: cannot connect: {exc.reason}") from None
    if status != 200:
        raise LookupError(f"{where}: HTTP {status}")
    try:
        logs: list[dict[str, Any]] = json.loads(body)
    except ValueError:
        raise LookupError(f"{where} is not JSON: is {url} a Sideline node?") from None
    return logs


def mirror(*, url: str, directory: Path) -> list[tuple[str, int]]:
    """Copy every log of the node at ``url`` (checkpoint and all tiles) into ``directory``.

    Writes ``logs.json`` and, per log, ``<slug>/checkpoint`` and ``<slug>/tile/…``.
    """
    base = url.rstrip("/")
    logs = _peer_logs(base)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "logs.json").write_text(json.dumps(logs, indent=1), encoding="utf-8")
    copied = []
    for info in logs:
        reader = HttpLogReader(base + info["path"])
        root = directory / info["organization"]
        root.mkdir(exist_ok=True)
        raw = reader.read_checkpoint()
        (root / "checkpoint").write_bytes(raw)
        size = open_checkpoint(
            raw, log_verifiers=[parse_verifier_key(k) for k in info["log_keys"]]
        ).checkpoint.size
        for ref in [*tiles_for_size(size), *entry_bundles_for_size(size)]:
            target = root / ref.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(reader.read_tile(ref.path))
        copied.append((info["organization"], size))
    return copied


@dataclass(frozen=True)
class LogVerdict:
    """The audit of one log of a source (URL or mirror directory)."""

    organization: str
    report: AuditReport


def _with_pinned_keys(base: str, logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return ``logs`` with each log's keys replaced by those approved here."""
    replicas = {r.origin: r for r in Replica.objects.filter(peer__url=base)}
    missing = [x["origin"] for x in logs if x["origin"] not in replicas]
    if missing:
        raise LookupError(
            f"{base}: no keys pinned here for {', '.join(missing)}; run "
            f"`sideline record sync {base}` first"
        )
    return [
        {
            **x,
            "log_keys": replicas[x["origin"]].log_keys,
            "organization_keys": replicas[x["origin"]].entry_keys,
            "witness_keys": replicas[x["origin"]].witness_keys,
        }
        for x in logs
    ]


def _quorum(others: int) -> int:
    return others // 2 + 1 if others else 0


def verify_source(
    source: str,
    *,
    quorum: int | None = None,
    workers: int | None = None,
    witness_nodes: list[str] | None = None,
    pinned: bool = False,
) -> list[LogVerdict]:
    """Audit every log of a node URL or a mirror directory with the core audit.

    Witnesses are the other logs' witness keys, plus those published at the
    ``/record/logs`` of each of ``witness_nodes`` (other nodes' URLs), always
    excluding the audited organization's own; the quorum defaults to a majority of
    the other organizations, as on the node.

    By default the keys are those the source publishes: that proves the logs are
    consistent with their own keys, not that the keys are the organizations'. With
    ``pinned`` (a URL this node has synced) the keys are the ones approved here
    (pinned on the first sync, or approved with ``--accept-keys``), so anything
    signed by a key the node swapped in since fails.

    Raises:
        LookupError: the source cannot be read, or with ``pinned``, this node has not
            synced one of its logs.
    """
    extra = [x for node in witness_nodes or [] for x in _peer_logs(node.rstrip("/"))]
    readers: dict[str, LogReader]
    if source.startswith(("http://", "https://")):
        base = source.rstrip("/")
        logs = _peer_logs(base)
        readers = {x["organization"]: HttpLogReader(base + x["path"]) for x in logs}
        if pinned:
            logs = _with_pinned_keys(base, logs)
    elif pinned:
        raise LookupError(f"{source}: --pinned needs the URL of a node this node has synced")
    else:
        root = Path(source)
        logs = json.loads((root / "logs.json").read_text(encoding="utf-8"))
        readers = {x["organization"]: DirectoryLogReader(root / x["organization"]) for x in logs}
    verdicts = []
    for info in logs:
        slug = info["organization"]
        others = [x for x in [*logs, *extra] if x["organization"] != slug]
        witnesses = [parse_cosigner_key(k) for x in others for k in x["witness_keys"]]
        report = audit_log(
            readers[slug],
            log_keys=[parse_verifier_key(k) for k in info["log_keys"]],
            witness_keys=witnesses,
            quorum=_quorum(len({x["organization"] for x in others})) if quorum is None else quorum,
            entry_keys=info["organization_keys"],
            organization=slug,
            workers=workers,
        )
        verdicts.append(LogVerdict(slug, report))
    return verdicts


@dataclass
class SyncReport:
    """What a sync did, log by log."""

    new_entries: dict[str, int] = field(default_factory=dict)
    forks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    cosignatures: int = 0
    cosigned_for_peer: int = 0


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
)


def _well_formed(field_name: str, key: str) -> str | None:
    """Return why ``key`` cannot be a key of that kind, or None when it parses."""
    parse = parse_cosigner_key if field_name == "witness_keys" else parse_verifier_key
    try:
        parse(key)
    except NoteError as exc:
        return exc.message
    return None


def _pin_keys(replica: Replica, info: dict[str, Any], *, accept: bool) -> list[str]:
    """Update the approved and the waiting keys of ``replica`` from the peer's ``info``.

    A kind with no approved key yet takes every key the peer publishes (trust on
    first use). After that a key the peer adds waits in ``pending_keys``: a new
    organization key could sign entries the organization never signed. ``accept``
    approves the keys that were already waiting, which the operator was shown (by
    the sync that found them, or by ``record status``) and checked; a key first seen
    in the accepting sync itself waits, since nobody can have checked it. Approved
    keys are never removed: old checkpoints, entries and cosignatures must keep
    verifying even when the peer stops publishing their key.

    A published key that does not parse is neither approved nor kept waiting (it
    could verify nothing, and would stop every later sync of the log); the returned
    lines name each one.
    """
    waiting: dict[str, list[str]] = {}
    malformed: list[str] = []
    for field_name, published_name, label in _KEY_KINDS:
        approved: list[str] = getattr(replica, field_name)
        new = []
        for key in dict.fromkeys(info[published_name]):
            if key in approved:
                continue
            problem = _well_formed(field_name, key)
            if problem is None:
                new.append(key)
            else:
                malformed.append(f"malformed {label} {key!r} (ignored): {problem}")
        if not approved:
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


def _sync_log(
    base: str, peer: Peer, info: dict[str, Any], report: SyncReport, *, accept_keys: bool
) -> tuple[Replica, bytes] | None:
    """Bring the replica of one peer log up to date.

    Returns the replica and the checkpoint it now stands at when that checkpoint was
    verified (signed, consistent with everything seen before, entries checked);
    ``None`` otherwise.
    """
    replica, _ = Replica.objects.get_or_create(
        peer=peer,
        origin=info["origin"],
        defaults={"organization": info["organization"], "root_hash": EMPTY_ROOT},
    )
    malformed = _pin_keys(replica, info, accept=accept_keys)
    replica.save()
    slug = info["organization"]
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
    reader = HttpLogReader(base + info["path"])
    held_back = f"the replica stays at size {replica.size} until the key is approved"
    try:
        raw = reader.read_checkpoint()
        signed = open_checkpoint(
            raw, log_verifiers=[parse_verifier_key(k) for k in replica.log_keys]
        )
    except (LookupError, OSError, NoteError, CheckpointError) as exc:
        # Not a fork when only a waiting key signed: the history may be sound, it is
        # the signer that nobody here has approved yet.
        unapproved = isinstance(exc, NoteError) and exc.code == "no_verified_signature"
        if unapproved and _signed_by(raw, replica.pending_keys.get("log_keys", [])):
            report.problems.append(
                f"{slug}: checkpoint held back: only a log key waiting for approval "
                f"signed it; {held_back}"
            )
        else:
            report.problems.append(f"{slug}: cannot read a valid checkpoint: {exc}")
        return None
    new = signed.checkpoint
    previous = replica.checkpoints.filter(evidence=False).order_by("-size", "-id").first()
    old_size = replica.size
    if new.size <= old_size:
        seen = replica.entries.filter(index__lt=new.size).order_by("index")
        root = root_from_leaf_hashes(bytes(h) for h in seen.values_list("leaf_hash", flat=True))
        if root != new.root_hash:
            _mark_fork(
                replica,
                raw=raw,
                size=new.size,
                root=new.root_hash,
                message=f"checkpoint {new.size} does not match the tree seen at size {old_size}",
            )
            report.forks.append(slug)
            return None
        return (replica, raw) if new.size == old_size else None
    if previous is not None:
        consistency = check_consistency_from_tiles(
            open_checkpoint(
                bytes(previous.note),
                log_verifiers=[parse_verifier_key(k) for k in replica.log_keys],
            ).checkpoint,
            new,
            reader=reader,
        )
        if not consistency.consistent:
            _mark_fork(
                replica,
                raw=raw,
                size=new.size,
                root=new.root_hash,
                message=f"{consistency.code}: {consistency.message}",
            )
            report.forks.append(slug)
            return None
    frontier, known = _frontier_of(replica)
    frontier.set_on_node(
        lambda level, index, node_hash: known.__setitem__((level, index), node_hash)
    )
    verifiers = [parse_verifier_key(k) for k in replica.entry_keys]
    rows: list[ReplicaEntry] = []
    try:
        for ref in entry_bundles_for_size(new.size):
            start = ref.index * TILE_WIDTH
            if start + ref.width <= old_size:
                continue
            leaves = parse_entry_bundle(reader.read_tile(ref.path), width=ref.width)
            for offset, leaf in enumerate(leaves):
                index = start + offset
                if index < old_size:
                    continue
                try:
                    open_entry(leaf, verifiers=verifiers, organization=slug)
                except EntryError as exc:
                    if exc.code != "unknown_key" or not _signed_by(
                        leaf, replica.pending_keys.get("entry_keys", [])
                    ):
                        raise
                    report.problems.append(
                        f"{slug}: checkpoint {new.size} held back: only an entry key waiting "
                        f"for approval signed entry {index}; {held_back}"
                    )
                    return None
                leaf_hash = hash_leaf(leaf)
                frontier.append(leaf_hash)
                rows.append(
                    ReplicaEntry(replica=replica, index=index, leaf=leaf, leaf_hash=leaf_hash)
                )
    except EntryError as exc:
        report.problems.append(f"{slug}: entry {start + offset}: {exc.code}: {exc.message}")
        replica.trusted, replica.problem = False, f"entry {start + offset}: {exc.code}"
        replica.save(update_fields=["trusted", "problem"])
        return None
    except (LookupError, OSError, TileError) as exc:
        report.problems.append(f"{slug}: cannot read entries: {exc}")
        return None
    if frontier.root() != new.root_hash:
        _mark_fork(
            replica,
            raw=raw,
            size=new.size,
            root=new.root_hash,
            message=f"the entries served do not give the root of checkpoint {new.size}",
        )
        report.forks.append(slug)
        return None
    with transaction.atomic():
        ReplicaEntry.objects.bulk_create(rows)
        ReplicaCheckpoint.objects.create(
            replica=replica, size=new.size, root_hash=new.root_hash, note=raw
        )
        replica.size = new.size
        replica.root_hash = new.root_hash
        replica.frontier = b"".join(known[key] for key in perfect_subtrees(0, new.size))
        replica.save(update_fields=["size", "root_hash", "frontier", "updated"])
    report.new_entries[slug] = new.size - old_size
    return replica, raw


def _witness_body(old_size: int, proof: list[bytes], note: bytes) -> bytes:
    lines = [f"old {old_size}", *(base64.b64encode(p).decode() for p in proof)]
    return ("\n".join(lines) + "\n\n").encode() + note


def _cosign_peer_checkpoint(base: str, replica: Replica, raw: bytes, report: SyncReport) -> None:
    """Cosign a verified peer checkpoint with every witness here; push the lines to the peer.

    Each witness goes through its own ``add-checkpoint`` (so its stored state, and
    the rule never to cosign two inconsistent checkpoints, hold for pushes too),
    with a consistency proof read from the peer's tiles.
    """
    signed = open_checkpoint(raw, log_verifiers=[parse_verifier_key(k) for k in replica.log_keys])
    new = signed.checkpoint
    own = {(v.name, v.key_id) for v in (parse_verifier_key(k) for k in replica.log_keys)}
    bare = (
        signed.note.text
        + "\n"
        + "".join(sig.line() for sig in signed.note.signatures if (sig.name, sig.key_id) in own)
    )
    nodes = TileHashReader(
        HttpLogReader(f"{base}/record/{replica.organization}").read_tile, size=new.size
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
        except (LookupError, OSError, TileError) as exc:
            report.problems.append(f"{replica.organization}: cannot read a proof: {exc}")
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
    status, body = fetch(
        f"{base}/record/{replica.organization}/cosignatures", data=(bare + lines).encode()
    )
    if status == 200:
        report.cosigned_for_peer += lines.count("\n")
    else:
        report.problems.append(
            f"{replica.organization}: the peer refused our cosignatures: HTTP {status}: "
            f"{body.decode(errors='replace').strip()}"
        )


def _submit_checkpoints(base: str, peer_logs: list[dict[str, Any]], report: SyncReport) -> None:
    """Ask each of the peer's witnesses to cosign this node's latest checkpoints."""
    for log in Log.objects.select_related("organization"):
        checkpoint = latest_checkpoint(log)
        if checkpoint is None:
            continue
        for info in peer_logs:
            url = f"{base}/record/{info['organization']}/add-checkpoint"
            status, body = fetch(url, data=request_body(log=log, checkpoint=checkpoint, old_size=0))
            if status == 409:
                reported = int(body.decode().strip() or 0)
                if reported <= checkpoint.size:
                    status, body = fetch(
                        url, data=request_body(log=log, checkpoint=checkpoint, old_size=reported)
                    )
            if status == 200:
                report.cosignatures += add_cosignatures(checkpoint=checkpoint, lines=body)


def sync_peer(*, url: str, accept_keys: bool = False) -> SyncReport:
    """Mirror and check every log of the peer at ``url``; exchange cosignatures.

    Both directions of witnessing: this node's witnesses cosign each peer checkpoint
    they verified and push the lines to ``POST /record/<org>/cosignatures``; and
    this node submits its own checkpoints to the peer's ``add-checkpoint``.
    ``accept_keys`` approves the keys waiting for approval that the peer still
    publishes (see :func:`_pin_keys`).
    """
    base = url.rstrip("/")
    # Read the peer first, so that a mistyped URL leaves no Peer row behind.
    logs = _peer_logs(base)
    peer, _ = Peer.objects.get_or_create(url=base)
    report = SyncReport()
    for info in logs:
        verified = _sync_log(base, peer, info, report, accept_keys=accept_keys)
        if verified is not None:
            _cosign_peer_checkpoint(base, *verified, report)
    _submit_checkpoints(base, logs, report)
    peer.last_synced = timezone.now()
    peer.save(update_fields=["last_synced"])
    return report


def local_logs() -> list[dict[str, Any]]:
    """Return this node's logs as ``/record/logs`` serves them."""
    return list_logs()
