"""Use cases of the minutes: draft a revision, circulate it, agree to it, lock it.

Each act after drafting names the revision it acts on by its hash (``minutes_sha256``),
so that an agreement means the same text on every node.
"""

from __future__ import annotations

from sideline.federation.ops import clear_content_hash
from sideline.meetings.enums import MinutesStatus
from sideline.meetings.errors import MeetingError
from sideline.meetings.markdown import check_markdown
from sideline.meetings.models import Meeting, Minutes, MinutesAgreement, MinutesRevision
from sideline.meetings.permissions import participant_ids
from sideline.meetings.services._common import (
    Actor,
    consent,
    feed_line,
    lock,
    record_op,
    refusals_logged,
    require_participant,
    require_prepare,
    role_claim,
    stored_user,
)
from sideline.registry.models import Organization

__all__ = [
    "agree_minutes",
    "circulate_minutes",
    "lock_minutes",
    "minutes_sha256",
    "save_minutes",
]


def minutes_sha256(text: str) -> str:
    """The hash by which ops name a revision: that of its ``minutes.draft`` content."""
    return clear_content_hash({"text": text})


def _minutes(meeting: Meeting) -> Minutes:
    minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
    return minutes


def _act(
    actor: Actor, meeting: Meeting, org: Organization, kind: str, minutes: Minutes, summary: str
) -> None:
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=org,
        kind=kind,
        object_id=meeting.op_id,
        role=role_claim(actor, sign=kind == "minutes.agree"),
        args={"minutes_sha256": minutes_sha256(minutes.text)},
        summary=summary,
    )


@refusals_logged("minutes.save")
def save_minutes(*, actor: Actor, meeting: Meeting, text: str) -> Minutes:
    """Keep a new revision of the minutes; editing circulated minutes returns them to draft."""
    meeting = lock(meeting.pk)
    acting = require_prepare(actor, meeting)
    check_markdown(text)
    minutes = _minutes(meeting)
    if minutes.status in {MinutesStatus.AGREED, MinutesStatus.LOCKED}:
        raise MeetingError(
            "minutes_final",
            f"the minutes are {minutes.status}; they can no longer change",
            status=409,
        )
    minutes.revision += 1
    minutes.text = text
    minutes.status = MinutesStatus.DRAFT
    minutes.save()
    MinutesRevision.objects.create(
        minutes=minutes,
        number=minutes.revision,
        text=text,
        organization=acting,
        author=stored_user(actor),
    )
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=acting,
        kind="minutes.draft",
        object_id=meeting.op_id,
        role=role_claim(actor),
        args={},
        clear={"text": text},
        summary=f"minutes revision {minutes.revision}",
    )
    return minutes


@refusals_logged("minutes.circulate")
def circulate_minutes(*, actor: Actor, meeting: Meeting) -> Minutes:
    meeting = lock(meeting.pk)
    acting = require_prepare(actor, meeting)
    minutes = _minutes(meeting)
    if minutes.status != MinutesStatus.DRAFT or minutes.revision == 0:
        raise MeetingError(
            "minutes_not_draft", "only draft minutes with a text can be circulated", status=409
        )
    minutes.status = MinutesStatus.CIRCULATED
    minutes.save()
    _act(
        actor,
        meeting,
        acting,
        "minutes.circulate",
        minutes,
        f"minutes revision {minutes.revision} circulated",
    )
    return minutes


@refusals_logged("minutes.agree")
def agree_minutes(*, actor: Actor, meeting: Meeting) -> Minutes:
    """The actor's organization agrees to the circulated revision; all agreeing makes them agreed."""
    meeting = lock(meeting.pk)
    org = require_participant(
        actor,
        meeting,
        sign=True,
        code="not_signatory",
        message="only a participating organization's signatory agrees to the minutes",
    )
    minutes = _minutes(meeting)
    if minutes.status != MinutesStatus.CIRCULATED:
        raise MeetingError(
            "minutes_not_circulated", "the minutes are not circulated for agreement", status=409
        )
    if minutes.agreements.filter(revision=minutes.revision, organization=org).exists():
        raise MeetingError(
            "already_agreed",
            f"{org.slug} has already agreed to revision {minutes.revision}",
            status=409,
        )
    MinutesAgreement.objects.create(
        minutes=minutes, revision=minutes.revision, organization=org, user=stored_user(actor)
    )
    _act(
        actor,
        meeting,
        org,
        "minutes.agree",
        minutes,
        f"minutes revision {minutes.revision} agreed by {org.slug}",
    )
    agreed = minutes.agreements.filter(revision=minutes.revision).values_list(
        "organization_id", flat=True
    )
    if consent(dict.fromkeys(agreed, "agree"), participant_ids(meeting), agreed="agree"):
        # Derived, not an op: every node computes it from the agreements.
        minutes.status = MinutesStatus.AGREED
        minutes.save()
        assert meeting.op_id is not None
        feed_line(
            meeting=meeting,
            organization=org,
            kind="minutes.agreed",
            subject=meeting.op_id,
            summary=f"minutes revision {minutes.revision} agreed by every participant",
        )
    return minutes


@refusals_logged("minutes.lock")
def lock_minutes(*, actor: Actor, meeting: Meeting) -> Minutes:
    meeting = lock(meeting.pk)
    acting = require_prepare(actor, meeting)
    minutes = _minutes(meeting)
    if minutes.status != MinutesStatus.AGREED:
        raise MeetingError(
            "minutes_not_agreed",
            "only minutes every participant has agreed can be locked",
            status=409,
        )
    minutes.status = MinutesStatus.LOCKED
    minutes.save()
    _act(
        actor,
        meeting,
        acting,
        "minutes.lock",
        minutes,
        f"minutes revision {minutes.revision} locked",
    )
    return minutes
