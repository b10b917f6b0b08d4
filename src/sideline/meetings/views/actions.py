"""Meeting pages that write: every change is one POST that calls one service.

A refusal becomes a message on the page in the reader's language
(`sideline.error_text`), and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from sideline.error_text import error_text
from sideline.meetings import services
from sideline.meetings.errors import MeetingError
from sideline.meetings.models import Commitment, Decision, Delegate, Document, Meeting
from sideline.meetings.uploads import MAX_UPLOAD_BYTES
from sideline.meetings.views.pages import MeetingListView, meeting_for


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MeetingError(
            "invalid_date",
            f"{name}: {value!r} is not a date; use YYYY-MM-DD",
            field=name,
            details={"value": repr(value)},
        ) from None


def _int(value: str | None, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise MeetingError(
            "invalid_number",
            f"{name}: {value!r} is not a number",
            field=name,
            details={"value": repr(value)},
        ) from None


def _safe_next(request: HttpRequest) -> str | None:
    """The form's ``next`` when it stays on this site; an open redirect helps phishing."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _confirmed(data: QueryDict) -> bool:
    """A signatory's answer from a page is sent only once they confirmed for whom."""
    if data.get("confirm") != "yes":
        raise MeetingError(
            "confirmation_required",
            "confirm: tick the box that names the organization you answer for",
            field="confirm",
        )
    return True


def _versions(data: QueryDict) -> list[dict[str, str]]:
    """The other authentic version a proposal form carries, if any was written."""
    title, text = data.get("version_title", "").strip(), data.get("version_text", "")
    if not title and not text.strip():
        return []
    return [{"language": data.get("version_language", "ru"), "title": title, "text": text}]


def _decision(meeting: Meeting, pk: str) -> Decision:
    return get_object_or_404(Decision, pk=pk, meeting=meeting)


def _commitment(meeting: Meeting, pk: str) -> Commitment:
    return get_object_or_404(Commitment, pk=pk, decision__meeting=meeting)


