"""One page helper: any :class:`~sideline.errors.ServiceError` in the reader's language.

The API keeps an error's English ``message``; a page shows :func:`error_text`, which
looks the error's ``code`` up in the apps' catalogues and fills the translated text with
the error's ``details`` (and its ``field``). English readers get the error's own message,
which names the facts; a code without a text, a text without a translation or details
that do not fill the text fall back to that message too, so nothing is ever lost.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext

from sideline.errors import ServiceError
from sideline.meetings.texts import REFUSALS as MEETING_REFUSALS

__all__ = ["TEXTS", "error_text"]

TEXTS: Mapping[str, str] = {**MEETING_REFUSALS}
"""Every catalogued error code's English text (a msgid), from each app's ``texts``."""


def error_text(error: ServiceError) -> str:
    """Return ``error`` as a page shows it: translated from its code and details.

    Example:
        >>> from django.utils import translation
        >>> from sideline.meetings.errors import MeetingError
        >>> error = MeetingError("title_required", "title: give the meeting a title")
        >>> with translation.override("ru"):
        ...     error_text(error)
        'Дайте встрече название.'
        >>> with translation.override("en"):
        ...     error_text(error)
        'title: give the meeting a title'
    """
    msgid = TEXTS.get(error.code)
    if msgid is None:
        return error.message
    translated = gettext(msgid)
    if translated == msgid:
        return error.message
    try:
        return translated % {"field": error.field, **error.details}
    except (KeyError, TypeError, ValueError):
        return error.message
