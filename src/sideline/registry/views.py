"""Registry pages: organizations, states, forums. Readable without JavaScript."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sideline.errors import ApiError, parse_date_argument
from sideline.localization import sorted_by_name
from sideline.registry.enums import MembershipStatus
from sideline.registry.models import Forum, Organization, State
from sideline.registry.selectors import (
    history_of_organization,
    history_of_state,
    in_force_on,
    members_as_of,
    memberships_of_state,
    organization_timeline,
    participations_of,
    relation_timeline,
    relations_of,
    sessions_in_year,
)
from sideline.validators import EARLIEST, LATEST


def _as_of(view: TemplateView, context: dict[str, Any]) -> date:
    """Read ``?as_of=``; a bad value becomes a message on the page and today's date."""
    today = timezone.localdate()
    try:
        day = parse_date_argument(view.request.GET.get("as_of"), name="as_of", default=today)
    except ApiError:
        context["date_error"] = _("“%(value)s” is not a date; use YYYY-MM-DD. Showing today.") % {
            "value": view.request.GET.get("as_of", "")
        }
        day = today
    assert day is not None
    context["as_of"] = day
    return day


class OrganizationListView(TemplateView):
    template_name = "registry/organization_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        day = _as_of(self, context)
        context["organizations"] = Organization.objects.annotate(
            members=Count(
                "memberships",
                filter=in_force_on(day, prefix="memberships__") & Q(memberships__status="member"),
            )
        ).order_by("slug")
        context["organizations"] = sorted_by_name(
            context["organizations"], name=lambda o: o.name, language=get_language() or "en"
        )
        return context


class OrganizationDetailView(TemplateView):
    template_name = "registry/organization_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            organization = Organization.objects.select_related("source", "successor").get(
                slug=kwargs["slug"]
            )
        except Organization.DoesNotExist:
            raise Http404 from None
        day = _as_of(self, context)
        groups: dict[str, list[Any]] = defaultdict(list)
        for membership in sorted_by_name(
            members_as_of(organization, as_of=day),
            name=lambda m: m.participant.name,
            language=get_language() or "en",
        ):
            groups[membership.status].append(membership)
        context["organization"] = organization
        context["groups"] = [
            (label, groups[value]) for value, label in MembershipStatus.choices if groups.get(value)
        ]
        context["timeline"] = organization_timeline(organization)
        context["relations"] = [
            (relation, relation.other(organization))
            for relation in relations_of(organization, as_of=day)
        ]
        context["relation_timeline"] = relation_timeline(organization)
        context["participations"] = participations_of(organization, as_of=day)
        context["mandates"] = organization.mandates.select_related("function", "source").order_by(
            "-weight", "function__slug"
        )
        context["forums"] = organization.forums.all()
        context["history"] = history_of_organization(organization)
        return context


class StateListView(TemplateView):
    template_name = "registry/state_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["states"] = sorted_by_name(
            State.objects.annotate(organizations=Count("memberships__organization", distinct=True)),
            name=lambda s: s.name,
            language=get_language() or "en",
        )
        return context


class StateDetailView(TemplateView):
    template_name = "registry/state_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            state = State.objects.get(code=kwargs["code"].upper())
        except State.DoesNotExist:
            raise Http404 from None
        context["state"] = state
        context["memberships"] = memberships_of_state(state)
        context["engagements"] = state.engagements.select_related("source").order_by("date")
        context["history"] = history_of_state(state)
        return context


class ForumListView(TemplateView):
    template_name = "registry/forum_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year
        if not EARLIEST.year <= year <= LATEST.year:  # no session there; dates would overflow
            year = timezone.localdate().year
        context["year"] = year
        context["forums"] = Forum.objects.select_related("organization", "source")
        context["sessions"] = sessions_in_year(year)
        years = sorted(
            {d.year for d in Forum.objects.values_list("sessions__start", flat=True) if d}
        )
        context["years"] = years
        return context
