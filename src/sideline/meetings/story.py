"""The story of a meeting request, a decision or a commitment, from request to result.

One chain: request → placed possible meeting (a published plan version) → meeting →
minutes → decision (with positions) → commitments → progress → result. Each step carries
its date and its record entries (the log, the leaf index and hash, the entry bundle's
tile); a step that has not happened is kept in the chain with what is missing, so that
the story never suggests more than the record holds.

Visibility is the meetings app's: a meeting the user may not see is left out, and the
story of a decision or a commitment in such a meeting does not exist for that user
(``StoryNotFound``, answered as 404 like the object's own page). A request's story is
open to coordinators, and to everyone once a published plan version names the request.

The number of queries does not grow with the number of meetings, decisions, commitments
and progress updates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sideline.accounts.permissions import can_coordinate
from sideline.meetings.enums import DecisionStatus, MinutesStatus
from sideline.meetings.models import (
    Change,
    Commitment,
    Decision,
    Meeting,
    Minutes,
    ProgressUpdate,
)
from sideline.meetings.selectors import visible_meetings
from sideline.meetings.versions import meeting_text
from sideline.planner.models import MeetingRequest, PlacedMeeting, PlanStatus, UnplacedRequest
from sideline.record.models import RecordEntry
from sideline.record.tiles import TILE_WIDTH, entries_path

__all__ = [
    "EntryRef",
    "Step",
    "Story",
    "StoryNotFound",
    "story_of_commitment",
    "story_of_decision",
    "story_of_request",
]

# The record kind of a calendar publication (planner/services/publication.py). Named here,
# not imported: the planner's services are a layer the meetings' reads do not import.
_PUBLISHED = "calendar.published"


class StoryNotFound(Exception):
    """The object does not exist, or the user may not see it."""


@dataclass(frozen=True)
class EntryRef:
    """One record entry: which log, which leaf, where its entry bundle is served."""

    log: str
    index: int
    kind: str
    created: datetime
    leaf_hash: str
    log_url: str
    bundle_url: str

    def to_json(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "index": self.index,
            "kind": self.kind,
            "created": self.created.isoformat(),
            "leaf_hash": self.leaf_hash,
            "log_url": self.log_url,
            "bundle_url": self.bundle_url,
        }


@dataclass
class Step:
    """One link of the chain; ``missing`` says what has not happened (then no ``url``)."""

    kind: str
    title: str
    depth: int = 0
    url: str = ""
    when: date | datetime | None = None
    state: str = ""
    missing: str = ""
    detail: list[str] = field(default_factory=list)
    entries: list[EntryRef] = field(default_factory=list)

    @property
    def indent(self) -> str:
        return "· " * self.depth

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "depth": self.depth,
            "url": self.url or None,
            "date": self.when.isoformat() if self.when is not None else None,
            "state": self.state or None,
            "missing": self.missing or None,
            "detail": self.detail,
            "entries": [e.to_json() for e in self.entries],
        }


@dataclass
class Story:
    """The chain of one object (``subject``: ``request``, ``decision`` or ``commitment``)."""

    subject: str
    title: str
    url: str
    steps: list[Step]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "sideline.story/1",
            "subject": self.subject,
            "title": self.title,
            "url": self.url,
            "steps": [s.to_json() for s in self.steps],
        }


def _entries_of(changes: list[Change]) -> dict[int, EntryRef]:
    """Each change's record entry, by the change's id: one query for all of them."""
    by_log: dict[str, set[int]] = defaultdict(set)
    for change in changes:
        if change.record_index is not None:
            by_log[change.organization.slug].add(change.record_index)
    if not by_log:
        return {}
    condition = Q()
    for slug, indexes in by_log.items():
        condition |= Q(log__organization__slug=slug, index__in=sorted(indexes))
    rows = {
        (e.log.organization.slug, e.index): e
        for e in RecordEntry.objects.filter(condition).select_related("log__organization")
    }
    found = {}
    for change in changes:
        if change.record_index is None:
            continue
        entry = rows.get((change.organization.slug, change.record_index))
        if entry is not None:
            found[change.pk] = _ref(entry, change.kind)
    return found


def _ref(entry: RecordEntry, kind: str) -> EntryRef:
    slug = entry.log.organization.slug
    bundle = entry.index // TILE_WIDTH
    width = min(TILE_WIDTH, entry.log.size - bundle * TILE_WIDTH)
    return EntryRef(
        log=slug,
        index=entry.index,
        kind=kind,
        created=entry.created,
        leaf_hash=bytes(entry.leaf_hash).hex(),
        log_url=reverse("record:log-detail", args=[slug]),
        bundle_url=reverse("record:tile", args=[slug, entries_path(bundle, width=width)[5:]]),
    )


@dataclass
class _Ledger:
    """The feed lines (with their entries) of a set of meetings, by subject and kind."""

    changes: dict[tuple[str, str], list[Change]]
    entries: dict[int, EntryRef]

    @classmethod
    def of(cls, meeting_ids: list[int]) -> _Ledger:
        changes = list(
            Change.objects.filter(meeting_id__in=meeting_ids)
            .select_related("organization")
            .order_by("created_at", "pk")
        )
        grouped: dict[tuple[str, str], list[Change]] = defaultdict(list)
        for change in changes:
            grouped[(change.subject, change.kind)].append(change)
        return cls(grouped, _entries_of(changes))

    def lines(self, subject: str | None, *kinds: str) -> list[Change]:
        found = [c for k in kinds for c in self.changes.get((subject or "", k), [])]
        return sorted(found, key=lambda c: (c.created_at, c.pk))

    def refs(self, subject: str | None, *kinds: str) -> list[EntryRef]:
        return [self.entries[c.pk] for c in self.lines(subject, *kinds) if c.pk in self.entries]


def _meetings(ids_or_filter: Q, user: Any) -> list[Meeting]:
    commitments = Commitment.objects.select_related("owner").prefetch_related(
        Prefetch("updates", queryset=ProgressUpdate.objects.select_related("milestone")),
        "children__updates",
        "children__owner",
    )
    return list(
        visible_meetings(user)
        .filter(ids_or_filter)
        .select_related("minutes")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("proposed_by").prefetch_related(
                    "responses__organization",
                    Prefetch("commitments", queryset=commitments.filter(parent__isnull=True)),
                ),
            )
        )
        .order_by("date", "op_id", "pk")
    )


def _placement(key: str, year: int) -> tuple[PlacedMeeting | None, UnplacedRequest | None]:
    """The newest published plan version's placement of the request, or its reasons."""
    placed = (
        PlacedMeeting.objects.filter(
            request__key=key, request__year=year, plan__status=PlanStatus.PUBLISHED
        )
        .select_related("plan", "session__forum")
        .order_by("-plan__version")
        .first()
    )
    if placed is not None:
        return placed, None
    unplaced = (
        UnplacedRequest.objects.filter(
            request__key=key, request__year=year, plan__status=PlanStatus.PUBLISHED
        )
        .order_by("-plan__version")
        .first()
    )
    return None, unplaced


