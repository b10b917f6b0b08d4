"""Planner pages: the calendar (agenda and month), plan versions, requests, coordinator edits, exports."""

from __future__ import annotations

import csv
import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from sideline.planner import calendar_pages as pages
from sideline.planner.forms import (
    MeetingRequestEditForm,
    MeetingRequestForm,
    MoveForm,
    PublishForm,
)
from sideline.planner.models import DAY_START, SLOT_MINUTES, MeetingRequest, PlacedMeeting, Plan
from sideline.planner.selectors import (
    calendar_ics,
    feed_of,
    latest_published,
    meeting_ics,
    meetings_of,
    plan_instance,
    plan_years,
    plans,
    requested_priorities,
    unplaced_of,
    working_draft,
)
from sideline.planner.services import (
    PlannerError,
    RequestInvalidError,
    add_manual_request,
    can_coordinate,
    delete_manual_request,
    move_meeting,
    publish_plan,
    remove_meeting,
    replan_plan,
    request_statuses,
    set_pinned,
    start_draft,
    update_manual_request,
)
from sideline.planner.solver import SolveOptions
from sideline.planner.texts import rule_text
from sideline.registry.models import Forum, Organization
from sideline.validators import spreadsheet_row

REQUESTS_PER_PAGE = 50
# Re-planning from a page must answer within a request's patience.
PAGE_SOLVE = SolveOptions(time_limit=10.0, num_workers=2, seed=0)


class CoordinatorMixin:
    """Refuse (403) anyone who may not coordinate; see `services.can_coordinate`."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_coordinate(request.user):
            raise PermissionDenied(_("Only a coordinator may change plans."))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]  # View's dispatch


class CoordinatorPageMixin(CoordinatorMixin):
    """As `CoordinatorMixin`, but a visitor who is not logged in is sent to log in first."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


def _visible(plan: Plan, request: HttpRequest) -> None:
    """Drafts are the coordinator's working copy; others see published versions only."""
    if plan.is_draft and not can_coordinate(request.user):
        raise Http404(_("No such plan."))


def _clock(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M")


def _summits_of(plan: Plan) -> dict[str, dict[str, Any]]:
    """Return the plan's special summit candidates by id, as its instance gives them."""
    return {s["id"]: s for s in plan.instance.get("summits", [])}


def _summit_name(summit_id: str) -> str:
    return _("Special summit %(summit)s") % {"summit": summit_id}


def _venue(row: PlacedMeeting, summits: Mapping[str, Mapping[str, Any]]) -> tuple[str, str]:
    """Return where a meeting is held: the forum's name or the summit's, and the city."""
    if row.session is not None:
        return row.session.forum.name, row.session.city
    return _summit_name(row.summit or row.venue), summits.get(row.venue, {}).get("city", "")


def _meeting_entry(
    row: PlacedMeeting, summits: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    local = row.start.astimezone(zoneinfo.ZoneInfo(row.timezone))
    forum, city = _venue(row, summits or {})
    return {
        "row": row,
        "organizations": [o.abbreviation for o in row.request.organizations.all()],
        "utc": f"{_clock(row.start, 'UTC')}–{_clock(row.end, 'UTC')}",
        "local": f"{local:%H:%M}–{_clock(row.end, row.timezone)}",
        "local_date": local.date(),
        "forum": forum,
        "city": city,
        "topic": (
            row.request.function.name
            if row.request.function
            else row.request.topic or row.request.key
        ),
    }


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
                    "city": summit["city"],
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
                    "city": session["city"],
                    "timezone": session.get("timezone", "UTC"),
                    "plenary": plan.plenary_slots > 0,
                    "local": f"{start:%H:%M}–{end:%H:%M}",
                    "utc": f"{_clock(start, 'UTC')}–{_clock(end, 'UTC')}",
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
            years=plan_years(), versions=versions, coordinator=coordinator, title=_("Planner")
        )
        return context


class CalendarView(TemplateView):
    """A year's calendar of possible meetings: agenda by forum session, month grid or year
    overview, filterable by organization (the reader's own in one click), forum and topic."""

    template_name = "planner/calendar.html"

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
            r
            for r in all_rows
            if (not organization or organization in {o.slug for o in r.request.organizations.all()})
            and (not forum or (r.session is not None and r.session.forum.slug == forum))
            and (not topic or r.request.topic == topic)
        ]
        session_forums = {s.get("forum", "") for s in plan.instance.get("sessions", [])}
        # One query for every forum's name: a session without a meeting still shows a name.
        forum_names = {f.slug: f.name for f in Forum.objects.filter(slug__in=session_forums)}
        sessions = _session_days(
            plan, organization=organization, forum=forum, forum_names=forum_names
        )
        summits = _summits_of(plan)
        # A summit is shown on its days only when it holds a meeting the filters keep.
        for day, held in _summit_days(summits, {r.summit for r in rows if r.summit}).items():
            sessions.setdefault(day, []).extend(held)
        entries = [_meeting_entry(row, summits) for row in rows]
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
            organizations=sorted(
                {o.slug for r in all_rows for o in r.request.organizations.all()}
                | ({own.slug} if own else set())
            ),
            forums=sorted(session_forums),
            topics=sorted({r.request.topic for r in all_rows if r.request.topic}),
            count=len(rows),
            organization_names={
                o.slug: o.abbreviation for r in all_rows for o in r.request.organizations.all()
            }
            | ({own.slug: own.abbreviation} if own else {}),
            forum_names=forum_names,
            topic_names={
                r.request.topic: r.request.function.name if r.request.function else r.request.topic
                for r in all_rows
            },
            coordinator=can_coordinate(self.request.user),
            title=_("Calendar of possible meetings %(year)s") % {"year": year},
        )
        return context

    def _plan(self, year: int, version: str) -> Plan:
        if version.isdigit():
            plan = plans(year=year).filter(version=int(version)).first()
            if plan is None:
                raise Http404(_("No such version."))
            _visible(plan, self.request)
            return plan
        plan = latest_published(year=year)
        if plan is None and can_coordinate(self.request.user):
            plan = working_draft(year=year)
        if plan is None:
            raise Http404(_("No published plan for this year."))
        return plan


