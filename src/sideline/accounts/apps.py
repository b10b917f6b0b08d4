from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sideline.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_restore_language, dispatch_uid="sideline-restore-language")


def _restore_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from sideline.accounts.services import restore_language

    if request is not None and hasattr(request, "session"):
        restore_language(user=user, session=request.session)
