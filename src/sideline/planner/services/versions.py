"""Plan versions: solve a year into a new draft, copy a version as a draft, re-plan.

Each version is stored with the instance the solver saw and its answer, in one
transaction; request rows are shared by the versions of a year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from sideline.planner.document import (
    DEFAULT_PLENARY_SLOTS,
    DEFAULT_ROOMS,
    DEFAULT_SLOTS_PER_DAY,
)
from sideline.planner.ical import meeting_window
from sideline.planner.instance import Instance
from sideline.planner.models import (
    MeetingRequest,
    PlacedMeeting,
    Plan,
    RequestOrigin,
    UnplacedRequest,
)
from sideline.planner.schema import Meeting, plan_to_json
from sideline.planner.schema import Plan as CorePlan
from sideline.planner.selectors import core_meeting, manual_requests_json, plan_instance
from sideline.planner.services.checks import (
    check_summit_years,
    refuse_changing_published,
    refuse_clash_with_manual,
    refuse_summit_named_as_session,
)
from sideline.planner.services.instances import build_instance, parse_located, suggested_requests
from sideline.planner.services.summits import year_summits
from sideline.planner.solver import SolveOptions, replan, solve
from sideline.registry.models import ForumSession, Function, Organization

__all__ = [
    "Prepared",
    "create_plan",
    "next_version",
    "prepare_plan",
    "prepare_replan",
    "replan_plan",
    "solve_prepared",
    "start_draft",
    "store_prepared",
    "utc_window",
]


@dataclass(frozen=True)
class Prepared:
    """A checked instance ready to solve, and what storing its answer needs.

    `previous` is the plan's meetings when re-planning (None for a first plan).
    """

    year: int
    data: Mapping[str, Any]
    instance: Instance
    origin: str
    plenary_slots: int
    based_on: Plan | None = None
    pinned: frozenset[str] = frozenset()
    previous: tuple[Meeting, ...] | None = None


def _sync_requests(*, year: int, instance: Instance, origin: str) -> dict[str, MeetingRequest]:
    """Create or update a request row for each request of the instance."""
    existing = {r.key: r for r in MeetingRequest.objects.filter(year=year)}
    organizations = {o.slug: o for o in Organization.objects.all()}
    functions = {f.slug: f for f in Function.objects.all()}
    out: dict[str, MeetingRequest] = {}
    for request in instance.requests:
        row = existing.get(request.id)
        fields = {
            "topic": request.topic,
            "function": functions.get(request.topic),
            "priority": request.priority,
            "slots": request.slots,
            "not_before": request.not_before,
            "not_after": request.not_after,
        }
        if row is None:
            row = MeetingRequest.objects.create(year=year, key=request.id, origin=origin, **fields)
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
        row.organizations.set([organizations[slug] for slug in request.organizations])
        out[request.id] = row
    return out


def utc_window(instance: Instance, meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    start, end = meeting_window(instance, meeting)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def next_version(year: int) -> int:
    latest = Plan.objects.filter(year=year).aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


def _store(
    *,
    year: int,
    data: Mapping[str, Any],
    instance: Instance,
    result: CorePlan,
    origin: str,
    plenary_slots: int,
    based_on: Plan | None = None,
    pinned: frozenset[str] = frozenset(),
) -> Plan:
    rows = _sync_requests(year=year, instance=instance, origin=origin)
    plan = Plan.objects.create(
        year=year,
        version=next_version(year),
        based_on=based_on,
        instance=dict(data),
        plan=plan_to_json(result),
        plenary_slots=plenary_slots,
        objective=result.objective,
        bound=result.bound,
        solver_status=result.status,
        statistics=dict(result.statistics),
    )
    sessions = {s.key: s for s in ForumSession.objects.filter(start__year=year)}
    summits = {s.id for s in instance.summits}
    placed = []
    for meeting in result.meetings:
        start, end = utc_window(instance, meeting)
        placed.append(
            PlacedMeeting(
                plan=plan,
                request=rows[meeting.request],
                session=sessions.get(meeting.session),
                summit=meeting.session if meeting.session in summits else "",
                venue=meeting.session,
                date=meeting.date,
                slot=meeting.slot,
                slots=meeting.slots,
                room=meeting.room,
                co_chairs=list(meeting.co_chairs),
                pinned=meeting.request in pinned,
                timezone=instance.venue(meeting.session).timezone,
                start=start,
                end=end,
            )
        )
    PlacedMeeting.objects.bulk_create(placed)
    UnplacedRequest.objects.bulk_create(
        UnplacedRequest(
            plan=plan,
            request=rows[u.request],
            reasons=[{"code": r.code, "message": r.message, **dict(r.details)} for r in u.reasons],
        )
        for u in result.unplaced
    )
    return plan


def prepare_plan(
    *,
    year: int,
    requests: Sequence[Mapping[str, Any]] | None = None,
    origin: str = RequestOrigin.SUGGESTED,
    summits: Sequence[Mapping[str, Any]] = (),
    slots_per_day: int = DEFAULT_SLOTS_PER_DAY,
    rooms: int = DEFAULT_ROOMS,
    plenary_slots: int = DEFAULT_PLENARY_SLOTS,
) -> Prepared:
    """Return what planning `year` solves: its sessions and `requests` (the suggestions
    when None), checked; nothing is stored.

    The requests entered by hand for `year` are always added: they were entered on
    purpose and would otherwise drop out of the next version unannounced. A suggestion
    with the identifier of one of them gives way to it; a given request with such an
    identifier is refused. `summits` are special summit candidates of `year` in the
    instance format; they are stored in the plan's instance and kept by re-planning.
    The candidates entered on the planner's pages (`services.summits`) are added.

    Raises:
        PlannerError: the requests or summits are invalid. For a given list, ``field``
            is the path inside it (``$[2].organizations[1]``) and ``source`` says which
            list (``requests`` or ``summits``).
    """
    manual = manual_requests_json(year=year)
    given: dict[str, int] = {"summits": len(summits)}
    if requests is None:
        keys = {r["id"] for r in manual}
        requests = [r for r in suggested_requests(year=year) if r["id"] not in keys]
        origin = RequestOrigin.SUGGESTED
    else:
        refuse_clash_with_manual(requests, year=year)
        given["requests"] = len(requests)
    # The year's candidates entered on the page follow the given ones (whose paths the
    # errors name); a given summit wins over a candidate of the same identifier.
    named = {s.get("id") for s in summits if isinstance(s, Mapping)}
    candidates = [s for s in year_summits(year=year) if s["id"] not in named]
    data = build_instance(
        year=year,
        requests=[*requests, *manual],
        summits=[*summits, *candidates],
        slots_per_day=slots_per_day,
        rooms=rooms,
        plenary_slots=plenary_slots,
    )
    refuse_summit_named_as_session(data, year=year)
    instance = parse_located(data, given=given, manual_from=len(requests))
    check_summit_years(instance, year=year)
    refuse_changing_published(instance, year=year, given=given.get("requests", 0))
    return Prepared(
        year=year, data=data, instance=instance, origin=origin, plenary_slots=plenary_slots
    )


def create_plan(
    *,
    year: int,
    requests: Sequence[Mapping[str, Any]] | None = None,
    origin: str = RequestOrigin.SUGGESTED,
    summits: Sequence[Mapping[str, Any]] = (),
    slots_per_day: int = DEFAULT_SLOTS_PER_DAY,
    rooms: int = DEFAULT_ROOMS,
    plenary_slots: int = DEFAULT_PLENARY_SLOTS,
    options: SolveOptions | None = None,
) -> Plan:
    """Plan `year` from its sessions and `requests` (the suggestions when None) as a new draft.

    See `prepare_plan` for what is planned and refused; the solve runs between the
    preparation and the one transaction that stores the version.
    """
    prepared = prepare_plan(
        year=year,
        requests=requests,
        origin=origin,
        summits=summits,
        slots_per_day=slots_per_day,
        rooms=rooms,
        plenary_slots=plenary_slots,
    )
    return store_prepared(prepared, solve_prepared(prepared, options=options))


def start_draft(*, plan: Plan) -> Plan:
    """Copy `plan` (usually a published version) as the year's new working draft."""
    with transaction.atomic():
        copy = Plan.objects.create(
            year=plan.year,
            version=next_version(plan.year),
            based_on=plan,
            instance=plan.instance,
            plan=plan.plan,
            plenary_slots=plan.plenary_slots,
            objective=plan.objective,
            bound=plan.bound,
            solver_status=plan.solver_status,
            statistics=plan.statistics,
        )
        meetings = list(plan.meetings.all())
        for row in meetings:
            row.pk = None
            row.plan = copy
        PlacedMeeting.objects.bulk_create(meetings)
        unplaced = list(plan.unplaced.all())
        for item in unplaced:
            item.pk = None
            item.plan = copy
        UnplacedRequest.objects.bulk_create(unplaced)
    return copy


