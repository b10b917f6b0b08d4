"""Benchmark the planner on seeded instance families; prints a table, asserts nothing.

Usage: python bench/planner.py [--quick] [--families demo,M,L] [--limits 10,60] [--seed 0]
                               [--year 2013 | --year 0] [--no-replan]

First the real demo year: the bundled registry's sessions of YEAR and the analysis'
suggested requests, as `sideline plan YEAR` builds them (a throw-away SQLite database
in a temporary SIDELINE_DATA_DIR; `--year 0` skips it). Then, for each family and time
limit (2 workers): objective, proven bound, gap, end-to-end
time of the `solve` call (model building and explanations included), independent
components, greedy baseline and its ratio to the solver; then the time to re-plan M
(the plan solved at the longest limit, the re-plan at the shortest) after one session
moves by two days (`--no-replan` skips it). The load average is printed before and after: figures from a
shared machine mean little without it.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import platform
import tempfile
import time
from typing import Any

from sideline.planner.generate import FAMILIES, generate_instance
from sideline.planner.greedy import plan_greedy
from sideline.planner.instance import Instance, parse_instance
from sideline.planner.solver import SolveOptions, replan, solve


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="demo and M at 10 s only")
    parser.add_argument("--families", default="demo,M,L")
    parser.add_argument("--limits", default="10,60")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--year", type=int, default=2013, help="bundled year (0: skip)")
    parser.add_argument("--no-replan", action="store_true", help="skip the re-plan of M")
    args = parser.parse_args()
    families = ["demo", "M"] if args.quick else args.families.split(",")
    limits = [10.0] if args.quick else [float(x) for x in args.limits.split(",")]
    print(f"machine: {platform.platform()}; CPU: {_cpu()}; cores: {os.cpu_count()}")
    print(f"workers: {args.workers}; seed: {args.seed}; python {platform.python_version()}")
    print(f"load average before: {_load()}")
    head = (
        f"{'family':6} {'orgs/sess/req':>14} {'limit':>6} {'status':>9} {'objective':>9} "
        f"{'bound':>8} {'gap %':>7} {'time s':>7} {'vars':>8} {'parts':>5} {'greedy':>7} "
        f"{'ratio':>6}"
    )
    print(head)
    print("-" * len(head))
    if args.year:
        inst = parse_instance(_bundled_year(args.year))
        size = f"{len(inst.organizations)}/{len(inst.sessions)}/{len(inst.requests)}"
        _row(str(args.year), size, inst, 10.0, args)
    for family in families:
        inst = parse_instance(generate_instance(family, seed=args.seed))
        size = "/".join(str(n) for n in FAMILIES[family])
        for limit in limits:
            _row(family, size, inst, limit, args)
            if family == "demo":
                break  # proven optimal well inside any limit
    if "M" in families and not args.no_replan:
        data = generate_instance("M", seed=args.seed)
        inst = parse_instance(data)
        # The plan being changed is a published one: solved with the longest limit.
        longest = SolveOptions(time_limit=max(limits), num_workers=args.workers, seed=args.seed)
        before = solve(inst, options=longest)
        options = SolveOptions(time_limit=limits[0], num_workers=args.workers, seed=args.seed)
        moved = copy.deepcopy(data)
        session = moved["sessions"][0]
        for key in ("start", "end"):
            session[key] = (dt.date.fromisoformat(session[key]) + dt.timedelta(days=2)).isoformat()
        started = time.perf_counter()
        after = replan(parse_instance(moved), previous=before.meetings, options=options)
        took = time.perf_counter() - started
        moves = len(after.moves or ())
        print(
            f"re-plan M after {session['id']} moves 2 days: {took:.1f} s, {moves} moves, "
            f"objective {before.objective} -> {after.objective} (bound {after.bound}), "
            f"status {after.status}"
        )
    print(f"load average after: {_load()}")


def _row(label: str, size: str, inst: Instance, limit: float, args: argparse.Namespace) -> None:
    """Solve `inst` within `limit` and print its row of the table."""
    greedy = sum(inst.request(m.request).priority for m in plan_greedy(inst))
    options = SolveOptions(time_limit=limit, num_workers=args.workers, seed=args.seed)
    started = time.perf_counter()
    plan = solve(inst, options=options)
    took = time.perf_counter() - started
    gap = plan.statistics["gap"]
    print(
        f"{label:6} {size:>14} {limit:>6.0f} {plan.status:>9} {plan.objective:>9} "
        f"{plan.bound:>8} {100 * gap if gap is not None else float('nan'):>7.2f} "
        f"{took:>7.1f} {plan.statistics['variables']:>8} "
        f"{plan.statistics['components']:>5} {greedy:>7} "
        f"{greedy / max(1, plan.objective):>6.3f}"
    )


def _bundled_year(year: int) -> dict[str, Any]:
    """Return the instance `sideline plan YEAR` builds from the bundled registry."""
    os.environ.setdefault("SIDELINE_DATA_DIR", tempfile.mkdtemp(prefix="sideline-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from sideline.planner.services import build_instance, suggested_requests
    from sideline.registry.services import load_package

    call_command("migrate", verbosity=0)
    load_package()
    return build_instance(year=year, requests=suggested_requests(year=year))


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
