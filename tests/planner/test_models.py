"""Planner models and the demo seed."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from sideline.planner.demo import seed
from sideline.planner.models import MeetingRequest, Plan, PlanStatus


def test_meeting_request_key_unique_per_year(db: None) -> None:
    MeetingRequest.objects.create(year=2013, key="r1", origin="manual")
    MeetingRequest.objects.create(year=2014, key="r1", origin="manual")

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingRequest.objects.create(year=2013, key="r1", origin="manual")


def test_demo_seed_publishes_2013_once(registry: None) -> None:
    said: list[str] = []

    seed(say=said.append)
    seed(say=said.append)

    plan = Plan.objects.get(year=2013)
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.solver_status == "optimal"
    assert said[0] == (
        f"planner: 2013 version 1 published, {plan.meetings.count()} meetings, "
        f"{plan.unplaced.count()} unplaced (objective {plan.objective}, bound {plan.bound})"
    )
    assert said[1] == "planner: 2013 already published (version 1)"
    assert str(plan) == "2013 v1 (published)"
