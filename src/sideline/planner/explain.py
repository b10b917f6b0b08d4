"""Reasons why requests are not placed, computed from the instance and the final plan.

For an unplaced request, either no placement exists at all (nobody common attends, the
window holds no session day, the meeting is longer than a day), or every placement is
blocked on the final plan; each rule is then checked separately at every placement and
reported with the meetings that block it. Nothing is guessed: a placement blocked by
nothing is reported as such (`free_placement_left`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sideline.planner.greedy import PlacementIndex
from sideline.planner.instance import Instance, Request, Session
from sideline.planner.schema import Meeting, Reason, Unplaced

__all__ = ["explain_unplaced"]

_SHOWN = 5


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown if len(items) <= _SHOWN else f"{shown} and {len(items) - _SHOWN} more"


def _window(request: Request) -> str:
    start = request.not_before.isoformat() if request.not_before else "any date"
    end = request.not_after.isoformat() if request.not_after else "any date"
    return f"between {start} and {end}"


def _structural(instance: Instance, request: Request) -> list[Reason]:
    """Explain a request that has no placement whatever the other meetings."""
    needed = set(request.organizations)
    in_window = [v for v in instance.venues() if any(request.allows(d) for d in v.days())]
    if not in_window:
        return [
            Reason(
                "no_session_in_window",
                f"no session has a day {_window(request)}",
                {"not_before": _iso(request.not_before), "not_after": _iso(request.not_after)},
            )
        ]
    attended_in_window = [v for v in in_window if needed <= v.attendees]
    if not attended_in_window:
        missing = {v.id: sorted(needed - v.attendees) for v in in_window}
        parts = [f"{', '.join(orgs)} does not attend {venue}" for venue, orgs in missing.items()]
        reasons = [
            Reason(
                "organization_absent",
                "no session in its window is attended by all its organizations: "
                + "; ".join(parts[:_SHOWN])
                + ("" if len(parts) <= _SHOWN else f"; and {len(parts) - _SHOWN} more"),
                {"missing": missing},
            )
        ]
        attended = [v.id for v in instance.venues() if needed <= v.attendees]
        if attended:
            reasons.append(
                Reason(
                    "window_has_no_session_day",
                    f"the sessions all its organizations attend ({_names(attended)}) "
                    f"have no day {_window(request)}",
                    {"sessions": attended},
                )
            )
        return reasons
    longest = max(v.slots_per_day for v in attended_in_window)
    return [
        Reason(
            "too_long",
            f"it needs {request.slots} consecutive slots; its sessions have at most "
            f"{longest} a day",
            {"slots": request.slots, "slots_per_day": longest},
        )
    ]


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


class _Blocks:
    """The meetings and facts that block placements, gathered rule by rule."""

    def __init__(self) -> None:
        self.rooms: dict[str, set[str]] = defaultdict(set)
        self.busy: dict[str, set[str]] = defaultdict(set)
        self.cap: dict[str, set[dt.date]] = defaultdict(set)
        self.cap_meetings: set[str] = set()
        self.travel: dict[str, set[tuple[dt.date, str]]] = defaultdict(set)
        self.travel_meetings: set[str] = set()
        self.closed: set[str] = set()
        self.free: list[tuple[str, dt.date, int]] = []


def _check_placement(
    instance: Instance,
    request: Request,
    venue: Session,
    day: dt.date,
    slot: int,
    *,
    at_venue: Sequence[Meeting],
    of_org: dict[str, list[Meeting]],
    city_of: dict[str, str],
    opened: frozenset[str],
    blocks: _Blocks,
) -> None:
    span = set(range(slot, slot + request.slots))
    blocked = False
    if venue.is_summit and venue.id not in opened:
        blocks.closed.add(venue.id)
        blocked = True
    for k in span:
        holders = [m.request for m in at_venue if k in m.slot_range()]
        if len(holders) >= venue.rooms:
            blocks.rooms[venue.id].update(holders)
            blocked = True
    cap = instance.rules.max_meetings_per_org_per_day
    for org in request.organizations:
        mine = of_org.get(org, [])
        clash = [m.request for m in mine if span & set(m.slot_range())]
        if clash:
            blocks.busy[org].update(clash)
            blocked = True
        if cap is not None and len(mine) >= cap:
            blocks.cap[org].add(day)
            blocks.cap_meetings.update(m.request for m in mine)
            blocked = True
        elsewhere = sorted({city_of[m.session] for m in mine} - {venue.city})
        if instance.rules.travel and elsewhere:
            blocks.travel[org].update((day, city) for city in elsewhere)
            blocks.travel_meetings.update(
                m.request for m in mine if city_of[m.session] != venue.city
            )
            blocked = True
    if not blocked:
        blocks.free.append((venue.id, day, slot))


def _blocked_reasons(
    instance: Instance, request: Request, blocks: _Blocks, priority: dict[str, int]
) -> list[Reason]:
    reasons = []
    if blocks.free:
        venue, day, slot = blocks.free[0]
        reasons.append(
            Reason(
                "free_placement_left",
                f"it fits at {venue} on {day} slot {slot}; the search stopped before "
                "proving optimality or a tolerance let it go",
                {"session": venue, "date": day.isoformat(), "slot": slot},
            )
        )
    for venue, holders in sorted(blocks.rooms.items()):
        names = sorted(holders)
        reasons.append(
            Reason(
                "rooms_full",
                f"every room of {venue} is taken in the slots it could use, by {_names(names)}",
                {"session": venue, "meetings": names},
            )
        )
    for org, clash in sorted(blocks.busy.items()):
        names = sorted(clash)
        reasons.append(
            Reason(
                "organization_busy",
                f"{org} is in other meetings in the slots it could use: {_names(names)}",
                {"organization": org, "meetings": names},
            )
        )
    cap = instance.rules.max_meetings_per_org_per_day
    for org, days in sorted(blocks.cap.items()):
        dates = [d.isoformat() for d in sorted(days)]
        reasons.append(
            Reason(
                "daily_cap",
                f"{org} already has {cap} meetings on {_names(dates)} (daily cap {cap})",
                {"organization": org, "dates": dates},
            )
        )
    for org, places in sorted(blocks.travel.items()):
        where = [f"{city} on {day.isoformat()}" for day, city in sorted(places)]
        reasons.append(
            Reason(
                "travel",
                f"{org} meets elsewhere those days: {_names(where)}",
                {"organization": org, "elsewhere": where},
            )
        )
    if blocks.closed:
        names = sorted(blocks.closed)
        reasons.append(
            Reason(
                "summit_not_opened",
                f"only a special summit could host it ({_names(names)}), and opening one "
                "would not pay for its cost",
                {"summits": names},
            )
        )
    competing = set().union(*blocks.rooms.values(), *blocks.busy.values())
    competing |= blocks.cap_meetings | blocks.travel_meetings
    if competing and not blocks.free:
        ranked = sorted(competing, key=lambda r: (-priority[r], r))
        shown = [f"{r} (priority {priority[r]})" for r in ranked]
        reasons.append(
            Reason(
                "lower_priority",
                f"not placed for lower priority (priority {request.priority}) than "
                f"competing meetings: {_names(shown)}",
                {"priority": request.priority, "meetings": ranked},
            )
        )
    return reasons


def explain_unplaced(
    instance: Instance,
    meetings: Sequence[Meeting],
    *,
    opened: frozenset[str] = frozenset(),
    index: PlacementIndex | None = None,
) -> list[Unplaced]:
    """Return, for each request `meetings` does not place, every reason found.

    Args:
        instance: the instance the plan was made for.
        meetings: the plan's meetings.
        opened: the summits the plan opens.
        index: a `PlacementIndex` of `instance` to reuse (one is built otherwise).

    Returns:
        One `Unplaced` per unplaced request, in instance order.
    """
    placed = {m.request for m in meetings}
    priority = {r.id: r.priority for r in instance.requests}
    city_of = {v.id: v.city for v in instance.venues()}
    if index is None or index.instance is not instance:
        index = PlacementIndex(instance)
    # Indexed by (venue, date) and (organization, date): a placement then looks only at
    # the meetings that can block it, not at every meeting of the day.
    by_venue_day: dict[tuple[str, dt.date], list[Meeting]] = defaultdict(list)
    by_org_day: dict[dt.date, dict[str, list[Meeting]]] = defaultdict(lambda: defaultdict(list))
    for m in meetings:
        by_venue_day[(m.session, m.date)].append(m)
        for org in m.organizations:
            by_org_day[m.date][org].append(m)
    out = []
    for request in instance.requests:
        if request.id in placed:
            continue
        summit_ok = index.needs_summit(request)
        options = [
            (venue, day, slot)
            for venue, day, slot in index.placements(request)
            if summit_ok or not venue.is_summit
        ]
        if not options:
            out.append(Unplaced(request.id, tuple(_structural(instance, request))))
            continue
        blocks = _Blocks()
        for venue, day, slot in options:
            _check_placement(
                instance,
                request,
                venue,
                day,
                slot,
                at_venue=by_venue_day.get((venue.id, day), []),
                of_org=by_org_day.get(day, {}),
                city_of=city_of,
                opened=opened,
                blocks=blocks,
            )
        out.append(
            Unplaced(request.id, tuple(_blocked_reasons(instance, request, blocks, priority)))
        )
    return out
