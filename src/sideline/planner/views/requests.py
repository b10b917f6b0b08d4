"""Meeting requests entered by hand: the year's list, a change, a deletion (coordinators)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from sideline.error_text import error_text
from sideline.planner.forms import (
    MeetingRequestEditForm,
    MeetingRequestForm,
)
from sideline.planner.models import MeetingRequest
from sideline.planner.services import (
    PlannerError,
    RequestInvalidError,
    add_manual_request,
    delete_manual_request,
    request_statuses,
    update_manual_request,
)
from sideline.planner.views.access import CoordinatorPageMixin
from sideline.planner.views.calendar import clock_time, summits_of, venue_label

REQUESTS_PER_PAGE = 50


def _year(year: int) -> int:
    """Return `year` when a calendar date can carry it; a URL may ask for any number."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise Http404(_("No such year."))
    return year


def _request_fields(form: MeetingRequestForm) -> dict[str, Any]:
    """Return a valid request form's fields as the request services take them."""
    data = form.cleaned_data
    return {
        "organizations": [o.slug for o in data["organizations"]],
        "topic": form.topic_value(),
        "priority": data["priority"],
        "slots": data["slots"],
        "not_before": data["not_before"],
        "not_after": data["not_after"],
    }


class MeetingRequestListView(CoordinatorPageMixin, View):
    """A year's meeting requests with their status in the newest version; add one by hand."""

    template_name = "planner/requests.html"

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        return self._render(request, _year(year), MeetingRequestForm())

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = _year(year)
        form = MeetingRequestForm(request.POST)
        if not form.is_valid():
            return self._render(request, year, form, status=400)
        try:
            added = add_manual_request(
                year=year, key=form.cleaned_data["key"], **_request_fields(form)
            )
        except RequestInvalidError as error:
            for problem in error.errors:
                form.add_error(problem.field, problem.message)
            return self._render(request, year, form, status=400)
        messages.success(
            request,
            _("Request %(key)s added. Re-plan the newest version to place it.")
            % {"key": added.key},
        )
        return HttpResponseRedirect(reverse("planner:requests", args=[year]))

    def _render(
        self, request: HttpRequest, year: int, form: MeetingRequestForm, *, status: int = 200
    ) -> HttpResponse:
        plan, statuses = request_statuses(year=year)
        summits = summits_of(plan) if plan is not None else {}
        rows = [
            {
                "status": item,
                "venue": venue_label(item.meeting, summits) if item.meeting is not None else None,
                "utc": (
                    f"{clock_time(item.meeting.start, 'UTC')}–{clock_time(item.meeting.end, 'UTC')}"
                    if item.meeting is not None
                    else ""
                ),
            }
            for item in statuses
        ]
        # A year may hold hundreds of requests: one page of them at a time.
        page = Paginator(rows, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "year": year,
            "plan": plan,
            "rows": page.object_list,
            "page": page,
            "waiting": sum(1 for item in statuses if item.state == "not_planned"),
            "form": form,
            "title": _("Meeting requests %(year)s") % {"year": year},
        }
        return render(request, self.template_name, context, status=status)


class MeetingRequestEditView(CoordinatorPageMixin, View):
    """Change a request entered by hand while no version places it (identifier kept)."""

    template_name = "planner/request_edit.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(MeetingRequest, pk=pk)
        form = MeetingRequestEditForm(initial=MeetingRequestEditForm.initial_of(row))
        return self._render(request, row, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(MeetingRequest, pk=pk)
        form = MeetingRequestEditForm(request.POST)
        if not form.is_valid():
            return self._render(request, row, form, status=400)
        try:
            update_manual_request(request=row, **_request_fields(form))
        except RequestInvalidError as error:
            for problem in error.errors:
                form.add_error(problem.field, problem.message)
            return self._render(request, row, form, status=400)
        except PlannerError as error:
            messages.error(request, error_text(error))
            return HttpResponseRedirect(reverse("planner:requests", args=[row.year]))
        messages.success(
            request,
            _("Request %(key)s changed. Re-plan the newest version to take it into account.")
            % {"key": row.key},
        )
        return HttpResponseRedirect(reverse("planner:requests", args=[row.year]))

    def _render(
        self,
        request: HttpRequest,
        row: MeetingRequest,
        form: MeetingRequestEditForm,
        *,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "row": row,
            "form": form,
            "title": _("Change request %(key)s") % {"key": row.key},
        }
        return render(request, self.template_name, context, status=status)


class MeetingRequestDeleteView(CoordinatorPageMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting_request = get_object_or_404(MeetingRequest, pk=pk)
        try:
            delete_manual_request(request=meeting_request)
        except PlannerError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Request %(key)s deleted.") % {"key": meeting_request.key})
        return HttpResponseRedirect(reverse("planner:requests", args=[meeting_request.year]))