class MeetingActionView(LoginRequiredMixin, View):
    """One POST per change; the action name picks the service."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        meeting = meeting_for(request, pk)
        data = request.POST
        actor = request.user

        def accept(secret: str) -> str:
            return request.build_absolute_uri(reverse("meetings:invitation", args=[secret]))

        actions: dict[str, Callable[[], object]] = {
            "agenda": lambda: services.set_agenda(
                actor=actor,
                meeting=meeting,
                items=_lines(data.get("items", "")),
                previous_minutes=bool(data.get("previous_minutes")),
            ),
            "version": lambda: services.add_meeting_version(
                actor=actor,
                meeting=meeting,
                language=data.get("language", ""),
                title=data.get("title", ""),
                items=_lines(data.get("items", "")),
            ),
            "propose-item": lambda: services.propose_agenda_item(
                actor=actor, meeting=meeting, title=data.get("title", "")
            ),
            "accept-item": lambda: services.accept_agenda_item(
                actor=actor,
                meeting=meeting,
                proposal_id=_int(data.get("proposal"), "proposal") or 0,
            ),
            "decline-item": lambda: services.decline_agenda_item(
                actor=actor,
                meeting=meeting,
                proposal_id=_int(data.get("proposal"), "proposal") or 0,
                reason=data.get("reason", ""),
            ),
            "participant": lambda: services.add_participant(
                actor=actor, meeting=meeting, organization=data.get("organization", "")
            ),
            "invite": lambda: services.invite_delegate(
                actor=actor,
                meeting=meeting,
                name=data.get("name", ""),
                email=data.get("email", ""),
                accept_url=accept,
            ),
            "approve-delegate": lambda: services.approve_delegate(
                actor=actor,
                delegate=get_object_or_404(Delegate, pk=data.get("delegate"), meeting=meeting),
            ),
            "upload": lambda: self._upload(request, meeting),
            "minutes": lambda: services.save_minutes(
                actor=actor, meeting=meeting, text=data.get("text", "")
            ),
            "circulate": lambda: services.circulate_minutes(actor=actor, meeting=meeting),
            "agree": lambda: services.agree_minutes(actor=actor, meeting=meeting),
            "lock": lambda: services.lock_minutes(actor=actor, meeting=meeting),
            "propose": lambda: services.propose_decision(
                actor=actor,
                meeting=meeting,
                title=data.get("title", ""),
                text=data.get("text", ""),
                procedure=data.get("procedure", "meeting"),
                deadline=data.get("deadline", ""),
                deadline_timezone=data.get("deadline_timezone", ""),
                versions=_versions(data),
            ),
            "respond": lambda: (
                _confirmed(data)
                and services.respond_to_decision(
                    actor=actor,
                    decision=_decision(meeting, data.get("decision", "")),
                    position=data.get("position", ""),
                    reason=data.get("reason", ""),
                    paragraph=_int(data.get("paragraph"), "paragraph"),
                    text_sha256=data.get("text_sha256") or None,
                )
            ),
            "break-silence": lambda: (
                _confirmed(data)
                and services.break_silence(
                    actor=actor,
                    decision=_decision(meeting, data.get("decision", "")),
                    reason=data.get("reason", ""),
                    text_sha256=data.get("text_sha256") or None,
                )
            ),
            "extend": lambda: services.extend_deadline(
                actor=actor,
                decision=_decision(meeting, data.get("decision", "")),
                deadline=data.get("deadline", ""),
            ),
            "withdraw": lambda: services.withdraw_decision(
                actor=actor,
                decision=_decision(meeting, data.get("decision", "")),
                reason=data.get("reason", ""),
            ),
            "commit": lambda: services.make_commitment(
                actor=actor,
                decision=_decision(meeting, data.get("decision", "")),
                owner=data.get("owner", ""),
                description=data.get("description", ""),
                target=data.get("target", ""),
                due_date=_date(data.get("due_date", ""), "due_date"),
                review_date=_date(data["review_date"], "review_date")
                if data.get("review_date")
                else None,
                milestones=[(title, None) for title in _lines(data.get("milestones", ""))],
            ),
            "sub-item": lambda: self._sub_item(request, meeting),
            "progress": lambda: services.update_progress(
                actor=actor,
                commitment=_commitment(meeting, data.get("commitment", "")),
                percent=_int(data.get("percent"), "percent"),
                milestone=_int(data.get("milestone"), "milestone"),
                note=data.get("note", ""),
                evidence_url=data.get("evidence_url", ""),
            ),
            "close": lambda: services.close_commitment(
                actor=actor,
                commitment=_commitment(meeting, data.get("commitment", "")),
                closed_as=data.get("closed_as", ""),
                reason=data.get("reason", ""),
            ),
        }
        if action not in actions:
            raise Http404
        try:
            actions[action]()
        except MeetingError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Done; the change is on the record."))
        return HttpResponseRedirect(
            _safe_next(request) or reverse("meetings:detail", args=[meeting.pk])
        )

    def _sub_item(self, request: HttpRequest, meeting: Meeting) -> Commitment:
        data = request.POST
        parent = _commitment(meeting, data.get("parent", ""))
        return services.make_commitment(
            actor=request.user,
            decision=parent.decision,
            parent=parent,
            owner=data.get("owner", ""),
            description=data.get("description", ""),
            target=data.get("target", ""),
            due_date=_date(data.get("due_date", ""), "due_date"),
            review_date=_date(data["review_date"], "review_date")
            if data.get("review_date")
            else None,
            milestones=[(title, None) for title in _lines(data.get("milestones", ""))],
        )

    def _upload(self, request: HttpRequest, meeting: Meeting) -> Document:
        upload = request.FILES.get("file")
        if upload is None:
            raise MeetingError("file_required", "file: choose a file to upload", field="file")
        if upload.size and upload.size > MAX_UPLOAD_BYTES:
            raise MeetingError(
                "upload_too_large",
                f"file: {upload.size} bytes is over the limit of {MAX_UPLOAD_BYTES} bytes",
                field="file",
                status=413,
                details={"size": upload.size, "limit": MAX_UPLOAD_BYTES},
            )
        return services.upload_document(
            actor=request.user,
            meeting=meeting,
            title=request.POST.get("title", ""),
            filename=upload.name or "upload",
            content=upload.read(),
        )


class MeetingCreateView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        data = request.POST
        try:
            meeting = services.create_meeting(
                actor=request.user,
                title=data.get("title", ""),
                host=data.get("host", ""),
                cohost=data.get("cohost") or None,
                participants=data.getlist("participants"),
                date=_date(data.get("date", ""), "date"),
                timezone_name=data.get("timezone") or None,
                location=data.get("location", ""),
                public=bool(data.get("public")),
                language=data.get("language") or "en",
            )
        except MeetingError as error:
            # The form comes back with what was typed, the error beside its field.
            view = MeetingListView(request=request, kwargs={})
            context = view.get_context_data()
            context.update(
                typed={
                    "title": data.get("title", ""),
                    "language": data.get("language", ""),
                    "date": data.get("date", ""),
                    "host": data.get("host", ""),
                    "cohost": data.get("cohost", ""),
                    "participants": data.getlist("participants"),
                    "timezone": data.get("timezone", ""),
                    "public": bool(data.get("public")),
                },
                create_error=error,
                create_error_text=error_text(error),
            )
            return render(request, MeetingListView.template_name, context, status=error.status)
        return HttpResponseRedirect(reverse("meetings:detail", args=[meeting.pk]))


class InvitationAcceptView(TemplateView):
    template_name = "meetings/invitation.html"

    def post(self, request: HttpRequest, secret: str) -> HttpResponse:
        try:
            delegate = services.accept_invitation(
                secret=secret,
                actor=request.user,
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
            )
        except MeetingError as error:
            return self.render_to_response(
                self.get_context_data(secret=secret, error=error_text(error))
            )
        messages.success(
            request,
            _(
                "You have joined the delegation; you can act in the meeting once your "
                "organization's focal point approves you. Log in to continue."
            ),
        )
        return HttpResponseRedirect(
            reverse("meetings:detail", args=[delegate.meeting_id])
            if request.user.is_authenticated
            else reverse("accounts:login")
        )
