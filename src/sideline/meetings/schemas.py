"""Bodies of the meetings API's preparation endpoints: agenda, minutes, documents, delegations."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class AgendaIn(Schema):
    items: list[str]


class AgendaItemOut(Schema):
    position: int
    title: str


class MinutesIn(Schema):
    text: str


class MinutesOut(Schema):
    status: str
    revision: int
    text: str
    html: str
    agreed_by: list[str]


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


class DelegateIn(Schema):
    name: str
    email: str


class DelegateOut(Schema):
    id: int
    organization: str
    name: str
    status: str


class DelegationOut(Schema):
    participants: list[str]
    delegates: list[DelegateOut]


class SubItemIn(Schema):
    owner: str
    description: str
    target: str
    due_date: date
    timezone: str | None = None
    review_date: date | None = None
    milestones: list[str] = []


class ParticipantIn(Schema):
    organization: str


class WithdrawIn(Schema):
    reason: str = ""


class CloseIn(Schema):
    closed_as: str
    reason: str = ""
