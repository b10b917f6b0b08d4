"""Rules of commitments: they follow an adopted decision, and only their owner reports
progress or closes them; a sub-item divides its owner's own commitment."""

from __future__ import annotations

import re

from sideline.federation.ordering import Placed
from sideline.federation.rules import (
    Rejected,
    blank,
    check_visibility,
    get_commitment,
    get_decision,
    require_participant,
)
from sideline.federation.state import Commitment, SharedState

__all__ = [
    "COMMITMENT_RULES",
    "close_commitment",
    "make_commitment",
    "report_progress",
]

_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")


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


COMMITMENT_RULES = {
    "commitment.make": make_commitment,
    "commitment.report": report_progress,
    "commitment.close": close_commitment,
}
