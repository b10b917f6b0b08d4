"""Reads of the registry, each answerable "as of" a date."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from sideline.registry.models import ForumSession, Membership, Organization, State

__all__ = [
    "TimelineEvent",
    "in_force_on",
    "members_as_of",
    "memberships_of_state",
    "organization_timeline",
    "session_facts",
    "sessions_in_year",
]


def in_force_on(day: date, *, prefix: str = "") -> Q:
    """Match memberships in force on ``day``: ``start <= day < end`` (see registry.dates).

    ``prefix`` reaches memberships through a relation, e.g. ``"memberships__"``.
    """
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )


def members_as_of(
    organization: Organization, *, as_of: date, statuses: Iterable[str] | None = None
) -> QuerySet[Membership]:
    """Return the memberships of ``organization`` in force on ``as_of``, by state name."""
    rows = organization.memberships.filter(in_force_on(as_of)).select_related("state", "source")
    if statuses is not None:
        rows = rows.filter(status__in=list(statuses))
    return rows.order_by("status", "state__name_en")


def memberships_of_state(state: State, *, as_of: date | None = None) -> QuerySet[Membership]:
    """Return a state's memberships, all of them or those in force on ``as_of``."""
    rows = state.memberships.select_related("organization", "source")
    if as_of is not None:
        rows = rows.filter(in_force_on(as_of))
    return rows.order_by("start_date", "organization__slug")


@dataclass(frozen=True)
class TimelineEvent:
    """A change in an organization's membership: a state joins or leaves a status."""

    date: str
    sort_key: datetime.date
    state: State
    status: str
    change: str  # "joined" or "left"
    membership: Membership


def organization_timeline(organization: Organization) -> list[TimelineEvent]:
    """Return every accession and departure of ``organization``, oldest first."""
    events: list[TimelineEvent] = []
    for membership in organization.memberships.select_related("state", "source"):
        events.append(
            TimelineEvent(
                membership.start,
                membership.start_date,
                membership.state,
                membership.status,
                "joined",
                membership,
            )
        )
        if membership.end and membership.end_date:
            events.append(
                TimelineEvent(
                    membership.end,
                    membership.end_date,
                    membership.state,
                    membership.status,
                    "left",
                    membership,
                )
            )
    events.sort(key=lambda event: (event.sort_key, event.change != "left", event.state.name_en))
    return events


def sessions_in_year(year: int) -> QuerySet[ForumSession]:
    """Return the forum sessions that start in ``year``, in date order."""
    return (
        ForumSession.objects.filter(start__year=year)
        .select_related("forum", "forum__organization", "country")
        .prefetch_related("attendees")
        .order_by("start", "key")
    )


def session_facts(year: int) -> list[dict[str, Any]]:
    """Return the sessions that start in ``year`` as plain facts, in date order.

    The keys are the arguments of `planner.document.session_document`, so that every
    builder of a plan instance reads sessions the same way.
    """
    return [
        {
            "key": s.key,
            "forum": s.forum.slug,
            "city": s.city,
            "country": s.country.code,
            "timezone": s.timezone,
            "start": s.start,
            "end": s.end,
            "attendees": sorted(o.slug for o in s.attendees.all()),
        }
        for s in sessions_in_year(year)
    ]
