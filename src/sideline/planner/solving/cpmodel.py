"""The CP-SAT model of `constraints.CONSTRAINTS`: one boolean per allowed `Placement`.

Model size is kept down in two ways (see docs/planner.md, "The model"):

* one boolean per (request, venue, day, start slot) that attendance, window and day
  length allow, and nothing for the rest;
* rooms are not variables: the number of meetings covering a slot of a venue-day is at
  most its rooms, and rooms are given afterwards by interval colouring in start order,
  which is exact for interval graphs; only venue-days holding a pinned meeting (whose
  room is fixed in advance) get room variables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ortools.sat.python import cp_model

from sideline.planner.constraints import CONSTRAINTS
from sideline.planner.greedy import PlacementIndex
from sideline.planner.instance import Instance, Request, Session
from sideline.planner.schema import Meeting
from sideline.planner.solving.budget import Clock

__all__ = [
    "ENFORCEMENT",
    "Candidate",
    "Model",
    "Placement",
    "allowed_placements",
    "build",
    "chosen",
    "hint",
    "meetings_of",
    "priority_of",
]


class Placement(NamedTuple):
    """Where and when a request may start: a venue (session or summit), a date, a slot."""

    request: Request
    venue: Session
    date: dt.date
    slot: int


@dataclass(slots=True)
class Candidate:
    """A placement in the model, with its boolean."""

    request: Request
    venue: Session
    date: dt.date
    slot: int
    var: cp_model.IntVar


@dataclass
class Model:
    """A CP-SAT model of one part, with the variables the solver reads back."""

    instance: Instance
    soft_floor: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    candidates: list[Candidate] = field(default_factory=list)
    by_request: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
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


def allowed_placements(instance: Instance, index: PlacementIndex) -> list[Placement]:
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
            out.append(Placement(request, venue, day, slot))
    return out


def _build_candidates(m: Model) -> None:
    """Create one boolean per allowed placement (attendance, window, day bounds)."""
    for request, venue, day, slot in m.allowed:
        var = m.model.new_bool_var(f"x[{request.id},{venue.id},{day},{slot}]")
        candidate = Candidate(request, venue, day, slot, var)
        m.candidates.append(candidate)
        m.by_request[request.id].append(candidate)
        m.terms.append((var, request.priority))


def _by_construction(m: Model) -> None:
    """Nothing to add: candidates copy their request and exist only where allowed."""


def _add_once(m: Model) -> None:
    for group in m.by_request.values():
        if len(group) > 1:
            m.model.add_at_most_one(c.var for c in group)


def _add_room(m: Model) -> None:
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


def _org_day_groups(m: Model) -> dict[tuple[str, dt.date], list[Candidate]]:
    groups: dict[tuple[str, dt.date], list[Candidate]] = defaultdict(list)
    for c in m.candidates:
        for org in c.request.organizations:
            groups[(org, c.date)].append(c)
    return groups


def _add_delegation(m: Model) -> None:
    busy: dict[tuple[str, dt.date, int], list[cp_model.IntVar]] = defaultdict(list)
    for c in m.candidates:
        for org in c.request.organizations:
            for k in range(c.slot, c.slot + c.request.slots):
                busy[(org, c.date, k)].append(c.var)
    for group in busy.values():
        if len(group) > 1:
            m.model.add_at_most_one(group)


def _add_daily_cap(m: Model) -> None:
    cap = m.instance.rules.max_meetings_per_org_per_day
    if cap is None:
        return
    for group in _org_day_groups(m).values():
        if len({c.request.id for c in group}) > cap:
            m.model.add(cp_model.LinearExpr.sum([c.var for c in group]) <= cap)


def _add_travel(m: Model) -> None:
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


def _add_pinned(m: Model) -> None:
    for pin in m.instance.pinned:
        (candidate,) = m.by_request[pin.request]
        m.model.add(candidate.var == 1)
        index = m.candidates.index(candidate)
        m.model.add(m.room_vars[index][pin.room] == 1)


def _add_summit_need(m: Model) -> None:
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


def _post_pass(m: Model) -> None:
    """Nothing to add: co-chairs are assigned after solving (`assign_co_chairs`)."""


def _add_floor(m: Model) -> None:
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


ENFORCEMENT: Mapping[str, Callable[[Model], None]] = {
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


def build(
    instance: Instance, *, soft_floor: bool, allowed: Sequence[Placement], clock: Clock
) -> Model:
    """Return the model of `instance` over `allowed`; raise `OutOfTime` past `clock`."""
    m = Model(instance, soft_floor=soft_floor, allowed=allowed)
    clock.check()
    _build_candidates(m)
    for constraint in CONSTRAINTS:
        # Checked between rules: building a large model can take seconds, and the whole
        # call must stay within its time limit.
        clock.check()
        ENFORCEMENT[constraint.name](m)
    clock.check()
    return m


def hint(m: Model, meetings: Sequence[Meeting]) -> None:
    """Hint `meetings` to CP-SAT as a complete solution of `m`."""
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


def chosen(m: Model, solver: cp_model.CpSolver) -> list[tuple[int, Candidate]]:
    """Return the candidates (with their positions) of the solution found."""
    return [(i, c) for i, c in enumerate(m.candidates) if solver.boolean_value(c.var)]


def priority_of(m: Model, solver: cp_model.CpSolver) -> int:
    """Return the priority objective (summits' costs taken off) of the solution found."""
    return sum(coef * int(solver.value(var)) for var, coef in m.terms)


def _assign_rooms(
    m: Model,
    solver: cp_model.CpSolver,
    chosen: list[tuple[int, Candidate]],
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
    groups: dict[tuple[str, dt.date], list[Candidate]] = defaultdict(list)
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


def meetings_of(m: Model, solver: cp_model.CpSolver, *, prefer: Mapping[str, int]) -> list[Meeting]:
    """Return the meetings of the solution found, with rooms (`prefer`: a previous room)."""
    picked = chosen(m, solver)
    rooms = _assign_rooms(m, solver, picked, prefer=prefer)
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
        for _, c in picked
    ]
    return meetings
