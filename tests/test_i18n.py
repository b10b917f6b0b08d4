"""Every user-facing string is translated into Russian, and the compiled catalogue is current."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import sideline

LOCALE = Path(sideline.__file__).parent / "locale"
CATALOGUE = LOCALE / "ru" / "LC_MESSAGES" / "django.po"


def test_russian_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    catalogue = polib.pofile(str(CATALOGUE))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_compiled_catalogue_matches_po() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    compiled = gettext.GNUTranslations(CATALOGUE.with_suffix(".mo").open("rb"))

    def compiled_text(entry: polib.POEntry) -> str:
        if entry.msgctxt:
            return str(compiled.pgettext(entry.msgctxt, entry.msgid))
        return str(compiled.gettext(entry.msgid))

    stale = [
        e.msgid
        for e in catalogue
        if not e.msgid_plural and e.msgid and compiled_text(e) != e.msgstr
    ]

    assert stale == [], "run: python scripts/translate.py /dev/stdin <<< '{}' to recompile"


def test_catalogue_lists_every_marked_string(tmp_path: Path) -> None:
    """Re-extract the messages and compare: a new string must reach the catalogue."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed; .ci/run installs it")
    source = Path(sideline.__file__).parent
    copy = tmp_path / "sideline"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ru",
            "-i",
            "migrations/*",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": str(Path(__file__).parent.parent),
            "PATH": "/usr/bin:/bin",
        },
    )
    fresh = {
        e.msgid
        for e in polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
        if e.msgid
    }
    known = {e.msgid for e in polib.pofile(str(CATALOGUE)) if e.msgid and not e.obsolete}

    assert sorted(fresh - known) == [], (
        "run makemessages -l ru in src/sideline and translate the new strings"
    )
