"""Tests of sideline.record.merkle against a naive RFC 9162 reference."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.record.merkle import (
    EMPTY_ROOT,
    Frontier,
    StoredNodes,
    consistency_proof,
    hash_children,
    hash_leaf,
    inclusion_proof,
    leaf_node_reader,
    perfect_subtrees,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)


# The naive reference transcribes RFC 9162 §2.1 recursions literally.
def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _k(len(leaves))
    return hash_children(naive_root(leaves[:k]), naive_root(leaves[k:]))


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _k(len(leaves))
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_root(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_root(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [naive_root(leaves)]
    k = _k(n)
    if m <= k:
        return [*naive_subproof(m, leaves[:k], complete), naive_root(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), naive_root(leaves[:k])]


LEAVES = [hash_leaf(i.to_bytes(2, "big")) for i in range(300)]
PROOF_SIZES = [*range(1, 40), 63, 64, 65, 127, 128, 129, 255, 256, 257, 300]


def test_hash_leaf_empty_matches_rfc6962_vector() -> None:
    assert hash_leaf(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


def test_empty_root_is_sha256_of_empty_string() -> None:
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert root_from_leaf_hashes([]) == EMPTY_ROOT


def test_root_every_size_up_to_300_matches_reference() -> None:
    frontier = Frontier()
    mismatches = []
    for size in range(301):
        if frontier.root() != naive_root(LEAVES[:size]):
            mismatches.append(size)
        if size < 300:
            frontier.append(LEAVES[size])
    assert mismatches == []


def test_inclusion_proof_matches_reference_and_verifies() -> None:
    node = leaf_node_reader(LEAVES)
    failures = []
    for size in PROOF_SIZES:
        root = naive_root(LEAVES[:size])
        for index in range(size):
            proof = inclusion_proof(index, size=size, node=node)
            result = verify_inclusion(
                index, size=size, leaf_hash=LEAVES[index], proof=proof, root=root
            )
            if proof != naive_path(index, LEAVES[:size]) or not result:
                failures.append((index, size))
    assert failures == []


def test_consistency_proof_matches_reference_and_verifies() -> None:
    node = leaf_node_reader(LEAVES)
    failures = []
    pairs = [(m, n) for n in range(1, 70) for m in range(1, n + 1)]
    pairs += [(m, 300) for m in range(1, 301)]
    for m, n in pairs:
        proof = consistency_proof(m, n, node=node)
        expected = naive_subproof(m, LEAVES[:n], True) if m < n else []
        result = verify_consistency(
            m,
            n,
            old_root=naive_root(LEAVES[:m]),
            new_root=naive_root(LEAVES[:n]),
            proof=proof,
        )
        if proof != expected or not result:
            failures.append((m, n, result.code))
    assert failures == []


def test_stored_nodes_from_frontier_answer_proofs() -> None:
    store = StoredNodes()
    frontier = Frontier(on_node=store.add)
    frontier.extend(LEAVES[:300])
    assert inclusion_proof(77, size=300, node=store.read) == naive_path(77, LEAVES[:300])
    assert consistency_proof(100, 300, node=store.read) == naive_subproof(100, LEAVES[:300], True)
    assert [len(level) for level in store.levels] == [300, 150, 75, 37, 18, 9, 4, 2, 1]


def test_frontier_from_nodes_continues_appending() -> None:
    store = StoredNodes()
    Frontier(on_node=store.add).extend(LEAVES[:100])
    frontier = Frontier.from_nodes(100, node=store.read)
    frontier.extend(LEAVES[100:300])
    assert frontier.root() == naive_root(LEAVES)


def test_frontier_append_rejects_short_hash() -> None:
    with pytest.raises(ValueError, match="leaf hash must be 32 bytes, got 3"):
        Frontier().append(b"abc")


def test_perfect_subtrees_decomposes_unaligned_end() -> None:
    assert perfect_subtrees(0, 13) == [(3, 0), (2, 2), (0, 12)]
    assert perfect_subtrees(8, 13) == [(2, 2), (0, 12)]
    assert perfect_subtrees(0, 0) == []


def test_inclusion_proof_rejects_index_outside_tree() -> None:
    with pytest.raises(ValueError, match="leaf index 5 is outside a tree of size 5"):
        inclusion_proof(5, size=5, node=leaf_node_reader(LEAVES))


def test_consistency_proof_rejects_shrinking_tree() -> None:
    with pytest.raises(ValueError, match="cannot prove consistency from size 6 to 5"):
        consistency_proof(6, 5, node=leaf_node_reader(LEAVES))


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"index": 0, "size": 0}, "index_out_of_range"),
        ({"index": 4, "size": 4}, "index_out_of_range"),
        ({"index": -1, "size": 4}, "index_out_of_range"),
        ({"index": 0, "size": 4, "short": True}, "proof_wrong_length"),
        ({"index": 0, "size": 4, "long": True}, "proof_wrong_length"),
        ({"index": 0, "size": 4, "root": b"\x00" * 32}, "root_mismatch"),
        ({"index": 0, "size": 4, "root": b"\x00" * 31}, "bad_hash_size"),
    ],
)
def test_verify_inclusion_failure_codes(kwargs: dict[str, object], code: str) -> None:
    proof = naive_path(0, LEAVES[:4])
    if kwargs.get("short"):
        proof = proof[:-1]
    if kwargs.get("long"):
        proof = [*proof, LEAVES[9]]
    root = kwargs.get("root", naive_root(LEAVES[:4]))
    assert isinstance(root, bytes)
    index, size = kwargs["index"], kwargs["size"]
    assert isinstance(index, int)
    assert isinstance(size, int)
    result = verify_inclusion(index, size=size, leaf_hash=LEAVES[0], proof=proof, root=root)
    assert (result.ok, result.code) == (False, code)


@pytest.mark.parametrize(
    ("old_size", "new_size", "old_root", "new_root", "proof", "code"),
    [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], "ok"),
        (0, 5, EMPTY_ROOT, naive_root(LEAVES[:5]), [], "ok"),
        (0, 5, LEAVES[0], naive_root(LEAVES[:5]), [], "old_root_mismatch"),
        (0, 5, EMPTY_ROOT, naive_root(LEAVES[:5]), [LEAVES[0]], "proof_not_empty"),
        (5, 5, naive_root(LEAVES[:5]), naive_root(LEAVES[:5]), [], "ok"),
        (5, 5, naive_root(LEAVES[:5]), LEAVES[0], [], "root_mismatch"),
        (5, 5, LEAVES[0], LEAVES[0], [LEAVES[0]], "proof_not_empty"),
        (6, 5, LEAVES[0], LEAVES[0], [], "bad_size_order"),
        (3, 5, naive_root(LEAVES[:3]), naive_root(LEAVES[:5]), [], "proof_wrong_length"),
        (3, 5, naive_root(LEAVES[:3]), naive_root(LEAVES[:5]), [b"x"], "bad_hash_size"),
    ],
)
def test_verify_consistency_edge_cases(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes], code: str
) -> None:
    result = verify_consistency(
        old_size, new_size, old_root=old_root, new_root=new_root, proof=proof
    )
    assert result.code == code
    assert bool(result) is (code == "ok")


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_verify_inclusion_holds_for_random_size_and_index(data: st.DataObject) -> None:
    size = data.draw(st.integers(min_value=1, max_value=300))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    node = leaf_node_reader(LEAVES)
    proof = inclusion_proof(index, size=size, node=node)
    root = root_from_leaf_hashes(LEAVES[:size])
    assert verify_inclusion(index, size=size, leaf_hash=LEAVES[index], proof=proof, root=root)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_verify_inclusion_catches_any_flipped_byte(data: st.DataObject) -> None:
    size = data.draw(st.integers(min_value=2, max_value=300))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = inclusion_proof(index, size=size, node=leaf_node_reader(LEAVES))
    root = root_from_leaf_hashes(LEAVES[:size])
    blob = bytearray(b"".join([LEAVES[index], root, *proof]))
    position = data.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    blob[position] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
    parts = [bytes(blob[i : i + 32]) for i in range(0, len(blob), 32)]
    result = verify_inclusion(index, size=size, leaf_hash=parts[0], proof=parts[2:], root=parts[1])
    assert not result


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_verify_consistency_catches_any_flipped_byte(data: st.DataObject) -> None:
    new_size = data.draw(st.integers(min_value=2, max_value=300))
    old_size = data.draw(st.integers(min_value=1, max_value=new_size - 1))
    proof = consistency_proof(old_size, new_size, node=leaf_node_reader(LEAVES))
    old_root = root_from_leaf_hashes(LEAVES[:old_size])
    new_root = root_from_leaf_hashes(LEAVES[:new_size])
    assert verify_consistency(old_size, new_size, old_root=old_root, new_root=new_root, proof=proof)
    blob = bytearray(b"".join([old_root, new_root, *proof]))
    position = data.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    blob[position] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
    parts = [bytes(blob[i : i + 32]) for i in range(0, len(blob), 32)]
    result = verify_consistency(
        old_size, new_size, old_root=parts[0], new_root=parts[1], proof=parts[2:]
    )
    assert not result
