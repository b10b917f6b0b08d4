"""A plan as CSV and the iCalendar and Atom feeds of the published calendar."""

from __future__ import annotations

import csv
import datetime as dt
import zoneinfo
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from sideline.planner.models import PlacedMeeting, Plan
from sideline.planner.selectors import (
    calendar_ics,
    feed_of,
    latest_published,
    meeting_ics,
    meetings_of,
)
from sideline.planner.views.access import visible
from sideline.planner.views.calendar import meeting_entry, summits_of
from sideline.registry.models import Organization
from sideline.validators import spreadsheet_row


class PlanCsvView(View):
    """The plan's meetings as CSV: readable names beside the identifiers, times in UTC and
    venue time."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=pk)
        visible(plan, request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="plan-{plan.year}-v{plan.version}.csv"'
        )
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(
            [
                "request",
                "organizations",
                "organization_names",
                "topic",
                "topic_name",
                "session",
                "venue",
                "city",
                "date",
                "slot",
                "room",
                "start_utc",
                "end_utc",
                "timezone",
                "start_local",
                "co_chairs",
                "pinned",
                "summit",
            ]
        )
        summits = summits_of(plan)
        for row in meetings_of(plan):
            entry = meeting_entry(row, summits)
            writer.writerow(
                spreadsheet_row(
                    [
                        row.request.key,
                        " ".join(o.slug for o in row.request.organizations.all()),
                        "; ".join(entry["organizations"]),
                        row.request.topic,
                        entry["topic"],
                        row.venue,
                        entry["forum"],
                        entry["city"],
                        row.date.isoformat(),
                        row.slot + 1,
                        row.room + 1,
                        row.start.astimezone(dt.UTC).isoformat(),
                        row.end.astimezone(dt.UTC).isoformat(),
                        row.timezone,
                        row.start.astimezone(zoneinfo.ZoneInfo(row.timezone)).isoformat(),
                        " ".join(row.co_chairs),
                        "yes" if row.pinned else "no",
                        "yes" if row.summit else "no",
                    ]
                )
            )
        return response


def _feed_plan(request: HttpRequest) -> Plan:
    year = request.GET.get("year", "")
    # A year out of range names no plan; an absurd one must not reach the database.
    asked = int(year) if year.isdigit() and len(year) <= 4 else None
    plan = latest_published(year=asked)
    if plan is None:
        raise Http404(_("No published plan."))
    return plan


class CalendarFeedView(View):
    """``feeds/all.ics`` and ``feeds/<org>.ics``: the latest published version."""

    def get(self, request: HttpRequest, organization: str | None = None) -> HttpResponse:
        if organization is not None:
            get_object_or_404(Organization, slug=organization)
        plan = _feed_plan(request)
        body = calendar_ics(plan=plan, organization=organization)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        name = organization or "all"
        response["Content-Disposition"] = f'inline; filename="sideline-{plan.year}-{name}.ics"'
        return response


class MeetingFeedView(View):
    """One meeting of a published version as iCalendar: the page's "add to my calendar"."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(PlacedMeeting.objects.select_related("plan", "request"), pk=pk)
        visible(row.plan, request)
        body = meeting_ics(plan=row.plan, request_key=row.request.key)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="sideline-{row.plan.year}-{row.pk}.ics"'
        )
        return response


class OrganizationFeedView(TemplateView):
    """What changed for one organization in each published version."""

    template_name = "planner/feed.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organization = get_object_or_404(Organization, slug=kwargs["organization"])
        context.update(
            organization=organization,
            items=list(feed_of(organization=organization.slug)),
            title=_("Changes for %(organization)s") % {"organization": organization.abbreviation},
        )
        return context
