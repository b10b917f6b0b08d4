"""Planner writes: build instances from the registry, solve, store, edit, publish.

Services translate between rows and the core's dataclasses (`instance`, `solver`,
`constraints`, `schema`); the core never sees a model instance. Every write runs in one
transaction, so a failed solve or publication leaves nothing half-written.
Errors are in `planner.errors` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from sideline import node
from sideline.accounts.permissions import can_coordinate as accounts_can_coordinate
from sideline.analysis.selectors import current_snapshot
from sideline.analysis.suggest import suggest_meeting_requests
from sideline.planner.constraints import Violation, check_edit
from sideline.planner.document import (
    DAY_START,
    DEFAULT_PLENARY_SLOTS,
    DEFAULT_ROOMS,
    DEFAULT_SLOTS_PER_DAY,
    SLOT_MINUTES,
    day_rules,
    instance_document,
    session_document,
)
from sideline.planner.errors import PlannerError, RequestInvalidError
from sideline.planner.ical import meeting_window
from sideline.planner.instance import Instance, InstanceError, parse_instance
from sideline.planner.models import (
    ChangeKind,
    FeedItem,
    MeetingRequest,
    PlacedMeeting,
    Plan,
    PlanStatus,
    RequestOrigin,
    UnplacedRequest,
)
from sideline.planner.schema import Meeting, plan_to_json
from sideline.planner.schema import Plan as CorePlan
from sideline.planner.selectors import core_meeting, core_meetings, plan_instance
from sideline.planner.solver import SolveOptions, replan, solve
from sideline.record.services import append_entry
from sideline.registry.models import ForumSession, Function, Organization
from sideline.registry.selectors import session_facts, sessions_in_year
from sideline.validators import EARLIEST, LATEST, InvalidValueError, check_date, control_character

__all__ = [
    "MAX_PRIORITY",
    "MAX_SLOTS",
    "EditOutcome",
    "PlannerError",
    "RequestInvalidError",
    "RequestStatus",
    "add_manual_request",
    "build_instance",
    "can_coordinate",
    "check_publisher",
    "create_plan",
    "delete_manual_request",
    "manual_requests_json",
    "move_meeting",
    "parse_instance_data",
    "publish_plan",
    "remove_meeting",
    "replan_plan",
    "request_statuses",
    "set_pinned",
    "solve_instance_data",
    "start_draft",
    "suggested_requests",
]


RECORD_KIND = "calendar.published"


# A path into one of the instance's lists: "$.requests[3].organizations[1]".
_ITEM_PATH = re.compile(r"^\$\.(requests|summits)\[(\d+)\](.*)$")


def _instance_error(
    error: InstanceError,
    *,
    data: Any,
    given: Mapping[str, int],
    manual_from: int | None = None,
) -> PlannerError:
    """Return the first issue of `error`, located where the caller can find it.

    ``given`` counts, per list (``requests``, ``summits``), the leading items that came
    from the caller's own list (a file): their paths are re-rooted at ``$`` so that
    ``$.requests[2].slots`` reads ``$[2].slots``. Requests from index ``manual_from`` on
    were entered by hand: they are named by identifier, not by a path past the file's end.
    """
    issue = error.issues[0]
    more = f" (and {len(error.issues) - 1} more)" if len(error.issues) > 1 else ""
    match = _ITEM_PATH.match(issue.path)
    if match is not None:
        section, index, rest = match.group(1), int(match.group(2)), match.group(3)
        if section == "requests" and manual_from is not None and index >= manual_from:
            key = data["requests"][index].get("id", "?")
            return PlannerError(
                issue.code,
                f"request {key!r} entered by hand: {rest.lstrip('.') or 'request'}: "
                f"{issue.message}{more}",
                field=issue.path,
            )
        if index < given.get(section, 0):
            path = f"$[{index}]{rest}"
            return PlannerError(
                issue.code, f"{path}: {issue.message}{more}", field=path, source=section
            )
    return PlannerError(issue.code, f"{issue.path}: {issue.message}{more}", field=issue.path)


def can_coordinate(user: Any) -> bool:
    """Return whether `user` may edit, re-plan and publish plans.

    Coordinators (the accounts app's role) may; so may a user an administrator granted
    the ``planner.change_plan`` permission in the admin.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return accounts_can_coordinate(user) or bool(user.has_perm("planner.change_plan"))


# --- building instances from the registry --------------------------------------------


def suggested_requests(*, year: int) -> list[dict[str, object]]:
    """Return the analysis' suggested requests for `year`, as of January 1 of that year.

    For a year beyond the data (2027 planned in 2026), memberships are taken on the last
    day the data covers.

    Only pairs that attend a common session of the year are suggested, and each request's
    window is the year.
    """
    sessions = list(sessions_in_year(year))
    attendees = [[o.slug for o in s.attendees.all()] for s in sessions]
    snapshot = current_snapshot()
    # A year ahead has no memberships yet: plan it on the latest day the data covers.
    day = min(dt.date(year, 1, 1), snapshot.span[1])
    return suggest_meeting_requests(
        snapshot,
        day=day,
        window=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        attendees=attendees,
    )


def build_instance(
    *,
    year: int,
    requests: Sequence[Mapping[str, Any]],
    slots_per_day: int = DEFAULT_SLOTS_PER_DAY,
    rooms: int = DEFAULT_ROOMS,
    plenary_slots: int = DEFAULT_PLENARY_SLOTS,
    pinned: Sequence[Mapping[str, Any]] = (),
    summits: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Return the `sideline.plan-instance/1` JSON for `year`'s sessions and `requests`.

    Every organization of the registry is listed, so that a request naming an unknown
    one is reported at its path. Sideline slots start after the plenary slots. `summits`
    are special summit candidates in the instance format, kept as given.
    """
    if slots_per_day < 1 or rooms < 1 or plenary_slots < 0:
        raise PlannerError(
            "invalid_grid", "slots per day and rooms must be at least 1, plenary slots at least 0"
        )
    start_minutes = DAY_START.hour * 60 + DAY_START.minute + plenary_slots * SLOT_MINUTES
    if start_minutes + slots_per_day * SLOT_MINUTES > 24 * 60:
        raise PlannerError("invalid_grid", "the plenary and sideline slots do not fit in a day")
    return instance_document(
        id=f"sideline-{year}",
        organizations=Organization.objects.order_by("slug").values_list("slug", flat=True),
        sessions=[
            session_document(**facts, slots_per_day=slots_per_day, rooms=rooms)
            for facts in session_facts(year)
        ],
        requests=requests,
        rules=day_rules(plenary_slots=plenary_slots),
        summits=summits,
        pinned=pinned,
    )


def _parse(
    data: Any, *, given: Mapping[str, int] | None = None, manual_from: int | None = None
) -> Instance:
    """Parse `data`; an invalid instance becomes a `PlannerError` (see `_instance_error`)."""
    try:
        return parse_instance(data)
    except InstanceError as error:
        raise _instance_error(
            error, data=data, given=given or {}, manual_from=manual_from
        ) from None


def parse_instance_data(data: object) -> Instance:
    """Validate an instance given as decoded JSON.

    Raises:
        PlannerError: the instance is invalid; ``field`` is the JSON path.
    """
    return _parse(data)


def solve_instance_data(
    data: object, *, options: SolveOptions | None = None
) -> tuple[Instance, CorePlan]:
    """Validate and solve an instance given as decoded JSON; nothing is stored.

    Raises:
        PlannerError: the instance is invalid; ``field`` is the JSON path.
    """
    instance = _parse(data)
    return instance, solve(instance, options=options)


# --- requests entered by hand -------------------------------------------------------

# Suggestions score 1 to 10; the cap leaves room above them and keeps the column small.
MAX_PRIORITY = 100
# A day of 09:00 + 10 slots of 90 minutes ends at midnight: no meeting can be longer.
MAX_SLOTS = 10
# Identifiers end up in URLs and iCalendar UIDs: keep them to a slug-like alphabet.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_KEY_LENGTH = 200
_TOPIC_LENGTH = 200


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


def _key_taken(*, year: int, key: str, current: MeetingRequest | None) -> bool:
    taken = MeetingRequest.objects.filter(year=year, key=key)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    return taken.exists()


def _request_errors(
    *,
    year: int,
    key: str,
    organizations: Sequence[str],
    topic: str,
    priority: int,
    slots: int,
    not_before: dt.date | None,
    not_after: dt.date | None,
    current: MeetingRequest | None = None,
) -> list[PlannerError]:
    """Return every problem of a request to enter by hand, each on its field.

    `current` is the stored request being changed: its own identifier is not taken.
    """
    errors: list[PlannerError] = []

    def fail(code: str, field: str, message: str) -> None:
        errors.append(PlannerError(code, message, field=field))

    for name, text in (
        ("key", key),
        ("topic", topic),
        *(("organizations", o) for o in organizations),
    ):
        character = control_character(text)
        if character is not None:
            fail("control_character", name, f"{name}: remove the control character {character}")
    if not EARLIEST.year <= year <= LATEST.year:
        fail(
            "year_out_of_range", "year", f"year: give a year from {EARLIEST.year} to {LATEST.year}"
        )
        return errors

    if not key:
        fail("required", "key", _("Give the request an identifier."))
    elif len(key) > _KEY_LENGTH or not _KEY.match(key):
        fail(
            "invalid_key",
            "key",
            _(
                "Use up to %(length)s letters, digits, '.', '_' or '-', starting with a "
                "letter or digit."
            )
            % {"length": _KEY_LENGTH},
        )
    elif _key_taken(year=year, key=key, current=current):
        fail(
            "key_taken",
            "key",
            _("%(year)s already has a request %(key)s; choose another identifier.")
            % {"year": year, "key": key},
        )
    known = set(Organization.objects.filter(slug__in=organizations).values_list("slug", flat=True))
    unknown = sorted(set(organizations) - known)
    if unknown:
        fail(
            "unknown_organization",
            "organizations",
            _("Not in the registry: %(slugs)s.") % {"slugs": ", ".join(unknown)},
        )
    elif len(set(organizations)) < 2:
        fail(
            "too_few_organizations",
            "organizations",
            _("Choose at least two different organizations: a meeting is between them."),
        )
    if len(topic) > _TOPIC_LENGTH:
        fail(
            "topic_too_long",
            "topic",
            _("Keep the topic to %(length)s characters.") % {"length": _TOPIC_LENGTH},
        )
    if not 1 <= priority <= MAX_PRIORITY:
        fail(
            "invalid_priority",
            "priority",
            _("Give a priority from 1 to %(most)s.") % {"most": MAX_PRIORITY},
        )
    if not 1 <= slots <= MAX_SLOTS:
        fail(
            "invalid_slots",
            "slots",
            _("Give from 1 to %(most)s slots.") % {"most": MAX_SLOTS},
        )
    for name, day in (("not_before", not_before), ("not_after", not_after)):
        if day is not None and day.year != year:
            fail("outside_year", name, _("Give a date in %(year)s.") % {"year": year})
    if (
        not_before is not None
        and not_after is not None
        and not_before.year == not_after.year == year
        and not_after < not_before
    ):
        fail("end_before_start", "not_after", _("Must not be before “not before”."))
    return errors


def add_manual_request(
    *,
    year: int,
    key: str,
    organizations: Sequence[str],
    topic: str = "",
    priority: int = 1,
    slots: int = 1,
    not_before: dt.date | None = None,
    not_after: dt.date | None = None,
) -> MeetingRequest:
    """Store a meeting request entered by hand (origin ``manual``) for `year`.

    No plan changes: re-planning a version of the year, or ``sideline plan YEAR``,
    considers it. A `topic` that is the slug of a registry security function is linked
    to it, as in a requests file.

    Raises:
        RequestInvalidError: listing every problem, each with its field (``key``,
            ``organizations``, ``topic``, ``priority``, ``slots``, ``not_before``,
            ``not_after``); nothing is stored.
    """
    key, topic = key.strip(), topic.strip()
    errors = _request_errors(
        year=year,
        key=key,
        organizations=organizations,
        topic=topic,
        priority=priority,
        slots=slots,
        not_before=not_before,
        not_after=not_after,
    )
    if errors:
        raise RequestInvalidError(errors)
    try:
        with transaction.atomic():
            row = MeetingRequest.objects.create(
                year=year,
                key=key,
                topic=topic,
                function=Function.objects.filter(slug=topic).first() if topic else None,
                priority=priority,
                slots=slots,
                not_before=not_before,
                not_after=not_after,
                origin=RequestOrigin.MANUAL,
            )
            row.organizations.set(Organization.objects.filter(slug__in=organizations))
    except IntegrityError:
        # Another coordinator took the identifier between the check and the insert.
        raise RequestInvalidError(
            [
                PlannerError(
                    "key_taken",
                    _("%(year)s already has a request %(key)s; choose another identifier.")
                    % {"year": year, "key": key},
                    field="key",
                )
            ]
        ) from None
    return row


def _deletion_refusal(request: MeetingRequest) -> PlannerError | None:
    """Return why `request` may not be changed or deleted, or None when it may.

    Versions share request rows: a published version must never see its requests
    change, and a draft's placement was checked against the request as it was.
    """
    if request.origin != RequestOrigin.MANUAL:
        return PlannerError(
            "not_manual",
            _("Only a request entered by hand can be changed or deleted; %(key)s is %(origin)s.")
            % {"key": request.key, "origin": request.get_origin_display()},
        )
    published: list[PlacedMeeting | UnplacedRequest] = [
        *PlacedMeeting.objects.filter(
            request=request, plan__status=PlanStatus.PUBLISHED
        ).select_related("plan"),
        *UnplacedRequest.objects.filter(
            request=request, plan__status=PlanStatus.PUBLISHED
        ).select_related("plan"),
    ]
    if published:
        version = min(row.plan.version for row in published)
        return PlannerError(
            "request_published",
            _("Published version %(version)s lists %(key)s, and published versions never change.")
            % {"version": version, "key": request.key},
        )
    placed = PlacedMeeting.objects.filter(request=request).select_related("plan").first()
    if placed is not None:
        return PlannerError(
            "request_placed",
            _("Version %(version)s places %(key)s: remove that meeting first.")
            % {"version": placed.plan.version, "key": request.key},
        )
    return None


def update_manual_request(
    *,
    request: MeetingRequest,
    organizations: Sequence[str],
    topic: str = "",
    priority: int = 1,
    slots: int = 1,
    not_before: dt.date | None = None,
    not_after: dt.date | None = None,
) -> MeetingRequest:
    """Change a request entered by hand that no version places and none published lists.

    Its identifier stays. Re-planning a draft, or ``sideline plan YEAR``, takes the
    request as it now is.

    Raises:
        PlannerError: ``not_manual``, ``request_placed`` or ``request_published``.
        RequestInvalidError: listing every problem, each with its field; nothing is
            changed.
    """
    refusal = _deletion_refusal(request)
    if refusal is not None:
        raise refusal
    topic = topic.strip()
    errors = _request_errors(
        year=request.year,
        key=request.key,
        organizations=organizations,
        topic=topic,
        priority=priority,
        slots=slots,
        not_before=not_before,
        not_after=not_after,
        current=request,
    )
    if errors:
        raise RequestInvalidError(errors)
    with transaction.atomic():
        request.topic = topic
        request.function = Function.objects.filter(slug=topic).first() if topic else None
        request.priority = priority
        request.slots = slots
        request.not_before = not_before
        request.not_after = not_after
        request.save()
        request.organizations.set(Organization.objects.filter(slug__in=organizations))
    return request


def delete_manual_request(*, request: MeetingRequest) -> None:
    """Delete a request entered by hand that no version places and none published lists.

    Drafts that list it as unplaced stop listing it, and re-planning them leaves it out.

    Raises:
        PlannerError: ``not_manual``, ``request_placed`` or ``request_published``.
    """
    refusal = _deletion_refusal(request)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        UnplacedRequest.objects.filter(request=request).delete()
        request.delete()


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

    A read, kept beside the writes whose rules it reports (`delete_manual_request`).
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


# --- storing plans -------------------------------------------------------------------


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


def _utc_window(instance: Instance, meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    start, end = meeting_window(instance, meeting)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _next_version(year: int) -> int:
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
        version=_next_version(year),
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
        start, end = _utc_window(instance, meeting)
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


def _refuse_clash_with_manual(requests: Sequence[Mapping[str, Any]], *, year: int) -> None:
    """Refuse a given request whose id is that of a request entered by hand for `year`."""
    manual = set(
        MeetingRequest.objects.filter(year=year, origin=RequestOrigin.MANUAL).values_list(
            "key", flat=True
        )
    )
    for index, request in enumerate(requests):
        key = request.get("id") if isinstance(request, Mapping) else None
        if isinstance(key, str) and key in manual:
            path = f"$[{index}].id"
            raise PlannerError(
                "manual_request_exists",
                f"{path}: {key!r} is a request entered by hand for {year}; rename it here "
                "or delete that request",
                field=path,
                source="requests",
            )


def _refuse_summit_named_as_session(data: Mapping[str, Any], *, year: int) -> None:
    """Refuse a summit whose id is a session's: the core would name the session by an
    index of the generated instance, which the caller never sees."""
    sessions = {s["id"] for s in data.get("sessions", [])}
    for index, summit in enumerate(data.get("summits", [])):
        summit_id = summit.get("id") if isinstance(summit, Mapping) else None
        if isinstance(summit_id, str) and summit_id in sessions:
            path = f"$[{index}].id"
            raise PlannerError(
                "duplicate_id",
                f"{path}: {summit_id!r} is a forum session of {year}; choose another id",
                field=path,
                source="summits",
            )


def _check_summit_years(instance: Instance, *, year: int) -> None:
    """Refuse summit candidates outside `year`: they could only serve another year's plan."""
    # Parsing succeeded, so the summits are in the order the caller gave them.
    for index, summit in enumerate(instance.summits):
        for name, day in (("start", summit.start), ("end", summit.end)):
            if day.year != year:
                path = f"$[{index}].{name}"
                raise PlannerError(
                    "outside_year", f"{path}: must be in {year}", field=path, source="summits"
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

    The requests entered by hand for `year` are always added: they were entered on
    purpose and would otherwise drop out of the next version unannounced. A suggestion
    with the identifier of one of them gives way to it; a given request with such an
    identifier is refused. `summits` are special summit candidates of `year` in the
    instance format; they are stored in the plan's instance and kept by re-planning.

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
        _refuse_clash_with_manual(requests, year=year)
        given["requests"] = len(requests)
    data = build_instance(
        year=year,
        requests=[*requests, *manual],
        summits=summits,
        slots_per_day=slots_per_day,
        rooms=rooms,
        plenary_slots=plenary_slots,
    )
    _refuse_summit_named_as_session(data, year=year)
    instance = _parse(data, given=given, manual_from=len(requests))
    _check_summit_years(instance, year=year)
    _refuse_changing_published(instance, year=year, given=given.get("requests", 0))
    result = solve(instance, options=options)
    with transaction.atomic():
        return _store(
            year=year,
            data=data,
            instance=instance,
            result=result,
            origin=origin,
            plenary_slots=plenary_slots,
        )


def _refuse_changing_published(instance: Instance, *, year: int, given: int) -> None:
    """Refuse a request that would change what a published version shows of it.

    Versions share request rows, and storing a version updates them. A published
    version's pages name each meeting's organizations and topic from the row: a
    request with the same identifier but other organizations or another topic would
    rewrite a published calendar, so it needs an identifier of its own. (Priority,
    slots and window may change: a version shows its own priorities from its instance.)
    The first `given` requests came from the caller's file.
    """
    published = {
        row.key: row
        for row in MeetingRequest.objects.filter(year=year)
        .filter(
            Q(
                pk__in=PlacedMeeting.objects.filter(plan__status=PlanStatus.PUBLISHED).values(
                    "request"
                )
            )
            | Q(
                pk__in=UnplacedRequest.objects.filter(plan__status=PlanStatus.PUBLISHED).values(
                    "request"
                )
            )
        )
        .prefetch_related("organizations")
    }
    for index, request in enumerate(instance.requests):
        row = published.get(request.id)
        if row is None:
            continue
        organizations = sorted(o.slug for o in row.organizations.all())
        if sorted(request.organizations) == organizations and request.topic == row.topic:
            continue
        where = f"$[{index}]" if index < given else f"request {request.id!r}"
        raise PlannerError(
            "request_published",
            f"{where}: {request.id!r} is in a published version of {year} between "
            f"{', '.join(organizations)} on {row.topic or 'no topic'!r}, and published "
            "versions never change; give the changed request an identifier of its own",
            field=f"$[{index}]" if index < given else None,
            source="requests" if index < given else None,
        )


def start_draft(*, plan: Plan) -> Plan:
    """Copy `plan` (usually a published version) as the year's new working draft."""
    with transaction.atomic():
        copy = Plan.objects.create(
            year=plan.year,
            version=_next_version(plan.year),
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


# --- manual edits --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EditOutcome:
    """What a manual edit did: saved or not, and every rule it breaks."""

    saved: bool
    violations: tuple[Violation, ...]


def _require_draft(plan: Plan) -> None:
    if not plan.is_draft:
        raise PlannerError(
            "plan_published",
            _("Version %(version)s is published; start a working draft first.")
            % {"version": plan.version},
        )


def move_meeting(
    *,
    meeting: PlacedMeeting,
    venue: str,
    date: dt.date,
    slot: int,
    room: int,
    accept_warnings: bool = False,
) -> EditOutcome:
    """Move a meeting by hand, checked against the planner's constraints.

    A move that breaks a rule is saved only with `accept_warnings`; the broken rules are
    then kept on the meeting so that pages keep showing them.
    """
    try:
        check_date(date, field="date")
    except InvalidValueError as error:
        raise PlannerError(error.code, error.message, field=error.field) from None
    plan = meeting.plan
    _require_draft(plan)
    instance = plan_instance(plan)
    try:
        target = instance.venue(venue)
    except KeyError:
        raise PlannerError(
            "unknown_session",
            _("%(venue)s is not a session of the plan.") % {"venue": venue},
            field="venue",
        ) from None
    others = [m for m in core_meetings(plan, instance) if m.request != meeting.request.key]
    request = instance.request(meeting.request.key)
    edited = Meeting(
        request=request.id,
        session=venue,
        date=date,
        slot=slot,
        room=room,
        organizations=request.organizations,
        topic=request.topic,
        slots=request.slots,
        co_chairs=tuple(meeting.co_chairs),
    )
    violations = tuple(check_edit(instance, others, edited=edited))
    if violations and not accept_warnings:
        return EditOutcome(saved=False, violations=violations)
    start, end = _utc_window(instance, edited)
    with transaction.atomic():
        meeting.venue = venue
        meeting.session = ForumSession.objects.filter(key=venue).first()
        meeting.summit = venue if target.is_summit else ""
        meeting.date, meeting.slot, meeting.room = date, slot, room
        meeting.timezone = target.timezone
        meeting.start, meeting.end = start, end
        meeting.warnings = [{"constraint": v.constraint, "message": v.message} for v in violations]
        meeting.save()
    return EditOutcome(saved=True, violations=violations)


def set_pinned(*, meeting: PlacedMeeting, pinned: bool) -> PlacedMeeting:
    """Pin a meeting (re-planning keeps it exactly) or release it."""
    _require_draft(meeting.plan)
    meeting.pinned = pinned
    meeting.save(update_fields=["pinned"])
    return meeting


def remove_meeting(*, meeting: PlacedMeeting) -> UnplacedRequest:
    """Take a meeting out of the draft; its request becomes unplaced, saying why."""
    _require_draft(meeting.plan)
    with transaction.atomic():
        unplaced = UnplacedRequest.objects.create(
            plan=meeting.plan,
            request=meeting.request,
            reasons=[
                {"code": "removed_by_coordinator", "message": "removed from the plan by hand"}
            ],
        )
        meeting.delete()
    return unplaced


# --- re-planning ---------------------------------------------------------------------


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
    was made are considered too, and its special summit candidates are kept. The result
    is a new draft whose plan JSON lists the moves (``moves``).

    Raises:
        PlannerError: pinned meetings no longer fit the sessions (path in ``field``).
    """
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
        summits=plan.instance.get("summits", []),
    )
    instance = _parse(data, manual_from=len(listed))
    result = replan(instance, previous=previous, options=options)
    with transaction.atomic():
        return _store(
            year=plan.year,
            data=data,
            instance=instance,
            result=result,
            origin=RequestOrigin.MANUAL,
            plenary_slots=plan.plenary_slots,
            based_on=plan,
            pinned=frozenset(str(p["request"]) for p in pins),
        )


# --- publishing ----------------------------------------------------------------------


def _position(row: PlacedMeeting) -> dict[str, Any]:
    return {
        "session": row.venue,
        "date": row.date.isoformat(),
        "slot": row.slot,
        "room": row.room,
        "start": row.start.astimezone(dt.UTC).isoformat(),
        "end": row.end.astimezone(dt.UTC).isoformat(),
    }


@dataclass(frozen=True, slots=True)
class Change:
    """A meeting that differs between two versions."""

    kind: str
    request: MeetingRequest
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def diff_plans(*, old: Plan | None, new: Plan) -> list[Change]:
    """Return the meetings added, moved or removed from `old` to `new`, by request key."""
    before = (
        {} if old is None else {r.request.key: r for r in old.meetings.select_related("request")}
    )
    after = {r.request.key: r for r in new.meetings.select_related("request")}
    changes = []
    for key in sorted(set(before) | set(after)):
        was, now = before.get(key), after.get(key)
        if was is None and now is not None:
            changes.append(Change(ChangeKind.ADDED, now.request, None, _position(now)))
        elif now is None and was is not None:
            changes.append(Change(ChangeKind.REMOVED, was.request, _position(was), None))
        elif was is not None and now is not None and _position(was) != _position(now):
            changes.append(Change(ChangeKind.MOVED, now.request, _position(was), _position(now)))
    return changes


def _describe(position: Mapping[str, Any]) -> str:
    return (
        f"{position['session']} {position['date']} slot {position['slot']} "
        f"room {position['room'] + 1}"
    )


def _changelog(changes: Sequence[Change], *, previous: Plan | None, meetings: int) -> str:
    if previous is None:
        head = f"First publication: {meetings} meetings."
    else:
        head = f"Changes since version {previous.version}: {len(changes)}."
    lines = [head]
    for change in changes:
        if change.kind == ChangeKind.ADDED and change.after is not None:
            lines.append(f"+ {change.request.key}: {_describe(change.after)}")
        elif change.kind == ChangeKind.REMOVED and change.before is not None:
            lines.append(f"- {change.request.key}: removed (was {_describe(change.before)})")
        elif change.before is not None and change.after is not None:
            lines.append(
                f"~ {change.request.key}: {_describe(change.before)} → {_describe(change.after)}"
            )
    return "\n".join(lines)


def calendar_digest(plan: Plan) -> str:
    """Return the SHA-256 of the plan's calendar in canonical JSON (what is published)."""
    rows = [
        {"request": r.request.key, **_position(r), "co_chairs": list(r.co_chairs)}
        for r in plan.meetings.select_related("request").order_by("request__key")
    ]
    canonical = json.dumps(
        {"year": plan.year, "version": plan.version, "meetings": rows},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _publish_to_record(*, plan: Plan, organization: Organization) -> None:
    """Append the publication to the publisher's record log (in the caller's transaction)."""
    append_entry(
        organization=organization.slug,
        kind=RECORD_KIND,
        subject=f"plan/{plan.pk}",
        payload={
            "year": plan.year,
            "version": plan.version,
            "hash": calendar_digest(plan),
            "meetings": plan.meetings.count(),
            "unplaced": plan.unplaced.count(),
        },
    )


def check_publisher(publisher: Organization) -> None:
    """Refuse a publisher this node does not host: it signs in its own log, which only its
    own node writes."""
    if not node.is_hosted(publisher.slug):
        raise PlannerError(
            "not_hosted",
            _(
                "This node does not host %(organization)s, so it cannot sign the publication; "
                "choose an organization this node hosts."
            )
            % {"organization": publisher.slug},
            field="publisher",
        )


def publish_plan(*, plan: Plan, publisher: Organization) -> Plan:
    """Publish a draft: changelog against the last published version, feeds, record entry."""
    _require_draft(plan)
    check_publisher(publisher)
    with transaction.atomic():
        previous = (
            Plan.objects.filter(year=plan.year, status=PlanStatus.PUBLISHED)
            .exclude(pk=plan.pk)
            .order_by("-version")
            .first()
        )
        changes = diff_plans(old=previous, new=plan)
        plan.status = PlanStatus.PUBLISHED
        plan.published_at = django_timezone.now()
        plan.published_by = publisher
        plan.changelog = _changelog(changes, previous=previous, meetings=plan.meetings.count())
        plan.save()
        items = []
        for change in changes:
            for organization in change.request.organizations.all():
                items.append(
                    FeedItem(
                        organization=organization,
                        plan=plan,
                        previous=previous,
                        kind=change.kind,
                        request=change.request,
                        before=change.before,
                        after=change.after,
                    )
                )
        FeedItem.objects.bulk_create(items)
        _publish_to_record(plan=plan, organization=publisher)
    return plan
