"""Use cases of joint decisions: propose (at a meeting or by silence procedure, in one
or more equally authentic languages), edit, answer (approve, with an interpretative
statement or a reservation, object, withdraw a position), break silence, extend the
deadline, record that a deadline passed, withdraw a proposal. A decision is adopted
exactly when every participant's standing position approves its texts
(:func:`~sideline.meetings.services._common.consent`), or, under silence, when every
participant's log records the deadline passed with silence kept (docs/federation.md,
"Silence procedure").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from sideline.federation.ops import clear_content_hash
from sideline.federation.rules_decisions import paragraphs_of
from sideline.meetings.enums import ANSWERS, APPROVALS, DecisionStatus, Position, Procedure
from sideline.meetings.errors import MeetingError, forbidden
from sideline.meetings.instants import instant, local_deadline, parse_instant
from sideline.meetings.markdown import check_markdown
from sideline.meetings.models import Decision, DecisionResponse, Meeting
from sideline.meetings.permissions import acts_in, participant_ids
from sideline.meetings.services._common import (
    Actor,
    consent,
    feed_line,
    lock,
    new_op_id,
    record_op,
    refusals_logged,
    require_participant,
    role_claim,
    stored_user,
)
from sideline.registry.models import Organization

__all__ = [
    "break_silence",
    "current_positions",
    "decision_content",
    "edit_decision",
    "extend_deadline",
    "observe_deadlines",
    "propose_decision",
    "respond_to_decision",
    "silence_broken",
    "text_sha256",
    "withdraw_decision",
]

# The op's pattern (federation/kinds.py): "ru", and "zh-hans" for Chinese (Simplified).
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z]{2,4})?")


def decision_content(
    title: str, text: str, language: str = "en", versions: Sequence[Mapping[str, str]] = ()
) -> dict[str, Any]:
    """The content of a decision's ops: its text and every other authentic version.

    A decision in English alone keeps the content it had before versions existed.
    """
    content: dict[str, Any] = {"title": title, "text": text}
    if versions or language != "en":
        content["language"] = language
    if versions:
        content["versions"] = [dict(v) for v in versions]
    return content


def text_sha256(decision: Decision) -> str:
    """The hash by which answers name a decision's texts: its ops' content hash, which
    covers every language version, so that changing one voids earlier answers."""
    return clear_content_hash(
        decision_content(decision.title, decision.text, decision.language, decision.versions)
    )


def _clean_versions(
    title: str, text: str, language: str, versions: Iterable[Mapping[str, str]]
) -> list[dict[str, str]]:
    """Refuse what the reducer would, with a message naming the version."""
    cleaned = [
        {
            "language": str(v.get("language", "")).strip(),
            "title": str(v.get("title", "")).strip()[:300],
            "text": _newlines(str(v.get("text", ""))),
        }
        for v in versions
    ]
    languages = [language] + [v["language"] for v in cleaned]
    for code in languages:
        if not _LANGUAGE.fullmatch(code):
            raise MeetingError(
                "bad_language",
                f"language: {code!r} is not a language code such as en or ru",
                field="versions",
            )
    if len(set(languages)) != len(languages):
        raise MeetingError(
            "duplicate_language", "versions: give each language version once", field="versions"
        )
    expected = paragraphs_of(text)
    for version in cleaned:
        if not version["title"] or not version["text"].strip():
            raise MeetingError(
                "text_required",
                f"versions: the {version['language']} version needs a title and a text",
                field="versions",
            )
        check_markdown(version["text"])
        found = paragraphs_of(version["text"])
        if found != expected:
            raise MeetingError(
                "paragraphs_mismatch",
                f"versions: the {version['language']} version has {found} paragraph(s), "
                f"the {language} text {expected}; authentic versions align paragraph by paragraph",
                field="versions",
                details={"language": version["language"], "found": found, "expected": expected},
            )
    return cleaned


def _newlines(text: str) -> str:
    """A browser's textarea sends CRLF; ops carry no carriage return (a control character)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def silence_broken(decision: Decision) -> bool:
    """Whether someone broke silence (or objected under it): consensus is then needed."""
    return decision.responses.filter(
        position__in=[Position.BREAK_SILENCE, Position.OBJECT], signed_at__isnull=False
    ).exists()


def _silent(decision: Decision) -> bool:
    return decision.procedure == Procedure.SILENCE and not silence_broken(decision)


