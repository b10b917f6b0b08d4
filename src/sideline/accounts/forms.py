"""Forms of accounts: login forms (the site's and the admin's) that throttle failures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sideline.accounts.selectors import client_ip
from sideline.accounts.services import log_refusal
from sideline.accounts.throttle import clear_failures, reserve_attempt


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "too_many_attempts": _(
            "Too many failed logins for this username from your address. Wait 15 minutes and try again."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        ip = client_ip(self.request) or "-"
        if username and not reserve_attempt(username=username, ip=ip):
            log_refusal(
                user=None,
                username=username,
                action="login",
                code="too_many_attempts",
                message="login refused: too many failures",
                ip=None if ip == "-" else ip,
            )
            raise forms.ValidationError(
                self.error_messages["too_many_attempts"], code="too_many_attempts"
            )
        # Counted already: a failure below simply leaves the attempt counted.
        cleaned = super().clean()
        clear_failures(username=username, ip=ip)
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's login (staff only), under the same throttle as the site's."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many_attempts": ThrottledAuthenticationForm.error_messages["too_many_attempts"],
    }


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
