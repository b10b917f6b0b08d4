"""Meeting requests entered by hand: add, change, delete, each refusal on its field.

Versions share request rows, so a request that a version places or a published version
lists cannot change (see `_deletion_refusal`). The reads (`manual_requests_json`,
`request_statuses`) are in `planner.selectors`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sideline.planner.errors import PlannerError, RequestInvalidError
from sideline.planner.models import (
    MeetingRequest,
    PlacedMeeting,
    PlanStatus,
    RequestOrigin,
    UnplacedRequest,
)
from sideline.registry.models import Function, Organization
from sideline.validators import EARLIEST, LATEST, control_character

__all__ = [
    "KEY_LENGTH",
    "MAX_PRIORITY",
    "MAX_SLOTS",
    "TOPIC_LENGTH",
    "add_manual_request",
    "delete_manual_request",
    "update_manual_request",
]


# Suggestions score 1 to 10; the cap leaves room above them and keeps the column small.
MAX_PRIORITY = 100


# A day of 09:00 + 10 slots of 90 minutes ends at midnight: no meeting can be longer.
MAX_SLOTS = 10


# Identifiers end up in URLs and iCalendar UIDs: keep them to a slug-like alphabet.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


KEY_LENGTH = 200


TOPIC_LENGTH = 200


def _key_taken(*, year: int, key: str, current: MeetingRequest | None) -> bool:
    taken = MeetingRequest.objects.filter(year=year, key=key)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    return taken.exists()


# A taken identifier is a conflict with another request, an unknown organization a missing
# resource; every other problem of a request is the caller's input (400).
_STATUS = {"key_taken": 409, "unknown_organization": 404}


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
    errors = _control_errors(key=key, topic=topic, organizations=organizations)
    if not EARLIEST.year <= year <= LATEST.year:
        message = f"year: give a year from {EARLIEST.year} to {LATEST.year}"
        return [*errors, _error("year_out_of_range", "year", message)]
    return [
        *errors,
        *_key_errors(year=year, key=key, current=current),
        *_organization_errors(organizations),
        *_bound_errors(topic=topic, priority=priority, slots=slots),
        *_date_errors(year=year, not_before=not_before, not_after=not_after),
    ]


def _error(code: str, field: str, message: str) -> PlannerError:
    return PlannerError(code, message, field=field, status=_STATUS.get(code))


def _control_errors(*, key: str, topic: str, organizations: Sequence[str]) -> list[PlannerError]:
    errors = []
    for name, text in (
        ("key", key),
        ("topic", topic),
        *(("organizations", o) for o in organizations),
    ):
        character = control_character(text)
        if character is not None:
            errors.append(
                _error(
                    "control_character", name, f"{name}: remove the control character {character}"
                )
            )
    return errors


def _key_errors(*, year: int, key: str, current: MeetingRequest | None) -> list[PlannerError]:
    if not key:
        return [_error("required", "key", _("Give the request an identifier."))]
    if len(key) > KEY_LENGTH or not _KEY.match(key):
        return [
            _error(
                "invalid_key",
                "key",
                _(
                    "Use up to %(length)s letters, digits, '.', '_' or '-', starting with a "
                    "letter or digit."
                )
                % {"length": KEY_LENGTH},
            )
        ]
    if _key_taken(year=year, key=key, current=current):
        return [
            _error(
                "key_taken",
                "key",
                _("%(year)s already has a request %(key)s; choose another identifier.")
                % {"year": year, "key": key},
            )
        ]
    return []


def _organization_errors(organizations: Sequence[str]) -> list[PlannerError]:
    known = set(Organization.objects.filter(slug__in=organizations).values_list("slug", flat=True))
    unknown = sorted(set(organizations) - known)
    if unknown:
        return [
            _error(
                "unknown_organization",
                "organizations",
                _("Not in the registry: %(slugs)s.") % {"slugs": ", ".join(unknown)},
            )
        ]
    if len(set(organizations)) < 2:
        return [
            _error(
                "too_few_organizations",
                "organizations",
                _("Choose at least two different organizations: a meeting is between them."),
            )
        ]
    return []


def _bound_errors(*, topic: str, priority: int, slots: int) -> list[PlannerError]:
    errors = []
    if len(topic) > TOPIC_LENGTH:
        errors.append(
            _error(
                "topic_too_long",
                "topic",
                _("Keep the topic to %(length)s characters.") % {"length": TOPIC_LENGTH},
            )
        )
    if not 1 <= priority <= MAX_PRIORITY:
        errors.append(
            _error(
                "invalid_priority",
                "priority",
                _("Give a priority from 1 to %(most)s.") % {"most": MAX_PRIORITY},
            )
        )
    if not 1 <= slots <= MAX_SLOTS:
        errors.append(
            _error(
                "invalid_slots", "slots", _("Give from 1 to %(most)s slots.") % {"most": MAX_SLOTS}
            )
        )
    return errors


def _date_errors(
    *, year: int, not_before: dt.date | None, not_after: dt.date | None
) -> list[PlannerError]:
    errors = [
        _error("outside_year", name, _("Give a date in %(year)s.") % {"year": year})
        for name, day in (("not_before", not_before), ("not_after", not_after))
        if day is not None and day.year != year
    ]
    if (
        not_before is not None
        and not_after is not None
        and not_before.year == not_after.year == year
        and not_after < not_before
    ):
        errors.append(
            _error("end_before_start", "not_after", _("Must not be before “not before”."))
        )
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
                    status=409,
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
            status=409,
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
            status=409,
        )
    placed = PlacedMeeting.objects.filter(request=request).select_related("plan").first()
    if placed is not None:
        return PlannerError(
            "request_placed",
            _("Version %(version)s places %(key)s: remove that meeting first.")
            % {"version": placed.plan.version, "key": request.key},
            status=409,
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
