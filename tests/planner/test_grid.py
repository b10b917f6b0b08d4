"""A venue's timetable grid: cells, where a meeting may move, moves from a cell, who sees."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sideline.planner.grid import venue_grid
from sideline.planner.instance import parse_instance
from sideline.planner.models import PlacedMeeting, Plan
from sideline.planner.schema import Meeting
from sideline.planner.services import (
    PlannerError,
    move_meeting,
    publish_plan,
    replan_plan,
)
from sideline.registry.models import ForumSession, Organization
from tests.planner.factory import FAST, instance, request, session

DAY = dt.date(2024, 5, 6)


def _meeting(rid: str, organizations: tuple[str, ...], *, slot: int, room: int) -> Meeting:
    return Meeting(
        request=rid,
        session="s",
        date=DAY,
        slot=slot,
        room=room,
        organizations=organizations,
        co_chairs=organizations,
    )


def test_grid_shows_plenary_meetings_and_where_a_meeting_may_move() -> None:
    inst = parse_instance(
        instance(
            [session("s", ["a", "b", "c"], slots=2, rooms=2)],
            [request("r1", ["a", "b"]), request("r2", ["a", "c"])],
        )
    )
    r1 = _meeting("r1", ("a", "b"), slot=0, room=0)
    r2 = _meeting("r2", ("a", "c"), slot=1, room=0)

    day = venue_grid(inst, [r1, r2], venue="s", plenary_slots=1, moving=r2)[0]

    cells = [
        [(c.kind, c.fits, [v.constraint for v in c.breaks]) for c in r.cells] for r in day.rows
    ]
    assert cells == [
        [("plenary", False, []), ("plenary", False, [])],
        [("meeting", False, []), ("free", True, ["delegation"])],
        [("meeting", False, []), ("free", True, [])],
    ]
    assert [(r.slot, r.start, r.end) for r in day.rows] == [
        (None, dt.time(9, 0), dt.time(10, 30)),
        (0, dt.time(10, 30), dt.time(12, 0)),
        (1, dt.time(12, 0), dt.time(13, 30)),
    ]


def test_grid_marks_the_later_slots_of_a_long_meeting_taken_and_a_too_late_start() -> None:
    inst = parse_instance(
        instance(
            [session("s", ["a", "b"], slots=3, rooms=1)],
            [request("long", ["a", "b"], slots=2), request("x", ["a", "b"])],
        )
    )
    long = Meeting(
        request="long",
        session="s",
        date=DAY,
        slot=1,
        room=0,
        organizations=("a", "b"),
        slots=2,
        co_chairs=("a", "b"),
    )
    day = venue_grid(inst, [long], venue="s", plenary_slots=0, moving=long)[0]

    assert [(r.cells[0].kind, r.cells[0].fits) for r in day.rows] == [
        ("free", True),
        ("meeting", False),
        ("taken", False),
    ]


def _grid(client: Client, plan: Plan, query: str = "") -> str:
    response = client.get(f"/planner/plans/{plan.pk}/grid/unga-68/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_grid_of_a_draft_moves_a_meeting_to_a_free_cell_and_pins_it(
    client: Client, coordinator: Any, plan_2013: Plan
) -> None:
    client.force_login(coordinator)
    r3 = plan_2013.meetings.get(request__key="r3")

    html = _grid(client, plan_2013, f"?move={r3.pk}")
    response = client.post(
        f"/planner/meetings/{r3.pk}/edit/",
        {
            "venue": "unga-68",
            "date": "2013-10-01",
            "slot": "4",
            "room": "2",
            "next": f"/planner/plans/{plan_2013.pk}/grid/unga-68/",
        },
    )

    r3.refresh_from_db()
    assert html.count('data-testid="move-here"') > 0
    assert 'data-date="2013-10-01"' in html
    assert response["Location"] == f"/planner/plans/{plan_2013.pk}/grid/unga-68/"
    assert (r3.date, r3.slot, r3.room, r3.pinned, r3.warnings) == (
        dt.date(2013, 10, 1),
        3,
        1,
        True,
        [],
    )


def test_move_from_the_grid_that_breaks_a_rule_asks_as_the_form_does(
    client: Client, coordinator: Any, plan_2013: Plan
) -> None:
    client.force_login(coordinator)
    r1, r2 = (plan_2013.meetings.get(request__key=key) for key in ("r1", "r2"))
    grid = f"/planner/plans/{plan_2013.pk}/grid/unga-68/"

    response = client.post(
        f"/planner/meetings/{r2.pk}/edit/",
        {
            "venue": "unga-68",
            "date": r1.date.isoformat(),
            "slot": str(r1.slot + 1),
            "room": str(r1.room + 1),
            "next": grid,
        },
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="violations"' in html
    assert f'<input type="hidden" name="next" value="{grid}">' in html
    assert PlacedMeeting.objects.get(pk=r2.pk).pinned is False


def test_replan_keeps_a_meeting_moved_by_hand_where_it_was_put(plan_2013: Plan) -> None:
    r3 = plan_2013.meetings.get(request__key="r3")
    move_meeting(meeting=r3, venue="unga-68", date=dt.date(2013, 10, 1), slot=3, room=1)

    again = replan_plan(plan=plan_2013, options=FAST)

    kept = again.meetings.get(request__key="r3")
    assert (kept.date, kept.slot, kept.room, kept.pinned) == (dt.date(2013, 10, 1), 3, 1, True)
    assert "r3" not in [m["request"] for m in again.plan["moves"]]


def test_replan_refuses_rather_than_drops_a_pinned_meeting_whose_session_is_gone(
    plan_2013: Plan,
) -> None:
    r3 = plan_2013.meetings.get(request__key="r3")
    move_meeting(meeting=r3, venue="unga-68", date=dt.date(2013, 10, 1), slot=3, room=1)
    ForumSession.objects.filter(key="unga-68").update(status="cancelled")

    with pytest.raises(PlannerError) as caught:
        replan_plan(plan=plan_2013, options=FAST)

    assert caught.value.code == "unknown_session"
    assert "unga-68" in caught.value.message
    assert Plan.objects.filter(year=2013).count() == 1


def test_published_grid_is_read_only_and_a_draft_grid_hidden_from_readers(
    client: Client, viewer: Any, plan_2013: Plan
) -> None:
    draft = plan_2013
    hidden = client.get(f"/planner/plans/{draft.pk}/grid/unga-68/")
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))
    client.force_login(viewer)
    r1 = plan_2013.meetings.get(request__key="r1")

    html = _grid(client, plan_2013, f"?move={r1.pk}")

    assert hidden.status_code == 404
    assert html.count('data-testid="cell" data-kind="meeting"') == 3
    assert 'data-testid="move-here"' not in html
    assert 'data-testid="grid-move"' not in html


def test_plan_page_links_each_session_timetable(
    client: Client, coordinator: Any, plan_2013: Plan
) -> None:
    client.force_login(coordinator)

    html = client.get(f"/planner/plans/{plan_2013.pk}/").content.decode()

    assert f'href="/planner/plans/{plan_2013.pk}/grid/unga-68/"' in html
