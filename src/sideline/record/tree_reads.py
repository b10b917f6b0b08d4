"""Reads of a log's Merkle tree from its stored nodes: inclusion and consistency proofs,
C2SP tiles and entry bundles.

A proof or a tile needs a handful of node hashes; they are fetched in one query whatever
the tree's size (the tree keeps the nodes it computed when entries were appended).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.db import connection

from sideline.record.merkle import HASH_SIZE, consistency_proof, inclusion_proof
from sideline.record.models import Log, RecordEntry, TreeNode
from sideline.record.tiles import TILE_HEIGHT, TILE_WIDTH, TileRef, build_entry_bundle

__all__ = [
    "LogTree",
    "consistency_proof_for",
    "entry_bundle_bytes",
    "inclusion_proof_for",
    "inclusion_proof_with_leaf",
    "tile_bytes",
]


class LogTree(Protocol):
    # What proofs read of a log: a Log row or a LogHead.
    @property
    def pk(self) -> Any: ...
    @property
    def origin(self) -> str: ...
    @property
    def size(self) -> int: ...


def _fetch_nodes(log: LogTree, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Read the hashes at exactly the keys ``wanted`` in ONE query.

    Raw SQL on purpose: a proof is a handful of index probes, and building the same
    query through the ORM cost several times more than running it. Leaves (level 0)
    live on the entry rows, the levels above in :class:`TreeNode`; one ``UNION ALL``
    arm per level keeps each arm a range probe of a unique index.
    """
    by_level: dict[int, set[int]] = {}
    for level, index in wanted:
        by_level.setdefault(level, set()).add(index)
    if not by_level:
        return {}
    quote = connection.ops.quote_name
    arms: list[str] = []
    params: list[int] = []
    for level, indices in sorted(by_level.items()):
        marks = ", ".join(["%s"] * len(indices))
        if level == 0:
            table, column = RecordEntry._meta.db_table, "leaf_hash"
            arms.append(
                f"SELECT 0, {quote('index')}, {quote(column)} FROM {quote(table)} "
                f"WHERE {quote('log_id')} = %s AND {quote('index')} IN ({marks})"
            )
            params.extend([log.pk, *sorted(indices)])
        else:
            table = TreeNode._meta.db_table
            arms.append(
                f"SELECT {quote('level')}, {quote('index')}, {quote('hash')} FROM {quote(table)} "
                f"WHERE {quote('log_id')} = %s AND {quote('level')} = %s "
                f"AND {quote('index')} IN ({marks})"
            )
            params.extend([log.pk, level, *sorted(indices)])
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms), params)
        rows = cursor.fetchall()
    return {(int(level), int(index)): bytes(node_hash) for level, index, node_hash in rows}


def _prefetched_proof(
    log: LogTree,
    build: Callable[[Callable[[int, int], bytes]], list[bytes]],
    *,
    also: tuple[tuple[int, int], ...] = (),
) -> tuple[list[bytes], dict[tuple[int, int], bytes]]:
    """Run a proof builder twice: once to learn which nodes it reads, once on them.

    One query instead of one per node: proofs read O(log² n) nodes.
    """
    wanted: list[tuple[int, int]] = []

    def record(level: int, index: int) -> bytes:
        wanted.append((level, index))
        return b"\x00" * HASH_SIZE

    build(record)
    wanted.extend(also)
    nodes = _fetch_nodes(log, wanted)
    missing = [key for key in wanted if key not in nodes]
    if missing:
        raise LookupError(f"tree node {missing[0]} of {log.origin} is missing")
    return build(lambda level, index: nodes[(level, index)]), nodes


def inclusion_proof_for(log: LogTree, *, index: int, size: int) -> list[bytes]:
    """Return the inclusion proof of leaf ``index`` in the tree of ``size`` of ``log``.

    Raises:
        ValueError: ``index`` or ``size`` is outside the log.
        LookupError: a stored node is missing (the store is damaged).
    """
    return inclusion_proof_with_leaf(log, index=index, size=size)[1]


def inclusion_proof_with_leaf(log: LogTree, *, index: int, size: int) -> tuple[bytes, list[bytes]]:
    """Return the leaf hash of entry ``index`` and its inclusion proof, in one query.

    Raises:
        ValueError: ``index`` or ``size`` is outside the log.
        LookupError: a stored node is missing (the store is damaged).
    """
    if size > log.size:
        raise ValueError(f"size {size} is beyond the log's {log.size} entries")
    proof, nodes = _prefetched_proof(
        log, lambda node: inclusion_proof(index, size=size, node=node), also=((0, index),)
    )
    return nodes[(0, index)], proof


def consistency_proof_for(log: LogTree, *, old_size: int, new_size: int) -> list[bytes]:
    """Return the consistency proof of ``log`` from ``old_size`` to ``new_size``.

    Raises:
        ValueError: the sizes are out of order or beyond the log.
        LookupError: a stored node is missing.
    """
    if new_size > log.size:
        raise ValueError(f"size {new_size} is beyond the log's {log.size} entries")
    return _prefetched_proof(log, lambda node: consistency_proof(old_size, new_size, node=node))[0]


# -- tiles --------------------------------------------------------------------------


def tile_bytes(log: Log, ref: TileRef) -> bytes | None:
    """Return the hash tile or entry bundle ``ref`` of ``log``, or ``None`` beyond the tree."""
    level = 0 if ref.level is None else ref.level
    available = log.size >> (TILE_HEIGHT * level)
    start = ref.index * TILE_WIDTH
    if start + ref.width > available:
        return None
    end = start + ref.width
    if ref.level is None:
        leaves = RecordEntry.objects.filter(log=log, index__gte=start, index__lt=end)
        return build_entry_bundle(
            bytes(x) for x in leaves.order_by("index").values_list("leaf", flat=True)
        )
    hashes: Iterable[bytes | memoryview]
    if level == 0:
        leaf_rows = RecordEntry.objects.filter(log=log, index__gte=start, index__lt=end)
        hashes = leaf_rows.order_by("index").values_list("leaf_hash", flat=True)
    else:
        node_rows = TreeNode.objects.filter(
            log=log, level=TILE_HEIGHT * level, index__gte=start, index__lt=end
        )
        hashes = node_rows.order_by("index").values_list("hash", flat=True)
    data = b"".join(bytes(h) for h in hashes)
    if len(data) != ref.width * HASH_SIZE:
        raise LookupError(f"{ref.path} of {log.origin} has missing rows")
    return data


def entry_bundle_bytes(log: Log, *, index: int, width: int) -> bytes | None:
    """Return entry bundle ``index`` of width ``width`` (see :func:`tile_bytes`)."""
    return tile_bytes(log, TileRef(None, index, width))


# -- entry checks -------------------------------------------------------------------
