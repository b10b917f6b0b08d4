"""How the calendar page lays a plan out: agenda by forum session, month grid, year overview.

Presentation only: these functions take rows already loaded (no query of their own, so the
page's query count stays constant) and return plain structures for the template.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

# Monday first (ISO 8601), as the calendars of the organizations' host countries are.
GRID = calendar.Calendar(firstweekday=calendar.MONDAY)
VIEWS = ("agenda", "month", "year")


def view_of(value: str) -> str:
    """Return the asked view, or the agenda for anything else."""
    return value if value in VIEWS else "agenda"


def query(filters: Mapping[str, str], **changes: str | int) -> str:
    """Return `?…` for the current filters with `changes` applied; empty values dropped."""
    merged: dict[str, str | int] = {**filters, **changes}
    kept = {k: v for k, v in merged.items() if v not in ("", None)}
    return "?" + urlencode(kept) if kept else "?"


def by_venue(entries: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        grouped[entry["row"].venue].append(entry)
    return grouped


def venue_groups(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the meetings grouped by venue (forum session or summit), in order of each
    venue's first meeting, so that a long plan can be read one session at a time."""
    groups: dict[str, dict[str, Any]] = {}
    for entry in entries:
        venue = entry["row"].venue
        if venue not in groups:
            groups[venue] = {
                "id": venue,
                "forum": entry["forum"],
                "city": entry["city"],
                "meetings": [],
            }
        groups[venue]["meetings"].append(entry)
    return list(groups.values())


def agenda_by_session(
    *,
    sessions: Iterable[Mapping[str, Any]],
    summits: Mapping[str, Mapping[str, Any]],
    days: Mapping[dt.date, list[dict[str, Any]]],
    entries: Iterable[dict[str, Any]],
    forum_names: Mapping[str, str],
    summit_name: Any,
) -> list[dict[str, Any]]:
    """Return one group per forum session (or special summit) that the filters keep, in
    date order, each with its days: the plenary band and the meetings of that day."""
    meetings = by_venue(entries)
    shown = {item["id"] for held in days.values() for item in held}
    groups: list[dict[str, Any]] = []
    for session in sessions:
        if session["id"] not in shown:
            continue
        groups.append(
            {
                "id": session["id"],
                "name": forum_names.get(session.get("forum", ""), session.get("forum", "")),
                "city": session.get("city", ""),
                "start": dt.date.fromisoformat(session["start"]),
                "end": dt.date.fromisoformat(session["end"]),
                "timezone": session.get("timezone", "UTC"),
                "summit": False,
            }
        )
    for summit_id, summit in summits.items():
        if summit_id not in shown:
            continue
        groups.append(
            {
                "id": summit_id,
                "name": summit_name(summit_id),
                "city": summit.get("city", ""),
                "start": dt.date.fromisoformat(summit["start"]),
                "end": dt.date.fromisoformat(summit["end"]),
                "timezone": summit.get("timezone", "UTC"),
                "summit": True,
            }
        )
    groups.sort(key=lambda g: (g["start"], g["name"], g["id"]))
    for group in groups:
        held = meetings.get(group["id"], [])
        group["count"] = len(held)
        group["days"] = [
            {
                "date": day,
                "band": next((i for i in days.get(day, []) if i["id"] == group["id"]), None),
                "meetings": [m for m in held if m["row"].date == day],
            }
            for day in _dates(group["start"], group["end"])
        ]
    return groups


def _dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def month_grid(
    year: int,
    month: int,
    *,
    days: Mapping[dt.date, list[dict[str, Any]]],
    entries: Iterable[dict[str, Any]],
) -> dict[str, Any]:
    """Return one month as weeks of seven days (Monday first), each day with its sessions
    (plenary bands) and its meetings as separate items."""
    by_day: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        by_day[entry["row"].date].append(entry)
    weeks = [
        [
            {
                "date": d,
                "inside": d.month == month,
                "sessions": days.get(d, []) if d.month == month else [],
                "meetings": by_day.get(d, []) if d.month == month else [],
            }
            for d in week
        ]
        for week in GRID.monthdatescalendar(year, month)
    ]
    return {"first": dt.date(year, month, 1), "weeks": weeks}


def year_overview(
    year: int,
    *,
    filters: Mapping[str, str],
    days: Mapping[dt.date, list[dict[str, Any]]],
    entries: Iterable[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Return the twelve months of `year`, each day with its count of meetings and whether
    a forum session sits on it; each month with its own count."""
    counts: dict[dt.date, int] = defaultdict(int)
    for entry in entries:
        counts[entry["row"].date] += 1
    months = []
    for month in range(1, 13):
        weeks = [
            [
                {
                    "date": d,
                    "inside": d.month == month,
                    "count": counts.get(d, 0),
                    "session": bool(days.get(d)),
                }
                for d in week
            ]
            for week in GRID.monthdatescalendar(year, month)
        ]
        total = sum(n for d, n in counts.items() if d.year == year and d.month == month)
        months.append(
            {
                "first": dt.date(year, month, 1),
                "weeks": weeks,
                "count": total,
                "query": query(filters, view="month", month=month),
            }
        )
    return months


def months_with_content(
    days: Iterable[dt.date], entries: Iterable[dict[str, Any]], *, year: int
) -> list[int]:
    """Return the months of `year` that hold a session day or a meeting."""
    dates = set(days) | {e["row"].date for e in entries}
    return sorted({d.month for d in dates if d.year == year})
