"""Planner reads: plan versions, their meetings with filters, unplaced requests, feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.db.models import Prefetch, QuerySet
from django.utils import translation

from sideline.planner.ical import CalendarNames, export_ical
from sideline.planner.instance import Instance, parse_instance
from sideline.planner.models import (
    FeedItem,
    MeetingRequest,
    PlacedMeeting,
    Plan,
    PlanStatus,
    RequestOrigin,
    UnplacedRequest,
)
from sideline.planner.schema import Meeting
from sideline.planner.schema import Plan as CorePlan
from sideline.planner.texts import calendar_words
from sideline.registry.enums import SessionStatus
from sideline.registry.models import Forum, ForumSession, Function, Organization, State
from sideline.registry.names import city_name

__all__ = [
    "RequestStatus",
    "calendar_ics",
    "calendar_names",
    "core_meeting",
    "core_meetings",
    "feed_of",
    "latest_published",
    "manual_requests_json",
    "meeting_ics",
    "meetings_of",
    "plan_instance",
    "plan_years",
    "plans",
    "request_statuses",
    "requested_priorities",
    "startable_years",
    "unplaced_of",
    "working_draft",
]


def plans(*, year: int | None = None) -> QuerySet[Plan]:
    """Return plan versions, newest year and version first."""
    queryset = Plan.objects.select_related("published_by").order_by("-year", "-version")
    return queryset if year is None else queryset.filter(year=year)


def plan_years() -> list[int]:
    """Return the years that have at least one plan, newest first."""
    return list(Plan.objects.order_by("-year").values_list("year", flat=True).distinct())


def latest_published(*, year: int | None = None) -> Plan | None:
    """Return the newest published version (of `year` when given)."""
    return plans(year=year).filter(status=PlanStatus.PUBLISHED).first()


def startable_years(*, today: dt.date | None = None) -> list[int]:
    """Return the years from `today`'s on that have forum sessions but no plan, soonest first."""
    first = (today or dt.date.today()).year
    with_sessions = set(
        ForumSession.objects.filter(start__year__gte=first)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("start__year", flat=True)
    )
    return sorted(with_sessions - set(Plan.objects.values_list("year", flat=True)))


def working_draft(*, year: int) -> Plan | None:
    """Return the newest draft of `year` if it is newer than every published version."""
    newest = plans(year=year).first()
    return newest if newest is not None and newest.is_draft else None


def meetings_of(
    plan: Plan,
    *,
    organization: str | None = None,
    forum: str | None = None,
    topic: str | None = None,
) -> QuerySet[PlacedMeeting]:
    """Return a plan's meetings in time order, filtered by organization, forum or topic slug."""
    queryset = (
        PlacedMeeting.objects.filter(plan=plan)
        .select_related("request", "request__function", "session", "session__forum")
        .prefetch_related(
            Prefetch("request__organizations", queryset=Organization.objects.order_by("slug"))
        )
        .order_by("start", "venue", "room", "id")
    )
    if organization:
        queryset = queryset.filter(request__organizations__slug=organization)
    if forum:
        queryset = queryset.filter(session__forum__slug=forum)
    if topic:
        queryset = queryset.filter(request__topic=topic)
    return queryset


def unplaced_of(plan: Plan) -> QuerySet[UnplacedRequest]:
    """Return a plan's unplaced requests with their organizations."""
    return (
        UnplacedRequest.objects.filter(plan=plan)
        .select_related("request")
        .prefetch_related(
            Prefetch("request__organizations", queryset=Organization.objects.order_by("slug"))
        )
        .order_by("request__key")
    )


def requested_priorities(plan: Plan) -> dict[str, int]:
    """Return each request's priority as `plan` was made with it (its own instance).

    Request rows are shared by the year's versions; a version shows its own numbers.
    """
    return {str(r["id"]): int(r.get("priority", 1)) for r in plan.instance.get("requests", [])}


_LARGE_PLAN_FIELDS = ("instance", "plan", "statistics", "changelog")


def feed_of(*, organization: str) -> QuerySet[FeedItem]:
    """Return what changed for `organization` across published versions, newest first."""
    return (
        FeedItem.objects.filter(organization__slug=organization)
        .select_related("plan", "previous", "request", "organization")
        # A version's instance and plan are large JSON, parsed for every row if loaded.
        .defer(*(f"{v}__{f}" for v in ("plan", "previous") for f in _LARGE_PLAN_FIELDS))
        .order_by("-plan__published_at", "-plan__version", "request__key", "id")
    )


def plan_instance(plan: Plan) -> Instance:
    """Return the parsed instance a stored plan was made for."""
    return parse_instance(plan.instance)


def core_meetings(plan: Plan, instance: Instance) -> list[Meeting]:
    """Return the plan's rows as the core's meetings (the truth after manual edits)."""
    return [
        core_meeting(row, instance)
        for row in plan.meetings.select_related("request").order_by("id")
    ]


def core_meeting(row: PlacedMeeting, instance: Instance) -> Meeting:
    request = instance.request(row.request.key)
    return Meeting(
        request=request.id,
        session=row.venue,
        date=row.date,
        slot=row.slot,
        room=row.room,
        organizations=request.organizations,
        topic=request.topic,
        slots=request.slots,
        co_chairs=tuple(row.co_chairs),
    )


# A published version never changes, so its calendar is rendered once per process, version,
# organization and language. The registry's names in it may change (a curator's correction):
# an entry lives ICS_CACHE_SECONDS, which bounds how long an old name is served.
ICS_CACHE_SECONDS = 300


