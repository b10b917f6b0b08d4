"""What awaits one person: their "to do" list, read in a constant number of queries.

Each list is what the person's role lets them act on for their organization:

* decisions proposed in its meetings that await its answer (signatories);
* circulated minutes whose current revision it has not agreed to (signatories);
* its open commitments that are overdue or at risk (delegates and signatories);
* its delegates who accepted an invitation and await approval (focal points, signatories);
* agenda items proposed in meetings it hosts that await an answer (delegates, signatories).

A person of no organization (a guest acting through delegations, a coordinator, a
curator) has nothing on the list: their rights are not their organization's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from sideline.accounts.permissions import (
    acts_for,
    can_manage_delegation,
    can_sign_for,
    organization_id_of,
    person_of,
)
from sideline.meetings.enums import DecisionStatus, MinutesStatus, Position
from sideline.meetings.models import (
    AgendaProposal,
    Change,
    Commitment,
    Decision,
    DecisionResponse,
    Delegate,
    Minutes,
    MinutesAgreement,
)
from sideline.meetings.status import AT_RISK_DAYS

__all__ = ["ToDo", "todo_count", "todo_for"]

# Commitments whose due date is this near, or past, may be at risk or overdue: the
# status itself is computed in Python (status.py), in the commitment's time zone.
_HORIZON = timedelta(days=AT_RISK_DAYS + 2)
_COUNT_SECONDS = 60


@dataclass
class ToDo:
    """The lists of one person's to-do page; each item links to where it is done."""

    decisions: list[Decision] = field(default_factory=list)
    minutes: list[Minutes] = field(default_factory=list)
    commitments: list[tuple[Commitment, str]] = field(default_factory=list)  # with status
    delegations: list[Delegate] = field(default_factory=list)
    proposals: list[AgendaProposal] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.decisions)
            + len(self.minutes)
            + len(self.commitments)
            + len(self.delegations)
            + len(self.proposals)
        )


def _awaiting_answer(org: int) -> list[Decision]:
    standing = DecisionResponse.objects.filter(
        decision=OuterRef("pk"), organization_id=org
    ).order_by("-created_at", "-pk")
    return list(
        Decision.objects.filter(
            status=DecisionStatus.PROPOSED, meeting__participations__organization_id=org
        )
        .annotate(standing=Subquery(standing.values("position")[:1]))
        .filter(Q(standing=None) | Q(standing=Position.WITHDRAW))
        .select_related("meeting", "proposed_by")
        .order_by("meeting__date", "meeting_id", "number")
    )


def _minutes_to_agree(org: int) -> list[Minutes]:
    agreed = MinutesAgreement.objects.filter(
        minutes=OuterRef("pk"), revision=OuterRef("revision"), organization_id=org
    )
    return list(
        Minutes.objects.filter(
            status=MinutesStatus.CIRCULATED, meeting__participations__organization_id=org
        )
        .exclude(Exists(agreed))
        .select_related("meeting")
        .order_by("meeting__date", "meeting_id")
    )


def _commitments_due(org: int, now: datetime) -> list[tuple[Commitment, str]]:
    near = (now + _HORIZON).date()
    candidates = (
        Commitment.objects.filter(owner_id=org, closed_as="", due_date__lte=near)
        .select_related("decision__meeting")
        .prefetch_related("children")
        .order_by("due_date", "pk")
    )
    found = [(c, c.status_at(now)) for c in candidates]
    return [(c, status) for c, status in found if status in {"overdue", "at_risk"}]


def _delegates_to_approve(org: int) -> list[Delegate]:
    return list(
        Delegate.objects.filter(
            organization_id=org, accepted_at__isnull=False, approved_at__isnull=True
        )
        .select_related("meeting")
        .order_by("meeting__date", "pk")
    )


def _proposals_to_answer(org: int) -> list[AgendaProposal]:
    return list(
        AgendaProposal.objects.filter(status="proposed")
        .filter(Q(meeting__host_id=org) | Q(meeting__cohost_id=org))
        .select_related("meeting", "organization")
        .order_by("meeting__date", "created_at", "pk")
    )


def todo_for(user: Any, *, now: datetime | None = None) -> ToDo:
    """Return what awaits ``user``, by the rights of their role in their organization."""
    now = now or timezone.now()
    org = organization_id_of(user)
    todo = ToDo()
    if org is None:
        return todo
    if can_sign_for(user, org):
        todo.decisions = _awaiting_answer(org)
        todo.minutes = _minutes_to_agree(org)
    if acts_for(user, org):
        todo.commitments = _commitments_due(org, now)
        todo.proposals = _proposals_to_answer(org)
    if can_manage_delegation(user, org):
        todo.delegations = _delegates_to_approve(org)
    return todo


def todo_count(user: Any, *, now: datetime | None = None) -> int:
    """The number the navigation shows, cached until the next change made on this node.

    Every change made here writes a ``Change`` row, so the latest row's id (one query)
    versions the cache; a change pulled from a peer shows within ``_COUNT_SECONDS``.
    """
    person = person_of(user)
    if person is None or person.organization_id is None:
        return 0
    now = now or timezone.now()
    latest = Change.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    key = (
        f"todo:{user.pk}:{person.organization_id}:{person.role}:{int(person.focal_point)}"
        f":{latest}:{now:%Y%m%d%H}"
    )
    count: int | None = cache.get(key)
    if count is None:
        count = todo_for(user, now=now).count
        cache.set(key, count, _COUNT_SECONDS)
    return count
