"""Plan instances from the registry and from callers' JSON: build, parse, solve.

An invalid instance becomes one `PlannerError` located where the caller can find it
(a path inside their file, or the identifier of a request entered by hand).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sideline.analysis.selectors import current_snapshot
from sideline.analysis.suggest import suggest_meeting_requests
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
from sideline.planner.errors import PlannerError
from sideline.planner.instance import Instance, InstanceError, parse_instance
from sideline.planner.schema import Plan as CorePlan
from sideline.planner.solver import SolveOptions, solve
from sideline.registry.models import Organization
from sideline.registry.selectors import plannable_sessions, session_facts

__all__ = [
    "build_instance",
    "parse_instance_data",
    "parse_located",
    "solve_instance_data",
    "suggested_requests",
]


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


def suggested_requests(*, year: int) -> list[dict[str, object]]:
    """Return the analysis' suggested requests for `year`, as of January 1 of that year.

    For a year beyond the data (2027 planned in 2026), memberships are taken on the last
    day the data covers.

    Only pairs that attend a common session of the year are suggested, and each request's
    window is the year.
    """
    sessions = list(plannable_sessions(year))
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


def parse_located(
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
    return parse_located(data)


def solve_instance_data(
    data: object, *, options: SolveOptions | None = None
) -> tuple[Instance, CorePlan]:
    """Validate and solve an instance given as decoded JSON; nothing is stored.

    Raises:
        PlannerError: the instance is invalid; ``field`` is the JSON path.
    """
    instance = parse_located(data)
    return instance, solve(instance, options=options)
