"""The shared state the reducer produces, its canonical JSON and its digest.

The state holds structure and hashes, not text: each content hash names the op that
carries the content (clear, or sealed for participants), so that a node that cannot
read a confidential meeting still holds the same state as one that can.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sideline.federation.canonical import canonical_bytes, sha256_hex

__all__ = [
    "AgendaProposal",
    "Calendar",
    "Commitment",
    "Concern",
    "Decision",
    "Meeting",
    "MinutesRevision",
    "SharedState",
]


@dataclass
class MinutesRevision:
    number: int
    content_sha256: str
    by: str
    op: str
    agreed_by: set[str] = field(default_factory=set)


@dataclass
class AgendaProposal:
    """An item a participant proposed for the agenda: proposed, accepted or declined."""

    by: str
    content_sha256: str
    op: str
    status: str = "proposed"
    decided_op: str | None = None  # the host's accept or decline

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "content_sha256": self.content_sha256,
            "op": self.op,
            "status": self.status,
            "decided_op": self.decided_op,
        }


@dataclass
class Meeting:
    id: str
    host: str
    cohost: str | None
    participants: set[str]
    public: bool
    date: str
    timezone: str
    content_sha256: str
    op: str
    forum_session: str | None = None
    planner_request: str | None = None
    agenda: tuple[str, str] | None = None  # (content_sha256, op)
    # The title given again with its language versions (meeting.title): (content_sha256, op)
    retitled: tuple[str, str] | None = None
    minutes_status: str = "none"
    revisions: list[MinutesRevision] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    # "<organization>/<delegate>" -> state: named, accepted, approved (a set of steps)
    delegates: dict[str, set[str]] = field(default_factory=dict)
    documents: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (sha256, by)
    # "<organization>/<proposal>" -> the proposed agenda item
    proposals: dict[str, AgendaProposal] = field(default_factory=dict)
    # A confidential meeting's applied envelopes and their content keys, for reshares;
    # not in the JSON: the ops they carried are, through the state they made.
    envelopes: dict[str, bytes] = field(default_factory=dict)

    @property
    def hosts(self) -> set[str]:
        return {self.host} | ({self.cohost} if self.cohost else set())

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "host": self.host,
            "cohost": self.cohost,
            "participants": sorted(self.participants),
            "public": self.public,
            "date": self.date,
            "timezone": self.timezone,
            "content_sha256": self.content_sha256,
            "op": self.op,
            "forum_session": self.forum_session,
            "planner_request": self.planner_request,
            "agenda": None
            if self.agenda is None
            else {"content_sha256": self.agenda[0], "op": self.agenda[1]},
            "minutes": {
                "status": self.minutes_status,
                "revisions": [
                    {
                        "number": r.number,
                        "content_sha256": r.content_sha256,
                        "by": r.by,
                        "op": r.op,
                        "agreed_by": sorted(r.agreed_by),
                    }
                    for r in self.revisions
                ],
            },
            "decisions": list(self.decisions),
            "delegates": {k: sorted(v) for k, v in self.delegates.items()},
            "documents": {k: {"sha256": sha, "by": by} for k, (sha, by) in self.documents.items()},
        }
        # Only when set: meetings whose title was never given again keep their digests.
        if self.retitled is not None:
            obj["title"] = {"content_sha256": self.retitled[0], "op": self.retitled[1]}
        # Only when there are any: meetings without proposals keep their digests.
        if self.proposals:
            obj["proposals"] = {k: p.to_json() for k, p in self.proposals.items()}
        return obj


@dataclass
class Answer:
    organization: str
    position: str
    text_sha256: str
    op: str
    paragraph: int | None = None  # a reservation's paragraph
    at: str | None = None  # the signed time, under a silence procedure

    def to_json(self) -> list[Any]:
        row: list[Any] = [self.organization, self.position, self.text_sha256, self.op]
        # Only when set: states of decisions taken at a meeting keep their digests.
        if self.paragraph is not None or self.at is not None:
            row += [self.paragraph, self.at]
        return row


@dataclass
class Decision:
    id: str
    meeting: str
    number: int
    proposed_by: str
    text_sha256: str
    op: str
    amends: str | None
    status: str = "proposed"
    answers: list[Answer] = field(default_factory=list)
    standing: dict[str, Answer] = field(default_factory=dict)
    closed_by: str | None = None  # the op that adopted or withdrew it
    paragraphs: int = 1  # of each language version, for reservations
    procedure: str = "meeting"  # or "silence"
    deadline: str | None = None  # a UTC instant (kinds.INSTANT), under silence
    timezone: str | None = None  # the zone the deadline was set in, for display
    silence_broken_by: str | None = None  # the op that broke silence
    # Under silence: each participant that recorded the deadline as passed, and when.
    observed: dict[str, str] = field(default_factory=dict)
    # Each organization's latest signed time on this decision: its times never go back.
    clock: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "meeting": self.meeting,
            "number": self.number,
            "proposed_by": self.proposed_by,
            "text_sha256": self.text_sha256,
            "op": self.op,
            "amends": self.amends,
            "status": self.status,
            "answers": [a.to_json() for a in self.answers],
            "positions": {
                org: {"position": a.position, "text_sha256": a.text_sha256}
                for org, a in self.standing.items()
            },
            "closed_by": self.closed_by,
        }
        # Only when they say something: decisions taken at a meeting keep their digests.
        if self.paragraphs != 1:
            obj["paragraphs"] = self.paragraphs
        if self.procedure != "meeting":
            obj["procedure"] = {
                "kind": self.procedure,
                "deadline": self.deadline,
                "timezone": self.timezone,
                "silence_broken_by": self.silence_broken_by,
                "observed": dict(self.observed),
                "clock": dict(self.clock),
            }
        return obj


@dataclass
class Commitment:
    id: str
    decision: str
    parent: str | None
    owner: str
    due: str
    timezone: str
    review: str | None
    milestones: list[bool]  # reached?
    content_sha256: str
    op: str
    progress: int = 0
    reported: bool = False
    closed_as: str = ""
    reports: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "parent": self.parent,
            "owner": self.owner,
            "due": self.due,
            "timezone": self.timezone,
            "review": self.review,
            "milestones": list(self.milestones),
            "content_sha256": self.content_sha256,
            "op": self.op,
            "progress": self.progress,
            "reported": self.reported,
            "closed_as": self.closed_as,
            "reports": list(self.reports),
        }


@dataclass
class Calendar:
    id: str
    publisher: str
    year: int
    version: int
    calendar_sha256: str
    meetings: dict[str, frozenset[str]]
    op: str
    answers: dict[str, dict[str, str]] = field(default_factory=dict)  # request -> org -> answer

    def to_json(self) -> dict[str, Any]:
        return {
            "publisher": self.publisher,
            "year": self.year,
            "version": self.version,
            "calendar_sha256": self.calendar_sha256,
            "op": self.op,
            "meetings": {k: sorted(v) for k, v in self.meetings.items()},
            "answers": {k: dict(v) for k, v in self.answers.items() if v},
        }


@dataclass
class Concern:
    """A concern raised by an organization about a state or a border, and who endorsed it.

    ``concerned`` always holds the raising organization; a confidential concern lives in
    the confidential state of the nodes of the organizations concerned only.
    """

    id: str
    raised_by: str
    state: str
    other_state: str | None
    severity: int
    concerned: set[str]
    public: bool
    content_sha256: str
    op: str
    status: str = "open"
    closed_by: str | None = None  # the op that closed it
    endorsements: dict[str, str] = field(default_factory=dict)  # organization -> op

    def to_json(self) -> dict[str, Any]:
        return {
            "raised_by": self.raised_by,
            "state": self.state,
            "other_state": self.other_state,
            "severity": self.severity,
            "concerned": sorted(self.concerned),
            "public": self.public,
            "content_sha256": self.content_sha256,
            "op": self.op,
            "status": self.status,
            "closed_by": self.closed_by,
            "endorsements": dict(sorted(self.endorsements.items())),
        }


@dataclass
class SharedState:
    meetings: dict[str, Meeting] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    commitments: dict[str, Commitment] = field(default_factory=dict)
    calendars: dict[str, Calendar] = field(default_factory=dict)
    concerns: dict[str, Concern] = field(default_factory=dict)
    # Every identifier ever created, whatever its type: identifiers are never reused.
    objects: set[str] = field(default_factory=set)
    # The public state holds public meetings and, of each sealed op, only what everyone
    # sees: envelope hash -> (actor, SHA-256 of its ciphertext). The confidential state
    # holds the confidential meetings a node can read.
    confidential: bool = False
    sealed: dict[str, tuple[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the state as JSON; equal states give equal JSON on every node."""
        obj: dict[str, Any] = {
            "schema": "sideline.state/1",
            "meetings": {k: v.to_json() for k, v in self.meetings.items()},
            "decisions": {k: v.to_json() for k, v in self.decisions.items()},
            "commitments": {k: v.to_json() for k, v in self.commitments.items()},
            "calendars": {k: v.to_json() for k, v in self.calendars.items()},
        }
        # Only when there are any: states without concerns keep their digests.
        if self.concerns:
            obj["concerns"] = {k: v.to_json() for k, v in self.concerns.items()}
        # Only when there are any: states without sealed ops keep their digests.
        if self.sealed:
            obj["sealed"] = {
                k: {"by": by, "ciphertext_sha256": sha} for k, (by, sha) in self.sealed.items()
            }
        return obj

    def meeting_json(self, meeting_id: str) -> dict[str, Any]:
        """Return one meeting with its decisions and their commitments, as JSON."""
        meeting = self.meetings[meeting_id]
        decisions = {d: self.decisions[d].to_json() for d in meeting.decisions}
        return {
            "meeting": meeting.to_json(),
            "decisions": decisions,
            "commitments": {
                k: c.to_json() for k, c in self.commitments.items() if c.decision in decisions
            },
        }

    def digest(self) -> str:
        """Return the SHA-256 of the state's canonical JSON: compare it between nodes.

        >>> SharedState().digest()[:16]
        'ce6d771485ad638f'
        """
        return sha256_hex(canonical_bytes(self.to_json()))
