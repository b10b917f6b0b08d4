"""Manual edits of a draft: move a meeting (checked against the rules), pin, remove."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from sideline.planner.constraints import Violation, check_edit
from sideline.planner.errors import PlannerError
from sideline.planner.models import (
    PlacedMeeting,
    Plan,
    UnplacedRequest,
)
from sideline.planner.schema import Meeting
from sideline.planner.selectors import core_meetings, plan_instance
from sideline.planner.services.versions import utc_window
from sideline.registry.models import ForumSession
from sideline.validators import InvalidValueError, check_date

__all__ = [
    "EditOutcome",
    "move_meeting",
    "remove_meeting",
    "require_draft",
    "set_pinned",
]


@dataclass(frozen=True, slots=True)
class EditOutcome:
    """What a manual edit did: saved or not, and every rule it breaks."""

    saved: bool
    violations: tuple[Violation, ...]


def require_draft(plan: Plan) -> None:
    if not plan.is_draft:
        raise PlannerError(
            "plan_published",
            _("Version %(version)s is published; start a working draft first.")
            % {"version": plan.version},
        )


def move_meeting(
    *,
    meeting: PlacedMeeting,
    venue: str,
    date: dt.date,
    slot: int,
    room: int,
    accept_warnings: bool = False,
) -> EditOutcome:
    """Move a meeting by hand, checked against the planner's constraints.

    A move that breaks a rule is saved only with `accept_warnings`; the broken rules are
    then kept on the meeting so that pages keep showing them. A move that breaks none
    pins the meeting, so that re-planning keeps it where the coordinator put it.
    """
    try:
        check_date(date, field="date")
    except InvalidValueError as error:
        raise PlannerError(error.code, error.message, field=error.field) from None
    plan = meeting.plan
    require_draft(plan)
    instance = plan_instance(plan)
    try:
        target = instance.venue(venue)
    except KeyError:
        raise PlannerError(
            "unknown_session",
            _("%(venue)s is not a session of the plan.") % {"venue": venue},
            field="venue",
        ) from None
    others = [m for m in core_meetings(plan, instance) if m.request != meeting.request.key]
    request = instance.request(meeting.request.key)
    edited = Meeting(
        request=request.id,
        session=venue,
        date=date,
        slot=slot,
        room=room,
        organizations=request.organizations,
        topic=request.topic,
        slots=request.slots,
        co_chairs=tuple(meeting.co_chairs),
    )
    violations = tuple(check_edit(instance, others, edited=edited))
    if violations and not accept_warnings:
        return EditOutcome(saved=False, violations=violations)
    start, end = utc_window(instance, edited)
    with transaction.atomic():
        meeting.venue = venue
        meeting.session = ForumSession.objects.filter(key=venue).first()
        meeting.summit = venue if target.is_summit else ""
        meeting.date, meeting.slot, meeting.room = date, slot, room
        meeting.timezone = target.timezone
        meeting.start, meeting.end = start, end
        meeting.warnings = [{"constraint": v.constraint, "message": v.message} for v in violations]
        # The coordinator chose this place: re-planning keeps it (a pin), unless it breaks
        # a rule, which a pin would make the re-plan refuse; such a meeting may move again
        # and is then listed among the moves.
        meeting.pinned = meeting.pinned or not violations
        meeting.save()
    return EditOutcome(saved=True, violations=violations)


def set_pinned(*, meeting: PlacedMeeting, pinned: bool) -> PlacedMeeting:
    """Pin a meeting (re-planning keeps it exactly) or release it."""
    require_draft(meeting.plan)
    meeting.pinned = pinned
    meeting.save(update_fields=["pinned"])
    return meeting


def remove_meeting(*, meeting: PlacedMeeting) -> UnplacedRequest:
    """Take a meeting out of the draft; its request becomes unplaced, saying why."""
    require_draft(meeting.plan)
    with transaction.atomic():
        unplaced = UnplacedRequest.objects.create(
            plan=meeting.plan,
            request=meeting.request,
            reasons=[
                {"code": "removed_by_coordinator", "message": "removed from the plan by hand"}
            ],
        )
        meeting.delete()
    return unplaced
