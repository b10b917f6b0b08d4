"""Rules of published calendars: a publisher's versions only go forward, and each
organization of a placed meeting answers the exact version it saw."""

from __future__ import annotations

from sideline.federation.ordering import Placed
from sideline.federation.rules import Rejected, blank, check_visibility
from sideline.federation.state import Calendar, SharedState

__all__ = [
    "CALENDAR_RULES",
    "publish_calendar",
    "respond_to_calendar",
]


def publish_calendar(state: SharedState, placed: Placed) -> None:
    op = placed.op
    args = op.args
    requests = [m["request"] for m in args["meetings"]]
    if len(set(requests)) != len(requests):
        raise Rejected("duplicate_request", "list each request of the calendar once")
    latest = max(
        (
            c.version
            for c in state.calendars.values()
            if c.publisher == op.actor and c.year == args["year"]
        ),
        default=0,
    )
    if args["version"] <= latest:
        raise Rejected(
            "version_not_newer",
            f"{op.actor} already published version {latest} for {args['year']}",
        )
    state.calendars[op.object_id] = Calendar(
        id=op.object_id,
        publisher=op.actor,
        year=args["year"],
        version=args["version"],
        calendar_sha256=args["calendar_sha256"],
        meetings={m["request"]: frozenset(m["organizations"]) for m in args["meetings"]},
        op=op.hash,
    )


def respond_to_calendar(state: SharedState, placed: Placed) -> None:
    op = placed.op
    args = op.args
    calendar = state.calendars.get(op.object_id)
    if calendar is None:
        raise Rejected("unknown_calendar", f"no calendar {op.object_id}")
    organizations = calendar.meetings.get(args["request"])
    if organizations is None:
        raise Rejected("unknown_request", f"the calendar has no meeting {args['request']}")
    if op.actor not in organizations:
        raise Rejected("not_in_meeting", f"{op.actor} is not in meeting {args['request']}")
    if any(
        c.publisher == calendar.publisher
        and c.year == calendar.year
        and c.version > calendar.version
        for c in state.calendars.values()
    ):
        raise Rejected("calendar_superseded", "a newer version of this calendar is published")
    if args["calendar_sha256"] != calendar.calendar_sha256:
        raise Rejected("calendar_mismatch", "the answer names another calendar hash")
    check_visibility(op, public=True)
    answer = args["answer"]
    if answer == "decline" and (op.content is None or blank(op, "reason")):
        raise Rejected("reason_required", "say why your organization declines")
    answers = calendar.answers.setdefault(args["request"], {})
    if answers.get(op.actor) == answer:
        raise Rejected("already_answered", f"{op.actor} already answered {answer}")
    answers[op.actor] = answer


CALENDAR_RULES = {
    "calendar.publish": publish_calendar,
    "calendar.respond": respond_to_calendar,
}
