"""Reads of meetings: what a user may see, and the results dashboard's figures."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from sideline.accounts.permissions import organization_id_of
from sideline.federation.ops import clear_content_hash
from sideline.meetings.enums import CommitmentStatus, DecisionStatus
from sideline.meetings.models import Change, Commitment, Decision, Meeting, ProgressUpdate
from sideline.registry.models import Organization

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    """Public meetings, those the user's organization participates in, and those the
    user is an approved delegate in."""
    own = organization_id_of(user)
    condition = Q(public=True)
    if own is not None:
        condition |= Q(participations__organization_id=own)
    if getattr(user, "is_authenticated", False) and user.is_active:
        condition |= Q(delegates__user_id=user.pk, delegates__approved_at__isnull=False)
    return (
        Meeting.objects.filter(pk__in=Meeting.objects.filter(condition).values("pk"))
        .select_related("host", "cohost", "topic", "forum_session__forum")
        .prefetch_related("participations__organization")
    )


def commitments_with_children() -> QuerySet[Commitment]:
    return Commitment.objects.select_related("owner", "decision__meeting").prefetch_related(
        Prefetch("children", queryset=Commitment.objects.prefetch_related("children"))
    )


def record_entries(subject: str) -> list[tuple[Any, Any, str]]:
    """The ops about ``subject`` that this node signed, each as its record entry, its check
    and its kind (a confidential meeting's op is an ``op.sealed`` entry on the log: only
    this node's feed line says which kind it holds)."""
    from sideline.record.models import RecordEntry
    from sideline.record.selectors import verify_entry

    changes = Change.objects.filter(subject=subject, record_index__isnull=False).order_by("pk")
    found = []
    for slug, index, kind in changes.values_list("organization__slug", "record_index", "kind"):
        if index is None:
            continue
        entry = (
            RecordEntry.objects.select_related("log__organization")
            .filter(log__organization__slug=slug, index=index)
            .first()
        )
        if entry is not None:
            found.append((entry, verify_entry(entry), kind))
    return found


@dataclass
class Dashboard:
    decisions_adopted: int
    decisions_proposed: int
    by_status: dict[str, int]
    overdue: list[Commitment]
    commitments: list[tuple[Commitment, str]]
    progress: list[tuple[date, int]] = field(default_factory=list)
    feed: list[Change] = field(default_factory=list)


def dashboard(
    *,
    user: Any,
    organization: str | None = None,
    topic: str | None = None,
    forum: str | None = None,
    now: datetime | None = None,
) -> Dashboard:
    """Results over the meetings the user may see, filtered by organization, topic or forum.

    A fixed number of queries whatever the number of meetings, decisions and commitments.
    """
    now = now or timezone.now()
    meetings = visible_meetings(user)
    if organization:
        meetings = meetings.filter(participations__organization__slug=organization)
    if topic:
        meetings = meetings.filter(topic__slug=topic)
    if forum:
        meetings = meetings.filter(forum_session__forum__slug=forum)
    meeting_ids = meetings.values("pk")
    decisions = Counter(
        Decision.objects.filter(meeting_id__in=meeting_ids).values_list("status", flat=True)
    )
    commitments = list(
        commitments_with_children().filter(
            decision__meeting_id__in=meeting_ids, parent__isnull=True
        )
    )
    if organization:
        commitments = [c for c in commitments if c.owner.slug == organization]
    rows = [(c, c.status_at(now)) for c in commitments]
    by_status = dict.fromkeys(CommitmentStatus.values, 0)
    for _c, status in rows:
        by_status[status] += 1
    # Progress over time: the mean reported progress of all commitments at each month's end.
    updates = ProgressUpdate.objects.filter(
        commitment_id__in=[c.pk for c in commitments]
    ).values_list("commitment_id", "percent", "created_at")
    timeline: list[tuple[date, int]] = []
    latest: dict[int, int] = {}
    month: date | None = None
    for commitment_id, percent, created in sorted(updates, key=lambda row: row[2]):
        day = timezone.localdate(created).replace(day=1)
        if month is not None and day != month and latest:
            timeline.append((month, round(sum(latest.values()) / len(commitments))))
        month = day
        latest[commitment_id] = percent or 0
    if month is not None and commitments:
        timeline.append((month, round(sum(latest.values()) / len(commitments))))
    feed = list(
        Change.objects.filter(meeting_id__in=meeting_ids).select_related("organization", "meeting")[
            :20
        ]
    )
    return Dashboard(
        decisions_adopted=decisions.get(DecisionStatus.ADOPTED, 0),
        decisions_proposed=decisions.get(DecisionStatus.PROPOSED, 0),
        by_status=by_status,
        overdue=[c for c, status in rows if status == CommitmentStatus.OVERDUE],
        commitments=rows,
        progress=timeline,
        feed=feed,
    )


def audit_verdicts(user: Any) -> dict[str, list[dict[str, Any]]]:
    """The ops this node holds that are not applied, with their reasons.

    ``public``: every log's rejected and pending ops, the same on every node that holds
    the same ops (the logs are public). ``confidential``: the rejected ops inside sealed
    ops of confidential meetings, shown only to people of an organization that takes
    part in that meeting.
    """
    from sideline.federation.rules import Rejected
    from sideline.federation.rules_sealed import meeting_of
    from sideline.oplog import reduce_node

    _, reduction = reduce_node()
    public = [
        v.to_json() | {"message": v.message}
        for v in reduction.verdicts
        if v.status in {"rejected", "pending"}
    ]
    own = organization_id_of(user)
    slug = (
        Organization.objects.filter(pk=own).values_list("slug", flat=True).first()
        if own is not None
        else None
    )
    confidential = []
    for verdict in reduction.inner:
        op = reduction.sealed_ops.get(verdict.hash)
        if verdict.status != "rejected" or op is None or slug is None:
            continue
        try:
            meeting = reduction.confidential.meetings.get(meeting_of(reduction.confidential, op))
        except Rejected:
            meeting = None
        if meeting is not None and slug in meeting.participants:
            confidential.append(
                verdict.to_json() | {"message": verdict.message, "meeting": meeting.id}
            )
    return {"public": public, "confidential": confidential}


def authentic_versions(decision: Decision) -> list[dict[str, str]]:
    """Every equally authentic version, the decision's own language first, each with the
    SHA-256 of its canonical JSON (``{"language", "title", "text"}``); answers name the
    hash of them all together (``services.text_sha256``)."""
    versions = [
        {"language": decision.language, "title": decision.title, "text": decision.text},
        *({k: v[k] for k in ("language", "title", "text")} for v in decision.versions),
    ]
    return [{**v, "sha256": clear_content_hash(v)} for v in versions]


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs as reservations number them (blocks between blank lines)."""
    return [block for block in _BLANK_LINE.split(text.strip()) if block.strip()]
