"""Meeting pages that read: list, workspace, decision, commitment, document download.

Reading works without JavaScript and, for public meetings, without an account.
"""

from __future__ import annotations

from typing import Any

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views import View
from django.views.generic import TemplateView

from sideline.accounts.permissions import (
    acts_for,
    can_manage_delegation,
    can_sign_for,
    organization_id_of,
)
from sideline.meetings.enums import ANSWERS, DecisionStatus, Position, Procedure
from sideline.meetings.markdown import render_markdown
from sideline.meetings.models import Decision, Document, Meeting, Minutes
from sideline.meetings.permissions import (
    acting_participant,
    acts_in,
    can_prepare_meeting,
    can_view_meeting,
    is_participant_member,
    participant_ids,
)
from sideline.meetings.selectors import (
    authentic_versions,
    commitments_with_children,
    paragraphs,
    record_entries,
    visible_meetings,
)
from sideline.meetings.series import series_navigation
from sideline.meetings.services import current_positions, silence_broken, text_sha256
from sideline.meetings.services.languages import LANGUAGE_CODES
from sideline.meetings.versions import language_name, meeting_text
from sideline.meetings.workspace import agenda_view, minutes_agreements
from sideline.registry.dates import PartialDate
from sideline.registry.models import Organization
from sideline.web.timezones import zone_choices


def meeting_for(request: HttpRequest, pk: int) -> Meeting:
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
        meetings = list(visible_meetings(self.request.user))
        for meeting in meetings:
            meeting.text = meeting_text(meeting)  # type: ignore[attr-defined]  # for the template
        context["meetings"] = meetings
        context["title_languages"] = [(code, language_name(code)) for code in LANGUAGE_CODES]
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
        meeting = meeting_for(self.request, kwargs["pk"])
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
        can_prepare = can_prepare_meeting(user, meeting)
        agenda = agenda_view(user, meeting, for_hosts=can_prepare)
        text = meeting_text(meeting, items=agenda.items)
        context.update(
            meeting=meeting,
            text=text,
            agenda_rows=[
                (item, earlier, text.item(item), text.item_language(item))
                for item, earlier in agenda.rows
            ],
            version_languages=[
                (code, language_name(code)) for code in LANGUAGE_CODES if code != meeting.language
            ],
            # A proposal's own text is in English (the form's): its versions in the others.
            decision_languages=[(c, language_name(c)) for c in LANGUAGE_CODES if c != "en"],
            agenda_view=agenda,
            agreements=minutes_agreements(
                minutes, show_people=is_participant_member(user, meeting)
            ),
            participants=meeting.participations.select_related("organization"),
            delegates=meeting.delegates.select_related("organization"),
            documents=meeting.documents.select_related("organization"),
            minutes=minutes,
            minutes_html=mark_safe(render_markdown(minutes.text)) if minutes else "",
            decisions=decisions,
            commitments=commitments_with_children().filter(
                decision__meeting=meeting, parent__isnull=True
            ),
            now=timezone.now(),
            entries=record_entries(meeting.subject),
            series=series_navigation(meeting, user=user),
            can_prepare=can_prepare,
            zones=zone_choices(get_language() or "en") if acting is not None else (),
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
        meeting = meeting_for(self.request, decision.meeting_id)
        user = self.request.user
        own = organization_id_of(user)
        signs_for = (
            Organization.objects.filter(pk=own).first()
            if own is not None and own in participant_ids(meeting) and can_sign_for(user, own)
            else None
        )
        now = timezone.now()
        silent = decision.procedure == Procedure.SILENCE and not silence_broken(decision)
        open_ = decision.status == DecisionStatus.PROPOSED
        before_deadline = decision.deadline is None or now < decision.deadline
        versions = [
            {
                **version,
                "name": language_name(version["language"]),
                "paragraphs": [
                    mark_safe(render_markdown(block)) for block in paragraphs(version["text"])
                ],
            }
            for version in authentic_versions(decision)
        ]
        responses = list(decision.responses.select_related("organization", "user"))
        standing: dict[int, Any] = {}
        for response in responses:
            if response.position == Position.WITHDRAW:
                standing.pop(response.organization_id, None)
            elif response.position in ANSWERS:
                standing[response.organization_id] = response
        context.update(
            decision=decision,
            versions=versions,
            paragraph_numbers=range(1, len(versions[0]["paragraphs"]) + 1),
            texts_sha256=text_sha256(decision),
            responses=responses,
            words=[r for r in standing.values() if r.position in ("statement", "reservation")],
            silent=silent,
            signs_for=signs_for,
            can_answer=signs_for is not None and open_ and (not silent or before_deadline),
            can_break=signs_for is not None and open_ and silent and before_deadline,
            can_extend=open_
            and silent
            and before_deadline
            and acts_in(user, meeting, decision.proposed_by_id),
            entries=record_entries(decision.subject),
        )
        return context


class CommitmentDetailView(TemplateView):
    template_name = "meetings/commitment_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        commitment = get_object_or_404(commitments_with_children(), pk=kwargs["pk"])
        meeting = meeting_for(self.request, commitment.decision.meeting_id)
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
        meeting_for(request, document.meeting_id)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.filename,
            content_type=document.media_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response
