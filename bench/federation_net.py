"""Benchmark propagation and catch-up between real nodes on loopback.

1. Propagation: an 8-node federation (one `sideline serve` per organization, full mesh,
   scheduled pulls an hour apart so that only pushes carry entries). Each sample appends
   one entry on one node (round robin) and times until each of the 7 others holds it,
   verified (`/record/replicas`, polled every 20 ms). Goal: p95 < 2 s.
2. Catch-up: 8 nodes append `--entries` entries in all (1,000 per transaction) while a
   ninth node is offline; it then starts and pulls them all. The time runs from its
   start to the last replica at full size, process start-up included. The floor is N
   Ed25519 verifications + N SHA-256 of the same entries, measured in this process in
   the same run. Goals: < 60 s for 100,000 entries; ratio <= 2x.

Prints one table with the machine and the sizes; never asserts.

    .venv/bin/python bench/federation_net.py --entries 100000 --samples 20
    SIDELINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/federation_net.py
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from sideline.record.localnet import LocalFederation

SOURCES = ["un", "osce", "cica", "nato", "csto", "sco", "eu", "cis"]
OFFLINE = "iaea"


def _database() -> str | None:
    url = os.environ.get("SIDELINE_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def propagation(root: Path, samples: int) -> list[float]:
    net = LocalFederation(
        SOURCES,
        root / "propagation",
        database_url=_database(),
        database_prefix="bench_prop",
        env={"SIDELINE_FEDERATION_PULL_INTERVAL": "3600", "SIDELINE_FEDERATION_TICK": "0.1"},
    )
    delays: list[float] = []
    try:
        net.setup()
        net.start()
        net.join()
        # Every node pulls every other once when it starts: let that settle.
        time.sleep(5)
        appenders = {slug: node.appender() for slug, node in net.nodes.items()}
        opened = {slug: a.__enter__() for slug, a in appenders.items()}
        for sample in range(samples):
            slug = SOURCES[sample % len(SOURCES)]
            size = opened[slug].append(1, prefix="bench")
            start = time.monotonic()
            waiting = {o for o in SOURCES if o != slug}
            while waiting and time.monotonic() - start < 60:
                for other in sorted(waiting):
                    try:
                        arrived = net.replica_size(other, slug) >= size
                    except OSError:  # a node too busy to answer within 5 s: look again
                        arrived = False
                    if arrived:
                        delays.append(time.monotonic() - start)
                        waiting.discard(other)
                time.sleep(0.02)
            delays.extend([60.0] * len(waiting))  # never arrived: counted as the cap
        for appender in appenders.values():
            appender.__exit__(None, None, None)
    finally:
        net.drop()
    return delays


def catch_up(root: Path, entries: int) -> tuple[float, list[bytes]]:
    net = LocalFederation(
        [*SOURCES, OFFLINE], root / "catch-up", database_url=_database(), database_prefix="bench_cu"
    )
    try:
        net.setup()
        net.start(SOURCES)
        per_node = entries // len(SOURCES)
        net.fill(SOURCES, per_node, timeout=600)
        net.join(among=[OFFLINE], peers=SOURCES)
        start = time.monotonic()
        net.start([OFFLINE])
        net.wait_for(
            lambda: all(net.replica_size(OFFLINE, s) >= per_node for s in SOURCES),
            timeout=3600,
            what="the offline node catching up",
        )
        elapsed = time.monotonic() - start
        sample = _sample_leaves(net.nodes[SOURCES[0]].url, SOURCES[0])
    finally:
        net.drop()
    return elapsed, sample


def _sample_leaves(url: str, slug: str) -> list[bytes]:
    """Return the first bundle's entries, to time the floor on entries of the same size."""
    from sideline.record.localnet import http_get
    from sideline.record.tiles import parse_entry_bundle

    return parse_entry_bundle(http_get(f"{url}/record/{slug}/tile/entries/000"), width=256)


def floor(leaves: list[bytes], count: int) -> float:
    """Time ``count`` Ed25519 verifications and SHA-256 hashes of entries like ``leaves``."""
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    signed = [(leaf, key.sign(leaf)) for leaf in leaves]
    public = key.public_key()
    start = time.perf_counter()
    for i in range(count):
        leaf, signature = signed[i % len(signed)]
        public.verify(signature, leaf)
        hashlib.sha256(b"\x00" + leaf).digest()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--skip-catch-up", action="store_true")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sideline-bench-federation-"))
    delays = propagation(root, args.samples)
    rows = [
        (
            "machine",
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}",
        ),
        ("database", "PostgreSQL" if _database() else "SQLite"),
        ("propagation: nodes, samples, arrivals", f"8, {args.samples}, {len(delays)}"),
        (
            "propagation p50 / p95 / max",
            f"{statistics.median(delays):.3f} / "
            f"{statistics.quantiles(delays, n=20)[-1]:.3f} / {max(delays):.3f} s",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}", flush=True)
    rows = []
    if not args.skip_catch_up:
        elapsed, sample = catch_up(root, args.entries)
        total = (args.entries // len(SOURCES)) * len(SOURCES)
        raw = floor(sample, total)
        rows += [
            (
                "catch-up: entries, organizations, entry bytes",
                f"{total}, {len(SOURCES)}, ~{statistics.mean(map(len, sample)):.0f}",
            ),
            ("catch-up, start of the node included", f"{elapsed:.1f} s"),
            ("floor: N Ed25519 verify + N SHA-256, 1 process", f"{raw:.1f} s"),
            ("ratio to the floor", f"{elapsed / raw:.1f}x"),
        ]
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
