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

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from sideline.planner.constraints import CONSTRAINTS, needs_summit, placements
from sideline.planner.greedy import plan_greedy
from sideline.planner.instance import Instance, Request, Session
from sideline.planner.schema import Meeting, Move, Plan, Shortfall

__all__ = ["ENFORCEMENT", "SolveOptions", "assign_co_chairs", "replan", "solve"]


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """How long and how to search.

    A plan is reproducible for a given `seed` and `num_workers` when the search proves
    optimality, or when `deterministic_time` (CP-SAT's deterministic work units, with
    interleaved workers) replaces the wall-clock `time_limit`.
    """

    time_limit: float = 10.0
    num_workers: int = 2
    seed: int = 0
    deterministic_time: float | None = None
    warm_start: bool = True
    log: bool = False


@dataclass(slots=True)
class _Candidate:
    request: Request
    venue: Session
    date: dt.date
    slot: int
    var: cp_model.IntVar


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

    def priority_expr(self) -> cp_model.LinearExprT:
        variables = [v for v, _ in self.terms]
        return cp_model.LinearExpr.weighted_sum(variables, [c for _, c in self.terms])


def _build_candidates(m: _Model) -> None:
    """Create one boolean per allowed placement (attendance, window, day bounds)."""
    pins = {pin.request: pin for pin in m.instance.pinned}
    for request in m.instance.requests:
        pin = pins.get(request.id)
        summit_ok = bool(m.instance.summits) and needs_summit(m.instance, request)
        for venue, day, slot in placements(m.instance, request):
            if venue.is_summit and not summit_ok:
                continue
            if pin is not None and (venue.id, day, slot) != (pin.session, pin.date, pin.slot):
                continue
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
        count = cp_model.LinearExpr.sum(
            [c.var for c in m.candidates if org in c.request.organizations]
        )
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


def _build(instance: Instance, *, soft_floor: bool) -> _Model:
    m = _Model(instance, soft_floor=soft_floor)
    _build_candidates(m)
    for constraint in CONSTRAINTS:
        ENFORCEMENT[constraint.name](m)
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


def _solve_phase(m: _Model, options: SolveOptions, *, name: str, run: _Run | None) -> _Run:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = options.num_workers
    params.random_seed = options.seed
    params.log_search_progress = options.log
    # Probing and symmetry detection eat whole time limits on M and L for little gain:
    # the LP bound of this model is already tight (see docs/planner.md, "The model").
    params.cp_model_probing_level = 0
    params.symmetry_level = 0
    if options.deterministic_time is not None:
        params.max_deterministic_time = options.deterministic_time
        params.interleave_search = options.num_workers > 1
    else:
        params.max_time_in_seconds = options.time_limit
    code = solver.solve(m.model)
    status = _STATUS.get(code, "unknown")
    phase: dict[str, Any] = {
        "phase": name,
        "status": status,
        "wall_time_s": round(solver.wall_time, 3),
        "branches": solver.num_branches,
        "conflicts": solver.num_conflicts,
    }
    if status in ("optimal", "feasible"):
        phase["objective"] = round(solver.objective_value)
        phase["bound"] = math.floor(solver.best_objective_bound + 1e-6)
    out = _Run(solver=solver, status=status, phases=[*(run.phases if run else []), phase])
    return out


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
    return assign_co_chairs(m.instance, meetings)


def _first_phase(instance: Instance, options: SolveOptions) -> tuple[_Model, _Run, list[Shortfall]]:
    """Solve for the priority objective; relax fairness floors when they cannot hold."""
    m = _build(instance, soft_floor=False)
    m.model.maximize(m.priority_expr())
    if options.warm_start:
        _hint(m, plan_greedy(instance))
    run = _solve_phase(m, options, name="priority", run=None)
    if run.status != "infeasible" or instance.rules.min_meetings_per_org == 0:
        return m, run, []
    # The floors cannot all hold: find the plan that falls short least, then best.
    soft = _build(instance, soft_floor=True)
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
        _hint(soft, plan_greedy(instance))
    relaxed = _solve_phase(soft, options, name="floor_relaxed", run=run)
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


