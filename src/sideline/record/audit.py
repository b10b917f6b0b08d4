"""Offline verification of a whole tiled log, and fork checks between checkpoints.

:func:`audit_log` reads a log through a :class:`LogReader` (two methods: the
checkpoint and a tile by path), then checks in order: the log's signature on the
checkpoint; the witnesses' cosignatures against a quorum; every entry bundle
against its level-0 tile; every higher tile against the tiles below; the root
against the checkpoint; and every entry's signature against the organization's
keys. It returns an :class:`AuditReport` naming the first bad leaf index and a
reason code; nothing is raised for a bad log.

Entry signatures dominate the cost (an Ed25519 verification is ~50x a SHA-256 of
a 300-byte entry), so above ``parallel_threshold`` entries they are checked in a
process pool, in chunks of 16 bundles, while the main process streams tiles.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sideline.record.checkpoint import (
    Checkpoint,
    QuorumResult,
    count_cosignatures,
    open_checkpoint,
)
from sideline.record.entry import open_entry
from sideline.record.errors import CheckpointError, EntryError, NoteError, TileError
from sideline.record.merkle import Frontier, consistency_proof, hash_leaf, verify_consistency
from sideline.record.note import Verifier, parse_verifier_key
from sideline.record.tiles import (
    TILE_WIDTH,
    TileHashReader,
    TileRef,
    entries_path,
    parse_entry_bundle,
    parse_tile,
    tile_root,
    tiles_for_size,
)

__all__ = [
    "AuditReport",
    "ConsistencyReport",
    "DirectoryLogReader",
    "LogReader",
    "audit_log",
    "check_consistency",
    "check_consistency_from_tiles",
]

_CHUNK_BUNDLES = 16
_MAX_IN_FLIGHT = 8


class LogReader(Protocol):
    """Read a tiled log; raise ``OSError`` or ``LookupError`` for a missing resource."""

    def read_checkpoint(self) -> bytes:
        """Return the latest signed checkpoint."""
        ...

    def read_tile(self, path: str) -> bytes:
        """Return the tile or entry bundle at ``path`` (e.g. ``tile/0/000.p/5``)."""
        ...


@dataclass(frozen=True)
class DirectoryLogReader:
    """Read a log laid out on disk as served: ``<root>/checkpoint``, ``<root>/tile/...``."""

    root: Path

    def read_checkpoint(self) -> bytes:
        """Return the bytes of ``<root>/checkpoint``."""
        return (self.root / "checkpoint").read_bytes()

    def read_tile(self, path: str) -> bytes:
        """Return the bytes of ``<root>/<path>``."""
        return (self.root / path).read_bytes()


@dataclass(frozen=True)
class AuditReport:
    """The outcome of :func:`audit_log`.

    ``code`` is ``"ok"`` or the first failure: ``missing_checkpoint``,
    ``bad_checkpoint``, ``bad_checkpoint_signature``, ``quorum_not_met``,
    ``truncated`` (a tile or bundle is missing or cut short), ``tile_mismatch``,
    ``root_mismatch``, ``unknown_key``, ``bad_entry_signature``, ``malformed_entry``,
    ``wrong_organization``, ``bad_entry``, ``not_canonical`` …
    """

    ok: bool
    code: str
    message: str
    origin: str | None = None
    tree_size: int = 0
    root_hash: bytes | None = None
    entries_checked: int = 0
    signatures_checked: int = 0
    tiles_read: int = 0
    first_bad_index: int | None = None
    cosignatures: QuorumResult | None = None


@dataclass
class _Failure:
    index: int
    code: str
    message: str


def _verify_entries(
    entry_vkeys: Sequence[str], organization: str | None, start: int, leaves: Sequence[bytes]
) -> _Failure | None:
    """Return the first entry in ``leaves`` whose signature or content fails."""
    verifiers = [parse_verifier_key(k) for k in entry_vkeys]
    for offset, leaf in enumerate(leaves):
        try:
            open_entry(leaf, verifiers=verifiers, organization=organization)
        except EntryError as exc:
            return _Failure(start + offset, exc.code, exc.message)
    return None


@dataclass
class _EntryChecker:
    """Check entry signatures inline or in a process pool; keep the first failure."""

    entry_vkeys: Sequence[str]
    organization: str | None
    pool: ProcessPoolExecutor | None
    failures: list[_Failure] = field(default_factory=list)
    pending: list[Future[_Failure | None]] = field(default_factory=list)
    batch: list[bytes] = field(default_factory=list)
    batch_start: int = 0
    checked: int = 0

    def add(self, start: int, leaves: list[bytes]) -> None:
        if not self.batch:
            self.batch_start = start
        self.batch.extend(leaves)
        if len(self.batch) >= _CHUNK_BUNDLES * TILE_WIDTH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        args = (self.entry_vkeys, self.organization, self.batch_start, self.batch)
        self.checked += len(self.batch)
        if self.pool is None:
            self._record(_verify_entries(*args))
        else:
            self.pending.append(self.pool.submit(_verify_entries, *args))
            while len(self.pending) >= _MAX_IN_FLIGHT:
                self._record(self.pending.pop(0).result())
        self.batch = []

    def finish(self) -> None:
        self.flush()
        for future in self.pending:
            self._record(future.result())
        self.pending = []

    def _record(self, failure: _Failure | None) -> None:
        if failure is not None:
            self.failures.append(failure)


def audit_log(
    reader: LogReader,
    *,
    log_keys: Iterable[Verifier],
    witness_keys: Sequence[Verifier] = (),
    quorum: int = 0,
    entry_keys: Sequence[str] | None = None,
    organization: str | None = None,
    workers: int | None = None,
    parallel_threshold: int = 20_000,
) -> AuditReport:
    """Verify a whole log offline.

    Args:
        reader: reads the checkpoint and tiles.
        log_keys: the log's checkpoint keys.
        witness_keys: trusted witness cosigner keys.
        quorum: how many distinct witnesses must have cosigned the checkpoint.
        entry_keys: vkey strings of the organization's entry keys (several during a
            rotation); ``None`` skips entry checks (for logs of non-Sideline entries).
        organization: when given, every entry must belong to it.
        workers: processes for signature checks (default: all cores; 1 = inline).
        parallel_threshold: use the process pool from this many entries on.

    Returns:
        An :class:`AuditReport`; ``ok`` is true only if every check passed.
    """
    try:
        raw = reader.read_checkpoint()
    except (OSError, LookupError) as exc:
        return AuditReport(False, "missing_checkpoint", f"cannot read the checkpoint: {exc}")
    try:
        signed = open_checkpoint(raw, log_verifiers=log_keys)
    except NoteError as exc:
        return AuditReport(False, "bad_checkpoint_signature", f"{exc.code}: {exc.message}")
    except CheckpointError as exc:
        return AuditReport(False, "bad_checkpoint", exc.message)
    checkpoint = signed.checkpoint
    cosignatures = count_cosignatures(raw, witnesses=witness_keys, quorum=quorum)
    if not cosignatures.met:
        return AuditReport(
            False,
            "quorum_not_met",
            f"{len(cosignatures.valid)} valid cosignatures, {quorum} required",
            origin=checkpoint.origin,
            tree_size=checkpoint.size,
            root_hash=checkpoint.root_hash,
            cosignatures=cosignatures,
        )
    use_pool = entry_keys is not None and workers != 1 and checkpoint.size >= parallel_threshold
    pool = ProcessPoolExecutor(max_workers=workers or os.cpu_count()) if use_pool else None
    try:
        return _audit_tiles(reader, checkpoint, cosignatures, entry_keys, organization, pool)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _audit_tiles(
    reader: LogReader,
    checkpoint: Checkpoint,
    cosignatures: QuorumResult,
    entry_keys: Sequence[str] | None,
    organization: str | None,
    pool: ProcessPoolExecutor | None,
) -> AuditReport:
    size = checkpoint.size
    frontier = Frontier()
    checker = _EntryChecker(entry_keys, organization, pool) if entry_keys is not None else None
    tiles_read = 0
    merkle_failure: _Failure | None = None
    # rows[L] collects the computed hashes of tree level 8*L, to compare with the
    # tiles of level L; only full tiles feed the level above.
    rows: list[list[bytes]] = [[]]
    refs = tiles_for_size(size)

    def read(path: str) -> bytes:
        nonlocal tiles_read
        tiles_read += 1
        return reader.read_tile(path)

    for ref in (r for r in refs if r.level == 0):
        start = ref.index * TILE_WIDTH
        try:
            tile = parse_tile(read(ref.path), width=ref.width)
            leaves = parse_entry_bundle(
                read(entries_path(ref.index, width=ref.width)), width=ref.width
            )
        except (OSError, LookupError) as exc:
            merkle_failure = _Failure(start, "truncated", f"cannot read tile: {exc}")
            break
        except TileError as exc:
            merkle_failure = _Failure(start, "truncated", f"{ref.path}: {exc.message}")
            break
        hashes = [hash_leaf(leaf) for leaf in leaves]
        if hashes != tile:
            bad = next(i for i, (a, b) in enumerate(zip(hashes, tile, strict=True)) if a != b)
            merkle_failure = _Failure(
                start + bad, "tile_mismatch", f"entry {start + bad} does not hash to its tile"
            )
            break
        frontier.extend(hashes)
        if ref.width == TILE_WIDTH:
            rows[0].append(tile_root(hashes))
        if checker is not None:
            checker.add(start, leaves)
            if checker.failures and pool is None:
                break
    if merkle_failure is None:
        merkle_failure = _check_upper_tiles(read, refs, rows[0])
    if checker is not None:
        checker.finish()
    failures = [f for f in (merkle_failure, *(checker.failures if checker else [])) if f]
    if merkle_failure is None and frontier.root() != checkpoint.root_hash:
        failures.append(_Failure(0, "root_mismatch", "the tiles give another root hash"))
    first = min(failures, key=lambda f: f.index) if failures else None
    return AuditReport(
        ok=first is None,
        code=first.code if first else "ok",
        message=first.message if first else f"{size} entries verified",
        origin=checkpoint.origin,
        tree_size=size,
        root_hash=checkpoint.root_hash,
        entries_checked=frontier.size,
        signatures_checked=checker.checked if checker else 0,
        tiles_read=tiles_read,
        first_bad_index=first.index if first else None,
        cosignatures=cosignatures,
    )


def _check_upper_tiles(
    read: Callable[[str], bytes], refs: Sequence[TileRef], row0: list[bytes]
) -> _Failure | None:
    """Compare every tile of level >= 1 with the hashes computed from the level below."""
    computed = row0  # hashes of tree level 8 (full level-0 tiles)
    level = 1
    upper = [r for r in refs if r.level is not None and r.level >= 1]
    while True:
        level_refs = [r for r in upper if r.level == level]
        if not level_refs:
            return None
        next_row: list[bytes] = []
        for ref in level_refs:
            first_leaf = ref.index * TILE_WIDTH ** (level + 1)
            try:
                tile = parse_tile(read(ref.path), width=ref.width)
            except (OSError, LookupError, TileError) as exc:
                return _Failure(first_leaf, "truncated", f"{ref.path}: {exc}")
            expected = computed[ref.index * TILE_WIDTH : ref.index * TILE_WIDTH + ref.width]
            if tile != expected:
                message = f"{ref.path} disagrees with the level below"
                return _Failure(first_leaf, "tile_mismatch", message)
            if ref.width == TILE_WIDTH:
                next_row.append(tile_root(tile))
        computed = next_row
        level += 1


@dataclass(frozen=True)
class ConsistencyReport:
    """Whether two checkpoints of one log are consistent.

    ``code``: ``consistent``, ``different_origin``, ``fork`` (the proof fails or
    the same size has two roots) or ``truncated`` (tiles needed were missing).
    """

    consistent: bool
    code: str
    message: str


def check_consistency(
    first: Checkpoint, second: Checkpoint, *, proof: Sequence[bytes]
) -> ConsistencyReport:
    """Check two checkpoints of one log with a consistency proof (smaller to larger)."""
    if first.origin != second.origin:
        return ConsistencyReport(False, "different_origin", "the checkpoints are of two logs")
    older, newer = sorted((first, second), key=lambda c: c.size)
    result = verify_consistency(
        older.size, newer.size, old_root=older.root_hash, new_root=newer.root_hash, proof=proof
    )
    if result:
        return ConsistencyReport(True, "consistent", f"{older.size} -> {newer.size} consistent")
    return ConsistencyReport(False, "fork", f"{older.size} -> {newer.size}: {result.message}")


def check_consistency_from_tiles(
    first: Checkpoint, second: Checkpoint, *, reader: LogReader
) -> ConsistencyReport:
    """Check two checkpoints, deriving the proof from the larger tree's tiles.

    The tiles must be those of the larger checkpoint (e.g. a peer's log); a proof
    built from them only verifies if they match both roots.
    """
    newer = max(first, second, key=lambda c: c.size)
    older = min(first, second, key=lambda c: c.size)
    tiles = TileHashReader(reader.read_tile, size=newer.size)
    try:
        proof = consistency_proof(older.size, newer.size, node=tiles.node)
    except (OSError, LookupError, TileError) as exc:
        return ConsistencyReport(False, "truncated", f"cannot read tiles: {exc}")
    return check_consistency(older, newer, proof=proof)
