"""What every rule module shares: the refusal, roles, and lookups that refuse.

A rule function takes the state and an op placed in the order, and either changes the
state or raises :class:`Rejected` *before* changing anything. Rules read only the op
and the state: never a clock, a time zone database, a registry or a library whose
verdict could differ between nodes.
"""

from __future__ import annotations

from sideline.federation.kinds import MAX_PARTICIPANTS
from sideline.federation.ops import Op
from sideline.federation.state import Commitment, Decision, Meeting, SharedState

__all__ = [
    "ACT",
    "COORDINATE",
    "DELEGATION",
    "SIGN",
    "Rejected",
    "blank",
    "check_channel",
    "check_visibility",
    "get_commitment",
    "get_decision",
    "get_meeting",
    "proposers_open_decision",
    "require_host",
    "require_open_decision",
    "require_participant",
]

# The roles an organization's person may hold, as the op claims them. A signatory
# also prepares; a focal point is a delegate who also names the delegation.
ACT = frozenset({"delegate", "signatory", "focal_point"})
SIGN = frozenset({"signatory"})
DELEGATION = frozenset({"signatory", "focal_point"})
COORDINATE = frozenset({"coordinator"})


class Rejected(Exception):
    """The op breaks a rule; nothing was changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def blank(op: Op, name: str) -> bool:
    """Whether clear content lacks ``name`` or has it blank; sealed content cannot tell.

    Rules on what people wrote (a reason, a title) hold only for clear content: a node
    that cannot read sealed content must reach the same verdict as one that can.
    """
    clear = op.clear
    if op.sealed:
        return False
    value = clear.get(name) if clear is not None else None
    return not (isinstance(value, str) and value.strip())


def check_visibility(op: Op, *, public: bool) -> None:
    """A public meeting's content travels in clear, so that every node can check it.

    A confidential meeting's ops travel whole inside sealed envelopes (see
    :mod:`sideline.federation.sealing`): there, clear content is for participants only.
    """
    if public and op.sealed:
        raise Rejected("content_must_be_clear", "the meeting is public: carry its content in clear")


def check_channel(state: SharedState, op: Op, *, public: bool, what: str) -> None:
    """A new public object's ops travel in clear, a confidential one's only sealed.

    ``state`` is the public or the confidential state, as the op was read; ``what`` names
    the object in the refusal (``meeting``, ``concern``) and who reads it.
    """
    if public == state.confidential:
        raise Rejected(
            "op_must_be_clear" if public else "op_must_be_sealed",
            f"a public {what}'s ops travel in clear"
            if public
            else f"a confidential {what}'s ops travel only sealed to its organizations",
        )
    check_visibility(op, public=public)


def get_meeting(state: SharedState, meeting_id: str) -> Meeting:
    meeting = state.meetings.get(meeting_id)
    if meeting is None:
        raise Rejected("unknown_meeting", f"no meeting {meeting_id}")
    return meeting


def get_decision(state: SharedState, decision_id: str) -> Decision:
    decision = state.decisions.get(decision_id)
    if decision is None:
        raise Rejected("unknown_decision", f"no decision {decision_id}")
    return decision


def require_open_decision(decision: Decision) -> None:
    """Refuse any act on a decision that is adopted or withdrawn."""
    if decision.status != "proposed":
        raise Rejected(
            f"decision_{decision.status}",
            f"decision {decision.id} is {decision.status}; it takes no more changes or answers",
        )


def proposers_open_decision(state: SharedState, op: Op, act: str) -> Decision:
    """The open decision that ``op`` acts on, refused unless its actor proposed it; ``act``
    names what only the proposer does, for the refusal."""
    decision = get_decision(state, op.object_id)
    if op.actor != decision.proposed_by:
        raise Rejected("not_proposer", f"only the proposing organization {act}")
    require_open_decision(decision)
    check_visibility(op, public=state.meetings[decision.meeting].public)
    return decision


def get_commitment(state: SharedState, commitment_id: str) -> Commitment:
    commitment = state.commitments.get(commitment_id)
    if commitment is None:
        raise Rejected("unknown_commitment", f"no commitment {commitment_id}")
    return commitment


def require_host(meeting: Meeting, op: Op) -> None:
    if op.actor not in meeting.hosts:
        raise Rejected(
            "not_host",
            f"only the host and co-host prepare meeting {meeting.id}; {op.actor} is neither",
        )


def require_participant(meeting: Meeting, op: Op) -> None:
    if op.actor not in meeting.participants:
        raise Rejected(
            "not_participant", f"{op.actor} does not participate in meeting {meeting.id}"
        )


def require_room(meeting: Meeting, extra: int) -> None:
    if len(meeting.participants) + extra > MAX_PARTICIPANTS:
        raise Rejected(
            "too_many_participants", f"a meeting has at most {MAX_PARTICIPANTS} participants"
        )
