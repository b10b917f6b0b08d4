"""Series and story endpoints: the JSON of the series and story pages, under ``/api/meetings``.

The bodies are the pages' JSON (``sideline.series/1``, ``sideline.story/1``) without
their ``schema`` field. Reads only, with the pages' visibility: what the caller may not see answers 404 with the
one error body. Kept apart from ``meetings.api`` so that the reads across meetings do not
grow the module of the per-meeting endpoints.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema

from sideline.accounts.auth import request_user
from sideline.errors import ApiError
from sideline.meetings.series import Series, compile_series
from sideline.meetings.story import (
    StoryNotFound,
    story_of_commitment,
    story_of_decision,
    story_of_request,
)

__all__ = [
    "SeriesCommitmentOut",
    "SeriesDecisionOut",
    "SeriesMeetingOut",
    "SeriesMinutesOut",
    "SeriesOut",
    "StoryEntryOut",
    "StoryOut",
    "StoryStepOut",
    "get_series",
    "get_story",
    "router",
]

router = Router(tags=["meetings"])

_STORIES = {
    "request": story_of_request,
    "decision": story_of_decision,
    "commitment": story_of_commitment,
}


class StoryEntryOut(Schema):
    log: str
    index: int
    kind: str
    created: str
    leaf_hash: str
    log_url: str
    bundle_url: str


class StoryStepOut(Schema):
    kind: str
    title: str
    depth: int
    url: str | None
    date: str | None
    state: str | None
    missing: str | None
    detail: list[str]
    entries: list[StoryEntryOut]


class StoryOut(Schema):
    subject: str
    title: str
    url: str
    steps: list[StoryStepOut]


class SeriesCommitmentOut(Schema):
    id: str | None
    url: str
    description: str
    owner: str
    due_date: str
    closed_as: str | None


class SeriesDecisionOut(Schema):
    id: str | None
    url: str
    number: int
    title: str
    status: str
    commitments: list[SeriesCommitmentOut]


class SeriesMinutesOut(Schema):
    revision: int
    status: str
    text: str


class SeriesMeetingOut(Schema):
    id: str | None
    url: str
    title: str
    date: str
    minutes: SeriesMinutesOut | None
    decisions: list[SeriesDecisionOut]


class SeriesOut(Schema):
    kind: str
    key: str
    name: str
    meetings: list[SeriesMeetingOut]


@router.get("/series/{kind}/{key}", response=SeriesOut)
def get_series(
    request: HttpRequest, kind: Literal["organizations", "forum"], key: str
) -> dict[str, Any]:
    """A series compiled: its meetings in order with agreed minutes, decisions, commitments."""
    page = compile_series(Series(kind, key), user=request_user(request))
    if page is None:
        raise ApiError(404, "unknown_series", f"no series {kind}/{key} that you may see")
    return page.to_json()


@router.get("/story/{kind}/{object_id}", response=StoryOut)
def get_story(
    request: HttpRequest, kind: Literal["request", "decision", "commitment"], object_id: int
) -> dict[str, Any]:
    """One request, decision or commitment from the request to its result."""
    try:
        story = _STORIES[kind](object_id, user=request_user(request))
    except StoryNotFound:
        raise ApiError(404, "unknown_story", f"no {kind} {object_id} that you may see") from None
    return story.to_json()
