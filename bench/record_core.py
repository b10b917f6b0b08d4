"""Benchmark the record core: sign + append, full audit from tiles, proof latency.

Prints one table with the machine, N and, for each phase, seconds, rate and the
ratio to this machine's raw floor measured in the same run (N Ed25519
verifications + N SHA-256 leaf hashes, one core). Never asserts.

    .venv/bin/python bench/record_core.py                  # 100,000 entries
    .venv/bin/python bench/record_core.py --entries 1000000

The default is 100,000 because 1,000,000 takes several minutes and ~1 GB of memory
on a 2-core machine (entries, tiles and bundles are all kept in memory).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sideline.record.audit import audit_log
from sideline.record.checkpoint import Checkpoint
from sideline.record.entry import build_entry, sign_entry
from sideline.record.merkle import (
    Frontier,
    StoredNodes,
    consistency_proof,
    hash_leaf,
    inclusion_proof,
)
from sideline.record.note import Ed25519Signer, sign_note
from sideline.record.tiles import (
    TileHashReader,
    build_entry_bundle,
    build_tile,
    entry_bundles_for_size,
    tiles_for_size,
)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


class _MemoryLog:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def read_checkpoint(self) -> bytes:
        return self.files["checkpoint"]

    def read_tile(self, path: str) -> bytes:
        return self.files[path]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50 * 1e6, p99 * 1e6


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000, help="log size N")
    parser.add_argument("--proofs", type=int, default=2000, help="proofs per latency sample")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    n = args.entries
    rng = random.Random(7)
    entry_key = Ed25519Signer("bench.example/org/entries", Ed25519PrivateKey.generate())
    log_key = Ed25519Signer("bench.example/org/log", Ed25519PrivateKey.generate())
    start_time = datetime(2013, 9, 24, tzinfo=UTC)
    rows: list[tuple[str, float, str, str]] = []

    # Sign entries and append their leaf hashes, storing every completed node.
    store = StoredNodes()
    frontier = Frontier(on_node=store.add)
    leaves: list[bytes] = []
    t0 = time.perf_counter()
    for i in range(n):
        entry = build_entry(
            kind="meeting.minutes_signed",
            organization="org",
            time=start_time + timedelta(seconds=i),
            subject=f"meeting/{i}",
            payload={"minutes_sha256": hashlib.sha256(str(i).encode()).hexdigest()},
        )
        leaf = sign_entry(entry, signer=entry_key)
        leaves.append(leaf)
        frontier.append(hash_leaf(leaf))
    sign_seconds = time.perf_counter() - t0
    root = frontier.root()
    mean_size = sum(len(x) for x in leaves) / n

    # Publish tiles and bundles from the stored nodes (not timed: the Django side does it).
    files: dict[str, bytes] = {}
    for ref in tiles_for_size(n):
        assert ref.level is not None
        row = store.levels[8 * ref.level]
        files[ref.path] = build_tile(row[ref.index * 256 : ref.index * 256 + ref.width])
    for ref in entry_bundles_for_size(n):
        files[ref.path] = build_entry_bundle(leaves[ref.index * 256 : ref.index * 256 + ref.width])
    checkpoint = Checkpoint("bench.example/org/log", n, root)
    files["checkpoint"] = sign_note(checkpoint.text(), signers=[log_key])

    # Full audit from tiles.
    t0 = time.perf_counter()
    report = audit_log(
        _MemoryLog(files),
        log_keys=[log_key.verifier()],
        entry_keys=[entry_key.verifier().vkey()],
        organization="org",
        workers=args.workers,
    )
    audit_seconds = time.perf_counter() - t0

    # The raw floor on one core: N Ed25519 verifications and N leaf hashes.
    public = entry_key.private_key.public_key()
    message = leaves[0][:200]
    signature = entry_key.private_key.sign(message)
    t0 = time.perf_counter()
    for leaf in leaves:
        public.verify(signature, message)
        hashlib.sha256(b"\x00" + leaf).digest()
    floor_seconds = time.perf_counter() - t0

    # Proof latency from stored hashes and from tiles.
    samples_inc, samples_con, samples_tile = [], [], []
    tiles = TileHashReader(files.__getitem__, size=n)
    for _ in range(args.proofs):
        index = rng.randrange(n)
        t0 = time.perf_counter()
        inclusion_proof(index, size=n, node=store.read)
        samples_inc.append(time.perf_counter() - t0)
        old = rng.randrange(1, n + 1)
        t0 = time.perf_counter()
        consistency_proof(old, n, node=store.read)
        samples_con.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        inclusion_proof(index, size=n, node=tiles.node)
        samples_tile.append(time.perf_counter() - t0)

    def add(name: str, seconds: float) -> None:
        rows.append((name, seconds, f"{n / seconds:,.0f}/s", f"{seconds / floor_seconds:.2f}"))

    add("floor: Ed25519 verify + leaf SHA-256 (1 core)", floor_seconds)
    add("build + sign + append to frontier (1 core)", sign_seconds)
    add(f"audit from tiles ({args.workers} workers)", audit_seconds)

    print(f"machine: {platform.platform()}; CPU: {_cpu_model()}; cores: {os.cpu_count()}")
    print(f"python: {platform.python_version()}; N = {n:,} entries, mean {mean_size:.0f} bytes")
    print(f"audit result: {report.code} ({report.entries_checked:,} entries)")
    print()
    print(f"| {'phase':<48} | {'seconds':>8} | {'rate':>12} | {'x floor':>7} |")
    print(f"|{'-' * 50}|{'-' * 10}|{'-' * 14}|{'-' * 9}|")
    for name, seconds, rate, ratio in rows:
        print(f"| {name:<48} | {seconds:>8.2f} | {rate:>12} | {ratio:>7} |")
    print()
    print(
        f"| {'proof generation (' + str(args.proofs) + ' samples)':<48} | {'p50 µs':>8} | {'p99 µs':>8} |"
    )
    print(f"|{'-' * 50}|{'-' * 10}|{'-' * 10}|")
    for name, samples in (
        ("inclusion, stored nodes", samples_inc),
        ("consistency, stored nodes", samples_con),
        ("inclusion, from tiles (cached reader)", samples_tile),
    ):
        p50, p99 = _percentiles(samples)
        print(f"| {name:<48} | {p50:>8.1f} | {p99:>8.1f} |")


if __name__ == "__main__":
    main()
