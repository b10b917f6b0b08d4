"""The planner's rows: meeting requests, plan versions, their meetings and change feeds.

A plan is stored twice on purpose: ``instance`` and ``plan`` keep the exact JSON the
solver saw and returned (``sideline.plan-instance/1``, ``sideline.plan/1``), while
`PlacedMeeting` and `UnplacedRequest` rows are what pages, feeds and manual edits use.
After a manual edit the rows are the truth; ``plan`` stays the solver's answer.

Times: a session day is a grid of slots in the venue's local time. The forum's own
plenary takes the first ``plenary_slots`` slots from 09:00; sideline slot ``k`` starts at
``09:00 + (plenary_slots + k) · 90 min`` local time (``DAY_START``, ``SLOT_MINUTES`` of
`planner.document`).
`PlacedMeeting.start` and ``end`` hold that window in UTC.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sideline.planner.document import DEFAULT_PLENARY_SLOTS
from sideline.registry.models import ForumSession, Function, Organization
from sideline.validators import date_in_range, date_validators, year_in_range, year_validators


class RequestOrigin(models.TextChoices):
    SUGGESTED = "suggested", _("suggested by the analysis")
    FILE = "file", _("read from a file")
    MANUAL = "manual", _("entered by hand")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("working draft")
    PUBLISHED = "published", _("published")


class ChangeKind(models.TextChoices):
    ADDED = "added", _("added")
    MOVED = "moved", _("moved")
    REMOVED = "removed", _("removed")


class MeetingRequest(models.Model):
    """A meeting asked for between two or more organizations in a year."""

    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators())
    key = models.CharField(_("identifier"), max_length=200)
    organizations = models.ManyToManyField(Organization, related_name="meeting_requests")
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    # Set when the topic is a function of the registry's taxonomy.
    function = models.ForeignKey(
        Function, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    slots = models.PositiveSmallIntegerField(_("slots"), default=1)
    not_before = models.DateField(
        _("not before"), null=True, blank=True, validators=date_validators()
    )
    not_after = models.DateField(
        _("not after"), null=True, blank=True, validators=date_validators()
    )
    origin = models.CharField(_("origin"), max_length=20, choices=RequestOrigin.choices)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["year", "-priority", "key"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="one_request_key_per_year"),
            year_in_range("year", name="request_year_in_range"),
            date_in_range("not_before", name="request_not_before_in_range"),
            date_in_range("not_after", name="request_not_after_in_range"),
        ]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")

    def __str__(self) -> str:
        return f"{self.year} {self.key}"


class Plan(models.Model):
    """One version of a year's calendar of possible meetings."""

    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators())
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    instance = models.JSONField(_("instance"))
    plan = models.JSONField(_("plan"))
    plenary_slots = models.PositiveSmallIntegerField(
        _("plenary slots"), default=DEFAULT_PLENARY_SLOTS
    )
    objective = models.IntegerField(_("objective"))
    bound = models.IntegerField(_("bound"))
    solver_status = models.CharField(_("solver status"), max_length=20)
    statistics = models.JSONField(_("statistics"), default=dict)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changelog = models.TextField(_("changelog"), blank=True)

    class Meta:
        ordering = ["year", "version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="one_plan_version_per_year"),
            year_in_range("year", name="plan_year_in_range"),
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.year} v{self.version} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlacedMeeting(models.Model):
    """A meeting of a plan: a request at a forum session (or a summit), day, slot, room."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings")
    request = models.ForeignKey(MeetingRequest, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        ForumSession, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The id of a special summit of the instance when ``session`` is empty.
    summit = models.CharField(_("special summit"), max_length=120, blank=True)
    venue = models.CharField(_("venue id"), max_length=120)
    date = models.DateField(_("date"), validators=date_validators())
    slot = models.PositiveSmallIntegerField(_("slot"))
    slots = models.PositiveSmallIntegerField(_("slots"), default=1)
    room = models.PositiveSmallIntegerField(_("room"))
    co_chairs = models.JSONField(_("co-chairs"), default=list)
    pinned = models.BooleanField(_("pinned"), default=False)
    timezone = models.CharField(_("time zone"), max_length=64)
    start = models.DateTimeField(_("start (UTC)"))
    end = models.DateTimeField(_("end (UTC)"))
    # Rule violations a coordinator accepted when editing by hand (constraint, message).
    warnings = models.JSONField(_("accepted warnings"), default=list)

    class Meta:
        ordering = ["start", "venue", "room", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "request"], name="one_meeting_per_request"),
            date_in_range("date", name="placed_meeting_date_in_range"),
        ]
        verbose_name = _("placed meeting")
        verbose_name_plural = _("placed meetings")

    def __str__(self) -> str:
        return f"{self.request.key} {self.venue} {self.date} slot {self.slot}"


class UnplacedRequest(models.Model):
    """A request a plan does not place, with the reasons the planner found."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="unplaced")
    request = models.ForeignKey(MeetingRequest, on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        ordering = ["plan", "request__key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "request"], name="one_unplaced_per_request")
        ]
        verbose_name = _("unplaced request")
        verbose_name_plural = _("unplaced requests")

    def __str__(self) -> str:
        return f"{self.request.key} unplaced"


class FeedItem(models.Model):
    """What changed for one organization when a plan version was published."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="planner_feed"
    )
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="feed_items")
    previous = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    request = models.ForeignKey(MeetingRequest, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-plan__published_at", "organization", "request__key"]
        verbose_name = _("feed item")
        verbose_name_plural = _("feed items")

    def __str__(self) -> str:
        return f"{self.organization.slug}: {self.request.key} {self.kind}"


class RunKind(models.TextChoices):
    START = "start", _("first version of the year")
    REPLAN = "replan", _("re-plan with the fewest moves")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")
    FAILED = "failed", _("failed")


class PlannerRun(models.Model):
    """One run of the planner started from a page, with its live progress.

    The run's thread writes ``progress`` (the reports so far) and the newest figures
    while the solver searches; the page polls them, and sets ``cancel_requested``,
    which the thread passes on to the solver.
    """

    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators())
    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    based_on = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    time_limit = models.FloatField(_("time limit (seconds)"))
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    phase = models.CharField(_("phase"), max_length=40, blank=True)
    incumbent = models.IntegerField(_("incumbent"), null=True, blank=True)
    bound = models.IntegerField(_("bound"), null=True, blank=True)
    elapsed_s = models.FloatField(_("elapsed (seconds)"), default=0.0)
    progress = models.JSONField(_("progress"), default=list)
    result = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [year_in_range("year", name="run_year_in_range")]
        verbose_name = _("planner run")
        verbose_name_plural = _("planner runs")

    def __str__(self) -> str:
        return f"{self.year} {self.kind} ({self.status})"

    @property
    def active(self) -> bool:
        return self.status == RunStatus.RUNNING

    @property
    def gap(self) -> float | None:
        """Return the relative gap of the newest figures, as `Progress.gap` does."""
        if self.incumbent is None or self.bound is None:
            return None
        return (self.bound - self.incumbent) / max(1, abs(self.bound))


class SummitCandidate(models.Model):
    """A special summit a coordinator proposes for a year: opened by the planner only for
    requests that no forum session can serve, when what they are worth exceeds its cost.

    Every new version and re-plan of the year takes the candidates that are not
    cancelled, as they are stored then (the instance format's ``summits``).
    """

    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators())
    key = models.SlugField(_("identifier"), max_length=120)
    city = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=3)
    timezone = models.CharField(_("time zone"), max_length=64)
    start = models.DateField(_("first day"), validators=date_validators())
    end = models.DateField(_("last day"), validators=date_validators())
    slots_per_day = models.PositiveSmallIntegerField(_("slots a day"), default=4)
    rooms = models.PositiveSmallIntegerField(_("rooms"), default=1)
    cost = models.PositiveSmallIntegerField(_("cost"), default=0)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["year", "start", "key"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="one_summit_key_per_year"),
            year_in_range("year", name="summit_year_in_range"),
            date_in_range("start", name="summit_start_in_range"),
            date_in_range("end", name="summit_end_in_range"),
        ]
        verbose_name = _("special summit candidate")
        verbose_name_plural = _("special summit candidates")

    def __str__(self) -> str:
        return f"{self.key} ({self.city}, {self.start:%Y-%m-%d})"

    def as_instance(self) -> dict[str, object]:
        """Return the candidate in the instance format (``summits`` of a plan instance)."""
        return {
            "id": self.key,
            "city": self.city,
            "country": self.country,
            "timezone": self.timezone,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "slots_per_day": self.slots_per_day,
            "rooms": self.rooms,
            "cost": self.cost,
        }
