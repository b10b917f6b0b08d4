"""The exact planner: a CP-SAT model of `constraints.CONSTRAINTS`, solved with a bound.

Model size is kept down in three ways (see docs/planner.md, "The model"):

* one boolean per (request, venue, day, start slot) that attendance, window and day
  length allow, and nothing for the rest;
* rooms are not variables: the number of meetings covering a slot of a venue-day is at
  most its rooms, and rooms are given afterwards by interval colouring in start order,
  which is exact for interval graphs; only venue-days holding a pinned meeting (whose
  room is fixed in advance) get room variables;
* the greedy baseline is given as a complete hint.

`solve` runs up to two phases: priorities, then (``maximise_min_share``) the smallest
share with the first objective held. `replan` runs priorities, then the fewest moves
from a previous plan with the objective held within ``replan_tolerance``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from sideline.planner.constraints import CONSTRAINTS
from sideline.planner.greedy import Occupancy, PlacementIndex, plan_greedy, plan_guided
from sideline.planner.instance import Instance, Request, Session
from sideline.planner.relax import solve_relaxation
from sideline.planner.schema import Meeting, Move, Plan, Shortfall

__all__ = ["ENFORCEMENT", "Progress", "SolveOptions", "assign_co_chairs", "replan", "solve"]

_LARGE_MODEL = 50_000
"""Candidates above which CP-SAT runs one presolve round only."""

_WINDOW_PLACEMENTS = 4_000
"""Placements per window when a large part is searched window by window."""

_WINDOW_S = 4.0
"""Most seconds one window may take; a window of that size is usually proved in less."""

_MIN_SOLVE_S = 0.05
"""Below this many seconds left, CP-SAT is not started and the warm start stands."""

_POST_S_PER_REQUEST = 1e-4
"""Time kept per request for rooms, co-chairs and explanations after the search."""

_RELAX_MIN = 2_000
"""Placements from which a part's search starts from the day-level LP (`relax.py`)."""

_RELAXATION_SHARE = 0.8
"""Most of a part's time the day-level LP may take, building included (about 3 s on L).

It is worth more than any search: on L its rounding gains 4 % in a second, where the
window search gains a few tenths of a percent in a minute."""


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a running `solve` or `replan` stands, over the whole instance.

    `incumbent` is the objective of the best complete plan known (components not yet
    searched count with their warm start); `bound` a proven upper bound (components not
    yet searched count with their placeable priorities).
    """

    phase: str
    incumbent: int
    bound: int
    elapsed_s: float

    @property
    def gap(self) -> float:
        """Return the relative gap ``(bound - incumbent) / bound`` (0 when the bound is 0)."""
        return (self.bound - self.incumbent) / max(1, abs(self.bound))


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """How long and how to search, and whom to tell while searching.

    A plan is reproducible for a given `seed` and `num_workers` when the search proves
    optimality, or when `deterministic_time` (CP-SAT's deterministic work units, with
    interleaved workers) replaces the wall-clock `time_limit`. `progress`, when given,
    is called from the solver's threads with each better plan or bound, at most every
    `progress_interval` seconds (a report that ends a phase is always made); it does
    not change the search.
    """

    time_limit: float = 10.0
    num_workers: int = 2
    seed: int = 0
    deterministic_time: float | None = None
    warm_start: bool = True
    log: bool = False
    progress: Callable[[Progress], None] | None = field(default=None, compare=False)
    progress_interval: float = 0.5


class _Reporter:
    """Sums the components' incumbents and bounds into `Progress` reports.

    Components are searched one after the other: the finished ones count with their
    result, the current one with what its search reports, the later ones with their
    warm start and placeable priorities.
    """

    def __init__(self, options: SolveOptions, began: float) -> None:
        self.callback = options.progress
        self.interval = options.progress_interval
        self.began = began
        self.last = -math.inf
        self.best: tuple[int, int] | None = None
        self.done = (0, 0)
        self.pending = (0, 0)
        self.current = (0, 0)

    def plan(self, starts: Sequence[int], bounds: Sequence[int]) -> None:
        """Set every component's warm-start objective and bound before the search."""
        self.pending = (sum(starts), sum(bounds))
        self.current = (0, 0)

    def begin(self, start: int, bound: int) -> None:
        """Take the next component off the pending ones."""
        self.pending = (self.pending[0] - start, self.pending[1] - bound)
        self.current = (start, bound)

    def update(self, phase: str, incumbent: int | None, bound: int, *, force: bool = False) -> None:
        """Record the current component's incumbent and bound; report when due."""
        # A later report of a weaker plan (another worker, another phase) is not news.
        best = self.current[0] if incumbent is None else max(self.current[0], incumbent)
        self.current = (best, min(self.current[1], bound))
        self._report(phase, force=force)

    def end(self, phase: str, objective: int, bound: int) -> None:
        """Close the current component with its result."""
        self.done = (self.done[0] + objective, self.done[1] + bound)
        self.current = (0, 0)
        self._report(phase, force=True)

    def _report(self, phase: str, *, force: bool) -> None:
        if self.callback is None:
            return
        totals = (
            self.done[0] + self.current[0] + self.pending[0],
            self.done[1] + self.current[1] + self.pending[1],
        )
        now = time.perf_counter()
        if totals == self.best or (not force and now - self.last < self.interval):
            return
        self.best, self.last = totals, now
        self.callback(Progress(phase, totals[0], totals[1], round(now - self.began, 3)))


class _Incumbents(cp_model.CpSolverSolutionCallback):
    """Forwards CP-SAT's solutions to a reporter, in priority units."""

    def __init__(self, phase: str, reporter: _Reporter, scale: int) -> None:
        super().__init__()
        self.phase = phase
        self.reporter = reporter
        # A lexicographic objective `scale * priorities + kept` (kept < scale): floor
        # division recovers the priorities of a plan and bounds them.
        self.scale = scale

    def on_solution_callback(self) -> None:
        incumbent = math.floor(self.objective_value + 1e-6) // self.scale
        bound = math.floor(self.best_objective_bound + 1e-6) // self.scale
        self.reporter.update(self.phase, incumbent, bound)

    def on_bound(self, bound: float) -> None:
        self.reporter.update(self.phase, None, math.floor(bound + 1e-6) // self.scale)


@dataclass(slots=True)
class _Candidate:
    request: Request
    venue: Session
    date: dt.date
    slot: int
    var: cp_model.IntVar


Placement = tuple[Request, Session, dt.date, int]


class _OutOfTime(Exception):
    """Raised while building a model once the deadline has passed."""


@dataclass
class _Clock:
    """The wall-clock deadline of one `solve` or `replan` call (None: no wall limit)."""

    deadline: float | None

    def left(self) -> float:
        if self.deadline is None:
            return math.inf
        return self.deadline - time.perf_counter()

    def check(self) -> None:
        if self.left() <= 0:
            raise _OutOfTime


@dataclass
class _Model:
    instance: Instance
    soft_floor: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    candidates: list[_Candidate] = field(default_factory=list)
    by_request: dict[str, list[_Candidate]] = field(default_factory=lambda: defaultdict(list))
    room_vars: dict[int, list[cp_model.IntVar]] = field(default_factory=dict)
    opened: dict[str, cp_model.IntVar] = field(default_factory=dict)
    cities: dict[tuple[str, dt.date, str], cp_model.IntVar] = field(default_factory=dict)
    shortfall: dict[str, cp_model.IntVar] = field(default_factory=dict)
    terms: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)
    allowed: Sequence[Placement] = ()

    def priority_expr(self) -> cp_model.LinearExprT:
        variables = [v for v, _ in self.terms]
        return cp_model.LinearExpr.weighted_sum(variables, [c for _, c in self.terms])

    def of_org(self, org: str) -> list[cp_model.IntVar]:
        return [c.var for c in self.candidates if org in c.request.organizations]


