"""Rules of joint decisions, commitments and published calendars.

Ported from ``sideline.meetings.services``: any participant proposes; each participant
answers for itself (approve, object with a reason, withdraw its position) on the exact
text hash; a decision is adopted exactly when every participant's standing position is
approval of the same text hash; a proposal is edited only before any answer; an adopted
text never changes; commitments follow an adopted decision and only their owner reports
progress or closes them.
"""

from __future__ import annotations

import re

from sideline.federation.ordering import Placed
from sideline.federation.rules import (
    Rejected,
    blank,
    check_visibility,
    get_commitment,
    get_decision,
    get_meeting,
    require_participant,
)
from sideline.federation.state import Answer, Calendar, Commitment, Decision, SharedState

__all__ = ["DECISION_RULES"]

_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")


def _require_open(decision: Decision) -> None:
    if decision.status != "proposed":
        raise Rejected(
            f"decision_{decision.status}",
            f"decision {decision.id} is {decision.status}; it takes no more changes or answers",
        )


def propose_decision(state: SharedState, placed: Placed) -> None:
    op = placed.op
    meeting = get_meeting(state, op.args["meeting"])
    require_participant(meeting, op)
    check_visibility(op, public=meeting.public)
    if blank(op, "title") or blank(op, "text"):
        raise Rejected("text_required", "a decision needs a title and a text")
    amends = op.args["amends"]
    if amends is not None:
        amended = state.decisions.get(amends)
        if amended is None or amended.meeting != meeting.id or amended.status != "adopted":
            raise Rejected(
                "amends_not_adopted", "only an adopted decision of this meeting is amended"
            )
    decision = Decision(
        id=op.object_id,
        meeting=meeting.id,
        number=len(meeting.decisions) + 1,
        proposed_by=op.actor,
        text_sha256=op.content_sha256 or "",
        op=op.hash,
        amends=amends,
    )
    state.decisions[op.object_id] = decision
    meeting.decisions.append(op.object_id)


def edit_decision(state: SharedState, placed: Placed) -> None:
    op = placed.op
    decision = get_decision(state, op.object_id)
    if op.actor != decision.proposed_by:
        raise Rejected("not_proposer", "only the proposing organization edits a proposal")
    _require_open(decision)
    if decision.answers:
        raise Rejected(
            "decision_answered",
            "organizations have answered this text; withdraw it and propose a new one",
        )
    check_visibility(op, public=state.meetings[decision.meeting].public)
    if blank(op, "title") or blank(op, "text"):
        raise Rejected("text_required", "a decision needs a title and a text")
    decision.text_sha256 = op.content_sha256 or ""
    decision.op = op.hash


def respond_to_decision(state: SharedState, placed: Placed) -> None:
    op = placed.op
    decision = get_decision(state, op.object_id)
    meeting = state.meetings[decision.meeting]
    require_participant(meeting, op)
    _require_open(decision)
    check_visibility(op, public=meeting.public)
    if op.args["text_sha256"] != decision.text_sha256:
        raise Rejected(
            "text_mismatch",
            f"the answer names text {op.args['text_sha256'][:12]}…, "
            f"the decision's text is {decision.text_sha256[:12]}…",
        )
    position = op.args["position"]
    if position == "object" and (op.content is None or blank(op, "reason")):
        raise Rejected("reason_required", "say why your organization objects")
    standing = decision.standing.get(op.actor)
    if standing is not None and standing.position == position:
        code = "already_approved" if position == "approve" else "already_objected"
        raise Rejected(code, f"{op.actor} already {position}s; withdraw first to change")
    if position == "withdraw" and standing is None:
        raise Rejected("nothing_to_withdraw", f"{op.actor} has no position to withdraw")
    answer = Answer(op.actor, position, op.args["text_sha256"], op.hash)
    decision.answers.append(answer)
    if position == "withdraw":
        del decision.standing[op.actor]
    else:
        decision.standing[op.actor] = answer
    if all(
        (a := decision.standing.get(org)) is not None
        and a.position == "approve"
        and a.text_sha256 == decision.text_sha256
        for org in meeting.participants
    ):
        decision.status = "adopted"
        decision.closed_by = op.hash