class PlanDetailView(TemplateView):
    """One version: how good it is, every request with its status, changelog and moves."""

    template_name = "planner/plan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan = get_object_or_404(
            Plan.objects.select_related("published_by", "based_on"), pk=kwargs["pk"]
        )
        _visible(plan, self.request)
        coordinator = can_coordinate(self.request.user)
        versions = plans(year=plan.year)
        if not coordinator:
            versions = versions.filter(status="published")
        gap = plan.statistics.get("gap")
        priorities = requested_priorities(plan)
        summits = _summits_of(plan)
        meetings = [_meeting_entry(r, summits) for r in meetings_of(plan)]
        context.update(
            plan=plan,
            meetings=meetings,
            meeting_groups=pages.venue_groups(meetings),
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


class MeetingEditView(CoordinatorMixin, View):
    """Move a meeting by hand; rule violations are shown and must be confirmed to save."""

    template_name = "planner/meeting_edit.html"

    def _meeting(self, pk: int) -> PlacedMeeting:
        return get_object_or_404(PlacedMeeting.objects.select_related("plan", "request"), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self._meeting(pk)
        form = MoveForm(
            instance=plan_instance(meeting.plan),
            initial={
                "venue": meeting.venue,
                "date": meeting.date,
                "slot": meeting.slot + 1,
                "room": meeting.room + 1,
            },
        )
        return self._render(request, meeting, form, [])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self._meeting(pk)
        form = MoveForm(request.POST, instance=plan_instance(meeting.plan))
        if not form.is_valid():
            return self._render(request, meeting, form, [], status=400)
        data = form.cleaned_data
        try:
            outcome = move_meeting(
                meeting=meeting,
                venue=data["venue"],
                date=data["date"],
                slot=data["slot"] - 1,
                room=data["room"] - 1,
                accept_warnings=data["confirm"],
            )
        except PlannerError as error:
            form.add_error(None, error.message)
            return self._render(request, meeting, form, [], status=400)
        if not outcome.saved:
            return self._render(request, meeting, form, list(outcome.violations), status=409)
        if outcome.violations:
            messages.warning(
                request,
                ngettext(
                    "Moved despite %(count)s broken rule: %(rules)s",
                    "Moved despite %(count)s broken rules: %(rules)s",
                    len(outcome.violations),
                )
                % {
                    "count": len(outcome.violations),
                    "rules": "; ".join(
                        f"{rule_text(v.constraint)} ({v.message})" for v in outcome.violations
                    ),
                },
            )
        else:
            messages.success(request, _("Meeting moved."))
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[meeting.plan_id]))

    def _render(
        self,
        request: HttpRequest,
        meeting: PlacedMeeting,
        form: MoveForm,
        violations: list[Any],
        *,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "meeting": meeting,
            "form": form,
            "violations": violations,
            "title": _("Move %(request)s") % {"request": meeting.request.key},
        }
        return render(request, self.template_name, context, status=status)


