"""Meeting pages: list, workspace, decision, commitment, documents, dashboard, feeds.

Reading works without JavaScript and, for public meetings, without an account. Every
change is one POST to ``MeetingActionView`` which calls one service; a refusal becomes
a message on the page, and nothing is changed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import icalendar
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from sideline.accounts.permissions import (
    acts_for,
    can_manage_delegation,
    can_sign_for,
    organization_id_of,
)
from sideline.meetings import services
from sideline.meetings.charts import progress_chart
from sideline.meetings.enums import CommitmentStatus
from sideline.meetings.errors import MeetingError
from sideline.meetings.markdown import render_markdown
from sideline.meetings.models import Commitment, Decision, Delegate, Document, Meeting, Minutes
from sideline.meetings.permissions import (
    acting_participant,
    acts_in,
    can_prepare_meeting,
    can_view_meeting,
)
from sideline.meetings.selectors import (
    commitments_with_children,
    dashboard,
    record_entries,
    visible_meetings,
)
from sideline.meetings.services import current_positions
from sideline.meetings.uploads import MAX_UPLOAD_BYTES
from sideline.planner.ical import add_timezones
from sideline.registry.dates import PartialDate
from sideline.registry.models import Organization
from sideline.validators import printable, spreadsheet_row
from sideline.web.timezones import zone_choices


def _meeting_for(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("host", "cohost", "topic", "forum_session"), pk=pk
    )
    # Not 403: a private meeting's existence is itself not for outsiders.
    if not can_view_meeting(request.user, meeting):
        raise Http404
    return meeting


def _acting_organizations() -> list[Organization]:
    """Return the organizations that can still act (host, attend): not dissolved by today."""
    today = timezone.localdate()
    return [
        o
        for o in Organization.objects.order_by("slug")
        if not o.dissolved or PartialDate.parse(o.dissolved).first_day > today
    ]


class MeetingListView(TemplateView):
    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["meetings"] = visible_meetings(self.request.user)
        own = organization_id_of(self.request.user)
        context["can_create"] = own is not None and acts_for(self.request.user, own)
        context["organizations"] = _acting_organizations()
        context["zones"] = zone_choices(get_language() or "en")
        return context


class MeetingDetailView(TemplateView):
    template_name = "meetings/meeting_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        meeting = _meeting_for(self.request, kwargs["pk"])
        minutes = Minutes.objects.filter(meeting=meeting).first()
        own = organization_id_of(user)
        acting = acting_participant(user, meeting)
        decisions = list(
            meeting.decisions.select_related("proposed_by").prefetch_related(
                "responses__organization"
            )
        )
        for decision in decisions:
            positions = current_positions(decision)
            decision.positions = [  # type: ignore[attr-defined]  # for the template
                (p.organization, positions.get(p.organization_id))
                for p in meeting.participations.all()
            ]
        context.update(
            meeting=meeting,
            participants=meeting.participations.select_related("organization"),
            delegates=meeting.delegates.select_related("organization"),
            agenda=meeting.agenda.all(),
            documents=meeting.documents.select_related("organization"),
            minutes=minutes,
            minutes_html=mark_safe(render_markdown(minutes.text)) if minutes else "",
            decisions=decisions,
            commitments=commitments_with_children().filter(
                decision__meeting=meeting, parent__isnull=True
            ),
            now=timezone.now(),
            entries=record_entries(meeting.subject),
            can_prepare=can_prepare_meeting(user, meeting),
            can_act=acting is not None,
            can_sign=own is not None and can_sign_for(user, own),
            can_delegate=own is not None and can_manage_delegation(user, own),
            own_slug=Organization.objects.filter(pk=acting or own or 0)
            .values_list("slug", flat=True)
            .first(),
        )
        return context


class DecisionDetailView(TemplateView):
    template_name = "meetings/decision_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        decision = get_object_or_404(
            Decision.objects.select_related("meeting", "proposed_by", "amends"), pk=kwargs["pk"]
        )
        _meeting_for(self.request, decision.meeting_id)
        context.update(
            decision=decision,
            text_html=mark_safe(render_markdown(decision.text)),
            responses=decision.responses.select_related("organization"),
            entries=record_entries(decision.subject),
        )
        return context


class CommitmentDetailView(TemplateView):
    template_name = "meetings/commitment_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        commitment = get_object_or_404(commitments_with_children(), pk=kwargs["pk"])
        meeting = _meeting_for(self.request, commitment.decision.meeting_id)
        # A sub-item hangs under an open top-level commitment; any participant acting for
        # its organization may add one, as ``make_commitment`` allows.
        sub_item_owner = (
            Organization.objects.filter(pk=acting_participant(self.request.user, meeting) or 0)
            .values_list("slug", flat=True)
            .first()
            if commitment.parent_id is None and not commitment.closed_as
            else None
        )
        context.update(
            commitment=commitment,
            sub_item_owner=sub_item_owner,
            status=commitment.status_at(timezone.now()),
            progress=commitment.rolled_up_progress(),
            updates=commitment.updates.select_related("milestone"),
            milestones=commitment.milestones.all(),
            entries=record_entries(commitment.subject),
            can_update=acts_in(self.request.user, meeting, commitment.owner_id)
            and not commitment.closed_as,
        )
        return context


class DocumentDownloadView(View):
    """Serve an uploaded file only to those who may see its meeting."""

    def get(self, request: HttpRequest, uid: str) -> FileResponse:
        document = get_object_or_404(Document, uid=uid)
        _meeting_for(request, document.meeting_id)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.filename,
            content_type=document.media_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MeetingError(
            "invalid_date", f"{name}: {value!r} is not a date; use YYYY-MM-DD", field=name
        ) from None


def _int(value: str | None, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise MeetingError(
            "invalid_number", f"{name}: {value!r} is not a number", field=name
        ) from None


def _safe_next(request: HttpRequest) -> str | None:
    """The form's ``next`` when it stays on this site; an open redirect helps phishing."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _decision(meeting: Meeting, pk: str) -> Decision:
    return get_object_or_404(Decision, pk=pk, meeting=meeting)


