"""Use cases of joint decisions: propose, edit, answer (approve, object, withdraw a
position), withdraw a proposal. A decision is adopted exactly when every participant's
standing position approves its text (:func:`~sideline.meetings.services._common.consent`).
"""

from __future__ import annotations

from django.utils import timezone

from sideline.federation.ops import clear_content_hash
from sideline.meetings.enums import DecisionStatus, Position
from sideline.meetings.errors import MeetingError, forbidden
from sideline.meetings.markdown import check_markdown
from sideline.meetings.models import Decision, DecisionResponse, Meeting
from sideline.meetings.permissions import acts_in, participant_ids
from sideline.meetings.services._common import (
    Actor,
    consent,
    feed_line,
    lock,
    new_op_id,
    record_op,
    refusals_logged,
    require_participant,
    role_claim,
    stored_user,
)

__all__ = [
    "current_positions",
    "edit_decision",
    "propose_decision",
    "respond_to_decision",
    "text_sha256",
    "withdraw_decision",
]


def text_sha256(decision: Decision) -> str:
    """The hash by which answers name a decision's text: its ops' content hash."""
    return clear_content_hash({"title": decision.title, "text": decision.text})


def _require_proposed(decision: Decision, action: str) -> None:
    if decision.status != DecisionStatus.PROPOSED:
        raise MeetingError(
            f"decision_{decision.status}",
            f"the decision is {decision.status}; it {action}",
            status=409,
        )


@refusals_logged("decision.propose")
def propose_decision(
    *, actor: Actor, meeting: Meeting, title: str, text: str, amends: Decision | None = None
) -> Decision:
    meeting = lock(meeting.pk)
    org = require_participant(
        actor,
        meeting,
        code="not_participant",
        message="only participating organizations' delegates propose decisions",
    )
    if not title.strip() or not text.strip():
        raise MeetingError("text_required", "title and text: a decision needs both", field="text")
    check_markdown(text)
    if amends is not None and (
        amends.meeting_id != meeting.pk or amends.status != DecisionStatus.ADOPTED
    ):
        raise MeetingError(
            "amends_not_adopted",
            "amends: only an adopted decision of this meeting is amended",
            field="amends",
        )
    last = meeting.decisions.order_by("-number").values_list("number", flat=True).first()
    decision = Decision.objects.create(
        op_id=new_op_id(org.slug, "d"),
        meeting=meeting,
        number=(last or 0) + 1,
        title=title.strip()[:300],
        text=text,
        proposed_by=org,
        amends=amends,
    )
    assert decision.op_id is not None
    record_op(
        meeting=meeting,
        organization=org,
        kind="decision.propose",
        object_id=decision.op_id,
        role=role_claim(actor),
        args={"meeting": meeting.op_id, "amends": amends.op_id if amends else None},
        clear={"title": decision.title, "text": text},
        summary=f"decision {decision.number} proposed: {decision.title}",
    )
    return decision


@refusals_logged("decision.edit")
def edit_decision(*, actor: Actor, decision: Decision, title: str, text: str) -> Decision:
    """Correct a proposal nobody has answered yet; later changes need a new decision."""
    meeting = lock(decision.meeting_id)
    if not acts_in(actor, meeting, decision.proposed_by_id):
        raise forbidden(
            "not_proposer", "only the proposing organization's delegates edit a proposal"
        )
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == DecisionStatus.ADOPTED:
        raise MeetingError(
            "decision_adopted",
            "the decision is adopted; its text cannot change — propose an amendment",
            status=409,
        )
    if decision.status == DecisionStatus.WITHDRAWN:
        raise MeetingError(
            "decision_withdrawn", "the decision is withdrawn; propose a new one", status=409
        )
    if decision.responses.exists():
        raise MeetingError(
            "decision_answered",
            "organizations have answered this text; withdraw it and propose a new one",
            status=409,
        )
    check_markdown(text)
    decision.title, decision.text = title.strip()[:300], text
    decision.save()
    assert decision.op_id is not None
    record_op(
        meeting=meeting,
        organization=decision.proposed_by,
        kind="decision.edit",
        object_id=decision.op_id,
        role=role_claim(actor),
        args={},
        clear={"title": decision.title, "text": text},
        summary=f"decision {decision.number} edited",
    )
    return decision


