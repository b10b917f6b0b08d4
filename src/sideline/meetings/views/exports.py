"""A decision's answers as a spreadsheet: every position with its words, for the record.

Readable by whoever may read the decision (a confidential meeting's is a 404 to others, as
its page is); cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from sideline.meetings.models import Decision
from sideline.meetings.views.pages import meeting_for
from sideline.validators import spreadsheet_row

__all__ = ["DecisionAnswersCsvView"]

HEADER = [
    "decision",
    "organization",
    "position",
    "paragraph",
    "words",
    "answered_at",
    "signed_at",
]


class DecisionAnswersCsvView(View):
    """Every answer to one decision, in the order given, withdrawals included."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = get_object_or_404(Decision, pk=pk)
        meeting_for(request, decision.meeting_id)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="decision-{pk}-answers.csv"'
        writer = csv.writer(response)
        writer.writerow(HEADER)
        answers = decision.responses.select_related("organization").order_by("created_at", "pk")
        for answer in answers:
            writer.writerow(
                spreadsheet_row(
                    [
                        decision.op_id or decision.pk,
                        answer.organization.slug,
                        answer.position,
                        answer.paragraph or "",
                        answer.reason,
                        answer.created_at.isoformat(),
                        answer.signed_at.isoformat() if answer.signed_at else "",
                    ]
                )
            )
        return response
