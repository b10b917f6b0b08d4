"""Coordinators' changes to a version: move, pin, remove, publish, re-plan, start a draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from sideline.error_text import error_text
from sideline.planner.forms import (
    MoveForm,
    PublishForm,
)
from sideline.planner.models import PlacedMeeting, Plan, RunKind
from sideline.planner.selectors import (
    plan_instance,
)
from sideline.planner.services import (
    PlannerError,
    move_meeting,
    publish_plan,
    remove_meeting,
    set_pinned,
    start_draft,
)
from sideline.planner.texts import rule_text
from sideline.planner.views.access import CoordinatorMixin
from sideline.planner.views.runs import start_run


def _next(request: HttpRequest) -> str:
    """Return where to go after a move (the grid it was made from), if it is this site's."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


class MeetingEditView(CoordinatorMixin, View):
    """Move a meeting by hand; rule violations are shown and must be confirmed to save."""

    template_name = "planner/meeting_edit.html"

    def _meeting(self, pk: int) -> PlacedMeeting:
        return get_object_or_404(PlacedMeeting.objects.select_related("plan", "request"), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self._meeting(pk)
        form = MoveForm(
            instance=plan_instance(meeting.plan),
            initial={
                "venue": meeting.venue,
                "date": meeting.date,
                "slot": meeting.slot + 1,
                "room": meeting.room + 1,
            },
        )
        return self._render(request, meeting, form, [])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self._meeting(pk)
        form = MoveForm(request.POST, instance=plan_instance(meeting.plan))
        if not form.is_valid():
            return self._render(request, meeting, form, [], status=400)
        data = form.cleaned_data
        try:
            outcome = move_meeting(
                meeting=meeting,
                venue=data["venue"],
                date=data["date"],
                slot=data["slot"] - 1,
                room=data["room"] - 1,
                accept_warnings=data["confirm"],
            )
        except PlannerError as error:
            form.add_error(None, error_text(error))
            return self._render(request, meeting, form, [], status=400)
        if not outcome.saved:
            return self._render(request, meeting, form, list(outcome.violations), status=409)
        if outcome.violations:
            messages.warning(
                request,
                ngettext(
                    "Moved despite %(count)s broken rule: %(rules)s",
                    "Moved despite %(count)s broken rules: %(rules)s",
                    len(outcome.violations),
                )
                % {
                    "count": len(outcome.violations),
                    "rules": "; ".join(
                        f"{rule_text(v.constraint)} ({v.message})" for v in outcome.violations
                    ),
                },
            )
        else:
            messages.success(request, _("Meeting moved."))
        return HttpResponseRedirect(
            _next(request) or reverse("planner:plan-detail", args=[meeting.plan_id])
        )

    def _render(
        self,
        request: HttpRequest,
        meeting: PlacedMeeting,
        form: MoveForm,
        violations: list[Any],
        *,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "meeting": meeting,
            "form": form,
            "violations": violations,
            "next": _next(request),
            "title": _("Move %(request)s") % {"request": meeting.request.key},
        }
        return render(request, self.template_name, context, status=status)


class MeetingPinView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(PlacedMeeting.objects.select_related("plan"), pk=pk)
        try:
            set_pinned(meeting=meeting, pinned=request.POST.get("pinned") == "1")
        except PlannerError as error:
            messages.error(request, error_text(error))
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[meeting.plan_id]))


class MeetingRemoveView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(PlacedMeeting.objects.select_related("plan", "request"), pk=pk)
        plan_id = meeting.plan_id
        try:
            remove_meeting(meeting=meeting)
            messages.success(request, _("Meeting removed; its request is now unplaced."))
        except PlannerError as error:
            messages.error(request, error_text(error))
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[plan_id]))


class PlanPublishView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=pk)
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the organization that publishes."))
        else:
            try:
                publish_plan(plan=plan, publisher=form.cleaned_data["publisher"])
                messages.success(
                    request, _("Version %(version)s published.") % {"version": plan.version}
                )
            except PlannerError as error:
                messages.error(request, error_text(error))
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[plan.pk]))


class PlanReplanView(CoordinatorMixin, View):
    """Re-plan a version with the fewest moves: a planner run, whose page shows its progress."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=pk)
        return start_run(
            request,
            year=plan.year,
            kind=RunKind.REPLAN,
            based_on=plan,
            back=reverse("planner:plan-detail", args=[plan.pk]),
        )


class PlanDraftView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=pk)
        draft = start_draft(plan=plan)
        messages.success(
            request, _("Working draft version %(version)s started.") % {"version": draft.version}
        )
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[draft.pk]))
