"""A year without a plan: the coordinator's empty state and the button that starts it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from sideline.error_text import error_text
from sideline.planner.models import MeetingRequest, RequestOrigin
from sideline.planner.services import PlannerError, start_year
from sideline.planner.views.access import PAGE_SOLVE, CoordinatorMixin
from sideline.registry.enums import SessionStatus
from sideline.registry.selectors import sessions_in_year
from sideline.validators import EARLIEST, LATEST


def plannable_year(year: int) -> int:
    """Return `year` when the registry can hold its dates; a URL may ask for any number."""
    if not EARLIEST.year <= year <= LATEST.year:
        raise Http404(_("No such year."))
    return year


def year_start_page(request: HttpRequest, *, year: int, status: int = 200) -> HttpResponse:
    """Render what a coordinator sees of a year that has no version yet."""
    sessions = list(sessions_in_year(year))
    context = {
        "year": year,
        "sessions": sessions,
        "plannable": [s for s in sessions if s.status != SessionStatus.CANCELLED],
        "manual": MeetingRequest.objects.filter(year=year, origin=RequestOrigin.MANUAL).count(),
        "title": _("Plan %(year)s") % {"year": year},
    }
    return render(request, "planner/year_start.html", context, status=status)


class YearStartView(CoordinatorMixin, View):
    """Make a year's first working draft from its forum sessions (coordinators only)."""

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = plannable_year(year)
        try:
            plan = start_year(year=year, options=PAGE_SOLVE)
        except PlannerError as error:
            messages.error(request, error_text(error))
            return HttpResponseRedirect(reverse("planner:calendar", args=[year]))
        messages.success(
            request,
            _("Version %(version)s of %(year)s is a working draft: check it, then publish it.")
            % {"version": plan.version, "year": year},
        )
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[plan.pk]))
