"""People, tokens and refused attempts in Django's admin."""

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey
from django.http import HttpRequest

from sideline import node
from sideline.accounts.forms import ThrottledAdminAuthenticationForm
from sideline.accounts.models import ApiToken, Person, SecurityEvent
from sideline.registry.models import Organization

# /admin/login/ takes passwords too: the same throttle as the site's login page.
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ["user", "organization", "role", "focal_point"]
    list_filter = ["role", "organization", "focal_point"]
    search_fields = ["user__username", "user__email"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        # As in accounts.services: a person of this node belongs to an organization it hosts.
        if db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.filter(slug__in=node.hosted_organizations())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin[SecurityEvent]):
    list_display = ["created_at", "username", "action", "code", "ip"]
    list_filter = ["action", "code"]
    readonly_fields = ["created_at", "user", "username", "action", "code", "message", "ip"]
