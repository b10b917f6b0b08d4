"""Closed vocabularies of the registry, shared by models, loader and API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipStatus(models.TextChoices):
    MEMBER = "member", _("member")
    OBSERVER = "observer", _("observer")
    PARTNER = "partner", _("partner")
    DIALOGUE_PARTNER = "dialogue_partner", _("dialogue partner")
    ASSOCIATE = "associate", _("associate member")
    SUSPENDED = "suspended", _("suspended")


class Bloc(models.TextChoices):
    EURO_ATLANTIC = "euro_atlantic", _("Euro-Atlantic")
    EURASIAN = "eurasian", _("Eurasian (post-Soviet)")
    SHANGHAI = "shanghai", _("Shanghai")
    ASIAN = "asian", _("Asian")
    PAN_EUROPEAN = "pan_european", _("pan-European")
    TURKIC = "turkic", _("Turkic")
    CENTRAL_ASIAN = "central_asian", _("Central Asian")
    GLOBAL = "global", _("global")
    INTERREGIONAL = "interregional", _("interregional")


class MandateWeight(models.TextChoices):
    CORE = "core", _("core")
    SECONDARY = "secondary", _("secondary")


class ForumLevel(models.TextChoices):
    HEADS_OF_STATE = "heads_of_state", _("heads of state")
    HEADS_OF_GOVERNMENT = "heads_of_government", _("heads of government")
    FOREIGN_MINISTERS = "foreign_ministers", _("foreign ministers")
    DEFENCE_MINISTERS = "defence_ministers", _("defence ministers")
    OTHER = "other", _("other")


class EngagementKind(models.TextChoices):
    MEMBERSHIP = "membership", _("membership")
    PARTNERSHIP = "partnership", _("partnership")
    AGREEMENT = "agreement", _("agreement")
    SUMMIT = "summit", _("summit")
    INITIATIVE = "initiative", _("initiative")
    CHAIRMANSHIP = "chairmanship", _("chairmanship")
    OFFICE = "office", _("office")
    EVENT = "event", _("event")


class EngagementCategory(models.TextChoices):
    UNILATERAL_INITIATIVE = "unilateral_initiative", _("unilateral initiative")
    EURASIAN_INTEGRATION = "eurasian_integration", _("Eurasian integration")
    WESTERN_INTEGRATION = "western_integration", _("integration with Western-led organizations")
    OTHER = "other", _("other")


class RelationKind(models.TextChoices):
    """How two organizations are formally tied (``relations.csv``)."""

    GA_OBSERVER = "ga_observer", _("observer status in the UN General Assembly")
    FRAMEWORK_AGREEMENT = "framework_agreement", _("framework agreement")
    MEMORANDUM = "memorandum", _("memorandum of understanding")
    JOINT_DECLARATION = "joint_declaration", _("joint declaration")
    COOPERATION_AGREEMENT = "cooperation_agreement", _("cooperation agreement")
    LIAISON_OFFICE = "liaison_office", _("liaison office")
    OBSERVER_INVITATION = "observer_invitation", _("standing invitation as observer")


class SessionStatus(models.TextChoices):
    """Whether a forum session took place, is announced, is only projected by a rule, or
    was cancelled (kept: published calendars may name it; planning leaves it out)."""

    HELD = "held", _("held")
    ANNOUNCED = "announced", _("announced")
    PROJECTED = "projected", _("projected")
    CANCELLED = "cancelled", _("cancelled")


class CuratedTable(models.TextChoices):
    """The registry tables a curator corrects (``registry/curation_rows.py: TABLES``)."""

    MEMBERSHIPS = "memberships", _("membership or status")
    MANDATES = "mandates", _("mandate")
    ORGANIZATIONS = "organizations", _("organization")
    FORUMS = "forums", _("forum")
    SESSIONS = "sessions", _("forum session")
    SOURCES = "sources", _("source")


class CorrectionAction(models.TextChoices):
    CHANGE = "change", _("change")
    ADD = "add", _("addition")
    REMOVE = "remove", _("removal")


class CorrectionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
