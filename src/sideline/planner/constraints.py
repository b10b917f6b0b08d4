"""The planning rules, one named list used by the solver, plan checks and manual edits.

`CONSTRAINTS` is the single list of rules a plan must obey. Each entry has a checker
that takes an instance and a list of meetings and returns the violations it finds, so
the same code validates a solver's plan (`check_plan`) and warns about a hand-edited
meeting (`check_edit`). The solver builds its model for exactly these names (see
``solving.cpmodel.ENFORCEMENT``; a test keeps both lists equal).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sideline.planner.instance import Instance, Issue, Request, Session
from sideline.planner.schema import Meeting

__all__ = [
    "CONSTRAINTS",
    "Constraint",
    "Violation",
    "check_edit",
    "check_pins",
    "check_plan",
    "needs_summit",
    "placements",
]


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule: the constraint's name, a message and the requests involved."""

    constraint: str
    message: str
    requests: tuple[str, ...]


Checker = Callable[[Instance, Sequence[Meeting]], list[Violation]]


@dataclass(frozen=True, slots=True)
class Constraint:
    """A named planning rule with its one-line meaning and its checker."""

    name: str
    summary: str
    check: Checker


def placements(
    instance: Instance, request: Request, *, venues: Sequence[Session] | None = None
) -> Iterator[tuple[Session, dt.date, int]]:
    """Yield every (venue, date, start slot) that attendance, window and day length allow.

    Capacity, delegation, daily cap and travel are not considered: those depend on the
    other meetings.
    """
    needed = set(request.organizations)
    for venue in instance.venues() if venues is None else venues:
        if not needed <= venue.attendees or request.slots > venue.slots_per_day:
            continue
        for day in venue.days():
            if request.allows(day):
                for slot in range(venue.slots_per_day - request.slots + 1):
                    yield venue, day, slot


def needs_summit(instance: Instance, request: Request) -> bool:
    """Return whether no sideline session could host `request`, so a summit may."""
    return next(placements(instance, request, venues=instance.sessions), None) is None


def _venues(instance: Instance) -> dict[str, Session]:
    return {venue.id: venue for venue in instance.venues()}


def _requests(instance: Instance) -> dict[str, Request]:
    return {request.id: request for request in instance.requests}


