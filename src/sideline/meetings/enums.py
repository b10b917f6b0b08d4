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
    OBJECT = "object", _("objects")
    WITHDRAW = "withdraw", _("withdraws its position")


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
