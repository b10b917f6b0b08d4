"""A year without a plan: the coordinator's empty state and the button that starts it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from sideline.planner.models import MeetingRequest, RequestOrigin, RunKind
from sideline.planner.views.access import CoordinatorMixin
from sideline.planner.views.runs import start_run
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
    """Make a year's first working draft from its forum sessions (coordinators only): a
    planner run, whose page shows its progress."""

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = plannable_year(year)
        return start_run(
            request,
            year=year,
            kind=RunKind.START,
            based_on=None,
            back=reverse("planner:calendar", args=[year]),
        )
