"""Reads of the registry, each answerable "as of" a date."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet

from sideline.registry.enums import CorrectionStatus, SessionStatus
from sideline.registry.models import (
    Correction,
    ForumSession,
    Membership,
    Organization,
    Relation,
    State,
)

__all__ = [
    "RelationEvent",
    "TimelineEvent",
    "history_of_organization",
    "history_of_state",
    "in_force_on",
    "members_as_of",
    "memberships_of_state",
    "organization_timeline",
    "participations_of",
    "plannable_sessions",
    "relation_timeline",
    "relations_of",
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
    """Return the memberships of ``organization`` in force on ``as_of``.

    States come first by name, then organizations by slug (the same order on every
    database: NULLs are placed explicitly).
    """
    rows = organization.memberships.filter(in_force_on(as_of)).select_related(
        "state", "participant_organization", "source"
    )
    if statuses is not None:
        rows = rows.filter(status__in=list(statuses))
    return rows.order_by(
        "status",
        F("state__name_en").asc(nulls_last=True),
        F("participant_organization__slug").asc(nulls_first=True),
    )


def participations_of(
    organization: Organization, *, as_of: date | None = None
) -> QuerySet[Membership]:
    """Return the statuses ``organization`` itself holds in other organizations."""
    rows = organization.participations.select_related("organization", "source")
    if as_of is not None:
        rows = rows.filter(in_force_on(as_of))
    return rows.order_by("start_date", "organization__slug")


def relations_of(organization: Organization, *, as_of: date | None = None) -> QuerySet[Relation]:
    """Return the relations in which ``organization`` is either party, all or as of a day."""
    rows = Relation.objects.filter(
        Q(organization=organization) | Q(counterpart=organization)
    ).select_related("organization", "counterpart", "source")
    if as_of is not None:
        rows = rows.filter(in_force_on(as_of))
    return rows.order_by("start_date", "key")


def memberships_of_state(state: State, *, as_of: date | None = None) -> QuerySet[Membership]:
    """Return a state's memberships, all of them or those in force on ``as_of``."""
    rows = state.memberships.select_related("organization", "source")
    if as_of is not None:
        rows = rows.filter(in_force_on(as_of))
    return rows.order_by("start_date", "organization__slug")


@dataclass(frozen=True)
class TimelineEvent:
    """A change in an organization's membership: a participant joins or leaves a status."""

    date: str
    sort_key: datetime.date
    participant: State | Organization
    status: str
    change: str  # "joined" or "left"
    membership: Membership


def organization_timeline(organization: Organization) -> list[TimelineEvent]:
    """Return every accession and departure of ``organization``, oldest first."""
    events: list[TimelineEvent] = []
    for membership in organization.memberships.select_related(
        "state", "participant_organization", "source"
    ):
        events.append(
            TimelineEvent(
                membership.start,
                membership.start_date,
                membership.participant,
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
                    membership.participant,
                    membership.status,
                    "left",
                    membership,
                )
            )
    events.sort(
        key=lambda event: (event.sort_key, event.change != "left", event.participant.name_en)
    )
    return events


@dataclass(frozen=True)
class RelationEvent:
    """A relation of an organization taking effect or ending."""

    date: str
    sort_key: datetime.date
    relation: Relation
    other: Organization
    change: str  # "began" or "ended"


def relation_timeline(organization: Organization) -> list[RelationEvent]:
    """Return when each relation of ``organization`` began and ended, oldest first."""
    events: list[RelationEvent] = []
    for relation in relations_of(organization):
        other = relation.other(organization)
        events.append(RelationEvent(relation.start, relation.start_date, relation, other, "began"))
        if relation.ended and relation.end_date:
            events.append(
                RelationEvent(relation.ended, relation.end_date, relation, other, "ended")
            )
    events.sort(key=lambda event: (event.sort_key, event.change != "ended", event.relation.key))
    return events


def sessions_in_year(year: int) -> QuerySet[ForumSession]:
    """Return the forum sessions that start in ``year``, in date order."""
    return (
        ForumSession.objects.filter(start__year=year)
        .select_related("forum", "forum__organization", "country")
        .prefetch_related("attendees")
        .order_by("start", "key")
    )


def plannable_sessions(year: int) -> QuerySet[ForumSession]:
    """Return the sessions that start in ``year`` and are not cancelled, in date order."""
    return sessions_in_year(year).exclude(status=SessionStatus.CANCELLED)


def session_facts(year: int) -> list[dict[str, Any]]:
    """Return the sessions that start in ``year`` as plain facts, in date order; a
    cancelled session is left out.

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
        for s in plannable_sessions(year)
    ]


def history_of_organization(organization: Organization) -> QuerySet[Correction]:
    """Return the approved corrections of the organization's facts, newest first."""
    slug = organization.slug
    forums = list(organization.forums.values_list("slug", flat=True))
    about = (
        Q(table="organizations", subject=slug)
        | (
            Q(table__in=["memberships", "mandates", "forums"])
            & (Q(before__organization=slug) | Q(after__organization=slug))
        )
        | Q(table="sessions", before__forum__in=forums)
        | Q(table="sessions", after__forum__in=forums)
    )
    return _history(about)


def history_of_state(state: State) -> QuerySet[Correction]:
    """Return the approved corrections of the state's memberships, newest first."""
    return _history(
        Q(table="memberships") & (Q(before__state=state.code) | Q(after__state=state.code))
    )


def _history(about: Q) -> QuerySet[Correction]:
    return (
        Correction.objects.filter(about, status=CorrectionStatus.APPROVED)
        .select_related("proposed_by", "reviewed_by")
        .order_by("-reviewed_at", "-pk")
    )