def _allowed(instance: Instance, index: PlacementIndex) -> list[Placement]:
    """Return every placement the model needs: attendance, window, day bounds, pins, summits."""
    pins = {pin.request: pin for pin in instance.pinned}
    out: list[Placement] = []
    for request in instance.requests:
        pin = pins.get(request.id)
        summit_ok = bool(instance.summits) and index.needs_summit(request)
        for venue, day, slot in index.placements(request):
            if venue.is_summit and not summit_ok:
                continue
            if pin is not None and (venue.id, day, slot) != (pin.session, pin.date, pin.slot):
                continue
            out.append((request, venue, day, slot))
    return out


def _build_candidates(m: _Model) -> None:
    """Create one boolean per allowed placement (attendance, window, day bounds)."""
    for request, venue, day, slot in m.allowed:
        var = m.model.new_bool_var(f"x[{request.id},{venue.id},{day},{slot}]")
        candidate = _Candidate(request, venue, day, slot, var)
        m.candidates.append(candidate)
        m.by_request[request.id].append(candidate)
        m.terms.append((var, request.priority))


def _by_construction(m: _Model) -> None:
    """Nothing to add: candidates copy their request and exist only where allowed."""


def _add_once(m: _Model) -> None:
    for group in m.by_request.values():
        if len(group) > 1:
            m.model.add_at_most_one(c.var for c in group)


def _add_room(m: _Model) -> None:
    cover: dict[tuple[str, dt.date, int], list[cp_model.IntVar]] = defaultdict(list)
    for c in m.candidates:
        for k in range(c.slot, c.slot + c.request.slots):
            cover[(c.venue.id, c.date, k)].append(c.var)
    rooms = {venue.id: venue.rooms for venue in m.instance.venues()}
    for (venue_id, _day, _k), group in cover.items():
        if len(group) > rooms[venue_id]:
            m.model.add(cp_model.LinearExpr.sum(group) <= rooms[venue_id])
    # Venue-days with a pinned room need explicit rooms: colouring afterwards could
    # otherwise collide with a room fixed in advance.
    pinned_rooms = {(p.session, p.date): p for p in m.instance.pinned}
    per_room: dict[tuple[str, dt.date, int, int], list[cp_model.IntVar]] = defaultdict(list)
    for index, c in enumerate(m.candidates):
        if (c.venue.id, c.date) not in pinned_rooms:
            continue
        rooms_of_c = [m.model.new_bool_var(f"w[{index},{r}]") for r in range(c.venue.rooms)]
        m.model.add(cp_model.LinearExpr.sum(rooms_of_c) == c.var)
        m.room_vars[index] = rooms_of_c
        for room, var in enumerate(rooms_of_c):
            for k in range(c.slot, c.slot + c.request.slots):
                per_room[(c.venue.id, c.date, room, k)].append(var)
    for group in per_room.values():
        if len(group) > 1:
            m.model.add_at_most_one(group)


def _org_day_groups(m: _Model) -> dict[tuple[str, dt.date], list[_Candidate]]:
    groups: dict[tuple[str, dt.date], list[_Candidate]] = defaultdict(list)
    for c in m.candidates:
        for org in c.request.organizations:
            groups[(org, c.date)].append(c)
    return groups


def _add_delegation(m: _Model) -> None:
    busy: dict[tuple[str, dt.date, int], list[cp_model.IntVar]] = defaultdict(list)
    for c in m.candidates:
        for org in c.request.organizations:
            for k in range(c.slot, c.slot + c.request.slots):
                busy[(org, c.date, k)].append(c.var)
    for group in busy.values():
        if len(group) > 1:
            m.model.add_at_most_one(group)


def _add_daily_cap(m: _Model) -> None:
    cap = m.instance.rules.max_meetings_per_org_per_day
    if cap is None:
        return
    for group in _org_day_groups(m).values():
        if len({c.request.id for c in group}) > cap:
            m.model.add(cp_model.LinearExpr.sum([c.var for c in group]) <= cap)


def _add_travel(m: _Model) -> None:
    if not m.instance.rules.travel:
        return
    for (org, day), group in _org_day_groups(m).items():
        cities = sorted({c.venue.city for c in group})
        if len(cities) < 2:
            continue
        in_city = {city: m.model.new_bool_var(f"in[{org},{day},{city}]") for city in cities}
        m.cities.update({(org, day, city): var for city, var in in_city.items()})
        m.model.add_at_most_one(in_city.values())
        for c in group:
            m.model.add_implication(c.var, in_city[c.venue.city])


def _add_pinned(m: _Model) -> None:
    for pin in m.instance.pinned:
        (candidate,) = m.by_request[pin.request]
        m.model.add(candidate.var == 1)
        index = m.candidates.index(candidate)
        m.model.add(m.room_vars[index][pin.room] == 1)


def _add_summit_need(m: _Model) -> None:
    """Open a summit when it hosts a meeting; its cost is taken from the objective."""
    for summit in m.instance.summits:
        hosted = [c.var for c in m.candidates if c.venue.id == summit.id]
        if not hosted:
            continue
        is_open = m.model.new_bool_var(f"open[{summit.id}]")
        m.opened[summit.id] = is_open
        for var in hosted:
            m.model.add_implication(var, is_open)
        m.model.add_bool_or(hosted).only_enforce_if(is_open)
        if summit.cost:
            m.terms.append((is_open, -summit.cost))


def _post_pass(m: _Model) -> None:
    """Nothing to add: co-chairs are assigned after solving (`assign_co_chairs`)."""


