"""A meeting's title and agenda items in several languages (issue 17).

The meeting is given in one language (``Meeting.language``); a host adds a version in
another of the interface's languages: the title in it and, when the meeting has an
agenda, each item in it, one for one. As with a decision's equally authentic texts the
versions travel inside the content of the op that carries the text they translate: the
title's in a ``meeting.title`` op that gives the title again, the items' in an
``agenda.set`` that gives the same items again.
"""

from __future__ import annotations

from django.conf import settings

from sideline.meetings.errors import MeetingError
from sideline.meetings.models import AgendaItem, Meeting
from sideline.meetings.services._common import (
    Actor,
    lock,
    record_op,
    refusals_logged,
    require_prepare,
    role_claim,
)
from sideline.meetings.services.agenda import agenda_versions, write_agenda

__all__ = ["LANGUAGE_CODES", "add_meeting_version", "check_language", "title_content"]

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def check_language(code: str, *, field: str = "language") -> str:
    """Return ``code`` when it is one of the interface's languages; refuse it otherwise."""
    code = code.strip().lower()
    if code not in LANGUAGE_CODES:
        raise MeetingError(
            "bad_language",
            f"{field}: {code!r} is not a language code such as en or ru "
            f"(one of {', '.join(LANGUAGE_CODES)})",
            field=field,
        )
    return code


def title_content(meeting: Meeting) -> dict[str, object]:
    """The ``meeting.title`` content for the meeting's title and its versions."""
    return {"title": meeting.title, "language": meeting.language, "versions": meeting.versions}


@refusals_logged("meeting.version")
def add_meeting_version(
    *,
    actor: Actor,
    meeting: Meeting,
    language: str,
    title: str,
    items: list[str] | None = None,
) -> Meeting:
    """Give the meeting's title, and its agenda items, in another language.

    A version in a language the meeting already has replaces it. ``items`` are the agenda
    items in that language in the agenda's order, leaving out the item that approves the
    previous meeting's minutes (pages word that one themselves); with no items, the
    agenda's versions stay as they are.
    """
    meeting = lock(meeting.pk)
    acting = require_prepare(actor, meeting)
    language = check_language(language)
    if language == meeting.language:
        raise MeetingError(
            "same_language",
            f"language: the meeting is given in {language} already; add another language",
            field="language",
            status=409,  # the meeting's state decides, not the request alone
            details={"language": language},
        )
    title = title.strip()
    if not title:
        raise MeetingError("title_required", "title: give the meeting a title", field="title")
    given = [item.strip() for item in items or [] if item.strip()]
    current = list(meeting.agenda.order_by("position"))
    if given:
        _check_items(current, given)
    version = {"language": language, "title": title[:300]}
    versions = [v for v in meeting.versions if v["language"] != language]
    meeting.versions = [*versions, version]
    meeting.save(update_fields=["versions"])
    assert meeting.op_id is not None
    record_op(
        meeting=meeting,
        organization=acting,
        kind="meeting.title",
        object_id=meeting.op_id,
        role=role_claim(actor),
        args={},
        clear=title_content(meeting),
        summary=f"title given in {language}",
    )
    if given:
        translated = iter(given)
        versions_by_language = agenda_versions(current)
        versions_by_language[language] = [
            item.title if item.minutes_of else next(translated) for item in current
        ]
        minutes_of = next(((i.position, i.minutes_of) for i in current if i.minutes_of), None)
        write_agenda(
            actor=actor,
            meeting=meeting,
            acting=acting,
            titles=[i.title for i in current],
            minutes_of=minutes_of,
            summary=f"agenda given in {language}",
            versions=versions_by_language,
        )
    return meeting


def _check_items(current: list[AgendaItem], given: list[str]) -> None:
    expected = sum(1 for item in current if not item.minutes_of)
    if len(given) != expected:
        raise MeetingError(
            "agenda_versions_mismatch",
            f"items: the agenda has {expected} item(s) to translate, {len(given)} given; "
            "give each item once, one a line, in the agenda's order",
            field="items",
            status=409,  # the agenda as it is now decides, not the request alone
            details={"found": len(given), "expected": expected},
        )
