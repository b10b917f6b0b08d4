"""Laws checked on many small random instances (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sideline.planner.generate import generate_instance
from sideline.planner.instance import InstanceError, parse_instance
from sideline.planner.schema import plan_to_json
from sideline.planner.solver import SolveOptions, solve
from tests.planner.plan_validator import validate_plan

OPTIONS = SolveOptions(deterministic_time=5, num_workers=1, seed=0)
ORGS = ["a", "b", "c"]


@st.composite
def tiny_instances(draw: st.DrawFn) -> dict[str, Any]:
    sessions = []
    for i in range(draw(st.integers(1, 2))):
        start = dt.date(2024, 5, 6) + dt.timedelta(days=draw(st.integers(0, 1)))
        sessions.append(
            {
                "id": f"s{i}",
                "city": draw(st.sampled_from(["X", "Y"])),
                "start": start.isoformat(),
                "end": (start + dt.timedelta(days=draw(st.integers(0, 1)))).isoformat(),
                "slots_per_day": draw(st.integers(1, 2)),
                "rooms": draw(st.integers(1, 2)),
                "attendees": draw(st.lists(st.sampled_from(ORGS), min_size=2, unique=True)),
            }
        )
    requests = []
    for i in range(draw(st.integers(1, 3))):
        requests.append(
            {
                "id": f"r{i}",
                "organizations": draw(
                    st.lists(st.sampled_from(ORGS), min_size=2, max_size=2, unique=True)
                ),
                "priority": draw(st.integers(1, 5)),
                "slots": draw(st.integers(1, 2)),
                "not_before": "2024-05-0" + str(draw(st.integers(5, 7))),
            }
        )
    rules: dict[str, Any] = {"travel": draw(st.booleans())}
    if draw(st.booleans()):
        rules["max_meetings_per_org_per_day"] = draw(st.integers(1, 2))
    return {
        "schema": "sideline.plan-instance/1",
        "organizations": ORGS,
        "sessions": sessions,
        "requests": requests,
        "rules": rules,
    }


def _brute_force(data: dict[str, Any]) -> int:
    """Return the best objective over every assignment the validator accepts."""
    inst = parse_instance(data)
    options: list[list[dict[str, Any] | None]] = []
    for req in data["requests"]:
        mine: list[dict[str, Any] | None] = [None]
        for s in inst.sessions:
            for day in s.days():
                for slot in range(s.slots_per_day):
                    for room in range(s.rooms):
                        mine.append({"request": req["id"], "session": s.id,
                                     "date": day.isoformat(), "slot": slot, "room": room,
                                     "organizations": req["organizations"],
                                     "co_chairs": req["organizations"]})  # fmt: skip
        options.append(mine)
    best = 0
    for combo in itertools.product(*options):
        meetings = [m for m in combo if m is not None]
        placed = {m["request"] for m in meetings}
        plan = {"meetings": meetings, "status": "unknown",
                "unplaced": [{"request": r["id"]} for r in data["requests"] if r["id"] not in placed]}  # fmt: skip
        if not validate_plan(data, plan):
            best = max(best, sum(r["priority"] for r in data["requests"] if r["id"] in placed))
    return best


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_solve_matches_brute_force_and_validator(data: dict[str, Any]) -> None:
    plan = solve(parse_instance(data), options=OPTIONS)
    assert validate_plan(data, plan_to_json(plan)) == []
    assert (plan.status, plan.objective, plan.bound) == (
        "optimal",
        _brute_force(data),
        plan.objective,
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def damaged_instances(draw: st.DrawFn) -> object:
    base: Any = generate_instance("demo", seed=draw(st.integers(0, 3)))
    base["requests"] = base["requests"][:6]
    base["sessions"] = base["sessions"][:4]
    section = draw(st.sampled_from(["sessions", "requests", "rules", "pinned", "summits", None]))
    if section is None:
        return draw(JSON)
    value = draw(JSON)
    if isinstance(base.get(section), list) and base[section] and draw(st.booleans()):
        item = draw(st.integers(0, len(base[section]) - 1))
        if isinstance(value, dict) and isinstance(base[section][item], dict):
            base[section][item].update(value)
        else:
            base[section][item] = value
    else:
        base[section] = value
    return json.loads(json.dumps(base))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_instances())
def test_solve_never_crashes_on_user_file(data: object) -> None:
    try:
        inst = parse_instance(data)
    except InstanceError as error:
        issues = error.issues
    else:
        plan = solve(inst, options=SolveOptions(time_limit=2, num_workers=1))
        assert plan.status in ("optimal", "feasible", "infeasible", "unknown")
        return
    assert issues
    assert [i.path[0] for i in issues] == ["$"] * len(issues)
