"""Fill one language's catalogue from a JSON dictionary of translations, then compile it.

Usage: python scripts/translate.py [--lang CODE] TRANSLATIONS.json
       python scripts/translate.py [--lang CODE] --missing > TODO.json

CODE is a language of ``settings.LANGUAGES`` (``ru``, ``kk``, ``ar``, ``zh-hans``, ``fr``,
``es``; default ``ru``); its catalogue is ``src/sideline/locale/<dir>/LC_MESSAGES/django.po``
with ``<dir>`` Django's locale name of the code (``zh-hans`` -> ``zh_Hans``).
The dictionary maps an English msgid to its msgstr, or to a list of forms for a plural
entry (as many as the catalogue's ``Plural-Forms`` header says: Russian 4, Kazakh 2,
Arabic 6, Chinese 1, French 2, Spanish 3, as in Django's own catalogues); one string for a plural entry fills every form.
Entries already translated are left alone unless the dictionary gives them again.
GNU gettext's msgfmt is not needed: polib writes the .mo file. Exit status 1 lists the
entries still untranslated; 2 is a usage error. ``--missing`` prints the untranslated and
fuzzy entries as such a JSON object (empty strings, or lists for plurals) to fill in.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "sideline" / "locale"


def locale_dir(code: str) -> str:
    """Return the directory name of a language code, as django.utils.translation.to_locale."""
    language, _, country = code.lower().partition("-")
    if not country:
        return language
    return f"{language}_{country.title() if len(country) > 2 else country.upper()}"


def plural_count(catalogue: polib.POFile) -> int:
    found = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(found.group(1)) if found else 2


def fill(catalogue: polib.POFile, translations: dict[str, str | list[str]]) -> list[str]:
    """Write the translations into the catalogue; return the problems, one line each."""
    problems = []
    forms = plural_count(catalogue)
    for entry in catalogue:
        if entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            given = value if isinstance(value, list) else [value] * forms
            if len(given) != forms:
                problems.append(
                    f"{entry.msgid!r}: {len(given)} plural forms given, the catalogue has {forms}"
                )
                continue
            entry.msgstr_plural = dict(enumerate(given))
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
    return problems


def missing_entries(catalogue: polib.POFile) -> dict[str, str | list[str]]:
    """Return the untranslated and fuzzy entries as a skeleton of the JSON to fill."""
    forms = plural_count(catalogue)
    left = catalogue.untranslated_entries() + catalogue.fuzzy_entries()
    return {
        entry.msgid: ([""] * forms if entry.msgid_plural else "")
        for entry in left
        if not entry.obsolete
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="ru", help="language code (default: ru)")
    parser.add_argument("--missing", action="store_true", help="print what is left to translate")
    parser.add_argument("translations", nargs="?", help="JSON object: English msgid -> translation")
    args = parser.parse_args(argv)
    if not args.missing and args.translations is None:
        parser.error("give TRANSLATIONS.json, or --missing")
    po = LOCALE / locale_dir(args.lang) / "LC_MESSAGES" / "django.po"
    if not po.exists():
        print(
            f"error: no catalogue {po}; run makemessages -l {locale_dir(args.lang)} first",
            file=sys.stderr,
        )
        return 2
    if args.missing:
        print(json.dumps(missing_entries(polib.pofile(str(po))), ensure_ascii=False, indent=1))
        return 0
    try:
        translations = json.loads(Path(args.translations).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"error: {args.translations}: {error}", file=sys.stderr)
        return 2
    if not isinstance(translations, dict):
        print(f"error: {args.translations}: expected a JSON object", file=sys.stderr)
        return 2
    catalogue = polib.pofile(str(po))
    problems = fill(catalogue, translations)
    catalogue.save()
    catalogue.save_as_mofile(str(po.with_suffix(".mo")))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    for line in problems:
        print(f"error: {line}", file=sys.stderr)
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing or problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
