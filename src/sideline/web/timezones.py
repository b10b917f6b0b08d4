"""Time zones as people name them: a city and its country, in the reader's language.

The names come from the Unicode CLDR through Babel (exemplar cities and territories), the
zones from the IANA database that Python's ``zoneinfo`` reads; nothing is fetched.
"""

from __future__ import annotations

import functools
import zoneinfo

from babel.core import Locale, get_global
from babel.dates import get_timezone_location

# Regions of the IANA database that name places; "Etc/…" and the old aliases do not.
REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@functools.cache
def zone_choices(language: str) -> tuple[tuple[str, str], ...]:
    """Return (IANA zone, "City, Country") pairs sorted by name, UTC first.

    >>> dict(zone_choices("ru"))["Europe/Vienna"], dict(zone_choices("en"))["Asia/Almaty"]
    ('Вена, Австрия', 'Almaty, Kazakhstan')
    """
    locale = Locale.parse("ru" if language.startswith("ru") else "en")
    aliases = get_global("zone_aliases")
    territories = get_global("zone_territories")
    choices = []
    for zone in zoneinfo.available_timezones():
        if zone.split("/", 1)[0] not in REGIONS or zone in aliases:
            continue
        city = get_timezone_location(zone, locale=locale, return_city=True)
        country = locale.territories.get(territories.get(zone, ""), "")
        choices.append((zone, f"{city}, {country}" if country else city))
    choices.sort(key=lambda pair: (pair[1].casefold(), pair[0]))
    return (("UTC", "UTC"), *choices)
