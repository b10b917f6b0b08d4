"""Planner endpoints: plan versions, their meetings, the year's requests, solving, feeds.

The bodies are in `schemas`, the solve endpoint's limits in `solve_limits`. The endpoints
stay in this module: their OpenAPI operation ids are named after it.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Body, Router, Status

from sideline.accounts.auth import API_AUTH, request_user
from sideline.errors import ApiError
from sideline.planner.api.schemas import (
    FeedItemOut,
    MeetingRequestChangeIn,
    MeetingRequestIn,
    MeetingRequestOut,
    PlacementOut,
    PlannedMeetingOut,
    PlanOut,
    UnplacedOut,
)
from sideline.planner.api.solve_limits import SOLVE_SLOTS, check_instance_size
from sideline.planner.models import MeetingRequest, Plan
from sideline.planner.schema import plan_to_json
from sideline.planner.selectors import (
    calendar_ics,
    feed_of,
    latest_published,
    meetings_of,
    plans,
    requested_priorities,
    unplaced_of,
)
from sideline.planner.services import (
    RequestInvalidError,
    RequestStatus,
    add_manual_request,
    can_coordinate,
    delete_manual_request,
    parse_instance_data,
    request_statuses,
    update_manual_request,
)
from sideline.planner.solver import SolveOptions, solve
from sideline.registry.models import Organization
from sideline.validators import EARLIEST, LATEST, Year

router = Router(tags=["planner"])


def _plan_out(plan: Plan) -> PlanOut:
    return PlanOut(
        id=plan.pk,
        year=plan.year,
        version=plan.version,
        status=plan.status,
        solver_status=plan.solver_status,
        objective=plan.objective,
        bound=plan.bound,
        created=plan.created,
        published_at=plan.published_at,
        published_by=plan.published_by.slug if plan.published_by else None,
        changelog=plan.changelog,
    )


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = plans().filter(pk=plan_id).first()
    # Drafts are the coordinator's working copies: others are told they do not exist.
    if plan is None or (plan.is_draft and not can_coordinate(request.user)):
        raise ApiError(404, "plan_not_found", f"no plan {plan_id}", field="plan_id")
    return plan


@router.get("/plans", response=list[PlanOut])
def list_plans(request: HttpRequest, year: Year | None = None) -> list[PlanOut]:
    """List plan versions, newest first; drafts only for coordinators."""
    queryset = plans(year=year)
    if not can_coordinate(request.user):
        queryset = queryset.filter(status="published")
    return [_plan_out(plan) for plan in queryset]


@router.get("/plans/{plan_id}", response=PlanOut)
def get_plan(request: HttpRequest, plan_id: int) -> PlanOut:
    return _plan_out(_plan(request, plan_id))


@router.get("/plans/{plan_id}/json")
def get_plan_json(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """Return the solver's answer as stored (``sideline.plan/1``), before manual edits."""
    return dict(_plan(request, plan_id).plan)


@router.get("/plans/{plan_id}/meetings", response=list[PlannedMeetingOut])
def list_meetings(
    request: HttpRequest,
    plan_id: int,
    organization: str | None = None,
    forum: str | None = None,
    topic: str | None = None,
) -> list[PlannedMeetingOut]:
    plan = _plan(request, plan_id)
    return [
        PlannedMeetingOut(
            request=row.request.key,
            organizations=[o.slug for o in row.request.organizations.all()],
            topic=row.request.topic,
            session=row.venue,
            summit=bool(row.summit),
            forum=row.session.forum.slug if row.session else None,
            date=row.date,
            slot=row.slot,
            slots=row.slots,
            room=row.room,
            start=row.start,
            end=row.end,
            timezone=row.timezone,
            co_chairs=list(row.co_chairs),
            pinned=row.pinned,
            warnings=list(row.warnings),
        )
        for row in meetings_of(plan, organization=organization, forum=forum, topic=topic)
    ]


@router.get("/plans/{plan_id}/unplaced", response=list[UnplacedOut])
def list_unplaced(request: HttpRequest, plan_id: int) -> list[UnplacedOut]:
    plan = _plan(request, plan_id)
    priorities = requested_priorities(plan)
    return [
        UnplacedOut(
            request=item.request.key,
            organizations=[o.slug for o in item.request.organizations.all()],
            priority=priorities.get(item.request.key, item.request.priority),
            reasons=list(item.reasons),
        )
        for item in unplaced_of(plan)
    ]


