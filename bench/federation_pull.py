"""Benchmark the pulls of a node catching up, without its start-up or the follower's waits.

Eight source nodes (one `sideline serve` each, SQLite) hold `--entries` entries in all
(1,000 per transaction); a ninth node, never started, follows them all. Each run resets
its database to the state before any pull and pulls every peer as its follower does
(`pull_peer`, then `pulled_ops` and `project_ops`), one after the other, in a process of
its own: the wall time and that process's CPU time are printed, then the medians. With
`--baseline-src DIR` (a checkout's `src`, e.g. `git archive HEAD~1 src | tar -x -C DIR/..`)
runs alternate between that code and this tree's, for a before/after on the same data.

`bench/federation_net.py` times the whole catch-up of a started node (start-up included)
against the verification floor; this one isolates the pulls, for comparing changes.

    .venv/bin/python bench/federation_pull.py --entries 16000 --runs 3
    .venv/bin/python bench/federation_pull.py --baseline-src /tmp/before/src

Prints one table; never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from sideline.record.localnet import LocalFederation

SOURCES = ["un", "osce", "cica", "nato", "csto", "sco", "eu", "cis"]
OFFLINE = "iaea"
HERE = str(Path(__file__).resolve().parent.parent / "src")

# Run in the offline node: every pull its follower would make, timed from first to last.
_PULL = r"""
import json, os, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
django.setup()
import sideline
from sideline.record import follower
from sideline.record.federation import load, pull_peer
from sideline.record.models import Replica
peers = load().peers
wall, cpu = time.perf_counter(), time.process_time()
for entry in peers:
    report = pull_peer(entry)
    try:
        ops = follower.pulled_ops(report)
    except TypeError:  # the code before pulled_ops read the report's kinds
        ops = follower.pulled_ops(entry.url, report)
    follower.project_ops(owed_only=not ops)
print(json.dumps({
    "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
    "code": sideline.__file__,
    "sizes": sorted(Replica.objects.values_list("size", flat=True)),
}))
"""


def _sources(root: Path, entries: int) -> tuple[LocalFederation, int]:
    net = LocalFederation([*SOURCES, OFFLINE], root)
    net.setup()
    net.start(SOURCES)
    per_node = entries // len(SOURCES)
    net.fill(SOURCES, per_node)
    net.join(among=[OFFLINE], peers=SOURCES)
    return net, per_node


def _pull(net: LocalFederation, code: str, per_node: int) -> tuple[float, float]:
    node = net.nodes[OFFLINE]
    done = subprocess.run(
        [sys.executable, "-c", _PULL],
        env={**node.env, "PYTHONPATH": code},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the pulls failed:\n{done.stderr[-2000:]}")
    row = json.loads(done.stdout.strip().splitlines()[-1])
    if not str(row["code"]).startswith(code):
        raise SystemExit(f"ran {row['code']}, not the code under {code}")
    if row["sizes"] != [per_node] * len(SOURCES):
        raise SystemExit(f"the replicas did not reach {per_node} each: {row['sizes']}")
    return float(row["wall"]), float(row["cpu"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=16_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-src", type=Path, default=None)
    args = parser.parse_args()
    codes = {"this tree": HERE}
    if args.baseline_src is not None:
        codes = {"baseline": str(args.baseline_src.resolve()), **codes}
    root = Path(tempfile.mkdtemp(prefix="sideline-bench-pull-"))
    results: dict[str, list[tuple[float, float]]] = {label: [] for label in codes}
    net, per_node = _sources(root, args.entries)
    try:
        database = net.nodes[OFFLINE].directory / "sideline.sqlite3"
        pristine = root / "offline-before-pulls.sqlite3"
        shutil.copy(database, pristine)
        for run in range(args.runs):
            # Alternated, so that a change of the machine's load falls on both sides.
            order = list(codes) if run % 2 == 0 else list(reversed(codes))
            for label in order:
                shutil.copy(pristine, database)
                results[label].append(_pull(net, codes[label], per_node))
    finally:
        net.drop()
    total = per_node * len(SOURCES)
    rows = [
        (
            "machine",
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}",
        ),
        ("database", "SQLite"),
        ("entries pulled, organizations, runs", f"{total}, {len(SOURCES)}, {args.runs}"),
    ]
    for label, samples in results.items():
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        rows.append((f"{label}: median wall / CPU", f"{wall:.2f} / {cpu:.2f} s"))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
