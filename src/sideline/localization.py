"""Sorting, dates, numbers and lists the way each interface language writes them.

A pure core (no Django): callers pass the language as Django names it (``en``, ``ru``,
``kk``, ``ar``, ``zh-hans``, ``fr``, ``es``).

* **Collation** by ICU (PyICU, from the ``pyicu-wheels`` package, which ships ICU itself):
  each language's tailoring of the Unicode Collation Algorithm, so that Kazakh puts
  Ә after А and Ұ before Ү, Spanish Ñ after N, and Chinese sorts by pinyin. pyuca was
  the alternative; it knows only the untailored root order.
* **Dates, numbers and lists** by Babel from CLDR: ``3 декабря 2026 г.``, ``2026年12月3日``,
  ``1 234,5`` in French, ``A、B和C`` in Chinese, Arabic-Indic digits in Arabic.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import TypeVar

import icu
from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.lists import format_list as babel_format_list
from babel.numbers import format_decimal

__all__ = [
    "babel_locale",
    "collation_key",
    "format_date",
    "format_list",
    "format_number",
    "sorted_by_name",
]

T = TypeVar("T")


def babel_locale(language: str) -> str:
    """Return the CLDR locale of a Django language code; English for an unknown one.

    >>> babel_locale("zh-hans"), babel_locale("kk"), babel_locale("xx")
    ('zh_Hans', 'kk', 'en')
    """
    name = _known_locale(language.replace("-", "_"))
    return name or "en"


@functools.cache
def _known_locale(name: str) -> str | None:
    try:
        return str(Locale.parse(name))
    except (ValueError, UnknownLocaleError):
        return None


@functools.cache
def _collator(language: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(babel_locale(language)))


def collation_key(language: str) -> Callable[[str], bytes]:
    """Return a sort key that orders text as the language's alphabet does.

    >>> sorted(["Ұлыбритания", "Үндістан", "Әзірбайжан", "Ауғанстан"], key=collation_key("kk"))
    ['Ауғанстан', 'Әзірбайжан', 'Ұлыбритания', 'Үндістан']
    """
    collator = _collator(language)
    return lambda text: bytes(collator.getSortKey(text))


def sorted_by_name(items: Iterable[T], *, name: Callable[[T], str], language: str) -> list[T]:
    """Return the items sorted by their name in the language's collation.

    >>> sorted_by_name(["Nube", "Ñandú", "Ocaso"], name=str, language="es")
    ['Nube', 'Ñandú', 'Ocaso']
    """
    key = collation_key(language)
    return sorted(items, key=lambda item: key(name(item)))


def format_date(day: dt.date, *, language: str, style: str = "long") -> str:
    """Return a date as the language writes it (CLDR's ``short``/``medium``/``long``).

    >>> format_date(dt.date(2026, 12, 3), language="ru")
    '3 декабря 2026\\u202fг.'
    >>> format_date(dt.date(2026, 12, 3), language="zh-hans")
    '2026年12月3日'
    """
    return str(babel_format_date(day, format=style, locale=babel_locale(language)))


def format_number(value: float, *, language: str) -> str:
    """Return a number with the language's digits, grouping and decimal sign.

    >>> format_number(1234.5, language="fr")
    '1\\u202f234,5'
    >>> format_number(1234.5, language="en")
    '1,234.5'
    """
    return str(format_decimal(value, locale=babel_locale(language)))


def format_list(items: Iterable[str], *, language: str) -> str:
    """Return a list joined as the language joins one ("A, B and C").

    >>> format_list(["ООН", "ОБСЕ", "СВМДА"], language="ru")
    'ООН, ОБСЕ и СВМДА'
    >>> format_list(["联合国", "欧安组织", "亚信"], language="zh-hans")
    '联合国、欧安组织和亚信'
    """
    return str(babel_format_list(list(items), locale=babel_locale(language)))
