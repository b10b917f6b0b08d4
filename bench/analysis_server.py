"""Server-side timings of every analysis endpoint and page on the bundled registry.

Run from the project root::

    .venv/bin/python bench/analysis_server.py
    SIDELINE_REFERENCE_DATA=/work/shared/data .venv/bin/python bench/analysis_server.py
    SIDELINE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/analysis_server.py

It migrates a throw-away SQLite database (or the database ``SIDELINE_DATABASE_URL``
names — its analysis and registry tables are overwritten), loads the bundled dataset,
imports the UN roll calls when ``SIDELINE_REFERENCE_DATA`` is set, then times each
request through Django's test client (URL routing, views, ORM, JSON or HTML and SVG;
no network). Prints the machine, the load, the data sizes and, per request, the median
and the 95th percentile of the repetitions (``SIDELINE_BENCH_REPEAT``, 30 by default).
Benchmarks never assert; they report.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPEAT = int(os.environ.get("SIDELINE_BENCH_REPEAT", "30"))


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, or what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(action: Callable[[], object], *, repeat: int = REPEAT) -> tuple[float, float]:
    """Return the median and the 95th percentile wall time of ``action`` in milliseconds."""
    action()  # warm caches (templates, URL resolver) once, untimed
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * len(samples)))]


def main() -> None:
    os.environ.setdefault("SIDELINE_DATA_DIR", tempfile.mkdtemp(prefix="sideline-bench-"))
    os.environ.setdefault("SIDELINE_SECRET_KEY", "bench-only-secret-key-long-enough-to-be-accepted")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from sideline.analysis import selectors
    from sideline.analysis.models import RollCall, VoteDataset
    from sideline.analysis.selectors import build_snapshot, vote_dataset, vote_table
    from sideline.analysis.services import import_unvotes
    from sideline.registry.models import Engagement, Mandate, Membership, Organization, State
    from sideline.registry.services import load_package

    call_command("migrate", verbosity=0)
    load_package()
    reference = os.environ.get("SIDELINE_REFERENCE_DATA")
    import_seconds = None
    if reference and (Path(reference) / "unvotes").is_dir():
        started = time.perf_counter()
        import_unvotes(Path(reference) / "unvotes")
        import_seconds = time.perf_counter() - started
    else:
        VoteDataset.objects.all().delete()

    client = Client()
    day = "2015-01-01"
    requests = [
        f"/api/analysis/overlap?as_of={day}",
        f"/api/analysis/duplication?as_of={day}",
        f"/api/analysis/bridges?as_of={day}",
        f"/api/analysis/network?as_of={day}",
        "/api/analysis/balance/KAZ?from=1995&to=2020",
        f"/api/analysis/suggestions?as_of={day}",
        f"/api/analysis/suggestions/instance?as_of={day}",
        f"/analysis/overlap/?as_of={day}",
        f"/analysis/duplication/?as_of={day}",
        f"/analysis/bridges/?as_of={day}",
        f"/analysis/network/?as_of={day}",
        "/analysis/balance/?state=KAZ&from=1995&to=2020",
        f"/analysis/suggestions/?as_of={day}",
    ]
    if vote_dataset() is not None:
        requests += ["/api/analysis/voting/KAZ?from=1992&to=2019", "/analysis/voting/?state=KAZ"]

    rows: list[tuple[str, float, float, str]] = []
    median, fastest = timed(build_snapshot)
    rows.append(("build_snapshot() (5 queries)", median, fastest, ""))
    dataset = vote_dataset()
    if dataset is not None:
        median, fastest = timed(lambda: vote_table(dataset))
        rows.append(("vote_table() (1 query)", median, fastest, ""))
    if hasattr(selectors, "current_snapshot"):  # absent before the per-process caches
        median, fastest = timed(selectors.current_snapshot)
        rows.append(("current_snapshot() (cached: 1 query)", median, fastest, ""))
    for url in requests:
        response = client.get(url)
        size = f"{len(response.content) / 1024:.0f} KiB, HTTP {response.status_code}"
        median, fastest = timed(lambda url=url: client.get(url))  # type: ignore[misc]  # bound per loop
        rows.append((url, median, fastest, size))

    print("Sideline analysis, server side (Django test client, no network)")
    print(
        f"machine : {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"
    )
    print(f"python  : {sys.version.split()[0]}, database {connection.vendor}")
    print(
        f"registry: {Organization.objects.count()} organizations, {State.objects.count()} states, "
        f"{Membership.objects.count()} memberships, {Mandate.objects.count()} mandates, "
        f"{Engagement.objects.count()} engagements"
    )
    if dataset is not None:
        print(
            f"UN votes: {dataset.roll_call_count} roll calls, {dataset.vote_count} votes, "
            f"{len(dataset.state_list)} states, stored as {RollCall.objects.count()} rows "
            f"(import {import_seconds:.1f} s)"
        )
    else:
        print("UN votes: not imported (set SIDELINE_REFERENCE_DATA to include them)")
    print(f"load    : {Path('/proc/loadavg').read_text().split()[:3]} (1, 5, 15 min)")
    print(f"each row: median and 95th percentile of {REPEAT} runs after one warm-up\n")
    width = max(len(row[0]) for row in rows)
    print(f"{'request':<{width}}  {'median ms':>9}  {'p95 ms':>7}  response")
    for name, median, fastest, size in rows:
        print(f"{name:<{width}}  {median:>9.1f}  {fastest:>7.1f}  {size}")


if __name__ == "__main__":
    main()
