"""Read other nodes' logs over HTTP, bounded: list them, mirror them, verify them.

Every read goes through one :class:`~sideline.record.transport.PeerClient` per
command, so each has a size cap, a timeout and a total deadline
(``SIDELINE_RECORD_PEER_MAX_BYTES``, ``…_PEER_TIMEOUT``, ``…_SYNC_DEADLINE``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from sideline.record.audit import AuditReport, DirectoryLogReader, LogReader, audit_log
from sideline.record.checkpoint import open_checkpoint, parse_cosigner_key
from sideline.record.errors import CheckpointError, NoteError
from sideline.record.models import Replica
from sideline.record.note import Ed25519Verifier, parse_verifier_key
from sideline.record.peer_logs import parse_logs_list
from sideline.record.tiles import iter_tiles
from sideline.record.transport import (
    CHECKPOINT_MAX_BYTES,
    TILE_MAX_BYTES,
    Limits,
    PeerClient,
    PeerError,
)

__all__ = [
    "MAX_LOG_SIZE",
    "HttpLogReader",
    "LogVerdict",
    "mirror",
    "peer_client",
    "read_peer_logs",
    "verify_source",
]

# Larger than any log this project will hold, and small enough that the list of its
# tiles fits in memory: a peer's checkpoint claiming more is refused, not followed.
MAX_LOG_SIZE = 2**32


def peer_client(url: str) -> PeerClient:
    """Return a client for the node at ``url`` with this node's configured limits.

    Raises:
        PeerError: ``url`` is not an http(s) URL of a node.
    """
    peers = settings.RECORD_PEERS
    limits = Limits(
        max_bytes=peers.peer_max_bytes, timeout=peers.peer_timeout, deadline=peers.sync_deadline
    )
    return PeerClient(url, limits)


@dataclass(frozen=True)
class HttpLogReader:
    """Read a tiled log at ``client.base + path`` (e.g. ``/record/nato``), bounded."""

    client: PeerClient
    path: str

    def read_checkpoint(self) -> bytes:
        return self.client.get(f"{self.path}/checkpoint", max_bytes=CHECKPOINT_MAX_BYTES)

    def read_tile(self, path: str) -> bytes:
        # An entry bundle may hold 256 entries of up to 64 KiB; a hash tile 256 hashes.
        cap = None if path.startswith("tile/entries/") else TILE_MAX_BYTES
        return self.client.get(f"{self.path}/{path}", max_bytes=cap)


def read_peer_logs(client: PeerClient) -> list[dict[str, Any]]:
    """Return the logs the peer lists at ``/record/logs``, checked.

    Raises:
        PeerError: cannot read it, or it is out of shape (see
            :func:`~sideline.record.peer_logs.parse_logs_list`).
    """
    body = client.get("record/logs")
    return parse_logs_list(body, source=f"{client.base}/record/logs", node=client.base)


def checked_size(raw: bytes, info: dict[str, Any], *, where: str) -> int:
    """Return the size of the checkpoint ``raw`` of the log ``info``, signed by its key.

    Raises:
        PeerError: it is not signed by a key the log lists, is for another origin, or
            claims more than :data:`MAX_LOG_SIZE` entries.
    """
    try:
        checkpoint = open_checkpoint(
            raw, log_verifiers=[v for v in map(_verifier, info["log_keys"]) if v is not None]
        ).checkpoint
    except (NoteError, CheckpointError) as exc:
        raise PeerError(f"{where}: not a valid checkpoint: {exc.code}: {exc.message}") from None
    if checkpoint.origin != info["origin"]:
        raise PeerError(f"{where}: a checkpoint of {checkpoint.origin!r}, not {info['origin']!r}")
    if checkpoint.size > MAX_LOG_SIZE:
        raise PeerError(f"{where}: size {checkpoint.size} is above the limit of {MAX_LOG_SIZE}")
    return checkpoint.size


def _verifier(key: str) -> Ed25519Verifier | None:
    try:
        return parse_verifier_key(key)
    except NoteError:
        return None


def _inside(directory: Path, *parts: str) -> Path:
    """Return ``directory/parts…``, refusing any path that leaves ``directory``."""
    root = directory.resolve()
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root):
        raise PeerError(f"{'/'.join(parts)!r} would be written outside {directory}")
    return target


def mirror(*, url: str, directory: Path) -> list[tuple[str, int]]:
    """Copy every log of the node at ``url`` (checkpoint and all tiles) into ``directory``.

    Writes ``logs.json`` and, per log, ``<slug>/checkpoint`` and ``<slug>/tile/…``;
    every path is checked to stay inside ``directory``, whatever the peer names its
    organizations.

    Raises:
        PeerError: the peer cannot be read, or sends something out of shape.
    """
    client = peer_client(url)
    logs = read_peer_logs(client)
    directory.mkdir(parents=True, exist_ok=True)
    _inside(directory, "logs.json").write_text(json.dumps(logs, indent=1), encoding="utf-8")
    copied = []
    for info in logs:
        reader = HttpLogReader(client, info["path"])
        root = _inside(directory, info["organization"])
        root.mkdir(exist_ok=True)
        raw = reader.read_checkpoint()
        size = checked_size(raw, info, where=f"{client.base}{info['path']}/checkpoint")
        _inside(root, "checkpoint").write_bytes(raw)
        for ref in iter_tiles(size):
            target = _inside(root, ref.path)
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


def _owners(logs: list[dict[str, Any]]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for info in logs:
        for key in info["witness_keys"]:
            verifier = parse_cosigner_key(key)
            owners.setdefault(f"{verifier.name}+{verifier.key_id:08x}", info["organization"])
    return owners


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
    excluding the audited organization's own, each organization counted once; the
    quorum defaults to a majority of the other organizations, as on the node.

    By default the keys are those the source publishes: that proves the logs are
    consistent with their own keys, not that the keys are the organizations'. With
    ``pinned`` (a URL this node has synced) the keys are the ones approved here
    (pinned on the first sync, or approved with ``--accept-keys``), so anything
    signed by a key the node swapped in since fails.

    Raises:
        LookupError: the source cannot be read (a :class:`PeerError` for a URL), or
            with ``pinned``, this node has not synced one of its logs.
    """
    extra = [x for node in witness_nodes or [] for x in read_peer_logs(peer_client(node))]
    readers: dict[str, LogReader]
    if source.startswith(("http://", "https://")):
        client = peer_client(source)
        logs = read_peer_logs(client)
        readers = {x["organization"]: HttpLogReader(client, x["path"]) for x in logs}
        if pinned:
            logs = _with_pinned_keys(client.base, logs)
    elif pinned:
        raise LookupError(f"{source}: --pinned needs the URL of a node this node has synced")
    else:
        root = Path(source)
        listed = root / "logs.json"
        logs = parse_logs_list(listed.read_bytes(), source=str(listed))
        readers = {x["organization"]: DirectoryLogReader(root / x["organization"]) for x in logs}
    verdicts = []
    for info in logs:
        slug = info["organization"]
        others = [x for x in [*logs, *extra] if x["organization"] != slug]
        try:
            witnesses = [parse_cosigner_key(k) for x in others for k in x["witness_keys"]]
            log_keys = [_verifier(k) for k in info["log_keys"]]
            owners = _owners(others)
        except NoteError as exc:
            raise PeerError(f"{source}: {slug}: a malformed key: {exc.message}") from None
        report = audit_log(
            readers[slug],
            log_keys=[k for k in log_keys if k is not None],
            witness_keys=witnesses,
            quorum=_quorum(len({x["organization"] for x in others})) if quorum is None else quorum,
            witness_owners=owners,
            entry_keys=info["organization_keys"],
            organization=slug,
            workers=workers,
        )
        verdicts.append(LogVerdict(slug, report))
    return verdicts
