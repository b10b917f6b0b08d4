"""Offline verification of a whole tiled log, and fork checks between checkpoints.

:func:`audit_log` reads a log through a :class:`LogReader` (two methods: the
checkpoint and a tile by path), then checks in order: the log's signature on the
checkpoint; the witnesses' cosignatures against a quorum; then, leaf by leaf, every
entry bundle against its level-0 tile and every entry's signature and content
against the organization's keys, and every higher tile against the tiles below as
soon as they complete it; last, the root against the checkpoint. It returns an
:class:`AuditReport` naming the first bad leaf index and a reason code; nothing is
raised for a bad log.

Everything is checked in leaf order and the report names the first failure in
that order, so a pool gives the report of the inline path. Entry bundles go, four
at a time with their level-0 tiles, to :func:`_check_bundles`, which parses them,
hashes the leaves, compares with the tile, opens every entry (signature, then
content) and returns the tile's root; from ``parallel_threshold`` entries on this
runs in a process pool of ``workers`` processes, which is nearly all the work (an
Ed25519 verification is ~100x a SHA-256 of a 300-byte entry). The main process
only reads, takes results in order, checks each tile of level >= 1 as soon as the
level below completes it, and keeps O(256 log n) hashes for the root.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from sideline.record.checkpoint import (
    Checkpoint,
    QuorumResult,
    count_cosignatures,
    open_checkpoint,
)
from sideline.record.entry import _first_bad_entry
from sideline.record.errors import CheckpointError, NoteError, TileError
from sideline.record.merkle import HASH_SIZE, Frontier, consistency_proof, verify_consistency
from sideline.record.note import Ed25519Verifier, Verifier, parse_verifier_key
from sideline.record.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    TileHashReader,
    entries_path,
    parse_entry_bundle,
    parse_tile,
    tile_path,
    tile_root,
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

# A task of 4 bundles (1,024 entries) takes ~0.1 s: the pool's ~0.2 ms per task is
# noise, and the last task leaves one core idle for at most that long.
_CHUNK_BUNDLES = 4
_IN_FLIGHT_PER_WORKER = 3


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


@dataclass
class _ChunkResult:
    """What checking some consecutive entry bundles gave, in leaf order."""

    roots: list[bytes] = field(default_factory=list)  # of the full tiles that passed
    tail: list[bytes] = field(default_factory=list)  # leaf hashes of a partial tile that passed
    hashed: int = 0  # leaves whose hashes matched their tile
    signed: int = 0  # entries whose signature and content were checked
    failure: _Failure | None = None


# One pool task: (tile index, width, level-0 tile bytes, entry bundle bytes) each.
_BundleTask = tuple[int, int, bytes, bytes]


@lru_cache(maxsize=8)
def _verifiers(entry_vkeys: tuple[str, ...]) -> list[Ed25519Verifier]:
    # Cached: a pool worker parses the keys once, not once per task.
    return [parse_verifier_key(k) for k in entry_vkeys]


def _check_bundles(
    entry_vkeys: tuple[str, ...] | None, organization: str | None, bundles: list[_BundleTask]
) -> _ChunkResult:
    """Check consecutive entry bundles against their level-0 tiles and their entries.

    Runs inline or in a pool worker. Stops at the first failure: the first leaf that
    does not hash to its tile, or the first entry before it that fails
    :func:`~sideline.record.entry.open_entry`, whichever has the lower index.
    """
    verifiers = _verifiers(entry_vkeys) if entry_vkeys is not None else None
    result = _ChunkResult()
    sha256 = hashlib.sha256
    for index, width, tile, bundle in bundles:
        start = index * TILE_WIDTH
        try:
            if len(tile) != width * HASH_SIZE:
                parse_tile(tile, width=width)  # raises tile_size_mismatch
            leaves = parse_entry_bundle(bundle, width=width)
        except TileError as exc:
            path = tile_path(0, index, width=width) if exc.code == "tile_size_mismatch" else None
            path = path or entries_path(index, width=width)
            result.failure = _Failure(start, "truncated", f"{path}: {exc.message}")
            return result
        hashes = [sha256(b"\x00" + leaf).digest() for leaf in leaves]
        good = width
        if b"".join(hashes) != tile:
            good = next(
                i for i, h in enumerate(hashes) if h != tile[i * HASH_SIZE : (i + 1) * HASH_SIZE]
            )
        if verifiers is not None:
            bad = _first_bad_entry(leaves[:good], verifiers=verifiers, organization=organization)
            if bad is not None:
                offset, error = bad
                result.signed += offset + 1
                result.hashed += offset
                result.failure = _Failure(start + offset, error.code, error.message)
                return result
            result.signed += good
        result.hashed += good
        if good < width:
            message = f"entry {start + good} does not hash to its tile"
            result.failure = _Failure(start + good, "tile_mismatch", message)
            return result
        if width == TILE_WIDTH:
            result.roots.append(tile_root(hashes))
        else:
            result.tail = hashes
    return result


class _TreeCheck:
    """Check tiles of level >= 1 as soon as the level below completes them; keep the root.

    ``rows[L]`` holds the computed hashes of tree level ``8 * L`` not yet grouped
    into a full tile (``rows[0]``: the leaf hashes of the last, partial, tile), so
    memory stays O(256 log n).
    """

    def __init__(self, read: Callable[[str], bytes], size: int) -> None:
        self.read = read
        self.size = size
        self.rows: list[list[bytes]] = [[]]
        self.full_tiles: list[int] = [0]

    def add(self, level: int, node: bytes) -> _Failure | None:
        """Add a node hash of tree level ``8 * level`` (``level >= 1``)."""
        while len(self.rows) <= level:
            self.rows.append([])
            self.full_tiles.append(0)
        row = self.rows[level]
        row.append(node)
        if len(row) < TILE_WIDTH:
            return None
        failure = self._check(level, self.full_tiles[level], row)
        if failure is not None:
            return failure
        self.rows[level] = []
        self.full_tiles[level] += 1
        return self.add(level + 1, tile_root(row))

    def finish(self) -> _Failure | None:
        """Check the partial tile of each level >= 1."""
        for level in range(1, len(self.rows)):
            if self.rows[level]:
                failure = self._check(level, self.full_tiles[level], self.rows[level])
                if failure is not None:
                    return failure
        return None

    def _check(self, level: int, index: int, row: list[bytes]) -> _Failure | None:
        path = tile_path(level, index, width=len(row))
        first_leaf = index * TILE_WIDTH ** (level + 1)
        try:
            tile = self.read(path)
        except (OSError, LookupError) as exc:
            return _Failure(first_leaf, "truncated", f"{path}: {exc}")
        if len(tile) != len(row) * HASH_SIZE:
            message = f"a tile of width {len(row)} is {len(row) * HASH_SIZE} bytes, got {len(tile)}"
            return _Failure(first_leaf, "truncated", f"{path}: tile_size_mismatch: {message}")
        if tile != b"".join(row):
            return _Failure(first_leaf, "tile_mismatch", f"{path} disagrees with the level below")
        return None

    def root(self) -> bytes:
        """Return the root of the tree, once every tile has been added and checked."""

        def node(level: int, index: int) -> bytes:
            # The perfect subtrees of [0, size) at levels 8L..8L+7 are exactly the
            # ones over rows[L], the hashes after the last full tile of level L.
            tile_level, sub = divmod(level, TILE_HEIGHT)
            base = (self.size >> (TILE_HEIGHT * tile_level)) // TILE_WIDTH * TILE_WIDTH
            first = (index << sub) - base
            return tile_root(self.rows[tile_level][first : first + (1 << sub)])

        return Frontier.from_nodes(self.size, node=node).root()


def audit_log(
    reader: LogReader,
    *,
    log_keys: Iterable[Verifier],
    witness_keys: Sequence[Verifier] = (),
    quorum: int = 0,
    witness_owners: Mapping[str, str] | None = None,
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
        witness_owners: the organization of each witness key (``name+keyidhex``), so
            that one organization's keys count once (see :func:`count_cosignatures`).
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
    cosignatures = count_cosignatures(
        raw, witnesses=witness_keys, quorum=quorum, owners=witness_owners
    )
    if not cosignatures.met:
        return AuditReport(
            False,
            "quorum_not_met",
            f"{len(cosignatures.owners)} valid cosignatures, {quorum} required",
            origin=checkpoint.origin,
            tree_size=checkpoint.size,
            root_hash=checkpoint.root_hash,
            cosignatures=cosignatures,
        )
    vkeys = tuple(entry_keys) if entry_keys is not None else None
    if vkeys is not None:
        _verifiers(vkeys)  # a bad key string raises here, not in a worker
    processes = workers or os.cpu_count() or 1
    use_pool = vkeys is not None and processes > 1 and checkpoint.size >= parallel_threshold
    pool = ProcessPoolExecutor(max_workers=processes) if use_pool else None
    try:
        return _audit_tiles(
            reader,
            checkpoint,
            cosignatures,
            vkeys,
            organization,
            pool,
            in_flight=_IN_FLIGHT_PER_WORKER * processes,
        )
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _audit_tiles(
    reader: LogReader,
    checkpoint: Checkpoint,
    cosignatures: QuorumResult,
    entry_keys: tuple[str, ...] | None,
    organization: str | None,
    pool: ProcessPoolExecutor | None,
    *,
    in_flight: int,
) -> AuditReport:
    size = checkpoint.size
    tiles_read = 0

    def read(path: str) -> bytes:
        nonlocal tiles_read
        tiles_read += 1
        return reader.read_tile(path)

    tree = _TreeCheck(read, size)
    full, rest = divmod(size, TILE_WIDTH)
    # Computed per chunk, not listed up front: a checkpoint may claim billions of entries.
    bundle_count = full + (1 if rest else 0)
    pending: deque[Future[_ChunkResult]] = deque()
    failure: _Failure | None = None
    hashed = signed = 0

    def take(result: _ChunkResult) -> _Failure | None:
        nonlocal hashed, signed
        hashed += result.hashed
        signed += result.signed
        tree.rows[0] = result.tail
        for root in result.roots:
            upper = tree.add(1, root)
            if upper is not None:
                return upper
        return result.failure

    # Results are taken in leaf order, so the first failure taken has the lowest
    # index: a tile of level >= 1 is only checked once every leaf under it passed.
    for first in range(0, bundle_count, _CHUNK_BUNDLES):
        bundles: list[_BundleTask] = []
        unread: _Failure | None = None
        for index in range(first, min(first + _CHUNK_BUNDLES, bundle_count)):
            width = TILE_WIDTH if index < full else rest
            try:
                tile = read(tile_path(0, index, width=width))
                bundle = read(entries_path(index, width=width))
            except (OSError, LookupError) as exc:
                unread = _Failure(index * TILE_WIDTH, "truncated", f"cannot read tile: {exc}")
                break
            bundles.append((index, width, tile, bundle))
        if bundles:
            if pool is None:
                pending.append(_done(_check_bundles(entry_keys, organization, bundles)))
            else:
                pending.append(pool.submit(_check_bundles, entry_keys, organization, bundles))
        if unread is not None:
            pending.append(_done(_ChunkResult(failure=unread)))
        while failure is None and pending and (len(pending) > in_flight or pending[0].done()):
            failure = take(pending.popleft().result())
        if failure is not None or unread is not None:
            break
    while failure is None and pending:
        failure = take(pending.popleft().result())
    for future in pending:
        future.cancel()
    if failure is None:
        failure = tree.finish()
    if failure is None and tree.root() != checkpoint.root_hash:
        failure = _Failure(0, "root_mismatch", "the tiles give another root hash")
    return AuditReport(
        ok=failure is None,
        code=failure.code if failure else "ok",
        message=failure.message if failure else f"{size} entries verified",
        origin=checkpoint.origin,
        tree_size=size,
        root_hash=checkpoint.root_hash,
        entries_checked=hashed,
        signatures_checked=signed,
        tiles_read=tiles_read,
        first_bad_index=failure.index if failure else None,
        cosignatures=cosignatures,
    )


def _done(result: _ChunkResult) -> Future[_ChunkResult]:
    future: Future[_ChunkResult] = Future()
    future.set_result(result)
    return future


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
