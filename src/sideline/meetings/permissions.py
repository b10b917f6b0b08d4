"""Who may see and change a meeting.

Content is visible to the participating organizations' people, or to anyone when the
meeting is public. The hosts prepare (agenda, minutes); each organization speaks only
for itself (delegation, approvals, its own commitments).
"""

from __future__ import annotations

from typing import Any

from sideline.accounts.permissions import acts_for, belongs_to, organization_id_of
from sideline.meetings.models import Meeting


def participant_ids(meeting: Meeting) -> set[int]:
    cached: set[int] | None = getattr(meeting, "_participant_ids", None)
    if cached is None:
        cached = set(meeting.participations.values_list("organization_id", flat=True))
        meeting._participant_ids = cached  # type: ignore[attr-defined]  # a per-instance cache
    return cached


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    if meeting.public:
        return True
    own = organization_id_of(user)
    return own is not None and own in participant_ids(meeting)


def can_prepare_meeting(user: Any, meeting: Meeting) -> bool:
    """The hosts' delegates and signatories prepare: agenda, participants, minutes."""
    return any(acts_for(user, org) for org in meeting.host_ids())


def acting_participant(user: Any, meeting: Meeting) -> int | None:
    """The participating organization the user acts for in this meeting, if any."""
    own = organization_id_of(user)
    if own is not None and own in participant_ids(meeting) and acts_for(user, own):
        return own
    return None


def is_participant_member(user: Any, meeting: Meeting) -> bool:
    own = organization_id_of(user)
    return own is not None and own in participant_ids(meeting) and belongs_to(user, own)