def withdraw_decision(state: SharedState, placed: Placed) -> None:
    op = placed.op
    decision = get_decision(state, op.object_id)
    if op.actor != decision.proposed_by:
        raise Rejected("not_proposer", "only the proposing organization withdraws its proposal")
    _require_open(decision)
    check_visibility(op, public=state.meetings[decision.meeting].public)
    if blank(op, "reason"):
        raise Rejected("reason_required", "say why the proposal is withdrawn")
    decision.status = "withdrawn"
    decision.closed_by = op.hash


def make_commitment(state: SharedState, placed: Placed) -> None:
    op = placed.op
    args = op.args
    decision = get_decision(state, args["decision"])
    meeting = state.meetings[decision.meeting]
    require_participant(meeting, op)
    if decision.status != "adopted":
        raise Rejected("decision_not_adopted", "commitments follow from an adopted decision")
    check_visibility(op, public=meeting.public)
    if blank(op, "description") or blank(op, "target"):
        raise Rejected("target_required", "a commitment needs a description and a target")
    clear = op.clear
    if clear is not None and len(clear["milestones"]) != len(args["milestones"]):
        raise Rejected("milestones_mismatch", "give as many milestone titles as milestones in args")
    parent_id = args["parent"]
    if parent_id is not None:
        parent = state.commitments.get(parent_id)
        if parent is None or parent.decision != decision.id or parent.parent is not None:
            raise Rejected(
                "bad_parent", "a sub-item belongs to a top-level commitment of the same decision"
            )
        if parent.owner != op.actor:
            # A sub-item divides an organization's own commitment; another organization
            # that wants to take part makes a commitment of its own.
            raise Rejected(
                "not_parent_owner", f"sub-items of {parent_id} belong to {parent.owner}, its owner"
            )
    if args["review"] is not None and args["review"] > args["due"]:
        raise Rejected("review_after_due", "review before the due date")
    state.commitments[op.object_id] = Commitment(
        id=op.object_id,
        decision=decision.id,
        parent=parent_id,
        owner=op.actor,
        due=args["due"],
        timezone=args["timezone"] or meeting.timezone,
        review=args["review"],
        milestones=[False] * len(args["milestones"]),
        content_sha256=op.content_sha256 or "",
        op=op.hash,
    )


def _own_open_commitment(state: SharedState, placed: Placed) -> Commitment:
    op = placed.op
    commitment = get_commitment(state, op.object_id)
    if op.actor != commitment.owner:
        raise Rejected("not_owner", f"only {commitment.owner}, the owner, updates its commitment")
    if commitment.closed_as:
        raise Rejected(
            "commitment_closed",
            f"the commitment is {commitment.closed_as}; it takes no more updates",
        )
    meeting = state.meetings[state.decisions[commitment.decision].meeting]
    check_visibility(op, public=meeting.public)
    return commitment


def report_progress(state: SharedState, placed: Placed) -> None:
    op = placed.op
    commitment = _own_open_commitment(state, placed)
    percent, milestone = op.args["percent"], op.args["milestone"]
    if percent is None and milestone is None:
        raise Rejected("progress_required", "report a percent or a milestone reached")
    if milestone is not None and milestone >= len(commitment.milestones):
        raise Rejected("unknown_milestone", f"no milestone {milestone} on this commitment")
    clear = op.clear
    url = clear.get("evidence_url") if clear is not None else None
    if url and not _HTTP_URL.fullmatch(url):
        raise Rejected("bad_evidence_url", "give an http or https link as evidence")
    if milestone is not None:
        commitment.milestones[milestone] = True
    if percent is None:
        percent = round(100 * sum(commitment.milestones) / len(commitment.milestones))
    commitment.progress = percent
    commitment.reported = True
    commitment.reports.append(op.hash)


def close_commitment(state: SharedState, placed: Placed) -> None:
    op = placed.op
    commitment = _own_open_commitment(state, placed)
    closed_as = op.args["closed_as"]
    if closed_as == "dropped" and (op.content is None or blank(op, "reason")):
        raise Rejected("reason_required", "say why the commitment is dropped")
    commitment.closed_as = closed_as
    if closed_as == "done":
        commitment.progress = 100
    commitment.reports.append(op.hash)


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


DECISION_RULES = {
    "decision.propose": propose_decision,
    "decision.edit": edit_decision,
    "decision.respond": respond_to_decision,
    "decision.withdraw": withdraw_decision,
    "commitment.make": make_commitment,
    "commitment.report": report_progress,
    "commitment.close": close_commitment,
    "calendar.publish": publish_calendar,
    "calendar.respond": respond_to_calendar,
}
