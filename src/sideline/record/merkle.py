"""RFC 9162 Merkle tree hashing, proofs and an append-only frontier.

Hashing follows RFC 9162 §2.1: a leaf hash is ``SHA-256(0x00 || entry)``, an
interior node is ``SHA-256(0x01 || left || right)``, and the root of the empty tree
is ``SHA-256("")``.

Proofs are generated from a :data:`NodeReader`, a callback returning the hash of a
*perfect* subtree (``2**level`` leaves starting at leaf ``index * 2**level``). A
store that keeps every node the :class:`Frontier` completes (:class:`StoredNodes`,
or database rows on the Django side) answers each read in O(1), so a proof costs
O(log² n) hashes at most. :func:`leaf_node_reader` builds a reader over a plain
list of leaf hashes for small trees and tests.

Verification returns a :class:`ProofResult` (truthy when the proof holds) naming
the first failed check with a stable code. Rules chosen where specifications
differ (see docs/record.md):

* every hash (leaf hash, roots, proof elements) must be exactly 32 bytes;
* inclusion needs ``0 <= index < size``;
* consistency between equal sizes needs an empty proof and equal roots;
* consistency from size 0 follows C2SP tlog-witness: the empty tree is consistent
  with every tree, the proof must be empty and the old root must be ``SHA-256("")``.
  (Go's transparency-dev/merkle rejects every ``size1 == 0`` case instead.)

>>> leaves = [hash_leaf(bytes([i])) for i in range(5)]
>>> root = root_from_leaf_hashes(leaves)
>>> proof = inclusion_proof(3, size=5, node=leaf_node_reader(leaves))
>>> bool(verify_inclusion(3, size=5, leaf_hash=leaves[3], proof=proof, root=root))
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Frontier",
    "NodeReader",
    "ProofResult",
    "StoredNodes",
    "consistency_proof",
    "hash_children",
    "hash_leaf",
    "inclusion_proof",
    "leaf_node_reader",
    "perfect_subtrees",
    "root_from_leaf_hashes",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeReader = Callable[[int, int], bytes]
"""Return the hash of the perfect subtree ``(level, index)``: leaves
``[index * 2**level, (index + 1) * 2**level)``."""

_sha256 = hashlib.sha256


def hash_leaf(data: bytes) -> bytes:
    """Return the RFC 9162 leaf hash ``SHA-256(0x00 || data)``.

    >>> hash_leaf(b"").hex()[:16]
    '6e340b9cffb37a98'
    """
    return _sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior node hash ``SHA-256(0x01 || left || right)``."""
    return _sha256(b"\x01" + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """Return the largest power of two strictly less than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """Split the leaf range ``[start, end)`` into maximal aligned perfect subtrees.

    Args:
        start: first leaf; must be a multiple of a power of two at least ``end - start``
            (true of every range that a Merkle tree hash covers), or 0.
        end: one past the last leaf.

    Returns:
        ``(level, index)`` pairs from left to right.

    >>> perfect_subtrees(0, 13)
    [(3, 0), (2, 2), (0, 12)]
    """
    result: list[tuple[int, int]] = []
    position = start
    while position < end:
        # Take the largest aligned block that starts at position and fits in the range.
        level = (end - position).bit_length() - 1
        if position:
            level = min(level, (position & -position).bit_length() - 1)
        result.append((level, position >> level))
        position += 1 << level
    return result


def subtree_hash(start: int, end: int, *, node: NodeReader) -> bytes:
    """Return MTH of the leaves ``[start, end)`` read through ``node``.

    The range must be one that the tree's recursive split produces (``start`` aligned
    to a power of two not smaller than the range), as in every RFC 9162 proof.
    """
    if end <= start:
        return EMPTY_ROOT
    parts = [node(level, index) for level, index in perfect_subtrees(start, end)]
    # The right edge of an unbalanced tree folds from the right (RFC 9162 §2.1.1).
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = hash_children(part, result)
    return result


def root_from_leaf_hashes(leaf_hashes: Iterable[bytes]) -> bytes:
    """Return the root (MTH) of a tree with the given leaf hashes, in O(n).

    >>> root_from_leaf_hashes([]) == EMPTY_ROOT
    True
    """
    frontier = Frontier()
    for leaf in leaf_hashes:
        frontier.append(leaf)
    return frontier.root()


def leaf_node_reader(leaf_hashes: Sequence[bytes]) -> NodeReader:
    """Return a :data:`NodeReader` that computes node hashes from leaf hashes.

    Each node is computed once and cached; meant for small trees and tests (a node
    of level ``k`` costs ``2**k`` hashes the first time).
    """

    @cache
    def node(level: int, index: int) -> bytes:
        if level == 0:
            return leaf_hashes[index]
        return hash_children(node(level - 1, 2 * index), node(level - 1, 2 * index + 1))

    return node


@dataclass
class StoredNodes:
    """Keep every perfect-subtree hash a :class:`Frontier` completes, in memory.

    ``levels[k][i]`` is the node ``(k, i)``. Use :meth:`add` as a frontier's
    ``on_node`` callback and :meth:`read` as a :data:`NodeReader`.
    """

    levels: list[list[bytes]] = field(default_factory=list)

    def add(self, level: int, index: int, node_hash: bytes) -> None:
        """Store the node ``(level, index)``; nodes of a level arrive in order."""
        while len(self.levels) <= level:
            self.levels.append([])
        row = self.levels[level]
        if index != len(row):
            raise ValueError(f"node ({level}, {index}) out of order; expected index {len(row)}")
        row.append(node_hash)

    def read(self, level: int, index: int) -> bytes:
        """Return the stored node ``(level, index)``."""
        return self.levels[level][index]


class Frontier:
    """Append-only compact range over leaves ``[0, size)``.

    Holds one hash per set bit of ``size`` (the perfect subtrees along the right
    edge), so an append costs O(1) amortised hashes and :meth:`root` costs O(log n).

    Args:
        on_node: called with ``(level, index, hash)`` for every perfect subtree that
            an append completes, leaves included (level 0), so a caller can store the
            hashes that tiles and proofs need.

    >>> f = Frontier()
    >>> for i in range(3):
    ...     f.append(hash_leaf(bytes([i])))
    >>> f.size
    3
    """

    def __init__(self, on_node: Callable[[int, int, bytes], None] | None = None) -> None:
        self._hashes: list[bytes] = []  # perfect subtrees, left (largest) to right
        self._size = 0
        self._on_node = on_node

    @property
    def size(self) -> int:
        """Return the number of leaves appended."""
        return self._size

    @classmethod
    def from_nodes(cls, size: int, *, node: NodeReader) -> Frontier:
        """Return the frontier of a tree of ``size`` leaves, reading its right edge."""
        frontier = cls()
        frontier._hashes = [node(level, index) for level, index in perfect_subtrees(0, size)]
        frontier._size = size
        return frontier

    def set_on_node(self, on_node: Callable[[int, int, bytes], None] | None) -> None:
        """Replace the callback that receives completed nodes."""
        self._on_node = on_node

    def append(self, leaf_hash: bytes) -> None:
        """Append one leaf hash (not the entry: hash it with :func:`hash_leaf`)."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes, got {len(leaf_hash)}")
        index = self._size
        current = leaf_hash
        on_node = self._on_node
        if on_node is not None:
            on_node(0, index, current)
        level = 0
        # Each trailing 1 bit of the old size is a sibling subtree to merge with.
        while index & 1:
            current = hash_children(self._hashes.pop(), current)
            index >>= 1
            level += 1
            if on_node is not None:
                on_node(level, index, current)
        self._hashes.append(current)
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append many leaf hashes in order."""
        for leaf in leaf_hashes:
            self.append(leaf)

    def root(self) -> bytes:
        """Return the root hash of the tree of the current size."""
        if not self._hashes:
            return EMPTY_ROOT
        result = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            result = hash_children(left, result)
        return result

    def copy(self) -> Frontier:
        """Return an independent copy (without the callback)."""
        other = Frontier()
        other._hashes = list(self._hashes)
        other._size = self._size
        return other


def inclusion_proof(index: int, *, size: int, node: NodeReader) -> list[bytes]:
    """Return the RFC 9162 §2.1.3.1 inclusion proof of leaf ``index`` in a tree of ``size``.

    Args:
        index: the leaf, ``0 <= index < size``.
        size: the tree size.
        node: reads stored perfect-subtree hashes.

    Returns:
        The audit path, from the leaf's sibling up to the root's child.

    Raises:
        ValueError: ``index`` is not inside the tree.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size
    # Walk down from the root, collecting the sibling of the side holding the leaf;
    # the path is leaf-first, so reverse at the end.
    while end - start > 1:
        k = _largest_power_of_two_below(end - start)
        middle = start + k
        if index < middle:
            path.append(subtree_hash(middle, end, node=node))
            end = middle
        else:
            path.append(subtree_hash(start, middle, node=node))
            start = middle
    path.reverse()
    return path


