"""Small builders of instance JSON for the planner tests."""

from __future__ import annotations

from typing import Any


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
