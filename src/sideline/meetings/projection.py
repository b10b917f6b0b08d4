"""The meetings' rows as a projection of the ops: compare them with the logs, rebuild them.

:func:`node_projection` folds every op this node holds (its own logs and peers' replicas)
with the reducer and joins the content (:mod:`sideline.federation.projection`);
:func:`stored_projection` reads the rows into the same form; :func:`rebuild` reports every
difference and, unless asked only to check, rewrites the rows to match the ops.

What the rows hold beyond the ops stays as it is: people's accounts and invitations, the
files of documents, who signed in to act, times. Delegates and documents are compared
(a delegate's steps, a document's SHA-256) but never made from ops: their names and files
are not in the ops. Rows made before meetings were ops (no ``op_id``) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from sideline.federation.projection import Projection, project, public_ops
from sideline.meetings.instants import instant, parse_instant
from sideline.meetings.models import (
    AgendaItem,
    AgendaProposal,
    Commitment,
    Decision,
    DecisionResponse,
    Meeting,
    Milestone,
    Minutes,
    MinutesAgreement,
    MinutesRevision,
    Participant,
    ProgressUpdate,
)
from sideline.oplog import reduce_node
from sideline.registry.models import ForumSession, Function, Organization

__all__ = ["RebuildReport", "differences", "node_projection", "rebuild", "stored_projection"]


def node_projection() -> Projection:
    """The meetings as the ops this node holds make them, confidential ones it reads too."""
    ops, reduction = reduce_node()
    clear = {op.hash: op for op in public_ops(e.data for e in ops.entries)}
    return project(reduction.state, clear).merge(
        project(reduction.confidential, reduction.sealed_ops)
    )


def _minutes(meeting: Meeting) -> dict[str, Any]:
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        return {"status": "none", "revisions": []}
    agreed: dict[int, list[str]] = {}
    for revision, slug in minutes.agreements.order_by("organization__slug").values_list(
        "revision", "organization__slug"
    ):
        agreed.setdefault(revision, []).append(slug)
    return {
        "status": minutes.status,
        "revisions": [
            {
                "number": r.number,
                "by": r.organization.slug,
                "text": r.text,
                "agreed_by": agreed.get(r.number, []),
            }
            for r in minutes.revisions.select_related("organization").order_by("number")
        ],
    }


def _delegates(meeting: Meeting) -> dict[str, list[str]]:
    found = {}
    for delegate in meeting.delegates.select_related("organization").exclude(op_id=""):
        steps = ["named"]
        steps += ["accepted"] if delegate.accepted_at else []
        steps += ["approved"] if delegate.approved_at else []
        found[f"{delegate.organization.slug}/{delegate.op_id}"] = sorted(steps)
    return found


def _agenda_proposals(meeting: Meeting) -> dict[str, dict[str, Any]]:
    return {
        p.op_id: {
            "by": p.organization.slug,
            "title": p.title,
            "status": p.status,
            "reason": p.reason,
        }
        for p in meeting.agenda_proposals.select_related("organization")
    }


def _agenda_versions(items: list[AgendaItem]) -> dict[str, list[str | None]]:
    """Language → each item in it (None where an item lacks it), as the ops have them."""
    languages = sorted({language for item in items for language in item.versions})
    return {language: [item.versions.get(language) for item in items] for language in languages}


def _meeting_json(meeting: Meeting) -> dict[str, Any]:
    items = list(meeting.agenda.order_by("position"))
    agenda = [item.title for item in items]
    minutes_of = [
        {"position": item.position, "meeting": item.minutes_of} for item in items if item.minutes_of
    ]
    return {
        "host": meeting.host.slug,
        "cohost": meeting.cohost.slug if meeting.cohost else None,
        "participants": sorted(p.organization.slug for p in meeting.participations.all()),
        "public": meeting.public,
        "date": meeting.date.isoformat(),
        "timezone": meeting.timezone,
        "forum_session": meeting.forum_session.key if meeting.forum_session else None,
        "planner_request": meeting.planner_request or None,
        "topic": meeting.topic.slug if meeting.topic else None,
        "title": meeting.title,
        "location": meeting.location,
        "language": meeting.language,
        "versions": meeting.versions,
        # An agenda never set and an empty one both show as no items.
        "agenda": agenda or None,
        "agenda_versions": _agenda_versions(items),
        "minutes": _minutes(meeting),
        "delegates": _delegates(meeting),
        "documents": {
            f"{d.organization.slug}/{d.uid}": d.sha256
            for d in meeting.documents.select_related("organization")
        },
        "agenda_minutes_of": minutes_of[0] if minutes_of else None,
        "agenda_proposals": _agenda_proposals(meeting),
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def stored_projection() -> Projection:
    """The rows of meetings made as ops, in the form of :func:`node_projection`."""
    result = Projection()
    meetings = Meeting.objects.exclude(op_id=None).select_related(
        "host", "cohost", "forum_session", "topic"
    )
    for meeting in meetings.prefetch_related("participations__organization"):
        assert meeting.op_id is not None
        result.meetings[meeting.op_id] = _meeting_json(meeting)
    decisions = Decision.objects.exclude(op_id=None).select_related(
        "meeting", "proposed_by", "amends"
    )
    for decision in decisions:
        assert decision.op_id is not None
        result.decisions[decision.op_id] = {
            "meeting": decision.meeting.op_id,
            "number": decision.number,
            "proposed_by": decision.proposed_by.slug,
            "amends": decision.amends.op_id if decision.amends else None,
            "status": decision.status,
            "title": decision.title,
            "text": decision.text,
            "answers": _answer_rows(decision),
            "withdrawn_reason": decision.withdrawn_reason,
            "procedure": decision.procedure,
            "deadline": instant(decision.deadline) if decision.deadline else None,
            "deadline_timezone": decision.deadline_timezone,
            "language": decision.language,
            "versions": decision.versions,
        }
    commitments = Commitment.objects.exclude(op_id=None).select_related(
        "decision", "parent", "owner"
    )
    for commitment in commitments:
        assert commitment.op_id is not None
        result.commitments[commitment.op_id] = {
            "decision": commitment.decision.op_id,
            "parent": commitment.parent.op_id if commitment.parent else None,
            "owner": commitment.owner.slug,
            "due": commitment.due_date.isoformat(),
            "timezone": commitment.timezone,
            "review": _iso(commitment.review_date),
            "description": commitment.description,
            "target": commitment.target,
            "milestones": [
                [m.title, _iso(m.due_date), m.reached_at is not None]
                for m in commitment.milestones.order_by("pk")
            ],
            "progress": commitment.progress,
            "reported": commitment.reported,
            "closed_as": commitment.closed_as,
            "closed_reason": commitment.closed_reason,
        }
    return result


# Held only where they were made (the name, the file): compared for the rows this node has.
_LOCAL = ("delegates", "documents")


def _local_differences(label: str, row: dict[str, Any], op: dict[str, Any]) -> list[str]:
    lines = []
    for name in _LOCAL:
        for key, value in sorted(row[name].items()):
            if op[name].get(key) != value:
                lines.append(f"{label}: {name} {key}: rows {value!r}, ops {op[name].get(key)!r}")
    return lines


def differences(expected: Projection, stored: Projection) -> list[str]:
    """Every difference, one line each: ``meeting nato/m-1: title: rows 'A', ops 'B'``."""
    lines = []
    for kind, ours, theirs in (
        ("meeting", stored.meetings, expected.meetings),
        ("decision", stored.decisions, expected.decisions),
        ("commitment", stored.commitments, expected.commitments),
    ):
        for key in sorted(set(ours) | set(theirs)):
            if key not in theirs:
                lines.append(f"{kind} {key}: in the rows, not made by any applied op")
            elif key not in ours:
                lines.append(f"{kind} {key}: made by the ops, missing from the rows")
            else:
                row, op = ours[key], theirs[key]
                if kind == "meeting":
                    lines += _local_differences(f"{kind} {key}", row, op)
                for name in sorted((set(row) | set(op)) - set(_LOCAL)):
                    if row.get(name) != op.get(name):
                        lines.append(
                            f"{kind} {key}: {name}: rows {row.get(name)!r:.200}, "
                            f"ops {op.get(name)!r:.200}"
                        )
    return lines


@dataclass(frozen=True)
class RebuildReport:
    differences: list[str]
    rebuilt: bool


def rebuild(*, check: bool = False) -> RebuildReport:
    """Compare the rows with the ops; unless ``check``, rewrite the rows to match.

    Runs in one transaction: a rebuild that fails leaves the rows as they were.
    """
    with transaction.atomic():
        expected = node_projection()
        found = differences(expected, stored_projection())
        if check or not found:
            return RebuildReport(found, rebuilt=False)
        _write(expected)
        return RebuildReport(found, rebuilt=True)


class _Orgs(dict[str, Organization]):
    def __missing__(self, slug: str) -> Organization:
        self[slug] = Organization.objects.get(slug=slug)
        return self[slug]


def _write(expected: Projection) -> None:
    orgs = _Orgs()
    # Children first: decisions and commitments protect what they point to.
    Commitment.objects.exclude(op_id=None).exclude(op_id__in=list(expected.commitments)).delete()
    Decision.objects.exclude(op_id=None).exclude(op_id__in=list(expected.decisions)).delete()
    Meeting.objects.exclude(op_id=None).exclude(op_id__in=list(expected.meetings)).delete()
    meetings = {mid: _write_meeting(mid, value, orgs) for mid, value in expected.meetings.items()}
    decisions: dict[str, Decision] = {}
    for did, value in sorted(expected.decisions.items(), key=lambda kv: kv[1]["number"]):
        decisions[did] = _write_decision(did, value, meetings, decisions, orgs)
    parents_first = sorted(expected.commitments.items(), key=lambda kv: kv[1]["parent"] is not None)
    commitments: dict[str, Commitment] = {}
    for cid, value in parents_first:
        commitments[cid] = _write_commitment(cid, value, decisions, commitments, orgs)


def _write_meeting(op_id: str, value: dict[str, Any], orgs: _Orgs) -> Meeting:
    fields = {
        "title": value["title"] or "",
        "language": value["language"],
        "versions": value["versions"],
        "host": orgs[value["host"]],
        "cohost": orgs[value["cohost"]] if value["cohost"] else None,
        "date": date.fromisoformat(value["date"]),
        "timezone": value["timezone"],
        "location": value["location"] or "",
        "public": value["public"],
        "planner_request": value["planner_request"] or "",
        "forum_session": ForumSession.objects.filter(key=value["forum_session"]).first()
        if value["forum_session"]
        else None,
        "topic": Function.objects.filter(slug=value["topic"]).first() if value["topic"] else None,
    }
    meeting, _ = Meeting.objects.update_or_create(op_id=op_id, defaults=fields)
    Participant.objects.filter(meeting=meeting).exclude(
        organization__slug__in=value["participants"]
    ).delete()
    for slug in value["participants"]:
        Participant.objects.get_or_create(meeting=meeting, organization=orgs[slug])
    AgendaItem.objects.filter(meeting=meeting).delete()
    minutes_of = value.get("agenda_minutes_of") or {}
    translated = value.get("agenda_versions") or {}
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=n,
            title=title,
            minutes_of=minutes_of.get("meeting", "") if minutes_of.get("position") == n else "",
            versions={language: items[n - 1] for language, items in translated.items()},
        )
        for n, title in enumerate(value["agenda"] or [], 1)
    )
    _write_agenda_proposals(meeting, value.get("agenda_proposals") or {}, orgs)
    _write_minutes(meeting, value["minutes"], orgs)
    return meeting


def _write_agenda_proposals(
    meeting: Meeting, proposals: dict[str, dict[str, Any]], orgs: _Orgs
) -> None:
    AgendaProposal.objects.filter(meeting=meeting).exclude(op_id__in=list(proposals)).delete()
    for op_id, value in proposals.items():
        AgendaProposal.objects.update_or_create(
            meeting=meeting,
            op_id=op_id,
            defaults={
                "organization": orgs[value["by"]],
                "title": value["title"] or "",
                "status": value["status"],
                "reason": value["reason"] or "",
            },
        )


def _write_minutes(meeting: Meeting, value: dict[str, Any], orgs: _Orgs) -> None:
    if value["status"] == "none":
        Minutes.objects.filter(meeting=meeting).delete()
        return
    revisions = value["revisions"]
    last: dict[str, Any] = revisions[-1] if revisions else {"number": 0, "text": ""}
    minutes, _ = Minutes.objects.update_or_create(
        meeting=meeting,
        defaults={
            "status": value["status"],
            "revision": last["number"],
            "text": last["text"] or "",
        },
    )
    minutes.revisions.all().delete()
    minutes.agreements.all().delete()
    for revision in revisions:
        MinutesRevision.objects.create(
            minutes=minutes,
            number=revision["number"],
            text=revision["text"] or "",
            organization=orgs[revision["by"]],
        )
        for slug in revision["agreed_by"]:
            MinutesAgreement.objects.create(
                minutes=minutes, revision=revision["number"], organization=orgs[slug]
            )


def _write_decision(
    op_id: str,
    value: dict[str, Any],
    meetings: dict[str, Meeting],
    decisions: dict[str, Decision],
    orgs: _Orgs,
) -> Decision:
    fields = {
        "meeting": meetings[value["meeting"]],
        "number": value["number"],
        "title": value["title"] or "",
        "text": value["text"] or "",
        "status": value["status"],
        "proposed_by": orgs[value["proposed_by"]],
        "amends": decisions.get(value["amends"] or ""),
        "withdrawn_reason": value["withdrawn_reason"],
        "procedure": value["procedure"],
        "deadline": parse_instant(value["deadline"]) if value["deadline"] else None,
        "deadline_timezone": value["deadline_timezone"],
        "language": value["language"],
        "versions": value["versions"],
    }
    found = Decision.objects.filter(op_id=op_id)
    if found.exists():
        # An update, not save(): the projection may correct an adopted text a row got wrong.
        found.update(**fields)
        decision = found.get()
    else:
        decision = Decision.objects.create(op_id=op_id, **fields)
    if _answer_rows(decision) != value["answers"]:
        decision.responses.all().delete()
        for slug, position, reason, *timed in value["answers"]:
            paragraph, at = timed if timed else (None, None)
            DecisionResponse.objects.create(
                decision=decision,
                organization=orgs[slug],
                position=position,
                reason=reason,
                paragraph=paragraph,
                signed_at=parse_instant(at) if at else None,
            )
    return decision


def _answer_rows(decision: Decision) -> list[list[Any]]:
    """The answers as the projection has them: a reservation's paragraph and a signed
    time only where there is one."""
    rows: list[list[Any]] = []
    for r in decision.responses.select_related("organization").order_by("pk"):
        row: list[Any] = [r.organization.slug, r.position, r.reason]
        if r.paragraph is not None or r.signed_at is not None:
            row += [r.paragraph, instant(r.signed_at) if r.signed_at else None]
        rows.append(row)
    return rows


def _write_commitment(
    op_id: str,
    value: dict[str, Any],
    decisions: dict[str, Decision],
    commitments: dict[str, Commitment],
    orgs: _Orgs,
) -> Commitment:
    fields = {
        "decision": decisions[value["decision"]],
        "parent": commitments.get(value["parent"] or ""),
        "owner": orgs[value["owner"]],
        "description": value["description"] or "",
        "target": value["target"] or "",
        "due_date": date.fromisoformat(value["due"]),
        "timezone": value["timezone"],
        "review_date": date.fromisoformat(value["review"]) if value["review"] else None,
        "progress": value["progress"],
        "reported": value["reported"],
        "closed_as": value["closed_as"],
        "closed_reason": value["closed_reason"],
    }
    commitment, _ = Commitment.objects.update_or_create(op_id=op_id, defaults=fields)
    stored = [
        [m.title, _iso(m.due_date), m.reached_at is not None]
        for m in commitment.milestones.order_by("pk")
    ]
    if stored != value["milestones"]:
        _replace_milestones(commitment, value["milestones"])
    return commitment


def _replace_milestones(commitment: Commitment, milestones: Iterable[list[Any]]) -> None:
    from django.utils import timezone

    # Reports keep their text; the milestone they named is made again below.
    ProgressUpdate.objects.filter(commitment=commitment).update(milestone=None)
    commitment.milestones.all().delete()
    for title, due, reached in milestones:
        Milestone.objects.create(
            commitment=commitment,
            title=title or "",
            due_date=date.fromisoformat(due) if due else None,
            reached_at=timezone.now() if reached else None,
        )
