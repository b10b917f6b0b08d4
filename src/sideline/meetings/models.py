"""Meetings, their delegations, agenda, documents, minutes, decisions and commitments.

Rows are thin; the rules (who may do what, the consensus rule, status from due dates)
live in ``permissions``, ``services`` and ``status``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sideline.meetings.enums import Closure, DecisionStatus, MinutesStatus, Position, Procedure
from sideline.meetings.status import commitment_status
from sideline.registry.models import ForumSession, Function, Organization
from sideline.validators import date_in_range, date_validators


# The global identifier of a shared object (``<organization>/<name>``, federation/ops.py):
# what its ops name it by on every node. Null only for rows made before meetings were ops.
def _op_id() -> models.CharField[str | None, str | None]:
    return models.CharField(max_length=130, unique=True, null=True, blank=True, editable=False)


class Meeting(models.Model):
    op_id = _op_id()
    title = models.CharField(_("title"), max_length=300)
    topic = models.ForeignKey(
        Function,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic"),
    )
    # A meeting placed by the planner keeps its session and the planner's request id; the
    # id is a string so that meetings do not depend on the planner's models.
    forum_session = models.ForeignKey(
        ForumSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("forum session"),
    )
    planner_request = models.CharField(_("planner request"), max_length=120, blank=True)
    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="meetings_hosted",
        verbose_name=_("host"),
    )
    cohost = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_cohosted",
        verbose_name=_("co-host"),
    )
    date = models.DateField(_("date"), validators=date_validators())
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    location = models.CharField(_("location"), max_length=200, blank=True)
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Anyone may read the content, not only participants."),
    )
    participants = models.ManyToManyField(
        Organization, through="Participant", related_name="meetings"
    )
    # The language of the title and the agenda items as given, and the title in others:
    # [{"language", "title"}], as the ops carry them (each item's are on AgendaItem).
    language = models.CharField(max_length=8, default="en")
    versions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [date_in_range("date", name="meeting_date_in_range")]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self) -> str:
        return self.op_id or f"meeting/{self.pk}"

    def host_ids(self) -> set[int]:
        return {self.host_id} | ({self.cohost_id} if self.cohost_id else set())


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organization__slug"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organization"], name="one_participation")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} in {self.meeting_id}"


class Delegate(models.Model):
    """A member of an organization's delegation, named and approved by its focal point."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegates")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # The delegate's identifier in the ops (``delegation.name``), unique in the meeting.
    op_id = models.CharField(max_length=64, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # SHA-256 of the invitation link's secret; the secret itself is only in the e-mail.
    invitation_digest = models.CharField(max_length=64, blank=True, db_index=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization__slug", "name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="one_delegate_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization_id})"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=300)
    # The item approves the minutes of this earlier meeting (its global identifier, as the
    # op names it: the earlier meeting may be one this node does not hold).
    minutes_of = models.CharField(max_length=130, blank=True)
    # The item in other languages than the meeting's: {"ru": "...", ...}.
    versions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class AgendaProposal(models.Model):
    """An agenda item a participant proposed; a host accepts it or declines it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_proposals")
    # "<organization>/<name>" as the ops name it (``agenda.propose``).
    op_id = models.CharField(max_length=130, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(max_length=10, default="proposed")
    reason = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "op_id"], name="one_agenda_proposal_id")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"


def _document_path(instance: Document, filename: str) -> str:
    # Never the uploader's file name in the path: the stored name is random.
    return f"meetings/{instance.meeting_id}/{instance.sha256[:16]}-{instance.uid}"


class Document(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    filename = models.CharField(max_length=255)
    uid = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=_document_path, max_length=300)
    media_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Minutes(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(
        max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    text = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"minutes of {self.meeting_id} r{self.revision} ({self.status})"


class MinutesRevision(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"revision {self.number}"


class MinutesAgreement(models.Model):
    """An organization agrees to one revision; a new revision needs new agreements."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="agreements")
    revision = models.PositiveIntegerField()
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "revision", "organization"], name="one_agreement_per_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} agrees to r{self.revision}"


class AdoptedTextError(Exception):
    """Raised by ``Decision.save`` when an adopted text would change."""


class Decision(models.Model):
    op_id = _op_id()
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    status = models.CharField(
        max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    procedure = models.CharField(
        _("procedure"), max_length=10, choices=Procedure.choices, default=Procedure.MEETING
    )
    # Under silence: the instant (UTC) and the zone it was set in, for display.
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    deadline_timezone = models.CharField(max_length=64, blank=True)
    # The language of title and text, and the other equally authentic versions:
    # [{"language", "title", "text"}], as the ops carry them.
    language = models.CharField(max_length=8, default="en")
    versions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_decision_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The last guard of "an adopted text never changes", below every service.
        if self.pk is not None:
            stored = (
                Decision.objects.filter(pk=self.pk)
                .values("status", "title", "text", "versions")
                .first()
            )
            if (
                stored
                and stored["status"] == DecisionStatus.ADOPTED
                and (stored["title"], stored["text"], stored["versions"])
                != (self.title, self.text, self.versions)
            ):
                raise AdoptedTextError(f"decision {self.pk} is adopted; its text cannot change")
        super().save(*args, **kwargs)

    @property
    def subject(self) -> str:
        return self.op_id or f"decision/{self.pk}"


class DecisionResponse(models.Model):
    """One organization's approval, objection or withdrawal of its position; never deleted."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="responses")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=20, choices=Position.choices)
    reason = models.TextField(blank=True)
    paragraph = models.PositiveSmallIntegerField(null=True, blank=True)  # of a reservation
    signed_at = models.DateTimeField(null=True, blank=True)  # the op's time, under silence
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.position}"


class Commitment(models.Model):
    op_id = _op_id()
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="commitments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("owner")
    )
    description = models.TextField(_("description"))
    target = models.CharField(_("measurable target"), max_length=300)
    due_date = models.DateField(_("due date"), validators=date_validators())
    timezone = models.CharField(_("time zone"), max_length=64)
    review_date = models.DateField(
        _("review date"), null=True, blank=True, validators=date_validators()
    )
    progress = models.PositiveSmallIntegerField(default=0)
    reported = models.BooleanField(default=False)
    closed_as = models.CharField(max_length=10, choices=Closure.choices, blank=True)
    closed_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            date_in_range("due_date", name="commitment_due_date_in_range"),
            date_in_range("review_date", name="commitment_review_date_in_range"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def subject(self) -> str:
        return self.op_id or f"commitment/{self.pk}"

    def rolled_up_progress(self) -> int:
        """The mean of the sub-items' progress where there are sub-items, else its own.

        Uses ``children`` as prefetched by the selectors.
        """
        children = list(self.children.all())
        if not children:
            return 100 if self.closed_as == Closure.DONE else self.progress
        return round(sum(child.rolled_up_progress() for child in children) / len(children))

    def status_at(self, now: datetime) -> str:
        return commitment_status(
            closed_as=self.closed_as,
            due=self.due_date,
            zone=self.timezone,
            progress=self.rolled_up_progress(),
            reported=self.reported,
            now=now,
        )


class Milestone(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=date_validators())
    reached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [date_in_range("due_date", name="milestone_due_date_in_range")]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    evidence_url = models.URLField(blank=True, max_length=1000)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.percent}% on {self.commitment_id}"


class Change(models.Model):
    """A state change as the feed shows it; the record holds the signed entry."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=120, db_index=True)
    summary = models.CharField(max_length=500)
    record_index = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.summary
