"""The calendar pages: the years' plans, a plan's calendar by day and venue, a plan's detail."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sideline.meetings.selectors import visible_meetings
from sideline.planner import calendar_pages as pages
from sideline.planner.document import DAY_START, SLOT_MINUTES
from sideline.planner.forms import (
    PublishForm,
)
from sideline.planner.models import PlacedMeeting, Plan
from sideline.planner.selectors import (
    latest_published,
    meetings_of,
    plan_years,
    plans,
    requested_priorities,
    startable_years,
    unplaced_of,
    working_draft,
)
from sideline.planner.services import (
    Change,
    can_coordinate,
    diff_plans,
)
from sideline.planner.views.access import visible
from sideline.planner.views.years import plannable_year, year_start_page
from sideline.registry.models import Forum
from sideline.registry.names import city_name


def clock_time(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M")


def summits_of(plan: Plan) -> dict[str, dict[str, Any]]:
    """Return the plan's special summit candidates by id, as its instance gives them."""
    return {s["id"]: s for s in plan.instance.get("summits", [])}


def _summit_name(summit_id: str) -> str:
    return _("Special summit %(summit)s") % {"summit": summit_id}


def venue_label(row: PlacedMeeting, summits: Mapping[str, Mapping[str, Any]]) -> tuple[str, str]:
    """Return where a meeting is held: the forum's name or the summit's, and the city."""
    if row.session is not None:
        return row.session.forum.name, row.session.city_name
    city = summits.get(row.venue, {}).get("city", "")
    return _summit_name(row.summit or row.venue), city_name(city, get_language() or "en")


