"""The day-level linear relaxation: a proven bound and a guide for large instances.

The exact model has one boolean per (request, venue, day, start slot): 188 000 on the L
family, too many for CP-SAT to presolve within a minute on two cores. Summing over start
slots gives a smaller problem over (request, venue, day) whose every constraint is
implied by the exact rules (see docs/planner.md, "The relaxation"):

* once: each request at most once;
* rooms: a venue-day holds at most ``rooms * slots_per_day`` meeting-slots;
* delegation: an organization spends at most as many slots in meetings on a day as the
  longest day of the venues it could be at (slot numbers are shared by all venues);
* daily cap, travel (one city per organization and day) and a summit's opening cost as
  in the exact model.

Its linear relaxation is solved with PDLP, OR-Tools' first-order LP solver: on L it
takes about a second, where the simplex (GLOP) did not finish in ten minutes. Two
things come out of it:

* a bound: for any non-negative dual vector y, ``b·y + Σ max(0, c_j - a_j·y)`` bounds
  the LP (each variable lies in [0, 1]), hence the exact optimum. It is evaluated here
  from the solver's duals clipped at zero, so an inexact LP solution still gives a
  valid bound, only a weaker one;
* a guide: the LP value of each (request, venue, day), which orders a greedy rounding
  (`greedy.plan_guided`) far better than priority alone.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from sideline.planner.instance import Instance, Request, Session
from sideline.planner.solving.cpmodel import Placement

__all__ = ["Relaxation", "solve_relaxation"]

Key = tuple[str, str, dt.date]
"""(request id, venue id, date)."""

_BOUND_SLACK = 1e-6
"""Added before rounding the bound down: floating-point sums may fall a hair short."""


@dataclass(frozen=True)
class Relaxation:
    """The outcome of the day-level LP: a valid bound and each key's LP value.

    `bound` is an integer upper bound on the exact objective (priorities placed minus
    summits' costs) of the same requests and placements.
    """

    bound: int
    values: dict[Key, float]
    opened: dict[str, float]


class _OutOfTime(Exception):
    """Raised while building once the deadline has passed."""


class _Rows:
    """The constraints ``Σ a_ij x_j <= b_i``, kept both in the solver and here for the bound.

    Building takes about 2 s on L: the deadline is checked every 1 024 rows, so that a
    short time limit is not overrun by a relaxation that could not be solved anyway.
    """

    def __init__(
        self,
        solver: pywraplp.Solver,
        variables: list[pywraplp.Variable],
        deadline: float | None,
    ) -> None:
        self.solver = solver
        self.variables = variables
        self.deadline = deadline
        self.rows: list[tuple[list[int], list[float], float]] = []
        self.constraints: list[pywraplp.Constraint] = []

    def add(self, columns: list[int], coefficients: list[float], limit: float) -> None:
        constraint = self.solver.Constraint(-self.solver.infinity(), limit)
        for column, coefficient in zip(columns, coefficients, strict=True):
            constraint.SetCoefficient(self.variables[column], coefficient)
        self.rows.append((columns, coefficients, limit))
        self.constraints.append(constraint)
        full = len(self.rows) % 1024 == 0
        if full and self.deadline is not None and time.perf_counter() > self.deadline:
            raise _OutOfTime


def solve_relaxation(
    instance: Instance, allowed: Sequence[Placement], *, seconds: float | None = None
) -> Relaxation | None:
    """Solve the day-level LP of `allowed` within `seconds`; None when it gives nothing in time.

    `seconds` covers building and solving; None means no limit (deterministic).

    Example:
        >>> from sideline.planner.instance import parse_instance
        >>> from sideline.planner.greedy import PlacementIndex
        >>> inst = parse_instance({"schema": "sideline.plan-instance/1",
        ...     "organizations": ["a", "b", "c"],
        ...     "requests": [{"id": "r1", "organizations": ["a", "b"], "priority": 3},
        ...                  {"id": "r2", "organizations": ["a", "c"], "priority": 2}],
        ...     "sessions": [{"id": "s", "city": "X", "start": "2024-01-01",
        ...                   "end": "2024-01-01", "slots_per_day": 1, "rooms": 2,
        ...                   "attendees": ["a", "b", "c"]}]})
        >>> index = PlacementIndex(inst)
        >>> allowed = [(r, v, d, k) for r in inst.requests for v, d, k in index.placements(r)]
        >>> relaxation = solve_relaxation(inst, allowed)
        >>> relaxation.bound  # "a" has one slot that day: only one of the two meetings
        3
    """
    deadline = None if seconds is None else time.perf_counter() + seconds
    solver = pywraplp.Solver.CreateSolver("PDLP")
    if solver is None:  # An OR-Tools build without PDLP: no guide, no bound.
        return None
    try:
        return _build_and_solve(instance, allowed, solver, deadline)
    except _OutOfTime:
        return None


@dataclass
class _Columns:
    """The LP's columns: one per (request, venue, day) key, then helper columns."""

    keys: list[Key]
    venues: dict[str, Session]
    requests: dict[str, Request]
    variables: list[pywraplp.Variable]
    profit: list[float]
    slots: list[float]
    """Each key's meeting length, in slots."""
    venue_of: list[Session]
    """Each key's venue."""

    @classmethod
    def of(cls, allowed: Sequence[Placement], solver: pywraplp.Solver) -> _Columns:
        """Return one column per key of `allowed`, worth its request's priority."""
        keys: list[Key] = []
        seen: set[Key] = set()
        venues: dict[str, Session] = {}
        requests: dict[str, Request] = {}
        for request, venue, day, _slot in allowed:
            key = (request.id, venue.id, day)
            if key not in seen:
                seen.add(key)
                keys.append(key)
                venues[venue.id] = venue
                requests[request.id] = request
        profit = [float(requests[k[0]].priority) for k in keys]
        variables = [solver.NumVar(0.0, 1.0, "") for _ in keys]
        slots = [float(requests[k[0]].slots) for k in keys]
        venue_of = [venues[k[1]] for k in keys]
        return cls(keys, venues, requests, variables, profit, slots, venue_of)

    def extra(self, solver: pywraplp.Solver, cost: float) -> int:
        """Add a helper column (a city, a summit's opening) worth `cost`."""
        self.variables.append(solver.NumVar(0.0, 1.0, ""))
        self.profit.append(cost)
        return len(self.variables) - 1


def _add_once_and_rooms(cols: _Columns, rows: _Rows) -> None:
    by_request: dict[str, list[int]] = defaultdict(list)
    by_venue_day: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for j, (request_id, venue_id, day) in enumerate(cols.keys):
        by_request[request_id].append(j)
        by_venue_day[(venue_id, day)].append(j)
    for group in by_request.values():
        if len(group) > 1:
            rows.add(group, [1.0] * len(group), 1.0)
    for (venue_id, _day), group in by_venue_day.items():
        venue = cols.venues[venue_id]
        capacity = venue.rooms * venue.slots_per_day
        if sum(cols.slots[j] for j in group) > capacity:
            rows.add(group, [cols.slots[j] for j in group], float(capacity))


def _add_organization_days(
    instance: Instance, cols: _Columns, rows: _Rows, solver: pywraplp.Solver
) -> None:
    """Add delegation (slots a day), the daily cap and travel (one city a day) rows."""
    by_org_day: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for j, (request_id, _venue_id, day) in enumerate(cols.keys):
        for org in cols.requests[request_id].organizations:
            by_org_day[(org, day)].append(j)
    rules = instance.rules
    cap = rules.max_meetings_per_org_per_day
    for group in by_org_day.values():
        longest = max(cols.venue_of[j].slots_per_day for j in group)
        if sum(cols.slots[j] for j in group) > longest:
            rows.add(group, [cols.slots[j] for j in group], float(longest))
        if cap is not None and len(group) > cap:
            rows.add(group, [1.0] * len(group), float(cap))
        cities = sorted({cols.venue_of[j].city for j in group})
        if not rules.travel or len(cities) < 2:
            continue
        in_city = {city: cols.extra(solver, 0.0) for city in cities}
        rows.add(list(in_city.values()), [1.0] * len(cities), 1.0)
        for j in group:
            rows.add([j, in_city[cols.venue_of[j].city]], [1.0, -1.0], 0.0)


def _add_summits(
    instance: Instance, cols: _Columns, rows: _Rows, solver: pywraplp.Solver
) -> dict[str, int]:
    """Add each summit's opening column (worth minus its cost); return them by summit."""
    opened: dict[str, int] = {}
    for summit in instance.summits:
        hosted = [j for j, k in enumerate(cols.keys) if k[1] == summit.id]
        if not hosted:
            continue
        opened[summit.id] = cols.extra(solver, -float(summit.cost))
        for j in hosted:
            rows.add([j, opened[summit.id]], [1.0, -1.0], 0.0)
    return opened


def _dual_bound(cols: _Columns, rows: _Rows) -> float:
    """Return ``b·y + Σ_j max(0, c_j − a_j·y)`` for the duals ``y`` clipped at zero."""
    duals = [max(0.0, c.dual_value()) for c in rows.constraints]
    reduced = list(cols.profit)
    value = 0.0
    for (columns, coefficients, limit), dual in zip(rows.rows, duals, strict=True):
        if dual == 0.0:
            continue
        value += limit * dual
        for j, a in zip(columns, coefficients, strict=True):
            reduced[j] -= a * dual
    return value + sum(r for r in reduced if r > 0)


def _build_and_solve(
    instance: Instance,
    allowed: Sequence[Placement],
    solver: pywraplp.Solver,
    deadline: float | None,
) -> Relaxation | None:
    cols = _Columns.of(allowed, solver)
    rows = _Rows(solver, cols.variables, deadline)
    _add_once_and_rooms(cols, rows)
    _add_organization_days(instance, cols, rows, solver)
    opened = _add_summits(instance, cols, rows, solver)
    objective = solver.Objective()
    for var, coefficient in zip(cols.variables, cols.profit, strict=True):
        objective.SetCoefficient(var, coefficient)
    objective.SetMaximization()
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        solver.SetTimeLimit(max(1, int(left * 1000)))
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    return Relaxation(
        bound=math.floor(_dual_bound(cols, rows) + _BOUND_SLACK),
        values={k: cols.variables[j].solution_value() for j, k in enumerate(cols.keys)},
        opened={s: cols.variables[j].solution_value() for s, j in opened.items()},
    )
