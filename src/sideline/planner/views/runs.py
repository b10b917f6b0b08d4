"""The planner run from a page: start it, watch its progress, cancel it (coordinators)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from sideline.error_text import error_text
from sideline.planner.models import Plan, PlannerRun, RunKind, RunStatus
from sideline.planner.services import (
    PlannerError,
    begin_run,
    execute_run,
    launch_run,
    request_cancel,
)
from sideline.planner.views.access import PAGE_SOLVE, CoordinatorMixin, CoordinatorPageMixin

REPORTS_SHOWN = 10


def start_run(
    request: HttpRequest, *, year: int, kind: str, based_on: Plan | None, back: str
) -> HttpResponse:
    """Start a run and send the coordinator to its page; a refusal goes back to `back`."""
    try:
        run = begin_run(
            year=year,
            kind=kind,
            based_on=based_on,
            user=request.user,
            time_limit=PAGE_SOLVE.time_limit,
        )
    except PlannerError as error:
        messages.error(request, error_text(error))
        return HttpResponseRedirect(back)
    if getattr(settings, "SIDELINE_PLANNER_RUNS", "thread") == "inline":
        execute_run(run, options=PAGE_SOLVE)
    else:
        launch_run(run, options=PAGE_SOLVE)
    return HttpResponseRedirect(reverse("planner:run", args=[run.pk]))


def _done_message(run: PlannerRun, plan: Plan) -> str:
    if run.kind == RunKind.START:
        return _(
            "Version %(version)s of %(year)s is a working draft: check it, then publish it."
        ) % {"version": plan.version, "year": plan.year}
    moved = len(plan.plan.get("moves") or [])
    return ngettext(
        "Re-planned as version %(version)s: %(moved)s meeting moved.",
        "Re-planned as version %(version)s: %(moved)s meetings moved.",
        moved,
    ) % {"version": plan.version, "moved": moved}


def _gap(run: PlannerRun) -> str:
    gap = run.gap
    return "" if gap is None else f"{gap:.2%}"


class RunDetailView(CoordinatorPageMixin, View):
    """Where a run stands; a finished run opens the version it made."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(PlannerRun.objects.select_related("based_on", "result"), pk=pk)
        if run.status == RunStatus.DONE and run.result is not None:
            messages.success(request, _done_message(run, run.result))
            return HttpResponseRedirect(reverse("planner:plan-detail", args=[run.result_id]))
        context = {
            "run": run,
            "gap": _gap(run),
            "reports": list(reversed(run.progress[-REPORTS_SHOWN:])),
            "title": _("Planner run for %(year)s") % {"year": run.year},
        }
        return render(request, "planner/run.html", context)


class RunStatusView(CoordinatorMixin, View):
    """The run's figures as JSON, for the page's script to poll."""

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        run = get_object_or_404(PlannerRun, pk=pk)
        return JsonResponse(
            {
                "status": run.status,
                "status_text": run.get_status_display(),
                "phase": run.phase,
                "incumbent": run.incumbent,
                "bound": run.bound,
                "gap": _gap(run),
                "elapsed_s": run.elapsed_s,
                "cancel_requested": run.cancel_requested,
                "page": reverse("planner:run", args=[run.pk]),
            }
        )


class RunCancelView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(PlannerRun, pk=pk)
        try:
            request_cancel(run=run)
            messages.info(request, _("Cancelling: the planner stops at its next report."))
        except PlannerError as error:
            messages.error(request, error_text(error))
        return HttpResponseRedirect(reverse("planner:run", args=[run.pk]))