def _before_deadline(decision: Decision, now: datetime | None, *, then: str) -> datetime:
    """Return the moment of an act under silence; refuse it once the deadline passed,
    saying ``then`` what can no longer be done."""
    moment = _now(now)
    assert decision.deadline is not None
    if moment >= decision.deadline:
        raise MeetingError(
            "deadline_passed",
            then.format(deadline=instant(decision.deadline)),
            status=409,
        )
    return moment


def _signed_time(decision: Decision, org_id: int, now: datetime) -> str:
    """The op's time: now, never before this organization's last time on the decision
    (a clock set back must not make the reducer refuse the op)."""
    last = (
        decision.responses.filter(organization_id=org_id, signed_at__isnull=False)
        .order_by("-signed_at")
        .values_list("signed_at", flat=True)
        .first()
    )
    return instant(max(now, last) if last is not None else now)


def _require_proposed(decision: Decision, action: str) -> None:
    if decision.status != DecisionStatus.PROPOSED:
        raise MeetingError(
            f"decision_{decision.status}",
            f"the decision is {decision.status}; it {action}",
            status=409,
        )


@refusals_logged("decision.propose")
def propose_decision(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    text: str,
    amends: Decision | None = None,
    procedure: str = Procedure.MEETING,
    deadline: str = "",
    deadline_timezone: str = "",
    language: str = "en",
    versions: Iterable[Mapping[str, str]] = (),
    now: datetime | None = None,
) -> Decision:
    """Propose a text, taken at a meeting or by silence procedure until ``deadline``
    (a wall-clock time in ``deadline_timezone``), with other authentic ``versions``."""
    text = _newlines(text)
    meeting = lock(meeting.pk)
    org = require_participant(
        actor,
        meeting,
        code="not_participant",
        message="only participating organizations' delegates propose decisions",
    )
    if not title.strip() or not text.strip():
        raise MeetingError("text_required", "title and text: a decision needs both", field="text")
    check_markdown(text)
    cleaned = _clean_versions(title, text, language.strip() or "en", versions)
    if procedure not in Procedure.values:
        raise MeetingError(
            "unknown_procedure",
            f"procedure: use one of {', '.join(Procedure.values)}",
            field="procedure",
        )
    due = None
    if procedure == Procedure.SILENCE:
        due = local_deadline(deadline, deadline_timezone)
        if due <= _now(now):
            raise MeetingError(
                "deadline_past",
                f"deadline: {deadline} in {deadline_timezone} has already passed; "
                "choose a later time",
                field="deadline",
            )
    if amends is not None and (
        amends.meeting_id != meeting.pk or amends.status != DecisionStatus.ADOPTED
    ):
        raise MeetingError(
            "amends_not_adopted",
            "amends: only an adopted decision of this meeting is amended",
            field="amends",
        )
    last = meeting.decisions.order_by("-number").values_list("number", flat=True).first()
    decision = Decision.objects.create(
        op_id=new_op_id(org.slug, "d"),
        meeting=meeting,
        number=(last or 0) + 1,
        title=title.strip()[:300],
        text=text,
        proposed_by=org,
        amends=amends,
        procedure=procedure,
        deadline=due,
        deadline_timezone=deadline_timezone.strip() if due else "",
        language=language.strip() or "en",
        versions=cleaned,
    )
    assert decision.op_id is not None
    args: dict[str, Any] = {"meeting": meeting.op_id, "amends": amends.op_id if amends else None}
    if due is not None:
        args |= {
            "procedure": procedure,
            "deadline": instant(due),
            "timezone": decision.deadline_timezone,
        }
    record_op(
        meeting=meeting,
        organization=org,
        kind="decision.propose",
        object_id=decision.op_id,
        role=role_claim(actor),
        args=args,
        clear=decision_content(decision.title, text, decision.language, cleaned),
        summary=f"decision {decision.number} proposed: {decision.title}",
    )
    return decision


