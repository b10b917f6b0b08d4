"""Who may see and change a meeting.

Content is visible to the participating organizations' people, or to anyone when the
meeting is public. The hosts prepare (agenda, minutes); each organization speaks only
for itself (delegation, approvals, its own commitments).

Rights come from two places: a role held for an organization (its viewers, delegates
and signatories, in all its meetings), and an approved delegation, which makes its
person a delegate of that organization in that one meeting only. An invitation
accepted but not yet approved by the focal point gives nothing.
"""

from __future__ import annotations

from typing import Any

from sideline.accounts.permissions import acts_for, belongs_to, organization_id_of, person_of
from sideline.meetings.models import Delegate, Meeting


def participant_ids(meeting: Meeting) -> set[int]:
    cached: set[int] | None = getattr(meeting, "_participant_ids", None)
    if cached is None:
        cached = set(meeting.participations.values_list("organization_id", flat=True))
        meeting._participant_ids = cached  # type: ignore[attr-defined]  # a per-instance cache
    return cached


def delegation_ids(user: Any, meeting: Meeting) -> set[int]:
    """The organizations whose approved delegate the user is in this meeting."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cache: dict[int, set[int]] = meeting.__dict__.setdefault("_delegation_ids", {})
    if user.pk not in cache:
        cache[user.pk] = set(
            Delegate.objects.filter(
                meeting=meeting, user=user, approved_at__isnull=False
            ).values_list("organization_id", flat=True)
        )
    return cache[user.pk]


def home_organization_id(user: Any) -> int | None:
    """The organization the user belongs to: by role, or else by their delegations."""
    own = organization_id_of(user)
    if own is not None or person_of(user) is None:
        return own
    organizations = set(
        Delegate.objects.filter(user=user).values_list("organization_id", flat=True)
    )
    return organizations.pop() if len(organizations) == 1 else None


def acts_in(user: Any, meeting: Meeting, organization_id: int | None) -> bool:
    """Prepare and record for the organization in this meeting (not sign or delegate)."""
    return acts_for(user, organization_id) or (
        organization_id is not None and organization_id in delegation_ids(user, meeting)
    )


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    if meeting.public:
        return True
    own = organization_id_of(user)
    return (own is not None and own in participant_ids(meeting)) or bool(
        delegation_ids(user, meeting) & participant_ids(meeting)
    )


def can_prepare_meeting(user: Any, meeting: Meeting) -> bool:
    """The hosts' delegates and signatories prepare: agenda, participants, minutes."""
    return any(acts_in(user, meeting, org) for org in meeting.host_ids())


def acting_participant(user: Any, meeting: Meeting) -> int | None:
    """The participating organization the user acts for in this meeting, if any."""
    own = organization_id_of(user)
    if own is not None and own in participant_ids(meeting) and acts_for(user, own):
        return own
    delegated = sorted(delegation_ids(user, meeting) & participant_ids(meeting))
    return delegated[0] if delegated else None


def is_participant_member(user: Any, meeting: Meeting) -> bool:
    own = organization_id_of(user)
    return (own is not None and own in participant_ids(meeting) and belongs_to(user, own)) or bool(
        delegation_ids(user, meeting) & participant_ids(meeting)
    )