class MeetingPinView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(PlacedMeeting.objects.select_related("plan"), pk=pk)
        try:
            set_pinned(meeting=meeting, pinned=request.POST.get("pinned") == "1")
        except PlannerError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[meeting.plan_id]))


class MeetingRemoveView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(PlacedMeeting.objects.select_related("plan", "request"), pk=pk)
        plan_id = meeting.plan_id
        try:
            remove_meeting(meeting=meeting)
            messages.success(request, _("Meeting removed; its request is now unplaced."))
        except PlannerError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[plan_id]))


class PlanPublishView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=pk)
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the organization that publishes."))
        else:
            try:
                publish_plan(plan=plan, publisher=form.cleaned_data["publisher"])
                messages.success(
                    request, _("Version %(version)s published.") % {"version": plan.version}
                )
            except PlannerError as error:
                messages.error(request, error.message)
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[plan.pk]))


class PlanReplanView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=pk)
        try:
            new = replan_plan(plan=plan, options=PAGE_SOLVE)
        except PlannerError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("planner:plan-detail", args=[plan.pk]))
        moved = len(new.plan.get("moves") or [])
        messages.success(
            request,
            ngettext(
                "Re-planned as version %(version)s: %(moved)s meeting moved.",
                "Re-planned as version %(version)s: %(moved)s meetings moved.",
                moved,
            )
            % {"version": new.version, "moved": moved},
        )
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[new.pk]))


class PlanDraftView(CoordinatorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=pk)
        draft = start_draft(plan=plan)
        messages.success(
            request, _("Working draft version %(version)s started.") % {"version": draft.version}
        )
        return HttpResponseRedirect(reverse("planner:plan-detail", args=[draft.pk]))


def _year(year: int) -> int:
    """Return `year` when a calendar date can carry it; a URL may ask for any number."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise Http404(_("No such year."))
    return year


def _request_fields(form: MeetingRequestForm) -> dict[str, Any]:
    """Return a valid request form's fields as the request services take them."""
    data = form.cleaned_data
    return {
        "organizations": [o.slug for o in data["organizations"]],
        "topic": form.topic_value(),
        "priority": data["priority"],
        "slots": data["slots"],
        "not_before": data["not_before"],
        "not_after": data["not_after"],
    }


class MeetingRequestListView(CoordinatorPageMixin, View):
    """A year's meeting requests with their status in the newest version; add one by hand."""

    template_name = "planner/requests.html"

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        return self._render(request, _year(year), MeetingRequestForm())

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = _year(year)
        form = MeetingRequestForm(request.POST)
        if not form.is_valid():
            return self._render(request, year, form, status=400)
        try:
            added = add_manual_request(
                year=year, key=form.cleaned_data["key"], **_request_fields(form)
            )
        except RequestInvalidError as error:
            for problem in error.errors:
                form.add_error(problem.field, problem.message)
            return self._render(request, year, form, status=400)
        messages.success(
            request,
            _("Request %(key)s added. Re-plan the newest version to place it.")
            % {"key": added.key},
        )
        return HttpResponseRedirect(reverse("planner:requests", args=[year]))

    def _render(
        self, request: HttpRequest, year: int, form: MeetingRequestForm, *, status: int = 200
    ) -> HttpResponse:
        plan, statuses = request_statuses(year=year)
        summits = _summits_of(plan) if plan is not None else {}
        rows = [
            {
                "status": item,
                "venue": _venue(item.meeting, summits) if item.meeting is not None else None,
                "utc": (
                    f"{_clock(item.meeting.start, 'UTC')}–{_clock(item.meeting.end, 'UTC')}"
                    if item.meeting is not None
                    else ""
                ),
            }
            for item in statuses
        ]
        # A year may hold hundreds of requests: one page of them at a time.
        page = Paginator(rows, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "year": year,
            "plan": plan,
            "rows": page.object_list,
            "page": page,
            "waiting": sum(1 for item in statuses if item.state == "not_planned"),
            "form": form,
            "title": _("Meeting requests %(year)s") % {"year": year},
        }
        return render(request, self.template_name, context, status=status)


