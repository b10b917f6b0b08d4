"""Rules of the silence procedure: a text adopted at a deadline unless silence is broken.

Nobody's clock decides for another node: every act under silence carries its actor's signed
time, which never goes back on the same decision; the deadline is a UTC instant compared with
those times, so every node reaches the same verdict from the same operations.
"""

from __future__ import annotations

from sideline.federation.ops import Op
from sideline.federation.ordering import Placed
from sideline.federation.rules import (
    Rejected,
    blank,
    check_visibility,
    get_decision,
    proposers_open_decision,
    require_open_decision,
    require_participant,
)
from sideline.federation.state import Answer, Decision, SharedState

__all__ = [
    "SILENCE_RULES",
    "before_deadline",
    "break_silence",
    "extend_deadline",
    "observe_deadline",
    "signed_time",
    "silent",
]


def signed_time(decision: Decision, op: Op) -> str:
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


def before_deadline(decision: Decision, op: Op) -> str:
    """The op's signed time, refused at or after the deadline: the one check shared by the
    acts that must come in time (an answer, breaking silence, an extension)."""
    at = signed_time(decision, op)
    assert decision.deadline is not None
    if at >= decision.deadline:
        raise Rejected("deadline_passed", f"the deadline {decision.deadline} passed before {at}")
    return at


def silent(decision: Decision) -> bool:
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

    Each participant, in its own log, either broke silence (or objects) with a signed time
    before the deadline, or recorded a signed time at or after it, after which its own
    times cannot go back before the deadline.
    """
    if set(decision.observed) >= meeting_participants and not any(
        a.position == "object" for a in decision.standing.values()
    ):
        decision.status = "adopted"
        decision.closed_by = op.hash


def _silence_act(state: SharedState, op: Op) -> Decision:
    """The open decision under silence that a participant's ``op`` acts on."""
    decision = get_decision(state, op.object_id)
    meeting = state.meetings[decision.meeting]
    require_participant(meeting, op)
    require_open_decision(decision)
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
    at = before_deadline(decision, op)
    decision.clock[op.actor] = at
    decision.silence_broken_by = op.hash
    decision.answers.append(
        Answer(op.actor, "break_silence", op.args["text_sha256"], op.hash, None, at)
    )


def extend_deadline(state: SharedState, placed: Placed) -> None:
    op = placed.op
    decision = proposers_open_decision(state, op, "extends the deadline")
    _require_silence(decision)
    at = before_deadline(decision, op)
    assert decision.deadline is not None
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
    at = signed_time(decision, op)
    assert decision.deadline is not None
    if at < decision.deadline:
        raise Rejected("deadline_not_passed", f"the deadline {decision.deadline} is after {at}")
    if op.actor in decision.observed:
        raise Rejected("already_observed", f"{op.actor} already recorded the deadline as passed")
    decision.clock[op.actor] = at
    decision.observed[op.actor] = at
    decision.answers.append(Answer(op.actor, "observe", decision.text_sha256, op.hash, None, at))
    _adopt_if_silence_ran_out(decision, state.meetings[decision.meeting].participants, op)


SILENCE_RULES = {
    "decision.break_silence": break_silence,
    "decision.extend": extend_deadline,
    "decision.observe": observe_deadline,
}
