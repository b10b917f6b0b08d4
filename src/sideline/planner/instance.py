"""Planner instances (`sideline.plan-instance/1`): dataclasses and a strict parser.

An instance is what the planner is asked to solve: the organizations, the forum
sessions they attend, the meetings they request, optional special summits, pinned
meetings and rules. `parse_instance` turns decoded JSON into an `Instance` or raises
`InstanceError` listing every problem with its JSON path and a stable code, so that a
user's file never reaches the solver half-checked.

Exception tree::

    ValueError
     └── InstanceError      (.issues: list[Issue], each with code, path, message)
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sideline.planner.reader import Issue, Reader

__all__ = [
    "INSTANCE_SCHEMA",
    "Instance",
    "InstanceError",
    "Issue",
    "Pin",
    "Request",
    "Rules",
    "Session",
    "parse_instance",
]

INSTANCE_SCHEMA = "sideline.plan-instance/1"

# Bounds far beyond any real calendar (dates: EARLIEST..LATEST of sideline.validators):
# past them an instance is a mistake, and the solver would build a model with a variable
# per day, slot and room (10**30 slots never finish).
MAX_SESSION_DAYS = 366
MAX_SLOTS_PER_DAY = 96
MAX_ROOMS = 100
MAX_PRIORITY = 1_000_000


class InstanceError(ValueError):
    """Raised when an instance is malformed or its rules contradict each other."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        first = self.issues[0] if self.issues else Issue("invalid", "$", "invalid instance")
        more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        super().__init__(f"{first}{more}")

    @property
    def code(self) -> str:
        """Return the code of the first issue."""
        return self.issues[0].code if self.issues else "invalid"


@dataclass(frozen=True, slots=True)
class Session:
    """A place and time where meetings can happen: a forum session or a special summit.

    Days are `start`..`end` inclusive; each day has `slots_per_day` slots and `rooms`
    rooms. A summit (`is_summit`) is attended by every organization and costs `cost`
    if opened.
    """

    id: str
    city: str
    start: dt.date
    end: dt.date
    slots_per_day: int
    rooms: int
    attendees: frozenset[str]
    forum: str = ""
    country: str = ""
    timezone: str = "UTC"
    is_summit: bool = False
    cost: int = 0

    def days(self) -> Iterator[dt.date]:
        """Yield each day of the session in order."""
        day = self.start
        while day <= self.end:
            yield day
            day += dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Request:
    """A meeting requested between two or more organizations."""

    id: str
    organizations: tuple[str, ...]
    topic: str
    priority: int
    slots: int
    not_before: dt.date | None = None
    not_after: dt.date | None = None

    def allows(self, day: dt.date) -> bool:
        """Return whether `day` lies inside the request's window."""
        if self.not_before is not None and day < self.not_before:
            return False
        return self.not_after is None or day <= self.not_after


@dataclass(frozen=True, slots=True)
class Pin:
    """A meeting that must hold exactly as given."""

    request: str
    session: str
    date: dt.date
    slot: int
    room: int


@dataclass(frozen=True, slots=True)
class Rules:
    """Optional rules; see docs/planner.md for the exact meaning of each."""

    max_meetings_per_org_per_day: int | None = None
    min_meetings_per_org: int = 0
    maximise_min_share: bool = False
    fairness_tolerance: float = 0.0
    travel: bool = True
    co_chairs: bool = True
    replan_tolerance: float = 0.0
    day_start: dt.time = dt.time(9, 0)
    slot_minutes: int = 90


@dataclass(frozen=True, slots=True)
class Instance:
    """A validated planner instance."""

    organizations: tuple[str, ...]
    sessions: tuple[Session, ...]
    requests: tuple[Request, ...]
    rules: Rules = field(default_factory=Rules)
    summits: tuple[Session, ...] = ()
    pinned: tuple[Pin, ...] = ()
    id: str = "instance"

    def venues(self) -> tuple[Session, ...]:
        """Return sessions then summits: every place a meeting can be held."""
        return self.sessions + self.summits

    def venue(self, venue_id: str) -> Session:
        """Return the session or summit with id `venue_id`."""
        for venue in self.venues():
            if venue.id == venue_id:
                return venue
        raise KeyError(venue_id)

    def request(self, request_id: str) -> Request:
        """Return the request with id `request_id`."""
        for request in self.requests:
            if request.id == request_id:
                return request
        raise KeyError(request_id)


