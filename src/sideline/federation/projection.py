"""The meetings as a node shows them: the shared state with the content of its ops.

The reducer's state holds structure and hashes; each object names the op that carries its
content (``op`` fields: the creating op, the last edit, each answer). :func:`project`
joins the two into plain JSON, one entry per meeting, decision and commitment, the form
in which the Django models are compared and rebuilt (``sideline federation rebuild``).
Content a node cannot read (a ``content.sealed`` placeholder) projects as ``None``.

>>> from sideline.federation.writer import LocalLogs
>>> logs = LocalLogs(["nato", "csto"])
>>> _ = logs.act("nato", "meeting.create", "nato/m-1", role="delegate",
...     args={"date": "2013-09-24", "timezone": "UTC", "cohost": None,
...           "participants": ["csto"], "public": True}, clear={"title": "Talks"})
>>> _ = logs.act("nato", "agenda.set", "nato/m-1", role="delegate", args={},
...     clear={"items": ["Routes", "Liaison"]})
>>> reduction = logs.reduce()
>>> ops = {op.hash: op for op in public_ops(e.data for e in logs.entries())}
>>> meeting = project(reduction.state, ops).meetings["nato/m-1"]
>>> meeting["title"], meeting["agenda"], meeting["participants"]
('Talks', ['Routes', 'Liaison'], ['csto', 'nato'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sideline.federation.errors import OpError
from sideline.federation.ops import Op, parse_op
from sideline.federation.state import Decision, SharedState

__all__ = ["Projection", "project", "public_ops"]


@dataclass
class Projection:
    """Meetings, decisions and commitments by global identifier, as plain JSON."""

    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    commitments: dict[str, dict[str, Any]] = field(default_factory=dict)

    def merge(self, other: Projection) -> Projection:
        return Projection(
            {**self.meetings, **other.meetings},
            {**self.decisions, **other.decisions},
            {**self.commitments, **other.commitments},
        )


def public_ops(datas: Iterable[bytes]) -> list[Op]:
    """Parse what parses; the reducer has already judged the rest."""
    found = []
    for data in datas:
        try:
            found.append(parse_op(data))
        except OpError:
            continue
    return found


def _clear(ops: Mapping[str, Op], op_hash: str | None) -> Mapping[str, Any] | None:
    op = ops.get(op_hash or "")
    return None if op is None else op.clear


def _text(clear: Mapping[str, Any] | None, name: str, default: Any = None) -> Any:
    return default if clear is None else clear.get(name, default)


def _procedure(decision: Decision, clear: Mapping[str, Any] | None) -> dict[str, Any]:
    """How the decision is taken and its other language versions (issue 16)."""
    return {
        "procedure": decision.procedure,
        "deadline": decision.deadline,
        "deadline_timezone": decision.timezone or "",
        "language": _text(clear, "language", "en"),
        "versions": [dict(v) for v in _text(clear, "versions", []) or []],
    }


def project(state: SharedState, ops: Mapping[str, Op]) -> Projection:
    """Join ``state`` with the content of ``ops`` (by hash: envelopes' for sealed ops)."""
    result = Projection()
    for meeting_id, meeting in state.meetings.items():
        created = ops.get(meeting.op)
        clear = _clear(ops, meeting.op)
        # The title as last given (meeting.title), else as created; the place stays.
        titled = _clear(ops, meeting.retitled[1]) if meeting.retitled else clear
        agenda = None if meeting.agenda is None else _clear(ops, meeting.agenda[1])
        result.meetings[meeting_id] = {
            "host": meeting.host,
            "cohost": meeting.cohost,
            "participants": sorted(meeting.participants),
            "public": meeting.public,
            "date": meeting.date,
            "timezone": meeting.timezone,
            "forum_session": meeting.forum_session,
            "planner_request": meeting.planner_request,
            "topic": created.args.get("topic") if created is not None else None,
            "title": _text(titled, "title"),
            "location": _text(clear, "location", ""),
            "language": _text(titled, "language", "en"),
            "versions": [dict(v) for v in _text(titled, "versions", []) or []],
            "agenda": None if meeting.agenda is None else list(_text(agenda, "items", []) or []),
            # Language → the items in it, in the agenda's order.
            "agenda_versions": {
                v["language"]: list(v["items"]) for v in _text(agenda, "versions", []) or []
            },
            "minutes": {
                "status": meeting.minutes_status,
                "revisions": [
                    {
                        "number": r.number,
                        "by": r.by,
                        "text": _text(_clear(ops, r.op), "text"),
                        "agreed_by": sorted(r.agreed_by),
                    }
                    for r in meeting.revisions
                ],
            },
            "delegates": {k: sorted(v) for k, v in meeting.delegates.items()},
            "documents": {k: sha for k, (sha, _by) in meeting.documents.items()},
            "agenda_minutes_of": None
            if meeting.agenda is None
            else _text(_clear(ops, meeting.agenda[1]), "minutes_of"),
            "agenda_proposals": {
                key: {
                    "by": p.by,
                    "title": _text(_clear(ops, p.op), "title"),
                    "status": p.status,
                    "reason": _text(_clear(ops, p.decided_op), "reason", ""),
                }
                for key, p in meeting.proposals.items()
            },
        }
    for decision_id, decision in state.decisions.items():
        clear = _clear(ops, decision.op)
        result.decisions[decision_id] = {
            "meeting": decision.meeting,
            "number": decision.number,
            "proposed_by": decision.proposed_by,
            "amends": decision.amends,
            "status": decision.status,
            "title": _text(clear, "title"),
            "text": _text(clear, "text"),
            "answers": [
                [a.organization, a.position, _text(_clear(ops, a.op), "reason", "")]
                + ([a.paragraph, a.at] if a.paragraph is not None or a.at is not None else [])
                for a in decision.answers
            ],
            "withdrawn_reason": _text(_clear(ops, decision.closed_by), "reason", "")
            if decision.status == "withdrawn"
            else "",
            **_procedure(decision, clear),
        }
    for commitment_id, commitment in state.commitments.items():
        made = ops.get(commitment.op)
        clear = _clear(ops, commitment.op)
        titles = list(_text(clear, "milestones", []) or [])
        dues = [m["due"] for m in made.args["milestones"]] if made is not None else []
        closing = _clear(ops, commitment.reports[-1]) if commitment.closed_as else None
        result.commitments[commitment_id] = {
            "decision": commitment.decision,
            "parent": commitment.parent,
            "owner": commitment.owner,
            "due": commitment.due,
            "timezone": commitment.timezone,
            "review": commitment.review,
            "description": _text(clear, "description"),
            "target": _text(clear, "target"),
            "milestones": [
                [titles[n] if n < len(titles) else None, dues[n] if n < len(dues) else None, hit]
                for n, hit in enumerate(commitment.milestones)
            ],
            "progress": commitment.progress,
            "reported": commitment.reported,
            "closed_as": commitment.closed_as,
            "closed_reason": _text(closing, "reason", ""),
        }
    return result
