"""One part's CP-SAT phases: priorities first, then the second objective its rules ask for.

`solve` runs priorities, then (``maximise_min_share``) the smallest share with the first
objective held. `replan` runs priorities, then the fewest moves from a previous plan with
the objective held within ``replan_tolerance``; with no tolerance both are one
lexicographic search (`solve_lexicographic`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from sideline.planner.schema import Meeting, Shortfall
from sideline.planner.solving.budget import MIN_SOLVE_S, Budget, OutOfTime
from sideline.planner.solving.cpmodel import (
    Model,
    build,
    hint,
    meetings_of,
    priority_of,
)
from sideline.planner.solving.options import SolveOptions
from sideline.planner.solving.outcome import Outcome, PhaseStats, Status
from sideline.planner.solving.partition import Part, opened_summits, placeable, value_of
from sideline.planner.solving.progress import Incumbents

__all__ = [
    "LARGE_MODEL",
    "Run",
    "fallback",
    "first_phase",
    "second_phase",
    "skipped",
    "solve_lexicographic",
    "solve_phase",
]

LARGE_MODEL = 50_000
"""Candidates above which CP-SAT runs one presolve round only (and a part, windows)."""

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
}


@dataclass
class Run:
    """A CP-SAT search and the phases that led to it."""

    solver: cp_model.CpSolver
    status: Status
    phases: list[PhaseStats] = field(default_factory=list)


def skipped(name: str) -> PhaseStats:
    """Return the statistics of a phase that did not run."""
    return PhaseStats(name)


def _parameters(
    solver: cp_model.CpSolver, m: Model, options: SolveOptions, limits: tuple[float | None, ...]
) -> None:
    seconds, work = limits
    params = solver.parameters
    params.num_workers = options.num_workers
    params.random_seed = options.seed
    params.log_search_progress = options.log
    # Probing and symmetry detection eat whole time limits on M and L for little gain:
    # the LP bound of this model is already tight (see docs/planner.md, "The model").
    params.cp_model_probing_level = 0
    params.symmetry_level = 0
    if len(m.candidates) > LARGE_MODEL:
        # On large models one presolve round costs tens of seconds (dominance detection
        # over 10^5 booleans) and the later rounds change almost nothing.
        params.max_presolve_iterations = 1
    if work is not None:
        params.max_deterministic_time = work
        params.interleave_search = options.num_workers > 1
    if seconds is not None:
        params.max_time_in_seconds = seconds


def solve_phase(
    m: Model,
    options: SolveOptions,
    *,
    name: str,
    run: Run | None,
    limits: tuple[float | None, float | None],
    budget: Budget | None = None,
    scale: int = 1,
) -> Run:
    """Run CP-SAT on `m` within `limits`; tell `budget`'s reporter of plans and bounds.

    Only phases whose objective is the priorities (times `scale`) pass a budget: the
    others optimise something else with the priorities held.
    """
    seconds, work = limits
    solver = cp_model.CpSolver()
    _parameters(solver, m, options, limits)
    phase = PhaseStats(name)
    if (seconds is None or seconds >= MIN_SOLVE_S) and (work is None or work > 0):
        reporter = None if budget is None else budget.reporter
        callback = None
        if reporter is not None and reporter.listens:
            callback = Incumbents(name, reporter, scale)
            solver.best_bound_callback = callback.on_bound
        code = solver.solve(m.model, callback)
        phase.status = _STATUS.get(code, Status.UNKNOWN)
        phase.wall_time_s = round(solver.wall_time, 3)
        phase.branches = solver.num_branches
        phase.conflicts = solver.num_conflicts
        phase.work = solver.deterministic_time
    # Otherwise too little time is left to be worth starting CP-SAT: no solution.
    if phase.status.has_plan:
        phase.objective = round(solver.objective_value)
        phase.bound = math.floor(solver.best_objective_bound + 1e-6)
    return Run(solver=solver, status=phase.status, phases=[*(run.phases if run else []), phase])


def fallback(part: Part, start: Sequence[Meeting], phases: list[PhaseStats]) -> Outcome:
    """Return the warm-start plan of `part` when CP-SAT gave none in time."""
    if part.instance.rules.min_meetings_per_org:
        # The greedy plan ignores floors; without a proof nothing is claimed.
        return Outcome([], 0, 0, Status.UNKNOWN, phases)
    # The start may be the LP-guided plan, which can open a summit: count its cost.
    return Outcome(
        list(start),
        value_of(part.instance, start),
        placeable(part),
        Status.FEASIBLE,
        phases,
        fallback=True,
        opened=opened_summits(part.instance, start),
    )


def first_phase(
    part: Part,
    options: SolveOptions,
    *,
    budget: Budget,
    fraction: float,
    start: Sequence[Meeting],
) -> tuple[Model, Run, list[Shortfall]]:
    """Solve for the priority objective; relax fairness floors when they cannot hold."""
    instance = part.instance
    m = build(instance, soft_floor=False, allowed=part.allowed, clock=budget.clock)
    m.model.maximize(m.priority_expr())
    if options.warm_start:
        hint(m, start)
    limits = budget.limits(fraction)
    run = solve_phase(m, options, name="priority", run=None, limits=limits, budget=budget)
    if run.status is not Status.INFEASIBLE or instance.rules.min_meetings_per_org == 0:
        return m, run, []
    # The floors cannot all hold: find the plan that falls short least, then best.
    soft = build(instance, soft_floor=True, allowed=part.allowed, clock=budget.clock)
    weight = sum(r.priority for r in instance.requests) + 1
    # Lexicographic in one solve: one missing floor meeting outweighs every priority.
    shorts = list(soft.shortfall.values())
    soft.model.maximize(
        cp_model.LinearExpr.weighted_sum(
            [v for v, _ in soft.terms] + shorts,
            [c for _, c in soft.terms] + [-weight] * len(shorts),
        )
    )
    if options.warm_start:
        hint(soft, start)
    relaxed = solve_phase(
        soft, options, name="floor_relaxed", run=run, limits=budget.limits(fraction)
    )
    shortfalls = []
    if relaxed.status.has_plan:
        floor = instance.rules.min_meetings_per_org
        shortfalls = [
            Shortfall(org, floor, floor - int(relaxed.solver.value(var)))
            for org, var in soft.shortfall.items()
            if relaxed.solver.value(var) > 0
        ]
    relaxed.status = Status.INFEASIBLE
    return soft, relaxed, shortfalls


def _hold_objective(m: Model, run: Run, *, tolerance: float) -> None:
    best = priority_of(m, run.solver)
    m.model.add(m.priority_expr() >= math.ceil(best - tolerance * abs(best)))
    hint(m, meetings_of(m, run.solver, prefer={}))


def _min_share(m: Model, first: Run, options: SolveOptions, budget: Budget) -> Run:
    _hold_objective(m, first, tolerance=m.instance.rules.fairness_tolerance)
    share = m.model.new_int_var(0, 1000, "min_share")
    for org in m.instance.organizations:
        asked = sum(1 for r in m.instance.requests if org in r.organizations)
        if asked:
            count = cp_model.LinearExpr.sum(m.of_org(org))
            m.model.add(1000 * count >= asked * share)
    m.model.maximize(share)
    return solve_phase(m, options, name="min_share", run=first, limits=budget.limits(1.0))


def _fewest_moves(
    m: Model, first: Run, options: SolveOptions, budget: Budget, previous: Sequence[Meeting]
) -> Run:
    _hold_objective(m, first, tolerance=m.instance.rules.replan_tolerance)
    where = {(x.request, x.session, x.date, x.slot) for x in previous}
    kept = [c.var for c in m.candidates if (c.request.id, c.venue.id, c.date, c.slot) in where]
    m.model.maximize(cp_model.LinearExpr.sum(kept))
    return solve_phase(m, options, name="fewest_moves", run=first, limits=budget.limits(1.0))


def second_phase(
    m: Model,
    first: Run,
    options: SolveOptions,
    *,
    budget: Budget,
    previous: Sequence[Meeting] | None,
) -> Run:
    """Run the second objective with the first held; keep the first if it finds nothing.

    The fewest moves from `previous` when re-planning, else the largest smallest share.
    """
    try:
        if previous is not None:
            later = _fewest_moves(m, first, options, budget, previous)
        else:
            later = _min_share(m, first, options, budget)
    except OutOfTime:
        later = Run(first.solver, Status.UNKNOWN, [*first.phases, skipped("second")])
    if later.status.has_plan:
        return later
    return Run(first.solver, first.status, later.phases)


def solve_lexicographic(
    part: Part,
    options: SolveOptions,
    *,
    budget: Budget,
    start: Sequence[Meeting],
    previous: Sequence[Meeting],
) -> Outcome:
    """Re-plan with no tolerance in one solve: priorities first, then meetings kept.

    With ``replan_tolerance`` 0 the two phases are lexicographic, so one objective
    ``weight * priorities + kept`` with a weight above the most meetings that can be kept
    gives the same plans as two solves, in one search (half the time on M).
    """
    name = "priority_and_fewest_moves"
    try:
        m = build(part.instance, soft_floor=False, allowed=part.allowed, clock=budget.clock)
    except OutOfTime:
        return fallback(part, start, [skipped(name)])
    where = {(x.request, x.session, x.date, x.slot) for x in previous}
    kept = [c.var for c in m.candidates if (c.request.id, c.venue.id, c.date, c.slot) in where]
    weight = len(kept) + 1
    m.model.maximize(
        cp_model.LinearExpr.weighted_sum(
            [v for v, _ in m.terms] + kept, [weight * c for _, c in m.terms] + [1] * len(kept)
        )
    )
    if options.warm_start:
        hint(m, start)
    limits = budget.limits(1.0)
    run = solve_phase(m, options, name=name, run=None, limits=limits, budget=budget, scale=weight)
    phase = run.phases[-1]
    if not run.status.has_plan or phase.bound is None:
        return fallback(part, start, run.phases)
    objective = priority_of(m, run.solver)
    # weight * priorities + kept <= CP-SAT's bound and kept >= 0 bound the priorities.
    bound = max(objective, min(phase.bound // weight, max(objective, placeable(part))))
    phase.objective, phase.bound = objective, bound
    meetings = meetings_of(m, run.solver, prefer={x.request: x.room for x in previous})
    return Outcome(
        meetings,
        objective,
        bound,
        run.status,
        run.phases,
        variables=len(m.model.proto.variables),
        constraints=len(m.model.proto.constraints),
        opened=frozenset(x.session for x in meetings) & frozenset(m.opened),
    )
