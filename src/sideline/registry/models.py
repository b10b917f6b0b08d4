"""The registry: organizations, states, memberships, mandates, forums, sessions, sources.

Partial dates are kept twice: the text as the source gave it (``start``: ``1994-05``)
and its first day (``start_date``) so that the database can answer "as of" queries.
See ``sideline.registry.dates`` for the rule.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sideline.registry.dates import Interval, PartialDate
from sideline.registry.enums import (
    Bloc,
    CorrectionAction,
    CorrectionStatus,
    CuratedTable,
    EngagementCategory,
    EngagementKind,
    ForumLevel,
    MandateWeight,
    MembershipStatus,
    RelationKind,
    SessionStatus,
)
from sideline.registry.names import city_name, local_name, state_name
from sideline.validators import date_in_range, date_validators


def _language() -> str:
    return translation.get_language() or "en"


class Bilingual(models.Model):
    """A row named in English and Russian; ``name`` follows the active language.

    Other languages come from ``sideline.registry.names`` (CLDR for states, the names
    file for the rest), and fall back to the English name.
    """

    names_kind = ""

    name_en = models.CharField(_("name (English)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def names_key(self) -> str:
        return str(getattr(self, "slug", ""))

    def name_in(self, language: str) -> str:
        """Return the row's name in a language (a Django code), English when it has none."""
        if language == "ru":
            return self.name_ru or self.name_en
        if language == "en":
            return self.name_en
        listed = local_name(self.names_kind, self.names_key, language)
        return listed.name if listed is not None else self.name_en

    @property
    def name(self) -> str:
        return self.name_in(_language())


