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

from sideline.federation.ops import Op
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

__all__ = ["APPROVALS", "DECISION_RULES", "paragraphs_of"]

_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Positions that join consensus: with words or without.
APPROVALS = frozenset({"approve", "statement", "reservation"})


def paragraphs_of(text: str) -> int:
    """Count a text's paragraphs: blocks separated by blank lines.

    >>> paragraphs_of("First.\\n\\n  \\nSecond,\\nstill second.\\n\\nThird.")
    3
    """
    return max(1, sum(1 for block in _BLANK_LINE.split(text.strip()) if block.strip()))


def _texts(op: Op) -> list[tuple[str, str]]:
    """Each language version of a clear decision content: (language, text)."""
    clear = op.clear
    if clear is None or op.sealed:
        return []
    versions = [(clear.get("language", "en"), clear["text"])]
    versions += [(v["language"], v["text"]) for v in clear.get("versions", [])]
    return versions


def _paragraphs(op: Op) -> int:
    """The paragraphs every version has: declared in args or counted; all must agree.

    Equally authentic texts are aligned paragraph by paragraph, so that a reservation on
    paragraph 3 names the same words in every language.
    """
    versions = _texts(op)
    languages = [language for language, _ in versions]
    if len(set(languages)) != len(languages):
        raise Rejected("duplicate_language", "give each language version once")
    counts = {language: paragraphs_of(text) for language, text in versions}
    declared = op.args.get("paragraphs")
    expected = declared if declared is not None else next(iter(counts.values()), 1)
    differing = sorted(language for language, n in counts.items() if n != expected)
    if differing:
        raise Rejected(
            "paragraphs_mismatch",
            f"every version has {expected} paragraph(s); {', '.join(differing)} "
            f"has {', '.join(str(counts[d]) for d in differing)}",
        )
    return int(expected)


def _tick(decision: Decision, op: Op) -> str:
    """The op's signed time: never before its actor's previous time on this decision."""
    at = op.args.get("at")
    if at is None:
        raise Rejected("time_required", "under a silence procedure an act carries its signed time")
    last = decision.clock.get(op.actor)
    if last is not None and at < last:
        raise Rejected(
            "time_goes_back",
            f"{op.actor} already acted on this decision at {last}; {at} is earlier",
        )
    return str(at)


def _silent(decision: Decision) -> bool:
    """Whether the silence procedure still runs: silence, and not broken."""
    return decision.procedure == "silence" and decision.silence_broken_by is None


def _require_silence(decision: Decision) -> None:
    if decision.procedure != "silence":
        raise Rejected(
            "not_silence_procedure", f"decision {decision.id} is taken at a meeting, not by silence"
        )
    if decision.silence_broken_by is not None:
        raise Rejected("silence_broken", "silence was broken: the decision needs consensus now")