@refusals_logged("decision.edit")
def edit_decision(
    *,
    actor: Actor,
    decision: Decision,
    title: str,
    text: str,
    versions: Iterable[Mapping[str, str]] | None = None,
) -> Decision:
    """Correct a proposal nobody has answered yet; later changes need a new decision."""
    text = _newlines(text)
    meeting = lock(decision.meeting_id)
    if not acts_in(actor, meeting, decision.proposed_by_id):
        raise forbidden(
            "not_proposer", "only the proposing organization's delegates edit a proposal"
        )
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == DecisionStatus.ADOPTED:
        raise MeetingError(
            "decision_adopted",
            "the decision is adopted; its text cannot change — propose an amendment",
            status=409,
        )
    if decision.status == DecisionStatus.WITHDRAWN:
        raise MeetingError(
            "decision_withdrawn", "the decision is withdrawn; propose a new one", status=409
        )
    if decision.responses.exists():
        raise MeetingError(
            "decision_answered",
            "organizations have answered this text; withdraw it and propose a new one",
            status=409,
        )
    check_markdown(text)
    cleaned = _clean_versions(
        title, text, decision.language, decision.versions if versions is None else versions
    )
    decision.title, decision.text, decision.versions = title.strip()[:300], text, cleaned
    decision.save()
    assert decision.op_id is not None
    record_op(
        meeting=meeting,
        organization=decision.proposed_by,
        kind="decision.edit",
        object_id=decision.op_id,
        role=role_claim(actor),
        args={},
        clear=decision_content(decision.title, text, decision.language, cleaned),
        summary=f"decision {decision.number} edited",
    )
    return decision


def current_positions(decision: Decision) -> dict[int, str]:
    """Each organization's standing position: its last approval or objection, unless withdrawn."""
    positions: dict[int, str] = {}
    for response in decision.responses.all():
        if response.position in (Position.BREAK_SILENCE, Position.OBSERVE):
            continue
        if response.position == Position.WITHDRAW:
            positions.pop(response.organization_id, None)
        else:
            positions[response.organization_id] = response.position
    return positions


def _require_current_text(decision: Decision, answered: str | None) -> str:
    """The texts' hash the answer names: refused when the texts changed since it was read."""
    current = text_sha256(decision)
    if answered is not None and answered != current:
        raise MeetingError(
            "stale_text",
            "text_sha256: the texts changed since you read them (one of the language versions "
            "was edited); read them again before answering",
            field="text_sha256",
            status=409,
        )
    return current


def _adopt(decision: Decision, meeting: Meeting, org: Organization, how: str) -> None:
    # Derived, not an op: every node computes adoption from the ops.
    decision.status = DecisionStatus.ADOPTED
    decision.adopted_at = timezone.now()
    decision.save(update_fields=["status", "adopted_at"])
    assert decision.op_id is not None
    feed_line(
        meeting=meeting,
        organization=org,
        kind="decision.adopted",
        subject=decision.op_id,
        summary=f"decision {decision.number} adopted {how}",
    )


