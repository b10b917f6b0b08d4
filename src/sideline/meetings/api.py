"""Meeting endpoints: session or bearer token, the same permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from sideline.accounts.auth import API_AUTH, request_user
from sideline.errors import ApiError
from sideline.meetings import schemas, services
from sideline.meetings.enums import ANSWERS, MinutesStatus
from sideline.meetings.markdown import render_markdown
from sideline.meetings.models import Commitment, Decision, Delegate, Document, Meeting, Minutes
from sideline.meetings.permissions import (
    can_view_meeting,
    is_participant_member,
    participant_ids,
)
from sideline.meetings.selectors import (
    authentic_versions,
    commitments_with_children,
    dashboard,
    visible_meetings,
)
from sideline.meetings.services import text_sha256
from sideline.meetings.uploads import MAX_UPLOAD_BYTES
from sideline.meetings.workspace import agenda_view, minutes_agreements

router = Router(tags=["meetings"])


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]  # set by ninja's auth


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("host", "cohost").filter(pk=pk).first()
    if meeting is None or not can_view_meeting(request_user(request), meeting):
        raise ApiError(404, "unknown_meeting", f"no meeting {pk} that you may see")
    return meeting


def _meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "date": meeting.date,
        "timezone": meeting.timezone,
        "host": meeting.host.slug,
        "cohost": meeting.cohost.slug if meeting.cohost else None,
        "participants": sorted(p.organization.slug for p in meeting.participations.all()),
        "public": meeting.public,
        "language": meeting.language,
        "versions": meeting.versions,
    }


def _decision_out(d: Decision) -> dict[str, Any]:
    answers: list[dict[str, Any]] = [
        {
            "organization": r.organization.slug,
            "position": r.position,
            "reason": r.reason,
            "paragraph": r.paragraph,
            "signed_at": r.signed_at,
            "answered_at": r.created_at,
            "by": r.user.get_full_name() or r.user.username if r.user else "",
        }
        for r in d.responses.all()
    ]
    standing: dict[str, dict[str, Any]] = {}
    for answer in answers:
        if answer["position"] == "withdraw":
            standing.pop(answer["organization"], None)
        elif answer["position"] in ANSWERS:
            standing[answer["organization"]] = answer
    return {
        "id": d.pk,
        "meeting": d.meeting_id,
        "number": d.number,
        "title": d.title,
        "text": d.text,
        "status": d.status,
        "adopted_at": d.adopted_at,
        "procedure": d.procedure,
        "deadline": d.deadline,
        "deadline_timezone": d.deadline_timezone,
        "text_sha256": text_sha256(d),
        "versions": authentic_versions(d),
        "answers": answers,
        "statements": [a for a in standing.values() if a["position"] == "statement"],
        "reservations": [a for a in standing.values() if a["position"] == "reservation"],
    }


def _commitment_out(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "decision": c.decision_id,
        "owner": c.owner.slug,
        "description": c.description,
        "target": c.target,
        "due_date": c.due_date,
        "timezone": c.timezone,
        "progress": c.rolled_up_progress(),
        "status": c.status_at(timezone.now()),
    }


@router.get("/", response=list[schemas.MeetingOut])
def list_meetings(request: HttpRequest) -> list[dict[str, Any]]:
    return [_meeting_out(m) for m in visible_meetings(request_user(request))]


@router.post("/", response={201: schemas.MeetingOut}, auth=API_AUTH)
def add_meeting(request: HttpRequest, payload: schemas.MeetingIn) -> Any:
    meeting = services.create_meeting(
        actor=_actor(request),
        title=payload.title,
        host=payload.host,
        cohost=payload.cohost,
        participants=payload.participants,
        date=payload.date,
        timezone_name=payload.timezone,
        location=payload.location,
        public=payload.public,
        topic=payload.topic,
        forum_session=payload.forum_session,
        planner_request=payload.planner_request,
        language=payload.language,
    )
    return Status(201, _meeting_out(meeting))


@router.get("/dashboard", response=schemas.DashboardOut)
def get_dashboard(
    request: HttpRequest,
    organization: str | None = None,
    topic: str | None = None,
    forum: str | None = None,
) -> dict[str, Any]:
    board = dashboard(
        user=request_user(request), organization=organization, topic=topic, forum=forum
    )
    return {
        "decisions_adopted": board.decisions_adopted,
        "decisions_proposed": board.decisions_proposed,
        "by_status": board.by_status,
        "overdue": [c.pk for c in board.overdue],
    }


@router.get("/{meeting_id}", response=schemas.MeetingOut)
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return _meeting_out(_meeting(request, meeting_id))


@router.post("/{meeting_id}/participants", response={201: schemas.MeetingOut}, auth=API_AUTH)
def add_participant(request: HttpRequest, meeting_id: int, payload: schemas.ParticipantIn) -> Any:
    """A host's delegate or signatory adds a participating organization by its slug."""
    meeting = _meeting(request, meeting_id)
    services.add_participant(
        actor=_actor(request), meeting=meeting, organization=payload.organization
    )
    return Status(201, _meeting_out(meeting))


