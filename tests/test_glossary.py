"""The glossary (docs/glossary.md) fixes each key term per language; the catalogues must agree
with it, or a diplomat reads two words for one thing on two pages."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
LOCALE = ROOT / "src" / "sideline" / "locale"
COLUMNS = {
    "Russian": "ru",
    "Kazakh": "kk",
    "Arabic": "ar",
    "Chinese": "zh_Hans",
    "French": "fr",
    "Spanish": "es",
}


def glossary_terms(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(English term, catalogue directory, accepted translations) for every cell of every
    table whose header names the languages."""
    terms: list[tuple[str, str, tuple[str, ...]]] = []
    directories: list[str] = []
    for line in text.splitlines():
        if not line.startswith("|"):
            directories = []
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "English":
            directories = [COLUMNS[name] for name in cells[1:]]
        elif directories and not set(cells[0]) <= {"-"}:
            for directory, cell in zip(directories, cells[1:], strict=True):
                variants = tuple(
                    re.sub(r"\s*\([^)]*\)", "", variant).strip().lower()
                    for variant in cell.split(" / ")
                )
                terms.append((cells[0], directory, variants))
    return terms


def test_the_glossary_is_read() -> None:
    terms = glossary_terms(GLOSSARY.read_text(encoding="utf-8"))
    assert ("focal point", "es", ("punto focal",)) in terms
    assert len({term for term, _, _ in terms}) >= 40


def test_a_cell_gives_variants_and_explanations_apart() -> None:
    text = "| English | Russian | Kazakh | Arabic | Chinese | French | Spanish |\n"
    text += "|---|---|---|---|---|---|---|\n"
    text += "| host | принимающая сторона / принимающая организация | a | b | c | d (e) | f |\n"
    terms = glossary_terms(text)
    assert ("host", "ru", ("принимающая сторона", "принимающая организация")) in terms
    assert ("host", "fr", ("d",)) in terms


@pytest.mark.parametrize("directory", sorted(COLUMNS.values()))
def test_the_catalogue_uses_the_glossary_s_terms(directory: str) -> None:
    catalogue = polib.pofile(str(LOCALE / directory / "LC_MESSAGES" / "django.po"))
    translations: dict[str, list[str]] = {}
    for entry in catalogue.translated_entries():
        translations.setdefault(entry.msgid.lower(), []).append(entry.msgstr.lower())
    disagreements = [
        f"{term!r}: the glossary says {' / '.join(variants)!r}, the catalogue {found!r}"
        for term, language, variants in glossary_terms(GLOSSARY.read_text(encoding="utf-8"))
        if language == directory
        for found in translations.get(term.lower(), [])
        if not any(variant in found for variant in variants)
    ]
    assert disagreements == []
