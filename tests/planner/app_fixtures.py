"""Fixtures of the planner app tests (imported by name): a small 2013 plan, users by role."""

from __future__ import annotations

from typing import Any

import pytest

from sideline.planner.models import Plan
from sideline.planner.services import create_plan
from sideline.planner.solver import SolveOptions

__all__ = ["coordinator", "plan_2013", "viewer"]

FAST = SolveOptions(time_limit=5.0, num_workers=1, seed=0)

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


@pytest.fixture
def plan_2013(registry: None) -> Plan:
    return create_plan(year=2013, requests=REQUESTS, origin="file", options=FAST)


@pytest.fixture
def coordinator(registry: None) -> Any:
    from sideline.accounts.services import create_person

    return create_person(
        username="coordinator",
        organization="osce",
        role="coordinator",
        password="a-coordinator-passphrase",
    ).user


@pytest.fixture
def viewer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="viewer", password="pw")
