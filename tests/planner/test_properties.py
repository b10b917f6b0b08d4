"""Laws checked on many small random instances (Hypothesis)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sideline.planner.generate import generate_instance
from sideline.planner.instance import InstanceError, parse_instance
from sideline.planner.schema import plan_to_json
from sideline.planner.solver import SolveOptions, solve
from tests.planner.plan_validator import validate_plan
from tests.planner.strategies import brute_force, tiny_instances

OPTIONS = SolveOptions(deterministic_time=5, num_workers=1, seed=0)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_solve_matches_brute_force_and_validator(data: dict[str, Any]) -> None:
    plan = solve(parse_instance(data), options=OPTIONS)
    assert validate_plan(data, plan_to_json(plan)) == []
    assert (plan.status, plan.objective, plan.bound) == (
        "optimal",
        brute_force(data),
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
