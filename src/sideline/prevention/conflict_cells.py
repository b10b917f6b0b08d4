"""Cells of a conflict data file, read with errors that name the file, row and field.

A :class:`Row` reads one data row's cells (whole numbers in a range, death counts, dates
in the layouts spreadsheets re-save); the functions read the identifiers of a state that
UCDP, ViEWS and Our World in Data use.

>>> from sideline.prevention.codes import bundled_codes
>>> row = Row("ged.csv", 2, {"country_id": "65", "year": "2022", "month": "3", "month_id": "507"})
>>> views_state(row, bundled_codes()), month(row)
('RUS', (2022, 3))
>>> Row("ged.csv", 7, {"deaths": "-1"}).deaths("deaths")
Traceback (most recent call last):
...
sideline.prevention.errors.ConflictDataError: ged.csv, row 7, field deaths: -1 is not a count from 0 to 1,000,000
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date

import pycountry

from sideline.prevention.codes import Codes
from sideline.prevention.errors import ConflictDataError

__all__ = ["Row", "conflict_type", "entity_state", "gw_states", "month", "views_state", "year"]

_FIRST_YEAR, _LAST_YEAR = 1946, 2100
# More deaths in one state and month than any war has caused: a misplaced column.
_MAX_DEATHS = 1_000_000.0


class Row:
    """One data row, whose readers raise errors that name the file, row and field."""

    def __init__(self, name: str, number: int, cells: Mapping[str, str]) -> None:
        self.name, self.number, self.cells = name, number, cells

    def fail(self, field: str, message: str) -> ConflictDataError:
        return ConflictDataError(message, file=self.name, row=self.number, field=field)

    def text(self, field: str) -> str:
        value = (self.cells.get(field) or "").strip()
        if not value:
            raise self.fail(field, "empty; every row needs a value here")
        return value

    def integer(self, field: str, *, low: int, high: int) -> int:
        value = self.text(field)
        try:
            number = float(value)
        except ValueError:
            raise self.fail(field, f"{value!r} is not a whole number") from None
        if not number.is_integer():
            raise self.fail(field, f"{value!r} is not a whole number")
        if not low <= number <= high:
            raise self.fail(field, f"{value} is outside {low}..{high}")
        return int(number)

    def deaths(self, field: str) -> float:
        value = self.text(field)
        try:
            number = float(value)
        except ValueError:
            raise self.fail(field, f"{value!r} is not a number") from None
        if not math.isfinite(number) or not 0 <= number <= _MAX_DEATHS:
            raise self.fail(field, f"{value} is not a count from 0 to {_MAX_DEATHS:,.0f}")
        return number

    def optional_date(self, field: str) -> date | None:
        value = (self.cells.get(field) or "").strip()
        if not value:
            return None
        match = _DMY.fullmatch(value)
        american = _MDY.fullmatch(value)
        try:
            if match:
                day, month, year = (int(part) for part in match.groups())
                return date(year, month, day)
            if american:
                month, day, year = (int(part) for part in american.groups())
                return date(year, month, day)
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(
                field, f"{value!r} is not a date (YYYY-MM-DD, D-M-YYYY or M/D/YYYY)"
            ) from None


# A spreadsheet's re-save writes 29-5-1997 (day first); UCDP's older files 7/21/1946.
_DMY = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_MDY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def year(row: Row, field: str = "year") -> int:
    return row.integer(field, low=_FIRST_YEAR, high=_LAST_YEAR)


def views_state(row: Row, codes: Codes) -> str:
    views_id = row.integer("country_id", low=1, high=10_000)
    state = codes.iso3_of_views(views_id)
    if state is None:
        raise row.fail("country_id", f"{views_id} is not a ViEWS country_id")
    return state


def month(row: Row) -> tuple[int, int]:
    year_, month_ = year(row), row.integer("month", low=1, high=12)
    month_id = row.integer("month_id", low=1, high=10_000)
    if (year_ - 1980) * 12 + month_ != month_id:
        raise row.fail("month_id", f"{month_id} is not {year_}-{month_:02d} (121 is 1990-01)")
    return year_, month_


def _name_iso3(name: str, cache: dict[str, str | None]) -> str | None:
    if name not in cache:
        try:
            cache[name] = pycountry.countries.lookup(name).alpha_3
        except LookupError:
            cache[name] = None
    return cache[name]


# Our World in Data's entity names that pycountry's lookup does not resolve.
_OWID_NAMES = {
    "Democratic Republic of Congo": "COD",
    "Congo": "COG",
    "Cote d'Ivoire": "CIV",
    "Cape Verde": "CPV",
    "Iran": "IRN",
    "Laos": "LAO",
    "Macedonia": "MKD",
    "Micronesia": "FSM",
    "Moldova": "MDA",
    "North Korea": "PRK",
    "Russia": "RUS",
    "South Korea": "KOR",
    "Swaziland": "SWZ",
    "Syria": "SYR",
    "Taiwan": "TWN",
    "Tanzania": "TZA",
    "Timor": "TLS",
    "Turkey": "TUR",
    "Vatican": "VAT",
    "Venezuela": "VEN",
    "Vietnam": "VNM",
    "Bolivia": "BOL",
    "Brunei": "BRN",
    "Czech Republic": "CZE",
    "Israel & Palestinian Territories": "ISR",
}


def gw_states(row: Row, codes: Codes) -> tuple[str, ...]:
    if "location_iso3" in row.cells:
        states = tuple(row.text("location_iso3").split())
        for state in states:
            if not re.fullmatch(r"[A-Z]{3}|GW\d+", state):
                raise row.fail("location_iso3", f"{state!r} is not an ISO 3166 alpha-3 code")
        return states
    fields = ("gwno_loc",) if "gwno_loc" in row.cells else ("gwno_a", "gwno_b")
    numbers: list[int] = []
    for field in fields:
        for part in re.split(r"[,\s]+", (row.cells.get(field) or "").strip()):
            if not part:
                continue
            try:
                number = float(part)
            except ValueError:
                raise row.fail(field, f"{part!r} is not a Gleditsch–Ward number") from None
            if not number.is_integer() or not 2 <= number <= 999:
                raise row.fail(field, f"{part!r} is not a Gleditsch–Ward number")
            numbers.append(int(number))
    if not numbers:
        raise row.fail(fields[0], "empty; a conflict needs the state where it is fought")
    return tuple(dict.fromkeys(codes.iso3_of_gw(n) for n in numbers))


# peacesciencer's copy spells the types out ("II" is internationalized intrastate).
_TYPES = {"extrasystemic": 1, "interstate": 2, "intrastate": 3, "internationalized": 4, "ii": 4}


def entity_state(name: str, cache: dict[str, str | None]) -> str | None:
    """Return the alpha-3 code of an Our World in Data entity, or None for a region."""
    return _OWID_NAMES.get(name) or _name_iso3(name, cache)


def conflict_type(row: Row) -> int:
    """Return the row's ``type_of_conflict`` as UCDP's number, spelled out or not."""
    kind = row.text("type_of_conflict")
    first = kind.split()[0].lower()
    return _TYPES[first] if first in _TYPES else row.integer("type_of_conflict", low=1, high=4)
