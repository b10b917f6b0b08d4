"""Benchmark rebuilding the meetings projection from the ops of 8 organizations' logs.

Sets up a node hosting the 8 organizations (a temporary data folder and SQLite database,
or ``SIDELINE_DATABASE_URL``), appends the ops of ``bench/federation.py``'s workload to
the organizations' own logs as signed record entries (not timed), then times
``sideline federation rebuild``'s work, ``meetings.projection.rebuild()``: read every op
entry back and verify its signature, reduce, join the content, and write the meetings',
minutes', decisions' and commitments' rows; then a second rebuild over rows already
right (the check a node makes after each pull). Prints a table with the machine and the
sizes; never asserts.

    .venv/bin/python bench/federation_projection.py --ops 10000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sideline-bench-projection-"))
    os.environ.update(SIDELINE_DATA_DIR=str(root), DJANGO_SETTINGS_MODULE="sideline.settings")
    os.environ.pop("SIDELINE_ORGANIZATIONS", None)  # every organization: this node hosts the 8
    subprocess.run(
        [sys.executable, "-m", "sideline.cli", "init", "--no-demo"],
        check=True,
        capture_output=True,
    )
    import django

    django.setup()
    from federation import ORGS, build  # bench/federation.py: the same workload
    from sideline.meetings.models import Commitment, Decision, Meeting
    from sideline.meetings.projection import rebuild

    entries = build(args.ops, args.seed)
    appended = append_as_entries(entries, ORGS)

    started, cpu = time.perf_counter(), time.process_time()
    first = rebuild()
    first_wall, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    second = rebuild()
    second_wall, second_cpu = time.perf_counter() - started, time.process_time() - cpu

    rows = [
        *machine_rows(),
        ("ops, organizations", f"{len(entries)}, {len(ORGS)}"),
        (
            "rows made: meetings, decisions, commitments",
            f"{Meeting.objects.count()}, {Decision.objects.count()}, {Commitment.objects.count()}",
        ),
        ("appending them as signed entries (not the figure)", f"{appended:.1f} s"),
        ("rebuild from the ops, rows empty: wall / CPU", f"{first_wall:.1f} / {first_cpu:.1f} s"),
        ("rebuild again, rows right: wall / CPU", f"{second_wall:.1f} / {second_cpu:.1f} s"),
        (
            "differences found: first, second",
            f"{len(first.differences)}, {len(second.differences)}",
        ),
    ]
    print_table(rows)


def append_as_entries(entries: list[Any], organizations: list[str]) -> float:
    """Append ``entries`` (``LoggedOp``s) to their organizations' own logs as signed op
    entries, each log in order, 2,000 an append; return the seconds it took."""
    from sideline.federation.ops import parse_op
    from sideline.record.services import NewEntry, append_entries, ensure_log

    started = time.perf_counter()
    ordered = sorted(entries)  # by log, then index
    for slug in organizations:
        ensure_log(organization=slug)
        mine = [e for e in ordered if e.origin == slug]
        for start in range(0, len(mine), 2000):
            batch = []
            for entry in mine[start : start + 2000]:
                op = parse_op(entry.data)
                batch.append(
                    NewEntry(
                        kind=f"op.{op.kind}", subject=op.object_id, payload=json.loads(entry.data)
                    )
                )
            append_entries(organization=slug, entries=batch)
    return time.perf_counter() - started


def machine_rows() -> list[tuple[str, str]]:
    """The machine, its load and the database, as the first rows of a table."""
    return [
        (
            "machine",
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}",
        ),
        ("database", "PostgreSQL" if os.environ.get("SIDELINE_DATABASE_URL") else "SQLite"),
    ]


def print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
