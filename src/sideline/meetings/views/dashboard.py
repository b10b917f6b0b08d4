"""The decisions dashboard and each organization's feeds (Atom, iCalendar)."""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

import icalendar
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from sideline.meetings.charts import progress_chart
from sideline.meetings.enums import CommitmentStatus
from sideline.meetings.selectors import (
    dashboard,
)
from sideline.planner.ical import add_timezones
from sideline.registry.models import Organization
from sideline.validators import printable, spreadsheet_row


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
        calendar.add(
            "x-wr-calname",
            printable(
                _("%(organization)s commitments") % {"organization": organization.abbreviation}
            ),
        )
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
                words = {"description": commitment.description[:80], "status": label}
                summary = (
                    _("due: %(description)s (%(status)s)")
                    if kind == "due"
                    else _("review: %(description)s (%(status)s)")
                )
                event.add("summary", printable(summary % words))
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
                    printable(
                        (
                            _("Sideline due date: %(description)s")
                            if kind == "due"
                            else _("Sideline review date: %(description)s")
                        )
                        % words
                    ),
                )
                alarm.add("trigger", icalendar.vDuration(-timedelta(days=7)))
                event.add_component(alarm)
                calendar.add_component(event)
        add_timezones(calendar)  # an organization with no dated commitment: still valid
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-commitments.ics"'
        return response
