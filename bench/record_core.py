"""Benchmark the record core: sign + append, full audit from tiles, proof latency.

Prints the machine and load, then one table: for each phase, seconds, rate and the
ratio to this machine's raw floor measured in the same run: N Ed25519
verifications of an entry + N SHA-256 leaf hashes of the same size, once in one
process and once split over ``--workers`` processes (a pool, like the audit's).
The audit with W workers is compared with the W-process floor (like with like);
the 1-process ratio is shown too. The W-process floor runs before and after the
audit and the audit is compared with their mean, since the load of a shared
machine drifts. Then proof latency (p50/p99; goal p99 < 5 ms). Never asserts.

    .venv/bin/python bench/record_core.py                  # 100,000 entries
    .venv/bin/python bench/record_core.py --entries 1000000

1,000,000 entries took 8 minutes on a quiet 2-core machine (26 under load; 100,000
take 1 to 4), with a peak RSS of ~950 MB: the signed entries, bundles, tiles and
every tree node are kept in memory to serve the audit and the proofs; the audit
itself keeps O(log n) hashes plus the tasks in flight.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import resource
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

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
from sideline.record.note import Ed25519Signer, parse_note, sign_note
from sideline.record.tiles import (
    TileHashReader,
    build_entry_bundle,
    build_tile,
    entry_bundles_for_size,
    tiles_for_size,
)

_KEY_NAME = "bench.example/org/entries"
_SIGN_TASK = 4096  # entries per signing task
_START = datetime(2013, 9, 24, tzinfo=UTC)
_T = TypeVar("_T")


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


def _sign_range(seed: bytes, first: int, count: int) -> list[bytes]:
    """Build and sign entries ``first .. first + count - 1`` (~300 bytes each)."""
    signer = Ed25519Signer(_KEY_NAME, Ed25519PrivateKey.from_private_bytes(seed))
    leaves = []
    for i in range(first, first + count):
        entry = build_entry(
            kind="meeting.minutes_signed",
            organization="org",
            time=_START + timedelta(seconds=i),
            subject=f"meeting/{i}",
            payload={"minutes_sha256": hashlib.sha256(str(i).encode()).hexdigest()},
        )
        leaves.append(sign_entry(entry, signer=signer))
    return leaves


def _floor_work(public: bytes, text: bytes, signature: bytes, leaf: bytes, count: int) -> float:
    """Verify ``count`` signatures and hash ``count`` leaves; return the seconds taken."""
    key = Ed25519PublicKey.from_public_bytes(public)
    sha256 = hashlib.sha256
    t0 = time.perf_counter()
    for _ in range(count):
        key.verify(signature, text)
        sha256(b"\x00" + leaf).digest()
    return time.perf_counter() - t0


def _floor_parallel(processes: int, count: int, *args: bytes) -> float:
    """Run the floor's work split over ``processes`` processes; return wall seconds."""
    shares = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        list(pool.map(_floor_work, *zip(*[(*args, share) for share in shares], strict=True)))
    return time.perf_counter() - t0


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50 * 1e3, p99 * 1e3


def _cpu_seconds() -> float:
    """Return the CPU seconds used so far by this process and its reaped children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _Phases:
    """Time phases in wall seconds and in CPU seconds (all processes)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def run(self, name: str, action: Callable[[], _T]) -> _T:
        c0, t0 = _cpu_seconds(), time.perf_counter()
        result = action()
        self.wall[name] = time.perf_counter() - t0
        self.cpu[name] = _cpu_seconds() - c0
        return result


def _peak_rss_mb() -> tuple[float, float]:
    # ru_maxrss is in KiB on Linux; for children, the largest of them.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _sign_all(seed: bytes, n: int, workers: int) -> list[bytes]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        firsts = range(0, n, _SIGN_TASK)
        counts = [min(_SIGN_TASK, n - f) for f in firsts]
        parts = pool.map(_sign_range, [seed] * len(counts), firsts, counts)
        return [leaf for part in parts for leaf in part]


def _proof_latency(
    n: int, samples: int, rng: random.Random, store: StoredNodes, files: dict[str, bytes]
) -> list[tuple[str, list[float], list[float]]]:
    """Time proofs in wall and CPU seconds (wall includes the scheduler's delays)."""
    tiles = TileHashReader(files.__getitem__, size=n)
    kinds: list[tuple[str, Callable[[int, int], object]]] = [
        ("inclusion, stored nodes", lambda i, o: inclusion_proof(i, size=n, node=store.read)),
        ("consistency, stored nodes", lambda i, o: consistency_proof(o, n, node=store.read)),
        (
            "inclusion, from tiles (cached reader)",
            lambda i, o: inclusion_proof(i, size=n, node=tiles.node),
        ),
    ]
    out: list[tuple[str, list[float], list[float]]] = [(k, [], []) for k, _ in kinds]
    for _ in range(samples):
        index, old = rng.randrange(n), rng.randrange(1, n + 1)
        for (_, proof), (_, wall, cpu) in zip(kinds, out, strict=True):
            c0, t0 = time.process_time(), time.perf_counter()
            proof(index, old)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return out


