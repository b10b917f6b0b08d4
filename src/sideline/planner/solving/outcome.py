"""What a search reports: its `Status`, each phase's `PhaseStats`, a part's `Outcome`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sideline.planner.schema import Meeting, Shortfall

__all__ = ["Outcome", "PhaseStats", "Status", "combine_statuses", "merge_phases", "retried"]


class Status(StrEnum):
    """How a search ended; a plan's `status` is one of these values.

    >>> Status.OPTIMAL == "optimal", Status.FEASIBLE.has_plan, Status.UNKNOWN.settled
    (True, True, False)
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    UNKNOWN = "unknown"
    INFEASIBLE = "infeasible"

    @property
    def has_plan(self) -> bool:
        """Return whether a search that ended so found a plan to keep."""
        return self in (Status.OPTIMAL, Status.FEASIBLE)

    @property
    def settled(self) -> bool:
        """Return whether more time cannot change the result: it is proved."""
        return self in (Status.OPTIMAL, Status.INFEASIBLE)


_RANK = {Status.OPTIMAL: 0, Status.FEASIBLE: 1, Status.UNKNOWN: 2, Status.INFEASIBLE: 3}
"""The worse status wins when phases or parts add up."""


@dataclass(slots=True)
class PhaseStats:
    """One phase of the search: how it ended, what it cost, and what it proved.

    `objective` and `bound` are None when the phase found no plan. `work` is CP-SAT's
    deterministic time, which the time budget counts when it replaces the wall clock.
    """

    phase: str
    status: Status = Status.UNKNOWN
    wall_time_s: float = 0.0
    branches: int = 0
    conflicts: int = 0
    objective: int | None = None
    bound: int | None = None
    work: float = 0.0
    windows: int = 0
    improved: int = 0

    def add_costs(self, other: PhaseStats) -> None:
        """Add the time, branches, conflicts and work of `other` to this phase."""
        self.wall_time_s = round(self.wall_time_s + other.wall_time_s, 3)
        self.branches += other.branches
        self.conflicts += other.conflicts
        self.work += other.work
        self.windows += other.windows
        self.improved += other.improved


@dataclass
class Outcome:
    """One part's result: meetings with rooms (no co-chairs yet), value, bound, phases.

    `exhausted` is true when the search stopped before its limit without a proof (every
    window tried): more time would not help it.
    """

    meetings: list[Meeting]
    objective: int
    bound: int
    status: Status
    phases: list[PhaseStats]
    variables: int = 0
    constraints: int = 0
    fallback: bool = False
    shortfalls: list[Shortfall] = field(default_factory=list)
    opened: frozenset[str] = frozenset()
    exhausted: bool = False

    @property
    def work(self) -> float:
        """Return the deterministic time the phases spent."""
        return sum(p.work for p in self.phases)


def retried(earlier: Outcome, later: Outcome) -> Outcome:
    """Return what one part's two searches add up to: the better plan, the tighter bound.

    Both bounds are proven, so the lower holds; the costs of both searches are counted
    in the phases of the later one.
    """
    keep = later if later.status.has_plan and later.objective >= earlier.objective else earlier
    # Only a search that found a plan proved its bound.
    bounds = [o.bound for o in (earlier, later) if o.status.has_plan] or [keep.bound]
    bound = max(keep.objective, min(bounds))
    status = keep.status
    if status is Status.FEASIBLE and keep.objective >= bound:
        status = Status.OPTIMAL
    phases = {p.phase: dataclasses.replace(p) for p in earlier.phases}
    for phase in later.phases:
        into = phases.setdefault(phase.phase, PhaseStats(phase.phase))
        into.add_costs(phase)
        if phase.objective is not None or into.objective is None:
            into.status, into.objective, into.bound = phase.status, phase.objective, phase.bound
    last = phases[later.phases[-1].phase] if later.phases else None
    if last is not None and last.objective is not None:
        last.status, last.objective, last.bound = status, keep.objective, bound
    return dataclasses.replace(
        keep,
        bound=bound,
        status=status,
        phases=list(phases.values()),
        fallback=keep.fallback,
        exhausted=later.exhausted,
    )


def combine_statuses(statuses: Iterable[Status]) -> Status:
    """Return the status of a plan made of parts that ended with `statuses`.

    >>> combine_statuses([Status.OPTIMAL, Status.FEASIBLE])
    <Status.FEASIBLE: 'feasible'>
    >>> combine_statuses([])
    <Status.OPTIMAL: 'optimal'>
    """
    found = set(statuses)
    for status in (Status.INFEASIBLE, Status.UNKNOWN, Status.FEASIBLE):
        if status in found:
            return status
    return Status.OPTIMAL


def merge_phases(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """Add up each phase over the parts: times, branches, conflicts, objective and bound.

    The objective and bound of a phase are left out when some part's phase found no plan.
    """
    merged: dict[str, PhaseStats] = {}
    complete: dict[str, bool] = {}
    for outcome in outcomes:
        for phase in outcome.phases:
            into = merged.setdefault(
                phase.phase, PhaseStats(phase.phase, Status.OPTIMAL, objective=0, bound=0)
            )
            if _RANK[phase.status] > _RANK[into.status]:
                into.status = phase.status
            into.add_costs(phase)
            complete[phase.phase] = complete.get(phase.phase, True) and phase.objective is not None
            into.objective = (into.objective or 0) + (phase.objective or 0)
            into.bound = (into.bound or 0) + (phase.bound or 0)
    out = []
    for name, into in merged.items():
        row: dict[str, Any] = {
            "phase": name,
            "status": str(into.status),
            "wall_time_s": into.wall_time_s,
            "branches": into.branches,
            "conflicts": into.conflicts,
        }
        if complete[name]:
            row.update(objective=into.objective, bound=into.bound)
        out.append(row)
    return out
