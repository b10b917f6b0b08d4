"""`planner.services.editing`: moving, pinning and removing meetings of a draft."""

from __future__ import annotations

import datetime as dt

import pytest

from sideline.planner.models import Plan
from sideline.planner.services import (
    PlannerError,
    move_meeting,
    publish_plan,
    remove_meeting,
    set_pinned,
)
from sideline.registry.models import Organization


def test_move_meeting_onto_taken_room_warns_and_saves_nothing(plan_2013: Plan) -> None:
    r1, r2 = (plan_2013.meetings.get(request__key=key) for key in ("r1", "r2"))
    before = (r2.date, r2.slot, r2.room)

    outcome = move_meeting(meeting=r2, venue=r1.venue, date=r1.date, slot=r1.slot, room=r1.room)

    r2.refresh_from_db()
    assert outcome.saved is False
    assert [v.constraint for v in outcome.violations] == ["room"]
    assert outcome.violations[0].message == (
        f"r1 and r2 share room {r1.room} at unga-68 on {r1.date}"
    )
    assert (r2.date, r2.slot, r2.room) == before


def test_move_meeting_with_conflict_accepted_keeps_the_warning(plan_2013: Plan) -> None:
    r1 = plan_2013.meetings.get(request__key="r1")

    outcome = move_meeting(
        meeting=r1,
        venue="osce-mc-20-kyiv",
        date=dt.date(2013, 12, 5),
        slot=0,
        room=0,
        accept_warnings=True,
    )

    r1.refresh_from_db()
    assert outcome.saved is True
    assert r1.warnings == [
        {"constraint": "attendance", "message": "r1: csto, sco does not attend osce-mc-20-kyiv"},
        {"constraint": "window", "message": "r1: 2013-12-05 is outside the request's window"},
    ]
    assert r1.timezone == "Europe/Kyiv"
    # 10:30 Kyiv time in December is 08:30 UTC.
    assert r1.start == dt.datetime(2013, 12, 5, 8, 30, tzinfo=dt.UTC)


def test_move_meeting_to_unknown_session_is_an_error(plan_2013: Plan) -> None:
    r1 = plan_2013.meetings.get(request__key="r1")

    with pytest.raises(PlannerError) as caught:
        move_meeting(meeting=r1, venue="nowhere", date=dt.date(2013, 9, 24), slot=0, room=0)

    assert caught.value.code == "unknown_session"


def test_remove_meeting_makes_the_request_unplaced(plan_2013: Plan) -> None:
    r3 = plan_2013.meetings.get(request__key="r3")

    unplaced = remove_meeting(meeting=r3)

    assert unplaced.reasons == [
        {"code": "removed_by_coordinator", "message": "removed from the plan by hand"}
    ]
    assert plan_2013.meetings.count() == 2


def test_edit_of_published_plan_is_refused(plan_2013: Plan) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    with pytest.raises(PlannerError) as caught:
        set_pinned(meeting=plan_2013.meetings.first(), pinned=True)  # type: ignore[arg-type]

    assert caught.value.code == "plan_published"
