"""Account pages: log in and out, one's profile and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.views.i18n import set_language

from sideline.accounts.errors import AccountError
from sideline.accounts.forms import ThrottledAuthenticationForm, TokenCreateForm
from sideline.accounts.models import ApiToken
from sideline.accounts.permissions import person_of
from sideline.accounts.services import create_token, remember_language, revoke_token


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "/"


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["person"] = person_of(self.request.user)
        context["tokens"] = ApiToken.objects.filter(user_id=int(self.request.user.pk or 0))
        context["form"] = kwargs.get("form") or TokenCreateForm()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "revoke" in request.POST:
            try:
                revoke_token(user=request.user, token_id=int(request.POST["revoke"]))  # type: ignore[arg-type]  # LoginRequiredMixin guarantees a real user
            except (AccountError, ValueError):
                messages.error(request, _("No such token."))
            else:
                messages.success(request, _("The token is revoked."))
            return HttpResponseRedirect(reverse("accounts:profile"))
        form = TokenCreateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        _token, plain = create_token(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]  # as above
        context = self.get_context_data()
        context["new_token"] = plain
        return self.render_to_response(context)


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """Switch the interface language (the header's menu) and remember it for the person.

    Django's ``set_language`` checks the code, sets the language cookie and redirects to a
    safe ``next``; a logged-in person's choice is also kept on their ``Person`` row and
    comes back at their next login, on any browser.
    """
    response = set_language(request)
    remember_language(
        user=request.user, session=request.session, language=request.POST.get("language", "")
    )
    return response