def _commitment(meeting: Meeting, pk: str) -> Commitment:
    return get_object_or_404(Commitment, pk=pk, decision__meeting=meeting)


class MeetingActionView(LoginRequiredMixin, View):
    """One POST per change; the action name picks the service."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        meeting = _meeting_for(request, pk)
        data = request.POST
        actor = request.user

        def accept(secret: str) -> str:
            return request.build_absolute_uri(reverse("meetings:invitation", args=[secret]))

        actions: dict[str, Callable[[], object]] = {
            "agenda": lambda: services.set_agenda(
                actor=actor, meeting=meeting, items=_lines(data.get("items", ""))
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
                actor=actor, meeting=meeting, title=data.get("title", ""), text=data.get("text", "")
            ),
            "respond": lambda: services.respond_to_decision(
                actor=actor,
                decision=_decision(meeting, data.get("decision", "")),
                position=data.get("position", ""),
                reason=data.get("reason", ""),
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
            messages.error(request, error.message)
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
            )
        except MeetingError as error:
            # The form comes back with what was typed, the error beside its field.
            view = MeetingListView(request=request, kwargs={})
            context = view.get_context_data()
            context.update(
                typed={
                    "title": data.get("title", ""),
                    "date": data.get("date", ""),
                    "host": data.get("host", ""),
                    "cohost": data.get("cohost", ""),
                    "participants": data.getlist("participants"),
                    "timezone": data.get("timezone", ""),
                    "public": bool(data.get("public")),
                },
                create_error=error,
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
                self.get_context_data(secret=secret, error=error.message)
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


def _filters(request: HttpRequest) -> dict[str, str | None]:
    return {name: request.GET.get(name) or None for name in ("organization", "topic", "forum")}


def _board(request: HttpRequest) -> Any:
    filters = _filters(request)
    return dashboard(
        user=request.user,
        organization=filters["organization"],
        topic=filters["topic"],
        forum=filters["forum"],
    )


class DashboardView(TemplateView):
    template_name = "meetings/dashboard.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") == "csv":
            return self._csv(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filters = _filters(self.request)
        board = _board(self.request)
        context.update(
            board=board,
            filters=filters,
            chart=mark_safe(
                progress_chart(board.progress, title=_("Mean progress of commitments by month"))
            ),
            organizations=Organization.objects.order_by("slug"),
            printable=self.request.GET.get("print") == "1",
            status_labels=dict(CommitmentStatus.choices),
        )
        return context

    def _csv(self, request: HttpRequest) -> HttpResponse:
        board = _board(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="commitments.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "commitment",
                "meeting",
                "decision",
                "owner",
                "description",
                "target",
                "due_date",
                "timezone",
                "progress",
                "status",
            ]
        )
        for commitment, status in board.commitments:
            writer.writerow(
                spreadsheet_row(
                    [
                        commitment.pk,
                        commitment.decision.meeting_id,
                        commitment.decision_id,
                        commitment.owner.slug,
                        commitment.description,
                        commitment.target,
                        commitment.due_date.isoformat(),
                        commitment.timezone,
                        commitment.rolled_up_progress(),
                        status,
                    ]
                )
            )
        return response


class OrganizationFeedView(View):
    """An Atom feed of the changes in the meetings of an organization that the reader may see."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        organization = get_object_or_404(Organization, slug=slug)
        board = dashboard(user=request.user, organization=slug)
        feed = Atom1Feed(
            title=printable(f"Sideline: {organization.abbreviation_en}"),
            link=request.build_absolute_uri(
                reverse("meetings:dashboard") + f"?organization={slug}"
            ),
            description=printable(f"Changes in meetings of {organization.name_en}"),
            language="en",
        )
        for change in board.feed:
            feed.add_item(
                # Stored text passes through printable(): one control character made
                # the XML writer fail, and the feed answer 500 to every reader.
                title=printable(change.summary),
                link=request.build_absolute_uri(
                    reverse("meetings:detail", args=[change.meeting_id])
                ),
                description=printable(f"{change.organization.slug}: {change.kind}"),
                unique_id=f"sideline-change-{change.pk}",
                pubdate=change.created_at,
                updateddate=change.created_at,
            )
        return HttpResponse(
            feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8"
        )


