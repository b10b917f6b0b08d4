"""Curators keep the registry here; Django's admin keeps each object's change history.

The curator's role, not Django's per-model permissions, decides who edits the
registry: a person given the role can curate at once, and loses it with the role.
Everything else in the admin (people, tokens, meetings, plans …) keeps Django's
permissions, which curators do not hold.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sideline.accounts.permissions import can_curate
from sideline.registry.models import (
    Engagement,
    Forum,
    ForumSession,
    Function,
    Mandate,
    Membership,
    Organization,
    Pillar,
    Relation,
    Source,
    State,
)


class CuratedAdmin:
    """Let curators view, add, change and delete; others keep Django's permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_curate(request.user) or super().has_module_permission(request)  # type: ignore[misc]  # a mixin before ModelAdmin

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_curate(request.user) or super().has_view_permission(request, obj)  # type: ignore[misc]  # as above

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Inlines take the parent object as a second argument; model admins do not.
        return can_curate(request.user) or super().has_add_permission(request, *args)  # type: ignore[misc]  # as above

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_curate(request.user) or super().has_change_permission(request, obj)  # type: ignore[misc]  # as above

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_curate(request.user) or super().has_delete_permission(request, obj)  # type: ignore[misc]  # as above


class MembershipInline(CuratedAdmin, admin.TabularInline[Membership, Organization]):
    model = Membership
    fk_name = "organization"  # participant_organization also points at Organization
    extra = 0
    autocomplete_fields = ["state", "participant_organization", "source"]
    fields = ["state", "participant_organization", "status", "start", "end", "source", "note"]


@admin.register(Organization)
class OrganizationAdmin(CuratedAdmin, admin.ModelAdmin[Organization]):
    list_display = ["slug", "abbreviation_en", "name_en", "founded", "dissolved", "bloc"]
    search_fields = ["slug", "name_en", "name_ru", "abbreviation_en", "abbreviation_ru"]
    list_filter = ["bloc"]
    autocomplete_fields = ["source", "successor"]


@admin.register(Membership)
class MembershipAdmin(CuratedAdmin, admin.ModelAdmin[Membership]):
    list_display = [
        "organization",
        "state",
        "participant_organization",
        "status",
        "start",
        "end",
        "source",
    ]
    list_filter = ["organization", "status"]
    search_fields = [
        "state__code",
        "state__name_en",
        "state__name_ru",
        "participant_organization__slug",
        "note",
    ]
    autocomplete_fields = ["organization", "state", "participant_organization", "source"]


@admin.register(Relation)
class RelationAdmin(CuratedAdmin, admin.ModelAdmin[Relation]):
    list_display = ["key", "organization", "counterpart", "kind", "signed", "in_force", "ended"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "reference", "organization__slug", "counterpart__slug"]
    autocomplete_fields = ["organization", "counterpart", "source"]


@admin.register(State)
class StateAdmin(CuratedAdmin, admin.ModelAdmin[State]):
    list_display = ["code", "name_en", "name_ru", "historical"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(Source)
class SourceAdmin(CuratedAdmin, admin.ModelAdmin[Source]):
    list_display = ["key", "title", "publisher", "accessed"]
    search_fields = ["key", "title", "publisher", "url"]


@admin.register(Function)
class FunctionAdmin(CuratedAdmin, admin.ModelAdmin[Function]):
    list_display = ["slug", "name_en", "name_ru"]
    search_fields = ["slug", "name_en", "name_ru"]


@admin.register(Mandate)
class MandateAdmin(CuratedAdmin, admin.ModelAdmin[Mandate]):
    list_display = ["organization", "function", "weight", "basis"]
    list_filter = ["organization", "weight"]
    autocomplete_fields = ["organization", "function", "source"]


@admin.register(Forum)
class ForumAdmin(CuratedAdmin, admin.ModelAdmin[Forum]):
    list_display = ["slug", "organization", "level", "rrule"]
    list_filter = ["organization", "level"]
    search_fields = ["slug", "name_en", "name_ru"]
    autocomplete_fields = ["organization", "source"]


@admin.register(ForumSession)
class ForumSessionAdmin(CuratedAdmin, admin.ModelAdmin[ForumSession]):
    list_display = ["key", "forum", "start", "end", "city"]
    list_filter = ["forum__organization"]
    search_fields = ["key", "city"]
    date_hierarchy = "start"
    autocomplete_fields = ["forum", "country", "source", "attendees"]


@admin.register(Engagement)
class EngagementAdmin(CuratedAdmin, admin.ModelAdmin[Engagement]):
    list_display = ["key", "state", "date", "kind", "category", "pillars"]
    list_filter = ["kind", "category"]
    search_fields = ["key", "title_en", "title_ru"]
    autocomplete_fields = ["state", "source"]


@admin.register(Pillar)
class PillarAdmin(CuratedAdmin, admin.ModelAdmin[Pillar]):
    pass


admin.site.site_header = "Sideline"
admin.site.site_title = "Sideline"