def meeting_entry(
    row: PlacedMeeting, summits: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    local = row.start.astimezone(zoneinfo.ZoneInfo(row.timezone))
    forum, city = venue_label(row, summits or {})
    return {
        "row": row,
        "organizations": [o.abbreviation for o in row.request.organizations.all()],
        "utc": f"{clock_time(row.start, 'UTC')}–{clock_time(row.end, 'UTC')}",
        "local": f"{local:%H:%M}–{clock_time(row.end, row.timezone)}",
        "local_date": local.date(),
        "forum": forum,
        "city": city,
        "topic": (
            row.request.function.name
            if row.request.function
            else row.request.topic or row.request.key
        ),
    }


def with_workspaces(
    entries: Sequence[dict[str, Any]], *, year: int, user: Any
) -> Sequence[dict[str, Any]]:
    """Add to each entry the meeting workspace held for its request, if the reader may see
    one (one query for all)."""
    keys = {e["row"].request.key for e in entries}
    found = dict(
        visible_meetings(user)
        .filter(planner_request__in=keys, date__year=year)
        .order_by("pk")
        .values_list("planner_request", "pk")
    )
    for entry in entries:
        entry["workspace"] = found.get(entry["row"].request.key)
    return entries


def _summit_days(
    summits: Mapping[str, Mapping[str, Any]], opened: set[str]
) -> dict[dt.date, list[Any]]:
    """Return each day of the summits that hold a shown meeting; a summit has no plenary."""
    days: dict[dt.date, list[Any]] = defaultdict(list)
    for summit_id in sorted(opened):
        summit = summits.get(summit_id)
        if summit is None:
            continue
        day = dt.date.fromisoformat(summit["start"])
        while day <= dt.date.fromisoformat(summit["end"]):
            days[day].append(
                {
                    "id": summit_id,
                    "forum": _summit_name(summit_id),
                    "city": city_name(summit["city"], get_language() or "en"),
                    "timezone": summit.get("timezone", "UTC"),
                    "plenary": False,
                }
            )
            day += dt.timedelta(days=1)
    return days


def _session_days(
    plan: Plan, *, organization: str, forum: str, forum_names: dict[str, str] | None = None
) -> dict[dt.date, list[Any]]:
    """Return each day's sessions with the forum's plenary as a blocked band."""
    names = forum_names or {}
    days: dict[dt.date, list[Any]] = defaultdict(list)
    end_minutes = DAY_START.hour * 60 + DAY_START.minute + plan.plenary_slots * SLOT_MINUTES
    for session in plan.instance.get("sessions", []):
        if forum and session.get("forum") != forum:
            continue
        if organization and organization not in session.get("attendees", []):
            continue
        zone = zoneinfo.ZoneInfo(session.get("timezone", "UTC"))
        day = dt.date.fromisoformat(session["start"])
        while day <= dt.date.fromisoformat(session["end"]):
            start = dt.datetime.combine(day, DAY_START, tzinfo=zone)
            end = start + dt.timedelta(minutes=end_minutes - DAY_START.hour * 60)
            days[day].append(
                {
                    "id": session["id"],
                    "forum": names.get(session.get("forum", ""), session.get("forum", "")),
                    "city": city_name(session["city"], get_language() or "en"),
                    "timezone": session.get("timezone", "UTC"),
                    "plenary": plan.plenary_slots > 0,
                    "local": f"{start:%H:%M}–{end:%H:%M}",
                    "utc": f"{clock_time(start, 'UTC')}–{clock_time(end, 'UTC')}",
                }
            )
            day += dt.timedelta(days=1)
    return days


class PlanIndexView(TemplateView):
    template_name = "planner/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        coordinator = can_coordinate(self.request.user)
        versions = plans() if coordinator else plans().filter(status="published")
        context.update(
            years=plan_years(),
            versions=versions,
            coordinator=coordinator,
            startable=startable_years() if coordinator else [],
            title=_("Planner"),
        )
        return context


def _kept(row: PlacedMeeting, *, organization: str, forum: str, topic: str) -> bool:
    """Return whether `row` passes the calendar's filters (an empty filter keeps all)."""
    if organization and organization not in {o.slug for o in row.request.organizations.all()}:
        return False
    if forum and (row.session is None or row.session.forum.slug != forum):
        return False
    return not topic or row.request.topic == topic


def _filter_choices(rows: Sequence[PlacedMeeting]) -> dict[str, Any]:
    """Return the organizations and topics the filters offer, with their display names."""
    return {
        "organizations": sorted({o.slug for r in rows for o in r.request.organizations.all()}),
        "topics": sorted({r.request.topic for r in rows if r.request.topic}),
        "organization_names": {
            o.slug: o.abbreviation for r in rows for o in r.request.organizations.all()
        },
        "topic_names": {
            r.request.topic: r.request.function.name if r.request.function else r.request.topic
            for r in rows
        },
    }


class _NoPlanYet(Exception):
    """A coordinator asked for a year that has no version: show how to start it."""


class CalendarView(TemplateView):
    """A year's calendar of possible meetings: agenda by forum session, month grid or year
    overview, filterable by organization (the reader's own in one click), forum and topic.

    A coordinator who opens a year without any version gets the year's empty state
    instead (`views.years`); everyone else a 404, since drafts are not theirs to see."""

    template_name = "planner/calendar.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except _NoPlanYet:
            return year_start_page(request, year=plannable_year(kwargs["year"]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year: int = kwargs["year"]
        params = self.request.GET
        plan = self._plan(year, params.get("version", ""))
        organization = params.get("organization", "").strip()
        forum = params.get("forum", "").strip()
        topic = params.get("topic", "").strip()
        mode = pages.view_of(params.get("view", ""))
        all_rows = list(meetings_of(plan))
        rows = [
            r for r in all_rows if _kept(r, organization=organization, forum=forum, topic=topic)
        ]
        session_forums = {s.get("forum", "") for s in plan.instance.get("sessions", [])}
        # One query for every forum's name: a session without a meeting still shows a name.
        forum_names = {f.slug: f.name for f in Forum.objects.filter(slug__in=session_forums)}
        sessions = _session_days(
            plan, organization=organization, forum=forum, forum_names=forum_names
        )
        summits = summits_of(plan)
        # A summit is shown on its days only when it holds a meeting the filters keep.
        for day, held in _summit_days(summits, {r.summit for r in rows if r.summit}).items():
            sessions.setdefault(day, []).extend(held)
        entries = [meeting_entry(row, summits) for row in rows]
        with_workspaces(entries, year=year, user=self.request.user)
        filters = {
            "version": str(plan.version) if plan.is_draft else "",
            "organization": organization,
            "forum": forum,
            "topic": topic,
        }
        months = pages.months_with_content(sessions, entries, year=year)
        asked = params.get("month", "")
        month = int(asked) if asked.isdigit() and 1 <= int(asked) <= 12 else None
        if month is None:
            month = months[0] if months else 1
        person = getattr(self.request.user, "person", None)
        own = person.organization if person is not None else None
        choices = _filter_choices(all_rows)
        if own is not None:
            choices["organizations"] = sorted({*choices["organizations"], own.slug})
            choices["organization_names"] = {
                **choices["organization_names"],
                own.slug: own.abbreviation,
            }
        context.update(
            plan=plan,
            year=year,
            mode=mode,
            groups=pages.agenda_by_session(
                sessions=plan.instance.get("sessions", []),
                summits={k: v for k, v in summits.items() if any(r.summit == k for r in rows)},
                days=sessions,
                entries=entries,
                forum_names=forum_names,
                summit_name=_summit_name,
            )
            if mode == "agenda"
            else [],
            month=pages.month_grid(year, month, days=sessions, entries=entries)
            if mode == "month"
            else None,
            month_links=[
                {"first": dt.date(year, m, 1), "query": pages.query(filters, view="month", month=m)}
                for m in months
            ],
            current_month=month,
            overview=pages.year_overview(year, filters=filters, days=sessions, entries=entries)
            if mode == "year"
            else [],
            view_links=[
                (name, label, pages.query(filters, view=name))
                for name, label in (
                    ("agenda", _("Agenda by forum session")),
                    ("month", _("Month")),
                    ("year", _("Year")),
                )
            ],
            filters=filters,
            own_organization=own,
            own_query=pages.query(filters, organization=own.slug, view=mode) if own else "",
            all_query=pages.query(filters, organization="", view=mode),
            organization=organization,
            forum=forum,
            topic=topic,
            forums=sorted(session_forums),
            count=len(rows),
            forum_names=forum_names,
            **choices,
            coordinator=can_coordinate(self.request.user),
            title=_("Calendar of possible meetings %(year)s") % {"year": year},
        )
        return context

    def _plan(self, year: int, version: str) -> Plan:
        if version.isdigit():
            plan = plans(year=year).filter(version=int(version)).first()
            if plan is None:
                raise Http404(_("No such version."))
            visible(plan, self.request)
            return plan
        plan = latest_published(year=year)
        if plan is None and can_coordinate(self.request.user):
            plan = working_draft(year=year)
            if plan is None:
                raise _NoPlanYet
        if plan is None:
            raise Http404(_("No published plan for this year."))
        return plan


def grid_links(plan: Plan) -> list[dict[str, str]]:
    """Return each venue of a version, named as pages name it, for its timetable's link."""
    sessions = plan.instance.get("sessions", [])
    names = {
        f.slug: f.name
        for f in Forum.objects.filter(slug__in={s.get("forum", "") for s in sessions})
    }
    language = get_language() or "en"
    links = [
        {
            "id": s["id"],
            "name": names.get(s.get("forum", ""), s["id"]),
            "city": city_name(s["city"], language),
            "start": s["start"],
        }
        for s in sessions
    ]
    links += [
        {
            "id": s["id"],
            "name": _summit_name(s["id"]),
            "city": city_name(s["city"], language),
            "start": s["start"],
        }
        for s in plan.instance.get("summits", [])
    ]
    return sorted(links, key=lambda link: (link["start"], link["id"]))


class PlanDetailView(TemplateView):
    """One version: how good it is, every request with its status, changelog and moves."""

    template_name = "planner/plan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan = get_object_or_404(
            Plan.objects.select_related("published_by", "based_on"), pk=kwargs["pk"]
        )
        visible(plan, self.request)
        coordinator = can_coordinate(self.request.user)
        versions = plans(year=plan.year)
        if not coordinator:
            versions = versions.filter(status="published")
        gap = plan.statistics.get("gap")
        priorities = requested_priorities(plan)
        summits = summits_of(plan)
        meetings = [meeting_entry(r, summits) for r in meetings_of(plan)]
        with_workspaces(meetings, year=plan.year, user=self.request.user)
        grids = grid_links(plan)
        previous = None
        changes: list[Change] = []
        if plan.is_draft and coordinator:
            previous = latest_published(year=plan.year)
            changes = diff_plans(old=previous, new=plan)
            # One query for every changed request's organizations, however many changed.
            prefetch_related_objects([c.request for c in changes], "organizations")
            names = {g["id"]: f"{g['name']}, {g['city']}" for g in grid_links(plan)}
            if previous is not None:
                names = {
                    **{g["id"]: f"{g['name']}, {g['city']}" for g in grid_links(previous)},
                    **names,
                }
            for change in changes:
                for position in (change.before, change.after):
                    if position is not None:
                        position["venue_name"] = names.get(position["session"], position["session"])
        context.update(
            previous=previous,
            changes=changes,
            plan=plan,
            meetings=meetings,
            meeting_groups=pages.venue_groups(meetings),
            grids=grids,
            unplaced=[
                {
                    "request": u.request,
                    "reasons": u.reasons,
                    "priority": priorities.get(u.request.key),
                }
                for u in unplaced_of(plan)
            ],
            versions=versions,
            moves=plan.plan.get("moves") or [],
            gap=None if gap is None else f"{gap:.2%}",
            coordinator=coordinator,
            publish_form=PublishForm(),
            title=_("Plan %(year)s, version %(version)s")
            % {"year": plan.year, "version": plan.version},
        )
        return context
