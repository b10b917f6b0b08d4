"""The consensus rule: adopted only when every participant approves; the text is then fixed."""

from __future__ import annotations

import pytest

from sideline.accounts.models import SecurityEvent
from sideline.meetings.errors import MeetingError
from sideline.meetings.models import AdoptedTextError, Decision, DecisionResponse, Meeting
from sideline.meetings.services import (
    edit_decision,
    propose_decision,
    respond_to_decision,
    withdraw_decision,
)
from tests.meetings.conftest import ORGS, Cast


def _status(decision: Decision) -> str:
    decision.refresh_from_db()
    return decision.status


def test_decision_adopted_when_all_approve(cast: Cast, proposal: Decision) -> None:
    statuses = []
    for org in ORGS:
        respond_to_decision(actor=cast.of(org, "signatory"), decision=proposal, position="approve")
        statuses.append(_status(proposal))

    assert statuses == ["proposed", "proposed", "adopted"]
    assert proposal.adopted_at is not None


def test_decision_objection_blocks_adoption(cast: Cast, proposal: Decision) -> None:
    respond_to_decision(
        actor=cast.of("osce", "signatory"),
        decision=proposal,
        position="object",
        reason="Mandate unclear",
    )
    for org in ("nato", "csto"):
        respond_to_decision(actor=cast.of(org, "signatory"), decision=proposal, position="approve")

    assert _status(proposal) == "proposed"


def test_decision_withdrawn_objection_then_approval_adopts(cast: Cast, proposal: Decision) -> None:
    osce = cast.of("osce", "signatory")
    respond_to_decision(actor=osce, decision=proposal, position="object", reason="Mandate unclear")
    for org in ("nato", "csto"):
        respond_to_decision(actor=cast.of(org, "signatory"), decision=proposal, position="approve")
    respond_to_decision(actor=osce, decision=proposal, position="withdraw")
    respond_to_decision(actor=osce, decision=proposal, position="approve")

    assert _status(proposal) == "adopted"
    assert list(
        DecisionResponse.objects.filter(organization__slug="osce").values_list("position", "reason")
    ) == [("object", "Mandate unclear"), ("withdraw", ""), ("approve", "")]


def test_decision_approve_twice_refused_and_logged(cast: Cast, proposal: Decision) -> None:
    signatory = cast.of("csto", "signatory")
    respond_to_decision(actor=signatory, decision=proposal, position="approve")

    with pytest.raises(MeetingError) as caught:
        respond_to_decision(actor=signatory, decision=proposal, position="approve")

    assert (caught.value.code, caught.value.message) == (
        "already_approved",
        "csto already approves; withdraw first to change",
    )
    assert DecisionResponse.objects.count() == 1
    assert list(SecurityEvent.objects.values_list("username", "action", "code")) == [
        ("csto-signatory", "decision.respond", "already_approved")
    ]


def test_decision_objection_needs_reason(cast: Cast, proposal: Decision) -> None:
    with pytest.raises(MeetingError) as caught:
        respond_to_decision(
            actor=cast.of("osce", "signatory"), decision=proposal, position="object"
        )

    assert caught.value.code == "reason_required"
    assert DecisionResponse.objects.count() == 0


def test_decision_adopted_takes_no_more_answers(cast: Cast, adopted: Decision) -> None:
    with pytest.raises(MeetingError) as caught:
        respond_to_decision(
            actor=cast.of("osce", "signatory"), decision=adopted, position="withdraw"
        )

    assert caught.value.code == "decision_adopted"


def test_decision_adopted_text_cannot_change(cast: Cast, adopted: Decision) -> None:
    with pytest.raises(MeetingError) as caught:
        edit_decision(
            actor=cast.of("nato", "delegate"), decision=adopted, title="X", text="Changed"
        )

    assert caught.value.code == "decision_adopted"
    adopted.refresh_from_db()
    assert (
        adopted.text == "The organizations set up a **joint working group** on counter-narcotics."
    )


def test_decision_adopted_text_guarded_by_model(adopted: Decision) -> None:
    adopted.text = "Changed behind the services' back"

    with pytest.raises(AdoptedTextError):
        adopted.save()


def test_decision_answered_text_cannot_change(cast: Cast, proposal: Decision) -> None:
    respond_to_decision(actor=cast.of("csto", "signatory"), decision=proposal, position="approve")

    with pytest.raises(MeetingError) as caught:
        edit_decision(actor=cast.of("nato", "delegate"), decision=proposal, title="X", text="Y")

    assert caught.value.code == "decision_answered"


def test_decision_amendment_is_new_decision(
    cast: Cast, meeting: Meeting, adopted: Decision
) -> None:
    amendment = propose_decision(
        actor=cast.of("csto", "delegate"),
        meeting=meeting,
        title="Amendment",
        text="Add the SCO.",
        amends=adopted,
    )

    assert (amendment.number, amendment.amends_id, amendment.status) == (2, adopted.pk, "proposed")


def test_decision_withdrawal_kept(cast: Cast, proposal: Decision) -> None:
    withdraw_decision(actor=cast.of("nato", "signatory"), decision=proposal, reason="Superseded")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.withdrawn_reason) == ("withdrawn", "Superseded")
