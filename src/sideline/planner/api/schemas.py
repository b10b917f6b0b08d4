"""The planner API's bodies: plans, their meetings, unplaced requests, feed items and
requests entered by hand."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from sideline.openapi import Input
from sideline.planner.services import KEY_LENGTH, MAX_PRIORITY, MAX_SLOTS, TOPIC_LENGTH
from sideline.validators import BLANK, Day, Text

__all__ = [
    "FeedItemOut",
    "MeetingRequestChangeIn",
    "MeetingRequestIn",
    "MeetingRequestOut",
    "PlacementOut",
    "PlanOut",
    "PlannedMeetingOut",
    "UnplacedOut",
]


class PlanOut(Schema):
    id: int
    year: int
    version: int
    status: str
    solver_status: str
    objective: int
    bound: int
    created: dt.datetime
    published_at: dt.datetime | None
    published_by: str | None
    changelog: str


class PlannedMeetingOut(Schema):
    request: str
    organizations: list[str]
    topic: str
    session: str
    # A special summit of the plan's instance (`session` is its id, `forum` None).
    summit: bool
    forum: str | None
    date: dt.date
    slot: int
    slots: int
    room: int
    start: dt.datetime
    end: dt.datetime
    timezone: str
    co_chairs: list[str]
    pinned: bool
    warnings: list[dict[str, Any]]


class UnplacedOut(Schema):
    request: str
    organizations: list[str]
    priority: int
    reasons: list[dict[str, Any]]


class FeedItemOut(Schema):
    organization: str
    year: int
    version: int
    previous_version: int | None
    request: str
    change: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


_TEXT = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
# What _KEY allows: a letter or digit, then these.
_KEY_START = "[A-Za-z0-9][A-Za-z0-9._-]"


def _stripped(most: int) -> str:
    # Text whose stripped form has at most `most` characters.
    inner = f"[^{_TEXT}{BLANK}](?:[^{_TEXT}]{{0,{most - 2}}}[^{_TEXT}{BLANK}])?"
    return f"^[{BLANK}]*(?:{inner})?[{BLANK}]*$"


# An unknown slug is a 404 as everywhere in the API (docs/api.md); a taken key a conflict.
class MeetingRequestChangeIn(Input):
    """A request entered by hand, as it should now be; its identifier is in the URL."""

    # The request services' limits (_request_errors), declared in the document only: the
    # services refuse with messages that name what to do, which pydantic's would not.
    organizations: Annotated[list[Text], Field(json_schema_extra={"minItems": 2})]
    topic: Annotated[Text, Field(json_schema_extra={"pattern": _stripped(TOPIC_LENGTH)})] = ""
    priority: Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": MAX_PRIORITY})] = 1
    slots: Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": MAX_SLOTS})] = 1
    not_before: Day | None = None
    not_after: Day | None = None

    def fields(self) -> dict[str, Any]:
        """Return the request's fields as the request services take them."""
        return self.model_dump(exclude={"id"})


class MeetingRequestIn(MeetingRequestChangeIn):
    """A request entered by hand, in the instance format (``id`` is its identifier)."""

    # The services strip the identifier before checking it against _KEY.
    id: Annotated[
        str,
        Field(
            json_schema_extra={
                "pattern": f"^[{BLANK}]*{_KEY_START}{{0,{KEY_LENGTH - 1}}}[{BLANK}]*$"
            }
        ),
    ]


class PlacementOut(Schema):
    session: str
    summit: bool
    date: dt.date
    slot: int
    room: int
    start: dt.datetime
    end: dt.datetime
    timezone: str


class MeetingRequestOut(Schema):
    id: str
    year: int
    organizations: list[str]
    topic: str
    function: str | None
    priority: int
    slots: int
    not_before: dt.date | None
    not_after: dt.date | None
    origin: str
    version: int | None
    status: str
    meeting: PlacementOut | None
    reasons: list[dict[str, Any]]
    deletable: bool
