"""Publishing a draft: changelog against the last published version, feeds, record entry.

The diff, changelog and digest are the pure `planner.changes`; this module reads the rows
for them and writes the publication in one transaction, record entry included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from sideline import node
from sideline.planner import changes
from sideline.planner.changes import PositionChange, diff_positions
from sideline.planner.errors import PlannerError
from sideline.planner.models import (
    ChangeKind,
    FeedItem,
    MeetingRequest,
    PlacedMeeting,
    Plan,
    PlanStatus,
)
from sideline.planner.services.editing import require_draft
from sideline.record.services import append_entry
from sideline.registry.models import Organization

__all__ = [
    "RECORD_KIND",
    "Change",
    "calendar_digest",
    "check_publisher",
    "diff_plans",
    "publish_plan",
]

RECORD_KIND = "calendar.published"


def _position(row: PlacedMeeting) -> dict[str, Any]:
    return {
        "session": row.venue,
        "date": row.date.isoformat(),
        "slot": row.slot,
        "room": row.room,
        "start": row.start.astimezone(dt.UTC).isoformat(),
        "end": row.end.astimezone(dt.UTC).isoformat(),
    }


@dataclass(frozen=True, slots=True)
class Change:
    """A meeting that differs between two versions, with its request row."""

    kind: str
    request: MeetingRequest
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _rows(plan: Plan) -> dict[str, PlacedMeeting]:
    return {r.request.key: r for r in plan.meetings.select_related("request")}


def diff_plans(*, old: Plan | None, new: Plan) -> list[Change]:
    """Return the meetings added, moved or removed from `old` to `new`, by request key."""
    before = {} if old is None else _rows(old)
    after = _rows(new)
    return [
        Change(
            ChangeKind(change.kind),
            (after.get(change.key) or before[change.key]).request,
            None if change.before is None else dict(change.before),
            None if change.after is None else dict(change.after),
        )
        for change in diff_positions(
            {key: _position(row) for key, row in before.items()},
            {key: _position(row) for key, row in after.items()},
        )
    ]


def calendar_digest(plan: Plan) -> str:
    """Return the SHA-256 of the plan's calendar in canonical JSON (what is published)."""
    rows = [
        {"request": r.request.key, **_position(r), "co_chairs": list(r.co_chairs)}
        for r in plan.meetings.select_related("request").order_by("request__key")
    ]
    return changes.calendar_digest(year=plan.year, version=plan.version, meetings=rows)


def _publish_to_record(*, plan: Plan, organization: Organization) -> None:
    """Append the publication to the publisher's record log (in the caller's transaction)."""
    append_entry(
        organization=organization.slug,
        kind=RECORD_KIND,
        subject=f"plan/{plan.pk}",
        payload={
            "year": plan.year,
            "version": plan.version,
            "hash": calendar_digest(plan),
            "meetings": plan.meetings.count(),
            "unplaced": plan.unplaced.count(),
        },
    )


def check_publisher(publisher: Organization) -> None:
    """Refuse a publisher this node does not host: it signs in its own log, which only its
    own node writes."""
    if not node.is_hosted(publisher.slug):
        raise PlannerError(
            "not_hosted",
            _(
                "This node does not host %(organization)s, so it cannot sign the publication; "
                "choose an organization this node hosts."
            )
            % {"organization": publisher.slug},
            field="publisher",
        )


def publish_plan(*, plan: Plan, publisher: Organization) -> Plan:
    """Publish a draft: changelog against the last published version, feeds, record entry."""
    require_draft(plan)
    check_publisher(publisher)
    with transaction.atomic():
        previous = (
            Plan.objects.filter(year=plan.year, status=PlanStatus.PUBLISHED)
            .exclude(pk=plan.pk)
            .order_by("-version")
            .first()
        )
        differences = diff_plans(old=previous, new=plan)
        plan.status = PlanStatus.PUBLISHED
        plan.published_at = django_timezone.now()
        plan.published_by = publisher
        plan.changelog = changes.changelog(
            [PositionChange(c.kind, c.request.key, c.before, c.after) for c in differences],
            previous_version=None if previous is None else previous.version,
            meetings=plan.meetings.count(),
        )
        plan.save()
        items = []
        for change in differences:
            for organization in change.request.organizations.all():
                items.append(
                    FeedItem(
                        organization=organization,
                        plan=plan,
                        previous=previous,
                        kind=change.kind,
                        request=change.request,
                        before=change.before,
                        after=change.after,
                    )
                )
        FeedItem.objects.bulk_create(items)
        _publish_to_record(plan=plan, organization=publisher)
    return plan
