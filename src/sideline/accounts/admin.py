"""People, tokens and refused attempts in Django's admin."""

from django.contrib import admin

from sideline.accounts.forms import ThrottledAdminAuthenticationForm
from sideline.accounts.models import ApiToken, Person, SecurityEvent

# /admin/login/ takes passwords too: the same throttle as the site's login page.
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ["user", "organization", "role", "focal_point"]
    list_filter = ["role", "organization", "focal_point"]
    search_fields = ["user__username", "user__email"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin[SecurityEvent]):
    list_display = ["created_at", "username", "action", "code", "ip"]
    list_filter = ["action", "code"]
    readonly_fields = ["created_at", "user", "username", "action", "code", "message", "ip"]