def _request_steps(key: str, year: int, request: MeetingRequest | None) -> list[Step]:
    if not key or request is None:
        return [
            Step(
                "request", _("Meeting request"), missing=_("No meeting request: arranged directly.")
            )
        ]
    steps = [
        Step(
            "request",
            request.topic or request.key,
            when=request.created,
            state=request.get_origin_display(),
            detail=[", ".join(o.abbreviation for o in request.organizations.all())],
            missing="",
        )
    ]
    placed, unplaced = _placement(key, year)
    if placed is None:
        reasons = [
            str(r.get("message", r)) if isinstance(r, dict) else str(r)
            for r in (unplaced.reasons if unplaced is not None else [])
        ]
        steps.append(
            Step("placed", _("Possible meeting"), missing=_("Not yet placed."), detail=reasons)
        )
        return steps
    plan = placed.plan
    where = str(placed.session) if placed.session is not None else placed.summit
    publication = (
        RecordEntry.objects.filter(kind=_PUBLISHED, subject=f"plan/{plan.pk}")
        .select_related("log__organization")
        .first()
    )
    steps.append(
        Step(
            "placed",
            where,
            url=reverse("planner:plan-detail", args=[plan.pk]),
            when=placed.date,
            state=_("plan %(year)s, version %(version)s")
            % {"year": plan.year, "version": plan.version},
            # Numbered from one, as the published calendar shows them.
            detail=[
                _("slot %(slot)s, room %(room)s")
                % {"slot": placed.slot + 1, "room": placed.room + 1}
            ],
            entries=[_ref(publication, _PUBLISHED)] if publication is not None else [],
        )
    )
    return steps


