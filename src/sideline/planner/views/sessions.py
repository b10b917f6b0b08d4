"""A coordinator's forum sessions of a year: the list, add, change, cancel."""

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
from sideline.planner.forms import CancelSessionForm, ForumSessionForm, SummitCandidateForm
from sideline.planner.models import SummitCandidate
from sideline.planner.services import (
    PlannerError,
    SessionInvalidError,
    cancel_forum_session,
    save_forum_session,
)
from sideline.planner.views.access import CoordinatorPageMixin
from sideline.planner.views.years import plannable_year
from sideline.registry.models import ForumSession
from sideline.registry.selectors import sessions_in_year


def _show_problems(form: Form, error: SessionInvalidError) -> None:
    for problem in error.errors:
        form.add_error(problem.field, error_text(problem))


def _saved(request: HttpRequest, session: ForumSession, text: str) -> HttpResponse:
    messages.success(request, text % {"session": str(session)})
    return HttpResponseRedirect(reverse("planner:sessions", args=[session.start.year]))


def _save(request: HttpRequest, form: ForumSessionForm, session: ForumSession | None) -> Any:
    data = form.cleaned_data
    return save_forum_session(
        request.user,
        session=session,
        forum=data["forum"],
        start=data["start"],
        end=data["end"],
        city=data["city"],
        country=data["country"],
        timezone_name=data["timezone"],
        attendees=list(data["attendees"]),
        status=data["status"],
        citation=data["citation"],
        reason=data["reason"],
    )


def render_sessions_page(
    request: HttpRequest,
    year: int,
    *,
    session_form: Form | None = None,
    summit_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render a year's forum sessions and summit candidates with both forms to add one."""
    context = {
        "year": year,
        "sessions": list(sessions_in_year(year).select_related("source")),
        "summits": list(SummitCandidate.objects.filter(year=year)),
        "form": session_form or ForumSessionForm(),
        "summit_form": summit_form or SummitCandidateForm(),
        "title": _("Forum sessions of %(year)s") % {"year": year},
    }
    return render(request, "planner/sessions.html", context, status=status)


class ForumSessionListView(CoordinatorPageMixin, View):
    """A year's forum sessions, each with its changes; add one."""

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        year = plannable_year(year)
        return self._render(request, year, ForumSessionForm())

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = plannable_year(year)
        form = ForumSessionForm(request.POST)
        if not form.is_valid():
            return self._render(request, year, form, status=400)
        try:
            session = _save(request, form, None)
        except SessionInvalidError as error:
            _show_problems(form, error)
            return self._render(request, year, form, status=400)
        return _saved(
            request, session, _("Session added: %(session)s. Re-plan to take it into account.")
        )

    def _render(
        self, request: HttpRequest, year: int, form: ForumSessionForm, *, status: int = 200
    ) -> HttpResponse:
        return render_sessions_page(request, year, session_form=form, status=status)


class ForumSessionEditView(CoordinatorPageMixin, View):
    """Change a forum session: dates, place, attendees, status; with a source."""

    template_name = "planner/session_edit.html"

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        session = get_object_or_404(ForumSession, key=key)
        form = ForumSessionForm(initial=ForumSessionForm.initial_of(session))
        return self._render(request, session, form)

    def post(self, request: HttpRequest, key: str) -> HttpResponse:
        session = get_object_or_404(ForumSession, key=key)
        form = ForumSessionForm(request.POST)
        if not form.is_valid():
            return self._render(request, session, form, status=400)
        try:
            saved = _save(request, form, session)
        except SessionInvalidError as error:
            _show_problems(form, error)
            return self._render(request, session, form, status=400)
        except PlannerError as error:
            form.add_error(None, error_text(error))
            return self._render(request, session, form, status=error.status)
        return _saved(
            request, saved, _("Session changed: %(session)s. Re-plan to take it into account.")
        )

    def _render(
        self, request: HttpRequest, session: ForumSession, form: Form, *, status: int = 200
    ) -> HttpResponse:
        context = {
            "session": session,
            "form": form,
            "title": _("Change the session %(session)s") % {"session": str(session)},
        }
        return render(request, self.template_name, context, status=status)


class ForumSessionCancelView(ForumSessionEditView):
    """Cancel a forum session, with the reason and its source."""

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        session = get_object_or_404(ForumSession, key=key)
        return self._cancel_page(request, session, CancelSessionForm())

    def post(self, request: HttpRequest, key: str) -> HttpResponse:
        session = get_object_or_404(ForumSession, key=key)
        form = CancelSessionForm(request.POST)
        if not form.is_valid():
            return self._cancel_page(request, session, form, status=400)
        try:
            saved = cancel_forum_session(
                request.user,
                session=session,
                reason=form.cleaned_data["reason"],
                citation=form.cleaned_data["citation"],
            )
        except SessionInvalidError as error:
            _show_problems(form, error)
            return self._cancel_page(request, session, form, status=400)
        except PlannerError as error:
            form.add_error(None, error_text(error))
            return self._cancel_page(request, session, form, status=error.status)
        return _saved(
            request,
            saved,
            _("Session cancelled: %(session)s. Re-plan to move its meetings elsewhere."),
        )

    def _cancel_page(
        self, request: HttpRequest, session: ForumSession, form: Form, *, status: int = 200
    ) -> HttpResponse:
        context = {
            "session": session,
            "form": form,
            "cancel": True,
            "title": _("Cancel the session %(session)s") % {"session": str(session)},
        }
        return render(request, self.template_name, context, status=status)