def _finish(
    m: _Model,
    run: _Run,
    first: _Run,
    *,
    shortfalls: list[Shortfall],
    meetings: list[Meeting],
    options: SolveOptions,
    moves: tuple[Move, ...] | None = None,
) -> Plan:
    # Imported here: explain builds on the plan this module returns.
    from sideline.planner.explain import explain_unplaced

    has_plan = any("objective" in p for p in run.phases)
    fallback = not has_plan and bool(meetings)
    if fallback:
        # No solution from CP-SAT in time: the greedy plan stands, with the trivial bound.
        objective = sum(m.instance.request(x.request).priority for x in meetings)
        bound = _relaxed_bound(m, first)
    else:
        objective = _priority_of(m, run.solver) if has_plan else 0
        bound = int(first.phases[-1].get("bound", objective)) if has_plan else 0
        # Before CP-SAT's LP has run (large models, short limits) its bound can be far
        # weaker than the plain sum of the priorities that have any placement.
        bound = min(bound, max(objective, _relaxed_bound(m, first)))
    if m.soft_floor:
        # The relaxed model's bound includes the shortfall penalty; report priorities.
        bound = max(objective, _relaxed_bound(m, first))
    gap = (bound - objective) / max(1, abs(bound)) if has_plan or fallback else None
    used = sorted({x.session for x in meetings} & set(m.opened))
    statistics: dict[str, Any] = {
        "wall_time_s": round(sum(p["wall_time_s"] for p in run.phases), 3),
        "branches": sum(p["branches"] for p in run.phases),
        "conflicts": sum(p["conflicts"] for p in run.phases),
        "gap": None if gap is None else round(gap, 6),
        "variables": len(m.model.proto.variables),
        "constraints": len(m.model.proto.constraints),
        "num_workers": options.num_workers,
        "seed": options.seed,
        "phases": run.phases,
        "greedy_fallback": fallback,
    }
    status = run.status if run.status == "infeasible" else first.status
    if fallback:
        status = "feasible"
    if status == "optimal" and run.status not in ("optimal", "infeasible"):
        status = "feasible"
    return Plan(
        meetings=tuple(sorted(meetings, key=lambda x: (x.date, x.session, x.slot, x.room))),
        unplaced=tuple(explain_unplaced(m.instance, meetings, opened=frozenset(used))),
        objective=objective,
        bound=bound,
        status=status,
        statistics=statistics,
        summits=tuple(used),
        shortfalls=tuple(shortfalls),
        moves=moves,
        instance=m.instance.id,
    )


def _relaxed_bound(m: _Model, run: _Run) -> int:
    # Without a proof on priorities alone, the sum of placeable priorities bounds them.
    return sum(r.priority for r in m.instance.requests if m.by_request.get(r.id))


def solve(instance: Instance, *, options: SolveOptions | None = None) -> Plan:
    """Plan `instance` exactly: maximise the priorities placed, with a proven bound.

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
    options = options or SolveOptions()
    m, first, shortfalls = _first_phase(instance, options)
    run = first
    if first.status in ("optimal", "feasible") and instance.rules.maximise_min_share:
        _hold_objective(m, first, tolerance=instance.rules.fairness_tolerance)
        share = m.model.new_int_var(0, 1000, "min_share")
        for org in instance.organizations:
            asked = sum(1 for r in instance.requests if org in r.organizations)
            if asked:
                count = cp_model.LinearExpr.sum(
                    [c.var for c in m.candidates if org in c.request.organizations]
                )
                m.model.add(1000 * count >= asked * share)
        m.model.maximize(share)
        second = _solve_phase(m, options, name="min_share", run=first)
        if second.status in ("optimal", "feasible"):
            run = second
        else:
            run = _Run(first.solver, first.status, second.phases)
    has_plan = any("objective" in p for p in run.phases)
    if has_plan:
        meetings = _meetings(m, run.solver, prefer={})
    elif first.status == "unknown" and instance.rules.min_meetings_per_org == 0:
        meetings = assign_co_chairs(instance, plan_greedy(instance))
    else:
        meetings = []
    return _finish(m, run, first, shortfalls=shortfalls, meetings=meetings, options=options)


def replan(
    instance: Instance, *, previous: Sequence[Meeting], options: SolveOptions | None = None
) -> Plan:
    """Plan a changed `instance` close to `previous`: optimal first, then fewest moves.

    Phase one finds the best objective; phase two keeps the objective at least
    ``(1 - replan_tolerance)`` times it and keeps as many previous meetings at their
    (session, date, slot) as possible. Rooms stay the same where free.

    Returns:
        The plan, with `moves` listing each previous meeting that moved or was removed.
    """
    options = options or SolveOptions()
    m, first, shortfalls = _first_phase(instance, options)
    run = first
    prefer = {x.request: x.room for x in previous}
    if first.status in ("optimal", "feasible"):
        _hold_objective(m, first, tolerance=instance.rules.replan_tolerance)
        where = {(x.request, x.session, x.date, x.slot) for x in previous}
        kept = [c.var for c in m.candidates if (c.request.id, c.venue.id, c.date, c.slot) in where]
        m.model.maximize(cp_model.LinearExpr.sum(kept))
        second = _solve_phase(m, options, name="fewest_moves", run=first)
        if second.status in ("optimal", "feasible"):
            run = second
        else:
            run = _Run(first.solver, first.status, second.phases)
        meetings = _meetings(m, run.solver, prefer=prefer)
    else:
        meetings = []
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
    return _finish(
        m,
        run,
        first,
        shortfalls=shortfalls,
        meetings=meetings,
        options=options,
        moves=tuple(moves),
    )