def _check_reference(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    venues, requests = _venues(instance), _requests(instance)
    out = []
    for m in meetings:
        if m.request not in requests:
            out.append(Violation("reference", f"unknown request {m.request!r}", (m.request,)))
        elif m.session not in venues:
            out.append(
                Violation("reference", f"{m.request}: unknown session {m.session!r}", (m.request,))
            )
        elif (
            tuple(m.organizations) != requests[m.request].organizations
            or m.slots != requests[m.request].slots
        ):
            out.append(
                Violation(
                    "reference",
                    f"{m.request}: organizations or length differ from the request",
                    (m.request,),
                )
            )
    return out


def _check_once(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    seen: set[str] = set()
    out = []
    for m in meetings:
        if m.request in seen:
            out.append(Violation("once", f"{m.request} is placed more than once", (m.request,)))
        seen.add(m.request)
    return out


def _known(instance: Instance, meetings: Sequence[Meeting]) -> Iterator[tuple[Meeting, Session]]:
    venues, requests = _venues(instance), _requests(instance)
    for m in meetings:
        if m.session in venues and m.request in requests:
            yield m, venues[m.session]


def _check_attendance(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    out = []
    for m, venue in _known(instance, meetings):
        missing = sorted(set(m.organizations) - venue.attendees)
        if missing:
            out.append(
                Violation(
                    "attendance",
                    f"{m.request}: {', '.join(missing)} does not attend {venue.id}",
                    (m.request,),
                )
            )
    return out


def _check_window(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    requests = _requests(instance)
    out = []
    for m, venue in _known(instance, meetings):
        if not venue.start <= m.date <= venue.end:
            out.append(
                Violation(
                    "window", f"{m.request}: {m.date} is not a day of {venue.id}", (m.request,)
                )
            )
        elif not requests[m.request].allows(m.date):
            out.append(
                Violation(
                    "window", f"{m.request}: {m.date} is outside the request's window", (m.request,)
                )
            )
    return out


def _check_day_bounds(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    out = []
    for m, venue in _known(instance, meetings):
        if m.slot < 0 or m.slot + m.slots > venue.slots_per_day:
            out.append(
                Violation(
                    "day_bounds",
                    f"{m.request}: slots {m.slot}..{m.slot + m.slots - 1} do not fit "
                    f"the {venue.slots_per_day} slots of a day at {venue.id}",
                    (m.request,),
                )
            )
    return out


def _overlaps(meetings: Sequence[Meeting]) -> Iterator[tuple[Meeting, Meeting]]:
    """Yield each pair of meetings whose slot ranges overlap (meetings of one day)."""
    ordered = sorted(meetings, key=lambda m: (m.slot, m.request))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.slot >= first.slot + first.slots:
                break
            yield first, second


def _check_room(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    out = []
    by_room: dict[tuple[str, dt.date, int], list[Meeting]] = defaultdict(list)
    for m, venue in _known(instance, meetings):
        if not 0 <= m.room < venue.rooms:
            out.append(
                Violation(
                    "room",
                    f"{m.request}: room {m.room} does not exist at {venue.id} "
                    f"(rooms 0..{venue.rooms - 1})",
                    (m.request,),
                )
            )
        by_room[(m.session, m.date, m.room)].append(m)
    for (session, day, room), group in sorted(by_room.items()):
        for first, second in _overlaps(group):
            out.append(
                Violation(
                    "room",
                    f"{first.request} and {second.request} share room {room} at {session} on {day}",
                    (first.request, second.request),
                )
            )
    return out


def _by_org_day(
    instance: Instance, meetings: Sequence[Meeting]
) -> dict[tuple[str, dt.date], list[Meeting]]:
    groups: dict[tuple[str, dt.date], list[Meeting]] = defaultdict(list)
    for m, _venue in _known(instance, meetings):
        for org in m.organizations:
            groups[(org, m.date)].append(m)
    return groups


def _check_delegation(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    out = []
    for (org, day), group in sorted(_by_org_day(instance, meetings).items()):
        for first, second in _overlaps(group):
            out.append(
                Violation(
                    "delegation",
                    f"{org} is in {first.request} and {second.request} at once on {day}",
                    (first.request, second.request),
                )
            )
    return out


def _check_daily_cap(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    cap = instance.rules.max_meetings_per_org_per_day
    if cap is None:
        return []
    out = []
    for (org, day), group in sorted(_by_org_day(instance, meetings).items()):
        if len(group) > cap:
            out.append(
                Violation(
                    "daily_cap",
                    f"{org} has {len(group)} meetings on {day} (at most {cap})",
                    tuple(m.request for m in group),
                )
            )
    return out


def _check_travel(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    if not instance.rules.travel:
        return []
    venues = _venues(instance)
    out = []
    for (org, day), group in sorted(_by_org_day(instance, meetings).items()):
        cities = sorted({venues[m.session].city for m in group})
        if len(cities) > 1:
            out.append(
                Violation(
                    "travel",
                    f"{org} would be in {' and '.join(cities)} on {day}",
                    tuple(m.request for m in group),
                )
            )
    return out


def _check_pinned(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    placed = {m.request: m for m in meetings}
    out = []
    for pin in instance.pinned:
        m = placed.get(pin.request)
        if m is None or (m.session, m.date, m.slot, m.room) != (
            pin.session,
            pin.date,
            pin.slot,
            pin.room,
        ):
            out.append(
                Violation(
                    "pinned",
                    f"{pin.request} must be at {pin.session} on {pin.date}, "
                    f"slot {pin.slot}, room {pin.room}",
                    (pin.request,),
                )
            )
    return out


def _check_summit_need(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    requests = _requests(instance)
    out = []
    for m, venue in _known(instance, meetings):
        if venue.is_summit and not needs_summit(instance, requests[m.request]):
            out.append(
                Violation(
                    "summit_need",
                    f"{m.request} is at summit {venue.id} although a sideline session "
                    "could host it",
                    (m.request,),
                )
            )
    return out


def _check_co_chairs(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    if not instance.rules.co_chairs:
        return []
    out = []
    for m in meetings:
        chairs = set(m.co_chairs)
        if len(m.co_chairs) != 2 or len(chairs) != 2 or not chairs <= set(m.organizations):
            out.append(
                Violation(
                    "co_chairs",
                    f"{m.request} must name two distinct co-chairs among its organizations",
                    (m.request,),
                )
            )
    return out


def _check_floor(instance: Instance, meetings: Sequence[Meeting]) -> list[Violation]:
    floor = instance.rules.min_meetings_per_org
    if floor == 0:
        return []
    counts = dict.fromkeys(instance.organizations, 0)
    for m in meetings:
        for org in m.organizations:
            counts[org] = counts.get(org, 0) + 1
    return [
        Violation("floor", f"{org} has {count} meetings (at least {floor})", ())
        for org, count in counts.items()
        if count < floor
    ]


CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint(
        "reference", "a meeting names a known request and venue and copies it", _check_reference
    ),
    Constraint("once", "a request is placed at most once", _check_once),
    Constraint(
        "attendance", "the venue is attended by all the request's organizations", _check_attendance
    ),
    Constraint(
        "window", "the date is a day of the venue inside the request's window", _check_window
    ),
    Constraint("day_bounds", "the meeting's consecutive slots fit in one day", _check_day_bounds),
    Constraint("room", "a room exists and holds one meeting at a time", _check_room),
    Constraint("delegation", "an organization sits in one meeting at a time", _check_delegation),
    Constraint(
        "daily_cap", "an organization has at most the daily cap of meetings a day", _check_daily_cap
    ),
    Constraint("travel", "an organization meets in one city a day", _check_travel),
    Constraint("pinned", "pinned meetings hold exactly as pinned", _check_pinned),
    Constraint(
        "summit_need", "a summit hosts only requests no sideline session can", _check_summit_need
    ),
    Constraint(
        "co_chairs",
        "each meeting names two distinct co-chairs among its organizations",
        _check_co_chairs,
    ),
    Constraint(
        "floor", "each organization has at least the minimum number of meetings", _check_floor
    ),
)


def check_plan(
    instance: Instance, meetings: Sequence[Meeting], *, skip: frozenset[str] = frozenset()
) -> list[Violation]:
    """Return every violation of every constraint (except those named in `skip`).

    Example:
        >>> from sideline.planner.instance import parse_instance
        >>> inst = parse_instance({"schema": "sideline.plan-instance/1",
        ...     "organizations": ["a", "b"], "sessions": [], "requests": []})
        >>> check_plan(inst, [])
        []
    """
    out: list[Violation] = []
    for constraint in CONSTRAINTS:
        if constraint.name not in skip:
            out.extend(constraint.check(instance, meetings))
    return out


def check_edit(
    instance: Instance, meetings: Sequence[Meeting], *, edited: Meeting
) -> list[Violation]:
    """Return the violations a hand-placed `edited` meeting causes among `meetings`.

    `meetings` is the plan without the edited request; plan-wide rules that the edit
    does not involve (another organization's floor) are not reported.
    """
    others = [m for m in meetings if m.request != edited.request]
    return [
        v
        for v in check_plan(instance, [*others, edited], skip=frozenset({"floor", "pinned"}))
        if edited.request in v.requests
    ]


def check_pins(instance: Instance) -> list[Issue]:
    """Return issues for pins that name unknown things or break rules among themselves."""
    venues, requests = _venues(instance), _requests(instance)
    issues: list[Issue] = []
    meetings: list[Meeting] = []
    paths: dict[str, str] = {}
    for index, pin in enumerate(instance.pinned):
        path = f"$.pinned[{index}]"
        if pin.request not in requests:
            issues.append(
                Issue("unknown_request", f"{path}.request", f"{pin.request!r} is not a request")
            )
        elif pin.session not in venues:
            issues.append(
                Issue("unknown_session", f"{path}.session", f"{pin.session!r} is not a session")
            )
        elif pin.request in paths:
            issues.append(Issue("duplicate", f"{path}.request", f"{pin.request!r} is pinned twice"))
        else:
            request = requests[pin.request]
            paths[pin.request] = path
            meetings.append(
                Meeting(
                    request=pin.request,
                    session=pin.session,
                    date=pin.date,
                    slot=pin.slot,
                    room=pin.room,
                    organizations=request.organizations,
                    topic=request.topic,
                    slots=request.slots,
                )
            )
    if issues:
        return issues
    skip = frozenset({"floor", "co_chairs", "pinned"})
    for violation in check_plan(instance, meetings, skip=skip):
        where = ", ".join(paths[r] for r in violation.requests if r in paths) or "$.pinned"
        issues.append(
            Issue(
                "contradictory_rules",
                where,
                f"pinned meetings break {violation.constraint}: {violation.message}",
            )
        )
    return issues