def _require_coordinator(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise ApiError(401, "not_authenticated", "log in or send an API token")
    if not can_coordinate(user):
        raise ApiError(403, "not_coordinator", "only a coordinator may read or change requests")


def _request_year(year: int) -> int:
    if not EARLIEST.year <= year <= LATEST.year:
        raise ApiError(
            400,
            "invalid_year",
            f"year: give a year from {EARLIEST.year} to {LATEST.year}",
            field="year",
        )
    return year


def _request_out(item: RequestStatus, plan: Plan | None) -> MeetingRequestOut:
    row, meeting = item.request, item.meeting
    return MeetingRequestOut(
        id=row.key,
        year=row.year,
        organizations=[o.slug for o in row.organizations.all()],
        topic=row.topic,
        function=row.function.slug if row.function else None,
        priority=row.priority,
        slots=row.slots,
        not_before=row.not_before,
        not_after=row.not_after,
        origin=row.origin,
        version=plan.version if plan is not None else None,
        status=item.state,
        meeting=None
        if meeting is None
        else PlacementOut(
            session=meeting.venue,
            summit=bool(meeting.summit),
            date=meeting.date,
            slot=meeting.slot,
            room=meeting.room,
            start=meeting.start,
            end=meeting.end,
            timezone=meeting.timezone,
        ),
        reasons=list(item.unplaced.reasons) if item.unplaced is not None else [],
        deletable=item.deletable,
    )


@router.get("/requests/{year}", response=list[MeetingRequestOut])
def list_requests(request: HttpRequest, year: int) -> list[MeetingRequestOut]:
    """The year's meeting requests and their status in its newest version (coordinators)."""
    _require_coordinator(request_user(request))
    plan, statuses = request_statuses(year=_request_year(year))
    return [_request_out(item, plan) for item in statuses]


@router.post("/requests/{year}", response={201: MeetingRequestOut}, auth=API_AUTH)
def add_request(
    request: HttpRequest, year: int, payload: MeetingRequestIn
) -> Status[MeetingRequestOut]:
    """Enter a request by hand (coordinators); re-planning a version then considers it."""
    _require_coordinator(request.auth)  # type: ignore[attr-defined]  # set by ninja's auth
    try:
        row = add_manual_request(year=_request_year(year), key=payload.id, **payload.fields())
    except RequestInvalidError as error:
        # The body names the field as the request format does: the identifier is "id".
        if error.field == "key":
            error.field = "id"
        raise
    plan, statuses = request_statuses(year=year)
    return Status(
        201, next(_request_out(item, plan) for item in statuses if item.request.pk == row.pk)
    )


@router.put("/requests/{year}/{key}", response=MeetingRequestOut, auth=API_AUTH)
def change_request(
    request: HttpRequest, year: int, key: str, payload: MeetingRequestChangeIn
) -> MeetingRequestOut:
    """Change a request entered by hand that no version places (coordinators)."""
    _require_coordinator(request.auth)  # type: ignore[attr-defined]  # set by ninja's auth
    row = MeetingRequest.objects.filter(year=_request_year(year), key=key).first()
    if row is None:
        raise ApiError(404, "unknown_request", f"no request {key!r} in {year}", field="key")
    update_manual_request(request=row, **payload.fields())
    plan, statuses = request_statuses(year=year)
    return next(_request_out(item, plan) for item in statuses if item.request.pk == row.pk)


@router.delete("/requests/{year}/{key}", response={204: None}, auth=API_AUTH)
def delete_request(request: HttpRequest, year: int, key: str) -> Status[None]:
    """Delete a request entered by hand that no version places (coordinators)."""
    _require_coordinator(request.auth)  # type: ignore[attr-defined]  # set by ninja's auth
    row = MeetingRequest.objects.filter(year=_request_year(year), key=key).first()
    if row is None:
        raise ApiError(404, "unknown_request", f"no request {key!r} in {year}", field="key")
    delete_manual_request(request=row)
    return Status(204, None)


@router.post("/solve", auth=API_AUTH)
def solve_instance(
    request: HttpRequest, instance: Body[dict[str, Any]], time_limit: float = 5.0
) -> Any:
    """Solve a posted ``sideline.plan-instance/1``; return ``sideline.plan/1``. Nothing is stored.

    For signed-in callers; a few at a time per server process (``SIDELINE_SOLVE_CONCURRENCY``),
    others get 429 with ``Retry-After``.
    """
    most = float(settings.SIDELINE_SOLVE_MAX_SECONDS)
    if not 0 < time_limit <= most:
        raise ApiError(
            400,
            "invalid_time_limit",
            f"time_limit must be above 0 and at most {most:g} seconds",
            field="time_limit",
        )
    parsed = parse_instance_data(instance)
    check_instance_size(parsed)
    with SOLVE_SLOTS.take() as free:
        if not free:
            busy = ApiError(
                429,
                "solver_busy",
                "the solver is busy with other callers; try again in a few seconds",
            )
            response = JsonResponse(busy.body(), status=429)
            response["Retry-After"] = str(math.ceil(most))
            return response
        result = solve(parsed, options=SolveOptions(time_limit=time_limit, num_workers=1, seed=0))
    return plan_to_json(result)


@router.get("/feeds/{organization}", response=list[FeedItemOut])
def list_feed(request: HttpRequest, organization: str) -> list[FeedItemOut]:
    """What changed for `organization` in each published version, newest first."""
    if not Organization.objects.filter(slug=organization).exists():
        raise ApiError(
            404, "unknown_organization", f"no organization {organization!r}", field="organization"
        )
    return [
        FeedItemOut(
            organization=organization,
            year=item.plan.year,
            version=item.plan.version,
            previous_version=item.previous.version if item.previous else None,
            request=item.request.key,
            change=item.kind,
            before=item.before,
            after=item.after,
        )
        for item in feed_of(organization=organization)
    ]


@router.get("/feeds/{organization}/ics")
def get_feed_ics(request: HttpRequest, organization: str, year: int | None = None) -> HttpResponse:
    """The latest published calendar as iCalendar, for one organization or ``all``."""
    slug = None if organization == "all" else organization
    if slug is not None and not Organization.objects.filter(slug=slug).exists():
        raise ApiError(
            404, "unknown_organization", f"no organization {organization!r}", field="organization"
        )
    plan = latest_published(year=year)
    if plan is None:
        raise ApiError(404, "no_published_plan", "no plan is published yet", field="year")
    return HttpResponse(
        calendar_ics(plan=plan, organization=slug), content_type="text/calendar; charset=utf-8"
    )
