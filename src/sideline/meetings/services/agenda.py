"""Use cases of the agenda: the hosts set it; a participant proposes an item, which a host
accepts (it joins the agenda) or declines with a reason.

An item may approve the minutes of the previous meeting of the series, linked to them
(``minutes_of`` in the ``agenda.set`` content).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from sideline.meetings.errors import MeetingError
from sideline.meetings.models import AgendaItem, AgendaProposal, Meeting
from sideline.meetings.series import previous_meeting_in_series
from sideline.meetings.services._common import (
    Actor,
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
    "MAX_AGENDA_ITEMS",
    "MAX_PENDING_PROPOSALS",
    "accept_agenda_item",
    "agenda_versions",
    "decline_agenda_item",
    "previous_minutes_item",
    "previous_minutes_title",
    "propose_agenda_item",
    "write_agenda",
]

# What one agenda.set op holds (federation/kinds.py).
MAX_AGENDA_ITEMS = 100
# Proposals of one organization awaiting the hosts' answer in one meeting: enough for any
# real agenda, few enough that no participant floods the hosts.
MAX_PENDING_PROPOSALS = 20
MAX_ITEM_LENGTH = 300
MAX_REASON_LENGTH = 5_000  # a reason's limit in the op (federation/kinds.py)


def previous_minutes_title(previous: Meeting) -> str:
    """The item's text as the op carries it (pages show it in the reader's language)."""
    title = f"Approval of the minutes of the previous meeting: {previous.title} ({previous.date})"
    return title[:MAX_ITEM_LENGTH]


def _check_titles(titles: list[str], *, field: str) -> None:
    if any(len(title) > MAX_ITEM_LENGTH for title in titles):
        raise MeetingError(
            "agenda_item_too_long",
            f"{field}: keep each item under {MAX_ITEM_LENGTH} characters",
            field=field,
        )
    if len(titles) > MAX_AGENDA_ITEMS:
        raise MeetingError(
            "agenda_full",
            f"{field}: an agenda has at most {MAX_AGENDA_ITEMS} items",
            field=field,
            status=409 if field == "proposal" else 400,
        )


def write_agenda(
    *,
    actor: Actor,
    meeting: Meeting,
    acting: Organization,
    titles: list[str],
    minutes_of: tuple[int, str] | None,
    summary: str,
    versions: Mapping[str, list[str]] | None = None,
) -> list[AgendaItem]:
    """Replace the rows and write the ``agenda.set`` op; the caller holds the lock.

    ``versions``: the same items in other languages (language → items, one for one).
    """
    _check_titles(titles, field="items")
    versions = versions or {}
    meeting.agenda.all().delete()
    created = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=n,
            title=title,
            minutes_of=minutes_of[1] if minutes_of and minutes_of[0] == n else "",
            versions={language: items[n - 1] for language, items in versions.items()},
        )
        for n, title in enumerate(titles, 1)
    )
    clear: dict[str, Any] = {"items": titles}
    if minutes_of is not None:
        clear["minutes_of"] = {"position": minutes_of[0], "meeting": minutes_of[1]}
    if versions:
        clear["versions"] = [
            {"language": language, "items": items} for language, items in versions.items()
        ]
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=acting,
        kind="agenda.set",
        object_id=meeting.op_id,
        role=role_claim(actor),
        args={},
        clear=clear,
        summary=summary,
    )
    return created


def agenda_versions(items: list[AgendaItem]) -> dict[str, list[str]]:
    """The agenda in each other language it is given in, as ``write_agenda`` takes it.

    A language that some item lacks is left out: a version names every item.
    """
    languages = list(items[0].versions) if items else []
    return {
        language: [item.versions[language] for item in items]
        for language in languages
        if all(language in item.versions for item in items)
    }


def previous_minutes_item(meeting: Meeting) -> tuple[str, str]:
    """The title and global identifier of the previous meeting's minutes item; refuse if none."""
    previous = previous_meeting_in_series(meeting)
    if previous is None or previous.op_id is None:
        raise MeetingError(
            "no_previous_meeting",
            "previous_minutes: this meeting has no earlier meeting in its series",
            field="previous_minutes",
            status=409,
        )
    return previous_minutes_title(previous), previous.op_id


