"""Agenda items proposed by participants and answered by hosts, as JSON.

Mounted under ``/api/meetings/`` beside :mod:`sideline.meetings.api`, with its reads
(404 for a meeting the caller may not see) and its one error body.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from sideline.accounts.auth import API_AUTH
from sideline.meetings import schemas, services
from sideline.meetings.api import _actor, _meeting
from sideline.meetings.models import AgendaProposal

router = Router(tags=["meetings"])


def _proposal_out(proposal: AgendaProposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "organization": proposal.organization.slug,
        "status": proposal.status,
        "reason": proposal.reason,
        "created_at": proposal.created_at,
        "decided_at": proposal.decided_at,
    }


@router.get("/{meeting_id}/agenda/proposals", response=list[schemas.ProposalOut])
def list_proposals(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    """Every proposed item of the meeting, oldest first, with the hosts' answer."""
    meeting = _meeting(request, meeting_id)
    return [_proposal_out(p) for p in meeting.agenda_proposals.select_related("organization")]


@router.post("/{meeting_id}/agenda/proposals", response={201: schemas.ProposalOut}, auth=API_AUTH)
def propose_item(request: HttpRequest, meeting_id: int, payload: schemas.ProposalIn) -> Any:
    """A participant's delegate or signatory proposes an item for its organization."""
    proposal = services.propose_agenda_item(
        actor=_actor(request), meeting=_meeting(request, meeting_id), title=payload.title
    )
    return Status(201, _proposal_out(proposal))


@router.post(
    "/{meeting_id}/agenda/proposals/{proposal_id}/accept",
    response=schemas.ProposalOut,
    auth=API_AUTH,
)
def accept_item(request: HttpRequest, meeting_id: int, proposal_id: int) -> dict[str, Any]:
    """A host accepts the item: it joins the end of the agenda."""
    proposal = services.accept_agenda_item(
        actor=_actor(request), meeting=_meeting(request, meeting_id), proposal_id=proposal_id
    )
    return _proposal_out(proposal)


@router.post(
    "/{meeting_id}/agenda/proposals/{proposal_id}/decline",
    response=schemas.ProposalOut,
    auth=API_AUTH,
)
def decline_item(
    request: HttpRequest, meeting_id: int, proposal_id: int, payload: schemas.DeclineIn
) -> dict[str, Any]:
    """A host declines the item with a reason; the agenda stays as it is."""
    proposal = services.decline_agenda_item(
        actor=_actor(request),
        meeting=_meeting(request, meeting_id),
        proposal_id=proposal_id,
        reason=payload.reason,
    )
    return _proposal_out(proposal)
