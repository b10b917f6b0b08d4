"""Small builders of instance JSON and shared constants for the planner tests."""

from __future__ import annotations

from typing import Any

from sideline.planner.solver import SolveOptions


def session(
    sid: str,
    attendees: list[str],
    *,
    city: str = "Astana",
    start: str = "2024-05-06",
    end: str | None = None,
    slots: int = 2,
    rooms: int = 1,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": sid,
        "forum": f"forum-{sid}",
        "city": city,
        "start": start,
        "end": end or start,
        "slots_per_day": slots,
        "rooms": rooms,
        "attendees": attendees,
        **extra,
    }


def request(
    rid: str, organizations: list[str], *, priority: int = 1, slots: int = 1, **extra: Any
) -> dict[str, Any]:
    return {
        "id": rid,
        "organizations": organizations,
        "topic": f"topic {rid}",
        "priority": priority,
        "slots": slots,
        **extra,
    }


def instance(
    sessions: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    *,
    organizations: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    orgs = organizations or sorted(
        {o for s in sessions for o in s["attendees"]}
        | {o for r in requests for o in r["organizations"]}
    )
    return {
        "schema": "sideline.plan-instance/1",
        "id": "test",
        "organizations": orgs,
        "sessions": sessions,
        "requests": requests,
        **extra,
    }


# Deterministic work, not seconds: a proof of optimality must not depend on the
# machine's speed (CI runs on 2 loaded cores).
FAST = SolveOptions(deterministic_time=5.0, num_workers=1, seed=0)
# The same bounds for `sideline plan` on the command line.
FAST_CLI = ("--time-limit", "5", "--workers", "1")

# Three requests between organizations that all attend the UN General Assembly's
# high-level week 2013 (unga-68, New York, 24 September – 1 October).
WEEK = {"not_before": "2013-09-24", "not_after": "2013-10-01"}
REQUESTS: list[dict[str, Any]] = [
    {"id": "r1", "organizations": ["csto", "sco"], "topic": "counter-terrorism", "priority": 5},
    {"id": "r2", "organizations": ["eu", "osce"], "topic": "conflict-prevention", "priority": 3},
    {"id": "r3", "organizations": ["cis", "un"], "topic": "free text topic", "priority": 2},
]
for _request in REQUESTS:
    _request.update(WEEK)
