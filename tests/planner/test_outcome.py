"""How searches add up: two searches of one part, and the parts' phases."""

from __future__ import annotations

import datetime as dt

from sideline.planner.schema import Meeting
from sideline.planner.solving.outcome import (
    Outcome,
    PhaseStats,
    Status,
    combine_statuses,
    merge_phases,
    retried,
)

DAY = dt.date(2024, 5, 6)


def _outcome(objective: int, bound: int, status: Status, *, seconds: float = 1.0) -> Outcome:
    meetings = [Meeting(f"r{i}", "s", DAY, i, 0, ("a", "b")) for i in range(objective)]
    phase = PhaseStats("priority", status, seconds, 10, 2, objective, bound)
    if not status.has_plan:
        phase.objective = phase.bound = None
    return Outcome(meetings, objective, bound, status, [phase])


def test_retried_keeps_the_better_plan_and_the_tighter_bound() -> None:
    outcome = retried(_outcome(5, 9, Status.FEASIBLE), _outcome(6, 8, Status.FEASIBLE))

    assert (outcome.objective, outcome.bound, outcome.status) == (6, 8, Status.FEASIBLE)
    assert [(p.phase, p.wall_time_s, p.branches, p.objective, p.bound) for p in outcome.phases] == [
        ("priority", 2.0, 20, 6, 8)
    ]


def test_retried_is_optimal_when_the_earlier_plan_meets_the_later_bound() -> None:
    outcome = retried(_outcome(6, 9, Status.FEASIBLE), _outcome(5, 6, Status.FEASIBLE))

    assert (len(outcome.meetings), outcome.objective, outcome.bound) == (6, 6, 6)
    assert outcome.status is Status.OPTIMAL


def test_retried_without_a_plan_keeps_the_earlier_bound() -> None:
    # A search that found nothing proved nothing: its bound of 0 must not be taken.
    outcome = retried(_outcome(5, 9, Status.FEASIBLE), _outcome(0, 0, Status.UNKNOWN))

    assert (outcome.objective, outcome.bound, outcome.status) == (5, 9, Status.FEASIBLE)


def test_merge_phases_adds_up_parts_and_drops_an_incomplete_objective() -> None:
    merged = merge_phases(
        [_outcome(2, 3, Status.FEASIBLE), _outcome(4, 4, Status.OPTIMAL, seconds=0.5)]
    )
    unknown = merge_phases([_outcome(2, 3, Status.OPTIMAL), _outcome(0, 0, Status.UNKNOWN)])

    assert merged == [
        {"phase": "priority", "status": "feasible", "wall_time_s": 1.5, "branches": 20,
         "conflicts": 4, "objective": 6, "bound": 7}
    ]  # fmt: skip
    assert unknown == [
        {"phase": "priority", "status": "unknown", "wall_time_s": 2.0, "branches": 20,
         "conflicts": 4}
    ]  # fmt: skip


def test_combine_statuses_takes_the_worst() -> None:
    assert [
        combine_statuses(statuses)
        for statuses in (
            [Status.OPTIMAL, Status.OPTIMAL],
            [Status.OPTIMAL, Status.FEASIBLE],
            [Status.FEASIBLE, Status.UNKNOWN],
            [Status.UNKNOWN, Status.INFEASIBLE],
        )
    ] == [Status.OPTIMAL, Status.FEASIBLE, Status.UNKNOWN, Status.INFEASIBLE]
