"""Proof files of a decision (issue 16, item 6): made from the logs, checked offline."""

from __future__ import annotations

from datetime import date

import pytest

from sideline.meetings.models import Decision, Meeting
from sideline.meetings.services import create_meeting, propose_decision, respond_to_decision
from sideline.record.proof import check_bundle, parse_policy
from sideline.record.proving import node_policy, prove_object
from sideline.record.services import witness_round
from tests.meetings.conftest import ORGS, Cast


@pytest.fixture
def public_meeting(cast: Cast) -> Meeting:
    return create_meeting(
        actor=cast.of("nato", "delegate"),
        title="Counter-narcotics on the sidelines",
        host="nato",
        cohost="csto",
        participants=["osce"],
        date=date(2013, 9, 25),
        timezone_name="America/New_York",
        topic="counter-narcotics",
        public=True,
    )


@pytest.fixture
def public_adopted(cast: Cast, public_meeting: Meeting) -> Decision:
    decision = propose_decision(
        actor=cast.of("nato", "delegate"),
        meeting=public_meeting,
        title="Joint working group",
        text="The organizations set up a **joint working group** on counter-narcotics.",
    )
    for org in ORGS:
        respond_to_decision(actor=cast.of(org, "signatory"), decision=decision, position="approve")
    witness_round()
    decision.refresh_from_db()
    return decision


def test_adopted_decision_proof_round_trip(public_adopted: Decision) -> None:
    data = prove_object(public_adopted.op_id)
    facts = check_bundle(data, parse_policy(node_policy().encode()), expect=public_adopted.op_id)
    assert [(op.organization, op.kind, op.args.get("position")) for op in facts.ops] == [
        ("nato", "decision.propose", None),
        ("nato", "decision.respond", "approve"),
        ("csto", "decision.respond", "approve"),
        ("osce", "decision.respond", "approve"),
    ]