def _replan_requests(plan: Plan) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the requests a re-plan of `plan` considers: those it lists, and new ones.

    First those of its instance, less any since deleted (only a request entered by hand
    can be); then the year's requests entered by hand that the instance does not list.
    """
    keys = set(MeetingRequest.objects.filter(year=plan.year).values_list("key", flat=True))
    # A request entered by hand is taken as it is stored now: it may have been changed
    # since `plan` was made (the plan's copy would undo the change when stored).
    manual = {r["id"]: r for r in manual_requests_json(year=plan.year)}
    listed = [
        manual.get(r["id"], dict(r))
        for r in plan.instance.get("requests", [])
        if r.get("id") in keys
    ]
    known = {r["id"] for r in listed}
    added = [r for key, r in manual.items() if key not in known]
    return listed, added


def replan_plan(*, plan: Plan, options: SolveOptions | None = None) -> Plan:
    """Re-plan `plan`'s requests on the registry's current sessions with the fewest moves.

    Pinned meetings stay exactly where they are. Requests entered by hand since `plan`
    was made are considered too, and its special summit candidates are kept (as the
    year's candidates entered on the pages now say: changed, cancelled or new). The result
    is a new draft whose plan JSON lists the moves (``moves``).

    Raises:
        PlannerError: pinned meetings no longer fit the sessions (path in ``field``).
    """
    prepared = prepare_replan(plan=plan)
    return store_prepared(prepared, solve_prepared(prepared, options=options))


def prepare_replan(*, plan: Plan) -> Prepared:
    """Return what re-planning `plan` solves (see `replan_plan`); nothing is stored."""
    old = plan_instance(plan)
    rows = list(plan.meetings.select_related("request"))
    previous = [core_meeting(row, old) for row in rows]
    pins = [
        {
            "request": row.request.key,
            "session": row.venue,
            "date": row.date.isoformat(),
            "slot": row.slot,
            "room": row.room,
        }
        for row in rows
        if row.pinned
    ]
    sessions = plan.instance.get("sessions", [])
    slots_per_day = sessions[0]["slots_per_day"] if sessions else DEFAULT_SLOTS_PER_DAY
    rooms = sessions[0]["rooms"] if sessions else DEFAULT_ROOMS
    listed, added = _replan_requests(plan)
    data = build_instance(
        year=plan.year,
        requests=[*listed, *added],
        slots_per_day=slots_per_day,
        rooms=rooms,
        plenary_slots=plan.plenary_slots,
        pinned=pins,
        summits=year_summits(year=plan.year, kept=plan.instance.get("summits", [])),
    )
    instance = parse_located(data, manual_from=len(listed))
    return Prepared(
        year=plan.year,
        data=data,
        instance=instance,
        origin=RequestOrigin.MANUAL,
        plenary_slots=plan.plenary_slots,
        based_on=plan,
        pinned=frozenset(str(p["request"]) for p in pins),
        previous=tuple(previous),
    )


def solve_prepared(prepared: Prepared, *, options: SolveOptions | None = None) -> CorePlan:
    """Solve a prepared plan (or re-plan); reads and writes no row, so it may run in a
    thread of its own while another reports its progress."""
    if prepared.previous is None:
        return solve(prepared.instance, options=options)
    return replan(prepared.instance, previous=prepared.previous, options=options)


def store_prepared(prepared: Prepared, result: CorePlan) -> Plan:
    """Store the solver's answer to a prepared plan as a new draft, in one transaction."""
    with transaction.atomic():
        return _store(
            year=prepared.year,
            data=prepared.data,
            instance=prepared.instance,
            result=result,
            origin=prepared.origin,
            plenary_slots=prepared.plenary_slots,
            based_on=prepared.based_on,
            pinned=prepared.pinned,
        )
