"""Benchmark the record as a Django app: appends, full verification, proofs, tiles.

Runs against a fresh database: SQLite in a temporary data directory, or the
PostgreSQL database named by SIDELINE_DATABASE_URL (its tables are created by
migrate; use a throw-away database). Prints one table; never asserts.

    .venv/bin/python bench/record.py --entries 5000
    SIDELINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/record.py
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=1_000, help="entries appended one by one")
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("SIDELINE_DATA_DIR", tempfile.mkdtemp(prefix="sideline-bench-"))
    os.environ.setdefault("SIDELINE_SECRET_KEY", "bench-only-secret-key-long-enough-to-be-accepted")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sideline.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from sideline.record.audit import audit_log
    from sideline.record.checkpoint import parse_cosigner_key
    from sideline.record.models import Log
    from sideline.record.note import parse_verifier_key
    from sideline.record.selectors import consistency_proof_for, inclusion_proof_for
    from sideline.record.services import NewEntry, append_entries, append_entry, witness_round
    from sideline.registry.services import load_package

    call_command("migrate", verbosity=0)
    load_package()
    padding = "x" * 150  # ~300-byte signed entries
    rows: list[tuple[str, str]] = []

    append_entry(organization="csto", kind="meeting.created", subject="meeting/0")
    start = time.perf_counter()
    for i in range(args.single):
        append_entry(
            organization="nato",
            kind="meeting.created",
            subject=f"meeting/{i}",
            payload={"p": padding},
        )
    single = time.perf_counter() - start
    rows.append(("append, one per transaction", f"{args.single / single:,.0f} entries/s"))

    bulk_n = max(args.entries - args.single, 0)
    start = time.perf_counter()
    for first in range(0, bulk_n, 1000):
        items = [
            NewEntry(kind="meeting.created", subject=f"bulk/{first + j}", payload={"p": padding})
            for j in range(min(1000, bulk_n - first))
        ]
        append_entries(organization="nato", entries=items)
    bulk = time.perf_counter() - start
    if bulk_n:
        rows.append(("append, 1000 per transaction", f"{bulk_n / bulk:,.0f} entries/s"))
    witness_round()
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum would gather them on a settled database:
        # without them, a just-filled table's proof query filters instead of probing.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log = Log.objects.get(organization__slug="nato")
    size = log.size
    leaf_size = statistics.mean(
        len(bytes(x)) for x in log.entries.values_list("leaf", flat=True)[:100]
    )

    client = Client()
    keys = {x["organization"]: x for x in client.get("/record/logs").json()}

    class Reader:
        def read_checkpoint(self) -> bytes:
            return bytes(client.get("/record/nato/checkpoint").content)

        def read_tile(self, path: str) -> bytes:
            return bytes(client.get(f"/record/nato/{path}").content)

    start = time.perf_counter()
    report = audit_log(
        Reader(),
        log_keys=[parse_verifier_key(k) for k in keys["nato"]["log_keys"]],
        witness_keys=[parse_cosigner_key(keys["csto"]["witness_key"])],
        quorum=1,
        entry_keys=keys["nato"]["organization_keys"],
        organization="nato",
        workers=1,
    )
    audit = time.perf_counter() - start
    rows.append(
        (
            "full verification via tiles (1 process)",
            f"{audit:.2f} s, {report.code}, {report.tiles_read} tiles",
        )
    )

    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    leaf = b"x" * int(leaf_size)
    signature = key.sign(leaf)
    public = key.public_key()
    start = time.perf_counter()
    for _ in range(size):
        public.verify(signature, leaf)
        hashlib.sha256(b"\x00" + leaf).digest()
    floor = time.perf_counter() - start
    rows.append(
        ("raw floor (Ed25519 verify + SHA-256 per entry)", f"{floor:.2f} s ({audit / floor:.1f}x)")
    )

    import random

    rng = random.Random(1)
    for name, call in (
        (
            "inclusion proof, selector (1 query)",
            lambda: inclusion_proof_for(log, index=rng.randrange(size), size=size),
        ),
        (
            "consistency proof, selector (1 query)",
            lambda: consistency_proof_for(log, old_size=rng.randrange(1, size), new_size=size),
        ),
        (
            "inclusion proof, HTTP JSON (test client)",
            lambda: client.get(
                f"/api/record/nato/proof/inclusion?index={rng.randrange(size)}&size={size}"
            ),
        ),
        (
            "consistency proof, HTTP JSON (test client)",
            lambda: client.get(
                f"/api/record/nato/proof/consistency?from={rng.randrange(1, size)}&to={size}"
            ),
        ),
    ):
        samples, cpu = [], []
        for _ in range(args.samples):
            t, c = time.perf_counter(), time.process_time()
            call()
            samples.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        # CPU time of this process beside wall time: on a loaded machine the wall-time
        # tail is mostly waiting for a core (PostgreSQL's own work is not in it).
        p50, p99 = _percentiles(samples)
        c50, c99 = _percentiles(cpu)
        rows.append(
            (
                name,
                f"p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms "
                f"(CPU p50 {c50 * 1000:.2f}, p99 {c99 * 1000:.2f})",
            )
        )

    full_tiles = max(size // 256, 1)
    start = time.perf_counter()
    for i in range(args.samples):
        client.get(
            f"/record/nato/tile/0/{i % full_tiles:03d}"
            if size >= 256
            else "/record/nato/checkpoint"
        )
    tiles = time.perf_counter() - start
    rows.append(("tile requests (Django test client)", f"{args.samples / tiles:,.0f} req/s"))

    load = os.getloadavg()
    print(
        f"load average before printing: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        "(timings on a loaded machine include time the process waited for a core)"
    )
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"database: {connection.vendor}; entries: {size} of ~{leaf_size:.0f} bytes")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99) - 1]


if __name__ == "__main__":
    main()