def consistency_proof(old_size: int, new_size: int, *, node: NodeReader) -> list[bytes]:
    """Return the RFC 9162 §2.1.4.1 consistency proof from ``old_size`` to ``new_size``.

    Sizes ``0`` and ``old_size == new_size`` give an empty proof.

    Raises:
        ValueError: ``old_size`` is negative or greater than ``new_size``.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"cannot prove consistency from size {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    path: list[bytes] = []
    start, end, m = 0, new_size, old_size
    complete = True  # RFC 9162's flag b: the old tree is this whole subtree
    while m != end:
        k = _largest_power_of_two_below(end - start)
        if m - start <= k:
            path.append(subtree_hash(start + k, end, node=node))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, node=node))
            start += k
            complete = False
    if not complete:
        path.append(subtree_hash(start, end, node=node))
    path.reverse()
    return path


@dataclass(frozen=True)
class ProofResult:
    """Outcome of a proof verification; truthy exactly when the proof holds.

    ``code`` is ``"ok"`` or one of: ``bad_hash_size``, ``index_out_of_range``,
    ``bad_size_order``, ``proof_wrong_length``, ``proof_not_empty``, ``root_mismatch``,
    ``old_root_mismatch``.
    """

    ok: bool
    code: str
    message: str

    def __bool__(self) -> bool:
        return self.ok


_OK = ProofResult(True, "ok", "the proof verifies")


def _fail(code: str, message: str) -> ProofResult:
    return ProofResult(False, code, message)


def _bad_sizes(*hashes: bytes) -> ProofResult | None:
    for value in hashes:
        if len(value) != HASH_SIZE:
            return _fail("bad_hash_size", f"a hash is {len(value)} bytes, expected {HASH_SIZE}")
    return None


def verify_inclusion(
    index: int, *, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> ProofResult:
    """Verify an inclusion proof by RFC 9162 §2.1.3.2.

    Args:
        index: the leaf's index.
        size: the tree size the proof is for.
        leaf_hash: the leaf's hash (:func:`hash_leaf` of the entry).
        proof: the audit path.
        root: the expected root of the tree of ``size``.

    Returns:
        A :class:`ProofResult`; falsy with a reason code when the proof fails.
    """
    bad = _bad_sizes(leaf_hash, root, *proof)
    if bad is not None:
        return bad
    if not 0 <= index < size:
        return _fail("index_out_of_range", f"leaf index {index} is outside a tree of size {size}")
    fn, sn = index, size - 1
    result = leaf_hash
    for sibling in proof:
        if sn == 0:
            return _fail("proof_wrong_length", "the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            result = hash_children(sibling, result)
            if not fn & 1:
                # Skip the levels where this node has no right sibling.
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            result = hash_children(result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return _fail("proof_wrong_length", "the proof is shorter than the tree is deep")
    if result != root:
        return _fail("root_mismatch", "the proof leads to a different root")
    return _OK


def verify_consistency(
    old_size: int,
    new_size: int,
    *,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> ProofResult:
    """Verify a consistency proof by RFC 9162 §2.1.4.2.

    Equal sizes need an empty proof and equal roots; ``old_size == 0`` needs an
    empty proof and ``old_root == EMPTY_ROOT`` (C2SP tlog-witness rule).

    Returns:
        A :class:`ProofResult`; falsy with a reason code when the proof fails.
    """
    bad = _bad_sizes(old_root, new_root, *proof)
    if bad is not None:
        return bad
    if not 0 <= old_size <= new_size:
        return _fail("bad_size_order", f"old size {old_size} is not in [0, {new_size}]")
    if old_size == 0 or old_size == new_size:
        if proof:
            return _fail("proof_not_empty", "this consistency proof must be empty")
        if old_size == 0 and old_root != EMPTY_ROOT:
            return _fail("old_root_mismatch", "the root of the empty tree must be SHA-256('')")
        if old_size == new_size and old_root != new_root:
            return _fail("root_mismatch", "two trees of the same size have different roots")
        return _OK
    if not proof:
        return _fail("proof_wrong_length", "the consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect subtree: its root is the proof's implicit first node.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            return _fail("proof_wrong_length", "the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr = hash_children(node, fr)
            sr = hash_children(node, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hash_children(sr, node)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return _fail("proof_wrong_length", "the proof is shorter than the tree is deep")
    if fr != old_root:
        return _fail("old_root_mismatch", "the proof does not lead to the old root")
    if sr != new_root:
        return _fail("root_mismatch", "the proof does not lead to the new root")
    return _OK
