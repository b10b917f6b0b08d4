"""How the bundled conflict data (``data/``) is derived from the public UCDP files.

Only what is licensed for shipping is bundled (CC BY 4.0 UCDP data, with attribution;
see ``data/README.md``): yearly state-based deaths per state, summed from UCDP GED's
country-month aggregation, and the UCDP/PRIO conflict-years. The monthly series and the
ViEWS forecasts (CC BY-NC) are imported by each user; ``docs/prevention.md`` says how.
A test rebuilds the files from the reference data and compares them byte for byte.
"""

from __future__ import annotations

from collections import defaultdict
from importlib import resources
from pathlib import Path

from sideline.prevention.formats import ConflictRecord, StateValue, read_conflict_file

__all__ = [
    "BUNDLED_FILES",
    "LAST_FULL_YEAR",
    "build_bundle",
    "bundled_paths",
    "write_conflict_year",
    "write_country_year",
]

BUNDLED_FILES = ("ucdp_ged_sb_country_year.csv", "ucdp_prio_conflict_year.csv")
# The country-month file ends in July 2024: its last whole year is 2023.
LAST_FULL_YEAR = 2023


def build_bundle(conflict_folder: Path) -> dict[str, str]:
    """Return the bundled files' text, built from the reference folder ``conflict/``."""
    months = read_conflict_file(
        conflict_folder / "ucdp_views_cm" / "ged_cm_sb_1990-01_2024-07_global.csv"
    )
    totals: dict[tuple[str, int], float] = defaultdict(float)
    for value in months.values:
        if value.year <= LAST_FULL_YEAR:
            totals[(value.state, value.year)] += value.value
    # Years without deaths are left out: absence is zero, and the file stays small.
    yearly = [StateValue(s, y, None, d) for (s, y), d in totals.items() if d > 0]
    conflicts = read_conflict_file(conflict_folder / "ucdp_other" / "peacesciencer_ucdp_acd.csv")
    return {
        BUNDLED_FILES[0]: write_country_year(yearly),
        BUNDLED_FILES[1]: write_conflict_year(list(conflicts.conflicts)),
    }


def bundled_paths() -> list[Path]:
    """Return the bundled files' paths (CC BY UCDP data; see ``data/README.md``)."""
    folder = resources.files("sideline.prevention").joinpath("data")
    return [Path(str(folder.joinpath(name))) for name in BUNDLED_FILES]


def write_country_year(values: list[StateValue]) -> str:
    """Return country-year deaths as the bundled CSV (``iso3,year,deaths``), sorted.

    >>> write_country_year([StateValue("TJK", 2022, None, 93.0)])
    'iso3,year,deaths\\nTJK,2022,93\\n'
    """
    lines = ["iso3,year,deaths"]
    for v in sorted(values, key=lambda v: (v.state, v.year)):
        lines.append(f"{v.state},{v.year},{v.value:g}")
    return "\n".join(lines) + "\n"


def write_conflict_year(records: list[ConflictRecord]) -> str:
    """Return conflict-years as the bundled CSV, sorted by conflict and year."""
    lines = ["conflict_id,year,location_iso3,intensity_level,type_of_conflict,start_date2,ep_end"]
    for r in sorted(records, key=lambda r: (r.conflict_id, r.year)):
        start = r.episode_start.isoformat() if r.episode_start else ""
        lines.append(
            f"{r.conflict_id},{r.year},{' '.join(r.states)},{r.intensity},"
            f"{r.conflict_type},{start},{int(r.episode_end)}"
        )
    return "\n".join(lines) + "\n"
