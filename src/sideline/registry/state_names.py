"""The English and Russian names of states by ISO 3166 alpha-3 code, former states
included (pycountry's ISO tables and its bundled Russian translations)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pycountry

__all__ = ["state_names"]


@dataclass(frozen=True)
class _StateName:
    name_en: str
    name_ru: str
    historical: bool


def state_names(code: str) -> tuple[str, str, bool] | None:
    """Return the English and Russian names of an ISO 3166 alpha-3 code, and whether it is former.

    Names come from pycountry's ISO tables and its bundled Russian translations.

    >>> state_names("KAZ")
    ('Kazakhstan', 'Казахстан', False)
    >>> state_names("SUN")[2]
    True
    >>> state_names("XXX") is None
    True
    """
    found = _state_cache().get(code)
    if found is None:
        return None
    return found.name_en, found.name_ru, found.historical


def _build_state_cache() -> dict[str, _StateName]:
    import gettext

    def translator(domain: str) -> gettext.NullTranslations:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["ru"], fallback=True)

    current = translator("iso3166-1")
    former = translator("iso3166-3")
    cache: dict[str, _StateName] = {}
    for country in pycountry.historic_countries:
        cache[country.alpha_3] = _StateName(country.name, former.gettext(country.name), True)
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        ru = current.gettext(name)
        if ru == name:
            ru = current.gettext(country.name)
        cache[country.alpha_3] = _StateName(name, ru, False)
    return cache


# Where ISO's short names read oddly in a list of members, the common form is used.
_NAME_OVERRIDES = {
    "USA": ("United States", "Соединённые Штаты Америки"),
    "SUN": ("USSR", "СССР"),
    "YUG": ("Yugoslavia", "Югославия"),
    "CSK": ("Czechoslovakia", "Чехословакия"),
    "RUS": ("Russia", "Россия"),
    "MDA": ("Moldova", "Молдова"),
}


def _apply_overrides(cache: dict[str, _StateName]) -> dict[str, _StateName]:
    for code, (name_en, name_ru) in _NAME_OVERRIDES.items():
        if code in cache:
            cache[code] = _StateName(name_en, name_ru, cache[code].historical)
    return cache


@functools.cache
def _state_cache() -> dict[str, _StateName]:
    """Build the names once, on first use: reading pycountry's tables is slow at import."""
    return _apply_overrides(_build_state_cache())
