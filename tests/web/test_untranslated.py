"""No page rendered in another language shows a string that exists only in English.

The list of English-only strings is built from each catalogue: every msgid whose translation
differs from it, cut at its placeholders and markup into fragments long enough to be
distinctive. A fragment found in a page's visible text is an untranslated string: a
template text left unmarked, a message rendered before the language was active, a
translation missing from the .mo.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import to_locale

import sideline
from sideline.meetings.services import add_meeting_version, create_meeting, set_agenda
from tests.accounts.factories import person

LOCALE = Path(sideline.__file__).parent / "locale"
LANGUAGES = [
    code
    for code, _ in settings.LANGUAGES
    if code != "en" and (LOCALE / to_locale(code) / "LC_MESSAGES" / "django.po").exists()
]
PAGES = [
    "/",
    "/organizations/",
    "/organizations/osce/",
    "/organizations/cica/",
    "/states/",
    "/states/KAZ/",
    "/forums/",
    "/analysis/",
    "/analysis/overlap/",
    "/analysis/duplication/",
    "/analysis/bridges/",
    "/analysis/ties/",
    "/planner/",
    "/meetings/",
    "/record/",
    "/prevention/",
    "/no-such-page/",
]
# Fragments shorter than this are words that several languages share ("Status", "API").
SHORTEST = 14
SPLIT = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|\{\{[^}]*\}\}|[“”«»:;()…]")


def english_only(code: str) -> set[str]:
    path = LOCALE / to_locale(code) / "LC_MESSAGES" / "django.po"
    fragments: set[str] = set()
    for entry in polib.pofile(str(path)).translated_entries():
        translated = entry.msgstr or " ".join(entry.msgstr_plural.values())
        for english in [entry.msgid, entry.msgid_plural]:
            for piece in SPLIT.split(english or ""):
                piece = piece.strip(" ,.—-")
                if len(piece) >= SHORTEST and " " in piece and piece not in translated:
                    fragments.add(piece)
    return fragments


def visible_text(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    # Content that exists in English only (an engagement's title) is marked lang="en".
    body = re.sub(r'<span lang="en">[^<]*</span>', " ", body)
    # Attributes people read too: a field's placeholder, a region's label, a title.
    attributes = re.findall(r'(?:aria-label|placeholder|title|alt)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", "\n", body)
    return html.unescape("\n".join([text, *attributes]))


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_no_page_shows_an_english_only_string(client: Client, registry: None, code: str) -> None:
    fragments = english_only(code)
    assert len(fragments) > 300  # the list is real: a broken split would empty it

    found = {}
    for path in PAGES:
        text = visible_text(client.get(path, {"lang": code}).content.decode())
        leaks = sorted(f for f in fragments if f in text)
        if leaks:
            found[path] = leaks

    assert found == {}


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_meeting_pages_show_no_english_only_string(
    client: Client, registry: None, code: str
) -> None:
    """The meeting page with its languages, as a reader and as a host sees it (the
    version form), and the list with the new meeting form (the planner's .ics words are
    checked per language in tests/planner/test_summits.py)."""
    host = person("nato-host", organization="nato", role="delegate")
    meeting = create_meeting(
        actor=host,
        title="Talks",
        host="nato",
        participants=["osce"],
        date=date(2013, 9, 25),
        public=True,
    )
    set_agenda(actor=host, meeting=meeting, items=["Routes"])
    add_meeting_version(
        actor=host, meeting=meeting, language="ru", title="Переговоры", items=["Маршруты"]
    )
    fragments = english_only(code)

    found = {}
    for user in (None, host):
        if user is not None:
            client.force_login(user)
        for path in (f"/meetings/{meeting.pk}/", "/meetings/"):
            text = visible_text(client.get(path, {"lang": code}).content.decode())
            leaks = sorted(f for f in fragments if f in text)
            if leaks:
                found[(path, user is not None)] = leaks

    assert found == {}
