"""People, their organization and role; API tokens; refused attempts.

A person is Django's ``auth.User`` (its password hashing, sessions and CSRF) plus a
``Person`` row naming the one organization they act for and their role.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sideline.accounts.enums import Role
from sideline.registry.models import Organization


class Person(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    focal_point = models.BooleanField(
        _("focal point"),
        default=False,
        help_text=_("Names and approves the organization's delegation to meetings."),
    )
    # A code of settings.LANGUAGES, checked where it is set (sideline.accounts.services):
    # no choices here, so that adding a language needs no migration.
    language = models.CharField(_("Language"), max_length=16, blank=True, default="")

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        organization = self.organization.slug if self.organization else "-"
        return f"{self.user.get_username()} ({self.role}, {organization})"


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the prefix finds the row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (sl_{self.prefix}_…)"


class SecurityEvent(models.Model):
    """A refused attempt: acting for another organization, a throttled login, a bad upload …"""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    code = models.CharField(max_length=80)
    message = models.TextField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action}: {self.code}"


class LoginAttempts(models.Model):
    """Unsuccessful logins as one username from one address in the current window.

    A row rather than a cache entry: the row is locked while an attempt is counted, so
    concurrent attempts cannot all read "below the limit" before any of them counts
    (Django's database cache increments by read-then-write).
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.count} since {self.window_start:%Y-%m-%d %H:%M}"
