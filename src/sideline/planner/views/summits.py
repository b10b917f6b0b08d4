"""A coordinator's special summit candidates of a year: add, change, cancel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from sideline.error_text import error_text
from sideline.planner.forms import CancelSummitForm, SummitCandidateForm
from sideline.planner.models import SummitCandidate
from sideline.planner.services import (
    SessionInvalidError,
    cancel_summit_candidate,
    save_summit_candidate,
)
from sideline.planner.views.access import CoordinatorPageMixin
from sideline.planner.views.sessions import render_sessions_page
from sideline.planner.views.years import plannable_year


def _show_problems(form: Form, error: SessionInvalidError) -> None:
    for problem in error.errors:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, error_text(problem))


def _save(
    request: HttpRequest, form: SummitCandidateForm, *, year: int, row: SummitCandidate | None
) -> SummitCandidate:
    data = form.cleaned_data
    return save_summit_candidate(
        request.user,
        candidate=row,
        year=year,
        key=data.get("key") or (row.key if row is not None else ""),
        city=data["city"],
        country=data["country"].code,
        timezone_name=data["timezone"],
        start=data["start"],
        end=data["end"],
        slots_per_day=data["slots_per_day"],
        rooms=data["rooms"],
        cost=data["cost"],
    )


def _back(request: HttpRequest, row: SummitCandidate, text: str) -> HttpResponse:
    messages.success(request, text % {"summit": row.key})
    return HttpResponseRedirect(reverse("planner:sessions", args=[row.year]))


class SummitAddView(CoordinatorPageMixin, View):
    """Add a special summit candidate from the year's sessions page."""

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = plannable_year(year)
        form = SummitCandidateForm(request.POST)
        if form.is_valid():
            try:
                row = _save(request, form, year=year, row=None)
            except SessionInvalidError as error:
                _show_problems(form, error)
            else:
                return _back(
                    request, row, _("Summit candidate %(summit)s added. Re-plan to consider it.")
                )
        return render_sessions_page(request, year, summit_form=form, status=400)


class SummitEditView(CoordinatorPageMixin, View):
    """Change a candidate (its identifier stays: versions name the summit by it)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(SummitCandidate, pk=pk)
        return self._render(
            request, row, self._form(row, initial=SummitCandidateForm.initial_of(row))
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(SummitCandidate, pk=pk)
        form = self._form(row, data=request.POST)
        if form.is_valid():
            try:
                _save(request, form, year=row.year, row=row)
            except SessionInvalidError as error:
                _show_problems(form, error)
            else:
                return _back(
                    request, row, _("Summit candidate %(summit)s changed. Re-plan to consider it.")
                )
        return self._render(request, row, form, status=400)

    def _form(self, row: SummitCandidate, **kwargs: Any) -> SummitCandidateForm:
        form = SummitCandidateForm(**kwargs)
        form.fields["key"].disabled = True
        form.fields["key"].initial = row.key
        return form

    def _render(
        self, request: HttpRequest, row: SummitCandidate, form: Form, *, status: int = 200
    ) -> HttpResponse:
        context = {
            "row": row,
            "form": form,
            "title": _("Change the summit candidate %(summit)s") % {"summit": row.key},
        }
        return render(request, "planner/summit_edit.html", context, status=status)


class SummitCancelView(SummitEditView):
    """Withdraw a candidate, with the reason."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(SummitCandidate, pk=pk)
        return self._cancel_page(request, row, CancelSummitForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(SummitCandidate, pk=pk)
        form = CancelSummitForm(request.POST)
        if form.is_valid():
            try:
                cancel_summit_candidate(
                    request.user, candidate=row, reason=form.cleaned_data["reason"]
                )
            except SessionInvalidError as error:
                _show_problems(form, error)
            else:
                return _back(
                    request, row, _("Summit candidate %(summit)s cancelled. Re-plan to drop it.")
                )
        return self._cancel_page(request, row, form, status=400)

    def _cancel_page(
        self, request: HttpRequest, row: SummitCandidate, form: Form, *, status: int = 200
    ) -> HttpResponse:
        context = {
            "row": row,
            "form": form,
            "cancel": True,
            "title": _("Cancel the summit candidate %(summit)s") % {"summit": row.key},
        }
        return render(request, "planner/summit_edit.html", context, status=status)
