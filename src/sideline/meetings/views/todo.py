"""The person's "to do" page: what awaits their answer, each item linked to where it is done."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from sideline.accounts.permissions import person_of
from sideline.meetings.todo import todo_for


class ToDoView(LoginRequiredMixin, TemplateView):
    template_name = "meetings/todo.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = person_of(self.request.user)
        context.update(
            todo=todo_for(self.request.user),
            person=person,
            organization=person.organization if person and person.organization_id else None,
        )
        return context
