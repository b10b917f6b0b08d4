"""Fill the Russian catalogue from a JSON dictionary of translations, then compile it.

Usage: python scripts/translate.py TRANSLATIONS.json

The dictionary maps an English msgid to its Russian msgstr (a list of forms for plurals).
Entries already translated are left alone unless the dictionary gives them again.
GNU gettext's msgfmt is not needed: polib writes the .mo file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

CATALOGUE = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "sideline"
    / "locale"
    / "ru"
    / "LC_MESSAGES"
    / "django.po"
)


def main(path: str) -> int:
    translations: dict[str, str | list[str]] = json.loads(Path(path).read_text(encoding="utf-8"))
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue:
        if entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value] * 3
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save()
    catalogue.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
