"""Imported conflict data, and concerns raised by people with their endorsements.

Rows are thin; the rules live in ``services`` (writes) and ``selectors`` (reads).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sideline.prevention.enums import ConcernStatus, DataKind, Severity
from sideline.registry.models import Organization, State


class Dataset(models.Model):
    """One imported file; a new import of the same kind replaces it."""

    kind = models.CharField(_("kind"), max_length=20, choices=DataKind.choices, unique=True)
    name = models.CharField(_("file"), max_length=255)
    layout = models.CharField(_("layout"), max_length=80)
    source = models.CharField(_("source"), max_length=300)
    licence = models.CharField(_("licence"), max_length=120)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    first_period = models.CharField(_("from"), max_length=7)
    last_period = models.CharField(_("to"), max_length=7)
    bundled = models.BooleanField(_("bundled"), default=False)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("conflict dataset")

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class StateValue(models.Model):
    """Deaths, or forecast deaths, of a state in a year (``month`` 0) or a month."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="values")
    state = models.CharField(_("state"), max_length=8, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), default=0)
    value = models.FloatField(_("deaths"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "state", "year", "month"], name="one_value_per_state_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.year}-{self.month:02d}: {self.value:g}"


class ConflictYear(models.Model):
    """One conflict in one year, with the states it is fought in (space-separated)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="conflicts")
    conflict_id = models.PositiveIntegerField(_("conflict"))
    year = models.PositiveSmallIntegerField(_("year"))
    states = models.CharField(_("states"), max_length=200)
    intensity = models.PositiveSmallIntegerField(_("intensity"))
    conflict_type = models.PositiveSmallIntegerField(_("type"))
    episode_start = models.DateField(_("episode start"), null=True, blank=True)
    episode_end = models.BooleanField(_("episode ended"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "conflict_id", "year"], name="one_row_per_conflict_year"
            )
        ]

    def __str__(self) -> str:
        return f"conflict {self.conflict_id} in {self.year}"


class Concern(models.Model):
    """A concern about a state (or a border with ``other_state``) raised by a person."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    other_state = models.ForeignKey(
        State, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    sources = models.JSONField(_("sources"), default=list)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    concerned = models.ManyToManyField(
        Organization, related_name="concerns", verbose_name=_("organizations concerned")
    )
    public = models.BooleanField(_("public"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    record_index = models.PositiveBigIntegerField(null=True, blank=True)
    # The concern's global identifier, <organization>/k-<16 hex>: the object of its ops
    # (concern.raise, .endorse, .close), the same on every node that holds it.
    op_id = models.CharField(max_length=130, unique=True, null=True, blank=True)
    # The planner's request that this concern became (its year and key), once placed.
    request_year = models.PositiveSmallIntegerField(null=True, blank=True)
    request_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("concern")

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self) -> str:
        return f"concern/{self.pk}"


class Endorsement(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="endorsements")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    record_index = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "organization"], name="one_endorsement_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} endorses {self.concern_id}"
