"""State identifiers of the conflict data: ViEWS ``country_id``, Gleditsch–Ward codes, ISO 3.

UCDP files name states by Gleditsch–Ward (GW) number, ViEWS files by its own
``country_id``, the registry by ISO 3166 alpha-3. The bundled ``data/country_codes.csv``
(identifiers only, read from the ViEWS country key; see ``data/README.md``) maps the first
two to the third. A code with no ISO counterpart (a state that ended before ISO codes,
such as South Vietnam, GW 817) keeps its number as ``GW817`` so that nothing is dropped.

>>> codes = bundled_codes()
>>> codes.iso3_of_gw(705), codes.iso3_of_views(134), codes.iso3_of_gw(817)
('KAZ', 'KGZ', 'GW817')
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "CENTRAL_ASIA",
    "NEIGHBOURS",
    "REGION",
    "Codes",
    "bundled_codes",
    "neighbours_of",
]

CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
# Afghanistan, Iran, Pakistan, China and Russia: the neighbours the reference data covers.
REGION = (*CENTRAL_ASIA, "AFG", "IRN", "PAK", "CHN", "RUS")

# Land borders among the region's states, written by hand: no maintained package on
# PyPI carries state adjacency, and eleven pairs are easier to check than a dependency.
# Other states have no neighbours here, so the "fighting in a neighbour" rule says so.
_BORDERS = (
    ("KAZ", "RUS"),
    ("KAZ", "CHN"),
    ("KAZ", "KGZ"),
    ("KAZ", "UZB"),
    ("KAZ", "TKM"),
    ("KGZ", "CHN"),
    ("KGZ", "TJK"),
    ("KGZ", "UZB"),
    ("TJK", "CHN"),
    ("TJK", "UZB"),
    ("TJK", "AFG"),
    ("TKM", "UZB"),
    ("TKM", "AFG"),
    ("TKM", "IRN"),
    ("UZB", "AFG"),
    ("AFG", "IRN"),
    ("AFG", "PAK"),
    ("AFG", "CHN"),
    ("PAK", "IRN"),
    ("PAK", "CHN"),
    ("CHN", "RUS"),
)
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    state: tuple(
        sorted({b for a, b in _BORDERS if a == state} | {a for a, b in _BORDERS if b == state})
    )
    for state in REGION
}


def neighbours_of(state: str) -> tuple[str, ...] | None:
    """Return the state's land neighbours, or ``None`` when the table does not cover it.

    >>> neighbours_of("TJK"), neighbours_of("FRA")
    (('AFG', 'CHN', 'KGZ', 'UZB'), None)
    """
    return NEIGHBOURS.get(state)


@dataclass(frozen=True)
class Codes:
    """The three identifier systems, with names for display."""

    by_views: dict[int, str]
    by_gw: dict[int, str]
    names: dict[str, str]

    def iso3_of_views(self, views_id: int) -> str | None:
        """Return the ISO code of a ViEWS ``country_id``, or ``None`` for an unknown id."""
        return self.by_views.get(views_id)

    def iso3_of_gw(self, gw: int) -> str:
        """Return the ISO code of a GW number, or ``GW<number>`` when there is none."""
        return self.by_gw.get(gw, f"GW{gw}")

    def name_of(self, iso3: str) -> str:
        """Return the English name of a state, or its code."""
        return self.names.get(iso3, iso3)


@functools.cache
def bundled_codes() -> Codes:
    """Read ``data/country_codes.csv`` once."""
    text = resources.files("sideline.prevention").joinpath("data/country_codes.csv").read_text()
    by_views: dict[int, str] = {}
    by_gw: dict[int, str] = {}
    names: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        iso3 = row["iso3"]
        by_views[int(row["views_id"])] = iso3
        # The first row of a GW number is its current state (the file is ordered so).
        by_gw.setdefault(int(row["gwcode"]), iso3)
        names.setdefault(iso3, row["name"])
    return Codes(by_views=by_views, by_gw=by_gw, names=names)
