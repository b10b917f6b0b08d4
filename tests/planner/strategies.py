"""Hypothesis strategies and a brute-force optimum for tiny planner instances.

Shared by the property tests of the solver (`test_properties.py`) and of the day-level
relaxation (`test_relax.py`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import strategies as st

from sideline.planner.instance import parse_instance
from tests.planner.plan_validator import validate_plan

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


def brute_force(data: dict[str, Any]) -> int:
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