class MeetingRequestEditView(CoordinatorPageMixin, View):
    """Change a request entered by hand while no version places it (identifier kept)."""

    template_name = "planner/request_edit.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(MeetingRequest, pk=pk)
        form = MeetingRequestEditForm(initial=MeetingRequestEditForm.initial_of(row))
        return self._render(request, row, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(MeetingRequest, pk=pk)
        form = MeetingRequestEditForm(request.POST)
        if not form.is_valid():
            return self._render(request, row, form, status=400)
        try:
            update_manual_request(request=row, **_request_fields(form))
        except RequestInvalidError as error:
            for problem in error.errors:
                form.add_error(problem.field, problem.message)
            return self._render(request, row, form, status=400)
        except PlannerError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("planner:requests", args=[row.year]))
        messages.success(
            request,
            _("Request %(key)s changed. Re-plan the newest version to take it into account.")
            % {"key": row.key},
        )
        return HttpResponseRedirect(reverse("planner:requests", args=[row.year]))

    def _render(
        self,
        request: HttpRequest,
        row: MeetingRequest,
        form: MeetingRequestEditForm,
        *,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "row": row,
            "form": form,
            "title": _("Change request %(key)s") % {"key": row.key},
        }
        return render(request, self.template_name, context, status=status)


class MeetingRequestDeleteView(CoordinatorPageMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting_request = get_object_or_404(MeetingRequest, pk=pk)
        try:
            delete_manual_request(request=meeting_request)
        except PlannerError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Request %(key)s deleted.") % {"key": meeting_request.key})
        return HttpResponseRedirect(reverse("planner:requests", args=[meeting_request.year]))


class PlanCsvView(View):
    """The plan's meetings as CSV: readable names beside the identifiers, times in UTC and
    venue time."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=pk)
        _visible(plan, request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="plan-{plan.year}-v{plan.version}.csv"'
        )
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(
            [
                "request",
                "organizations",
                "organization_names",
                "topic",
                "topic_name",
                "session",
                "venue",
                "city",
                "date",
                "slot",
                "room",
                "start_utc",
                "end_utc",
                "timezone",
                "start_local",
                "co_chairs",
                "pinned",
                "summit",
            ]
        )
        summits = _summits_of(plan)
        for row in meetings_of(plan):
            entry = _meeting_entry(row, summits)
            writer.writerow(
                spreadsheet_row(
                    [
                        row.request.key,
                        " ".join(o.slug for o in row.request.organizations.all()),
                        "; ".join(entry["organizations"]),
                        row.request.topic,
                        entry["topic"],
                        row.venue,
                        entry["forum"],
                        entry["city"],
                        row.date.isoformat(),
                        row.slot + 1,
                        row.room + 1,
                        row.start.astimezone(dt.UTC).isoformat(),
                        row.end.astimezone(dt.UTC).isoformat(),
                        row.timezone,
                        row.start.astimezone(zoneinfo.ZoneInfo(row.timezone)).isoformat(),
                        " ".join(row.co_chairs),
                        "yes" if row.pinned else "no",
                        "yes" if row.summit else "no",
                    ]
                )
            )
        return response


def _feed_plan(request: HttpRequest) -> Plan:
    year = request.GET.get("year", "")
    # A year out of range names no plan; an absurd one must not reach the database.
    asked = int(year) if year.isdigit() and len(year) <= 4 else None
    plan = latest_published(year=asked)
    if plan is None:
        raise Http404(_("No published plan."))
    return plan


class CalendarFeedView(View):
    """``feeds/all.ics`` and ``feeds/<org>.ics``: the latest published version."""

    def get(self, request: HttpRequest, organization: str | None = None) -> HttpResponse:
        if organization is not None:
            get_object_or_404(Organization, slug=organization)
        plan = _feed_plan(request)
        body = calendar_ics(plan=plan, organization=organization)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        name = organization or "all"
        response["Content-Disposition"] = f'inline; filename="sideline-{plan.year}-{name}.ics"'
        return response


class MeetingFeedView(View):
    """One meeting of a published version as iCalendar: the page's "add to my calendar"."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(PlacedMeeting.objects.select_related("plan", "request"), pk=pk)
        _visible(row.plan, request)
        body = meeting_ics(plan=row.plan, request_key=row.request.key)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="sideline-{row.plan.year}-{row.pk}.ics"'
        )
        return response


class OrganizationFeedView(TemplateView):
    """What changed for one organization in each published version."""

    template_name = "planner/feed.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organization = get_object_or_404(Organization, slug=kwargs["organization"])
        context.update(
            organization=organization,
            items=list(feed_of(organization=organization.slug)),
            title=_("Changes for %(organization)s") % {"organization": organization.abbreviation},
        )
        return context
