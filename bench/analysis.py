"""Benchmark the analysis core: prints a table with the machine and the data sizes.

Run from the project root::

    .venv/bin/python bench/analysis.py            # generated COW-sized registry
    SIDELINE_REFERENCE_DATA=/work/shared/data .venv/bin/python bench/analysis.py

Three parts, each skipped when its data is missing:

* the bundled registry (src/sideline/data): every analysis once (goal < 200 ms each);
* a COW-sized registry — generated with a fixed seed (500 organizations, 200 states,
  a century of joins and exits), and the real COW IGO v3 data when
  ``SIDELINE_REFERENCE_DATA`` is set: the overlap matrix and the bridge ranking for one
  date (goal < 2 s) and for every year of the century (goal < 30 s);
* the UN roll calls: loading ``unvotes`` and the alignment of every state.

Benchmarks never assert; they report. Each time is the median wall time, with the
process CPU time beside it: on a shared machine the wall time also measures the
neighbours. The exact bridge ranking caches its result per membership matrix, so the
cache is cleared before every timed call (a repeated day is served from it instead).

NumPy's OpenBLAS starts one thread per core; on a small machine shared with other
processes the threads wait for each other, and the matrix products run several times
slower than on one thread. Compare with::

    OPENBLAS_NUM_THREADS=1 SIDELINE_REFERENCE_DATA=/work/shared/data .venv/bin/python bench/analysis.py
"""

from __future__ import annotations

import csv
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import sideline
from sideline.analysis import bridges
from sideline.analysis.balance import balance_series
from sideline.analysis.bridges import bridge_states
from sideline.analysis.duplication import duplication_ranking
from sideline.analysis.facts import Membership, MembershipStatus, Organization
from sideline.analysis.overlap import overlap_matrices_by_year, overlap_matrix
from sideline.analysis.snapshot import RegistrySnapshot, load_snapshot_from_package
from sideline.analysis.suggest import suggest_meeting_requests
from sideline.analysis.svg import heatmap_svg
from sideline.analysis.unvotes import load_unvotes
from sideline.analysis.voting import alignment_rows
from sideline.registry.dates import Interval, PartialDate

Row = tuple[str, str, str, str]
BLOCS = ("euro_atlantic", "eurasian", "shanghai", "asian", "pan_european", "turkic", "global")


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, or what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def timed(action: Callable[[], object], *, repeat: int = 3) -> tuple[float, float]:
    """Return the median wall and CPU times of ``action`` in milliseconds, cold caches."""
    walls, cpus = [], []
    for _ in range(repeat):
        # The cache would answer every repeat after the first; time the computation.
        bridges._cached_state_betweenness.cache_clear()
        start, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def shown(times: tuple[float, float], *, digits: int = 0) -> str:
    """Format wall and CPU milliseconds for the table."""
    wall, cpu = times
    return f"{wall:.{digits}f} ms (cpu {cpu:.{digits}f})"


def generated_registry(seed: int = 20240501) -> RegistrySnapshot:
    """Return a COW-sized registry: 500 organizations, 200 states, 1915–2014."""
    rng = random.Random(seed)
    states = [f"S{index:03d}" for index in range(200)]
    organizations = []
    memberships = []
    for index in range(500):
        slug = f"igo-{index:03d}"
        founded = rng.randint(1915, 2010)
        organizations.append(Organization(slug=slug, bloc=rng.choice(BLOCS)))
        size = min(len(states), max(3, int(rng.lognormvariate(3.3, 0.9))))
        for state in rng.sample(states, size):
            start = rng.randint(founded, 2014)
            end = rng.randint(start + 1, 2030) if rng.random() < 0.2 else None
            status = MembershipStatus.OBSERVER if rng.random() < 0.1 else MembershipStatus.MEMBER
            memberships.append(
                Membership(
                    organization=slug,
                    state=state,
                    status=status,
                    interval=Interval(
                        PartialDate.parse(str(start)),
                        PartialDate.parse(str(end)) if end and end <= 2014 else None,
                    ),
                )
            )
    return RegistrySnapshot(
        organizations=organizations, memberships=memberships, valid_until=date(2014, 12, 31)
    )


