"""Every catalogue in src/sideline/locale is complete, keeps its placeholders and is compiled.

Parametrized over the language directories that exist, so a new language is checked as soon
as its catalogue is added. A translation that drops or renames a placeholder either raises a
KeyError while rendering or silently loses a value, so placeholders must match exactly.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import polib
import pytest

import sideline

LOCALE = Path(sideline.__file__).parent / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))

# Python %-format (named and positional), str.format fields, HTML tags, inline code.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}|</?[a-z]+[^>]*>|`[^`]+`")


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def language(path: Path) -> str:
    return path.parent.parent.name


pytestmark = pytest.mark.parametrize("path", CATALOGUES, ids=language)


def test_catalogue_is_complete(path: Path) -> None:
    catalogue = polib.pofile(str(path))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_plural_entries_fill_every_form(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    header = catalogue.metadata["Plural-Forms"]
    count = int(re.search(r"nplurals=(\d+)", header).group(1))  # type: ignore[union-attr]

    wrong = [
        e.msgid
        for e in catalogue
        if e.msgid_plural
        and not e.obsolete
        and (len(e.msgstr_plural) != count or not all(e.msgstr_plural.values()))
    ]

    assert wrong == [], f"{path}: {count} forms expected"


def test_placeholders_are_kept(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    broken = []
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:
            continue
        if not entry.msgid_plural:
            if placeholders(entry.msgstr) != placeholders(entry.msgid):
                broken.append((entry.msgid, entry.msgstr))
            continue
        # A form may leave out the count (Arabic's "one" and "two" spell it as a word), but
        # it must carry every other placeholder and invent none.
        allowed = set(placeholders(entry.msgid) | placeholders(entry.msgid_plural))
        needed = set(placeholders(entry.msgid))
        for form in entry.msgstr_plural.values():
            found = set(placeholders(form))
            if not found <= allowed or not needed - {"%(count)s", "%(counter)s"} <= found:
                broken.append((entry.msgid, form))

    assert broken == []


def test_compiled_catalogue_is_current(path: Path) -> None:
    """The .mo file Django reads says what the .po file says, plural forms included."""

    def texts(catalogue: polib._BaseFile) -> dict[tuple[str, str], object]:
        return {
            (e.msgctxt or "", e.msgid): e.msgstr_plural or e.msgstr
            for e in catalogue
            if e.msgid and not e.obsolete
        }

    binary = path.with_suffix(".mo")
    assert binary.is_file(), f"{binary} is missing: compile the catalogue"
    source = texts(polib.pofile(str(path)))
    compiled = texts(polib.mofile(str(binary)))

    assert [k for k in source if compiled.get(k) != source[k]] == [], "recompile the .mo file"


def test_msgfmt_accepts_the_catalogue(path: Path) -> None:
    """GNU msgfmt checks the format strings and the plural formula of the header."""
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed; .ci/run installs it")
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
