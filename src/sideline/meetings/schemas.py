"""Bodies of the meetings API's preparation endpoints: agenda, minutes, documents, delegations."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from sideline.openapi import Input
from sideline.validators import Day, Text, Zone


class AgendaIn(Input):
    items: list[Text]


class AgendaItemOut(Schema):
    position: int
    title: str


class MinutesIn(Input):
    text: Text


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