class Source(models.Model):
    key = models.SlugField(_("identifier"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=300)
    url = models.URLField(_("URL"), max_length=1000)
    accessed = models.DateField(_("date accessed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class State(Bilingual):
    names_kind = "state"

    code = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, unique=True)
    historical = models.BooleanField(_("former state"), default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def name_in(self, language: str) -> str:
        if language in ("en", "ru"):
            return super().name_in(language)
        return state_name(self.code, language) or self.name_en


class Organization(Bilingual):
    names_kind = "organization"

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    abbreviation_en = models.CharField(_("abbreviation (English)"), max_length=40)
    abbreviation_ru = models.CharField(_("abbreviation (Russian)"), max_length=40)
    founded = models.CharField(_("founded"), max_length=10)
    dissolved = models.CharField(_("dissolved"), max_length=10, blank=True)
    successor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="predecessors"
    )
    headquarters = models.CharField(_("headquarters"), max_length=200, blank=True)
    bloc = models.CharField(_("bloc"), max_length=20, choices=Bloc.choices)
    pillars = models.CharField(_("pillars"), max_length=200, blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    @property
    def abbreviation(self) -> str:
        """Return the abbreviation in the active language: the official one where it exists,
        else the English (Latin) one that the organization's own texts in that language use."""
        language = _language()
        if language == "ru":
            return self.abbreviation_ru or self.abbreviation_en
        listed = local_name("organization", self.slug, language)
        return (listed.abbreviation if listed is not None else "") or self.abbreviation_en

    @property
    def headquarters_name(self) -> str:
        return city_name(self.headquarters, _language()) if self.headquarters else ""

    @property
    def pillar_list(self) -> list[str]:
        return self.pillars.split()


class Membership(models.Model):
    """A participant's status in an organization over a half-open interval.

    The participant is a state or, for an organization that observes or partners
    another (the UN as an observer of the CICA), an organization: exactly one of
    ``state`` and ``participant_organization`` is set.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    participant_organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="participations",
        null=True,
        blank=True,
        verbose_name=_("participating organization"),
    )
    status = models.CharField(_("status"), max_length=20, choices=MembershipStatus.choices)
    start = models.CharField(_("start"), max_length=10)
    end = models.CharField(_("end"), max_length=10, blank=True)
    start_date = models.DateField(editable=False)
    end_date = models.DateField(null=True, blank=True, editable=False)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["organization", "start_date", "state"]
        indexes = [models.Index(fields=["organization", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(state__isnull=False, participant_organization__isnull=True)
                    | models.Q(state__isnull=True, participant_organization__isnull=False)
                ),
                name="membership_one_participant",
                violation_error_message=_(
                    "Give either a state or a participating organization, not both."
                ),
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.participant_code} {self.status} {self.organization.slug} {self.start}–{self.end}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.start_date = PartialDate.parse(self.start).first_day
        self.end_date = PartialDate.parse(self.end).first_day if self.end else None
        super().save(*args, **kwargs)

    @property
    def participant(self) -> State | Organization:
        """Return the state or the organization that holds the status."""
        participant = self.state or self.participant_organization
        assert participant is not None  # the check constraint requires one of them
        return participant

    @property
    def participant_code(self) -> str:
        """Return the state's ISO code or the organization's slug."""
        if self.state is not None:
            return self.state.code
        return self.participant_organization.slug if self.participant_organization else ""

    @property
    def participant_is_organization(self) -> bool:
        return self.participant_organization_id is not None

    @property
    def interval(self) -> Interval:
        return Interval(
            PartialDate.parse(self.start), PartialDate.parse(self.end) if self.end else None
        )


class Pillar(Bilingual):
    names_kind = "pillar"

    slug = models.SlugField(_("slug"), max_length=40, unique=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")


class Function(Bilingual):
    names_kind = "function"

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("security function")
        verbose_name_plural = _("security functions")

    @property
    def description(self) -> str:
        # Descriptions exist in English and Russian only; other languages read the English.
        return self.description_ru if _language() == "ru" else self.description_en


class Mandate(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mandates"
    )
    function = models.ForeignKey(Function, on_delete=models.CASCADE, related_name="mandates")
    weight = models.CharField(_("weight"), max_length=10, choices=MandateWeight.choices)
    basis = models.TextField(_("basis"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organization", "function"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "function"], name="one_mandate_per_function"
            )
        ]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")

    def __str__(self) -> str:
        return f"{self.organization.slug}: {self.function.slug} ({self.weight})"


class Forum(Bilingual):
    names_kind = "forum"

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="forums")
    level = models.CharField(_("level"), max_length=30, choices=ForumLevel.choices)
    rrule = models.CharField(_("recurrence rule (RFC 5545)"), max_length=300)
    dtstart = models.DateField(_("first occurrence"))
    duration_days = models.PositiveSmallIntegerField(_("duration in days"), default=1)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organization", "slug"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")


class ForumSession(models.Model):
    key = models.SlugField(_("identifier"), max_length=120, unique=True)
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="sessions")
    start = models.DateField(_("start"), validators=date_validators())
    end = models.DateField(_("end"), validators=date_validators())
    city = models.CharField(_("city"), max_length=120)
    country = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    timezone = models.CharField(_("time zone"), max_length=64)
    attendees = models.ManyToManyField(Organization, related_name="sessions_attended", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.HELD
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start", "key"]
        constraints = [
            date_in_range("start", name="forum_session_start_in_range"),
            date_in_range("end", name="forum_session_end_in_range"),
        ]
        verbose_name = _("forum session")
        verbose_name_plural = _("forum sessions")

    def __str__(self) -> str:
        return f"{self.forum.name} {self.start:%Y-%m-%d}, {self.city}"

    @property
    def city_name(self) -> str:
        """Return the city in the active language (``city`` is its English name)."""
        return city_name(self.city, _language())


class Engagement(models.Model):
    key = models.SlugField(_("identifier"), max_length=120, unique=True)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="engagements")
    date = models.CharField(_("date"), max_length=10)
    end = models.CharField(_("end"), max_length=10, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EngagementKind.choices)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    pillars = models.CharField(_("pillars"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=EngagementCategory.choices)
    weight = models.FloatField(_("weight"), default=1.0)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["state", "date"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_ru if _language() == "ru" else self.title_en

    @property
    def title_language(self) -> str:
        """Return the language ``title`` is in: titles exist in English and Russian only,
        so other pages mark the English one (``lang="en"``) as a visible fallback."""
        return "ru" if _language() == "ru" else "en"


class Relation(models.Model):
    """A formal tie between two organizations: a declaration, a memorandum, GA observer status.

    ``organization`` and ``counterpart`` are the two parties; for observer status in the
    UN General Assembly the observer is ``organization`` and the counterpart is the UN.
    The tie holds from ``in_force`` (or ``signed`` when it took effect on signature)
    until the day before ``ended``, under the as-of rule of ``sideline.registry.dates``.
    """

    key = models.SlugField(_("identifier"), max_length=120, unique=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="relations"
    )
    counterpart = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="counterpart_relations"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=RelationKind.choices)
    title = models.CharField(_("title"), max_length=500)
    signed = models.CharField(_("signed"), max_length=10, blank=True)
    in_force = models.CharField(_("in force"), max_length=10, blank=True)
    ended = models.CharField(_("ended"), max_length=10, blank=True)
    start_date = models.DateField(editable=False)
    end_date = models.DateField(null=True, blank=True, editable=False)
    reference = models.CharField(_("document reference"), max_length=200, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["start_date", "key"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(organization=models.F("counterpart")),
                name="relation_between_two_organizations",
                violation_error_message=_("A relation ties two different organizations."),
            )
        ]
        verbose_name = _("relation between organizations")
        verbose_name_plural = _("relations between organizations")

    def __str__(self) -> str:
        return f"{self.organization.slug}–{self.counterpart.slug}: {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.start_date = PartialDate.parse(self.start).first_day
        self.end_date = PartialDate.parse(self.ended).first_day if self.ended else None
        super().save(*args, **kwargs)

    @property
    def start(self) -> str:
        """Return the day the tie took effect: ``in_force``, else ``signed``."""
        return self.in_force or self.signed

    def other(self, organization: Organization) -> Organization:
        """Return the party that is not ``organization``."""
        return self.counterpart if self.organization_id == organization.pk else self.organization


class Correction(models.Model):
    """A curator's correction of one registry fact, proposed then reviewed.

    ``before`` and ``after`` are the whole row as the data package writes it (see
    ``sideline.registry.curation_rows``); once approved, the correction is a version of
    the fact: the loader lays it over the bundled data on every load.
    """

    table = models.CharField(_("table"), max_length=20, choices=CuratedTable.choices)
    action = models.CharField(_("action"), max_length=10, choices=CorrectionAction.choices)
    subject = models.CharField(_("fact"), max_length=300)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    citation = models.CharField(_("source"), max_length=500)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.PROPOSED,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    record_organization = models.CharField(max_length=40, blank=True)
    record_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["status", "reviewed_at"])]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.table} {self.subject} ({self.status})"

    @property
    def source_key(self) -> str:
        """Return the key of the source row an approved correction adds."""
        return f"curation-{self.pk}"