@refusals_logged("decision.respond")
def respond_to_decision(
    *,
    actor: Actor,
    decision: Decision,
    position: str,
    reason: str = "",
    paragraph: int | None = None,
    text_sha256: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """Answer for one's own organization: approve (plainly, with an interpretative
    statement, or with a reservation on a paragraph), object with a reason, or withdraw
    one's position; ``text_sha256`` is the hash of the texts the signatory read.

    The decision is adopted when every participating organization approves.
    """
    meeting = lock(decision.meeting_id)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    decision.meeting = meeting
    org = require_participant(
        actor,
        meeting,
        sign=True,
        code="not_signatory",
        message="only a participating organization's signatory answers for it",
    )
    if position not in ANSWERS:
        raise MeetingError(
            "unknown_position",
            f"position: use one of {', '.join(ANSWERS)}",
            field="position",
        )
    _require_proposed(decision, "takes no more answers")
    current = _require_current_text(decision, text_sha256)
    reason = reason.strip()
    if position in (Position.OBJECT, Position.STATEMENT, Position.RESERVATION) and not reason:
        words = {
            Position.OBJECT: "say why your organization objects",
            Position.STATEMENT: "give the interpretative statement",
            Position.RESERVATION: "give the reservation's words",
        }
        raise MeetingError(
            "reason_required", f"reason: {words[Position(position)]}", field="reason"
        )
    if position == Position.RESERVATION:
        paragraphs = paragraphs_of(decision.text)
        if paragraph is None:
            raise MeetingError(
                "paragraph_required",
                "paragraph: a reservation names the paragraph it is about",
                field="paragraph",
            )
        if not 1 <= paragraph <= paragraphs:
            raise MeetingError(
                "unknown_paragraph",
                f"paragraph: the text has {paragraphs} paragraph(s); there is no paragraph {paragraph}",
                field="paragraph",
                details={"paragraph": paragraph, "paragraphs": paragraphs},
            )
    else:
        paragraph = None
    at = None
    if _silent(decision):
        moment = _before_deadline(
            decision,
            now,
            then="the silence procedure ended at {deadline}; it takes no more answers",
        )
        at = _signed_time(decision, org.pk, moment)
    standing = current_positions(decision).get(org.pk)
    if position == standing:
        raise MeetingError(
            "already_objected" if position == Position.OBJECT else "already_approved",
            f"{org.slug} already {position}s; withdraw first to change",
            status=409,
        )
    if position == Position.WITHDRAW and standing is None:
        raise MeetingError(
            "nothing_to_withdraw", f"{org.slug} has no position to withdraw", status=409
        )
    DecisionResponse.objects.create(
        decision=decision,
        organization=org,
        position=position,
        reason=reason,
        paragraph=paragraph,
        signed_at=parse_instant(at) if at else None,
        user=stored_user(actor),
    )
    assert decision.op_id is not None
    args: dict[str, Any] = {"position": position, "text_sha256": current}
    if paragraph is not None:
        args["paragraph"] = paragraph
    if at is not None:
        args["at"] = at
    record_op(
        meeting=meeting,
        organization=org,
        kind="decision.respond",
        object_id=decision.op_id,
        role=role_claim(actor, sign=True),
        args=args,
        clear={"reason": reason} if reason else None,
        summary=f"decision {decision.number}: {org.slug} {position}",
    )
    standing_approvals = {
        org_id: Position.APPROVE if answer in APPROVALS else answer
        for org_id, answer in current_positions(decision).items()
    }
    if consent(standing_approvals, participant_ids(meeting), agreed=Position.APPROVE):
        _adopt(decision, meeting, org, "by every participant")
    return decision


@refusals_logged("decision.break_silence")
def break_silence(
    *,
    actor: Actor,
    decision: Decision,
    reason: str,
    text_sha256: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """Break silence for one's own organization, with a reason, before the deadline."""
    meeting = lock(decision.meeting_id)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    org = require_participant(
        actor,
        meeting,
        sign=True,
        code="not_signatory",
        message="only a participating organization's signatory breaks silence for it",
    )
    _require_proposed(decision, "takes no more answers")
    _require_silence(decision)
    current = _require_current_text(decision, text_sha256)
    reason = reason.strip()
    if not reason:
        raise MeetingError(
            "reason_required", "reason: say why your organization breaks silence", field="reason"
        )
    moment = _before_deadline(
        decision,
        now,
        then="the silence procedure ended at {deadline}; silence can no longer be broken",
    )
    at = _signed_time(decision, org.pk, moment)
    DecisionResponse.objects.create(
        decision=decision,
        organization=org,
        position=Position.BREAK_SILENCE,
        reason=reason,
        signed_at=parse_instant(at),
        user=stored_user(actor),
    )
    assert decision.op_id is not None
    record_op(
        meeting=meeting,
        organization=org,
        kind="decision.break_silence",
        object_id=decision.op_id,
        role=role_claim(actor, sign=True),
        args={"text_sha256": current, "at": at},
        clear={"reason": reason},
        summary=f"decision {decision.number}: {org.slug} breaks silence",
    )
    return decision


def _require_silence(decision: Decision) -> None:
    if decision.procedure != Procedure.SILENCE:
        raise MeetingError(
            "not_silence_procedure",
            "the decision is taken at a meeting, not by silence procedure",
            status=409,
        )
    if silence_broken(decision):
        raise MeetingError(
            "silence_broken", "silence was broken: the decision needs consensus now", status=409
        )


@refusals_logged("decision.extend")
def extend_deadline(
    *, actor: Actor, decision: Decision, deadline: str, now: datetime | None = None
) -> Decision:
    """Move a silence procedure's deadline later, before it passes (the proposer only);
    ``deadline`` is a wall-clock time in the decision's time zone."""
    meeting = lock(decision.meeting_id)
    if not acts_in(actor, meeting, decision.proposed_by_id):
        raise forbidden("not_proposer", "only the proposing organization extends the deadline")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _require_proposed(decision, "cannot be extended")
    _require_silence(decision)
    moment = _before_deadline(
        decision, now, then="the deadline {deadline} has passed; it can no longer be extended"
    )
    due = local_deadline(deadline, decision.deadline_timezone)
    assert decision.deadline is not None
    if due <= decision.deadline:
        raise MeetingError(
            "deadline_not_later",
            f"deadline: {deadline} in {decision.deadline_timezone} is not after the current deadline",
            field="deadline",
        )
    at = _signed_time(decision, decision.proposed_by_id, moment)
    decision.deadline = due
    decision.save(update_fields=["deadline"])
    assert decision.op_id is not None
    record_op(
        meeting=meeting,
        organization=decision.proposed_by,
        kind="decision.extend",
        object_id=decision.op_id,
        role=role_claim(actor),
        args={"deadline": instant(due), "at": at},
        summary=f"decision {decision.number}: deadline extended to {instant(due)}",
    )
    return decision


def observe_deadlines(*, now: datetime | None = None) -> list[Decision]:
    """Record, for each organization this node hosts, every silence deadline that passed.

    Run by the node (``sideline meetings tick``, and the federation's follower): an op
    ``decision.observe`` in each hosted participant's own log, with no person's role. The
    decision is adopted once every participant's log holds one and silence was kept.
    Returns the decisions adopted now.
    """
    from sideline.node import hosted_organizations

    moment = _now(now)
    hosted = hosted_organizations()
    adopted = []
    due = Decision.objects.filter(
        status=DecisionStatus.PROPOSED, procedure=Procedure.SILENCE, deadline__lte=moment
    ).exclude(op_id=None)
    for decision_id in due.values_list("pk", flat=True):
        decision = _observe(decision_id, hosted, moment)
        if decision is not None:
            adopted.append(decision)
    return adopted


@transaction.atomic
def _observe(decision_id: int, hosted: frozenset[str], moment: datetime) -> Decision | None:
    decision = Decision.objects.select_related("meeting").get(pk=decision_id)
    meeting = lock(decision.meeting_id)
    decision = Decision.objects.select_for_update().get(pk=decision_id)
    if decision.status != DecisionStatus.PROPOSED or silence_broken(decision):
        return None
    assert decision.deadline is not None
    assert decision.op_id is not None
    participants = Organization.objects.filter(pk__in=participant_ids(meeting))
    observed = set(
        decision.responses.filter(
            position=Position.OBSERVE, signed_at__gte=decision.deadline
        ).values_list("organization_id", flat=True)
    )
    for org in participants.filter(slug__in=hosted).exclude(pk__in=observed).order_by("slug"):
        at = _signed_time(decision, org.pk, moment)
        DecisionResponse.objects.create(
            decision=decision,
            organization=org,
            position=Position.OBSERVE,
            signed_at=parse_instant(at),
        )
        record_op(
            meeting=meeting,
            organization=org,
            kind="decision.observe",
            object_id=decision.op_id,
            role=None,
            args={"at": at},
            summary=f"decision {decision.number}: {org.slug} records the deadline passed",
        )
        observed.add(org.pk)
    objecting = Position.OBJECT in current_positions(decision).values()
    if set(participants.values_list("pk", flat=True)) <= observed and not objecting:
        _adopt(decision, meeting, decision.proposed_by, "by silence procedure")
        return decision
    return None


@refusals_logged("decision.withdraw")
def withdraw_decision(*, actor: Actor, decision: Decision, reason: str) -> Decision:
    meeting = lock(decision.meeting_id)
    if not acts_in(actor, meeting, decision.proposed_by_id):
        raise forbidden("not_proposer", "only the proposing organization withdraws its proposal")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _require_proposed(decision, "cannot be withdrawn")
    if not reason.strip():
        raise MeetingError(
            "reason_required", "reason: say why the proposal is withdrawn", field="reason"
        )
    decision.status = DecisionStatus.WITHDRAWN
    decision.withdrawn_reason = reason.strip()
    decision.save(update_fields=["status", "withdrawn_reason"])
    assert decision.op_id is not None
    record_op(
        meeting=meeting,
        organization=decision.proposed_by,
        kind="decision.withdraw",
        object_id=decision.op_id,
        role=role_claim(actor),
        args={},
        clear={"reason": decision.withdrawn_reason},
        summary=f"decision {decision.number} withdrawn",
    )
    return decision
