"""Plans (`sideline.plan/1`): dataclasses and their JSON form.

The JSON Schemas for both planner files live in ``docs/schemas/``; this module writes
and reads plans, and `schema_path` locates those schema files for validators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "PLAN_SCHEMA",
    "Meeting",
    "Move",
    "Plan",
    "PlanError",
    "Reason",
    "Shortfall",
    "Unplaced",
    "parse_plan",
    "plan_to_json",
    "schema_path",
]

PLAN_SCHEMA = "sideline.plan/1"


class PlanError(ValueError):
    """Raised when a plan file cannot be read; `code` is stable, `path` locates it."""

    def __init__(self, code: str, path: str, message: str) -> None:
        self.code = code
        self.path = path
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True, slots=True)
class Meeting:
    """A placed meeting: `slots` consecutive slots from `slot` in room `room`."""

    request: str
    session: str
    date: dt.date
    slot: int
    room: int
    organizations: tuple[str, ...]
    topic: str = ""
    slots: int = 1
    co_chairs: tuple[str, ...] = ()

    def slot_range(self) -> range:
        """Return the slot indices the meeting occupies."""
        return range(self.slot, self.slot + self.slots)

    def position(self) -> tuple[str, dt.date, int]:
        """Return (session, date, slot): what a move changes; rooms are reassignable."""
        return (self.session, self.date, self.slot)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a request is not placed: a stable code, a message and structured details."""

    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A request the plan does not place, with every reason found."""

    request: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Move:
    """A meeting that re-planning changed; `to` None means the meeting was removed."""

    request: str
    source: Meeting
    target: Meeting | None


@dataclass(frozen=True, slots=True)
class Shortfall:
    """An organization that the fairness floor could not serve."""

    organization: str
    required: int
    placed: int


@dataclass(frozen=True, slots=True)
class Plan:
    """The calendar of possible meetings and how good it is proven to be."""

    meetings: tuple[Meeting, ...]
    unplaced: tuple[Unplaced, ...]
    objective: int
    bound: int
    status: str
    statistics: Mapping[str, Any] = field(default_factory=dict)
    summits: tuple[str, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    moves: tuple[Move, ...] | None = None
    instance: str = "instance"


def _meeting_json(meeting: Meeting) -> dict[str, Any]:
    return {
        "request": meeting.request,
        "session": meeting.session,
        "date": meeting.date.isoformat(),
        "slot": meeting.slot,
        "slots": meeting.slots,
        "room": meeting.room,
        "organizations": list(meeting.organizations),
        "topic": meeting.topic,
        "co_chairs": list(meeting.co_chairs),
    }


def _position_json(meeting: Meeting) -> dict[str, Any]:
    return {
        "session": meeting.session,
        "date": meeting.date.isoformat(),
        "slot": meeting.slot,
        "room": meeting.room,
    }


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """Return the `sideline.plan/1` JSON object for `plan` (keys in a fixed order)."""
    out: dict[str, Any] = {
        "schema": PLAN_SCHEMA,
        "instance": plan.instance,
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "meetings": [_meeting_json(m) for m in plan.meetings],
        "unplaced": [
            {
                "request": u.request,
                "reasons": [
                    {"code": r.code, "message": r.message, **dict(r.details)} for r in u.reasons
                ],
            }
            for u in plan.unplaced
        ],
        "summits": list(plan.summits),
        "shortfalls": [
            {"organization": s.organization, "required": s.required, "placed": s.placed}
            for s in plan.shortfalls
        ],
        "statistics": dict(plan.statistics),
    }
    if plan.moves is not None:
        out["moves"] = [
            {
                "request": m.request,
                "from": _position_json(m.source),
                "to": None if m.target is None else _position_json(m.target),
            }
            for m in plan.moves
        ]
    return out


def _need(data: Mapping[str, Any], key: str, path: str, kind: type | tuple[type, ...]) -> Any:
    if key not in data:
        raise PlanError("required", f"{path}.{key}", "is required")
    value = data[key]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise PlanError("wrong_type", f"{path}.{key}", f"must be {getattr(kind, '__name__', kind)}")
    return value


def _read_meeting(raw: object, path: str) -> Meeting:
    if not isinstance(raw, dict):
        raise PlanError("not_an_object", path, "must be an object")
    try:
        day = dt.date.fromisoformat(_need(raw, "date", path, str))
    except ValueError as error:
        raise PlanError("not_a_date", f"{path}.date", "must be a date YYYY-MM-DD") from error
    return Meeting(
        request=_need(raw, "request", path, str),
        session=_need(raw, "session", path, str),
        date=day,
        slot=_need(raw, "slot", path, int),
        room=_need(raw, "room", path, int),
        organizations=tuple(_need(raw, "organizations", path, list)),
        topic=str(raw.get("topic", "")),
        slots=int(raw.get("slots", 1)),
        co_chairs=tuple(raw.get("co_chairs", ())),
    )


def parse_plan(data: object) -> Plan:
    """Read a `sideline.plan/1` JSON object back into a `Plan`.

    Unplaced reasons, moves and statistics are kept as far as re-planning needs them:
    meetings fully, the rest as given.

    Raises:
        PlanError: when the object is not a plan.
    """
    if not isinstance(data, dict):
        raise PlanError("not_an_object", "$", "must be an object")
    if data.get("schema") != PLAN_SCHEMA:
        raise PlanError("wrong_schema", "$.schema", f"must be {PLAN_SCHEMA!r}")
    meetings = tuple(
        _read_meeting(raw, f"$.meetings[{i}]")
        for i, raw in enumerate(_need(data, "meetings", "$", list))
    )
    unplaced = tuple(
        Unplaced(
            request=str(u.get("request", "")),
            reasons=tuple(
                Reason(
                    code=str(r.get("code", "")),
                    message=str(r.get("message", "")),
                    details={k: v for k, v in r.items() if k not in ("code", "message")},
                )
                for r in u.get("reasons", [])
            ),
        )
        for u in data.get("unplaced", [])
        if isinstance(u, dict)
    )
    return Plan(
        meetings=meetings,
        unplaced=unplaced,
        objective=int(data.get("objective", 0)),
        bound=int(data.get("bound", 0)),
        status=str(data.get("status", "feasible")),
        statistics=dict(data.get("statistics", {})),
        summits=tuple(data.get("summits", ())),
        instance=str(data.get("instance", "instance")),
    )


def schema_path(name: str) -> Path:
    """Return the path of a JSON Schema in docs/schemas (``plan-1`` or ``plan-instance-1``)."""
    return Path(__file__).resolve().parents[3] / "docs" / "schemas" / f"{name}.schema.json"
