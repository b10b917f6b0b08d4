"""Benchmark rebuilding the concerns' rows from the ops, beside the meetings' workload.

Sets up a node hosting the 8 organizations of ``bench/federation.py`` (a temporary data
folder and SQLite database, or ``SIDELINE_DATABASE_URL``), appends that file's meetings
workload (``--ops``) and then ``--concerns`` public concerns, each endorsed by two other
organizations and one in five closed, to the organizations' own logs as signed entries
(not timed); then times ``prevention.concern_projection.rebuild_concerns()`` from empty
rows and again over rows already right — the work the follower adds after each pull that
brought ops, beside the meetings' rebuild (also timed, rows right, for comparison). Prints
a table with the machine and the sizes; never asserts.

    .venv/bin/python bench/concern_projection.py --ops 10000 --concerns 1000
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

T = TypeVar("T")
STATES = ["KAZ", "KGZ", "TJK", "TKM", "UZB", "AFG", "ARM", "AZE", "GEO", "MDA"]


def _timed(function: Callable[[], T]) -> tuple[T, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=10_000, help="meetings' ops around them")
    parser.add_argument("--concerns", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sideline-bench-concerns-"))
    os.environ.update(SIDELINE_DATA_DIR=str(root), DJANGO_SETTINGS_MODULE="sideline.settings")
    os.environ.pop("SIDELINE_ORGANIZATIONS", None)  # every organization: this node hosts the 8
    subprocess.run(
        [sys.executable, "-m", "sideline.cli", "init", "--no-demo"], check=True, capture_output=True
    )
    import django

    django.setup()
    from federation_projection import append_as_entries, machine_rows, print_table

    from federation import ORGS, _Workload  # bench/federation.py: the same meetings
    from sideline.meetings.projection import rebuild
    from sideline.prevention.concern_projection import rebuild_concerns
    from sideline.prevention.models import Concern, Endorsement

    rng = random.Random(args.seed)
    work = _Workload(rng)
    n = 0
    while work.count < args.ops:
        work.meeting(n)
        n += 1
    meeting_ops = work.count
    for k in range(args.concerns):
        raiser, *endorsers = rng.sample(ORGS, 3)
        cid = f"{raiser}/k-{k}"
        state, other = rng.sample(STATES, 2)
        work.act(
            raiser,
            "concern.raise",
            cid,
            role="delegate",
            args={
                "state": state,
                "other_state": other if rng.random() < 0.5 else None,
                "severity": rng.randint(1, 4),
                "concerned": sorted(endorsers),
                "public": True,
            },
            clear={
                "title": f"Concern {k}",
                "text": "Troops moved to the border. " * rng.randint(5, 40),
                "sources": [f"https://example.org/report-{k}"],
            },
        )
        for endorser in endorsers:
            work.act(endorser, "concern.endorse", cid, role="delegate", args={})
        if k % 5 == 0:
            work.act(raiser, "concern.close", cid, role="delegate", args={})
    entries = [e for log in work.logs.logs.values() for e in log.entries]
    appended = append_as_entries(entries, ORGS)

    rebuild()  # the meetings' rows first, as the follower does (not the figure)
    first, first_wall, first_cpu = _timed(rebuild_concerns)
    second, second_wall, second_cpu = _timed(rebuild_concerns)
    _, meetings_wall, meetings_cpu = _timed(rebuild)

    rows = [
        *machine_rows(),
        (
            "ops: meetings', concerns'; organizations",
            f"{meeting_ops}, {work.count - meeting_ops}; {len(ORGS)}",
        ),
        (
            "rows made: concerns, endorsements",
            f"{Concern.objects.count()}, {Endorsement.objects.count()}",
        ),
        ("appending them as signed entries (not the figure)", f"{appended:.1f} s"),
        ("concerns rebuilt, rows empty: wall / CPU", f"{first_wall:.1f} / {first_cpu:.1f} s"),
        (
            "concerns rebuilt again, rows right: wall / CPU",
            f"{second_wall:.1f} / {second_cpu:.1f} s",
        ),
        ("meetings rebuilt, rows right: wall / CPU", f"{meetings_wall:.1f} / {meetings_cpu:.1f} s"),
        (
            "differences found: first, second",
            f"{len(first.differences)}, {len(second.differences)}",
        ),
    ]
    print_table(rows)


if __name__ == "__main__":
    main()
