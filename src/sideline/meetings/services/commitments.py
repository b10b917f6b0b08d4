"""Use cases of commitments: an organization commits itself under an adopted decision,
reports progress on it, closes it. Only the owner's people do any of it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from sideline.meetings.enums import Closure, DecisionStatus
from sideline.meetings.errors import MeetingError, forbidden
from sideline.meetings.models import Commitment, Decision, Milestone, ProgressUpdate
from sideline.meetings.permissions import acts_in, participant_ids
from sideline.meetings.services._common import (
    Actor,
    lock,
    new_op_id,
    organization,
    record_op,
    refusals_logged,
    role_claim,
    stored_user,
    zone,
)

__all__ = ["close_commitment", "make_commitment", "update_progress"]


@refusals_logged("commitment.make")
def make_commitment(
    *,
    actor: Actor,
    decision: Decision,
    owner: str,
    description: str,
    target: str,
    due_date: date,
    timezone_name: str | None = None,
    review_date: date | None = None,
    parent: Commitment | None = None,
    milestones: list[tuple[str, date | None]] | None = None,
) -> Commitment:
    """An organization commits itself under an adopted decision; only its own people do it."""
    meeting = lock(decision.meeting_id)
    decision = Decision.objects.get(pk=decision.pk)
    owner_org = organization(owner, field="owner")
    if not acts_in(actor, meeting, owner_org.pk) or owner_org.pk not in participant_ids(meeting):
        raise forbidden(
            "not_your_organization",
            f"owner: you do not act for {owner}, or it does not participate",
        )
    if decision.status != DecisionStatus.ADOPTED:
        raise MeetingError(
            "decision_not_adopted", "commitments follow from an adopted decision", status=409
        )
    if not description.strip() or not target.strip():
        raise MeetingError(
            "target_required", "description and target: a commitment needs both", field="target"
        )
    if parent is not None and (parent.decision_id != decision.pk or parent.parent_id is not None):
        raise MeetingError(
            "bad_parent",
            "parent: a sub-item belongs to a top-level commitment of the same decision",
            field="parent",
        )
    if parent is not None and parent.owner_id != owner_org.pk:
        # A sub-item divides an organization's own commitment; another organization that
        # wants to take part makes a commitment of its own.
        raise forbidden(
            "not_parent_owner",
            f"owner: sub-items of this commitment belong to {parent.owner.slug}, its owner",
        )
    if review_date is not None and review_date > due_date:
        raise MeetingError(
            "review_after_due", "review_date: review before the due date", field="review_date"
        )
    commitment = Commitment.objects.create(
        op_id=new_op_id(owner_org.slug, "c"),
        decision=decision,
        parent=parent,
        owner=owner_org,
        description=description.strip(),
        target=target.strip()[:300],
        due_date=due_date,
        timezone=zone(timezone_name or meeting.timezone),
        review_date=review_date,
    )
    for title, due in milestones or []:
        Milestone.objects.create(commitment=commitment, title=title[:300], due_date=due)
    assert commitment.op_id is not None
    record_op(
        meeting=meeting,
        organization=owner_org,
        kind="commitment.make",
        object_id=commitment.op_id,
        role=role_claim(actor),
        args={
            "decision": decision.op_id,
            "parent": parent.op_id if parent else None,
            "due": due_date.isoformat(),
            "timezone": commitment.timezone if timezone_name else None,
            "review": review_date.isoformat() if review_date else None,
            "milestones": [{"due": d.isoformat() if d else None} for _, d in milestones or []],
        },
        clear={
            "description": commitment.description,
            "target": commitment.target,
            "milestones": [title[:300] for title, _ in milestones or []],
        },
        summary=f"commitment by {owner_org.slug}: {commitment.description[:80]}",
    )
    return commitment


def _own_commitment(actor: Actor, commitment: Commitment) -> Commitment:
    meeting_id = Decision.objects.filter(pk=commitment.decision_id).values_list(
        "meeting_id", flat=True
    )[0]
    meeting = lock(meeting_id)
    if not acts_in(actor, meeting, commitment.owner_id):
        raise forbidden(
            "not_owner", "only the owner organization's delegates update its commitment"
        )
    locked = (
        Commitment.objects.select_for_update()
        .select_related("decision__meeting", "owner")
        .get(pk=commitment.pk)
    )
    if locked.closed_as:
        raise MeetingError(
            "commitment_closed",
            f"the commitment is {locked.closed_as}; it takes no more updates",
            status=409,
        )
    return locked


@refusals_logged("commitment.update")
def update_progress(
    *,
    actor: Actor,
    commitment: Commitment,
    percent: int | None = None,
    milestone: int | None = None,
    note: str = "",
    evidence_url: str = "",
) -> ProgressUpdate:
    """Report progress as a percentage or a milestone reached, with a note and evidence link."""
    commitment = _own_commitment(actor, commitment)
    if percent is None and milestone is None:
        raise MeetingError("progress_required", "percent or milestone: report one", field="percent")
    if percent is not None and not 0 <= percent <= 100:
        raise MeetingError("bad_percent", "percent: give 0 to 100", field="percent")
    if evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError:
            raise MeetingError(
                "bad_evidence_url", "evidence_url: give an http or https link", field="evidence_url"
            ) from None
    reached = None
    position = None
    if milestone is not None:
        # Ops name a milestone by its place in the commitment, in the order made.
        ids = list(commitment.milestones.order_by("pk").values_list("pk", flat=True))
        reached = commitment.milestones.filter(pk=milestone).first()
        if reached is None:
            raise MeetingError(
                "unknown_milestone",
                f"milestone: no milestone {milestone} on this commitment",
                field="milestone",
            )
        position = ids.index(reached.pk)
        if reached.reached_at is None:
            reached.reached_at = timezone.now()
            reached.save(update_fields=["reached_at"])
    reported = percent
    if percent is None:
        total = commitment.milestones.count()
        percent = round(
            100 * commitment.milestones.filter(reached_at__isnull=False).count() / total
        )
    update = ProgressUpdate.objects.create(
        commitment=commitment,
        percent=percent,
        milestone=reached,
        note=note.strip(),
        evidence_url=evidence_url,
        organization=commitment.owner,
        user=stored_user(actor),
    )
    commitment.progress = percent
    commitment.reported = True
    commitment.save(update_fields=["progress", "reported"])
    clear = {
        key: value
        for key, value in (("note", update.note), ("evidence_url", evidence_url))
        if value
    }
    assert commitment.op_id is not None
    record_op(
        meeting=commitment.decision.meeting,
        organization=commitment.owner,
        kind="commitment.report",
        object_id=commitment.op_id,
        role=role_claim(actor),
        args={"percent": reported, "milestone": position},
        clear=clear or None,
        summary=f"progress {percent}%: {commitment.description[:60]}",
    )
    return update


@refusals_logged("commitment.close")
def close_commitment(
    *, actor: Actor, commitment: Commitment, closed_as: str, reason: str = ""
) -> Commitment:
    """Close as done, or as dropped with a reason."""
    commitment = _own_commitment(actor, commitment)
    if closed_as not in Closure.values:
        raise MeetingError("unknown_closure", "closed_as: use done or dropped", field="closed_as")
    if closed_as == Closure.DROPPED and not reason.strip():
        raise MeetingError(
            "reason_required", "reason: say why the commitment is dropped", field="reason"
        )
    commitment.closed_as = closed_as
    commitment.closed_reason = reason.strip()
    commitment.closed_at = timezone.now()
    if closed_as == Closure.DONE:
        commitment.progress = 100
    commitment.save()
    assert commitment.op_id is not None
    record_op(
        meeting=commitment.decision.meeting,
        organization=commitment.owner,
        kind="commitment.close",
        object_id=commitment.op_id,
        role=role_claim(actor),
        args={"closed_as": closed_as},
        clear={"reason": commitment.closed_reason} if commitment.closed_reason else None,
        summary=f"commitment {closed_as}: {commitment.description[:60]}",
    )
    return commitment
