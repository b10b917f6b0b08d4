"""`planner.services.versions`: a year solved into a stored draft, re-planned with few moves."""

from __future__ import annotations

import datetime as dt

from sideline.planner.models import PlacedMeeting, Plan
from sideline.planner.services import (
    replan_plan,
    set_pinned,
)
from sideline.registry.models import ForumSession
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


def test_placed_meeting_unique_per_request(plan_2013: Plan) -> None:
    assert PlacedMeeting.objects.filter(plan=plan_2013).count() == 3