class OrganizationCalendarView(View):
    """Due and review dates of an organization's commitments as iCalendar, with a reminder."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        organization = get_object_or_404(Organization, slug=slug)
        board = dashboard(user=request.user, organization=slug)
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Sideline//meetings//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", printable(f"{organization.abbreviation_en} commitments"))
        stamp = timezone.now()
        for commitment, status in board.commitments:
            for kind, day in (("due", commitment.due_date), ("review", commitment.review_date)):
                if day is None:
                    continue
                event = icalendar.Event()
                event.add("uid", f"sideline-commitment-{commitment.pk}-{kind}@sideline")
                event.add("dtstamp", stamp)
                event.add("dtstart", day)
                # RFC 5545 makes a date without DTEND one day long; saying so keeps every
                # client (and the cross-client test) from relying on that default.
                event.add("dtend", day + timedelta(days=1))
                # The status's label, not its slug ("on track", not "on_track").
                label = CommitmentStatus(status).label
                event.add("summary", printable(f"{kind}: {commitment.description[:80]} ({label})"))
                event.add(
                    "url",
                    request.build_absolute_uri(
                        reverse("meetings:commitment", args=[commitment.pk])
                    ),
                )
                alarm = icalendar.Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add(
                    "description",
                    printable(f"Sideline {kind} date: {commitment.description[:80]}"),
                )
                alarm.add("trigger", icalendar.vDuration(-timedelta(days=7)))
                event.add_component(alarm)
                calendar.add_component(event)
        add_timezones(calendar)  # an organization with no dated commitment: still valid
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-commitments.ics"'
        return response
