"""Reads of the meeting page's agenda and minutes: proposed items, the previous meeting's
minutes item, and who agreed to which revision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sideline.federation.ops import clear_content_hash
from sideline.meetings.models import AgendaItem, AgendaProposal, Meeting, Minutes
from sideline.meetings.permissions import can_view_meeting
from sideline.meetings.series import previous_meeting_in_series
from sideline.registry.models import Organization

__all__ = ["AgendaView", "Agreement", "agenda_view", "minutes_agreements"]


@dataclass(frozen=True)
class AgendaView:
    """The agenda as the page shows it."""

    items: list[AgendaItem]
    # Each item with the earlier meeting whose minutes it approves, when the reader may
    # see that meeting (else None).
    rows: list[tuple[AgendaItem, Meeting | None]]
    proposals: list[AgendaProposal]
    # The previous meeting of the series (for the hosts' "approve its minutes" box).
    previous: Meeting | None
    previous_minutes_on: bool

    @property
    def editable_text(self) -> str:
        """The items the hosts type, one a line: the minutes item is the box's."""
        return "".join(f"{item.title}\n" for item in self.items if not item.minutes_of)


def agenda_view(user: Any, meeting: Meeting, *, for_hosts: bool) -> AgendaView:
    items = list(meeting.agenda.order_by("position"))
    linked = {item.minutes_of for item in items if item.minutes_of}
    earlier = {m.op_id: m for m in Meeting.objects.filter(op_id__in=linked)} if linked else {}
    visible = {op_id: m for op_id, m in earlier.items() if can_view_meeting(user, m)}
    proposals = list(meeting.agenda_proposals.select_related("organization"))
    return AgendaView(
        items=items,
        rows=[(item, visible.get(item.minutes_of)) for item in items],
        proposals=proposals,
        previous=previous_meeting_in_series(meeting) if for_hosts else None,
        previous_minutes_on=bool(linked),
    )


@dataclass(frozen=True)
class Agreement:
    organization: Organization
    person: str | None  # None: not shown to this reader
    at: datetime
    revision: int
    revision_sha256: str
    current: bool


def minutes_agreements(minutes: Minutes | None, *, show_people: bool) -> list[Agreement]:
    """Every agreement to every revision, oldest first; the hash names the revision in ops."""
    if minutes is None:
        return []
    hashes = {
        number: clear_content_hash({"text": text})
        for number, text in minutes.revisions.values_list("number", "text")
    }
    found = []
    for agreement in minutes.agreements.select_related("organization", "user").order_by(
        "created_at", "pk"
    ):
        user = agreement.user
        person = (user.get_full_name() or user.get_username()) if user is not None else ""
        found.append(
            Agreement(
                organization=agreement.organization,
                person=person if show_people else None,
                at=agreement.created_at,
                revision=agreement.revision,
                revision_sha256=hashes.get(agreement.revision, ""),
                current=agreement.revision == minutes.revision,
            )
        )
    return found
