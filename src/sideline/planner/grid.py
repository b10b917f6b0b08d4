"""A venue's timetable grid: days × slots × rooms, what each cell holds, where a meeting
may move. Pure: no Django; pages render it (`views/grid.py`).

A day of a forum session starts with its plenary (`plenary_slots` slots, which hold no
sideline meeting), then its sideline slots; a summit has no plenary. A cell is free,
the start of a meeting, or taken by a meeting that started in an earlier slot. With a
meeting to move, each free cell where it fits (its slots free in that room) lists the
rules a move there would break, checked as a move by hand is (`constraints.check_edit`).

>>> from sideline.planner.instance import parse_instance
>>> inst = parse_instance({"schema": "sideline.plan-instance/1", "organizations": ["a", "b"],
...     "requests": [{"id": "r", "organizations": ["a", "b"]}],
...     "sessions": [{"id": "s", "city": "X", "start": "2024-01-01", "end": "2024-01-01",
...                   "slots_per_day": 2, "rooms": 1, "attendees": ["a", "b"]}]})
>>> m = Meeting(request="r", session="s", date=dt.date(2024, 1, 1), slot=0, room=0,
...             organizations=("a", "b"))
>>> day = venue_grid(inst, [m], venue="s", plenary_slots=1)[0]
>>> [(row.slot, [c.kind for c in row.cells]) for row in day.rows]
[(None, ['plenary']), (0, ['meeting']), (1, ['free'])]
>>> day.rows[1].start
datetime.time(10, 30)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sideline.planner.constraints import Violation, check_edit
from sideline.planner.document import DAY_START, SLOT_MINUTES
from sideline.planner.instance import Instance
from sideline.planner.schema import Meeting

__all__ = ["Cell", "Day", "Row", "venue_grid"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One room in one slot: ``kind`` is ``plenary``, ``free``, ``meeting`` (starts here)
    or ``taken`` (by `meeting`, started earlier). `fits` says whether the meeting being
    moved can start here, and `breaks` the rules that move would break."""

    room: int
    kind: str
    meeting: Meeting | None = None
    fits: bool = False
    breaks: tuple[Violation, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    """One slot of a day (`slot` None for the plenary), its local start and end."""

    slot: int | None
    start: dt.time
    end: dt.time
    cells: tuple[Cell, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Day:
    date: dt.date
    rows: tuple[Row, ...]


def _clock(minutes: int) -> dt.time:
    return dt.time((minutes // 60) % 24, minutes % 60)


def _fits(
    occupied: dict[tuple[int, int], Meeting], moving: Meeting, *, slot: int, room: int, slots: int
) -> bool:
    if slot + moving.slots > slots:
        return False
    return all(occupied.get((k, room)) in (None, moving) for k in range(slot, slot + moving.slots))


def venue_grid(
    instance: Instance,
    meetings: Sequence[Meeting],
    *,
    venue: str,
    plenary_slots: int,
    moving: Meeting | None = None,
) -> list[Day]:
    """Return the grid of `venue`, day by day; see the module's docstring.

    Raises:
        KeyError: `venue` is not a session or summit of `instance`.
    """
    place = instance.venue(venue)
    plenary = 0 if place.is_summit else plenary_slots
    first = DAY_START.hour * 60 + DAY_START.minute
    others = [m for m in meetings if moving is None or m.request != moving.request]
    days = []
    for date in place.days():
        here = [m for m in meetings if m.session == venue and m.date == date]
        occupied = {(k, m.room): m for m in here for k in m.slot_range()}
        rows: list[Row] = []
        if plenary:
            rows.append(
                Row(
                    None,
                    _clock(first),
                    _clock(first + plenary * SLOT_MINUTES),
                    tuple(Cell(room, "plenary") for room in range(place.rooms)),
                )
            )
        for slot in range(place.slots_per_day):
            begin = first + (plenary + slot) * SLOT_MINUTES
            cells = []
            for room in range(place.rooms):
                held = occupied.get((slot, room))
                if held is not None:
                    kind = "meeting" if held.slot == slot else "taken"
                    cells.append(Cell(room, kind, held))
                    continue
                if moving is None or not _fits(
                    occupied, moving, slot=slot, room=room, slots=place.slots_per_day
                ):
                    cells.append(Cell(room, "free"))
                    continue
                target = Meeting(
                    request=moving.request,
                    session=venue,
                    date=date,
                    slot=slot,
                    room=room,
                    organizations=moving.organizations,
                    topic=moving.topic,
                    slots=moving.slots,
                    co_chairs=moving.co_chairs,
                )
                breaks = tuple(check_edit(instance, others, edited=target))
                cells.append(Cell(room, "free", fits=True, breaks=breaks))
            rows.append(Row(slot, _clock(begin), _clock(begin + SLOT_MINUTES), tuple(cells)))
        days.append(Day(date, tuple(rows)))
    return days
