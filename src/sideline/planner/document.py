"""The one builder of the `sideline.plan-instance/1` document, and its defaults.

Every producer of an instance (the planner's services from the registry, the analysis'
suggestions download) writes it here, so that the defaults of a session's grid are
spelled once. The document is plain JSON-ready data; `instance.parse_instance` reads it.

Example:
    >>> import datetime as dt
    >>> session = session_document(
    ...     key="unga-68", forum="unga", city="New York", country="US",
    ...     timezone="America/New_York", start=dt.date(2013, 9, 24), end=dt.date(2013, 10, 1),
    ...     attendees=["osce", "nato"])
    >>> (session["slots_per_day"], session["rooms"], session["attendees"])
    (4, 2, ['nato', 'osce'])
    >>> document = instance_document(
    ...     id="sideline-2013", organizations=["nato", "osce"], sessions=[session], requests=[])
    >>> document["schema"], document["rules"]
    ('sideline.plan-instance/1', {'day_start': '10:30', 'slot_minutes': 90})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sideline.planner.instance import INSTANCE_SCHEMA

__all__ = [
    "DAY_START",
    "DEFAULT_PLENARY_SLOTS",
    "DEFAULT_ROOMS",
    "DEFAULT_SLOTS_PER_DAY",
    "SLOT_MINUTES",
    "day_rules",
    "instance_document",
    "session_document",
]

# A session day: the forum's plenary from 09:00, then sideline slots of 90 minutes.
DAY_START = dt.time(9, 0)
SLOT_MINUTES = 90
# The grid a coordinator starts from and edits: four sideline slots a day, two rooms.
DEFAULT_SLOTS_PER_DAY = 4
DEFAULT_ROOMS = 2
DEFAULT_PLENARY_SLOTS = 1


def session_document(
    *,
    key: str,
    forum: str,
    city: str,
    country: str,
    timezone: str,
    start: dt.date,
    end: dt.date,
    attendees: Iterable[str],
    slots_per_day: int = DEFAULT_SLOTS_PER_DAY,
    rooms: int = DEFAULT_ROOMS,
) -> dict[str, Any]:
    """Return one session of the instance; attendees in slug order."""
    return {
        "id": key,
        "forum": forum,
        "city": city,
        "country": country,
        "timezone": timezone,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "slots_per_day": slots_per_day,
        "rooms": rooms,
        "attendees": sorted(attendees),
    }


def day_rules(*, plenary_slots: int = DEFAULT_PLENARY_SLOTS) -> dict[str, Any]:
    """Return the rules that place sideline slots after `plenary_slots` of plenary."""
    start_minutes = DAY_START.hour * 60 + DAY_START.minute + plenary_slots * SLOT_MINUTES
    return {
        "day_start": f"{start_minutes // 60:02d}:{start_minutes % 60:02d}",
        "slot_minutes": SLOT_MINUTES,
    }


def instance_document(
    *,
    id: str,  # the document's own field name
    organizations: Iterable[str],
    sessions: Sequence[Mapping[str, Any]],
    requests: Sequence[Mapping[str, Any]],
    rules: Mapping[str, Any] | None = None,
    summits: Sequence[Mapping[str, Any]] = (),
    pinned: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Return a `sideline.plan-instance/1` document; `rules` default to `day_rules()`.

    Summits and pinned meetings are kept as given and left out when there are none.
    """
    document: dict[str, Any] = {
        "schema": INSTANCE_SCHEMA,
        "id": id,
        "organizations": list(organizations),
        "sessions": [dict(s) for s in sessions],
        "requests": [dict(r) for r in requests],
        "rules": dict(day_rules() if rules is None else rules),
    }
    if summits:
        document["summits"] = [dict(s) for s in summits]
    if pinned:
        document["pinned"] = [dict(p) for p in pinned]
    return document
