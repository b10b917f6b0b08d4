"""Imported UN General Assembly roll calls, stored compactly.

Voeten's data has about 870,000 vote rows (one per state and roll call). Stored one row
per vote, with indexes, that is tens of megabytes and a slow rebuild of the roll-call
matrix the voting core works on. Stored here instead: one :class:`RollCall` row per
roll call (about 6,200) whose ``votes`` text holds one character per state, in the
column order that its :class:`VoteDataset` lists once — ``0`` absent, ``1`` yes,
``2`` abstain, ``3`` no (:data:`sideline.analysis.voting.VOTE_CODES`). The whole data
set takes about 1.3 MB of vote text, and the matrix comes back with one query and one
``numpy.frombuffer``. Per-session agreement scores are not stored: they depend on the
rule, the pillars and the EU's membership, and the core computes them in milliseconds.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteDataset(models.Model):
    """One import of the roll-call data; a new import replaces the previous one."""

    source = models.CharField(_("source"), max_length=500)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    states = models.TextField(_("states"), help_text=_("ISO alpha-3 codes, space-separated"))
    roll_call_count = models.PositiveIntegerField(_("roll calls"))
    vote_count = models.PositiveIntegerField(_("votes"))
    first_session = models.PositiveSmallIntegerField(_("first session"))
    last_session = models.PositiveSmallIntegerField(_("last session"))

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("UN vote data set")
        verbose_name_plural = _("UN vote data sets")

    def __str__(self) -> str:
        return f"{self.source} ({self.roll_call_count} roll calls)"

    @property
    def state_list(self) -> list[str]:
        return self.states.split()


class RollCall(models.Model):
    """A General Assembly roll call with every state's vote as one character."""

    dataset = models.ForeignKey(VoteDataset, on_delete=models.CASCADE, related_name="roll_calls")
    rcid = models.PositiveIntegerField(_("roll-call id"))
    session = models.PositiveSmallIntegerField(_("session"))
    date = models.DateField(_("date"))
    votes = models.TextField(_("votes"))

    class Meta:
        ordering = ["session", "date", "rcid"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "rcid"], name="one_roll_call_per_rcid")
        ]
        verbose_name = _("roll call")
        verbose_name_plural = _("roll calls")

    def __str__(self) -> str:
        return f"roll call {self.rcid} (session {self.session}, {self.date:%Y-%m-%d})"