def _check_timezone(reader: Reader, name: str, path: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        reader.add("unknown_timezone", path, f"{name!r} is not an IANA time zone")
        return "UTC"
    return name


def _read_venue(
    reader: Reader, raw: object, path: str, *, organizations: tuple[str, ...], summit: bool
) -> Session | None:
    data = reader.obj(raw, path)
    if data is None:
        return None
    allowed = {"id", "city", "country", "timezone", "start", "end", "slots_per_day", "rooms"}
    allowed |= {"cost"} if summit else {"forum", "attendees"}
    reader.unknown_keys(data, path, allowed)
    venue_id = reader.string(data, "id", path)
    city = reader.string(data, "city", path)
    start = reader.date(data, "start", path)
    end = reader.date(data, "end", path)
    slots = reader.integer(data, "slots_per_day", path, maximum=MAX_SLOTS_PER_DAY)
    rooms = reader.integer(data, "rooms", path, maximum=MAX_ROOMS)
    timezone = reader.string(data, "timezone", path, default="UTC")
    country = reader.string(data, "country", path, default="-")
    attendees: list[str] | None = list(organizations)
    forum: str | None = ""
    cost: int | None = 0
    if summit:
        cost = reader.integer(data, "cost", path, default=0, minimum=0, maximum=MAX_PRIORITY)
    else:
        forum = reader.string(data, "forum", path, default="-")
        attendees = reader.string_list(data, "attendees", path, known=set(organizations))
    if timezone is not None:
        timezone = _check_timezone(reader, timezone, f"{path}.timezone")
    if start is not None and end is not None and end < start:
        reader.add("end_before_start", f"{path}.end", "must not be before start")
        return None
    if start is not None and end is not None and (end - start).days >= MAX_SESSION_DAYS:
        reader.add(
            "too_long", f"{path}.end", f"must be less than {MAX_SESSION_DAYS} days after start"
        )
        return None
    if (
        venue_id is None
        or city is None
        or start is None
        or end is None
        or slots is None
        or rooms is None
        or attendees is None
        or forum is None
        or cost is None
        or timezone is None
    ):
        return None
    return Session(
        id=venue_id,
        city=city,
        start=start,
        end=end,
        slots_per_day=slots,
        rooms=rooms,
        attendees=frozenset(attendees),
        forum="" if forum == "-" else forum,
        country="" if country in (None, "-") else str(country),
        timezone=timezone,
        is_summit=summit,
        cost=cost,
    )


def _read_request(
    reader: Reader, raw: object, path: str, *, organizations: tuple[str, ...]
) -> Request | None:
    data = reader.obj(raw, path)
    if data is None:
        return None
    reader.unknown_keys(
        data,
        path,
        {"id", "organizations", "topic", "priority", "slots", "not_before", "not_after"},
    )
    request_id = reader.string(data, "id", path)
    orgs = reader.string_list(data, "organizations", path, known=set(organizations))
    topic = reader.string(data, "topic", path, default="-")
    priority = reader.integer(data, "priority", path, default=1, maximum=MAX_PRIORITY)
    slots = reader.integer(data, "slots", path, default=1, maximum=MAX_SLOTS_PER_DAY)
    not_before = reader.date(data, "not_before", path, required=False)
    not_after = reader.date(data, "not_after", path, required=False)
    if orgs is not None and len(orgs) < 2:
        reader.add(
            "too_few_organizations",
            f"{path}.organizations",
            "must list at least two distinct organizations",
        )
        return None
    if not_before and not_after and not_after < not_before:
        reader.add("end_before_start", f"{path}.not_after", "must not be before not_before")
        return None
    if request_id is None or orgs is None or topic is None or priority is None or slots is None:
        return None
    return Request(
        id=request_id,
        organizations=tuple(orgs),
        topic="" if topic == "-" else topic,
        priority=priority,
        slots=slots,
        not_before=not_before,
        not_after=not_after,
    )


def _read_rules(reader: Reader, raw: object) -> Rules:
    data = reader.obj(raw, "$.rules")
    if data is None:
        return Rules()
    path = "$.rules"
    reader.unknown_keys(
        data,
        path,
        {
            "max_meetings_per_org_per_day",
            "min_meetings_per_org",
            "maximise_min_share",
            "fairness_tolerance",
            "travel",
            "co_chairs",
            "replan_tolerance",
            "day_start",
            "slot_minutes",
        },
    )
    cap: int | None = None
    if data.get("max_meetings_per_org_per_day") is not None:
        cap = reader.integer(data, "max_meetings_per_org_per_day", path, maximum=MAX_SLOTS_PER_DAY)
    floor = reader.integer(
        data, "min_meetings_per_org", path, default=0, minimum=0, maximum=MAX_PRIORITY
    )
    slot_minutes = reader.integer(data, "slot_minutes", path, default=90)
    day_start = dt.time(9, 0)
    if "day_start" in data:
        raw_start = data["day_start"]
        try:
            if not isinstance(raw_start, str) or len(raw_start) != 5:
                raise ValueError(raw_start)
            day_start = dt.time.fromisoformat(raw_start)
        except ValueError:
            reader.add("not_a_time", f"{path}.day_start", "must be a time HH:MM")
    if slot_minutes is not None:
        minutes_left = 24 * 60 - (day_start.hour * 60 + day_start.minute)
        if slot_minutes > minutes_left:
            reader.add("not_an_integer", f"{path}.slot_minutes", "must fit in the day")
    return Rules(
        max_meetings_per_org_per_day=cap,
        min_meetings_per_org=floor or 0,
        maximise_min_share=reader.boolean(data, "maximise_min_share", path, default=False),
        fairness_tolerance=reader.fraction(data, "fairness_tolerance", path),
        travel=reader.boolean(data, "travel", path, default=True),
        co_chairs=reader.boolean(data, "co_chairs", path, default=True),
        replan_tolerance=reader.fraction(data, "replan_tolerance", path),
        day_start=day_start,
        slot_minutes=slot_minutes or 90,
    )


def _read_pin(reader: Reader, raw: object, path: str) -> Pin | None:
    data = reader.obj(raw, path)
    if data is None:
        return None
    reader.unknown_keys(data, path, {"request", "session", "date", "slot", "room"})
    request = reader.string(data, "request", path)
    session = reader.string(data, "session", path)
    day = reader.date(data, "date", path)
    slot = reader.integer(data, "slot", path, minimum=0, maximum=MAX_SLOTS_PER_DAY)
    room = reader.integer(data, "room", path, minimum=0, maximum=MAX_ROOMS)
    if request is None or session is None or day is None or slot is None or room is None:
        return None
    return Pin(request=request, session=session, date=day, slot=slot, room=room)


def _check_unique(reader: Reader, ids: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for path, item_id in ids:
        if item_id in seen:
            reader.add(
                "duplicate_id", f"{path}.id", f"{item_id!r} is already used at {seen[item_id]}"
            )
        else:
            seen[item_id] = path


def parse_instance(data: object) -> Instance:
    """Validate decoded JSON and return the instance it describes.

    Structural problems are reported with their JSON path; pinned meetings are then
    checked against every planning rule, and pins that contradict each other or the
    rules are named (code ``contradictory_rules``).

    Args:
        data: the result of `json.loads` on a `sideline.plan-instance/1` file.

    Returns:
        The validated `Instance`.

    Raises:
        InstanceError: listing every issue found.

    Example:
        >>> parse_instance({"schema": "sideline.plan-instance/1", "organizations": ["a", "b"],
        ...     "sessions": [], "requests": []}).organizations
        ('a', 'b')
    """
    reader = Reader()
    root = reader.obj(data, "$")
    if root is None:
        raise InstanceError(reader.issues)
    reader.unknown_keys(
        root,
        "$",
        {"schema", "id", "organizations", "sessions", "requests", "rules", "summits", "pinned"},
    )
    if root.get("schema") != INSTANCE_SCHEMA:
        reader.add("wrong_schema", "$.schema", f"must be {INSTANCE_SCHEMA!r}")
    instance_id = reader.string(root, "id", "$", default="instance") or "instance"
    organizations = tuple(reader.string_list(root, "organizations", "$", known=None) or [])
    sessions: list[Session] = []
    for index, raw in enumerate(reader.items(root, "sessions", required=True)):
        venue = _read_venue(
            reader, raw, f"$.sessions[{index}]", organizations=organizations, summit=False
        )
        if venue is not None:
            sessions.append(venue)
    summits: list[Session] = []
    for index, raw in enumerate(reader.items(root, "summits", required=False)):
        venue = _read_venue(
            reader, raw, f"$.summits[{index}]", organizations=organizations, summit=True
        )
        if venue is not None:
            summits.append(venue)
    requests: list[Request] = []
    for index, raw in enumerate(reader.items(root, "requests", required=True)):
        request = _read_request(reader, raw, f"$.requests[{index}]", organizations=organizations)
        if request is not None:
            requests.append(request)
    rules = _read_rules(reader, root["rules"]) if "rules" in root else Rules()
    pins: list[Pin] = []
    for index, raw in enumerate(reader.items(root, "pinned", required=False)):
        pin = _read_pin(reader, raw, f"$.pinned[{index}]")
        if pin is not None:
            pins.append(pin)
    _check_unique(
        reader,
        [(f"$.sessions[{i}]", s.id) for i, s in enumerate(sessions)]
        + [(f"$.summits[{i}]", s.id) for i, s in enumerate(summits)],
    )
    _check_unique(reader, [(f"$.requests[{i}]", r.id) for i, r in enumerate(requests)])
    if reader.issues:
        raise InstanceError(reader.issues)
    instance = Instance(
        organizations=organizations,
        sessions=tuple(sessions),
        requests=tuple(requests),
        rules=rules,
        summits=tuple(summits),
        pinned=tuple(pins),
        id=instance_id,
    )
    _check_pins(instance)
    return instance


def _check_pins(instance: Instance) -> None:
    """Raise when pinned meetings break a rule on their own or contradict each other."""
    # Imported here: constraints builds on this module's dataclasses.
    from sideline.planner.constraints import check_pins

    issues = check_pins(instance)
    if issues:
        raise InstanceError(issues)
