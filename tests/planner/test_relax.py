"""The day-level LP relaxation: its bound is valid, and its rounding is a valid plan."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from sideline.planner.generate import generate_instance
from sideline.planner.greedy import PlacementIndex, plan_guided
from sideline.planner.instance import Instance, parse_instance
from sideline.planner.relax import Relaxation, solve_relaxation
from sideline.planner.schema import Plan, plan_to_json
from sideline.planner.solver import SolveOptions, solve
from tests.planner.factory import instance, request, session
from tests.planner.plan_validator import validate_plan
from tests.planner.strategies import brute_force, tiny_instances


def _relax(inst: Instance) -> Relaxation:
    index = PlacementIndex(inst)
    allowed = [
        (r, venue, day, slot)
        for r in inst.requests
        for venue, day, slot in index.placements(r)
        if not venue.is_summit or index.needs_summit(r)
    ]
    relaxation = solve_relaxation(inst, allowed)
    assert relaxation is not None
    return relaxation


def _guided(inst: Instance, relaxation: Relaxation) -> Plan:
    meetings = plan_guided(inst, values=relaxation.values, opened=relaxation.opened)
    summits = {s.id: s.cost for s in inst.summits}
    objective = sum(inst.request(x.request).priority for x in meetings)
    objective -= sum(summits[s] for s in {x.session for x in meetings} & set(summits))
    return Plan(
        meetings=tuple(meetings), unplaced=(), objective=objective, bound=0, status="feasible"
    )


def _json_plan(data: dict[str, Any], inst: Instance, plan: Plan) -> dict[str, Any]:
    out = plan_to_json(plan)
    placed = {m["request"] for m in out["meetings"]}
    for meeting in out["meetings"]:
        meeting["co_chairs"] = meeting["organizations"][:2]
    out["unplaced"] = [{"request": r.id} for r in inst.requests if r.id not in placed]
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_bound_is_never_below_the_brute_force_optimum(data: dict[str, Any]) -> None:
    inst = parse_instance(data)
    relaxation = _relax(inst)
    best = brute_force(data)
    placeable = sum(r.priority for r in inst.requests if PlacementIndex(inst).placements(r))
    assert best <= relaxation.bound <= placeable
    guided = _guided(inst, relaxation)
    assert validate_plan(data, _json_plan(data, inst, guided)) == []
    assert guided.objective <= best


def test_one_slot_day_bounds_an_organization_to_one_meeting() -> None:
    data = instance(
        sessions=[session("s", slots=1, rooms=3, attendees=["a", "b", "c", "d"])],
        requests=[
            request("r1", ["a", "b"], priority=3),
            request("r2", ["a", "c"], priority=2),
            request("r3", ["a", "d"], priority=2),
        ],
    )
    assert _relax(parse_instance(data)).bound == 3


def test_travel_keeps_an_organization_in_one_city_a_day() -> None:
    data = instance(
        sessions=[
            session("x", city="X", slots=4, attendees=["a", "b"]),
            session("y", city="Y", slots=4, attendees=["a", "c"]),
        ],
        requests=[request("r1", ["a", "b"], priority=4), request("r2", ["a", "c"], priority=3)],
    )
    inst = parse_instance(data)
    assert _relax(inst).bound == 4
    off = parse_instance({**data, "rules": {"travel": False}})
    assert _relax(off).bound == 7


def _summit_instance(priorities: list[int]) -> dict[str, Any]:
    data = instance(
        sessions=[session("s", attendees=["a", "b"])],
        requests=[request(f"r{i}", ["a", "c"], priority=p) for i, p in enumerate(priorities)],
    )
    data["organizations"] = ["a", "b", "c"]
    data["summits"] = [
        {
            "id": "summit",
            "city": "Astana",
            "start": data["sessions"][0]["start"],
            "end": data["sessions"][0]["end"],
            "slots_per_day": 4,
            "rooms": 2,
            "cost": 8,
        }
    ]
    return data


def test_a_summit_is_opened_only_when_it_earns_its_cost() -> None:
    dear = parse_instance(_summit_instance([5]))
    relaxation = _relax(dear)
    assert relaxation.bound == 0
    assert _guided(dear, relaxation).meetings == ()
    worth = parse_instance(_summit_instance([5, 5]))
    relaxation = _relax(worth)
    assert relaxation.bound == 2
    assert sorted(x.request for x in _guided(worth, relaxation).meetings) == ["r0", "r1"]


def test_generated_family_is_proved_optimal_from_the_relaxation() -> None:
    data = generate_instance("M", seed=0)
    inst = parse_instance(data)
    plan = solve(inst, options=SolveOptions(deterministic_time=5, num_workers=1, seed=0))
    assert plan.status == "optimal"
    assert plan.objective == plan.bound
    assert validate_plan(data, plan_to_json(plan)) == []
    relaxation = _relax(inst)
    assert plan.objective <= relaxation.bound


def test_no_time_left_gives_no_relaxation_rather_than_a_late_one() -> None:
    inst = parse_instance(generate_instance("M", seed=0))
    index = PlacementIndex(inst)
    allowed = [(r, v, d, k) for r in inst.requests for v, d, k in index.placements(r)]
    assert solve_relaxation(inst, allowed, seconds=0.0) is None
    assert solve_relaxation(inst, allowed[:10], seconds=0.0) is None


def test_relaxation_path_keeps_pins_and_passes_the_validator() -> None:
    data = generate_instance("M", seed=1)
    first = solve(parse_instance(data), options=SolveOptions(deterministic_time=5, num_workers=1))
    # Pin a low-priority meeting where it was: the LP start and the proof must keep it.
    meeting = min(
        first.meetings, key=lambda x: (parse_instance(data).request(x.request).priority, x.request)
    )
    data["pinned"] = [
        {
            "request": meeting.request,
            "session": meeting.session,
            "date": meeting.date.isoformat(),
            "slot": meeting.slot,
            "room": meeting.room,
        }
    ]
    plan = solve(parse_instance(data), options=SolveOptions(deterministic_time=5, num_workers=1))
    assert validate_plan(data, plan_to_json(plan)) == []
    placed = {x.request: x for x in plan.meetings}
    assert placed[meeting.request].position() == meeting.position()
    assert plan.objective <= plan.bound
