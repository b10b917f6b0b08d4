"""One part's search: which way it goes, from the cheapest proof to the full model.

In order: a start that places every request is optimal as it is; a re-plan with no
tolerance is one lexicographic search; a large part without a second phase starts
from the day-level LP, is optimal if that start reaches the LP's bound, and is searched
window by window when one model of it is too large; every other part runs its phases.
"""

from __future__ import annotations

from collections.abc import Sequence

from sideline.planner.schema import Meeting
from sideline.planner.solving.budget import Budget, OutOfTime
from sideline.planner.solving.cpmodel import meetings_of, priority_of
from sideline.planner.solving.options import SolveOptions
from sideline.planner.solving.outcome import Outcome, Status
from sideline.planner.solving.partition import Part, placeable, value_of
from sideline.planner.solving.phases import (
    LARGE_MODEL,
    fallback,
    first_phase,
    second_phase,
    skipped,
    solve_lexicographic,
)
from sideline.planner.solving.warmstart import RELAX_MIN, proved, relaxed_start, start_is_optimal
from sideline.planner.solving.windows import solve_by_windows

__all__ = ["solve_part"]


def solve_part(
    part: Part,
    options: SolveOptions,
    *,
    budget: Budget,
    start: Sequence[Meeting],
    previous: Sequence[Meeting] | None,
    known: int | None = None,
) -> Outcome:
    """Solve one part from `start`: priorities, then the second phase its rules ask for.

    `known` is a bound proved by an earlier search of the part, if any: a part searched
    again does not solve the day-level LP again.
    """
    rules = part.instance.rules
    found = start_is_optimal(part, start, previous)
    if found is not None:
        return found
    if previous is not None and rules.replan_tolerance == 0 and not rules.min_meetings_per_org:
        return solve_lexicographic(part, options, budget=budget, start=start, previous=previous)
    second = previous is not None or rules.maximise_min_share
    if known is None:
        known = placeable(part)
        if previous is None and not rules.min_meetings_per_org and len(part.allowed) >= RELAX_MIN:
            start, known = relaxed_start(part, start, budget)
            if not second and value_of(part.instance, start) >= known:
                return proved(part, start, known)
    if not second and not rules.min_meetings_per_org and len(part.allowed) > LARGE_MODEL:
        return solve_by_windows(part, options, budget=budget, start=start, bound=known)
    return _solve_phases(part, options, budget=budget, start=start, previous=previous, known=known)


def _solve_phases(
    part: Part,
    options: SolveOptions,
    *,
    budget: Budget,
    start: Sequence[Meeting],
    previous: Sequence[Meeting] | None,
    known: int,
) -> Outcome:
    """Run the priority phase, then the second one, on one model of the part."""
    rules = part.instance.rules
    second = previous is not None or rules.maximise_min_share
    try:
        # With a second phase to come, the first may use half of what is left.
        fraction = 0.5 if second else 1.0
        m, first, shortfalls = first_phase(
            part, options, budget=budget, fraction=fraction, start=start
        )
    except OutOfTime:
        return fallback(part, start, [skipped("priority")])
    run = first
    if first.status.has_plan and second:
        run = second_phase(m, first, options, budget=budget, previous=previous)
    if not any(p.objective is not None for p in run.phases):
        if first.status is Status.INFEASIBLE:
            return Outcome([], 0, 0, Status.INFEASIBLE, run.phases, shortfalls=shortfalls)
        return fallback(part, start, run.phases)
    prefer = {x.request: x.room for x in previous or ()}
    meetings = meetings_of(m, run.solver, prefer=prefer)
    objective = priority_of(m, run.solver)
    first_bound = first.phases[-1].bound
    if m.soft_floor:
        # The relaxed model's bound includes the shortfall penalty; report priorities.
        bound = max(objective, known)
    else:
        # Before CP-SAT's LP has run (large models, short limits) its bound can be far
        # weaker than the sum of the placeable priorities or the day-level LP's.
        own = objective if first_bound is None else first_bound
        bound = min(own, max(objective, known))
    status = run.status if run.status is Status.INFEASIBLE else first.status
    if status is Status.OPTIMAL and not run.status.settled:
        status = Status.FEASIBLE
    return Outcome(
        meetings,
        objective,
        bound,
        status,
        run.phases,
        variables=len(m.model.proto.variables),
        constraints=len(m.model.proto.constraints),
        shortfalls=shortfalls,
        opened=frozenset(x.session for x in meetings) & frozenset(m.opened),
    )
