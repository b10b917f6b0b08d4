"""Each named constraint's checker, on one clean and one broken plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sideline.planner.constraints import (
    CONSTRAINTS,
    Violation,
    check_edit,
    check_plan,
    needs_summit,
    placements,
)
from sideline.planner.generate import generate_instance
from sideline.planner.greedy import PlacementIndex
from sideline.planner.instance import Instance, parse_instance
from sideline.planner.schema import Meeting
from sideline.planner.solver import ENFORCEMENT
from tests.planner.factory import instance, request, session

DAY = dt.date(2024, 5, 6)


def _inst(**rules: Any) -> Instance:
    return parse_instance(
        instance(
            [
                session("s", ["a", "b", "c"], slots=3, rooms=2, end="2024-05-07"),
                session("g", ["a", "b", "c"], city="Geneva", slots=3),
                session("x", ["a", "b"], start="2024-09-01"),
            ],
            [
                request("r1", ["a", "b"], priority=3, not_after="2024-05-06"),
                request("r2", ["a", "c"], priority=2),
                request("r3", ["b", "c"], slots=2),
            ],
            organizations=["a", "b", "c", "d"],
            summits=[{"id": "sum", "city": "Baku", "start": "2024-07-01", "end": "2024-07-01",
                      "slots_per_day": 2, "rooms": 1, "cost": 1}],
            rules=rules,
        )
    )  # fmt: skip


def _m(rid: str, *, session: str = "s", day: dt.date = DAY, slot: int = 0, room: int = 0,
       chairs: tuple[str, ...] | None = None) -> Meeting:  # fmt: skip
    orgs = {"r1": ("a", "b"), "r2": ("a", "c"), "r3": ("b", "c")}[rid]
    return Meeting(rid, session, day, slot, room, orgs, f"topic {rid}",
                   2 if rid == "r3" else 1, orgs[:2] if chairs is None else chairs)  # fmt: skip


def _only(inst: Instance, name: str, meetings: list[Meeting]) -> list[Violation]:
    (constraint,) = [c for c in CONSTRAINTS if c.name == name]
    return constraint.check(inst, meetings)


def test_constraints_match_solver_enforcement() -> None:
    assert [c.name for c in CONSTRAINTS] == list(ENFORCEMENT)


def test_check_plan_accepts_valid_plan() -> None:
    meetings = [_m("r1"), _m("r2", slot=1), _m("r3", slot=1, room=1, day=DAY + dt.timedelta(1))]
    assert check_plan(_inst(), meetings) == []


def test_reference_flags_unknown_session() -> None:
    assert _only(_inst(), "reference", [_m("r1", session="zz")]) == [
        Violation("reference", "r1: unknown session 'zz'", ("r1",))
    ]


def test_once_flags_request_placed_twice() -> None:
    assert _only(_inst(), "once", [_m("r2"), _m("r2", slot=1)]) == [
        Violation("once", "r2 is placed more than once", ("r2",))
    ]


def test_attendance_flags_absent_organization() -> None:
    assert _only(_inst(), "attendance", [_m("r2", session="x", day=dt.date(2024, 9, 1))]) == [
        Violation("attendance", "r2: c does not attend x", ("r2",))
    ]


def test_window_flags_day_outside_request_window() -> None:
    assert _only(_inst(), "window", [_m("r1", day=DAY + dt.timedelta(1))]) == [
        Violation("window", "r1: 2024-05-07 is outside the request's window", ("r1",))
    ]


def test_window_flags_day_outside_session() -> None:
    assert _only(_inst(), "window", [_m("r2", day=DAY + dt.timedelta(2))]) == [
        Violation("window", "r2: 2024-05-08 is not a day of s", ("r2",))
    ]


def test_day_bounds_flags_meeting_past_last_slot() -> None:
    assert _only(_inst(), "day_bounds", [_m("r3", slot=2)]) == [
        Violation("day_bounds", "r3: slots 2..3 do not fit the 3 slots of a day at s", ("r3",))
    ]


def test_room_flags_shared_room() -> None:
    assert _only(_inst(), "room", [_m("r1"), _m("r3", slot=0)]) == [
        Violation("room", "r1 and r3 share room 0 at s on 2024-05-06", ("r1", "r3"))
    ]


def test_room_flags_missing_room() -> None:
    assert _only(_inst(), "room", [_m("r1", room=2)]) == [
        Violation("room", "r1: room 2 does not exist at s (rooms 0..1)", ("r1",))
    ]


def test_delegation_flags_overlap_across_slots() -> None:
    assert _only(_inst(), "delegation", [_m("r3", slot=0), _m("r1", slot=1, room=1)]) == [
        Violation("delegation", "b is in r3 and r1 at once on 2024-05-06", ("r3", "r1"))
    ]


def test_daily_cap_flags_too_many_meetings() -> None:
    inst = _inst(max_meetings_per_org_per_day=1)
    assert _only(inst, "daily_cap", [_m("r1"), _m("r2", slot=1)]) == [
        Violation("daily_cap", "a has 2 meetings on 2024-05-06 (at most 1)", ("r1", "r2"))
    ]


def test_travel_flags_two_cities_a_day() -> None:
    assert _only(_inst(), "travel", [_m("r1"), _m("r2", session="g", slot=1)]) == [
        Violation("travel", "a would be in Astana and Geneva on 2024-05-06", ("r1", "r2"))
    ]


def test_travel_off_allows_two_cities() -> None:
    inst = _inst(travel=False)
    assert _only(inst, "travel", [_m("r1"), _m("r2", session="g", slot=1)]) == []


def test_pinned_flags_moved_meeting() -> None:
    data = instance([session("s", ["a", "b"], slots=2)], [request("r1", ["a", "b"])])
    data["pinned"] = [{"request": "r1", "session": "s", "date": "2024-05-06", "slot": 1, "room": 0}]
    inst = parse_instance(data)
    assert _only(inst, "pinned", [_m("r1")]) == [
        Violation("pinned", "r1 must be at s on 2024-05-06, slot 1, room 0", ("r1",))
    ]


def test_summit_need_flags_summit_meeting_a_session_could_host() -> None:
    assert _only(_inst(), "summit_need", [_m("r2", session="sum", day=dt.date(2024, 7, 1))]) == [
        Violation(
            "summit_need",
            "r2 is at summit sum although a sideline session could host it",
            ("r2",),
        )
    ]


def test_co_chairs_flags_outsider_chair() -> None:
    assert _only(_inst(), "co_chairs", [_m("r1", chairs=("a", "c"))]) == [
        Violation(
            "co_chairs", "r1 must name two distinct co-chairs among its organizations", ("r1",)
        )
    ]


def test_floor_flags_organization_short() -> None:
    inst = _inst(min_meetings_per_org=1)
    assert _only(inst, "floor", [_m("r1")]) == [
        Violation("floor", "c has 0 meetings (at least 1)", ()),
        Violation("floor", "d has 0 meetings (at least 1)", ()),
    ]


def test_check_edit_reports_only_the_edited_meeting() -> None:
    meetings = [_m("r1"), _m("r2", slot=1, room=1)]
    edited = _m("r3", slot=1, room=1)
    assert [v.constraint for v in check_edit(_inst(), meetings, edited=edited)] == [
        "room",
        "delegation",
    ]


@pytest.mark.parametrize(("family", "seed"), [("demo", 0), ("demo", 3), ("M", 0)])
def test_placement_index_yields_what_placements_yields(family: str, seed: int) -> None:
    inst = parse_instance(generate_instance(family, seed=seed))
    index = PlacementIndex(inst)
    for req in inst.requests:
        assert index.placements(req) == list(placements(inst, req))
        assert index.needs_summit(req) == needs_summit(inst, req)