def _add_floor(m: _Model) -> None:
    floor = m.instance.rules.min_meetings_per_org
    if floor == 0:
        return
    for org in m.instance.organizations:
        count = cp_model.LinearExpr.sum(m.of_org(org))
        if m.soft_floor:
            short = m.model.new_int_var(0, floor, f"short[{org}]")
            m.shortfall[org] = short
            m.model.add(count + short >= floor)
        else:
            m.model.add(count >= floor)


ENFORCEMENT: Mapping[str, Callable[[_Model], None]] = {
    "reference": _by_construction,
    "once": _add_once,
    "attendance": _by_construction,
    "window": _by_construction,
    "day_bounds": _by_construction,
    "room": _add_room,
    "delegation": _add_delegation,
    "daily_cap": _add_daily_cap,
    "travel": _add_travel,
    "pinned": _add_pinned,
    "summit_need": _add_summit_need,
    "co_chairs": _post_pass,
    "floor": _add_floor,
}
"""How the model enforces each constraint of `constraints.CONSTRAINTS`, by name."""


def _build(
    instance: Instance, *, soft_floor: bool, allowed: Sequence[Placement], clock: _Clock
) -> _Model:
    m = _Model(instance, soft_floor=soft_floor, allowed=allowed)
    clock.check()
    _build_candidates(m)
    for constraint in CONSTRAINTS:
        # Checked between rules: building a large model can take seconds, and the whole
        # call must stay within its time limit.
        clock.check()
        ENFORCEMENT[constraint.name](m)
    clock.check()
    return m


def _hint(m: _Model, meetings: Sequence[Meeting]) -> None:
    m.model.clear_hints()  # type: ignore[no-untyped-call]  # ortools leaves it unannotated
    chosen = {(x.request, x.session, x.date, x.slot) for x in meetings}
    rooms = {x.request: x.room for x in meetings}
    venues = {x.request: x.session for x in meetings}
    for index, c in enumerate(m.candidates):
        on = (c.request.id, c.venue.id, c.date, c.slot) in chosen
        m.model.add_hint(c.var, on)
        for room, var in enumerate(m.room_vars.get(index, [])):
            m.model.add_hint(var, on and rooms[c.request.id] == room)
    used = set(venues.values())
    for summit_id, var in m.opened.items():
        m.model.add_hint(var, summit_id in used)
    venue_city = {v.id: v.city for v in m.instance.venues()}
    where = {(org, x.date, venue_city[x.session]) for x in meetings for org in x.organizations}
    for key, var in m.cities.items():
        m.model.add_hint(var, key in where)


@dataclass
class _Run:
    solver: cp_model.CpSolver
    status: str
    phases: list[dict[str, Any]] = field(default_factory=list)


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
}


@dataclass(frozen=True)
class _Budget:
    """What one part of the problem may spend (a wall-clock deadline or deterministic
    work), and whom it tells of its progress."""

    deadline: float | None
    work: float | None
    reporter: _Reporter | None = None

    def limits(self, fraction: float) -> tuple[float | None, float | None]:
        """Return (seconds, work) for a solve that may use `fraction` of what is left."""
        seconds = None
        if self.deadline is not None:
            seconds = max(0.0, (self.deadline - time.perf_counter()) * fraction)
        work = None if self.work is None else self.work * fraction
        return seconds, work


def _solve_phase(
    m: _Model,
    options: SolveOptions,
    *,
    name: str,
    run: _Run | None,
    limits: tuple[float | None, float | None],
    reporter: _Reporter | None = None,
    scale: int = 1,
) -> _Run:
    """Run CP-SAT on `m` within `limits`; tell `reporter` of plans and bounds, if given.

    Only phases whose objective is the priorities (times `scale`) have a reporter: the
    others optimise something else with the priorities held.
    """
    seconds, work = limits
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = options.num_workers
    params.random_seed = options.seed
    params.log_search_progress = options.log
    # Probing and symmetry detection eat whole time limits on M and L for little gain:
    # the LP bound of this model is already tight (see docs/planner.md, "The model").
    params.cp_model_probing_level = 0
    params.symmetry_level = 0
    if len(m.candidates) > _LARGE_MODEL:
        # On large models one presolve round costs tens of seconds (dominance detection
        # over 10^5 booleans) and the later rounds change almost nothing.
        params.max_presolve_iterations = 1
    if work is not None:
        params.max_deterministic_time = work
        params.interleave_search = options.num_workers > 1
    if seconds is not None:
        params.max_time_in_seconds = seconds
    if (seconds is not None and seconds < _MIN_SOLVE_S) or (work is not None and work <= 0):
        # Too little time left to be worth starting CP-SAT: report no solution.
        code = cp_model.UNKNOWN
        phase: dict[str, Any] = {
            "phase": name,
            "status": "unknown",
            "wall_time_s": 0.0,
            "branches": 0,
            "conflicts": 0,
        }
    else:
        callback = None
        if reporter is not None and reporter.callback is not None:
            callback = _Incumbents(name, reporter, scale)
            solver.best_bound_callback = callback.on_bound
        code = solver.solve(m.model, callback)
        phase = {
            "phase": name,
            "status": _STATUS.get(code, "unknown"),
            "wall_time_s": round(solver.wall_time, 3),
            "branches": solver.num_branches,
            "conflicts": solver.num_conflicts,
        }
    status = phase["status"]
    if status in ("optimal", "feasible"):
        phase["objective"] = round(solver.objective_value)
        phase["bound"] = math.floor(solver.best_objective_bound + 1e-6)
    return _Run(solver=solver, status=status, phases=[*(run.phases if run else []), phase])


def _chosen(m: _Model, solver: cp_model.CpSolver) -> list[tuple[int, _Candidate]]:
    return [(i, c) for i, c in enumerate(m.candidates) if solver.boolean_value(c.var)]


def _priority_of(m: _Model, solver: cp_model.CpSolver) -> int:
    return sum(coef * int(solver.value(var)) for var, coef in m.terms)


def _assign_rooms(
    m: _Model,
    solver: cp_model.CpSolver,
    chosen: list[tuple[int, _Candidate]],
    *,
    prefer: Mapping[str, int],
) -> dict[str, int]:
    """Give each chosen candidate a room.

    Meetings of a venue-day are coloured in order of start slot, each taking its
    preferred room (its room in a previous plan) if free at its start, else the lowest
    free room. In start order a room free at the start stays free for the whole
    meeting, so no more rooms are used than the most meetings covering one slot, which
    the model keeps within the venue's rooms.
    """
    rooms: dict[str, int] = {}
    groups: dict[tuple[str, dt.date], list[_Candidate]] = defaultdict(list)
    for index, c in chosen:
        if index in m.room_vars:
            rooms[c.request.id] = next(
                r for r, var in enumerate(m.room_vars[index]) if solver.boolean_value(var)
            )
        else:
            groups[(c.venue.id, c.date)].append(c)
    for group in groups.values():
        ends = [-1] * group[0].venue.rooms
        for c in sorted(group, key=lambda c: (c.slot, c.request.id)):
            free = [r for r, end in enumerate(ends) if end < c.slot]
            room = prefer.get(c.request.id, free[0])
            if room not in free:
                room = free[0]
            ends[room] = c.slot + c.request.slots - 1
            rooms[c.request.id] = room
    return rooms


