"""Every configured language has a complete, compiled catalogue that lists every marked string.

The languages are read from ``settings.LANGUAGES``: adding one there makes these tests demand
its catalogue (CONTRIBUTING.md, "Adding a language").
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

import sideline

LOCALE = Path(sideline.__file__).parent / "locale"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
MAKEMESSAGES = ["makemessages", "-l", "ru", "-i", "migrations/*", "--no-obsolete"]


def catalogue_path(code: str) -> Path:
    return LOCALE / to_locale(code) / "LC_MESSAGES" / "django.po"


def catalogue(code: str) -> polib.POFile:
    path = catalogue_path(code)
    if not path.exists():
        pytest.fail(f"{code} is in settings.LANGUAGES but {path} is missing")
    return polib.pofile(str(path))


def test_every_configured_language_but_english_is_translated() -> None:
    assert TRANSLATED == ["ru", "kk", "ar", "zh-hans", "fr", "es"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(code: str) -> None:
    found = catalogue(code)

    assert [e.msgid for e in found.untranslated_entries()] == []
    assert [e.msgid for e in found.fuzzy_entries()] == []
    assert [e.msgid for e in found.obsolete_entries()] == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_keeps_every_placeholder(code: str) -> None:
    """A translation that drops or renames %(name)s fails at render time: catch it here."""
    found = catalogue(code)
    pattern = r"%\(\w+\)[sd]"
    broken = []
    for entry in found.translated_entries():
        if entry.msgid_plural:
            wanted = set(re.findall(pattern, entry.msgid_plural))
            texts = list(entry.msgstr_plural.values())
            # A singular form may leave out the number ("one witness"), never add a name.
            ok = all(set(re.findall(pattern, t)) <= wanted | {"%(counter)s"} for t in texts)
        else:
            wanted = set(re.findall(pattern, entry.msgid))
            ok = set(re.findall(pattern, entry.msgstr)) == wanted
        if not ok:
            broken.append(entry.msgid)

    assert broken == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_has_the_languages_plural_rule(code: str) -> None:
    """Django's own catalogue of the language is the reference for its gettext plural rule."""
    reference = Path(django.__file__).parent / "conf" / "locale" / to_locale(code)
    expected = polib.pofile(str(reference / "LC_MESSAGES" / "django.po")).metadata

    assert catalogue(code).metadata["Plural-Forms"] == expected["Plural-Forms"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalogue_matches_po(code: str) -> None:
    found = catalogue(code)
    compiled = gettext.GNUTranslations(catalogue_path(code).with_suffix(".mo").open("rb"))

    def compiled_text(entry: polib.POEntry) -> str:
        if entry.msgctxt:
            return str(compiled.pgettext(entry.msgctxt, entry.msgid))
        return str(compiled.gettext(entry.msgid))

    stale = [
        e.msgid for e in found if not e.msgid_plural and e.msgid and compiled_text(e) != e.msgstr
    ]

    assert stale == [], f"run: python scripts/translate.py --lang {code} /dev/stdin <<< '{{}}'"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Re-extract the messages once into a copy of the package; return the msgids."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed; .ci/run installs it")
    source = Path(sideline.__file__).parent
    copy = tmp_path_factory.mktemp("extract") / "sideline"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", *MAKEMESSAGES],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": str(Path(__file__).parent.parent),
            "PATH": "/usr/bin:/bin",
        },
    )
    fresh = polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    return {e.msgid for e in fresh if e.msgid}


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_lists_every_marked_string(code: str, extracted: set[str]) -> None:
    """A string marked in the code must reach every catalogue, and none linger."""
    known = {e.msgid for e in catalogue(code) if e.msgid and not e.obsolete}

    assert sorted(extracted - known) == [], (
        f"run makemessages -l {to_locale(code)} in src/sideline and translate the new strings"
    )
    assert sorted(known - extracted) == [], f"run makemessages -l {to_locale(code)} --no-obsolete"
