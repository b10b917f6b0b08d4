"""Planner reads: plan versions, their meetings with filters, unplaced requests, feeds."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import translation

from sideline.planner.ical import CalendarNames, export_ical
from sideline.planner.instance import Instance, parse_instance
from sideline.planner.models import FeedItem, PlacedMeeting, Plan, PlanStatus, UnplacedRequest
from sideline.planner.schema import Meeting
from sideline.planner.schema import Plan as CorePlan
from sideline.registry.models import Forum, Function, Organization, State

__all__ = [
    "calendar_ics",
    "calendar_names",
    "core_meeting",
    "core_meetings",
    "feed_of",
    "latest_published",
    "meetings_of",
    "plan_instance",
    "plan_years",
    "plans",
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


def feed_of(*, organization: str) -> QuerySet[FeedItem]:
    """Return what changed for `organization` across published versions, newest first."""
    return (
        FeedItem.objects.filter(organization__slug=organization)
        .select_related("plan", "previous", "request", "organization")
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


def calendar_ics(*, plan: Plan, organization: str | None = None) -> bytes:
    """Return the plan's meetings (one organization's when given) as iCalendar.

    UIDs depend on the year and the request only, and SEQUENCE is the version, so a
    calendar client that imports a later version updates the meetings that moved.
    """
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
    rendered under an active Russian translation gets Russian names.
    """
    russian = (translation.get_language() or "en").startswith("ru")

    def pick(en: str, ru: str) -> str:
        return (ru if russian else en) or en

    return CalendarNames(
        organizations={
            o.slug: pick(o.abbreviation_en, o.abbreviation_ru)
            for o in Organization.objects.only("slug", "abbreviation_en", "abbreviation_ru")
        },
        forums={f.slug: pick(f.name_en, f.name_ru) for f in Forum.objects.order_by()},
        topics={f.slug: pick(f.name_en, f.name_ru) for f in Function.objects.order_by()},
        countries={s.code: pick(s.name_en, s.name_ru) for s in State.objects.order_by()},
    )