def calendar_ics(*, plan: Plan, organization: str | None = None) -> bytes:
    """Return the plan's meetings (one organization's when given) as iCalendar.

    UIDs depend on the year and the request only, and SEQUENCE is the version, so a
    calendar client that imports a later version updates the meetings that moved.
    """
    if plan.status != PlanStatus.PUBLISHED:
        return _calendar_ics(plan=plan, organization=organization)
    language = translation.get_language() or "en"
    # published_at too: a test database reuses a rolled-back plan's id.
    published = plan.published_at.isoformat() if plan.published_at else ""
    key = f"planner-ics:{plan.pk}:{plan.version}:{published}:{organization or ''}:{language}"
    rendered = caches["rendered"]
    body: bytes | None = rendered.get(key)
    if body is None:
        body = _calendar_ics(plan=plan, organization=organization)
        rendered.set(key, body, ICS_CACHE_SECONDS)
    return body


def _calendar_ics(*, plan: Plan, organization: str | None) -> bytes:
    instance = plan_instance(plan)
    return _ics(plan, instance, core_meetings(plan, instance), organization=organization)


def meeting_ics(*, plan: Plan, request_key: str) -> bytes:
    """Return one meeting of the plan as iCalendar, with the same UID and SEQUENCE as in
    the plan's feeds, so that adding it and later subscribing do not make a duplicate."""
    instance = plan_instance(plan)
    rows = plan.meetings.select_related("request").filter(request__key=request_key)
    return _ics(plan, instance, [core_meeting(row, instance) for row in rows])


def _ics(
    plan: Plan, instance: Instance, meetings: list[Meeting], *, organization: str | None = None
) -> bytes:
    core = CorePlan(
        meetings=tuple(meetings),
        unplaced=(),
        objective=plan.objective,
        bound=plan.bound,
        status=plan.solver_status,
        instance=instance.id,
    )
    stamp = plan.published_at or plan.created or dt.datetime.now(dt.UTC)
    return export_ical(
        core,
        instance,
        organization=organization,
        stamp=stamp,
        sequence=plan.version,
        names=calendar_names(),
    )


def calendar_names() -> CalendarNames:
    """Return the registry's names for calendars, in the active language (English default).

    Calendar clients fetch feeds without a language, so English is what they get; a feed
    rendered under another active language gets that language's names (English where
    one is missing).
    """
    return CalendarNames(
        organizations={o.slug: o.abbreviation for o in Organization.objects.order_by()},
        forums={f.slug: f.name for f in Forum.objects.order_by()},
        topics={f.slug: f.name for f in Function.objects.order_by()},
        countries={s.code: s.name for s in State.objects.order_by()},
        cities={
            city: city_name(city, translation.get_language() or "en")
            for city in ForumSession.objects.order_by().values_list("city", flat=True).distinct()
        },
        words=calendar_words(),
    )


# --- meeting requests -------------------------------------------------------------


def _request_json(row: MeetingRequest) -> dict[str, Any]:
    """Return a stored request in the instance format (organizations in slug order)."""
    data: dict[str, Any] = {
        "id": row.key,
        "organizations": sorted(o.slug for o in row.organizations.all()),
        "priority": row.priority,
        "slots": row.slots,
    }
    if row.topic:
        data["topic"] = row.topic
    if row.not_before is not None:
        data["not_before"] = row.not_before.isoformat()
    if row.not_after is not None:
        data["not_after"] = row.not_after.isoformat()
    return data


def manual_requests_json(*, year: int) -> list[dict[str, Any]]:
    """Return `year`'s requests entered by hand in the instance format, by identifier."""
    rows = (
        MeetingRequest.objects.filter(year=year, origin=RequestOrigin.MANUAL)
        .prefetch_related("organizations")
        .order_by("key")
    )
    return [_request_json(row) for row in rows]


@dataclass(frozen=True, slots=True)
class RequestStatus:
    """A request of the year and what the year's newest version does with it."""

    request: MeetingRequest
    meeting: PlacedMeeting | None
    unplaced: UnplacedRequest | None
    deletable: bool

    @property
    def state(self) -> str:
        """Return ``placed``, ``unplaced`` or ``not_planned`` (the version does not list it)."""
        if self.meeting is not None:
            return "placed"
        return "unplaced" if self.unplaced is not None else "not_planned"


def request_statuses(*, year: int) -> tuple[Plan | None, list[RequestStatus]]:
    """Return `year`'s newest version (None without one) and each request's status in it.

    ``deletable`` follows the rule of `services.requests.delete_manual_request`.
    Its query count does not grow with the number of requests.
    """
    plan = Plan.objects.filter(year=year).order_by("-version").first()
    requests = (
        MeetingRequest.objects.filter(year=year)
        .select_related("function")
        .prefetch_related(Prefetch("organizations", queryset=Organization.objects.order_by("slug")))
        .order_by("-priority", "key")
    )
    placed: dict[int, PlacedMeeting] = {}
    unplaced: dict[int, UnplacedRequest] = {}
    if plan is not None:
        placed = {
            m.request_id: m for m in plan.meetings.select_related("session", "session__forum")
        }
        unplaced = {u.request_id: u for u in plan.unplaced.all()}
    kept = set(
        PlacedMeeting.objects.filter(plan__year=year).values_list("request_id", flat=True)
    ) | set(
        UnplacedRequest.objects.filter(
            plan__year=year, plan__status=PlanStatus.PUBLISHED
        ).values_list("request_id", flat=True)
    )
    return plan, [
        RequestStatus(
            request=row,
            meeting=placed.get(row.pk),
            unplaced=unplaced.get(row.pk),
            deletable=row.origin == RequestOrigin.MANUAL and row.pk not in kept,
        )
        for row in requests
    ]
