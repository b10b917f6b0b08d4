"""Fixtures of the planner app tests: a small 2013 plan, users by role."""

from __future__ import annotations

from typing import Any

import pytest

from sideline.planner.models import Plan
from sideline.planner.services import create_plan
from tests.planner.factory import FAST, REQUESTS


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
