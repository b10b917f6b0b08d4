"""Planner writes, one module per use case; callers import them from here.

* `instances` — build a year's ``sideline.plan-instance/1`` from the registry, parse and
  solve a caller's instance (nothing stored);
* `requests` — meeting requests entered by hand: add, change, delete;
* `versions` — solve a year into a new draft, copy a version as a draft, re-plan
  (prepared, solved and stored in three steps, so that a run can solve in a thread);
* `checks` — what a new version is refused before it is solved;
* `editing` — move, pin or remove a meeting of a draft;
* `publication` — publish a draft: changelog, feeds, record entry;
* `runs` — the planner run from a page: outside the request, with progress and a cancel;
* `sessions` — a coordinator's forum sessions: add, change, cancel (registry corrections);
* `summits` — a coordinator's special summit candidates: add, change, cancel;
* `years` — start a year: its first draft from the forums' sessions of the year.

Services translate between rows and the cores' dataclasses (`instance`, `solver`,
`constraints`, `schema`, `changes`); the cores never see a model instance. Every write
runs in one transaction, so a failed solve or publication leaves nothing half-written.
Reads are in `planner.selectors`, re-exported here where callers used to find them.
Errors are `planner.errors` (``PlannerError``, ``RequestInvalidError``).
"""

from __future__ import annotations

from sideline.planner.errors import PlannerError, RequestInvalidError, SessionInvalidError
from sideline.planner.permissions import can_coordinate
from sideline.planner.selectors import RequestStatus, manual_requests_json, request_statuses
from sideline.planner.services.editing import EditOutcome, move_meeting, remove_meeting, set_pinned
from sideline.planner.services.instances import (
    build_instance,
    parse_instance_data,
    solve_instance_data,
    suggested_requests,
)
from sideline.planner.services.publication import Change, check_publisher, diff_plans, publish_plan
from sideline.planner.services.requests import (
    KEY_LENGTH,
    MAX_PRIORITY,
    MAX_SLOTS,
    TOPIC_LENGTH,
    add_manual_request,
    delete_manual_request,
    update_manual_request,
)
from sideline.planner.services.runs import begin_run, execute_run, launch_run, request_cancel
from sideline.planner.services.sessions import (
    cancel_forum_session,
    save_forum_session,
    session_key,
)
from sideline.planner.services.summits import (
    cancel_summit_candidate,
    save_summit_candidate,
    year_summits,
)
from sideline.planner.services.versions import create_plan, replan_plan, start_draft
from sideline.planner.services.years import check_year_startable, start_year

__all__ = [
    "KEY_LENGTH",
    "MAX_PRIORITY",
    "MAX_SLOTS",
    "TOPIC_LENGTH",
    "Change",
    "EditOutcome",
    "PlannerError",
    "RequestInvalidError",
    "RequestStatus",
    "SessionInvalidError",
    "add_manual_request",
    "begin_run",
    "build_instance",
    "can_coordinate",
    "cancel_forum_session",
    "cancel_summit_candidate",
    "check_publisher",
    "check_year_startable",
    "create_plan",
    "delete_manual_request",
    "diff_plans",
    "execute_run",
    "launch_run",
    "manual_requests_json",
    "move_meeting",
    "parse_instance_data",
    "publish_plan",
    "remove_meeting",
    "replan_plan",
    "request_cancel",
    "request_statuses",
    "save_forum_session",
    "save_summit_candidate",
    "session_key",
    "set_pinned",
    "solve_instance_data",
    "start_draft",
    "start_year",
    "suggested_requests",
    "update_manual_request",
    "year_summits",
]