@refusals_logged("agenda.propose")
def propose_agenda_item(*, actor: Actor, meeting: Meeting, title: str) -> AgendaProposal:
    """Propose an item for the agenda, for the actor's participating organization."""
    meeting = lock(meeting.pk)
    org = require_participant(
        actor,
        meeting,
        code="not_participant",
        message="only participating organizations' delegates propose agenda items",
    )
    title = title.strip()
    if not title:
        raise MeetingError(
            "agenda_item_required", "title: give the proposed item a title", field="title"
        )
    if len(title) > MAX_ITEM_LENGTH:
        raise MeetingError(
            "agenda_item_too_long",
            f"title: keep each item under {MAX_ITEM_LENGTH} characters",
            field="title",
        )
    pending = AgendaProposal.objects.filter(meeting=meeting, organization=org, status="proposed")
    if pending.count() >= MAX_PENDING_PROPOSALS:
        raise MeetingError(
            "too_many_proposals",
            f"{org.slug} already has {MAX_PENDING_PROPOSALS} proposals awaiting the hosts",
            status=429,
            details={"limit": MAX_PENDING_PROPOSALS},
        )
    name = f"p-{secrets.token_hex(8)}"
    proposal = AgendaProposal.objects.create(
        meeting=meeting,
        op_id=f"{org.slug}/{name}",
        organization=org,
        title=title,
        user=stored_user(actor),
    )
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=org,
        kind="agenda.propose",
        object_id=meeting.op_id,
        role=role_claim(actor),
        args={"proposal": name},
        clear={"title": title},
        summary=f"agenda item proposed by {org.slug}: {title}",
    )
    return proposal


def _pending(meeting: Meeting, proposal_id: int) -> AgendaProposal:
    proposal = (
        AgendaProposal.objects.select_for_update()
        .filter(meeting=meeting, pk=proposal_id)
        .select_related("organization")
        .first()
    )
    if proposal is None:
        raise MeetingError(
            "unknown_proposal", f"proposal: no proposed item {proposal_id}", status=404
        )
    if proposal.status != "proposed":
        raise MeetingError(
            "proposal_decided",
            f"proposal: the proposed item is already {proposal.status}",
            status=409,
            details={"status": proposal.status},
        )
    return proposal


@refusals_logged("agenda.accept")
def accept_agenda_item(*, actor: Actor, meeting: Meeting, proposal_id: int) -> AgendaProposal:
    """Accept a proposed item: it joins the end of the agenda."""
    meeting = lock(meeting.pk)
    acting = require_prepare(actor, meeting)
    proposal = _pending(meeting, proposal_id)
    items = list(meeting.agenda.order_by("position"))
    if len(items) >= MAX_AGENDA_ITEMS:
        raise MeetingError(
            "agenda_full",
            f"proposal: an agenda has at most {MAX_AGENDA_ITEMS} items",
            field="proposal",
            status=409,
        )
    proposal.status = "accepted"
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=acting,
        kind="agenda.accept",
        object_id=meeting.op_id,
        role=role_claim(actor),
        args={"proposal": proposal.op_id},
        summary=f"agenda item of {proposal.organization.slug} accepted: {proposal.title}",
    )
    minutes_of = next(((i.position, i.minutes_of) for i in items if i.minutes_of), None)
    # The other languages' agendas keep their items; the new one reads as proposed there
    # until a host gives its translation.
    versions = {
        language: [*translated, proposal.title]
        for language, translated in agenda_versions(items).items()
    }
    write_agenda(
        actor=actor,
        meeting=meeting,
        acting=acting,
        titles=[i.title for i in items] + [proposal.title],
        minutes_of=minutes_of,
        summary=f"agenda set: {len(items) + 1} items",
        versions=versions,
    )
    return proposal


@refusals_logged("agenda.decline")
def decline_agenda_item(
    *, actor: Actor, meeting: Meeting, proposal_id: int, reason: str
) -> AgendaProposal:
    """Decline a proposed item, saying why; the agenda stays as it is."""
    meeting = lock(meeting.pk)
    acting = require_prepare(actor, meeting)
    proposal = _pending(meeting, proposal_id)
    reason = reason.strip()
    if not reason:
        raise MeetingError(
            "reason_required", "reason: say why the proposed item is declined", field="reason"
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise MeetingError(
            "reason_too_long",
            f"reason: keep the reason under {MAX_REASON_LENGTH} characters",
            field="reason",
            details={"limit": MAX_REASON_LENGTH},
        )
    proposal.status = "declined"
    proposal.reason = reason
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "decided_at"])
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=acting,
        kind="agenda.decline",
        object_id=meeting.op_id,
        role=role_claim(actor),
        args={"proposal": proposal.op_id},
        clear={"reason": reason},
        summary=f"agenda item of {proposal.organization.slug} declined",
    )
    return proposal
