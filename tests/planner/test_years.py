"""Starting a year from the page: its empty state, the first draft, who may."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sideline.planner.models import Plan
from sideline.planner.selectors import startable_years
from sideline.planner.services import PlannerError, create_plan, start_year
from sideline.registry.selectors import session_facts
from tests.planner.factory import FAST, REQUESTS


def test_start_year_makes_a_first_draft_from_the_projected_sessions(registry: None) -> None:
    plan = start_year(year=2027, options=FAST)

    assert (plan.year, plan.version, plan.status) == (2027, 1, "draft")
    # Every session of 2027 the registry holds, announced or projected: the bundled data
    # says which (docs/data.md), so the list is read from it rather than repeated here.
    expected = sorted(fact["key"] for fact in session_facts(2027))
    assert sorted(s["id"] for s in plan.instance["sessions"]) == expected
    assert {"unga-82", "nato-foreign-ministers-2027-04-projected"} <= set(expected)
    assert plan.instance["requests"] != []


@pytest.mark.parametrize(
    ("year", "code", "message"),
    [
        (2013, "year_started", "2013 has a plan already: open its newest version."),
        (
            2030,
            "no_sessions",
            "No forum session of 2030 is in the registry: add the year's sessions first.",
        ),
    ],
)
def test_start_year_refuses_a_started_year_or_one_without_sessions(
    registry: None, year: int, code: str, message: str
) -> None:
    create_plan(year=2013, requests=REQUESTS, origin="file", options=FAST)

    with pytest.raises(PlannerError) as caught:
        start_year(year=year, options=FAST)

    assert (caught.value.code, caught.value.message, caught.value.status) == (code, message, 409)
    assert Plan.objects.filter(year=year).count() == (1 if year == 2013 else 0)


def test_startable_years_are_years_ahead_with_sessions_and_no_plan(registry: None) -> None:
    assert startable_years(today=dt.date(2026, 12, 3)) == [2026, 2027]
    start_year(year=2027, options=FAST)
    assert startable_years(today=dt.date(2026, 12, 3)) == [2026]


@pytest.mark.parametrize(("year", "sessions", "startable"), [(2027, 7, True), (2030, 0, False)])
def test_year_page_shows_a_coordinator_the_sessions_and_the_start_button_or_why_not(
    client: Client, coordinator: Any, year: int, sessions: int, startable: bool
) -> None:
    client.force_login(coordinator)

    response = client.get(f"/planner/{year}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="year-session"') == sessions
    assert (f'action="/planner/{year}/start/"' in html) is startable
    assert ('data-testid="no-sessions"' in html) is not startable


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_year_without_a_published_plan_is_neither_shown_nor_started_by_others(
    client: Client, viewer: Any, registry: None, who: str
) -> None:
    if who == "viewer":
        client.force_login(viewer)

    page = client.get("/planner/2027/")
    start = client.post("/planner/2027/start/")

    assert page.status_code == 404
    assert 'data-testid="start-year"' not in page.content.decode()
    assert start.status_code == 403
    assert not Plan.objects.filter(year=2027).exists()


def test_start_button_makes_the_draft_and_opens_it(client: Client, coordinator: Any) -> None:
    client.force_login(coordinator)

    response = client.post("/planner/2027/start/", follow=True)

    plan = Plan.objects.get(year=2027)
    assert (plan.version, plan.status) == (1, "draft")
    assert response.redirect_chain[-1] == (f"/planner/plans/{plan.pk}/", 302)
    assert (
        "Version 1 of 2027 is a working draft: check it, then publish it."
        in response.content.decode()
    )


def test_start_button_on_a_started_year_says_why_and_stores_nothing(
    client: Client, coordinator: Any
) -> None:
    create_plan(year=2013, requests=REQUESTS, origin="file", options=FAST)
    client.force_login(coordinator)

    response = client.post("/planner/2013/start/", follow=True)

    assert Plan.objects.filter(year=2013).count() == 1
    assert "2013 has a plan already: open its newest version." in response.content.decode()


def test_year_with_only_cancelled_sessions_offers_no_start(
    client: Client, coordinator: Any
) -> None:
    from sideline.registry.models import ForumSession

    ForumSession.objects.filter(start__year=2027).update(status="cancelled")
    client.force_login(coordinator)

    html = client.get("/planner/2027/").content.decode()

    assert html.count('data-testid="year-session"') == 7
    assert 'data-testid="no-sessions"' in html
    assert 'action="/planner/2027/start/"' not in html
