"""Re-planning keeps the optimum and moves as few meetings as possible."""

from __future__ import annotations

import copy
from typing import Any

from sideline.planner.instance import parse_instance
from sideline.planner.schema import plan_to_json
from sideline.planner.solver import SolveOptions, replan, solve
from tests.planner.factory import instance, request, session
from tests.planner.plan_validator import validate_plan

OPTIONS = SolveOptions(deterministic_time=10, num_workers=1, seed=3)


def _year() -> dict[str, Any]:
    return instance(
        [
            session("s1", ["a", "b", "c", "d"], slots=2, rooms=2, end="2024-05-07"),
            session("s2", ["a", "b", "c", "d"], start="2024-06-10", slots=2, rooms=1),
        ],
        [request(f"r{i}", [["a", "b"], ["c", "d"], ["a", "c"], ["b", "d"]][i % 4], priority=2)
         for i in range(6)],
    )  # fmt: skip


def test_replan_unchanged_instance_moves_nothing() -> None:
    data = _year()
    before = solve(parse_instance(data), options=OPTIONS)
    after = replan(parse_instance(data), previous=before.meetings, options=OPTIONS)
    assert (after.objective, after.moves) == (before.objective, ())


def test_replan_moves_only_meetings_of_cancelled_day() -> None:
    data = _year()
    before = solve(parse_instance(data), options=OPTIONS)
    changed = copy.deepcopy(data)
    changed["sessions"][0]["end"] = "2024-05-06"  # the session loses its second day
    lost = sorted(m.request for m in before.meetings if m.date.isoformat() == "2024-05-07")
    after = replan(parse_instance(changed), previous=before.meetings, options=OPTIONS)
    assert validate_plan(changed, plan_to_json(after)) == []
    assert after.objective == solve(parse_instance(changed), options=OPTIONS).objective
    assert after.moves is not None
    assert sorted(m.request for m in after.moves) == lost
    assert [p["phase"] for p in after.statistics["phases"]] == ["priority_and_fewest_moves"]


def test_replan_added_request_keeps_existing_meetings() -> None:
    data = _year()
    data["sessions"][1]["slots_per_day"] = 4
    before = solve(parse_instance(data), options=OPTIONS)
    changed = copy.deepcopy(data)
    changed["requests"].append(request("new", ["a", "d"], priority=1))
    after = replan(parse_instance(changed), previous=before.meetings, options=OPTIONS)
    assert after.moves == ()
    assert "new" in {m.request for m in after.meetings}


def test_replan_reports_removed_meeting() -> None:
    data = _year()
    before = solve(parse_instance(data), options=OPTIONS)
    changed = copy.deepcopy(data)
    changed["requests"] = [r for r in changed["requests"] if r["id"] != "r0"]
    after = replan(parse_instance(changed), previous=before.meetings, options=OPTIONS)
    assert after.moves is not None
    assert [(m.request, m.target) for m in after.moves] == [("r0", None)]
    assert plan_to_json(after)["moves"][0]["to"] is None


def test_replan_without_time_keeps_previous_meetings_that_still_fit() -> None:
    data = _year()
    before = solve(parse_instance(data), options=OPTIONS)
    after = replan(
        parse_instance(data),
        previous=before.meetings,
        options=SolveOptions(time_limit=0, num_workers=1),
    )
    assert validate_plan(data, plan_to_json(after)) == []
    # Every request is placed, so the kept plan is proved optimal without a search.
    assert (after.status, after.objective, after.moves) == ("optimal", before.objective, ())
