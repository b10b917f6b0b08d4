"""Planner reads: plan versions, their meetings with filters, unplaced requests, feeds."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from sideline.planner.models import FeedItem, PlacedMeeting, Plan, PlanStatus, UnplacedRequest
from sideline.registry.models import Organization

__all__ = [
    "feed_of",
    "latest_published",
    "meetings_of",
    "plan_years",
    "plans",
    "unplaced_of",
    "working_draft",
]


def plans(*, year: int | None = None) -> QuerySet[Plan]:
    """Return plan versions, newest year and version first."""
    queryset = Plan.objects.select_related("published_by").order_by("-year", "-version")
    return queryset if year is None else queryset.filter(year=year)


def plan_years() -> list[int]:
    """Return the years that have at least one plan, newest first."""
    return list(Plan.objects.order_by("-year").values_list("year", flat=True).distinct())


def latest_published(*, year: int | None = None) -> Plan | None:
    """Return the newest published version (of `year` when given)."""
    return plans(year=year).filter(status=PlanStatus.PUBLISHED).first()


def working_draft(*, year: int) -> Plan | None:
    """Return the newest draft of `year` if it is newer than every published version."""
    newest = plans(year=year).first()
    return newest if newest is not None and newest.is_draft else None


def meetings_of(
    plan: Plan,
    *,
    organization: str | None = None,
    forum: str | None = None,
    topic: str | None = None,
) -> QuerySet[PlacedMeeting]:
    """Return a plan's meetings in time order, filtered by organization, forum or topic slug."""
    queryset = (
        PlacedMeeting.objects.filter(plan=plan)
        .select_related("request", "request__function", "session", "session__forum")
        .prefetch_related(
            Prefetch("request__organizations", queryset=Organization.objects.order_by("slug"))
        )
        .order_by("start", "venue", "room", "id")
    )
    if organization:
        queryset = queryset.filter(request__organizations__slug=organization)
    if forum:
        queryset = queryset.filter(session__forum__slug=forum)
    if topic:
        queryset = queryset.filter(request__topic=topic)
    return queryset


def unplaced_of(plan: Plan) -> QuerySet[UnplacedRequest]:
    """Return a plan's unplaced requests with their organizations."""
    return (
        UnplacedRequest.objects.filter(plan=plan)
        .select_related("request")
        .prefetch_related(
            Prefetch("request__organizations", queryset=Organization.objects.order_by("slug"))
        )
        .order_by("request__key")
    )


def feed_of(*, organization: str) -> QuerySet[FeedItem]:
    """Return what changed for `organization` across published versions, newest first."""
    return (
        FeedItem.objects.filter(organization__slug=organization)
        .select_related("plan", "previous", "request", "organization")
        .order_by("-plan__published_at", "-plan__version", "request__key", "id")
    )
