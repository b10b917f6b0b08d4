"""Refusals before a version is solved: what a new version may not contain or change.

Each names the caller's file and path where the problem is in a list they gave (``$[2]``,
``source`` "requests" or "summits"), so that the CLI can say which file to fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q

from sideline.planner.errors import PlannerError
from sideline.planner.instance import Instance
from sideline.planner.models import (
    MeetingRequest,
    PlacedMeeting,
    PlanStatus,
    RequestOrigin,
    UnplacedRequest,
)

__all__ = [
    "check_summit_years",
    "refuse_changing_published",
    "refuse_clash_with_manual",
    "refuse_summit_named_as_session",
]


def refuse_clash_with_manual(requests: Sequence[Mapping[str, Any]], *, year: int) -> None:
    """Refuse a given request whose id is that of a request entered by hand for `year`."""
    manual = set(
        MeetingRequest.objects.filter(year=year, origin=RequestOrigin.MANUAL).values_list(
            "key", flat=True
        )
    )
    for index, request in enumerate(requests):
        key = request.get("id") if isinstance(request, Mapping) else None
        if isinstance(key, str) and key in manual:
            path = f"$[{index}].id"
            raise PlannerError(
                "manual_request_exists",
                f"{path}: {key!r} is a request entered by hand for {year}; rename it here "
                "or delete that request",
                field=path,
                source="requests",
            )


def refuse_summit_named_as_session(data: Mapping[str, Any], *, year: int) -> None:
    """Refuse a summit whose id is a session's: the core would name the session by an
    index of the generated instance, which the caller never sees."""
    sessions = {s["id"] for s in data.get("sessions", [])}
    for index, summit in enumerate(data.get("summits", [])):
        summit_id = summit.get("id") if isinstance(summit, Mapping) else None
        if isinstance(summit_id, str) and summit_id in sessions:
            path = f"$[{index}].id"
            raise PlannerError(
                "duplicate_id",
                f"{path}: {summit_id!r} is a forum session of {year}; choose another id",
                field=path,
                source="summits",
            )


def check_summit_years(instance: Instance, *, year: int) -> None:
    """Refuse summit candidates outside `year`: they could only serve another year's plan."""
    # Parsing succeeded, so the summits are in the order the caller gave them.
    for index, summit in enumerate(instance.summits):
        for name, day in (("start", summit.start), ("end", summit.end)):
            if day.year != year:
                path = f"$[{index}].{name}"
                raise PlannerError(
                    "outside_year", f"{path}: must be in {year}", field=path, source="summits"
                )


def refuse_changing_published(instance: Instance, *, year: int, given: int) -> None:
    """Refuse a request that would change what a published version shows of it.

    Versions share request rows, and storing a version updates them. A published
    version's pages name each meeting's organizations and topic from the row: a
    request with the same identifier but other organizations or another topic would
    rewrite a published calendar, so it needs an identifier of its own. (Priority,
    slots and window may change: a version shows its own priorities from its instance.)
    The first `given` requests came from the caller's file.
    """
    published = {
        row.key: row
        for row in MeetingRequest.objects.filter(year=year)
        .filter(
            Q(
                pk__in=PlacedMeeting.objects.filter(plan__status=PlanStatus.PUBLISHED).values(
                    "request"
                )
            )
            | Q(
                pk__in=UnplacedRequest.objects.filter(plan__status=PlanStatus.PUBLISHED).values(
                    "request"
                )
            )
        )
        .prefetch_related("organizations")
    }
    for index, request in enumerate(instance.requests):
        row = published.get(request.id)
        if row is None:
            continue
        organizations = sorted(o.slug for o in row.organizations.all())
        if sorted(request.organizations) == organizations and request.topic == row.topic:
            continue
        where = f"$[{index}]" if index < given else f"request {request.id!r}"
        raise PlannerError(
            "request_published",
            f"{where}: {request.id!r} is in a published version of {year} between "
            f"{', '.join(organizations)} on {row.topic or 'no topic'!r}, and published "
            "versions never change; give the changed request an identifier of its own",
            field=f"$[{index}]" if index < given else None,
            source="requests" if index < given else None,
        )
