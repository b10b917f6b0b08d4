"""Planner API: versions, meetings, unplaced, solving a posted instance, feeds."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs installed in the venv
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sideline.planner.api.solve_limits import SOLVE_SLOTS, SolveSlots
from sideline.planner.models import Plan
from sideline.planner.services import publish_plan
from sideline.registry.models import Organization
from tests.planner.factory import request, session

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def instance(**changes: Any) -> dict[str, Any]:
    return {
        "schema": "sideline.plan-instance/1",
        "organizations": ["a", "b"],
        "sessions": [session("s1", ["a", "b"])],
        "requests": [request("r1", ["a", "b"], priority=4)],
        **changes,
    }


@pytest.fixture
def solver(client: Client, db: None) -> Client:
    """A client signed in as someone with no role at all: solving needs only an account."""
    client.force_login(get_user_model().objects.create_user("solver"))
    return client


def _solve(client: Client, data: dict[str, Any], query: str = "") -> Any:
    return client.post(
        f"/api/planner/solve{query}", json.dumps(data), content_type="application/json"
    )


def test_plans_lists_published_only_for_the_public(client: Client, plan_2013: Plan) -> None:
    assert client.get("/api/planner/plans").json() == []
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    body = client.get("/api/planner/plans?year=2013").json()

    assert [(p["year"], p["version"], p["status"], p["published_by"]) for p in body] == [
        (2013, 1, "published", "osce")
    ]


def test_plan_draft_is_404_for_the_public(client: Client, plan_2013: Plan) -> None:
    response = client.get(f"/api/planner/plans/{plan_2013.pk}")

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "plan_not_found",
            "message": f"no plan {plan_2013.pk}",
            "field": "plan_id",
        }
    }


def test_plan_meetings_and_unplaced_for_coordinator(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)

    meetings = client.get(f"/api/planner/plans/{plan_2013.pk}/meetings?organization=csto").json()
    unplaced = client.get(f"/api/planner/plans/{plan_2013.pk}/unplaced").json()

    assert [(m["request"], m["organizations"], m["session"]) for m in meetings] == [
        ("r1", ["csto", "sco"], "unga-68")
    ]
    assert meetings[0]["timezone"] == "America/New_York"
    assert unplaced == []


def test_solve_returns_plan_valid_against_schema(solver: Client) -> None:
    response = _solve(solver, instance(), "?time_limit=2")

    body = response.json()
    schema = json.loads((SCHEMAS / "plan-1.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(body, schema)
    assert response.status_code == 200
    # The warm start places the only request: optimal without a search, so at any speed.
    assert (body["status"], body["objective"], body["bound"]) == ("optimal", 4, 4)


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (
            instance(requests=[request("r1", ["a", "x"])]),
            "unknown_organization",
            "$.requests[0].organizations[1]",
        ),
        (instance(schema="nope"), "wrong_schema", "$.schema"),
        (
            instance(sessions=[session("s1", ["a", "b"], start="2024-13-01")]),
            "not_a_date",
            "$.sessions[0].start",
        ),
    ],
)
def test_solve_bad_instance_is_400_with_json_path(
    solver: Client, data: dict[str, Any], code: str, field: str
) -> None:
    response = _solve(solver, data)

    error = response.json()["error"]
    assert response.status_code == 400
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"].startswith(f"{field}: ")


def test_solve_time_limit_above_cap_is_400(solver: Client, settings: Any) -> None:
    settings.SIDELINE_SOLVE_MAX_SECONDS = 3

    response = _solve(solver, instance(), "?time_limit=3.5")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_time_limit",
        "message": "time_limit must be above 0 and at most 3 seconds",
        "field": "time_limit",
    }


def test_solve_anonymous_is_401_and_nothing_solved(client: Client, db: None) -> None:
    response = _solve(client, instance())

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_solve_with_every_slot_taken_is_429_with_retry_after(solver: Client, settings: Any) -> None:
    settings.SIDELINE_SOLVE_CONCURRENCY = 2
    settings.SIDELINE_SOLVE_MAX_SECONDS = 7.5

    # Two solves in progress (held here as a server thread would hold them), then a third.
    with SOLVE_SLOTS.take() as first, SOLVE_SLOTS.take() as second:
        refused = _solve(solver, instance())
    accepted = _solve(solver, instance())

    assert (first, second) == (True, True)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "8"
    assert refused.json()["error"]["code"] == "solver_busy"
    assert accepted.status_code == 200
    assert SOLVE_SLOTS.busy == 0


def test_solve_slots_concurrent_takers_get_exactly_the_limit(settings: Any) -> None:
    settings.SIDELINE_SOLVE_CONCURRENCY = 3
    slots = SolveSlots()
    # Twelve callers all inside at once (the barrier), none leaving before all have asked.
    all_asked = threading.Barrier(12 + 1)
    leave = threading.Event()
    granted: list[bool] = []

    def take() -> None:
        with slots.take() as free:
            granted.append(free)
            all_asked.wait()
            leave.wait()

    threads = [threading.Thread(target=take) for _ in range(12)]
    for thread in threads:
        thread.start()
    all_asked.wait()
    busy_while_held = slots.busy
    leave.set()
    for thread in threads:
        thread.join()

    assert (granted.count(True), busy_while_held, slots.busy) == (3, 3, 0)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            instance(requests=[request(f"r{n}", ["a", "b"]) for n in range(501)]),
            "$.requests",
            "501 requests is over the limit of 500",
        ),
        (
            instance(sessions=[session("s1", ["a", "b"], start="2024-01-01", end="2024-02-01")]),
            "$.sessions[0].end",
            "32 days is over the limit of 31",
        ),
        (
            instance(sessions=[{**session("s1", ["a", "b"]), "slots_per_day": 17}]),
            "$.sessions[0].slots_per_day",
            "17 slots a day is over the limit of 16",
        ),
        (
            instance(sessions=[{**session("s1", ["a", "b"]), "rooms": 21}]),
            "$.sessions[0].rooms",
            "21 rooms is over the limit of 20",
        ),
    ],
)
def test_solve_instance_over_a_cap_is_413_naming_the_field(
    solver: Client, data: dict[str, Any], field: str, message: str
) -> None:
    response = _solve(solver, data)

    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "instance_too_large",
        "message": f"{field}: {message} for this endpoint; "
        "solve a larger instance with `sideline plan`",
        "field": field,
    }


def test_feed_lists_changes_for_organization(client: Client, plan_2013: Plan) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    body = client.get("/api/planner/feeds/sco").json()
    unknown = client.get("/api/planner/feeds/nope")

    assert [(i["request"], i["change"], i["version"], i["previous_version"]) for i in body] == [
        ("r1", "added", 1, None)
    ]
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_organization"
