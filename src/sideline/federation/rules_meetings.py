"""Rules of meetings: creation, participants, agenda, delegations, documents, minutes.

Ported from ``sideline.meetings.services``: the hosts prepare (agenda, participants,
minutes); each organization speaks for itself (its delegation, its agreement); minutes go
draft → circulated → agreed (every participant agreed to that revision) → locked.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from sideline.federation.ops import Op
from sideline.federation.ordering import Placed
from sideline.federation.rules import (
    Rejected,
    blank,
    check_channel,
    check_visibility,
    get_meeting,
    require_host,
    require_participant,
    require_room,
)
from sideline.federation.schema import decode_base64
from sideline.federation.state import AgendaProposal, Meeting, MinutesRevision, SharedState

__all__ = ["MEETING_RULES"]


def create_meeting(state: SharedState, placed: Placed) -> None:
    op = placed.op
    args = op.args
    public = bool(args["public"])
    check_channel(state, op, public=public, what="meeting")
    cohost = args["cohost"]
    if cohost == op.actor:
        raise Rejected("cohost_is_host", "the co-host must differ from the host")
    if blank(op, "title"):
        raise Rejected("title_required", "give the meeting a title")
    _check_title_languages(op)
    participants = {op.actor, *([cohost] if cohost else []), *args["participants"]}
    meeting = Meeting(
        id=op.object_id,
        host=op.actor,
        cohost=cohost,
        participants=set(),
        public=public,
        date=args["date"],
        timezone=args["timezone"],
        content_sha256=op.content_sha256 or "",
        op=op.hash,
        forum_session=args.get("forum_session"),
        planner_request=args.get("planner_request"),
    )
    require_room(meeting, len(participants))
    meeting.participants = participants
    state.meetings[op.object_id] = meeting


def _check_title_languages(op: Op) -> None:
    """A title's language versions name each language once, the title's own included."""
    clear = op.clear
    if clear is None or op.sealed:
        return
    languages = [clear.get("language", "en"), *(v["language"] for v in clear.get("versions", []))]
    if len(set(languages)) != len(languages):
        raise Rejected("duplicate_language", "give each language version once")


def retitle_meeting(state: SharedState, placed: Placed) -> None:
    """The title again, with its versions in other languages; it replaces the title."""
    op = placed.op
    meeting = get_meeting(state, op.object_id)
    require_host(meeting, op)
    check_visibility(op, public=meeting.public)
    if blank(op, "title"):
        raise Rejected("title_required", "give the meeting a title")
    _check_title_languages(op)
    meeting.retitled = (op.content_sha256 or "", op.hash)


def _check_agenda_versions(clear: Mapping[str, Any]) -> None:
    """Each version of the agenda in another language names the same items, one for one."""
    versions = clear.get("versions", [])
    languages = [v["language"] for v in versions]
    if len(set(languages)) != len(languages):
        raise Rejected("duplicate_language", "give each language version once")
    count = len(clear["items"])
    differing = sorted(v["language"] for v in versions if len(v["items"]) != count)
    if differing:
        raise Rejected(
            "agenda_versions_mismatch",
            f"every version of the agenda has its {count} items; {', '.join(differing)} has not",
        )


def add_participant(state: SharedState, placed: Placed) -> None:
    op = placed.op
    meeting = get_meeting(state, op.object_id)
    require_host(meeting, op)
    organization = op.args["organization"]
    if organization in meeting.participants:
        raise Rejected("already_participant", f"{organization} already participates")
    require_room(meeting, 1)
    meeting.participants.add(organization)


def set_agenda(state: SharedState, placed: Placed) -> None:
    op = placed.op
    meeting = get_meeting(state, op.object_id)
    require_host(meeting, op)
    check_visibility(op, public=meeting.public)
    clear = op.clear if not op.sealed else None
    minutes_of = clear.get("minutes_of") if clear is not None else None
    if clear is not None and minutes_of is not None:
        if minutes_of["meeting"] == meeting.id:
            raise Rejected("minutes_of_itself", "an agenda approves the minutes of another meeting")
        count = len(clear["items"])
        if minutes_of["position"] > count:
            raise Rejected(
                "minutes_item_missing",
                f"minutes_of.position {minutes_of['position']}: the agenda has {count} items",
            )
    if clear is not None:
        _check_agenda_versions(clear)
    meeting.agenda = (op.content_sha256 or "", op.hash)


def propose_agenda_item(state: SharedState, placed: Placed) -> None:
    op = placed.op
    meeting = get_meeting(state, op.object_id)
    require_participant(meeting, op)
    check_visibility(op, public=meeting.public)
    if blank(op, "title"):
        raise Rejected("agenda_item_required", "give the proposed item a title")
    key = f"{op.actor}/{op.args['proposal']}"
    if key in meeting.proposals:
        raise Rejected("proposal_exists", f"proposal {key} is already made")
    meeting.proposals[key] = AgendaProposal(op.actor, op.content_sha256 or "", op.hash)


def _pending_proposal(meeting: Meeting, placed: Placed) -> AgendaProposal:
    require_host(meeting, placed.op)
    key = placed.op.args["proposal"]
    proposal = meeting.proposals.get(key)
    if proposal is None:
        raise Rejected("unknown_proposal", f"no proposed agenda item {key} in meeting {meeting.id}")
    if proposal.status != "proposed":
        raise Rejected("proposal_decided", f"the proposed item {key} is already {proposal.status}")
    return proposal


def accept_agenda_item(state: SharedState, placed: Placed) -> None:
    proposal = _pending_proposal(get_meeting(state, placed.op.object_id), placed)
    proposal.status = "accepted"
    proposal.decided_op = placed.op.hash


def decline_agenda_item(state: SharedState, placed: Placed) -> None:
    op = placed.op
    meeting = get_meeting(state, op.object_id)
    check_visibility(op, public=meeting.public)
    proposal = _pending_proposal(meeting, placed)
    if blank(op, "reason"):
        raise Rejected("reason_required", "say why the proposed item is declined")
    proposal.status = "declined"
    proposal.decided_op = op.hash


def name_delegate(state: SharedState, placed: Placed) -> None:
    op = placed.op
    meeting = get_meeting(state, op.object_id)
    require_participant(meeting, op)
    if not op.sealed and not state.confidential:
        # A delegate's name and e-mail are personal data: never on a log in clear.
        raise Rejected("content_must_be_sealed", "a delegate's name and e-mail travel only sealed")
    key = f"{op.actor}/{op.args['delegate']}"
    if key in meeting.delegates:
        raise Rejected("already_invited", f"delegate {key} is already named")
    meeting.delegates[key] = {"named"}


def _delegate(meeting: Meeting, placed: Placed) -> set[str]:
    key = f"{placed.op.actor}/{placed.op.args['delegate']}"
    steps = meeting.delegates.get(key)
    if steps is None:
        raise Rejected(
            "unknown_delegate",
            f"{placed.op.actor} has named no delegate {placed.op.args['delegate']}",
        )
    return steps


def accept_delegation(state: SharedState, placed: Placed) -> None:
    steps = _delegate(get_meeting(state, placed.op.object_id), placed)
    if "accepted" in steps:
        raise Rejected("already_accepted", "this invitation is already accepted")
    steps.add("accepted")


def approve_delegate(state: SharedState, placed: Placed) -> None:
    steps = _delegate(get_meeting(state, placed.op.object_id), placed)
    if "approved" in steps:
        raise Rejected("already_approved", "this delegate is already approved")
    # As in the meetings app: the invitee accepts, then the focal point approves; an
    # approval of a person who never accepted would grant rights nobody asked for.
    if "accepted" not in steps:
        raise Rejected(
            "not_accepted", "the delegate has not accepted the invitation: approve after they do"
        )
    steps.add("approved")


def add_document(state: SharedState, placed: Placed) -> None:
    op = placed.op
    meeting = get_meeting(state, op.object_id)
    require_participant(meeting, op)
    check_visibility(op, public=meeting.public)
    key = f"{op.actor}/{op.args['document']}"
    if key in meeting.documents:
        raise Rejected("document_exists", f"document {key} is already added")
    meeting.documents[key] = (op.args["sha256"], op.actor)


def draft_minutes(state: SharedState, placed: Placed) -> None:
    op = placed.op
    meeting = get_meeting(state, op.object_id)
    require_host(meeting, op)
    check_visibility(op, public=meeting.public)
    if meeting.minutes_status in {"agreed", "locked"}:
        raise Rejected(
            "minutes_final", f"the minutes are {meeting.minutes_status}; they can no longer change"
        )
    number = len(meeting.revisions) + 1
    meeting.revisions.append(MinutesRevision(number, op.content_sha256 or "", op.actor, op.hash))
    meeting.minutes_status = "draft"


def _current(meeting: Meeting, placed: Placed) -> MinutesRevision:
    revision = meeting.revisions[-1]
    if placed.op.args["minutes_sha256"] != revision.content_sha256:
        raise Rejected(
            "minutes_mismatch",
            f"the current revision {revision.number} has another hash: act on the text you read",
        )
    return revision


def circulate_minutes(state: SharedState, placed: Placed) -> None:
    meeting = get_meeting(state, placed.op.object_id)
    require_host(meeting, placed.op)
    if meeting.minutes_status != "draft":
        raise Rejected("minutes_not_draft", "only draft minutes with a text can be circulated")
    _current(meeting, placed)
    meeting.minutes_status = "circulated"


def agree_minutes(state: SharedState, placed: Placed) -> None:
    op = placed.op
    meeting = get_meeting(state, op.object_id)
    require_participant(meeting, op)
    if meeting.minutes_status != "circulated":
        raise Rejected("minutes_not_circulated", "the minutes are not circulated for agreement")
    revision = _current(meeting, placed)
    if op.actor in revision.agreed_by:
        raise Rejected(
            "already_agreed", f"{op.actor} has already agreed to revision {revision.number}"
        )
    revision.agreed_by.add(op.actor)
    if revision.agreed_by >= meeting.participants:
        meeting.minutes_status = "agreed"


def lock_minutes(state: SharedState, placed: Placed) -> None:
    meeting = get_meeting(state, placed.op.object_id)
    require_host(meeting, placed.op)
    if meeting.minutes_status != "agreed":
        raise Rejected(
            "minutes_not_agreed", "only minutes every participant has agreed can be locked"
        )
    _current(meeting, placed)
    meeting.minutes_status = "locked"


def reshare(state: SharedState, placed: Placed) -> None:
    """Give participants the content keys of a confidential meeting's earlier envelopes.

    The reducer has already checked that the op is sealed to the meeting's current
    participants; here each key must be that of an applied envelope of this meeting.
    """
    op = placed.op
    if not state.confidential:
        raise Rejected(
            "op_must_be_sealed", "a reshare carries content keys: it travels only sealed"
        )
    meeting = get_meeting(state, op.object_id)
    require_host(meeting, op)
    for n, item in enumerate(op.args["keys"]):
        known = meeting.envelopes.get(item["envelope"])
        key = decode_base64(item["key"]) or b""
        if known is None or not hmac.compare_digest(known, key):
            raise Rejected(
                "reshare_bad_envelope",
                f"keys[{n}]: not the content key of an envelope of meeting {meeting.id}",
            )


MEETING_RULES = {
    "meeting.create": create_meeting,
    "meeting.add_participant": add_participant,
    "meeting.title": retitle_meeting,
    "agenda.set": set_agenda,
    "agenda.propose": propose_agenda_item,
    "agenda.accept": accept_agenda_item,
    "agenda.decline": decline_agenda_item,
    "delegation.name": name_delegate,
    "delegation.accept": accept_delegation,
    "delegation.approve": approve_delegate,
    "document.add": add_document,
    "minutes.draft": draft_minutes,
    "minutes.circulate": circulate_minutes,
    "minutes.agree": agree_minutes,
    "minutes.lock": lock_minutes,
    "meeting.reshare": reshare,
}
