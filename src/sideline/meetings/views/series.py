"""Series pages and story pages: reads across meetings, each also as JSON.

A series page compiles what a group of organizations (or a forum) agreed, decided and
committed to, meeting after meeting (``meetings.series``); a story page follows one
request, decision or commitment from the request to its result (``meetings.story``).
Both show only what the requester may see, and answer 404 when that is nothing.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from sideline.meetings.markdown import render_markdown
from sideline.meetings.series import Series, SeriesKind, SeriesPage, compile_series
from sideline.meetings.story import (
    Story,
    StoryNotFound,
    story_of_commitment,
    story_of_decision,
    story_of_request,
)

__all__ = ["SeriesJsonView", "SeriesView", "StoryJsonView", "StoryView"]

_STORIES = {
    "request": story_of_request,
    "decision": story_of_decision,
    "commitment": story_of_commitment,
}


_KINDS: dict[str, SeriesKind] = {"organizations": "organizations", "forum": "forum"}


def _series_or_404(request: HttpRequest, kind: str, key: str) -> SeriesPage:
    if kind not in _KINDS:
        raise Http404
    page = compile_series(Series(_KINDS[kind], key), user=request.user)
    if page is None:
        raise Http404
    return page


def _story_or_404(request: HttpRequest, kind: str, pk: int) -> Story:
    reader = _STORIES.get(kind)
    if reader is None:
        raise Http404
    try:
        return reader(pk, user=request.user)
    except StoryNotFound:
        raise Http404 from None


class SeriesView(TemplateView):
    """The meetings of a series in order, with their agreed minutes, decisions, commitments."""

    template_name = "meetings/series.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = _series_or_404(self.request, kwargs["kind"], kwargs["key"])
        rows = []
        for meeting in page.meetings:
            minutes = page.agreed_minutes(meeting)
            rows.append(
                {
                    "meeting": meeting,
                    "minutes": minutes,
                    "minutes_html": mark_safe(render_markdown(minutes.text)) if minutes else "",
                    "decisions": list(meeting.decisions.all()),
                }
            )
        context.update(page=page, rows=rows)
        return context


class SeriesJsonView(View):
    """The series page as JSON (``sideline.series/1``)."""

    def get(self, request: HttpRequest, kind: str, key: str) -> JsonResponse:
        page = _series_or_404(request, kind, key)
        return JsonResponse(page.to_json(), json_dumps_params={"ensure_ascii": False})


class StoryView(TemplateView):
    """One request, decision or commitment from the request to its result."""

    template_name = "meetings/story.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            story=_story_or_404(self.request, kwargs["kind"], kwargs["pk"]),
            kind=kwargs["kind"],
            pk=kwargs["pk"],
        )
        return context


class StoryJsonView(View):
    """The story page as JSON (``sideline.story/1``)."""

    def get(self, request: HttpRequest, kind: str, pk: int) -> JsonResponse:
        story = _story_or_404(request, kind, pk)
        return JsonResponse(story.to_json(), json_dumps_params={"ensure_ascii": False})
