"""The audit view: the ops every node refuses (or holds back), with their reasons."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views import View
from django.views.generic import TemplateView

from sideline.meetings.selectors import audit_verdicts


class OpAuditView(TemplateView):
    """The ops every node refuses (or holds back), with their reasons: the audit view."""

    template_name = "meetings/audit.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(audit_verdicts(self.request.user))
        return context


class OpAuditJsonView(View):
    """The audit view as JSON (``public`` and, for participants, ``confidential``)."""

    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse({"schema": "sideline.op-audit/1", **audit_verdicts(request.user)})