def _adopt_if_silence_ran_out(decision: Decision, meeting_participants: set[str], op: Op) -> None:
    """Adopted by silence once every participant's log says the deadline passed.

    Nobody's clock decides for another: each participant, in its own log, either broke
    silence (or objects) with a signed time before the deadline, or recorded a signed
    time at or after it, after which its own times cannot go back before the deadline.
    """
    if set(decision.observed) >= meeting_participants and not any(
        a.position == "object" for a in decision.standing.values()
    ):
        decision.status = "adopted"
        decision.closed_by = op.hash


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
    procedure = op.args.get("procedure", "meeting")
    deadline, zone = op.args.get("deadline"), op.args.get("timezone")
    if procedure == "silence" and (deadline is None or zone is None):
        raise Rejected(
            "deadline_required", "a silence procedure needs a deadline and its time zone"
        )
    if procedure == "meeting" and deadline is not None:
        raise Rejected("deadline_not_allowed", "a decision taken at a meeting has no deadline")
    decision = Decision(
        id=op.object_id,
        meeting=meeting.id,
        number=len(meeting.decisions) + 1,
        proposed_by=op.actor,
        text_sha256=op.content_sha256 or "",
        op=op.hash,
        amends=amends,
        paragraphs=_paragraphs(op),
        procedure=procedure,
        deadline=deadline,
        timezone=zone,
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
    decision.paragraphs = _paragraphs(op)
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
    if position in ("object", "statement", "reservation") and (
        op.content is None or blank(op, "reason")
    ):
        words = {
            "object": "say why your organization objects",
            "statement": "give the interpretative statement",
            "reservation": "give the reservation's words",
        }
        raise Rejected("reason_required", words[position])
    paragraph = op.args.get("paragraph")
    if position == "reservation" and paragraph is None:
        raise Rejected("paragraph_required", "a reservation names the paragraph it is about")
    if paragraph is not None and position != "reservation":
        raise Rejected("paragraph_not_allowed", "only a reservation names a paragraph")
    if paragraph is not None and paragraph > decision.paragraphs:
        raise Rejected(
            "unknown_paragraph",
            f"the text has {decision.paragraphs} paragraph(s); there is no paragraph {paragraph}",
        )
    at = None
    if _silent(decision):
        at = _tick(decision, op)
        assert decision.deadline is not None
        if at >= decision.deadline:
            raise Rejected(
                "deadline_passed", f"the deadline {decision.deadline} passed before {at}"
            )
    standing = decision.standing.get(op.actor)
    if standing is not None and standing.position == position:
        code = "already_objected" if position == "object" else "already_approved"
        raise Rejected(code, f"{op.actor} already {position}s; withdraw first to change")
    if position == "withdraw" and standing is None:
        raise Rejected("nothing_to_withdraw", f"{op.actor} has no position to withdraw")
    answer = Answer(op.actor, position, op.args["text_sha256"], op.hash, paragraph, at)
    if at is not None:
        decision.clock[op.actor] = at
        if position == "object":
            # An objection under silence breaks it: the text then needs consensus.
            decision.silence_broken_by = op.hash
    decision.answers.append(answer)
    if position == "withdraw":
        del decision.standing[op.actor]
    else:
        decision.standing[op.actor] = answer
    if all(
        (a := decision.standing.get(org)) is not None
        and a.position in APPROVALS
        and a.text_sha256 == decision.text_sha256
        for org in meeting.participants
    ):
        decision.status = "adopted"
        decision.closed_by = op.hash


def _silence_act(state: SharedState, op: Op) -> Decision:
    """The open decision under silence that a participant's ``op`` acts on."""
    decision = get_decision(state, op.object_id)
    meeting = state.meetings[decision.meeting]
    require_participant(meeting, op)
    _require_open(decision)
    _require_silence(decision)
    check_visibility(op, public=meeting.public)
    return decision


def break_silence(state: SharedState, placed: Placed) -> None:
    op = placed.op
    decision = _silence_act(state, op)
    if op.args["text_sha256"] != decision.text_sha256:
        raise Rejected("text_mismatch", "the op names another text than the decision's")
    if blank(op, "reason"):
        raise Rejected("reason_required", "say why your organization breaks silence")
    at = _tick(decision, op)
    assert decision.deadline is not None
    if at >= decision.deadline:
        raise Rejected(
            "deadline_passed",
            f"silence is broken before the deadline {decision.deadline}, not at {at}",
        )
    decision.clock[op.actor] = at
    decision.silence_broken_by = op.hash
    decision.answers.append(
        Answer(op.actor, "break_silence", op.args["text_sha256"], op.hash, None, at)
    )


def extend_deadline(state: SharedState, placed: Placed) -> None:
    op = placed.op
    decision = get_decision(state, op.object_id)
    if op.actor != decision.proposed_by:
        raise Rejected("not_proposer", "only the proposing organization extends the deadline")
    _require_open(decision)
    _require_silence(decision)
    check_visibility(op, public=state.meetings[decision.meeting].public)
    at = _tick(decision, op)
    assert decision.deadline is not None
    if at >= decision.deadline:
        raise Rejected("deadline_passed", f"the deadline {decision.deadline} passed before {at}")
    if op.args["deadline"] <= decision.deadline:
        raise Rejected(
            "deadline_not_later",
            f"a new deadline comes after {decision.deadline}, not at {op.args['deadline']}",
        )
    decision.clock[op.actor] = at
    decision.deadline = op.args["deadline"]
    # Who recorded the old deadline as passed has not seen the new one pass.
    decision.observed = {
        org: seen for org, seen in decision.observed.items() if seen >= decision.deadline
    }


def observe_deadline(state: SharedState, placed: Placed) -> None:
    op = placed.op
    decision = _silence_act(state, op)
    at = _tick(decision, op)
    assert decision.deadline is not None
    if at < decision.deadline:
        raise Rejected("deadline_not_passed", f"the deadline {decision.deadline} is after {at}")
    if op.actor in decision.observed:
        raise Rejected("already_observed", f"{op.actor} already recorded the deadline as passed")
    decision.clock[op.actor] = at
    decision.observed[op.actor] = at
    decision.answers.append(Answer(op.actor, "observe", decision.text_sha256, op.hash, None, at))
    _adopt_if_silence_ran_out(decision, state.meetings[decision.meeting].participants, op)


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
    "decision.break_silence": break_silence,
    "decision.extend": extend_deadline,
    "decision.observe": observe_deadline,
    "commitment.make": make_commitment,
    "commitment.report": report_progress,
    "commitment.close": close_commitment,
    "calendar.publish": publish_calendar,
    "calendar.respond": respond_to_calendar,
}
