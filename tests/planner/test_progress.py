"""Live progress reports: consistent with the plan returned, and no effect on the search."""

from __future__ import annotations

import itertools

from sideline.planner.generate import generate_instance
from sideline.planner.instance import parse_instance
from sideline.planner.schema import Plan
from sideline.planner.solver import Progress, SolveOptions, solve


def _solve(family: str, *, interval: float = 0.5) -> tuple[list[Progress], Plan]:
    reports: list[Progress] = []
    inst = parse_instance(generate_instance(family, seed=0))
    options = SolveOptions(
        deterministic_time=5,
        num_workers=1,
        progress=reports.append,
        progress_interval=interval,
    )
    return reports, solve(inst, options=options)


def test_reports_bracket_the_optimum_and_end_on_the_plan() -> None:
    reports, plan = _solve("M")
    assert plan.status == "optimal"
    assert reports, "no progress reported"
    for report in reports:
        assert report.incumbent <= plan.objective <= report.bound
        assert 0 <= report.gap <= 1
    last = reports[-1]
    assert (last.incumbent, last.bound, last.gap) == (plan.objective, plan.bound, 0.0)
    assert [r.elapsed_s for r in reports] == sorted(r.elapsed_s for r in reports)


def test_reporting_does_not_change_the_plan() -> None:
    inst = parse_instance(generate_instance("demo", seed=3))
    quiet = solve(inst, options=SolveOptions(deterministic_time=5, num_workers=1))
    told: list[Progress] = []
    loud = solve(
        inst, options=SolveOptions(deterministic_time=5, num_workers=1, progress=told.append)
    )
    assert told
    assert loud.meetings == quiet.meetings
    assert (loud.objective, loud.bound, loud.status) == (quiet.objective, quiet.bound, quiet.status)


def test_throttled_reports_keep_phase_ends_and_never_repeat() -> None:
    reports, plan = _solve("M", interval=3600.0)
    components = plan.statistics["components"]
    # The first report, then only forced ones: a relaxation and an end per component.
    assert len(reports) <= 1 + 2 * components
    assert all(
        (a.incumbent, a.bound) != (b.incumbent, b.bound) for a, b in itertools.pairwise(reports)
    )
    assert (reports[-1].incumbent, reports[-1].bound) == (plan.objective, plan.bound)


def test_stop_asked_before_the_search_keeps_the_warm_start_and_runs_no_search() -> None:
    inst = parse_instance(generate_instance("M", seed=0))
    asked: list[bool] = []

    def stop() -> bool:
        asked.append(True)
        return True

    plan = solve(inst, options=SolveOptions(deterministic_time=5, num_workers=1, stop=stop))

    assert asked
    assert plan.status in ("feasible", "optimal")
    assert plan.statistics["branches"] == 0
    assert all(p["wall_time_s"] == 0 for p in plan.statistics["phases"])
    assert plan.objective <= plan.bound


def test_stop_asked_at_the_first_report_ends_the_search_with_a_valid_plan() -> None:
    inst = parse_instance(generate_instance("M", seed=0))
    full = solve(inst, options=SolveOptions(deterministic_time=5, num_workers=1))
    reports: list[Progress] = []
    options = SolveOptions(
        deterministic_time=5,
        num_workers=1,
        progress=reports.append,
        stop=lambda: bool(reports),
    )

    stopped = solve(inst, options=options)

    assert reports
    assert stopped.objective <= full.objective <= stopped.bound
    assert stopped.statistics["branches"] <= full.statistics["branches"]
