"""The curator's pages: the facts of an organization, a proposal form, review, history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from sideline.accounts.permissions import can_curate
from sideline.curation.errors import CurationError
from sideline.curation.forms import COLUMN_LABELS, ProposalForm, ReviewForm
from sideline.curation.selectors import (
    diff_rows,
    organization_facts,
    pending_corrections,
    reviewed_corrections,
)
from sideline.curation.services import (
    approve_correction,
    current_row,
    propose_correction,
    reject_correction,
    self_approval_allowed,
)
from sideline.registry.curation_rows import TABLES, key_text
from sideline.registry.enums import CorrectionAction, CorrectionStatus, CuratedTable
from sideline.registry.models import Correction, Organization


class _CuratorView(View):
    """Curators only: the anonymous are sent to log in, other roles refused (403)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_curate(request.user):
            raise PermissionDenied(_("Only curators propose and review corrections."))
        return super().dispatch(request, *args, **kwargs)


class CorrectionListView(_CuratorView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "curation/list.html",
            {
                "pending": pending_corrections(),
                "reviewed": reviewed_corrections(),
                "organizations": Organization.objects.order_by("slug"),
                "self_approval": self_approval_allowed(),
            },
        )


class OrganizationFactsView(_CuratorView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        organization = get_object_or_404(Organization, slug=slug)
        facts = organization_facts(slug)
        sections = [
            (table, CuratedTable(table).label, facts[table])
            for table in ("organizations", "memberships", "mandates", "forums", "sessions")
        ]
        return render(
            request,
            "curation/organization_facts.html",
            {"organization": organization, "sections": sections},
        )


class CorrectionProposeView(_CuratorView):
    def _setup(
        self, request: HttpRequest, table: str, action: str
    ) -> tuple[dict[str, str], dict[str, str]]:
        if table not in TABLES or action not in CorrectionAction.values:
            raise Http404
        key = {column: request.GET.get(column, "") for column in TABLES[table].key}
        if action == CorrectionAction.ADD:
            return key, {k: v for k, v in key.items() if v}
        row = current_row(table, key)
        if row is None:
            raise Http404
        return key, row

    def _render(
        self, request: HttpRequest, table: str, action: str, form: ProposalForm, row: dict[str, str]
    ) -> HttpResponse:
        return render(
            request,
            "curation/propose.html",
            {
                "form": form,
                "table_label": CuratedTable(table).label,
                "action": action,
                "action_label": CorrectionAction(action).label,
                "fact": key_text(table, row) if action != CorrectionAction.ADD else "",
                "row": [(COLUMN_LABELS.get(c, c), row.get(c, "")) for c in TABLES[table].columns],
            },
            status=400 if form.is_bound else 200,
        )

    def get(self, request: HttpRequest, table: str, action: str) -> HttpResponse:
        _key, row = self._setup(request, table, action)
        form = ProposalForm(table=table, action=action, initial_row=row)
        return self._render(request, table, action, form, row)

    def post(self, request: HttpRequest, table: str, action: str) -> HttpResponse:
        key, row = self._setup(request, table, action)
        form = ProposalForm(request.POST, table=table, action=action, initial_row=row)
        if form.is_valid():
            try:
                correction = propose_correction(
                    request.user,
                    table=table,
                    action=action,
                    key=key,
                    values=form.values,
                    citation=form.cleaned_data["citation"],
                    reason=form.cleaned_data["reason"],
                )
            except CurationError as error:
                if error.status == 403:
                    raise PermissionDenied(error.message) from None
                for field, texts in (error.field_errors or {"__all__": [error.message]}).items():
                    for text in texts:
                        form.add_error(None if field == "__all__" else field, text)
            else:
                messages.success(
                    request,
                    _("Correction %(number)d proposed: a second curator reviews it now.")
                    % {"number": correction.pk},
                )
                return HttpResponseRedirect(reverse("curation:detail", args=[correction.pk]))
        return self._render(request, table, action, form, row)


def _visible(request: HttpRequest, correction: Correction) -> bool:
    """Approved corrections are the registry's public history; the rest is for curators."""
    return correction.status == CorrectionStatus.APPROVED or can_curate(request.user)


class CorrectionDetailView(View):
    def get(self, request: HttpRequest, pk: int, form: ReviewForm | None = None) -> HttpResponse:
        correction = get_object_or_404(
            Correction.objects.select_related("proposed_by", "reviewed_by"), pk=pk
        )
        if not _visible(request, correction):
            raise Http404
        may_review = (
            correction.status == CorrectionStatus.PROPOSED
            and can_curate(request.user)
            and (correction.proposed_by_id != request.user.pk or self_approval_allowed())
        )
        return render(
            request,
            "curation/detail.html",
            {
                "correction": correction,
                "diff": [(COLUMN_LABELS.get(c, c), b, a) for c, b, a in diff_rows(correction)],
                "may_review": may_review,
                "own": correction.proposed_by_id == request.user.pk,
                "form": form or ReviewForm(),
            },
            status=400 if form is not None else 200,
        )


class CorrectionReviewView(_CuratorView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = ReviewForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "") if hasattr(form, "cleaned_data") else ""
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                approve_correction(request.user, correction_id=pk, note=note)
                messages.success(
                    request, _("Correction approved and applied; it is on the record.")
                )
            elif decision == "reject":
                reject_correction(request.user, correction_id=pk, note=note)
                messages.success(request, _("Correction rejected."))
            else:
                form.add_error(None, _("Choose to approve or to reject."))
                return CorrectionDetailView().get(request, pk, form=form)
        except CurationError as error:
            if error.status == 404:
                raise Http404 from None
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            for field, texts in (error.field_errors or {"__all__": [error.message]}).items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
            return CorrectionDetailView().get(request, pk, form=form)
        return HttpResponseRedirect(reverse("curation:detail", args=[pk]))
