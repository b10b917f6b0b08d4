"""Planner endpoints: plan versions, their meetings, the year's requests, solving, feeds."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Body, Router, Schema, Status
from pydantic import Field

from sideline.accounts.auth import API_AUTH, request_user
from sideline.errors import ApiError
from sideline.openapi import Input
from sideline.planner.instance import Instance
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

# The request services' limits (_request_errors), declared in the request schemas.
from sideline.planner.services import (
    KEY_LENGTH,
    MAX_PRIORITY,
    MAX_SLOTS,
    TOPIC_LENGTH,
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
from sideline.validators import BLANK, EARLIEST, LATEST, Day, Text, Year

router = Router(tags=["planner"])

# A posted instance is solved inside a server thread, single-threaded and for at most
# SIDELINE_SOLVE_MAX_SECONDS; these bounds keep the model the solver builds small too.
MAX_SOLVE_REQUESTS = 500
MAX_SOLVE_VENUES = 100
MAX_VENUE_DAYS = 31
MAX_SLOTS_PER_DAY = 16
MAX_ROOMS = 20


class SolveSlots:
    """How many solves run at once in this process; one more is turned away, not queued.

    Queuing would hold a server thread per waiting caller, which is what let eight
    callers take every thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.busy = 0

    @contextmanager
    def take(self) -> Iterator[bool]:
        """Hold a slot while inside; yield whether one was free."""
        with self._lock:
            free = self.busy < settings.SIDELINE_SOLVE_CONCURRENCY
            if free:
                self.busy += 1
        try:
            yield free
        finally:
            if free:
                with self._lock:
                    self.busy -= 1


SOLVE_SLOTS = SolveSlots()


def _check_instance_size(instance: Instance) -> None:
    def too_large(field: str, what: str, limit: int) -> ApiError:
        return ApiError(
            413,
            "instance_too_large",
            f"{field}: {what} is over the limit of {limit} for this endpoint; "
            "solve a larger instance with `sideline plan`",
            field=field,
        )

    if len(instance.requests) > MAX_SOLVE_REQUESTS:
        raise too_large("$.requests", f"{len(instance.requests)} requests", MAX_SOLVE_REQUESTS)
    if len(instance.venues()) > MAX_SOLVE_VENUES:
        raise too_large("$.sessions", f"{len(instance.venues())} sessions", MAX_SOLVE_VENUES)
    for key, venues in (("sessions", instance.sessions), ("summits", instance.summits)):
        for index, venue in enumerate(venues):
            days = (venue.end - venue.start).days + 1
            if days > MAX_VENUE_DAYS:
                raise too_large(f"$.{key}[{index}].end", f"{days} days", MAX_VENUE_DAYS)
            if venue.slots_per_day > MAX_SLOTS_PER_DAY:
                raise too_large(
                    f"$.{key}[{index}].slots_per_day",
                    f"{venue.slots_per_day} slots a day",
                    MAX_SLOTS_PER_DAY,
                )
            if venue.rooms > MAX_ROOMS:
                raise too_large(f"$.{key}[{index}].rooms", f"{venue.rooms} rooms", MAX_ROOMS)


class PlanOut(Schema):
    id: int
    year: int
    version: int
    status: str
    solver_status: str
    objective: int
    bound: int
    created: dt.datetime
    published_at: dt.datetime | None
    published_by: str | None
    changelog: str


class PlannedMeetingOut(Schema):
    request: str
    organizations: list[str]
    topic: str
    session: str
    # A special summit of the plan's instance (`session` is its id, `forum` None).
    summit: bool
    forum: str | None
    date: dt.date
    slot: int
    slots: int
    room: int
    start: dt.datetime
    end: dt.datetime
    timezone: str
    co_chairs: list[str]
    pinned: bool
    warnings: list[dict[str, Any]]


class UnplacedOut(Schema):
    request: str
    organizations: list[str]
    priority: int
    reasons: list[dict[str, Any]]


class FeedItemOut(Schema):
    organization: str
    year: int
    version: int
    previous_version: int | None
    request: str
    change: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


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


_TEXT = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
# What _KEY allows: a letter or digit, then these.
_KEY_START = "[A-Za-z0-9][A-Za-z0-9._-]"


def _stripped(most: int) -> str:
    # Text whose stripped form has at most `most` characters.
    inner = f"[^{_TEXT}{BLANK}](?:[^{_TEXT}]{{0,{most - 2}}}[^{_TEXT}{BLANK}])?"
    return f"^[{BLANK}]*(?:{inner})?[{BLANK}]*$"


# An unknown slug is a 404 as everywhere in the API (docs/api.md); a taken key a conflict.
class MeetingRequestChangeIn(Input):
    """A request entered by hand, as it should now be; its identifier is in the URL."""

    # The request services' limits (_request_errors), declared in the document only: the
    # services refuse with messages that name what to do, which pydantic's would not.
    organizations: Annotated[list[Text], Field(json_schema_extra={"minItems": 2})]
    topic: Annotated[Text, Field(json_schema_extra={"pattern": _stripped(TOPIC_LENGTH)})] = ""
    priority: Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": MAX_PRIORITY})] = 1
    slots: Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": MAX_SLOTS})] = 1
    not_before: Day | None = None
    not_after: Day | None = None

    def fields(self) -> dict[str, Any]:
        """Return the request's fields as the request services take them."""
        return self.model_dump(exclude={"id"})


class MeetingRequestIn(MeetingRequestChangeIn):
    """A request entered by hand, in the instance format (``id`` is its identifier)."""

    # The services strip the identifier before checking it against _KEY.
    id: Annotated[
        str,
        Field(
            json_schema_extra={
                "pattern": f"^[{BLANK}]*{_KEY_START}{{0,{KEY_LENGTH - 1}}}[{BLANK}]*$"
            }
        ),
    ]


class PlacementOut(Schema):
    session: str
    summit: bool
    date: dt.date
    slot: int
    room: int
    start: dt.datetime
    end: dt.datetime
    timezone: str


class MeetingRequestOut(Schema):
    id: str
    year: int
    organizations: list[str]
    topic: str
    function: str | None
    priority: int
    slots: int
    not_before: dt.date | None
    not_after: dt.date | None
    origin: str
    version: int | None
    status: str
    meeting: PlacementOut | None
    reasons: list[dict[str, Any]]
    deletable: bool


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
    _check_instance_size(parsed)
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
