"""Closed vocabularies of meetings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    CIRCULATED = "circulated", _("circulated")
    AGREED = "agreed", _("agreed")
    LOCKED = "locked", _("locked")


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ADOPTED = "adopted", _("adopted")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Position(models.TextChoices):
    APPROVE = "approve", _("approves")
    STATEMENT = "statement", _("approves with an interpretative statement")
    RESERVATION = "reservation", _("approves with a reservation")
    OBJECT = "object", _("objects")
    WITHDRAW = "withdraw", _("withdraws its position")
    # Acts of a silence procedure, kept with the answers: they are not positions.
    BREAK_SILENCE = "break_silence", _("breaks silence")
    OBSERVE = "observe", _("records that the deadline passed")


# Positions that join consensus, with words or without.
APPROVALS = frozenset({Position.APPROVE, Position.STATEMENT, Position.RESERVATION})
# What a signatory chooses on the page and in the API.
ANSWERS = (
    Position.APPROVE,
    Position.STATEMENT,
    Position.RESERVATION,
    Position.OBJECT,
    Position.WITHDRAW,
)


class Procedure(models.TextChoices):
    MEETING = "meeting", _("consensus at a meeting")
    SILENCE = "silence", _("silence procedure")


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("open")
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    OVERDUE = "overdue", _("overdue")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class Closure(models.TextChoices):
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")
