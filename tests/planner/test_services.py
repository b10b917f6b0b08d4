"""Planner services: storing, editing, re-planning and publishing plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from sideline.planner.models import FeedItem, PlacedMeeting, Plan, PlanStatus
from sideline.planner.services import (
    PlannerError,
    can_coordinate,
    move_meeting,
    publish_plan,
    remove_meeting,
    replan_plan,
    set_pinned,
    start_draft,
    suggested_requests,
)
from sideline.registry.models import ForumSession, Organization
from tests.planner.factory import FAST


def test_create_plan_places_all_three_at_unga_with_utc_times(plan_2013: Plan) -> None:
    rows = list(plan_2013.meetings.select_related("request").order_by("request__key"))

    assert [r.request.key for r in rows] == ["r1", "r2", "r3"]
    assert {r.venue for r in rows} == {"unga-68"}
    assert (plan_2013.objective, plan_2013.bound, plan_2013.solver_status) == (10, 10, "optimal")
    first = rows[0]
    # Sideline slot k starts at 09:00 + (1 plenary + k) * 90 min New York time (EDT, UTC-4).
    local_start = dt.datetime.combine(first.date, dt.time(10, 30)) + dt.timedelta(
        minutes=90 * first.slot
    )
    assert first.start == (local_start + dt.timedelta(hours=4)).replace(tzinfo=dt.UTC)
    assert first.end - first.start == dt.timedelta(minutes=90)
    assert first.timezone == "America/New_York"
    assert first.request.function is not None
    assert rows[2].request.function is None


def test_suggested_requests_2013_only_pairs_with_a_common_session(registry: None) -> None:
    suggestions = suggested_requests(year=2013)
    attended = [
        {o.slug for o in s.attendees.all()} for s in ForumSession.objects.filter(start__year=2013)
    ]

    assert suggestions
    for request in suggestions:
        pair = set(request["organizations"])  # type: ignore[call-overload]  # JSON-shaped dict
        assert any(pair <= group for group in attended)
        assert request["not_before"] == "2013-01-01"


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


def test_publish_first_version_lists_every_meeting_and_feeds_each_organization(
    plan_2013: Plan,
) -> None:
    osce = Organization.objects.get(slug="osce")

    publish_plan(plan=plan_2013, publisher=osce)

    plan_2013.refresh_from_db()
    lines = plan_2013.changelog.splitlines()
    assert plan_2013.status == PlanStatus.PUBLISHED
    assert lines[0] == "First publication: 3 meetings."
    assert [line.split(":")[0] for line in lines[1:]] == ["+ r1", "+ r2", "+ r3"]
    assert sorted(
        FeedItem.objects.filter(plan=plan_2013).values_list("organization__slug", flat=True)
    ) == ["cis", "csto", "eu", "osce", "sco", "un"]


def test_publish_second_version_lists_only_the_move(plan_2013: Plan) -> None:
    osce = Organization.objects.get(slug="osce")
    publish_plan(plan=plan_2013, publisher=osce)
    draft = start_draft(plan=plan_2013)
    r1 = draft.meetings.get(request__key="r1")
    free_day = dt.date(2013, 10, 1)
    assert not draft.meetings.filter(date=free_day).exists()
    move_meeting(meeting=r1, venue="unga-68", date=free_day, slot=3, room=1)

    publish_plan(plan=draft, publisher=osce)

    draft.refresh_from_db()
    items = FeedItem.objects.filter(plan=draft).order_by("organization__slug")
    assert draft.version == 2
    assert draft.changelog.splitlines()[0] == "Changes since version 1: 1."
    assert draft.changelog.splitlines()[1].endswith("→ unga-68 2013-10-01 slot 3 room 2")
    assert [(i.organization.slug, i.kind) for i in items] == [("csto", "moved"), ("sco", "moved")]
    assert items[0].after is not None
    # Slot 3 starts 09:00 + (1 + 3) * 90 min = 15:00 New York time (EDT), 19:00 UTC.
    assert items[0].after["start"] == "2013-10-01T19:00:00+00:00"


def test_publish_a_published_plan_is_refused(plan_2013: Plan) -> None:
    osce = Organization.objects.get(slug="osce")
    publish_plan(plan=plan_2013, publisher=osce)

    with pytest.raises(PlannerError) as caught:
        publish_plan(plan=plan_2013, publisher=osce)

    assert caught.value.code == "plan_published"


def test_edit_of_published_plan_is_refused(plan_2013: Plan) -> None:
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    with pytest.raises(PlannerError) as caught:
        set_pinned(meeting=plan_2013.meetings.first(), pinned=True)  # type: ignore[arg-type]

    assert caught.value.code == "plan_published"


def test_replan_after_a_date_change_moves_only_what_it_must(plan_2013: Plan) -> None:
    r1 = plan_2013.meetings.get(request__key="r1")
    set_pinned(meeting=r1, pinned=True)
    # The session ends on the pinned meeting's day: later meetings must move, others stay.
    session = ForumSession.objects.get(key="unga-68")
    session.end = r1.date
    session.save()
    leaving = {
        m.request.key for m in plan_2013.meetings.select_related("request") if m.date > r1.date
    }

    new = replan_plan(plan=plan_2013, options=FAST)

    moved = {m["request"] for m in new.plan["moves"]}
    assert new.version == 2
    assert new.based_on == plan_2013
    assert new.meetings.get(request__key="r1").pinned is True
    assert moved == leaving
    assert new.meetings.count() == 3
    assert {m.date for m in new.meetings.all()} <= {
        session.start + dt.timedelta(days=n) for n in range((session.end - session.start).days + 1)
    }


def test_can_coordinate_coordinator_role_or_permission_only(
    registry: None, django_user_model: Any
) -> None:
    from sideline.accounts.services import create_person

    coordinator = create_person(
        username="c", organization="osce", role="coordinator", password="a-long-passphrase"
    ).user
    signatory = create_person(
        username="sig", organization="osce", role="signatory", password="a-long-passphrase"
    ).user
    staff = django_user_model.objects.create_user(username="s", is_staff=True)
    granted = django_user_model.objects.create_user(username="g")
    granted.user_permissions.add(Permission.objects.get(codename="change_plan"))

    assert can_coordinate(coordinator) is True
    assert can_coordinate(django_user_model.objects.get(username="g")) is True
    assert can_coordinate(signatory) is False
    assert can_coordinate(staff) is False  # being staff is not a role of the mechanism
    assert can_coordinate(AnonymousUser()) is False


def test_placed_meeting_unique_per_request(plan_2013: Plan) -> None:
    assert PlacedMeeting.objects.filter(plan=plan_2013).count() == 3


def test_publish_appends_a_signed_entry_to_the_publishers_record(plan_2013: Plan) -> None:
    from sideline.record.models import RecordEntry

    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    entry = RecordEntry.objects.get(subject=f"plan/{plan_2013.pk}")
    assert entry.kind == "calendar.published"
    assert entry.log.organization.slug == "osce"