def current_positions(decision: Decision) -> dict[int, str]:
    """Each organization's standing position: its last approval or objection, unless withdrawn."""
    positions: dict[int, str] = {}
    for response in decision.responses.all():
        if response.position == Position.WITHDRAW:
            positions.pop(response.organization_id, None)
        else:
            positions[response.organization_id] = response.position
    return positions


@refusals_logged("decision.respond")
def respond_to_decision(
    *, actor: Actor, decision: Decision, position: str, reason: str = ""
) -> Decision:
    """Approve, object (with a reason) or withdraw one's position, for one's own organization.

    The decision is adopted when every participating organization approves.
    """
    meeting = lock(decision.meeting_id)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    decision.meeting = meeting
    org = require_participant(
        actor,
        meeting,
        sign=True,
        code="not_signatory",
        message="only a participating organization's signatory answers for it",
    )
    if position not in Position.values:
        raise MeetingError(
            "unknown_position",
            f"position: use one of {', '.join(Position.values)}",
            field="position",
        )
    _require_proposed(decision, "takes no more answers")
    reason = reason.strip()
    if position == Position.OBJECT and not reason:
        raise MeetingError(
            "reason_required", "reason: say why your organization objects", field="reason"
        )
    standing = current_positions(decision).get(org.pk)
    if position == standing:
        raise MeetingError(
            "already_approved" if position == Position.APPROVE else "already_objected",
            f"{org.slug} already {'approves' if position == 'approve' else 'objects'}; withdraw first to change",
            status=409,
        )
    if position == Position.WITHDRAW and standing is None:
        raise MeetingError(
            "nothing_to_withdraw", f"{org.slug} has no position to withdraw", status=409
        )
    DecisionResponse.objects.create(
        decision=decision,
        organization=org,
        position=position,
        reason=reason,
        user=stored_user(actor),
    )
    assert decision.op_id is not None
    record_op(
        meeting=meeting,
        organization=org,
        kind="decision.respond",
        object_id=decision.op_id,
        role=role_claim(actor, sign=True),
        args={"position": position, "text_sha256": text_sha256(decision)},
        clear={"reason": reason} if reason else None,
        summary=f"decision {decision.number}: {org.slug} {position}",
    )
    if consent(current_positions(decision), participant_ids(meeting), agreed=Position.APPROVE):
        # Derived, not an op: every node computes adoption from the answers.
        decision.status = DecisionStatus.ADOPTED
        decision.adopted_at = timezone.now()
        decision.save(update_fields=["status", "adopted_at"])
        feed_line(
            meeting=meeting,
            organization=org,
            kind="decision.adopted",
            subject=decision.op_id,
            summary=f"decision {decision.number} adopted by every participant",
        )
    return decision


@refusals_logged("decision.withdraw")
def withdraw_decision(*, actor: Actor, decision: Decision, reason: str) -> Decision:
    meeting = lock(decision.meeting_id)
    if not acts_in(actor, meeting, decision.proposed_by_id):
        raise forbidden("not_proposer", "only the proposing organization withdraws its proposal")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _require_proposed(decision, "cannot be withdrawn")
    if not reason.strip():
        raise MeetingError(
            "reason_required", "reason: say why the proposal is withdrawn", field="reason"
        )
    decision.status = DecisionStatus.WITHDRAWN
    decision.withdrawn_reason = reason.strip()
    decision.save(update_fields=["status", "withdrawn_reason"])
    assert decision.op_id is not None
    record_op(
        meeting=meeting,
        organization=decision.proposed_by,
        kind="decision.withdraw",
        object_id=decision.op_id,
        role=role_claim(actor),
        args={},
        clear={"reason": decision.withdrawn_reason},
        summary=f"decision {decision.number} withdrawn",
    )
    return decision