@router.post("/{meeting_id}/versions", response={201: schemas.MeetingOut}, auth=API_AUTH)
def add_meeting_version(
    request: HttpRequest, meeting_id: int, payload: schemas.MeetingVersionIn
) -> Any:
    """A host's delegate gives the title, and the agenda items, in another language; a
    version in a language the meeting has replaces it."""
    meeting = _meeting(request, meeting_id)
    meeting = services.add_meeting_version(
        actor=_actor(request),
        meeting=meeting,
        language=payload.language,
        title=payload.title,
        items=payload.items,
    )
    return Status(201, _meeting_out(meeting))


@router.get("/{meeting_id}/decisions", response=list[schemas.DecisionOut])
def list_decisions(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    decisions = _meeting(request, meeting_id).decisions.prefetch_related(
        "responses__organization", "responses__user"
    )
    return [_decision_out(d) for d in decisions]


@router.post("/{meeting_id}/decisions", response={201: schemas.DecisionOut}, auth=API_AUTH)
def add_decision(request: HttpRequest, meeting_id: int, payload: schemas.DecisionIn) -> Any:
    meeting = _meeting(request, meeting_id)
    amends = meeting.decisions.filter(pk=payload.amends).first() if payload.amends else None
    decision = services.propose_decision(
        actor=_actor(request),
        meeting=meeting,
        title=payload.title,
        text=payload.text,
        amends=amends,
        procedure=payload.procedure,
        deadline=payload.deadline,
        deadline_timezone=payload.deadline_timezone,
        language=payload.language,
        versions=[v.dict() for v in payload.versions or []],
    )
    return Status(201, _decision_out(decision))


def _decision(request: HttpRequest, decision_id: int) -> Decision:
    decision = Decision.objects.select_related("meeting").filter(pk=decision_id).first()
    if decision is None or not can_view_meeting(request_user(request), decision.meeting):
        raise ApiError(404, "unknown_decision", f"no decision {decision_id} that you may see")
    return decision


@router.patch("/decisions/{decision_id}", response=schemas.DecisionOut, auth=API_AUTH)
def change_decision(
    request: HttpRequest, decision_id: int, payload: schemas.DecisionIn
) -> dict[str, Any]:
    decision = services.edit_decision(
        actor=_actor(request),
        decision=_decision(request, decision_id),
        title=payload.title,
        text=payload.text,
        versions=None if payload.versions is None else [v.dict() for v in payload.versions],
    )
    return _decision_out(decision)


@router.post("/decisions/{decision_id}/responses", response=schemas.DecisionOut, auth=API_AUTH)
def respond(request: HttpRequest, decision_id: int, payload: schemas.ResponseIn) -> dict[str, Any]:
    """Answer for one's organization: approve, statement, reservation (with ``paragraph``),
    object, withdraw; ``text_sha256`` names the texts read (``stale_text`` if changed)."""
    decision = services.respond_to_decision(
        actor=_actor(request),
        decision=_decision(request, decision_id),
        position=payload.position,
        reason=payload.reason,
        paragraph=payload.paragraph,
        text_sha256=payload.text_sha256,
    )
    return _decision_out(decision)


@router.post("/decisions/{decision_id}/break-silence", response=schemas.DecisionOut, auth=API_AUTH)
def break_silence(
    request: HttpRequest, decision_id: int, payload: schemas.BreakSilenceIn
) -> dict[str, Any]:
    """A participant's signatory breaks silence, with a reason, before the deadline."""
    decision = services.break_silence(
        actor=_actor(request),
        decision=_decision(request, decision_id),
        reason=payload.reason,
        text_sha256=payload.text_sha256,
    )
    return _decision_out(decision)


@router.post("/decisions/{decision_id}/extend", response=schemas.DecisionOut, auth=API_AUTH)
def extend(request: HttpRequest, decision_id: int, payload: schemas.ExtendIn) -> dict[str, Any]:
    """The proposer moves the deadline later (a wall-clock time in the deadline's zone)."""
    decision = services.extend_deadline(
        actor=_actor(request),
        decision=_decision(request, decision_id),
        deadline=payload.deadline,
    )
    return _decision_out(decision)


@router.post("/decisions/{decision_id}/withdraw", response=schemas.DecisionOut, auth=API_AUTH)
def withdraw_decision(
    request: HttpRequest, decision_id: int, payload: schemas.WithdrawIn
) -> dict[str, Any]:
    """The proposing organization withdraws its proposal, with a reason.

    An organization withdraws its own answer with ``POST .../responses`` and
    ``{"position": "withdraw"}``.
    """
    decision = services.withdraw_decision(
        actor=_actor(request),
        decision=_decision(request, decision_id),
        reason=payload.reason,
    )
    return _decision_out(decision)


@router.post(
    "/decisions/{decision_id}/commitments", response={201: schemas.CommitmentOut}, auth=API_AUTH
)
def add_commitment(request: HttpRequest, decision_id: int, payload: schemas.CommitmentIn) -> Any:
    commitment = services.make_commitment(
        actor=_actor(request),
        decision=_decision(request, decision_id),
        owner=payload.owner,
        description=payload.description,
        target=payload.target,
        due_date=payload.due_date,
        timezone_name=payload.timezone,
        review_date=payload.review_date,
    )
    return Status(201, _commitment_out(commitment))


@router.get("/{meeting_id}/commitments", response=list[schemas.CommitmentOut])
def list_commitments(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    meeting = _meeting(request, meeting_id)
    participant_ids(meeting)
    return [
        _commitment_out(c) for c in commitments_with_children().filter(decision__meeting=meeting)
    ]


def _commitment(request: HttpRequest, commitment_id: int) -> Commitment:
    commitment = commitments_with_children().filter(pk=commitment_id).first()
    if commitment is None or not can_view_meeting(
        request_user(request), commitment.decision.meeting
    ):
        raise ApiError(404, "unknown_commitment", f"no commitment {commitment_id} that you may see")
    return commitment


@router.post("/commitments/{commitment_id}/progress", response=schemas.CommitmentOut, auth=API_AUTH)
def report_progress(
    request: HttpRequest, commitment_id: int, payload: schemas.ProgressIn
) -> dict[str, Any]:
    commitment = _commitment(request, commitment_id)
    services.update_progress(
        actor=_actor(request),
        commitment=commitment,
        percent=payload.percent,
        milestone=payload.milestone,
        note=payload.note,
        evidence_url=payload.evidence_url,
    )
    refreshed = commitments_with_children().get(pk=commitment_id)
    return _commitment_out(refreshed)


@router.post("/commitments/{commitment_id}/close", response=schemas.CommitmentOut, auth=API_AUTH)
def close_commitment(
    request: HttpRequest, commitment_id: int, payload: schemas.CloseIn
) -> dict[str, Any]:
    """The owner closes its commitment: ``done``, or ``dropped`` with a reason."""
    commitment = _commitment(request, commitment_id)
    services.close_commitment(
        actor=_actor(request),
        commitment=commitment,
        closed_as=payload.closed_as,
        reason=payload.reason,
    )
    return _commitment_out(commitments_with_children().get(pk=commitment_id))


@router.post(
    "/commitments/{commitment_id}/sub-items", response={201: schemas.CommitmentOut}, auth=API_AUTH
)
def add_sub_item(request: HttpRequest, commitment_id: int, payload: schemas.SubItemIn) -> Any:
    """Break a top-level commitment into a sub-item, under the same decision."""
    parent = _commitment(request, commitment_id)
    child = services.make_commitment(
        actor=_actor(request),
        decision=parent.decision,
        parent=parent,
        owner=payload.owner,
        description=payload.description,
        target=payload.target,
        due_date=payload.due_date,
        timezone_name=payload.timezone,
        review_date=payload.review_date,
        milestones=[(title, None) for title in payload.milestones],
    )
    return Status(201, _commitment_out(commitments_with_children().get(pk=child.pk)))


# Agenda, minutes, documents and delegations: the meeting page's preparation, as JSON.


def _agenda_out(request: HttpRequest, meeting: Meeting) -> list[dict[str, Any]]:
    view = agenda_view(request_user(request), meeting, for_hosts=False)
    return [
        {
            "position": item.position,
            "title": item.title,
            "versions": item.versions,
            "minutes_of": {"meeting": item.minutes_of, "id": earlier.pk if earlier else None}
            if item.minutes_of
            else None,
        }
        for item, earlier in view.rows
    ]


@router.get("/{meeting_id}/agenda", response=list[schemas.AgendaItemOut])
def list_agenda(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    return _agenda_out(request, _meeting(request, meeting_id))


@router.put("/{meeting_id}/agenda", response=list[schemas.AgendaItemOut], auth=API_AUTH)
def replace_agenda(request: HttpRequest, meeting_id: int, payload: schemas.AgendaIn) -> Any:
    """Replace the whole agenda with ``items`` in order; blank items are dropped.

    With ``previous_minutes``, the first item approves the previous meeting's minutes.
    """
    meeting = _meeting(request, meeting_id)
    services.set_agenda(
        actor=_actor(request),
        meeting=meeting,
        items=payload.items,
        previous_minutes=payload.previous_minutes,
    )
    return _agenda_out(request, meeting)


def _minutes_out(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    show_people = is_participant_member(request_user(request), meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        return {
            "status": MinutesStatus.DRAFT.value,
            "revision": 0,
            "text": "",
            "html": "",
            "agreed_by": [],
        }
    agreed = minutes.agreements.filter(revision=minutes.revision).values_list(
        "organization__slug", flat=True
    )
    return {
        "status": minutes.status,
        "revision": minutes.revision,
        "text": minutes.text,
        "html": render_markdown(minutes.text),
        "agreed_by": sorted(agreed),
        "agreements": [
            {**vars(a), "organization": a.organization.slug}
            for a in minutes_agreements(minutes, show_people=show_people)
        ],
    }


@router.get("/{meeting_id}/minutes", response=schemas.MinutesOut)
def get_minutes(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """The current revision: its Markdown source and the sanitised HTML the page shows."""
    return _minutes_out(request, _meeting(request, meeting_id))


@router.put("/{meeting_id}/minutes", response=schemas.MinutesOut, auth=API_AUTH)
def save_minutes(
    request: HttpRequest, meeting_id: int, payload: schemas.MinutesIn
) -> dict[str, Any]:
    """Keep a new draft revision; circulated minutes return to draft."""
    meeting = _meeting(request, meeting_id)
    services.save_minutes(actor=_actor(request), meeting=meeting, text=payload.text)
    return _minutes_out(request, meeting)


_MINUTES_STEPS = {
    "circulate": services.circulate_minutes,
    "agree": services.agree_minutes,
    "lock": services.lock_minutes,
}


@router.post("/{meeting_id}/minutes/{step}", response=schemas.MinutesOut, auth=API_AUTH)
def advance_minutes(request: HttpRequest, meeting_id: int, step: str) -> dict[str, Any]:
    """``circulate`` (hosts), ``agree`` (each participant's signatory), ``lock`` (hosts)."""
    meeting = _meeting(request, meeting_id)
    if step not in _MINUTES_STEPS:
        raise ApiError(
            404,
            "unknown_step",
            f"step: {step!r} is not one of circulate, agree, lock",
            field="step",
        )
    _MINUTES_STEPS[step](actor=_actor(request), meeting=meeting)
    return _minutes_out(request, meeting)


def _document_out(document: Document) -> dict[str, Any]:
    return {
        "uid": document.uid,
        "title": document.title,
        "filename": document.filename,
        "media_type": document.media_type,
        "size": document.size,
        "sha256": document.sha256,
        "organization": document.organization.slug,
        "created_at": document.created_at,
        "url": reverse("api:download_document", args=[document.uid]),
    }


@router.get("/{meeting_id}/documents", response=list[schemas.DocumentOut])
def list_documents(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    meeting = _meeting(request, meeting_id)
    return [
        _document_out(d)
        for d in meeting.documents.select_related("organization").order_by("created_at", "pk")
    ]


@router.post("/{meeting_id}/documents", response={201: schemas.DocumentOut}, auth=API_AUTH)
def upload_document(
    request: HttpRequest,
    meeting_id: int,
    file: File[UploadedFile | None] = None,
    title: Form[str] = "",
) -> Any:
    """Upload multipart ``file`` (and ``title``); size and type are checked by content."""
    meeting = _meeting(request, meeting_id)
    if file is None:
        raise ApiError(400, "file_required", "file: choose a file to upload", field="file")
    # Refuse an oversized file before reading it into memory, as the page does.
    if file.size and file.size > MAX_UPLOAD_BYTES:
        raise ApiError(
            413,
            "upload_too_large",
            f"file: {file.size} bytes is over the limit of {MAX_UPLOAD_BYTES} bytes",
            field="file",
        )
    document = services.upload_document(
        actor=_actor(request),
        meeting=meeting,
        title=title,
        filename=file.name or "upload",
        content=file.read(),
    )
    return Status(201, _document_out(document))


@router.get("/documents/{uid}", url_name="download_document")
def download_document(request: HttpRequest, uid: str) -> FileResponse:
    """The file itself, only to those who may see its meeting."""
    document = Document.objects.filter(uid=uid).first()
    if document is None or not can_view_meeting(request_user(request), document.meeting):
        raise ApiError(404, "unknown_document", f"no document {uid} that you may see")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.media_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _delegate_out(delegate: Delegate) -> dict[str, Any]:
    status = (
        "approved" if delegate.approved_at else "accepted" if delegate.accepted_at else "invited"
    )
    return {
        "id": delegate.pk,
        "organization": delegate.organization.slug,
        "name": delegate.name,
        "status": status,
    }


@router.get("/{meeting_id}/delegations", response=schemas.DelegationOut)
def list_delegations(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """The participating organizations and their delegates (names, not e-mail addresses)."""
    meeting = _meeting(request, meeting_id)
    return {
        "participants": sorted(
            p.organization.slug for p in meeting.participations.select_related("organization")
        ),
        "delegates": [
            _delegate_out(d)
            for d in meeting.delegates.select_related("organization").order_by("pk")
        ],
    }


@router.post("/{meeting_id}/delegates", response={201: schemas.DelegateOut}, auth=API_AUTH)
def name_delegate(request: HttpRequest, meeting_id: int, payload: schemas.DelegateIn) -> Any:
    """The focal point names a delegate of its own organization; the invitation goes by e-mail."""
    meeting = _meeting(request, meeting_id)

    def accept(secret: str) -> str:
        return request.build_absolute_uri(reverse("meetings:invitation", args=[secret]))

    delegate = services.invite_delegate(
        actor=_actor(request),
        meeting=meeting,
        name=payload.name,
        email=payload.email,
        accept_url=accept,
    )
    return Status(201, _delegate_out(delegate))


@router.post("/delegates/{delegate_id}/approve", response=schemas.DelegateOut, auth=API_AUTH)
def approve_delegate(request: HttpRequest, delegate_id: int) -> dict[str, Any]:
    delegate = (
        Delegate.objects.select_related("meeting", "organization").filter(pk=delegate_id).first()
    )
    if delegate is None or not can_view_meeting(request_user(request), delegate.meeting):
        raise ApiError(404, "unknown_delegate", f"no delegate {delegate_id} that you may see")
    delegate = services.approve_delegate(actor=_actor(request), delegate=delegate)
    return _delegate_out(delegate)
