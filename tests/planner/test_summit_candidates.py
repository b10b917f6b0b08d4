"""Special summit candidates on the coordinator's forms: planned, changed, cancelled, who may."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sideline.planner.models import SummitCandidate
from sideline.planner.services import (
    PlannerError,
    SessionInvalidError,
    cancel_summit_candidate,
    create_plan,
    replan_plan,
    save_summit_candidate,
)
from tests.planner.factory import FAST

# NATO and the CSTO attend no session together in 2013 (docs/planner-guide.md).
NOVEMBER = [
    {
        "id": "nato-csto",
        "organizations": ["nato", "csto"],
        "topic": "counter-narcotics",
        "priority": 5,
        "not_before": "2013-11-01",
        "not_after": "2013-11-30",
    }
]
ASTANA = {
    "key": "astana-2013",
    "city": "Astana",
    "country": "KAZ",
    "timezone_name": "Asia/Almaty",
    "start": dt.date(2013, 11, 4),
    "end": dt.date(2013, 11, 5),
    "slots_per_day": 4,
    "rooms": 1,
    "cost": 2,
}


def add_astana(actor: Any, **changes: Any) -> SummitCandidate:
    return save_summit_candidate(actor, candidate=None, year=2013, **{**ASTANA, **changes})


def test_candidate_entered_on_the_form_is_opened_by_the_next_plan(coordinator: Any) -> None:
    add_astana(coordinator)

    plan = create_plan(year=2013, requests=NOVEMBER, origin="file", options=FAST)

    meeting = plan.meetings.get()
    assert (meeting.summit, meeting.date) in {
        ("astana-2013", dt.date(2013, 11, 4)),
        ("astana-2013", dt.date(2013, 11, 5)),
    }
    assert [s["id"] for s in plan.instance["summits"]] == ["astana-2013"]


def test_cancelled_candidate_leaves_the_next_replan(coordinator: Any) -> None:
    candidate = add_astana(coordinator)
    plan = create_plan(year=2013, requests=NOVEMBER, origin="file", options=FAST)

    cancel_summit_candidate(coordinator, candidate=candidate, reason="no host")
    again = replan_plan(plan=plan, options=FAST)

    assert again.instance.get("summits", []) == []
    assert not again.meetings.exists()
    assert [m["request"] for m in again.plan["moves"]] == ["nato-csto"]
    assert list(again.unplaced.values_list("request__key", flat=True)) == ["nato-csto"]


def test_changed_candidate_is_what_the_next_replan_offers(coordinator: Any) -> None:
    candidate = add_astana(coordinator)
    plan = create_plan(year=2013, requests=NOVEMBER, origin="file", options=FAST)

    save_summit_candidate(coordinator, candidate=candidate, year=2013, **{**ASTANA, "cost": 9})
    again = replan_plan(plan=plan, options=FAST)

    assert [s["cost"] for s in again.instance["summits"]] == [9]
    assert not again.meetings.exists()


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        (
            {"start": dt.date(2014, 1, 2), "end": dt.date(2014, 1, 3)},
            [("start", "outside_year"), ("end", "outside_year")],
        ),
        ({"end": dt.date(2013, 11, 1)}, [("end", "end_before_start")]),
        ({"timezone_name": "Mars/Olympus"}, [("timezone", "unknown_timezone")]),
        ({"key": "unga-68"}, [("key", "duplicate_id")]),
        ({"country": "XXX"}, [("country", "unknown_state")]),
    ],
)
def test_candidate_with_problems_is_refused_on_its_fields(
    coordinator: Any, changes: dict[str, Any], problems: list[tuple[str, str]]
) -> None:
    with pytest.raises(SessionInvalidError) as caught:
        add_astana(coordinator, **changes)

    assert [(e.field, e.code) for e in caught.value.errors] == problems
    assert not SummitCandidate.objects.exists()


def test_only_a_coordinator_changes_candidates(coordinator: Any, viewer: Any) -> None:
    candidate = add_astana(coordinator)

    with pytest.raises(PlannerError) as adding:
        add_astana(viewer, key="other-2013")
    with pytest.raises(PlannerError) as cancelling:
        cancel_summit_candidate(viewer, candidate=candidate, reason="no")

    assert [adding.value.code, cancelling.value.code] == ["not_coordinator"] * 2
    assert list(SummitCandidate.objects.values_list("key", "cancelled")) == [("astana-2013", False)]


def _form(**changes: Any) -> dict[str, Any]:
    values = {**ASTANA, "timezone": "Asia/Almaty", **changes}
    values.pop("timezone_name")
    return values


def test_sessions_page_adds_a_candidate_and_shows_mistakes_on_fields(
    client: Client, coordinator: Any
) -> None:
    client.force_login(coordinator)

    refused = client.post("/planner/2013/summits/", _form(start="2014-01-02", end="2014-01-03"))
    added = client.post("/planner/2013/summits/", _form())

    assert refused.status_code == 400
    assert refused.content.decode().count("Must be in 2013.") == 2
    assert added["Location"] == "/planner/2013/sessions/"
    page = client.get("/planner/2013/sessions/").content.decode()
    assert 'data-summit="astana-2013" data-cancelled="0"' in page


def test_cancel_page_withdraws_the_candidate(client: Client, coordinator: Any) -> None:
    candidate = add_astana(coordinator)
    client.force_login(coordinator)

    response = client.post(f"/planner/summits/{candidate.pk}/cancel/", {"reason": "no host"})

    candidate.refresh_from_db()
    assert response.status_code == 302
    assert (candidate.cancelled, candidate.cancel_reason) == (True, "no host")


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_candidate_pages_are_refused_to_others(
    client: Client, coordinator: Any, viewer: Any, who: str
) -> None:
    candidate = add_astana(coordinator)
    if who == "viewer":
        client.force_login(viewer)

    statuses = [
        client.post("/planner/2013/summits/", _form(key="other-2013")).status_code,
        client.post(f"/planner/summits/{candidate.pk}/edit/", _form(cost=9)).status_code,
        client.post(f"/planner/summits/{candidate.pk}/cancel/", {"reason": "x"}).status_code,
    ]

    assert statuses == [302 if who == "anonymous" else 403] * 3
    assert list(SummitCandidate.objects.values_list("key", "cost", "cancelled")) == [
        ("astana-2013", 2, False)
    ]
