"""A meeting of NATO (host), CSTO (co-host) and OSCE, and people of each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache

from sideline.meetings.models import Decision, Meeting
from sideline.meetings.services import create_meeting, propose_decision, respond_to_decision
from tests.accounts.factories import person

ORGS = ("nato", "csto", "osce")


@dataclass
class Cast:
    """People by organization and role: ``cast.of("csto", "signatory")``."""

    users: dict[tuple[str, str], Any]

    def of(self, org: str, role: str) -> Any:
        return self.users[(org, role)]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(registry: None) -> Cast:
    users = {}
    for org in (*ORGS, "sco"):
        for role in ("viewer", "delegate", "signatory"):
            users[(org, role)] = person(f"{org}-{role}", organization=org, role=role)
    users[("none", "coordinator")] = person("coord", organization=None, role="coordinator")
    return Cast(users)


@pytest.fixture
def meeting(cast: Cast) -> Meeting:
    return create_meeting(
        actor=cast.of("nato", "delegate"),
        title="Counter-narcotics on the sidelines",
        host="nato",
        cohost="csto",
        participants=["osce"],
        date=date(2013, 9, 25),
        timezone_name="America/New_York",
        topic="counter-narcotics",
    )


@pytest.fixture
def proposal(cast: Cast, meeting: Meeting) -> Decision:
    return propose_decision(
        actor=cast.of("nato", "delegate"),
        meeting=meeting,
        title="Joint working group",
        text="The organizations set up a **joint working group** on counter-narcotics.",
    )


@pytest.fixture
def adopted(cast: Cast, proposal: Decision) -> Decision:
    for org in ORGS:
        respond_to_decision(actor=cast.of(org, "signatory"), decision=proposal, position="approve")
    proposal.refresh_from_db()
    return proposal
