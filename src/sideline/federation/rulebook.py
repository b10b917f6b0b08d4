"""Which rule judges each kind of op, and which roles a person may claim to send it.

The reducer looks both up for every op; a new kind is added here, to
:mod:`sideline.federation.kinds` and to the rule module of its use case, or the import
fails (the assertion below).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sideline.federation.ops import KINDS
from sideline.federation.ordering import Placed
from sideline.federation.rules import ACT, COORDINATE, DELEGATION, SIGN
from sideline.federation.rules_calendars import CALENDAR_RULES
from sideline.federation.rules_commitments import COMMITMENT_RULES
from sideline.federation.rules_concerns import CONCERN_RULES
from sideline.federation.rules_decisions import DECISION_RULES
from sideline.federation.rules_meetings import MEETING_RULES
from sideline.federation.rules_sealed import accept_envelope
from sideline.federation.rules_silence import SILENCE_RULES
from sideline.federation.state import SharedState

__all__ = ["ROLES_BY_KIND", "RULES"]

RULES: Mapping[str, Callable[[SharedState, Placed], None]] = {
    **MEETING_RULES,
    **DECISION_RULES,
    **SILENCE_RULES,
    **COMMITMENT_RULES,
    **CALENDAR_RULES,
    **CONCERN_RULES,
    "sealed": accept_envelope,
}

ROLES_BY_KIND: Mapping[str, frozenset[str]] = {
    "meeting.create": ACT,
    "meeting.add_participant": ACT,
    "meeting.title": ACT,
    "agenda.set": ACT,
    "agenda.propose": ACT,
    "agenda.accept": ACT,
    "agenda.decline": ACT,
    "delegation.name": DELEGATION,
    "delegation.accept": ACT,
    "delegation.approve": DELEGATION,
    "document.add": ACT,
    "minutes.draft": ACT,
    "minutes.circulate": ACT,
    "minutes.agree": SIGN,
    "minutes.lock": ACT,
    "decision.propose": ACT,
    "decision.edit": ACT,
    "decision.respond": SIGN,
    "decision.withdraw": ACT,
    "decision.break_silence": SIGN,
    "decision.extend": ACT,
    # The node records, for its organization, that a deadline passed: no person acts.
    "decision.observe": frozenset(),
    "commitment.make": ACT,
    "commitment.report": ACT,
    "commitment.close": ACT,
    "calendar.publish": COORDINATE,
    "calendar.respond": ACT,
    "meeting.reshare": ACT,
    # A liaison officer or analyst (a delegate or signatory) raises, endorses and closes.
    "concern.raise": ACT,
    "concern.endorse": ACT,
    "concern.close": ACT,
    # An envelope claims no role: the inner op's role travels sealed with it.
    "sealed": frozenset(),
}
assert set(RULES) == set(KINDS) == set(ROLES_BY_KIND), "every kind has its rules and roles"
