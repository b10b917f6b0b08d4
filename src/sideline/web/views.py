"""The shell of the site: home, search and the error pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import TemplateView

from sideline.registry.models import Forum, Organization, State
from sideline.registry.selectors import in_force_on

EIGHT = ["un", "osce", "cica", "nato", "csto", "sco", "eu", "cis"]


class HomeView(TemplateView):
    template_name = "web/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        organizations = {o.slug: o for o in Organization.objects.filter(slug__in=EIGHT)}
        context["today"] = today
        context["organizations"] = [
            (
                organizations[slug],
                organizations[slug].memberships.filter(in_force_on(today), status="member").count(),
            )
            for slug in EIGHT
            if slug in organizations
        ]
        return context


class SearchView(TemplateView):
    template_name = "web/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:100]
        context["query"] = query
        if query:

            def text(*fields: str) -> Q:
                found = Q()
                for field in fields:
                    found |= Q(**{f"{field}__icontains": query})
                return found

            context["organizations"] = Organization.objects.filter(
                text("slug", "name_en", "name_ru", "abbreviation_en", "abbreviation_ru")
            )[:50]
            context["states"] = State.objects.filter(text("code", "name_en", "name_ru"))[:50]
            context["forums"] = Forum.objects.filter(
                text("slug", "name_en", "name_ru")
            ).select_related("organization")[:50]
        return context


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "web/error.html", {"status": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/error.html", {"status": 500}, status=500)
