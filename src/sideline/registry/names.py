"""Names of the registry's rows in every interface language, with a visible English fallback.

English and Russian names live in the rows themselves (``name_en``, ``name_ru``). The other
languages come from two places:

* **states** from CLDR through Babel (``Locale.territories``), the data the UN's own
  locale names follow; former states that CLDR does not name (USSR, Yugoslavia …) from
  ``data/names/names.csv``;
* **organizations** (official name and abbreviation), **forums**, **security functions**,
  **pillars** and **cities** from ``data/names/names.csv``, each row with its source (UNTERM
  for the UN's six languages, the Ministry of Foreign Affairs of Kazakhstan for Kazakh).

A name missing in a language is the English one, never a slug: a reader sees English
where the translation is missing, and ``tests/registry/test_names.py`` lists what is.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import pycountry
from babel import Locale, UnknownLocaleError

__all__ = ["NAMES_FILE", "LocalName", "city_name", "local_name", "state_name"]

NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "names" / "names.csv"
KINDS = frozenset({"organization", "forum", "function", "pillar", "state", "city"})


@dataclass(frozen=True)
class LocalName:
    name: str
    abbreviation: str
    source: str


@functools.cache
def _names() -> dict[tuple[str, str, str], LocalName]:
    table: dict[tuple[str, str, str], LocalName] = {}
    with NAMES_FILE.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["kind"] not in KINDS or not row["name"].strip():
                raise ValueError(
                    f"{NAMES_FILE.name}, line {line}: kind must be one of {sorted(KINDS)} "
                    "and name must not be empty"
                )
            key = (row["kind"], row["key"], row["language"])
            table[key] = LocalName(row["name"], row["abbreviation"], row["source"])
    return table


def local_name(kind: str, key: str, language: str) -> LocalName | None:
    """Return the name of a row in a language from the names file, or None.

    >>> local_name("organization", "osce", "fr").abbreviation
    'OSCE'
    >>> local_name("organization", "osce", "kk").name
    'Еуропадағы қауіпсіздік және ынтымақтастық ұйымы'
    >>> local_name("pillar", "russia", "xx") is None
    True
    """
    return _names().get((kind, key, language))


@functools.cache
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None


@functools.cache
def _alpha_2(code: str) -> str | None:
    found = pycountry.countries.get(alpha_3=code)
    return found.alpha_2 if found is not None else None


def state_name(code: str, language: str) -> str | None:
    """Return a state's name (ISO 3166 alpha-3 ``code``) in a language, or None.

    >>> state_name("KAZ", "zh-hans")
    '哈萨克斯坦'
    >>> state_name("SUN", "kk")
    'КСРО'
    >>> state_name("XXX", "fr") is None
    True
    """
    listed = local_name("state", code, language)
    if listed is not None:
        return listed.name
    alpha_2 = _alpha_2(code)
    locale = _locale(language)
    if alpha_2 is None or locale is None:
        return None
    name = locale.territories.get(alpha_2)
    return str(name) if name else None


def city_name(city: str, language: str) -> str:
    """Return a city's name in a language, its English name when the file has none.

    >>> city_name("Moscow", "kk")
    'Мәскеу'
    >>> city_name("Nowhere", "ar")
    'Nowhere'
    """
    listed = local_name("city", city, language)
    return listed.name if listed is not None else city