def _minutes_step(meeting: Meeting, ledger: _Ledger) -> Step:
    minutes: Minutes | None = getattr(meeting, "minutes", None)
    entries = ledger.refs(
        meeting.op_id, "minutes.draft", "minutes.circulate", "minutes.agree", "minutes.lock"
    )
    if minutes is None or not minutes.revision:
        return Step("minutes", _("Minutes"), depth=1, missing=_("No minutes agreed."))
    agreed = ledger.lines(meeting.op_id, "minutes.agreed")
    done = minutes.status in {MinutesStatus.AGREED, MinutesStatus.LOCKED}
    return Step(
        "minutes",
        _("Minutes, revision %(revision)s") % {"revision": minutes.revision},
        depth=1,
        url=reverse("meetings:detail", args=[meeting.pk]) + "#minutes",
        when=agreed[-1].created_at if agreed and done else minutes.updated_at,
        state=minutes.get_status_display(),
        missing="" if done else _("No minutes agreed."),
        entries=entries,
    )


def _decision_steps(decision: Decision, ledger: _Ledger, now: datetime) -> list[Step]:
    standing: dict[str, tuple[str, str]] = {}
    for response in decision.responses.all():
        if response.position == "withdraw":
            standing.pop(response.organization.abbreviation, None)
        else:
            standing[response.organization.abbreviation] = (
                response.get_position_display(),
                response.reason,
            )
    steps = [
        Step(
            "decision",
            f"{decision.number}. {decision.title}",
            depth=1,
            url=reverse("meetings:decision", args=[decision.pk]),
            when=decision.adopted_at or decision.created_at,
            state=decision.get_status_display(),
            detail=[
                f"{org}: {position}" + (f" ({reason})" if reason else "")
                for org, (position, reason) in sorted(standing.items())
            ],
            entries=ledger.refs(
                decision.op_id,
                "decision.propose",
                "decision.edit",
                "decision.respond",
                "decision.withdraw",
            ),
        )
    ]
    commitments = list(decision.commitments.all())
    if not commitments:
        steps.append(
            Step(
                "commitment",
                _("Commitments"),
                depth=2,
                missing=_("No commitment made yet.")
                if decision.status == DecisionStatus.ADOPTED
                else _("No commitments: the decision is not adopted."),
            )
        )
    for commitment in commitments:
        steps += _commitment_steps(commitment, ledger, now, depth=2)
    return steps


def _commitment_steps(
    commitment: Commitment, ledger: _Ledger, now: datetime, *, depth: int
) -> list[Step]:
    steps = [
        Step(
            "commitment",
            commitment.description,
            depth=depth,
            url=reverse("meetings:commitment", args=[commitment.pk]),
            when=commitment.due_date,
            state=commitment.owner.abbreviation,
            detail=[commitment.target],
            entries=ledger.refs(commitment.op_id, "commitment.make"),
        )
    ]
    updates = list(commitment.updates.all())
    reports = ledger.refs(commitment.op_id, "commitment.report")
    # One op per update, written in the same transaction and in the same order.
    for number, update in enumerate(updates):
        label = (
            f"{update.percent} %"
            if update.percent is not None
            else (update.milestone.title if update.milestone else "")
        )
        steps.append(
            Step(
                "progress",
                label or _("Progress"),
                depth=depth + 1,
                when=update.created_at,
                detail=[text for text in (update.note, update.evidence_url) if text],
                entries=reports[number : number + 1],
            )
        )
    if not updates:
        steps.append(
            Step("progress", _("Progress"), depth=depth + 1, missing=_("No progress reported."))
        )
    status = commitment.status_at(now)
    closed = bool(commitment.closed_as)
    steps.append(
        Step(
            "result",
            commitment.get_closed_as_display() if closed else _("Result"),
            depth=depth + 1,
            when=commitment.closed_at,
            state=status,
            detail=[commitment.closed_reason] if commitment.closed_reason else [],
            missing="" if closed else _("Not closed yet."),
            entries=ledger.refs(commitment.op_id, "commitment.close"),
        )
    )
    for child in commitment.children.all():
        steps += _commitment_steps(child, ledger, now, depth=depth + 1)
    return steps


