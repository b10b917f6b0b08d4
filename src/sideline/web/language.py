"""Which language a page is in: the link's, the person's, then the browser's.

Django's ``LocaleMiddleware`` has already chosen from the language cookie or, on a first
visit, the browser's ``Accept-Language``. This middleware, placed after authentication,
lets two stronger signals override it:

1. ``?lang=CODE`` in the URL, so that a link can be shared in a language (every URL keeps
   working without it); the choice is also set as the language cookie, so that the pages
   the reader goes on to stay in that language;
2. a logged-in person's saved language (``Person.language``, copied into the session
   at login and when they switch from the header).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from sideline.accounts.services import LANGUAGE_SESSION_KEY

__all__ = ["LANGUAGE_PARAMETER", "LanguageMiddleware", "requested_language"]

LANGUAGE_PARAMETER = "lang"


def requested_language(value: str | None) -> str | None:
    """Return the configured language a ``?lang=`` value names, or None.

    Case and ``_`` for ``-`` are forgiven (``zh_Hans``, ``ZH-hans``); anything else is
    ignored rather than refused, since a page is readable in any language.
    """
    if not value:
        return None
    code = value.strip().lower().replace("_", "-")
    return code if code in dict(settings.LANGUAGES) else None


class LanguageMiddleware:
    """Activate the language of ``?lang=``, else the person's saved one, for this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from_link = requested_language(request.GET.get(LANGUAGE_PARAMETER))
        chosen = from_link
        if chosen is None and request.user.is_authenticated:
            chosen = requested_language(request.session.get(LANGUAGE_SESSION_KEY))
        if chosen is not None:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        if from_link is not None:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                from_link,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
            )
        return response
