"""A coordinator's special summit candidates of a year: add, change, cancel.

Candidates are the planner's own rows (not registry facts: a summit exists only if the
planner opens it). Each new version and re-plan of the year takes the candidates that
are not cancelled, as stored then (`year_summits`); a cancelled one leaves the next
re-plan, whose meetings there move or become unplaced.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from sideline.planner.errors import PlannerError, SessionInvalidError
from sideline.planner.instance import InstanceError, parse_instance
from sideline.planner.models import SummitCandidate
from sideline.planner.permissions import can_coordinate
from sideline.registry.models import State
from sideline.registry.selectors import sessions_in_year

__all__ = [
    "SUMMIT_FIELDS",
    "cancel_summit_candidate",
    "save_summit_candidate",
    "year_summits",
]

SUMMIT_FIELDS = (
    "key",
    "city",
    "country",
    "timezone",
    "start",
    "end",
    "slots_per_day",
    "rooms",
    "cost",
)
_PATH = re.compile(r"^\$\.summits\[0\]\.(\w+)")
_INSTANCE_FIELD = {"id": "key"}


def _require_coordinator(actor: Any) -> None:
    if not can_coordinate(actor):
        raise PlannerError(
            "not_coordinator", _("Only a coordinator may change summit candidates."), status=403
        )


def _problems(values: Mapping[str, Any], *, year: int, creating: bool) -> list[PlannerError]:
    """Return every problem of a candidate, each on its form field."""
    problems: list[PlannerError] = []
    if creating and SummitCandidate.objects.filter(year=year, key=values["key"]).exists():
        problems.append(
            PlannerError(
                "summit_exists",
                _("A candidate of %(year)s has this identifier: change that one.") % {"year": year},
                field="key",
            )
        )
    if sessions_in_year(year).filter(key=values["key"]).exists():
        problems.append(
            PlannerError(
                "duplicate_id",
                _("A forum session of %(year)s has this identifier: choose another.")
                % {"year": year},
                field="key",
            )
        )
    if not State.objects.filter(code=values["country"], historical=False).exists():
        problems.append(
            PlannerError(
                "unknown_state",
                _("This is not an ISO 3166-1 alpha-3 code of a state (for example UZB)."),
                field="country",
            )
        )
    for name in ("start", "end"):
        if values[name].year != year:
            problems.append(
                PlannerError("outside_year", _("Must be in %(year)s.") % {"year": year}, field=name)
            )
    candidate = {
        **{k: values[k] for k in SUMMIT_FIELDS if k not in ("key", "start", "end")},
        "id": values["key"],
        "start": values["start"].isoformat(),
        "end": values["end"].isoformat(),
    }
    try:
        parse_instance(
            {
                "schema": "sideline.plan-instance/1",
                "organizations": ["-"],
                "sessions": [],
                "requests": [],
                "summits": [candidate],
            }
        )
    except InstanceError as error:
        for issue in error.issues:
            match = _PATH.match(issue.path)
            field = None
            if match is not None:
                field = _INSTANCE_FIELD.get(match.group(1), match.group(1))
            problems.append(PlannerError(issue.code, issue.message, field=field))
    return problems


def save_summit_candidate(
    actor: Any,
    *,
    candidate: SummitCandidate | None,
    year: int,
    key: str,
    city: str,
    country: str,
    timezone_name: str,
    start: dt.date,
    end: dt.date,
    slots_per_day: int,
    rooms: int,
    cost: int,
) -> SummitCandidate:
    """Add a special summit candidate of `year` (`candidate` None) or change one.

    Raises:
        PlannerError: ``not_coordinator`` (403).
        SessionInvalidError: every problem, each on its field (identifier taken, a day
            outside the year, an unknown state or time zone, the end before the start …).
    """
    _require_coordinator(actor)
    values: dict[str, Any] = {
        "key": candidate.key if candidate is not None else key,
        "city": " ".join(city.split()),
        "country": country.strip().upper(),
        "timezone": timezone_name,
        "start": start,
        "end": end,
        "slots_per_day": slots_per_day,
        "rooms": rooms,
        "cost": cost,
    }
    problems = _problems(values, year=year, creating=candidate is None)
    if problems:
        raise SessionInvalidError(problems)
    row = candidate or SummitCandidate(year=year)
    for name, value in values.items():
        setattr(row, name, value)
    row.cancelled, row.cancel_reason = False, ""
    row.save()
    return row


def cancel_summit_candidate(
    actor: Any, *, candidate: SummitCandidate, reason: str
) -> SummitCandidate:
    """Withdraw a candidate, saying why; the next re-plan leaves it out.

    Raises:
        PlannerError: ``not_coordinator`` (403).
        SessionInvalidError: no reason.
    """
    _require_coordinator(actor)
    if not reason.strip():
        raise SessionInvalidError(
            [PlannerError("reason_required", _("Say why the summit is cancelled."), field="reason")]
        )
    candidate.cancelled, candidate.cancel_reason = True, reason.strip()
    candidate.save(update_fields=["cancelled", "cancel_reason", "updated"])
    return candidate


def year_summits(*, year: int, kept: Sequence[Mapping[str, Any]] = ()) -> list[Mapping[str, Any]]:
    """Return the summits a new version of `year` offers: `kept` (a file's, or an older
    version's), less those a candidate of the same identifier replaces or cancels, then
    the candidates that are not cancelled."""
    rows = list(SummitCandidate.objects.filter(year=year))
    stored = {row.key for row in rows}
    return [
        *(s for s in kept if s.get("id") not in stored),
        *(row.as_instance() for row in rows if not row.cancelled),
    ]