def main() -> None:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000, help="log size N")
    parser.add_argument("--proofs", type=int, default=2000, help="samples per proof kind")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--inline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also audit in one process (default: only up to 200,000 entries)",
    )
    args = parser.parse_args()
    n, workers = args.entries, args.workers
    inline = args.inline if args.inline is not None else n <= 200_000
    rng = random.Random(7)
    seed = bytes(rng.randrange(256) for _ in range(32))
    entry_key = Ed25519Signer(_KEY_NAME, Ed25519PrivateKey.from_private_bytes(seed))
    log_key = Ed25519Signer("bench.example/org/log", Ed25519PrivateKey.generate())
    load_before = os.getloadavg()
    wall0 = time.perf_counter()
    phases = _Phases()
    sign_name = f"build + sign entries ({workers} processes)"
    append_name = "append leaf hashes + store nodes (1 process)"
    floor_1 = "floor: Ed25519 verify + leaf SHA-256, 1 process"
    floor_before = f"floor: the same over {workers} processes, before audit"
    floor_after = f"floor: the same over {workers} processes, after audit"
    audit_w = f"audit from tiles ({workers} workers)"
    audit_1 = "audit from tiles (inline, 1 process)"

    # Build and sign the entries in a pool, in order.
    leaves = phases.run(sign_name, lambda: _sign_all(seed, n, workers))
    mean_size = sum(len(x) for x in leaves) / n

    # Append the leaf hashes, storing every completed node (for tiles and proofs).
    store = StoredNodes()
    frontier = Frontier(on_node=store.add)
    phases.run(append_name, lambda: frontier.extend(hash_leaf(leaf) for leaf in leaves))

    # Publish tiles and bundles from the stored nodes (not timed: the Django side does it).
    files: dict[str, bytes] = {}
    for ref in tiles_for_size(n):
        assert ref.level is not None
        row = store.levels[8 * ref.level]
        files[ref.path] = build_tile(row[ref.index * 256 : ref.index * 256 + ref.width])
    for ref in entry_bundles_for_size(n):
        files[ref.path] = build_entry_bundle(leaves[ref.index * 256 : ref.index * 256 + ref.width])
    checkpoint = Checkpoint("bench.example/org/log", n, frontier.root())
    files["checkpoint"] = sign_note(checkpoint.text(), signers=[log_key])

    # The floor's inputs: a real entry's signed text and a leaf of the mean size.
    note = parse_note(leaves[0])
    floor_args = (
        entry_key.public_key,
        note.text.encode(),
        note.signatures[0].signature,
        leaves[0].ljust(round(mean_size), b" "),
    )
    leaves.clear()  # the bundles hold them; forked workers then copy less

    reports = []

    def audit(processes: int) -> None:
        report = audit_log(
            _MemoryLog(files),
            log_keys=[log_key.verifier()],
            entry_keys=[entry_key.verifier().vkey()],
            organization="org",
            workers=processes,
            parallel_threshold=1,  # the pool whenever processes > 1, whatever N
        )
        reports.append(f"{report.code} ({report.entries_checked:,} entries)")

    phases.run(floor_1, lambda: _floor_work(*floor_args, n))
    phases.run(floor_before, lambda: _floor_parallel(workers, n, *floor_args))
    phases.run(audit_w, lambda: audit(workers))
    phases.run(floor_after, lambda: _floor_parallel(workers, n, *floor_args))
    if inline:
        phases.run(audit_1, lambda: audit(1))
    latency = _proof_latency(n, args.proofs, rng, store, files)
    total_seconds = time.perf_counter() - wall0
    load_after = os.getloadavg()
    own_mb, child_mb = _peak_rss_mb()

    floor_w = (phases.wall[floor_before] + phases.wall[floor_after]) / 2
    floor_cpu = phases.cpu[floor_1]
    print(f"machine: {platform.platform()}; CPU: {_cpu_model()}; cores: {os.cpu_count()}")
    print(f"python: {platform.python_version()}; N = {n:,} entries, mean {mean_size:.0f} bytes")
    print(
        "load average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    print(f"audit results: {'; '.join(reports)}")
    print(f"peak RSS: main {own_mb:,.0f} MB, largest child {child_mb:,.0f} MB")
    print(f"total wall time: {total_seconds:,.0f} s")
    print()
    w = 56
    print(
        f"| {'phase':<{w}} | {'wall s':>8} | {'rate':>10} | {'x 1-proc':>8} | {'x W-proc':>8} "
        f"| {'CPU s':>8} | {'CPU x':>6} |"
    )
    print(f"|{'-' * (w + 2)}|{'-' * 10}|{'-' * 12}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 8}|")
    for name, seconds in phases.wall.items():
        print(
            f"| {name:<{w}} | {seconds:>8.2f} | {n / seconds:>8,.0f}/s "
            f"| {seconds / phases.wall[floor_1]:>8.2f} | {seconds / floor_w:>8.2f} "
            f"| {phases.cpu[name]:>8.2f} | {phases.cpu[name] / floor_cpu:>6.2f} |"
        )
    print(
        f"x 1-proc, x W-proc: wall time over the 1-process floor and over the mean of the "
        f"{workers}-process floors ({floor_w:.2f} s); CPU x: CPU seconds of all processes "
        "over the 1-process floor's."
    )
    print()
    print(
        f"| {'proof generation (' + str(args.proofs) + ' samples)':<{w}} "
        f"| {'p50 ms':>8} | {'p99 ms':>8} | {'CPU p99':>8} |"
    )
    print(f"|{'-' * (w + 2)}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    for name, wall, cpu in latency:
        p50, p99 = _percentiles(wall)
        cpu_p99 = _percentiles(cpu)[1]
        verdict = "" if p99 < 5 else "  wall p99 over the 5 ms goal"
        print(f"| {name:<{w}} | {p50:>8.3f} | {p99:>8.3f} | {cpu_p99:>8.3f} |{verdict}")


if __name__ == "__main__":
    main()
