"""Rules of joint decisions.

Ported from ``sideline.meetings.services``: any participant proposes; each participant
answers for itself (approve, with a statement or a reservation, object with a reason,
withdraw its position) on the exact text hash; a decision is adopted exactly when every
participant's standing position is approval of the same text hash; a proposal is edited
only before any answer; an adopted text never changes. The silence procedure's own acts are
in ``rules_silence``; commitments and calendars in their modules.
"""

from __future__ import annotations

import re

from sideline.federation.ops import Op
from sideline.federation.ordering import Placed
from sideline.federation.rules import (
    Rejected,
    blank,
    check_visibility,
    get_decision,
    get_meeting,
    proposers_open_decision,
    require_open_decision,
    require_participant,
)
from sideline.federation.rules_silence import before_deadline, silent
from sideline.federation.state import Answer, Decision, Meeting, SharedState

__all__ = ["APPROVALS", "DECISION_RULES", "paragraphs_of"]

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Positions that join consensus: with words or without.
APPROVALS = frozenset({"approve", "statement", "reservation"})
# The positions that need words, and what to say when they are missing.
_WORDS_REQUIRED = {
    "object": "say why your organization objects",
    "statement": "give the interpretative statement",
    "reservation": "give the reservation's words",
}


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
    decision = proposers_open_decision(state, op, "edits a proposal")
    if decision.answers:
        raise Rejected(
            "decision_answered",
            "organizations have answered this text; withdraw it and propose a new one",
        )
    if blank(op, "title") or blank(op, "text"):
        raise Rejected("text_required", "a decision needs a title and a text")
    decision.paragraphs = _paragraphs(op)
    decision.text_sha256 = op.content_sha256 or ""
    decision.op = op.hash


def _paragraph_of_answer(op: Op, decision: Decision, position: str) -> int | None:
    """The paragraph a reservation names; refuse an answer without the words it needs."""
    if position in _WORDS_REQUIRED and (op.content is None or blank(op, "reason")):
        raise Rejected("reason_required", _WORDS_REQUIRED[position])
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
    return paragraph if paragraph is None else int(paragraph)


def _require_change_of_position(decision: Decision, actor: str, position: str) -> None:
    standing = decision.standing.get(actor)
    if standing is not None and standing.position == position:
        code = "already_objected" if position == "object" else "already_approved"
        raise Rejected(code, f"{actor} already {position}s; withdraw first to change")
    if position == "withdraw" and standing is None:
        raise Rejected("nothing_to_withdraw", f"{actor} has no position to withdraw")


def _adopt_on_consensus(decision: Decision, meeting: Meeting, op: Op) -> None:
    """Adopted when every participant's standing position approves the current text."""
    if all(
        (a := decision.standing.get(org)) is not None
        and a.position in APPROVALS
        and a.text_sha256 == decision.text_sha256
        for org in meeting.participants
    ):
        decision.status = "adopted"
        decision.closed_by = op.hash


def respond_to_decision(state: SharedState, placed: Placed) -> None:
    op = placed.op
    decision = get_decision(state, op.object_id)
    meeting = state.meetings[decision.meeting]
    require_participant(meeting, op)
    require_open_decision(decision)
    check_visibility(op, public=meeting.public)
    if op.args["text_sha256"] != decision.text_sha256:
        raise Rejected(
            "text_mismatch",
            f"the answer names text {op.args['text_sha256'][:12]}…, "
            f"the decision's text is {decision.text_sha256[:12]}…",
        )
    position = op.args["position"]
    paragraph = _paragraph_of_answer(op, decision, position)
    at = before_deadline(decision, op) if silent(decision) else None
    _require_change_of_position(decision, op.actor, position)
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
    _adopt_on_consensus(decision, meeting, op)


def withdraw_decision(state: SharedState, placed: Placed) -> None:
    op = placed.op
    decision = proposers_open_decision(state, op, "withdraws its proposal")
    if blank(op, "reason"):
        raise Rejected("reason_required", "say why the proposal is withdrawn")
    decision.status = "withdrawn"
    decision.closed_by = op.hash


DECISION_RULES = {
    "decision.propose": propose_decision,
    "decision.edit": edit_decision,
    "decision.respond": respond_to_decision,
    "decision.withdraw": withdraw_decision,
}