def assign_co_chairs(instance: Instance, meetings: Sequence[Meeting]) -> list[Meeting]:
    """Return `meetings` with two co-chairs each, spreading chairing evenly.

    In chronological order (date, slot, session, request), each meeting is chaired by
    the two of its organizations that have chaired least so far, ties going to the
    organization listed first in the instance. Deterministic and greedy: it keeps the
    chair counts of organizations that meet together within one of each other in the
    common case, without a second optimisation.
    """
    if not instance.rules.co_chairs:
        return list(meetings)
    order = {org: i for i, org in enumerate(instance.organizations)}
    count: dict[str, int] = defaultdict(int)
    out = []
    for meeting in sorted(meetings, key=lambda x: (x.date, x.slot, x.session, x.request)):
        chairs = sorted(meeting.organizations, key=lambda o: (count[o], order.get(o, 0), o))[:2]
        for org in chairs:
            count[org] += 1
        chairs.sort(key=lambda o: order.get(o, 0))
        out.append(
            Meeting(
                request=meeting.request,
                session=meeting.session,
                date=meeting.date,
                slot=meeting.slot,
                room=meeting.room,
                organizations=meeting.organizations,
                topic=meeting.topic,
                slots=meeting.slots,
                co_chairs=tuple(chairs),
            )
        )
    return out


def _meetings(m: _Model, solver: cp_model.CpSolver, *, prefer: Mapping[str, int]) -> list[Meeting]:
    chosen = _chosen(m, solver)
    rooms = _assign_rooms(m, solver, chosen, prefer=prefer)
    meetings = [
        Meeting(
            request=c.request.id,
            session=c.venue.id,
            date=c.date,
            slot=c.slot,
            room=rooms[c.request.id],
            organizations=c.request.organizations,
            topic=c.request.topic,
            slots=c.request.slots,
        )
        for _, c in chosen
    ]
    return meetings


@dataclass
class _Part:
    """Requests that interact only among themselves, with every placement they may take.

    `instance` is the whole instance with only this part's requests and pins: sessions
    are kept, so that `needs_summit` and placements mean exactly what they mean on the
    whole instance.
    """

    instance: Instance
    allowed: list[Placement]


@dataclass
class _Outcome:
    """One part's result: meetings with rooms (no co-chairs yet), value, bound, phases."""

    meetings: list[Meeting]
    objective: int
    bound: int
    status: str
    phases: list[dict[str, Any]]
    variables: int = 0
    constraints: int = 0
    fallback: bool = False
    shortfalls: list[Shortfall] = field(default_factory=list)
    opened: frozenset[str] = frozenset()


