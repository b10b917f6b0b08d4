"""Curators keep the registry here; Django's admin keeps each object's change history."""

from django.contrib import admin

from sideline.registry.models import (
    Engagement,
    Forum,
    ForumSession,
    Function,
    Mandate,
    Membership,
    Organization,
    Pillar,
    Source,
    State,
)


class MembershipInline(admin.TabularInline[Membership, Organization]):
    model = Membership
    extra = 0
    autocomplete_fields = ["state", "source"]
    fields = ["state", "status", "start", "end", "source", "note"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["slug", "abbreviation_en", "name_en", "founded", "dissolved", "bloc"]
    search_fields = ["slug", "name_en", "name_ru", "abbreviation_en", "abbreviation_ru"]
    list_filter = ["bloc"]
    autocomplete_fields = ["source", "successor"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["organization", "state", "status", "start", "end", "source"]
    list_filter = ["organization", "status"]
    search_fields = ["state__code", "state__name_en", "state__name_ru", "note"]
    autocomplete_fields = ["organization", "state", "source"]


@admin.register(State)
class StateAdmin(admin.ModelAdmin[State]):
    list_display = ["code", "name_en", "name_ru", "historical"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin[Source]):
    list_display = ["key", "title", "publisher", "accessed"]
    search_fields = ["key", "title", "publisher", "url"]


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin[Function]):
    list_display = ["slug", "name_en", "name_ru"]
    search_fields = ["slug", "name_en", "name_ru"]


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin[Mandate]):
    list_display = ["organization", "function", "weight", "basis"]
    list_filter = ["organization", "weight"]
    autocomplete_fields = ["organization", "function", "source"]


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin[Forum]):
    list_display = ["slug", "organization", "level", "rrule"]
    list_filter = ["organization", "level"]
    search_fields = ["slug", "name_en", "name_ru"]
    autocomplete_fields = ["organization", "source"]


@admin.register(ForumSession)
class ForumSessionAdmin(admin.ModelAdmin[ForumSession]):
    list_display = ["key", "forum", "start", "end", "city"]
    list_filter = ["forum__organization"]
    search_fields = ["key", "city"]
    date_hierarchy = "start"
    autocomplete_fields = ["forum", "country", "source", "attendees"]


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin[Engagement]):
    list_display = ["key", "state", "date", "kind", "category", "pillars"]
    list_filter = ["kind", "category"]
    search_fields = ["key", "title_en", "title_ru"]
    autocomplete_fields = ["state", "source"]


admin.site.register(Pillar)
admin.site.site_header = "Sideline"
admin.site.site_title = "Sideline"
