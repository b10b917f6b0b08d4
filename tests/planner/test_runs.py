"""The planner run from a page: progress kept on the run, a cancel honoured, who may."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sideline.planner.models import Plan, PlannerRun
from sideline.planner.services import (
    PlannerError,
    begin_run,
    execute_run,
    request_cancel,
)
from tests.planner.factory import FAST


def test_run_records_progress_and_stores_the_new_version(plan_2013: Plan) -> None:
    run = begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10)

    done = execute_run(run, options=FAST)

    new = Plan.objects.get(year=2013, version=2)
    assert (done.status, done.result, done.error) == ("done", new, "")
    assert (done.incumbent, done.bound) == (new.objective, new.bound)
    assert done.progress != []
    last = done.progress[-1]
    assert (last["incumbent"], last["bound"]) == (new.objective, new.bound)
    assert all(r["incumbent"] <= new.bound for r in done.progress)
    assert PlannerRun.objects.get(pk=run.pk).progress == done.progress


def test_first_run_of_a_year_makes_version_one(registry: None) -> None:
    run = begin_run(year=2027, kind="start", time_limit=10)

    done = execute_run(run, options=FAST)

    assert (done.status, done.result.version, done.result.status) == ("done", 1, "draft")  # type: ignore[union-attr]


def test_cancelled_run_stops_the_search_and_stores_nothing(plan_2013: Plan) -> None:
    run = begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10)
    request_cancel(run=run)

    done = execute_run(run, options=FAST)

    assert (done.status, done.result, done.cancel_requested) == ("cancelled", None, True)
    assert list(Plan.objects.filter(year=2013).values_list("version", flat=True)) == [1]


def test_a_year_runs_the_planner_once_at_a_time(plan_2013: Plan) -> None:
    begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10)

    with pytest.raises(PlannerError) as caught:
        begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10)

    assert (caught.value.code, caught.value.status) == ("run_active", 409)
    assert PlannerRun.objects.count() == 1


def test_a_run_silent_past_its_limit_was_interrupted_and_frees_the_year(
    plan_2013: Plan,
) -> None:
    stuck = begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10)
    later = timezone.now() + dt.timedelta(seconds=10 + 301)

    begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10, now=later)

    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == (
        "failed",
        "interrupted: the server stopped during the run",
    )


def test_a_finished_run_cannot_be_cancelled(plan_2013: Plan) -> None:
    run = execute_run(
        begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10), options=FAST
    )

    with pytest.raises(PlannerError) as caught:
        request_cancel(run=run)

    assert (caught.value.code, caught.value.status) == ("run_finished", 409)
    assert PlannerRun.objects.get(pk=run.pk).cancel_requested is False


def test_a_run_refused_when_prepared_ends_failed_with_the_reason(plan_2013: Plan) -> None:
    run = begin_run(year=2027, kind="start", time_limit=10)
    Plan.objects.create(
        year=2027, version=1, instance={}, plan={}, objective=0, bound=0, solver_status="x"
    )

    done = execute_run(run, options=FAST)

    assert (done.status, done.error) == (
        "failed",
        "2027 has a plan already: open its newest version.",
    )


def test_run_page_shows_figures_and_a_cancel_while_running(
    client: Client, coordinator: Any, plan_2013: Plan
) -> None:
    run = begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10)
    PlannerRun.objects.filter(pk=run.pk).update(phase="priority", incumbent=9, bound=10)
    client.force_login(coordinator)

    page = client.get(f"/planner/runs/{run.pk}/")
    status = client.get(f"/planner/runs/{run.pk}.json").json()

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="run-cancel"' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert status == {
        "status": "running",
        "status_text": "running",
        "phase": "priority",
        "incumbent": 9,
        "bound": 10,
        "gap": "10.00%",
        "elapsed_s": 0.0,
        "cancel_requested": False,
        "page": f"/planner/runs/{run.pk}/",
    }


def test_cancel_button_sets_the_flag(client: Client, coordinator: Any, plan_2013: Plan) -> None:
    run = begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10)
    client.force_login(coordinator)

    response = client.post(f"/planner/runs/{run.pk}/cancel/")

    assert response.status_code == 302
    assert PlannerRun.objects.get(pk=run.pk).cancel_requested is True


def test_replan_button_runs_and_the_finished_run_opens_the_new_version(
    client: Client, coordinator: Any, plan_2013: Plan
) -> None:
    client.force_login(coordinator)

    response = client.post(f"/planner/plans/{plan_2013.pk}/replan/")
    run = PlannerRun.objects.get()
    opened = client.get(response["Location"])

    assert response["Location"] == f"/planner/runs/{run.pk}/"
    assert run.status == "done"
    assert opened["Location"] == f"/planner/plans/{run.result_id}/"


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_run_pages_are_refused_to_others(
    client: Client, viewer: Any, plan_2013: Plan, who: str
) -> None:
    run = begin_run(year=2013, kind="replan", based_on=plan_2013, time_limit=10)
    if who == "viewer":
        client.force_login(viewer)

    statuses = [
        client.get(f"/planner/runs/{run.pk}/").status_code,
        client.get(f"/planner/runs/{run.pk}.json").status_code,
        client.post(f"/planner/runs/{run.pk}/cancel/").status_code,
        client.post(f"/planner/plans/{plan_2013.pk}/replan/").status_code,
    ]

    assert statuses == ([302, 403, 403, 403] if who == "anonymous" else [403] * 4)
    assert PlannerRun.objects.get().cancel_requested is False
    assert PlannerRun.objects.count() == 1
