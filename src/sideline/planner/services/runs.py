"""Planner runs started from a page: solved outside the request, progress kept, cancellable.

A run has two threads. The one that calls `execute_run` (a thread of the serving
process, started by `launch_run`) does every database read and write: it prepares
the instance, records the solver's progress reports and reads the cancel flag a page
set, then stores the answer. A worker thread only solves (`solve_prepared` reads and
writes no row): its progress callback puts reports on a queue and its stop callback
reads an event, so CP-SAT's threads never open a database connection. Once the flag
is read the event is set; the solver's solution callback then calls `StopSearch` and
the run ends cancelled, storing nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from dataclasses import replace
from typing import Any

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from sideline.planner.errors import PlannerError
from sideline.planner.models import Plan, PlannerRun, RunKind, RunStatus
from sideline.planner.schema import Plan as CorePlan
from sideline.planner.services.versions import (
    Prepared,
    prepare_plan,
    prepare_replan,
    solve_prepared,
    store_prepared,
)
from sideline.planner.services.years import check_year_startable
from sideline.planner.solver import Progress, SolveOptions

__all__ = [
    "INTERRUPTED_AFTER_S",
    "MAX_REPORTS",
    "POLL_S",
    "begin_run",
    "execute_run",
    "launch_run",
    "request_cancel",
]

logger = logging.getLogger(__name__)

POLL_S = 0.25
"""How often the run's thread records progress and reads the cancel flag."""

INTERRUPTED_AFTER_S = 300.0
"""A run silent this long past its time limit was interrupted (its process stopped)."""

MAX_REPORTS = 200
"""Progress reports kept on a run: the newest, enough for a page to draw the search."""


def _close_interrupted(*, year: int, now: dt.datetime) -> None:
    """Mark failed the runs of `year` whose process stopped before they ended: silent for
    longer than their time limit and `INTERRUPTED_AFTER_S` more."""
    for run in PlannerRun.objects.filter(year=year, status=RunStatus.RUNNING):
        silent = (now - run.updated).total_seconds()
        if silent > run.time_limit + INTERRUPTED_AFTER_S:
            _finish(run, RunStatus.FAILED, error="interrupted: the server stopped during the run")


def begin_run(
    *,
    year: int,
    kind: str,
    based_on: Plan | None = None,
    user: Any = None,
    time_limit: float,
    now: dt.datetime | None = None,
) -> PlannerRun:
    """Record a run about to start; refuse what it could not do.

    Raises:
        PlannerError: ``run_active`` (409: the year has a run going), ``year_started`` or
            ``no_sessions`` (a first version), ``plan_published`` (re-planning is from a
            version, not of a published one: see `replan_plan`; any version may be the
            base).
    """
    _close_interrupted(year=year, now=now or timezone.now())
    if PlannerRun.objects.filter(year=year, status=RunStatus.RUNNING).exists():
        raise PlannerError(
            "run_active",
            _("The planner is already running for %(year)s: wait for it or cancel it.")
            % {"year": year},
            status=409,
        )
    if kind == RunKind.START:
        check_year_startable(year=year)
    elif based_on is None:
        raise PlannerError("unknown_plan", _("Re-planning needs a version to start from."))
    return PlannerRun.objects.create(
        year=year,
        kind=kind,
        based_on=based_on,
        time_limit=time_limit,
        started_by=user if getattr(user, "is_authenticated", False) else None,
    )


def request_cancel(*, run: PlannerRun) -> PlannerRun:
    """Ask a running run to stop; its thread passes it on to the solver.

    Raises:
        PlannerError: ``run_finished`` (409).
    """
    updated = PlannerRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        cancel_requested=True
    )
    if not updated:
        raise PlannerError("run_finished", _("This run has finished already."), status=409)
    run.refresh_from_db()
    return run


def _prepare(run: PlannerRun) -> Prepared:
    if run.kind == RunKind.START:
        check_year_startable(year=run.year)
        return prepare_plan(year=run.year)
    assert run.based_on is not None  # begin_run refuses a re-plan without a base
    return prepare_replan(plan=run.based_on)


def _record(run: PlannerRun, reports: list[Progress]) -> None:
    if not reports:
        return
    last = reports[-1]
    run.progress = [
        *run.progress,
        *(
            {"phase": r.phase, "incumbent": r.incumbent, "bound": r.bound, "elapsed_s": r.elapsed_s}
            for r in reports
        ),
    ][-MAX_REPORTS:]
    run.phase, run.incumbent, run.bound, run.elapsed_s = (
        last.phase,
        last.incumbent,
        last.bound,
        last.elapsed_s,
    )
    run.save(update_fields=["progress", "phase", "incumbent", "bound", "elapsed_s", "updated"])


def _drain(reports: queue.SimpleQueue[Progress]) -> list[Progress]:
    out = []
    while True:
        try:
            out.append(reports.get_nowait())
        except queue.Empty:
            return out


def _finish(run: PlannerRun, status: str, **fields: Any) -> PlannerRun:
    run.status = status
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    return run


def execute_run(run: PlannerRun, *, options: SolveOptions) -> PlannerRun:
    """Prepare, solve and store a run in the calling thread, the solve in a worker thread.

    Expected refusals (`PlannerError`) end the run ``failed`` with their message; a run
    cancelled before its answer is stored ends ``cancelled`` and stores nothing.
    """
    try:
        prepared = _prepare(run)
    except PlannerError as error:
        return _finish(run, RunStatus.FAILED, error=error.message)
    reports: queue.SimpleQueue[Progress] = queue.SimpleQueue()
    stop = threading.Event()
    solving = replace(options, progress=reports.put, stop=stop.is_set)
    answer: dict[str, CorePlan | BaseException] = {}

    def work() -> None:
        try:
            answer["plan"] = solve_prepared(prepared, options=solving)
        except BaseException as error:
            answer["error"] = error

    if PlannerRun.objects.filter(pk=run.pk, cancel_requested=True).exists():
        stop.set()
    worker = threading.Thread(target=work, name=f"planner-run-{run.pk}", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(POLL_S)
        _record(run, _drain(reports))
        if PlannerRun.objects.filter(pk=run.pk, cancel_requested=True).exists():
            stop.set()
    _record(run, _drain(reports))
    if "error" in answer:
        _finish(run, RunStatus.FAILED, error=str(answer["error"]))
        raise answer["error"]  # type: ignore[misc]  # an exception, by the branch above
    if stop.is_set():
        return _finish(run, RunStatus.CANCELLED, cancel_requested=True)
    result = answer["plan"]
    assert isinstance(result, CorePlan)
    plan = store_prepared(prepared, result)
    return _finish(run, RunStatus.DONE, result=plan, incumbent=plan.objective, bound=plan.bound)


def launch_run(run: PlannerRun, *, options: SolveOptions) -> threading.Thread:
    """Execute `run` in a thread of this process; the request that started it returns."""

    def target() -> None:
        try:
            execute_run(run, options=options)
        except Exception:
            logger.exception("planner run %s failed", run.pk)
            PlannerRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED, error="unexpected error: see the server's log"
            )
        finally:
            # The thread's own connection: nobody else will close it.
            connections.close_all()

    thread = threading.Thread(target=target, name=f"planner-run-{run.pk}", daemon=True)
    thread.start()
    return thread
