"""Who sees and who changes the planner's pages: the coordinator mixins and the draft rule."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from sideline.planner.models import Plan
from sideline.planner.services import (
    can_coordinate,
)
from sideline.planner.solver import SolveOptions

# Re-planning from a page must answer within a request's patience.
PAGE_SOLVE = SolveOptions(time_limit=10.0, num_workers=2, seed=0)


class CoordinatorMixin:
    """Refuse (403) anyone who may not coordinate; see `services.can_coordinate`."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_coordinate(request.user):
            raise PermissionDenied(_("Only a coordinator may change plans."))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]  # View's dispatch


class CoordinatorPageMixin(CoordinatorMixin):
    """As `CoordinatorMixin`, but a visitor who is not logged in is sent to log in first."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


def visible(plan: Plan, request: HttpRequest) -> None:
    """Drafts are the coordinator's working copy; others see published versions only."""
    if plan.is_draft and not can_coordinate(request.user):
        raise Http404(_("No such plan."))
