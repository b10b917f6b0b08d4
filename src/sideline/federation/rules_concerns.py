"""Rules of concerns: raised by an organization, endorsed by others, closed by the raiser.

Ported from ``sideline.prevention.services`` (issue 18). A concern is about a state, or a
border between two; it names the organizations concerned. A public concern's ops travel
in clear and any organization may endorse it; a confidential one's travel whole inside
sealed envelopes to the organizations concerned (as a confidential meeting's do to its
participants, :mod:`sideline.federation.rules_sealed`), and only they endorse it.

Which states and organizations exist is not a rule here: registries may differ between
nodes, so the acting node checks them before signing (``unknown_state``,
``unknown_organization``), as it does for meetings.
"""

from __future__ import annotations

from sideline.federation.kinds import MAX_PARTICIPANTS
from sideline.federation.ordering import Placed
from sideline.federation.rules import Rejected, blank, check_channel, check_visibility
from sideline.federation.state import Concern, SharedState

__all__ = ["CONCERN_RULES", "get_concern"]


def get_concern(state: SharedState, concern_id: str) -> Concern:
    concern = state.concerns.get(concern_id)
    if concern is None:
        raise Rejected("unknown_concern", f"no concern {concern_id}")
    return concern


def _raise(state: SharedState, placed: Placed) -> None:
    op = placed.op
    args = op.args
    public = bool(args["public"])
    check_channel(state, op, public=public, what="concern")
    if args["other_state"] == args["state"]:
        raise Rejected("same_state", "a border lies between two different states")
    if blank(op, "title"):
        raise Rejected("title_required", "give the concern a title")
    if blank(op, "text"):
        raise Rejected("text_required", "say what the concern is")
    concerned = {op.actor, *args["concerned"]}
    if len(concerned) > MAX_PARTICIPANTS:
        raise Rejected(
            "too_many_concerned",
            f"a concern names at most {MAX_PARTICIPANTS} organizations, its raiser included",
        )
    state.concerns[op.object_id] = Concern(
        id=op.object_id,
        raised_by=op.actor,
        state=args["state"],
        other_state=args["other_state"],
        severity=args["severity"],
        concerned=concerned,
        public=public,
        content_sha256=op.content_sha256 or "",
        op=op.hash,
    )


def _endorse(state: SharedState, placed: Placed) -> None:
    op = placed.op
    concern = get_concern(state, op.object_id)
    if op.actor == concern.raised_by:
        raise Rejected("own_concern", "an organization does not endorse its own concern")
    if not concern.public and op.actor not in concern.concerned:
        # Unreachable through honest sealing (the envelope goes to the concerned only);
        # kept so that a misaddressed envelope cannot let an outsider in.
        raise Rejected("not_concerned", f"{op.actor} is not concerned by {concern.id}")
    if concern.status != "open":
        raise Rejected("concern_closed", f"concern {concern.id} is closed")
    if op.actor in concern.endorsements:
        raise Rejected("already_endorsed", f"{op.actor} has endorsed {concern.id}")
    check_visibility(op, public=concern.public)
    concern.endorsements[op.actor] = op.hash


def _close(state: SharedState, placed: Placed) -> None:
    op = placed.op
    concern = get_concern(state, op.object_id)
    if op.actor != concern.raised_by:
        raise Rejected(
            "not_raiser", f"only {concern.raised_by}, which raised it, closes {concern.id}"
        )
    if concern.status != "open":
        raise Rejected("concern_closed", f"concern {concern.id} is closed")
    concern.status = "closed"
    concern.closed_by = op.hash


CONCERN_RULES = {
    "concern.raise": _raise,
    "concern.endorse": _endorse,
    "concern.close": _close,
}