def _meeting_steps(
    meeting: Meeting, ledger: _Ledger, now: datetime, *, only: Decision | None = None
) -> list[Step]:
    steps = [
        Step(
            "meeting",
            # In the reader's language where the meeting is given in it.
            meeting_text(meeting).title,
            url=reverse("meetings:detail", args=[meeting.pk]),
            when=meeting.date,
            state=", ".join(p.organization.abbreviation for p in meeting.participations.all()),
            entries=ledger.refs(
                meeting.op_id, "meeting.create", "meeting.add_participant", "meeting.title"
            ),
        ),
        _minutes_step(meeting, ledger),
    ]
    decisions = [d for d in meeting.decisions.all() if only is None or d.pk == only.pk]
    if not decisions:
        steps.append(
            Step("decision", _("Decisions"), depth=1, missing=_("No decision proposed yet."))
        )
    for decision in decisions:
        steps += _decision_steps(decision, ledger, now)
    return steps


def _request_of(meeting: Meeting) -> MeetingRequest | None:
    if not meeting.planner_request:
        return None
    return (
        MeetingRequest.objects.filter(key=meeting.planner_request, year=meeting.date.year)
        .prefetch_related("organizations")
        .first()
    )


def story_of_request(pk: int, *, user: Any, now: datetime | None = None) -> Story:
    """The story of a planner request: its placement and every meeting held on it."""
    request = MeetingRequest.objects.prefetch_related("organizations").filter(pk=pk).first()
    if request is None:
        raise StoryNotFound
    named = (
        PlacedMeeting.objects.filter(request=request, plan__status=PlanStatus.PUBLISHED).exists()
        or UnplacedRequest.objects.filter(
            request=request, plan__status=PlanStatus.PUBLISHED
        ).exists()
    )
    if not named and not can_coordinate(user):
        raise StoryNotFound
    meetings = _meetings(Q(planner_request=request.key, date__year=request.year), user)
    ledger = _Ledger.of([m.pk for m in meetings])
    steps = _request_steps(request.key, request.year, request)
    if not meetings:
        steps.append(Step("meeting", _("Meeting"), missing=_("No meeting held yet.")))
    for meeting in meetings:
        steps += _meeting_steps(meeting, ledger, now or timezone.now())
    return Story(
        "request",
        request.topic or request.key,
        reverse("meetings:story", args=["request", request.pk]),
        steps,
    )


def story_of_decision(pk: int, *, user: Any, now: datetime | None = None) -> Story:
    """The story of a decision: its meeting's request and placement, then its results."""
    found = Decision.objects.filter(pk=pk).values_list("meeting_id", flat=True).first()
    meetings = _meetings(Q(pk=found or 0), user)
    decision = next(
        (d for m in meetings for d in m.decisions.all() if d.pk == pk),
        None,
    )
    if decision is None:
        raise StoryNotFound
    meeting = meetings[0]
    ledger = _Ledger.of([meeting.pk])
    steps = _request_steps(meeting.planner_request, meeting.date.year, _request_of(meeting))
    steps += _meeting_steps(meeting, ledger, now or timezone.now(), only=decision)
    return Story(
        "decision",
        str(decision),
        reverse("meetings:story", args=["decision", decision.pk]),
        steps,
    )


def story_of_commitment(pk: int, *, user: Any, now: datetime | None = None) -> Story:
    """The story of a commitment: request to decision above it, its progress and result."""
    row = (
        Commitment.objects.filter(pk=pk).values_list("decision_id", "decision__meeting_id").first()
    )
    if row is None:
        raise StoryNotFound
    meetings = _meetings(Q(pk=row[1]), user)
    if not meetings:
        raise StoryNotFound
    meeting = meetings[0]
    decision = next(d for d in meeting.decisions.all() if d.pk == row[0])
    commitment = (
        Commitment.objects.select_related("owner")
        .prefetch_related("updates__milestone", "children__updates", "children__owner")
        .get(pk=pk)
    )
    ledger = _Ledger.of([meeting.pk])
    now = now or timezone.now()
    steps = _request_steps(meeting.planner_request, meeting.date.year, _request_of(meeting))
    steps += _meeting_steps(meeting, ledger, now, only=decision)[:2]
    decision_step = _decision_steps(decision, ledger, now)[0]
    steps.append(decision_step)
    steps += _commitment_steps(commitment, ledger, now, depth=2)
    return Story(
        "commitment",
        commitment.description,
        reverse("meetings:story", args=["commitment", commitment.pk]),
        steps,
    )
