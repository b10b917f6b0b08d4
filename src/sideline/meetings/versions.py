"""A meeting's title and agenda in the reader's language, and the languages it has.

A meeting is given in its own language (``Meeting.language``) and may have versions in
others (``Meeting.versions``, ``AgendaItem.versions``; written by
``services.add_meeting_version``). Pages show the version in the reader's language when
there is one, else the meeting's own, and name the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language, to_locale

from sideline.meetings.models import AgendaItem, Meeting

__all__ = ["MeetingText", "language_name", "meeting_text", "pick_language"]


def pick_language(available: Sequence[str], reader: str) -> str:
    """The language to show of ``available`` (the first is the text's own) to ``reader``.

    The reader's exact language, else one of the same base language (``zh`` for
    ``zh-hans``), else the text's own.

    >>> pick_language(["en", "ru"], "ru"), pick_language(["en", "zh"], "zh-hans")
    ('ru', 'zh')
    >>> pick_language(["fr", "ru"], "kk")
    'fr'
    """
    if reader in available:
        return reader
    base = reader.split("-")[0]
    return next((code for code in available if code.split("-")[0] == base), available[0])


def language_name(code: str, reader: str | None = None) -> str:
    """The language's name in the reader's language (``ru``: "Russian", "русский")."""
    try:
        locale = Locale.parse(to_locale(reader or get_language() or "en"))
        name = Locale.parse(to_locale(code)).get_display_name(locale)
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return name or code


@dataclass(frozen=True)
class MeetingText:
    """What a page shows of a meeting in one language."""

    language: str  # of the title and items shown
    own: str  # the meeting's own language
    title: str
    languages: tuple[str, ...]  # every language the meeting is given in, its own first
    _items: dict[int, str]

    @property
    def others(self) -> list[dict[str, str]]:
        """The other languages, each with its name in the reader's language."""
        return [
            {"code": code, "name": language_name(code)}
            for code in self.languages
            if code != self.language
        ]

    def item(self, item: AgendaItem) -> str:
        """The agenda item in the shown language (its own text where it has no version)."""
        return self._items.get(item.pk, item.title)

    def item_language(self, item: AgendaItem) -> str:
        """The language :meth:`item` words the item in."""
        return self.language if item.pk in self._items else self.own


def meeting_text(
    meeting: Meeting, reader: str | None = None, items: Iterable[AgendaItem] = ()
) -> MeetingText:
    """The meeting in the reader's language (the active one by default) where it has it.

    ``items``: the agenda items to word (none: the title only).
    """
    languages = (meeting.language, *(v["language"] for v in meeting.versions))
    shown = pick_language(languages, reader or get_language() or "en")
    if shown == meeting.language:
        return MeetingText(shown, meeting.language, meeting.title, languages, {})
    title = next(v["title"] for v in meeting.versions if v["language"] == shown)
    worded = {item.pk: item.versions[shown] for item in items if shown in item.versions}
    return MeetingText(shown, meeting.language, title, languages, worded)