def cow_registry(folder: Path) -> RegistrySnapshot:
    """Read COW IGO v3 (IGO-year rows, one column per state) into a snapshot.

    A run of consecutive observations with code 1 (full member), 2 (associate) or
    3 (observer) becomes one membership from its first observed year until the next
    observation that differs.
    """
    status_of = {
        "1": MembershipStatus.MEMBER,
        "2": MembershipStatus.ASSOCIATE,
        "3": MembershipStatus.OBSERVER,
    }
    with (folder / "igo_year_format3.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        first_state = fields.index("ioname") + 3  # ioname, orgname, year, then states
        state_columns = fields[first_state : fields.index("sdate")]
        by_igo: dict[str, list[dict[str, str]]] = {}
        for row in reader:
            by_igo.setdefault(row["ioname"], []).append(row)
    organizations = []
    memberships = []
    for name, rows in by_igo.items():
        rows.sort(key=lambda r: int(r["year"]))
        flags = [f for f in ("political", "social", "economic") if rows[0].get(f) == "1"]
        organizations.append(Organization(slug=name.lower(), bloc=flags[0] if flags else "other"))
        for column in state_columns:
            current: tuple[str, int] | None = None
            ended: list[dict[str, str] | None] = [*rows, None]
            for entry in ended:
                code = entry[column] if entry is not None else "end"
                year = int(entry["year"]) if entry is not None else int(rows[-1]["year"]) + 1
                if current is not None and code != current[0]:
                    memberships.append(
                        Membership(
                            organization=name.lower(),
                            state=column.upper(),
                            status=status_of[current[0]],
                            interval=Interval(
                                PartialDate.parse(str(current[1])),
                                PartialDate.parse(str(year)) if entry is not None else None,
                            ),
                        )
                    )
                    current = None
                if current is None and code in status_of:
                    current = (code, year)
    return RegistrySnapshot(
        organizations=organizations, memberships=memberships, valid_until=date(2014, 12, 31)
    )


def bench_bundled(table: list[Row]) -> None:
    package = Path(sideline.__file__).parent / "data"
    if not (package / "memberships.csv").exists():
        table.append(("bundled", "skipped", "-", "src/sideline/data has no memberships.csv"))
        return
    snapshot = load_snapshot_from_package(package)
    size = (
        f"{len(snapshot.organizations)} orgs, {len(snapshot.states)} states, "
        f"{len(snapshot.memberships)} memberships, {len(snapshot.mandates)} mandates, "
        f"{len(snapshot.engagements)} engagements"
    )
    day = date(2015, 1, 1)
    matrix = overlap_matrix(snapshot, day=day)
    cases: list[tuple[str, Callable[[], object]]] = [
        ("load_snapshot_from_package", lambda: load_snapshot_from_package(package)),
        ("overlap_matrix", lambda: overlap_matrix(snapshot, day=day)),
        ("duplication_ranking", lambda: duplication_ranking(snapshot, day=day)),
        ("bridge_states (exact)", lambda: bridge_states(snapshot, day=day)),
        ("suggest_meeting_requests", lambda: suggest_meeting_requests(snapshot, day=day)),
        (
            "heatmap_svg of the Jaccard matrix",
            lambda: heatmap_svg(
                rows=matrix.organizations,
                columns=matrix.organizations,
                values=matrix.jaccard().tolist(),
                title="Jaccard",
            ),
        ),
    ]
    engaged = sorted({e.state for e in snapshot.engagements})
    if engaged and len(snapshot.pillars) >= 2:
        first = engaged[0]
        cases.append(
            (
                f"balance_series ({first}, 1991-2024)",
                lambda: balance_series(snapshot, first, start=1991, end=2024),
            )
        )
    for name, action in cases:
        table.append(("bundled", name, shown(timed(action), digits=1), size))


def bench_large(table: list[Row], label: str, snapshot: RegistrySnapshot) -> None:
    size = (
        f"{len(snapshot.organizations)} orgs, {len(snapshot.states)} states, "
        f"{len(snapshot.memberships)} memberships"
    )
    day = date(2014, 1, 1)
    years = range(1915, 2015)
    graph_edges = int(snapshot.membership_matrix(day).sum())
    cases: list[tuple[str, Callable[[], object], int]] = [
        ("overlap_matrix, one date", lambda: overlap_matrix(snapshot, day=day), 3),
        (
            "overlap matrices, every year 1915-2014",
            lambda: overlap_matrices_by_year(snapshot, years=years),
            1,
        ),
        (
            f"bridge_states exact, one date ({graph_edges} edges)",
            lambda: bridge_states(snapshot, day=day),
            1,
        ),
        (
            "bridge_states sampled (100 pivots), one date",
            lambda: bridge_states(snapshot, day=day, sample=100),
            3,
        ),
        (
            "bridge_states exact, every year 1915-2014",
            lambda: [bridge_states(snapshot, day=date(y, 1, 1)) for y in years],
            1,
        ),
        (
            "goal 2 s: overlap_matrix + bridge_states exact, one date",
            lambda: (overlap_matrix(snapshot, day=day), bridge_states(snapshot, day=day)),
            3,
        ),
        (
            "goal 30 s: both, every year 1915-2014",
            lambda: (
                overlap_matrices_by_year(snapshot, years=years),
                [bridge_states(snapshot, day=date(y, 1, 1)) for y in years],
            ),
            1,
        ),
    ]
    for name, action, repeat in cases:
        table.append((label, name, shown(timed(action, repeat=repeat)), size))


def bench_votes(table: list[Row], folder: Path) -> None:
    start = time.perf_counter()
    votes = load_unvotes(folder)
    loaded = (time.perf_counter() - start) * 1000
    size = f"{votes.votes.shape[0]} roll calls x {votes.votes.shape[1]} states"
    table.append(("unvotes", "load_unvotes", f"{loaded:.0f} ms", size))
    elapsed = timed(lambda: alignment_rows(votes, pillars=("us", "russia", "china")), repeat=1)
    table.append(("unvotes", "alignment_rows us/russia/china", shown(elapsed), size))


def main() -> None:
    load_before = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    table: list[Row] = []
    bench_bundled(table)
    bench_large(table, "generated", generated_registry())
    reference = os.environ.get("SIDELINE_REFERENCE_DATA")
    if reference and (Path(reference) / "cow-igo-v3" / "igo_year_format3.csv").exists():
        bench_large(table, "cow-igo-v3", cow_registry(Path(reference) / "cow-igo-v3"))
    if reference and (Path(reference) / "unvotes" / "unvotes.csv").exists():
        bench_votes(table, Path(reference) / "unvotes")
    print(f"machine: {platform.platform()}; CPU: {cpu_model()}; cores: {os.cpu_count()}")
    blas = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    print(f"python {platform.python_version()}; BLAS threads: {blas or 'default (one per core)'}")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average (1, 5, 15 min) before: {load_before}; after: {load}")
    widths = [
        max(len(row[i]) for row in [("data", "analysis", "time", "size"), *table]) for i in range(4)
    ]
    for row in [("data", "analysis", "time", "size"), *table]:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
