"""Writes of meetings, one module per use case.

Each service refuses first (a ``MeetingError`` with a stable code, logged to
``sideline.security``), then in one transaction writes the op of the change to the acting
organization's own log (judged by the federation's reducer before it is signed: its
refusal is the service's error) and the rows of this node's projection.

* :mod:`.meetings` — create a meeting, add a participant, set the agenda;
* :mod:`.languages` — give a meeting's title and agenda in another language;
* :mod:`.agenda` — propose an agenda item, accept or decline it;
* :mod:`.delegation` — name a delegate, accept the invitation, approve the delegate;
* :mod:`.documents` — add a document;
* :mod:`.minutes` — draft, circulate, agree to and lock the minutes;
* :mod:`.decisions` — propose, edit, answer and withdraw joint decisions;
* :mod:`.commitments` — make commitments, report progress, close them.

What they share (the actor's type, the one participant/signatory check, the one
``consent`` rule, writing an op) is in :mod:`._common`.
"""

from sideline.meetings.services._common import Actor, consent
from sideline.meetings.services.agenda import (
    accept_agenda_item,
    decline_agenda_item,
    propose_agenda_item,
)
from sideline.meetings.services.commitments import (
    close_commitment,
    make_commitment,
    update_progress,
)
from sideline.meetings.services.decisions import (
    break_silence,
    current_positions,
    decision_content,
    edit_decision,
    extend_deadline,
    observe_deadlines,
    propose_decision,
    respond_to_decision,
    silence_broken,
    text_sha256,
    withdraw_decision,
)
from sideline.meetings.services.delegation import (
    accept_invitation,
    approve_delegate,
    invite_delegate,
)
from sideline.meetings.services.documents import upload_document
from sideline.meetings.services.languages import add_meeting_version
from sideline.meetings.services.meetings import add_participant, create_meeting, set_agenda
from sideline.meetings.services.minutes import (
    agree_minutes,
    circulate_minutes,
    lock_minutes,
    minutes_sha256,
    save_minutes,
)

__all__ = [
    "Actor",
    "accept_agenda_item",
    "accept_invitation",
    "add_meeting_version",
    "add_participant",
    "agree_minutes",
    "approve_delegate",
    "break_silence",
    "circulate_minutes",
    "close_commitment",
    "consent",
    "create_meeting",
    "current_positions",
    "decision_content",
    "decline_agenda_item",
    "edit_decision",
    "extend_deadline",
    "invite_delegate",
    "lock_minutes",
    "make_commitment",
    "minutes_sha256",
    "observe_deadlines",
    "propose_agenda_item",
    "propose_decision",
    "respond_to_decision",
    "save_minutes",
    "set_agenda",
    "silence_broken",
    "text_sha256",
    "update_progress",
    "upload_document",
    "withdraw_decision",
]
