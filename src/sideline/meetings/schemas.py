"""Bodies of the meetings API: meetings, decisions, commitments, the dashboard, agenda,
minutes, documents and delegations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.conf import settings
from ninja import Schema
from pydantic import Field

from sideline.openapi import Input
from sideline.validators import Day, Name, Text, Zone

# One of the interface's languages: the service refuses another (`bad_language`); the
# document lists them, so that a client knows which.
Language = Annotated[
    str,
    Field(
        description="a language of the interface: en, ru, kk, ar, zh-hans, fr or es",
        json_schema_extra={"enum": [code for code, _name in settings.LANGUAGES]},
    ),
]


class AgendaIn(Input):
    items: list[Text]
    # First item: approval of the minutes of the previous meeting of the series.
    previous_minutes: bool = False


class MinutesOfOut(Schema):
    meeting: str  # the earlier meeting's global identifier
    id: int | None  # its id on this node, when the caller may see it


class AgendaItemOut(Schema):
    position: int
    title: str
    minutes_of: MinutesOfOut | None = None
    # The item in the meeting's other languages: {"ru": "..."}.
    versions: dict[str, str] = {}


class ProposalIn(Input):
    title: Text


class DeclineIn(Input):
    reason: Text = ""


class ProposalOut(Schema):
    id: int
    title: str
    organization: str
    status: str
    reason: str
    created_at: datetime
    decided_at: datetime | None


class AgreementOut(Schema):
    organization: str
    person: str | None
    at: datetime
    revision: int
    revision_sha256: str


class MinutesIn(Input):
    text: Text


class MinutesOut(Schema):
    status: str
    revision: int
    text: str
    html: str
    agreed_by: list[str]
    agreements: list[AgreementOut] = []


class DocumentOut(Schema):
    uid: str
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    organization: str
    created_at: datetime
    url: str


class DelegateIn(Input):
    name: Text
    email: Text


class DelegateOut(Schema):
    id: int
    organization: str
    name: str
    status: str


class DelegationOut(Schema):
    participants: list[str]
    delegates: list[DelegateOut]


class SubItemIn(Input):
    owner: Text
    description: Text
    target: Text
    due_date: Day
    timezone: Zone | None = None
    review_date: Day | None = None
    milestones: list[Text] = []


class ParticipantIn(Input):
    organization: Text


class WithdrawIn(Input):
    reason: Text = ""


class CloseIn(Input):
    closed_as: Text
    reason: Text = ""


class MeetingIn(Input):
    title: Name
    host: Text
    cohost: Text | None = None
    participants: list[Text] = []
    date: Day
    timezone: Zone | None = None
    location: Text = ""
    public: bool = False
    topic: Text | None = None
    forum_session: Text | None = None
    planner_request: Text = ""
    # The language of the title and agenda items.
    language: Language = "en"


class TitleVersionOut(Schema):
    language: str
    title: str


class MeetingOut(Schema):
    id: int
    title: str
    date: date
    timezone: str
    host: str
    cohost: str | None
    participants: list[str]
    public: bool
    language: str
    # The title in the meeting's other languages.
    versions: list[TitleVersionOut]


class MeetingVersionIn(Input):
    """The meeting's title, and its agenda items, in another language."""

    language: Language
    title: Name
    # The agenda items in that language in the agenda's order, without the item that
    # approves the previous meeting's minutes; none: the agenda's versions stay.
    items: list[Text] = []


class VersionIn(Input):
    """Another equally authentic language version of a decision."""

    language: Text
    title: Text
    text: Text


class DecisionIn(Input):
    title: Text
    text: Text
    amends: int | None = None
    # "meeting" (consensus at a meeting) or "silence" (adopted at the deadline unless
    # someone breaks silence); the deadline is a wall-clock time in deadline_timezone.
    procedure: Text = "meeting"
    deadline: Text = ""
    deadline_timezone: Text = ""
    language: Text = "en"
    versions: list[VersionIn] | None = None


class VersionOut(Schema):
    language: str
    title: str
    text: str
    sha256: str


class AnswerOut(Schema):
    organization: str
    position: str
    reason: str
    paragraph: int | None
    signed_at: datetime | None
    answered_at: datetime
    by: str


class DecisionOut(Schema):
    id: int
    meeting: int
    number: int
    title: str
    text: str
    status: str
    adopted_at: datetime | None
    procedure: str
    deadline: datetime | None
    deadline_timezone: str
    text_sha256: str
    versions: list[VersionOut]
    answers: list[AnswerOut]
    statements: list[AnswerOut]
    reservations: list[AnswerOut]


class ResponseIn(Input):
    position: Text
    reason: Text = ""
    paragraph: int | None = None
    # The hash of the texts the signatory read (DecisionOut.text_sha256): refused with
    # stale_text when a version changed since.
    text_sha256: Text | None = None


class BreakSilenceIn(Input):
    reason: Text = ""
    text_sha256: Text | None = None


class ExtendIn(Input):
    deadline: Text


class CommitmentIn(Input):
    owner: Text
    description: Text
    target: Text
    due_date: Day
    timezone: Zone | None = None
    review_date: Day | None = None


class ProgressIn(Input):
    percent: int | None = None
    milestone: int | None = None
    note: Text = ""
    evidence_url: Text = ""


class CommitmentOut(Schema):
    id: int
    decision: int
    owner: str
    description: str
    target: str
    due_date: date
    timezone: str
    progress: int
    status: str


class DashboardOut(Schema):
    decisions_adopted: int
    decisions_proposed: int
    by_status: dict[str, int]
    overdue: list[int]
