"""Tests of sideline.record.audit (whole-log verification and fork checks)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sideline.record.audit import (
    DirectoryLogReader,
    audit_log,
    check_consistency,
    check_consistency_from_tiles,
)
from sideline.record.checkpoint import Checkpoint, Cosigner
from sideline.record.entry import build_entry, sign_entry
from sideline.record.merkle import (
    Frontier,
    StoredNodes,
    consistency_proof,
    hash_leaf,
)
from sideline.record.note import Ed25519Signer, parse_verifier_key, sign_note
from sideline.record.tiles import (
    build_entry_bundle,
    entry_bundles_for_size,
    tiles_from_leaf_hashes,
)


def _key(name: str, seed: int) -> Ed25519Signer:
    return Ed25519Signer(name, Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32))


LOG = _key("sideline.example/nato/log", 1)
ENTRIES = _key("sideline.example/nato/entries", 2)
OLD_ENTRIES = _key("sideline.example/nato/entries", 3)
WITNESSES = [
    Cosigner(f"w{i}.example", Ed25519PrivateKey.from_private_bytes(bytes([10 + i]) * 32))
    for i in range(3)
]
ORIGIN = "sideline.example/nato/log"


@dataclass
class MemoryLog:
    """A tiled log held in a dict; tests mutate it to simulate attacks."""

    files: dict[str, bytes] = field(default_factory=dict)

    def read_checkpoint(self) -> bytes:
        return self.files["checkpoint"]

    def read_tile(self, path: str) -> bytes:
        return self.files[path]


def _leaves(count: int) -> list[bytes]:
    leaves = []
    for i in range(count):
        signer = OLD_ENTRIES if i < 10 else ENTRIES  # keys rotated after entry 10
        entry = build_entry(
            kind="meeting.created",
            organization="nato",
            time=datetime(2013, 9, 24, tzinfo=UTC),
            subject=f"meeting/{i}",
            payload={"n": i},
        )
        leaves.append(sign_entry(entry, signer=signer))
    return leaves


LEAVES = _leaves(600)


def _publish(leaves: list[bytes], *, witnesses: int = 2) -> MemoryLog:
    hashes = [hash_leaf(leaf) for leaf in leaves]
    log = MemoryLog(tiles_from_leaf_hashes(hashes))
    for ref in entry_bundles_for_size(len(leaves)):
        chunk = leaves[ref.index * 256 : ref.index * 256 + ref.width]
        log.files[ref.path] = build_entry_bundle(chunk)
    frontier = Frontier()
    frontier.extend(hashes)
    checkpoint = Checkpoint(ORIGIN, len(leaves), frontier.root())
    note = sign_note(checkpoint.text(), signers=[LOG]).decode()
    note += "".join(
        w.cosign(checkpoint, timestamp=1_700_000_000).line() for w in WITNESSES[:witnesses]
    )
    log.files["checkpoint"] = note.encode()
    return log


ENTRY_KEYS = [ENTRIES.verifier().vkey(), OLD_ENTRIES.verifier().vkey()]
WITNESS_KEYS = [w.verifier() for w in WITNESSES]


def _audit(log: MemoryLog, **kwargs: object) -> tuple[bool, str, int | None]:
    options: dict[str, object] = {
        "log_keys": [LOG.verifier()],
        "witness_keys": WITNESS_KEYS,
        "quorum": 2,
        "entry_keys": ENTRY_KEYS,
        "organization": "nato",
        "workers": 1,
    }
    options.update(kwargs)
    report = audit_log(log, **options)  # type: ignore[arg-type]  # options mixes types
    return report.ok, report.code, report.first_bad_index


def test_audit_log_accepts_valid_log_with_rotated_keys() -> None:
    report = audit_log(
        _publish(LEAVES),
        log_keys=[LOG.verifier()],
        witness_keys=WITNESS_KEYS,
        quorum=2,
        entry_keys=ENTRY_KEYS,
        organization="nato",
        workers=1,
    )
    assert (report.ok, report.code, report.tree_size, report.entries_checked) == (
        True,
        "ok",
        600,
        600,
    )
    assert (report.signatures_checked, report.tiles_read) == (600, 3 + 3 + 1)
    assert report.cosignatures is not None
    assert len(report.cosignatures.valid) == 2


def test_audit_log_in_process_pool_gives_same_result() -> None:
    # A re-hashed tree around an altered entry: only its signature can catch it.
    leaves = [*LEAVES[:300], LEAVES[300].replace(b'"n":300', b'"n":301'), *LEAVES[301:]]
    log = _publish(leaves)
    assert _audit(log, workers=2, parallel_threshold=1) == (False, "bad_entry_signature", 300)
    assert _audit(log, workers=1) == (False, "bad_entry_signature", 300)


def test_audit_log_quorum_not_met() -> None:
    assert _audit(_publish(LEAVES, witnesses=1)) == (False, "quorum_not_met", None)


def test_audit_log_rejects_checkpoint_of_other_key() -> None:
    assert _audit(_publish(LEAVES), log_keys=[ENTRIES.verifier()]) == (
        False,
        "bad_checkpoint_signature",
        None,
    )


def test_audit_log_missing_checkpoint() -> None:
    assert _audit(MemoryLog()) == (False, "missing_checkpoint", None)


def test_audit_log_entry_signed_by_unknown_key() -> None:
    leaves = list(LEAVES)
    stranger = _key("sideline.example/nato/entries", 9)
    entry = build_entry(
        kind="k", organization="nato", time=datetime(2014, 1, 1, tzinfo=UTC), subject="s",
        payload=1,
    )  # fmt: skip
    leaves[450] = sign_entry(entry, signer=stranger)
    assert _audit(_publish(leaves)) == (False, "unknown_key", 450)


def test_audit_log_entry_of_other_organization() -> None:
    leaves = list(LEAVES)
    entry = build_entry(
        kind="k", organization="csto", time=datetime(2014, 1, 1, tzinfo=UTC), subject="s",
        payload=1,
    )  # fmt: skip
    leaves[5] = sign_entry(entry, signer=ENTRIES)
    assert _audit(_publish(leaves)) == (False, "wrong_organization", 5)


def test_audit_log_bundle_not_matching_tile() -> None:
    log = _publish(LEAVES)
    log.files["tile/entries/001"] = build_entry_bundle([*LEAVES[256:270], b"x", *LEAVES[271:512]])
    assert _audit(log) == (False, "tile_mismatch", 270)


def test_audit_log_upper_tile_tampered() -> None:
    log = _publish(LEAVES)
    tile = bytearray(log.files["tile/1/000.p/2"])
    tile[40] ^= 1
    log.files["tile/1/000.p/2"] = bytes(tile)
    assert _audit(log) == (False, "tile_mismatch", 0)


def test_audit_log_missing_bundle_is_truncated() -> None:
    log = _publish(LEAVES)
    del log.files["tile/entries/002.p/88"]
    assert _audit(log) == (False, "truncated", 512)


def test_audit_log_short_bundle_is_truncated() -> None:
    log = _publish(LEAVES)
    log.files["tile/entries/002.p/88"] = log.files["tile/entries/002.p/88"][:-3]
    assert _audit(log) == (False, "truncated", 512)


def test_audit_log_root_mismatch() -> None:
    log = _publish(LEAVES)
    checkpoint = Checkpoint(ORIGIN, 600, hash_leaf(b"not the root"))
    note = sign_note(checkpoint.text(), signers=[LOG]).decode()
    note += "".join(w.cosign(checkpoint, timestamp=5).line() for w in WITNESSES)
    log.files["checkpoint"] = note.encode()
    assert _audit(log) == (False, "root_mismatch", 0)


def test_audit_log_of_tessera_testdata(tlog_vectors: Path) -> None:
    folder = tlog_vectors / "tessera-testdata"
    vkey = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"
    report = audit_log(
        DirectoryLogReader(folder / "log"), log_keys=[parse_verifier_key(vkey)], workers=1
    )
    assert (report.ok, report.tree_size, report.entries_checked, report.tiles_read) == (
        True,
        15,
        15,
        2,
    )


def _checkpoints(leaves: list[bytes], sizes: tuple[int, int]) -> tuple[Checkpoint, Checkpoint]:
    result = []
    for size in sizes:
        frontier = Frontier()
        frontier.extend(hash_leaf(x) for x in leaves[:size])
        result.append(Checkpoint(ORIGIN, size, frontier.root()))
    return result[0], result[1]


def test_check_consistency_accepts_growth_and_detects_fork() -> None:
    older, newer = _checkpoints(LEAVES, (100, 600))
    store = StoredNodes()
    Frontier(on_node=store.add).extend(hash_leaf(x) for x in LEAVES)
    proof = consistency_proof(100, 600, node=store.read)
    assert check_consistency(newer, older, proof=proof).code == "consistent"
    forked = [*LEAVES[:50], b"rewritten", *LEAVES[51:]]
    _, fork = _checkpoints(forked, (100, 600))
    assert check_consistency(older, fork, proof=proof).code == "fork"
    same_size = Checkpoint(ORIGIN, 100, fork.root_hash)
    assert check_consistency(older, same_size, proof=[]).code == "fork"
    elsewhere = Checkpoint("other", 600, newer.root_hash)
    assert check_consistency(older, elsewhere, proof=proof).code == "different_origin"


def test_check_consistency_from_tiles_of_peer_log() -> None:
    older, newer = _checkpoints(LEAVES, (300, 600))
    log = _publish(LEAVES)
    assert check_consistency_from_tiles(older, newer, reader=log).code == "consistent"
    forked = _publish([*LEAVES[:10], b"x", *LEAVES[11:]])
    _, fork = _checkpoints([*LEAVES[:10], b"x", *LEAVES[11:]], (300, 600))
    assert check_consistency_from_tiles(older, fork, reader=forked).code == "fork"
    del forked.files["tile/0/001"]
    assert check_consistency_from_tiles(older, fork, reader=forked).code == "truncated"


@pytest.mark.skipif(os.cpu_count() == 1, reason="needs two cores for a pool")
def test_audit_log_valid_log_in_process_pool() -> None:
    assert _audit(_publish(LEAVES), workers=2, parallel_threshold=1) == (True, "ok", None)


# 3,000 entries: 12 bundles, so 3 pool tasks of 4 bundles (the log need not be unique).
BIG = LEAVES * 5
BIG_BAD = {
    "first chunk": (300, "bad_entry_signature"),
    "third chunk": (2_700, "bad_entry_signature"),
    "last, partial bundle": (2_999, "bad_entry_signature"),
}


def _tampered(leaves: list[bytes], index: int) -> list[bytes]:
    # A re-hashed tree around an altered entry: only its signature can catch it.
    n = b'"n":%d' % (index % 600)
    return [*leaves[:index], leaves[index].replace(n, n + b"0"), *leaves[index + 1 :]]


@pytest.mark.parametrize("where", list(BIG_BAD))
def test_audit_log_pool_and_inline_find_same_first_bad_entry(where: str) -> None:
    index, code = BIG_BAD[where]
    log = _publish(_tampered(_tampered(BIG, index), min(index + 700, 2_999)))
    inline = _audit(log, workers=1)
    pooled = _audit(log, workers=2, parallel_threshold=1)
    assert (inline, pooled) == ((False, code, index), (False, code, index))


def test_audit_log_pool_checks_every_entry_of_valid_log() -> None:
    report = audit_log(
        _publish(BIG),
        log_keys=[LOG.verifier()],
        witness_keys=WITNESS_KEYS,
        quorum=2,
        entry_keys=ENTRY_KEYS,
        workers=2,
        parallel_threshold=1,
    )
    assert (report.code, report.entries_checked, report.signatures_checked) == ("ok", 3000, 3000)
    assert report.tiles_read == 12 + 12 + 1


def test_audit_log_reports_entry_before_tile_mismatch_in_same_bundle() -> None:
    leaves = _tampered(LEAVES, 260)
    log = _publish(leaves)
    log.files["tile/entries/001"] = build_entry_bundle([*leaves[256:270], b"x", *leaves[271:512]])
    assert _audit(log) == (False, "bad_entry_signature", 260)
    assert _audit(log, workers=2, parallel_threshold=1) == (False, "bad_entry_signature", 260)


def test_audit_log_reports_tile_mismatch_before_later_entry() -> None:
    leaves = _tampered(LEAVES, 280)
    log = _publish(leaves)
    log.files["tile/entries/001"] = build_entry_bundle([*leaves[256:270], b"x", *leaves[271:512]])
    assert _audit(log) == (False, "tile_mismatch", 270)


def test_audit_log_inline_reports_bad_entry_of_large_log_not_root() -> None:
    # Stopping at a bad entry must not then compare a partial tree with the root.
    assert _audit(_publish(_tampered(BIG, 2_000)), workers=1) == (
        False,
        "bad_entry_signature",
        2_000,
    )


@cache
def _unsigned_files(size: int) -> dict[str, bytes]:
    return _publish([b"%d" % i for i in range(size)]).files


def _publish_unsigned(size: int) -> MemoryLog:
    return MemoryLog(dict(_unsigned_files(size)))  # a copy for each test to tamper with


def _audit_unsigned(log: MemoryLog) -> tuple[bool, str, int | None]:
    return _audit(log, entry_keys=None, organization=None)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 600, 1023, 1025])
def test_audit_log_recomputes_root_of_any_size(size: int) -> None:
    assert _audit_unsigned(_publish_unsigned(size)) == (True, "ok", None)


TWO_LEVELS = 256 * 256 + 256 + 3  # full tile 1/000, tiles 1/001.p/1 and 2/000.p/1


def test_audit_log_checks_tiles_of_levels_one_and_two() -> None:
    log = _publish_unsigned(TWO_LEVELS)
    assert sorted(p for p in log.files if p.startswith(("tile/1/", "tile/2/"))) == [
        "tile/1/000",
        "tile/1/001.p/1",
        "tile/2/000.p/1",
    ]
    assert _audit_unsigned(log) == (True, "ok", None)
    report = audit_log(log, log_keys=[LOG.verifier()], witness_keys=WITNESS_KEYS, quorum=2)
    assert (report.entries_checked, report.tiles_read) == (TWO_LEVELS, 2 * 258 + 3)


@pytest.mark.parametrize(
    ("path", "change", "expected"),
    [
        ("tile/1/000", "flip", (False, "tile_mismatch", 0)),
        ("tile/1/001.p/1", "flip", (False, "tile_mismatch", 65_536)),
        ("tile/2/000.p/1", "flip", (False, "tile_mismatch", 0)),
        ("tile/1/001.p/1", "delete", (False, "truncated", 65_536)),
        ("tile/2/000.p/1", "cut", (False, "truncated", 0)),
        ("tile/0/100", "flip", (False, "tile_mismatch", 25_600 + 255)),
    ],
)
def test_audit_log_finds_tampered_upper_tile(
    path: str, change: str, expected: tuple[bool, str, int | None]
) -> None:
    log = _publish_unsigned(TWO_LEVELS)
    tile = bytearray(log.files[path])
    if change == "delete":
        del log.files[path]
    elif change == "cut":
        log.files[path] = bytes(tile[:-1])
    else:
        tile[-1] ^= 1  # in the tile's last hash
        log.files[path] = bytes(tile)
    assert _audit_unsigned(log) == expected