def _parts(instance: Instance, allowed: list[Placement], *, split: bool) -> list[_Part]:
    """Split the requests into parts that share no constraint, smallest first.

    Two requests interact only through an organization on a date (delegation, daily
    cap, travel), a venue on a date (rooms) or a summit (its opening cost). Connected
    components of that graph are independent problems: their optima add up, and so do
    their bounds. Fairness floors, the minimum share and a replanning tolerance tie
    every request together, so with those rules (`split` false) there is one part.
    Requests with no placement are in no part; they are explained as unplaced.
    """
    if not allowed:
        return []
    if not split:
        return [_Part(instance, allowed)]
    # Union-find over request positions; each shared key joins its requests.
    position = {r.id: i for i, r in enumerate(instance.requests)}
    parent = list(range(len(instance.requests)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    owner: dict[tuple[Any, ...], int] = {}
    seen: set[tuple[str, str, dt.date]] = set()
    for request, venue, day, _slot in allowed:
        if (request.id, venue.id, day) in seen:
            continue  # Other start slots of one venue-day share the same keys.
        seen.add((request.id, venue.id, day))
        mine = position[request.id]
        keys: list[tuple[Any, ...]] = [(venue.id,) if venue.is_summit else (venue.id, day)]
        keys += [(org, day, "org") for org in request.organizations]
        for key in keys:
            other = owner.setdefault(key, mine)
            a, b = find(mine), find(other)
            if a != b:
                parent[b] = a
    groups: dict[int, list[Placement]] = defaultdict(list)
    for placement in allowed:
        groups[find(position[placement[0].id])].append(placement)
    pins = {pin.request: pin for pin in instance.pinned}
    parts = []
    for group in groups.values():
        ids = {p[0].id for p in group}
        sub = dataclasses.replace(
            instance,
            requests=tuple(r for r in instance.requests if r.id in ids),
            pinned=tuple(pins[r] for r in ids if r in pins),
        )
        parts.append(_Part(sub, group))
    order = {r.id: i for i, r in enumerate(instance.requests)}
    parts.sort(key=lambda p: (len(p.allowed), order[p.allowed[0][0].id]))
    return parts


def _placeable(part: _Part) -> int:
    # Without a proof on priorities alone, the sum of placeable priorities bounds them.
    return sum(r.priority for r in part.instance.requests)


def _fallback(part: _Part, start: Sequence[Meeting], phases: list[dict[str, Any]]) -> _Outcome:
    """Return the warm-start plan of `part` when CP-SAT gave none in time."""
    if part.instance.rules.min_meetings_per_org:
        # The greedy plan ignores floors; without a proof nothing is claimed.
        return _Outcome([], 0, 0, "unknown", phases)
    # The start may be the LP-guided plan, which can open a summit: count its cost.
    opened = frozenset(x.session for x in start) & frozenset(_summits(part.instance))
    return _Outcome(
        list(start),
        _value(part.instance, start),
        _placeable(part),
        "feasible",
        phases,
        fallback=True,
        opened=opened,
    )


def _skipped(name: str) -> dict[str, Any]:
    return {"phase": name, "status": "unknown", "wall_time_s": 0.0, "branches": 0, "conflicts": 0}


def _first_phase(
    part: _Part,
    options: SolveOptions,
    *,
    clock: _Clock,
    budget: _Budget,
    fraction: float,
    start: Sequence[Meeting],
) -> tuple[_Model, _Run, list[Shortfall]]:
    """Solve for the priority objective; relax fairness floors when they cannot hold."""
    instance = part.instance
    m = _build(instance, soft_floor=False, allowed=part.allowed, clock=clock)
    m.model.maximize(m.priority_expr())
    if options.warm_start:
        _hint(m, start)
    run = _solve_phase(
        m,
        options,
        name="priority",
        run=None,
        limits=budget.limits(fraction),
        reporter=budget.reporter,
    )
    if run.status != "infeasible" or instance.rules.min_meetings_per_org == 0:
        return m, run, []
    # The floors cannot all hold: find the plan that falls short least, then best.
    soft = _build(instance, soft_floor=True, allowed=part.allowed, clock=clock)
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
        _hint(soft, start)
    relaxed = _solve_phase(
        soft, options, name="floor_relaxed", run=run, limits=budget.limits(fraction)
    )
    shortfalls = []
    if relaxed.status in ("optimal", "feasible"):
        floor = instance.rules.min_meetings_per_org
        shortfalls = [
            Shortfall(org, floor, floor - int(relaxed.solver.value(var)))
            for org, var in soft.shortfall.items()
            if relaxed.solver.value(var) > 0
        ]
    relaxed.status = "infeasible"
    return soft, relaxed, shortfalls


def _hold_objective(m: _Model, run: _Run, *, tolerance: float) -> None:
    best = _priority_of(m, run.solver)
    m.model.add(m.priority_expr() >= math.ceil(best - tolerance * abs(best)))
    _hint(m, _meetings(m, run.solver, prefer={}))


def _second_phase_min_share(m: _Model, first: _Run, options: SolveOptions, budget: _Budget) -> _Run:
    _hold_objective(m, first, tolerance=m.instance.rules.fairness_tolerance)
    share = m.model.new_int_var(0, 1000, "min_share")
    for org in m.instance.organizations:
        asked = sum(1 for r in m.instance.requests if org in r.organizations)
        if asked:
            count = cp_model.LinearExpr.sum(m.of_org(org))
            m.model.add(1000 * count >= asked * share)
    m.model.maximize(share)
    return _solve_phase(m, options, name="min_share", run=first, limits=budget.limits(1.0))


def _second_phase_moves(
    m: _Model, first: _Run, options: SolveOptions, budget: _Budget, previous: Sequence[Meeting]
) -> _Run:
    _hold_objective(m, first, tolerance=m.instance.rules.replan_tolerance)
    where = {(x.request, x.session, x.date, x.slot) for x in previous}
    kept = [c.var for c in m.candidates if (c.request.id, c.venue.id, c.date, c.slot) in where]
    m.model.maximize(cp_model.LinearExpr.sum(kept))
    return _solve_phase(m, options, name="fewest_moves", run=first, limits=budget.limits(1.0))


def _start_is_optimal(
    part: _Part, start: Sequence[Meeting], previous: Sequence[Meeting] | None
) -> _Outcome | None:
    """Return the warm start as proved optimal when it places every request of `part`.

    Placing every request reaches the sum of the placeable priorities, which bounds the
    objective, so no search can do better; when re-planning, the start must also keep
    every previous meeting where it was. Only without fairness rules and summit
    placements: those change what "better" means.
    """
    rules = part.instance.rules
    if rules.min_meetings_per_org or rules.maximise_min_share:
        return None
    if any(venue.is_summit for _, venue, _, _ in part.allowed):
        return None
    if len({x.request for x in start}) != len(part.instance.requests):
        return None
    if previous is not None:
        if rules.replan_tolerance:
            return None
        now = {x.request: x.position() for x in start}
        if any(now.get(x.request) != x.position() for x in previous):
            return None
    objective = _placeable(part)
    name = "priority" if previous is None else "priority_and_fewest_moves"
    phase = {**_skipped(name), "status": "optimal", "objective": objective, "bound": objective}
    return _Outcome(list(start), objective, objective, "optimal", [phase])


def _solve_part_lexicographic(
    part: _Part,
    options: SolveOptions,
    *,
    clock: _Clock,
    budget: _Budget,
    start: Sequence[Meeting],
    previous: Sequence[Meeting],
) -> _Outcome:
    """Re-plan with no tolerance in one solve: priorities first, then meetings kept.

    With ``replan_tolerance`` 0 the two phases are lexicographic, so one objective
    ``weight * priorities + kept`` with a weight above the most meetings that can be kept
    gives the same plans as two solves, in one search (half the time on M).
    """
    try:
        m = _build(part.instance, soft_floor=False, allowed=part.allowed, clock=clock)
    except _OutOfTime:
        return _fallback(part, start, [_skipped("priority_and_fewest_moves")])
    where = {(x.request, x.session, x.date, x.slot) for x in previous}
    kept = [c.var for c in m.candidates if (c.request.id, c.venue.id, c.date, c.slot) in where]
    weight = len(kept) + 1
    m.model.maximize(
        cp_model.LinearExpr.weighted_sum(
            [v for v, _ in m.terms] + kept, [weight * c for _, c in m.terms] + [1] * len(kept)
        )
    )
    if options.warm_start:
        _hint(m, start)
    run = _solve_phase(
        m,
        options,
        name="priority_and_fewest_moves",
        run=None,
        limits=budget.limits(1.0),
        reporter=budget.reporter,
        scale=weight,
    )
    phase = run.phases[-1]
    if run.status not in ("optimal", "feasible"):
        return _fallback(part, start, run.phases)
    objective = _priority_of(m, run.solver)
    # weight * priorities + kept <= CP-SAT's bound and kept >= 0 bound the priorities.
    bound = min(int(phase["bound"]) // weight, max(objective, _placeable(part)))
    phase["objective"], phase["bound"] = objective, max(objective, bound)
    meetings = _meetings(m, run.solver, prefer={x.request: x.room for x in previous})
    return _Outcome(
        meetings,
        objective,
        max(objective, bound),
        run.status,
        run.phases,
        variables=len(m.model.proto.variables),
        constraints=len(m.model.proto.constraints),
        opened=frozenset(x.session for x in meetings) & frozenset(m.opened),
    )


def _solve_part(
    part: _Part,
    options: SolveOptions,
    *,
    clock: _Clock,
    budget: _Budget,
    start: Sequence[Meeting],
    previous: Sequence[Meeting] | None,
) -> _Outcome:
    """Solve one part: priorities, then the second phase its rules ask for."""
    rules = part.instance.rules
    proved = _start_is_optimal(part, start, previous)
    if proved is not None:
        return proved
    if previous is not None and rules.replan_tolerance == 0 and not rules.min_meetings_per_org:
        return _solve_part_lexicographic(
            part, options, clock=clock, budget=budget, start=start, previous=previous
        )
    second = previous is not None or rules.maximise_min_share
    known = _placeable(part)
    if previous is None and not rules.min_meetings_per_org and len(part.allowed) >= _RELAX_MIN:
        start, known = _relaxed_start(part, start, budget)
        if not second and _value(part.instance, start) >= known:
            return _proved(part, start, known)
    if len(part.allowed) > _LARGE_MODEL and not second and not rules.min_meetings_per_org:
        return _solve_by_windows(
            part, options, clock=clock, budget=budget, start=start, bound=known
        )
    try:
        # With a second phase to come, the first may use half of what is left.
        m, first, shortfalls = _first_phase(
            part,
            options,
            clock=clock,
            budget=budget,
            fraction=0.5 if second else 1.0,
            start=start,
        )
    except _OutOfTime:
        return _fallback(part, start, [_skipped("priority")])
    run = first
    if first.status in ("optimal", "feasible") and second:
        try:
            if previous is not None:
                later = _second_phase_moves(m, first, options, budget, previous)
            else:
                later = _second_phase_min_share(m, first, options, budget)
        except _OutOfTime:
            later = _Run(first.solver, "unknown", [*first.phases, _skipped("second")])
        run = (
            later
            if later.status in ("optimal", "feasible")
            else _Run(first.solver, first.status, later.phases)
        )
    has_plan = any("objective" in p for p in run.phases)
    if not has_plan:
        if first.status == "infeasible":
            return _Outcome([], 0, 0, "infeasible", run.phases, shortfalls=shortfalls)
        return _fallback(part, start, run.phases)
    prefer = {x.request: x.room for x in previous or ()}
    meetings = _meetings(m, run.solver, prefer=prefer)
    objective = _priority_of(m, run.solver)
    if m.soft_floor:
        # The relaxed model's bound includes the shortfall penalty; report priorities.
        bound = max(objective, known)
    else:
        # Before CP-SAT's LP has run (large models, short limits) its bound can be far
        # weaker than the sum of the placeable priorities or the day-level LP's.
        bound = min(int(first.phases[-1].get("bound", objective)), max(objective, known))
    status = run.status if run.status == "infeasible" else first.status
    if status == "optimal" and run.status not in ("optimal", "infeasible"):
        status = "feasible"
    return _Outcome(
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


def _solve_by_windows(
    part: _Part,
    options: SolveOptions,
    *,
    clock: _Clock,
    budget: _Budget,
    start: Sequence[Meeting],
    bound: int,
) -> _Outcome:
    """Improve the warm start of a large part window by window of consecutive dates.

    One CP-SAT model of a large part (the L family: 188 000 placements) takes longer to
    build and presolve than a whole time limit on two cores. Every rule but "once" and
    a summit's opening cost holds within one date, so the part is searched in windows
    of consecutive dates: a window's model holds every placement on its dates of the
    requests not placed on other dates, and the meetings it chooses replace the
    window's meetings when they are worth at least as much. Summit meetings stay where
    they are (their opening cost spans days). Windows (a partition of the dates and the
    same shifted by half a window) are taken by decreasing priority of the unplaced
    requests they could take, each once, while time is left. The plan is feasible
    throughout; `bound` (the day-level LP's, see `relax.py`) is not improved here.
    """
    instance = part.instance
    requests = {r.id: r for r in instance.requests}
    pinned = {pin.request for pin in instance.pinned}
    by_date: dict[dt.date, list[Placement]] = defaultdict(list)
    for placement in part.allowed:
        by_date[placement[2]].append(placement)
    dates = sorted(by_date)
    windows: list[list[dt.date]] = [[]]
    for day in dates:
        if sum(len(by_date[d]) for d in windows[-1]) >= _WINDOW_PLACEMENTS:
            windows.append([])
        windows[-1].append(day)
    halves = [w[len(w) // 2 :] + n[: len(n) // 2] for w, n in itertools.pairwise(windows)]
    plan = {x.request: x for x in start}
    phase = _skipped("priority")
    phase.update(windows=0, improved=0)
    candidates = [*windows, *halves]
    touches: dict[str, set[int]] = defaultdict(set)
    for number, window in enumerate(candidates):
        for day in window:
            for p in by_date[day]:
                if not p[1].is_summit:  # Summits take no new meetings here.
                    touches[p[0].id].add(number)
    tried: set[int] = set()
    while _value(instance, list(plan.values())) < bound:
        # A window can gain only if an unplaced request has a placement in it: take the
        # window with the most unplaced priority first, each at most once.
        potential: dict[int, int] = defaultdict(int)
        for request_id, numbers in touches.items():
            if request_id not in plan:
                for number in numbers - tried:
                    potential[number] += requests[request_id].priority
        if not potential:
            break
        best = max(potential, key=lambda n: (potential[n], -n))
        tried.add(best)
        window = candidates[best]
        seconds, work = budget.limits(1.0)
        if seconds is not None and seconds < _MIN_SOLVE_S:
            break
        days = set(window)
        forced = {
            x.request for x in plan.values() if x.date in days and x.session in _summits(instance)
        }
        allowed = [
            p
            for day in window
            for p in by_date[day]
            if (plan.get(p[0].id) is None or plan[p[0].id].date in days)
            and (
                not p[1].is_summit
                or p[0].id in pinned
                or (p[0].id in forced and plan[p[0].id].position() == (p[1].id, p[2], p[3]))
            )
            and (p[0].id not in forced or plan[p[0].id].position() == (p[1].id, p[2], p[3]))
        ]
        ids = {p[0].id for p in allowed}
        sub = dataclasses.replace(
            instance,
            requests=tuple(r for r in instance.requests if r.id in ids),
            pinned=tuple(pin for pin in instance.pinned if pin.request in ids),
        )
        before = [plan[i] for i in ids if i in plan]
        try:
            m = _build(sub, soft_floor=False, allowed=allowed, clock=clock)
        except _OutOfTime:
            break
        for c in m.candidates:
            if c.request.id in forced:
                m.model.add(c.var == 1)
        m.model.maximize(m.priority_expr())
        _hint(m, before)
        seconds, work = budget.limits(1.0)
        if seconds is not None:
            seconds = min(seconds, _WINDOW_S)
        run = _solve_phase(m, options, name="priority", run=None, limits=(seconds, work))
        phase["windows"] += 1
        phase["wall_time_s"] = round(phase["wall_time_s"] + run.phases[0]["wall_time_s"], 3)
        phase["branches"] += run.phases[0]["branches"]
        phase["conflicts"] += run.phases[0]["conflicts"]
        if run.status not in ("optimal", "feasible"):
            continue
        # Compared on priorities alone: forced summit meetings keep their cost constant.
        old = sum(requests[x.request].priority for x in before)
        new = sum(c.request.priority for _, c in _chosen(m, run.solver))
        if new < old:
            continue
        prefer = {x.request: x.room for x in before}
        for i in ids:
            plan.pop(i, None)
        for x in _meetings(m, run.solver, prefer=prefer):
            plan[x.request] = x
        phase["improved"] += int(new > old)
        if budget.reporter is not None and new > old:
            budget.reporter.update("windows", _value(instance, list(plan.values())), bound)
    meetings = list(plan.values())
    summits = _summits(instance)
    opened = frozenset(x.session for x in meetings if x.session in summits)
    objective = _value(instance, meetings)
    bound = max(objective, bound)
    status = "optimal" if objective == bound else "feasible"
    phase.update(status=status, objective=objective, bound=bound)
    return _Outcome(
        meetings,
        objective,
        bound,
        status,
        [phase],
        fallback=phase["windows"] == 0,
        opened=opened,
    )


def _value(instance: Instance, meetings: Sequence[Meeting]) -> int:
    """Return the objective of `meetings`: priorities placed minus opened summits' costs."""
    priority = {r.id: r.priority for r in instance.requests}
    summits = _summits(instance)
    opened = {x.session for x in meetings if x.session in summits}
    return sum(priority[x.request] for x in meetings) - sum(summits[s].cost for s in opened)


def _proved(part: _Part, start: Sequence[Meeting], bound: int) -> _Outcome:
    """Return `start` as optimal: its objective reaches a proven bound, no search needed."""
    objective = _value(part.instance, start)
    phase = {**_skipped("priority"), "status": "optimal", "objective": objective, "bound": bound}
    opened = frozenset(x.session for x in start) & frozenset(_summits(part.instance))
    return _Outcome(list(start), objective, objective, "optimal", [phase], opened=opened)


def _relaxed_start(
    part: _Part, start: Sequence[Meeting], budget: _Budget
) -> tuple[list[Meeting], int]:
    """Return the better of `start` and the LP-guided plan, and the best bound known.

    The bound is the day-level LP's (`relax.py`) when it was solved in time, and the
    sum of the placeable priorities otherwise.
    """
    placeable = _placeable(part)
    seconds, _work = budget.limits(_RELAXATION_SHARE)
    if seconds is not None and seconds < _MIN_SOLVE_S:
        return list(start), placeable
    relaxation = solve_relaxation(part.instance, part.allowed, seconds=seconds)
    if relaxation is None:
        return list(start), placeable
    guided = plan_guided(
        part.instance,
        values=relaxation.values,
        opened=relaxation.opened,
        index=PlacementIndex(part.instance),
    )
    if _value(part.instance, guided) > _value(part.instance, start):
        start = guided
    bound = min(placeable, relaxation.bound)
    if budget.reporter is not None:
        budget.reporter.update("relaxation", _value(part.instance, start), bound, force=True)
    return list(start), bound


def _summits(instance: Instance) -> dict[str, Session]:
    return {summit.id: summit for summit in instance.summits}


def _warm_start(
    instance: Instance, index: PlacementIndex, previous: Sequence[Meeting] | None
) -> list[Meeting]:
    """Return a complete plan to start from: the greedy one, or the previous one repaired.

    When re-planning, previous meetings that still fit are kept first (by priority), then
    the others are placed greedily: a start close to the previous plan, and the plan
    returned if CP-SAT has no time to run.
    """
    if previous is None:
        return plan_greedy(instance, index=index)
    requests = {r.id: r for r in instance.requests}
    occupancy = Occupancy(instance)
    meetings: list[Meeting] = []
    placed: set[str] = set()
    pins = {pin.request: pin for pin in instance.pinned}
    fixed = [
        Meeting(
            p.request,
            p.session,
            p.date,
            p.slot,
            p.room,
            requests[p.request].organizations,
            requests[p.request].topic,
            requests[p.request].slots,
        )
        for p in instance.pinned
    ]
    keep = sorted(
        (x for x in previous if x.request in requests and x.request not in pins),
        key=lambda x: (-requests[x.request].priority, x.request),
    )
    allowed = {r.id: {(v.id, d, k) for v, d, k in index.placements(r)} for r in requests.values()}
    venues = {v.id: v for v in instance.venues()}
    for x in [*fixed, *keep]:
        request = requests[x.request]
        venue = venues.get(x.session)
        if venue is None or (x.session, x.date, x.slot) not in allowed[request.id]:
            continue
        if venue.is_summit and not index.needs_summit(request):
            continue
        if x.request not in pins:
            if venue.is_summit or occupancy.free_room(request, venue, x.date, x.slot) is None:
                continue
            free = _free_rooms(occupancy, request, venue, x.date, x.slot)
            x = dataclasses.replace(x, room=x.room if x.room in free else min(free))
        occupancy.add(x, venue)
        meetings.append(
            Meeting(
                x.request,
                x.session,
                x.date,
                x.slot,
                x.room,
                request.organizations,
                request.topic,
                request.slots,
            )
        )
        placed.add(x.request)
    for request in sorted(requests.values(), key=lambda r: (-r.priority, r.id)):
        if request.id in placed:
            continue
        for venue, day, slot in index.placements(request, sessions_only=True):
            room = occupancy.free_room(request, venue, day, slot)
            if room is not None:
                meeting = Meeting(
                    request.id,
                    venue.id,
                    day,
                    slot,
                    room,
                    request.organizations,
                    request.topic,
                    request.slots,
                )
                occupancy.add(meeting, venue)
                meetings.append(meeting)
                break
    return meetings


def _free_rooms(
    occupancy: Occupancy, request: Request, venue: Session, day: dt.date, slot: int
) -> list[int]:
    taken: set[int] = set()
    for k in range(slot, slot + request.slots):
        taken |= occupancy.rooms.get((venue.id, day, k), set())
    return [room for room in range(venue.rooms) if room not in taken]


def _merge_phases(outcomes: Sequence[_Outcome]) -> list[dict[str, Any]]:
    """Add up each phase over the parts: times, branches, conflicts, objective and bound."""
    rank = {"optimal": 0, "feasible": 1, "unknown": 2, "infeasible": 3}
    merged: dict[str, dict[str, Any]] = {}
    complete: dict[str, bool] = {}
    for outcome in outcomes:
        for phase in outcome.phases:
            name = phase["phase"]
            into = merged.setdefault(
                name,
                {
                    "phase": name,
                    "status": "optimal",
                    "wall_time_s": 0.0,
                    "branches": 0,
                    "conflicts": 0,
                    "objective": 0,
                    "bound": 0,
                },
            )
            if rank[phase["status"]] > rank[into["status"]]:
                into["status"] = phase["status"]
            into["wall_time_s"] = round(into["wall_time_s"] + phase["wall_time_s"], 3)
            into["branches"] += phase["branches"]
            into["conflicts"] += phase["conflicts"]
            complete[name] = complete.get(name, True) and "objective" in phase
            into["objective"] += phase.get("objective", 0)
            into["bound"] += phase.get("bound", 0)
    for name, into in merged.items():
        if not complete[name]:
            del into["objective"], into["bound"]
    return list(merged.values())


def _run(instance: Instance, options: SolveOptions, previous: Sequence[Meeting] | None) -> Plan:
    """Plan `instance` part by part within the time limit; see `solve` and `replan`."""
    # Imported here: explain builds on the plan this module returns.
    from sideline.planner.explain import explain_unplaced

    began = time.perf_counter()
    wall = options.deterministic_time is None
    clock = _Clock(began + options.time_limit if wall else None)
    index = PlacementIndex(instance)
    start = _warm_start(instance, index, previous)
    allowed = _allowed(instance, index)
    rules = instance.rules
    split = not (
        rules.min_meetings_per_org
        or rules.maximise_min_share
        or (previous is not None and rules.replan_tolerance > 0)
    )
    parts = _parts(instance, allowed, split=split)
    # Explanations, rooms and co-chairs come after the search: keep time for them.
    reserve = _POST_S_PER_REQUEST * len(instance.requests)
    sizes = [len(p.allowed) for p in parts]
    outcomes = []
    reporter = _Reporter(options, began)
    part_ids = [{r.id for r in p.instance.requests} for p in parts]
    mine_of = [[x for x in start if x.request in ids] for ids in part_ids]
    starts = [_value(p.instance, mine) for p, mine in zip(parts, mine_of, strict=True)]
    reporter.plan(starts, [_placeable(p) for p in parts])
    for number, part in enumerate(parts):
        share = sizes[number] / sum(sizes[number:])
        deadline = None
        if clock.deadline is not None:
            deadline = time.perf_counter() + max(0.0, clock.left() - reserve) * share
        work = None if options.deterministic_time is None else options.deterministic_time * share
        ids = part_ids[number]
        before = None if previous is None else [x for x in previous if x.request in ids]
        reporter.begin(starts[number], _placeable(part))
        outcome = _solve_part(
            part,
            options,
            clock=_Clock(deadline),
            budget=_Budget(deadline, work, reporter),
            start=mine_of[number],
            previous=before,
        )
        reporter.end(outcome.phases[-1]["phase"], outcome.objective, outcome.bound)
        outcomes.append(outcome)
    meetings = assign_co_chairs(instance, [x for o in outcomes for x in o.meetings])
    objective = sum(o.objective for o in outcomes)
    bound = sum(o.bound for o in outcomes)
    statuses = {o.status for o in outcomes}
    if "infeasible" in statuses:
        status = "infeasible"
    elif "unknown" in statuses:
        status = "unknown"
    elif statuses <= {"optimal"}:
        status = "optimal"
    else:
        status = "feasible"
    has_plan = status != "unknown"
    gap = (bound - objective) / max(1, abs(bound)) if has_plan else None
    opened = frozenset().union(*(o.opened for o in outcomes))
    phases = _merge_phases(outcomes)
    moves = None
    if previous is not None:
        placed = {x.request: x for x in meetings}
        moves = []
        for old in sorted(previous, key=lambda x: x.request):
            new = placed.get(old.request)
            if new is None or (new.session, new.date, new.slot, new.room) != (
                old.session,
                old.date,
                old.slot,
                old.room,
            ):
                moves.append(Move(request=old.request, source=old, target=new))
    unplaced = explain_unplaced(instance, meetings, opened=opened, index=index)
    statistics: dict[str, Any] = {
        "wall_time_s": round(sum(p["wall_time_s"] for p in phases), 3),
        "branches": sum(p["branches"] for p in phases),
        "conflicts": sum(p["conflicts"] for p in phases),
        "gap": None if gap is None else round(gap, 6),
        "variables": sum(o.variables for o in outcomes),
        "constraints": sum(o.constraints for o in outcomes),
        "num_workers": options.num_workers,
        "seed": options.seed,
        "phases": phases,
        "greedy_fallback": any(o.fallback for o in outcomes),
        "components": len(parts),
        "elapsed_s": round(time.perf_counter() - began, 3),
    }
    return Plan(
        meetings=tuple(sorted(meetings, key=lambda x: (x.date, x.session, x.slot, x.room))),
        unplaced=tuple(unplaced),
        objective=objective if has_plan else 0,
        bound=bound if has_plan else 0,
        status=status,
        statistics=statistics,
        summits=tuple(sorted(opened)),
        shortfalls=tuple(s for o in outcomes for s in o.shortfalls),
        moves=None if moves is None else tuple(moves),
        instance=instance.id,
    )


def solve(instance: Instance, *, options: SolveOptions | None = None) -> Plan:
    """Plan `instance` exactly: maximise the priorities placed, with a proven bound.

    The call returns within about `options.time_limit` seconds in all: building the
    model counts against the limit, and only the explanations of unplaced requests
    come after it (see docs/planner.md, "Performance").

    Args:
        instance: a validated instance.
        options: search limits, workers and seed.

    Returns:
        The plan; `status` is ``optimal``, ``feasible`` (stopped at the limit with a
        plan), ``infeasible`` (fairness floors cannot hold: `shortfalls` names who falls
        short and the plan is the closest one) or ``unknown`` (no plan found in time).

    Example:
        >>> from sideline.planner.instance import parse_instance
        >>> inst = parse_instance({"schema": "sideline.plan-instance/1",
        ...     "organizations": ["a", "b"], "requests": [{"id": "r", "organizations": ["a", "b"]}],
        ...     "sessions": [{"id": "s", "city": "X", "start": "2024-01-01", "end": "2024-01-01",
        ...                   "slots_per_day": 1, "rooms": 1, "attendees": ["a", "b"]}]})
        >>> plan = solve(inst, options=SolveOptions(num_workers=1))
        >>> (plan.status, plan.objective, plan.bound, [x.request for x in plan.meetings])
        ('optimal', 1, 1, ['r'])
    """
    return _run(instance, options or SolveOptions(), None)


def replan(
    instance: Instance, *, previous: Sequence[Meeting], options: SolveOptions | None = None
) -> Plan:
    """Plan a changed `instance` close to `previous`: optimal first, then fewest moves.

    Phase one finds the best objective; phase two keeps the objective at least
    ``(1 - replan_tolerance)`` times it and keeps as many previous meetings at their
    (session, date, slot) as possible. Rooms stay the same where free. Each phase may
    use half of the time limit; the warm start is the previous plan where it still fits.

    Returns:
        The plan, with `moves` listing each previous meeting that moved or was removed.
    """
    return _run(instance, options or SolveOptions(), list(previous))
