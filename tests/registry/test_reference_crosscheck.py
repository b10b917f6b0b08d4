"""Cross-check the bundled memberships against public reference data.

Pure Python (csv module, no Django). Our dataset is our own, curated and sourced; the
reference files are only read here, to find where we and they disagree. Every disagreement
is either fixed in our data or listed in ``KNOWN_DISAGREEMENTS`` with the source that settles
it (docs/data-reconciliation.md explains each group), so that a new error fails the test and
so does a listed disagreement that has since been fixed.

COW IGO v3 records a state as a full member (code 1) of an organization in a year when it
was a member at the end of that year, in nearly every case (NATO's 1982 and 1999 accessions,
the EU's 1995 and 2004 enlargements, Uzbekistan leaving the CSTO in December 2012 and the
UN's autumn admissions are all counted in the year they happened). So we compare with our
members in force on 31 December of each year (``AS_OF_MONTH``/``AS_OF_DAY``).

The reference data are found through the environment variable SIDELINE_REFERENCE_DATA;
the tests that need them skip when it is unset.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import pycountry
import pytest

import sideline
from sideline.registry.dates import Interval, PartialDate

DATA = Path(sideline.__file__).parent / "data"
AS_OF_MONTH = 12
AS_OF_DAY = 31
EU_FOUNDED = date(1993, 11, 1)

# Our organization slug -> COW ``ioname``.
COW_IONAME = {
    "un": "UN",
    "osce": "OSCE",
    "cica": "CICA",
    "nato": "NATO",
    "csto": "CSTO",
    "sco": "SCO",
    "eu": "EU",
    "cis": "CIS",
}

# COW ``stateabb`` (states2016.csv) -> ISO 3166-1 alpha-3, or ISO 3166-3 alpha-3 for a former
# state. None: no ISO code exists (the state is then reported as "cow:<stateabb>").
# RUS and YUG depend on the year: see ``cow_state``.
COW_TO_ISO: dict[str, str | None] = {
    "AAB": "ATG",
    "AFG": "AFG",
    "ALB": "ALB",
    "ALG": "DZA",
    "AND": "AND",
    "ANG": "AGO",
    "ARG": "ARG",
    "ARM": "ARM",
    "AUL": "AUS",
    "AUS": "AUT",
    "AZE": "AZE",
    "BAH": "BHR",
    "BAR": "BRB",
    "BEL": "BEL",
    "BEN": "BEN",
    "BFO": "BFA",
    "BHM": "BHS",
    "BHU": "BTN",
    "BLR": "BLR",
    "BLZ": "BLZ",
    "BNG": "BGD",
    "BOL": "BOL",
    "BOS": "BIH",
    "BOT": "BWA",
    "BRA": "BRA",
    "BRU": "BRN",
    "BUI": "BDI",
    "BUL": "BGR",
    "CAM": "KHM",
    "CAN": "CAN",
    "CAO": "CMR",
    "CAP": "CPV",
    "CDI": "CIV",
    "CEN": "CAF",
    "CHA": "TCD",
    "CHL": "CHL",
    "CHN": "CHN",
    "COL": "COL",
    "COM": "COM",
    "CON": "COG",
    "COS": "CRI",
    "CRO": "HRV",
    "CUB": "CUB",
    "CYP": "CYP",
    "CZE": "CSK",  # COW's CZE is Czechoslovakia (ccode 315)
    "CZR": "CZE",
    "DEN": "DNK",
    "DJI": "DJI",
    "DMA": "DMA",
    "DOM": "DOM",
    "DRC": "COD",
    "DRV": "VNM",  # COW continues the Democratic Republic of Vietnam as Vietnam
    "ECU": "ECU",
    "EGY": "EGY",
    "EQG": "GNQ",
    "ERI": "ERI",
    "EST": "EST",
    "ETH": "ETH",
    "ETM": "TLS",
    "FIJ": "FJI",
    "FIN": "FIN",
    "FRN": "FRA",
    "FSM": "FSM",
    "GAB": "GAB",
    "GAM": "GMB",
    "GDR": "DDR",
    "GFR": "DEU",  # the Federal Republic, continued by Germany
    "GHA": "GHA",
    "GMY": "DEU",
    "GNB": "GNB",
    "GRC": "GRC",
    "GRG": "GEO",
    "GRN": "GRD",
    "GUA": "GTM",
    "GUI": "GIN",
    "GUY": "GUY",
    "HAI": "HTI",
    "HON": "HND",
    "HUN": "HUN",
    "ICE": "ISL",
    "IND": "IND",
    "INS": "IDN",
    "IRE": "IRL",
    "IRN": "IRN",
    "IRQ": "IRQ",
    "ISR": "ISR",
    "ITA": "ITA",
    "JAM": "JAM",
    "JOR": "JOR",
    "JPN": "JPN",
    "KEN": "KEN",
    "KIR": "KIR",
    "KUW": "KWT",
    "KYR": "KGZ",
    "KZK": "KAZ",
    "LAO": "LAO",
    "LAT": "LVA",
    "LBR": "LBR",
    "LEB": "LBN",
    "LES": "LSO",
    "LIB": "LBY",
    "LIE": "LIE",
    "LIT": "LTU",
    "LUX": "LUX",
    "MAA": "MRT",
    "MAC": "MKD",
    "MAD": "MDV",
    "MAG": "MDG",
    "MAL": "MYS",
    "MAS": "MUS",
    "MAW": "MWI",
    "MEX": "MEX",
    "MLD": "MDA",
    "MLI": "MLI",
    "MLT": "MLT",
    "MNC": "MCO",
    "MNG": "MNE",  # COW's MNG is Montenegro
    "MON": "MNG",  # COW's MON is Mongolia
    "MOR": "MAR",
    "MSI": "MHL",
    "MYA": "MMR",
    "MZM": "MOZ",
    "NAM": "NAM",
    "NAU": "NRU",
    "NEP": "NPL",
    "NEW": "NZL",
    "NIC": "NIC",
    "NIG": "NGA",
    "NIR": "NER",
    "NOR": "NOR",
    "NTH": "NLD",
    "OMA": "OMN",
    "PAK": "PAK",
    "PAL": "PLW",  # COW's PAL is Palau
    "PAN": "PAN",
    "PAR": "PRY",
    "PER": "PER",
    "PHI": "PHL",
    "PNG": "PNG",
    "POL": "POL",
    "POR": "PRT",
    "PRK": "PRK",
    "QAT": "QAT",
    "ROK": "KOR",
    "ROM": "ROU",
    "RUS": "RUS",  # SUN up to 1990: see cow_state
    "RWA": "RWA",
    "SAF": "ZAF",
    "SAL": "SLV",
    "SAU": "SAU",
    "SEN": "SEN",
    "SEY": "SYC",
    "SIE": "SLE",
    "SIN": "SGP",
    "SKN": "KNA",
    "SLO": "SVK",
    "SLU": "LCA",
    "SLV": "SVN",
    "SNM": "SMR",
    "SOL": "SLB",
    "SOM": "SOM",
    "SPN": "ESP",
    "SRI": "LKA",
    "SSD": "SSD",
    "STP": "STP",
    "SUD": "SDN",
    "SUR": "SUR",
    "SVG": "VCT",
    "SWA": "SWZ",
    "SWD": "SWE",
    "SWZ": "CHE",  # COW's SWZ is Switzerland
    "SYR": "SYR",
    "TAJ": "TJK",
    "TAW": "TWN",
    "TAZ": "TZA",
    "THI": "THA",
    "TKM": "TKM",
    "TOG": "TGO",
    "TON": "TON",
    "TRI": "TTO",
    "TUN": "TUN",
    "TUR": "TUR",
    "TUV": "TUV",
    "UAE": "ARE",
    "UGA": "UGA",
    "UKG": "GBR",
    "UKR": "UKR",
    "URU": "URY",
    "USA": "USA",
    "UZB": "UZB",
    "VAN": "VUT",
    "VEN": "VEN",
    "WSM": "WSM",
    "YAR": "YEM",  # Yemen Arab Republic, continued by Yemen
    "YEM": "YEM",
    "YPR": "YMD",
    "YUG": "YUG",  # SRB from 1993: see cow_state
    "ZAM": "ZMB",
    "ZAN": None,  # Zanzibar 1963-1964 has no ISO code
    "ZIM": "ZWE",
}

OURS = "ours"  # a member in our data only
COW = "cow"  # a member in COW only

Disagreement = tuple[str, int, str, str]


def _years(org: str, state: str, side: str, first: int, last: int) -> set[Disagreement]:
    return {(org, year, state, side) for year in range(first, last + 1)}


# Every disagreement with COW, each settled in docs/data-reconciliation.md by the source named.
KNOWN_DISAGREEMENTS: set[Disagreement] = (
    # --- UN (source un-member-states unless named) ---
    # Original Members before COW lets them into its state system.
    _years("un", "BLR", OURS, 1945, 1990)
    | _years("un", "UKR", OURS, 1945, 1990)
    | _years("un", "IND", OURS, 1945, 1946)
    | {("un", 1945, "LBN", OURS), ("un", 1945, "PHL", OURS), ("un", 1945, "SYR", OURS)}
    # China: the Member is China throughout; COW codes the seat's holder (un-ga-res-2758).
    | _years("un", "CHN", OURS, 1949, 1970)
    | _years("un", "TWN", COW, 1949, 1970)
    # Syria in the United Arab Republic, 21 February 1958 - 13 October 1961.
    | {("un", 1958, "SYR", COW)}
    # Zanzibar, a Member from 16 December 1963 to the union of 26 April 1964: no ISO code.
    | _years("un", "cow:ZAN", COW, 1963, 1964)
    # The two German States were admitted on 18 September 1973, not in 1965.
    | _years("un", "DEU", COW, 1965, 1972)
    | _years("un", "DDR", COW, 1965, 1972)
    # The Dominican Republic, an original Member (24 October 1945), is coded only from 1965.
    | _years("un", "DOM", OURS, 1945, 1964)
    # Uzbekistan was admitted on 2 March 1992, with the other Central Asian States.
    | {("un", 1991, "UZB", COW)}
    # The SFRY's seat: resolution 47/1 of 22 September 1992 (un-ga-res-47-1).
    | {("un", 1992, "YUG", COW)}
    # Timor-Leste was admitted on 27 September 2002.
    | {("un", 2002, "TLS", OURS)}
    # --- OSCE (source osce-participating-states unless named) ---
    # CSCE founders from 25 June 1973 that COW lets into its state system late or never.
    | _years("osce", "LIE", OURS, 1973, 1989)
    | _years("osce", "SMR", OURS, 1973, 1991)
    | _years("osce", "MCO", OURS, 1973, 1992)
    | _years("osce", "VAT", OURS, 1973, 2014)
    # Yugoslavia excluded from participation from 8 July 1992 (osce-helsinki-document-1992).
    | {("osce", 1992, "YUG", COW)}
    # Mongolia joined on 21 November 2012; COW does not record it.
    | _years("osce", "MNG", OURS, 2012, 2014)
    # --- CICA (source cica-member-states): Palestine, a member since 1999, has no COW column.
    | _years("cica", "PSE", OURS, 2006, 2014)
    # --- CSTO: Uzbekistan left the Treaty in April 1999 (cst-protocol-1999) and returned on
    # 16 August 2006 (csto-uzbekistan-2006); COW has it a member from 2002.
    | _years("csto", "UZB", COW, 2002, 2005)
    # --- CIS (sources cis-member-states, cis-founding-1991, cis-charter-1993) ---
    # Georgia joined in December 1993 (COW: 1995) and its withdrawal took effect on
    # 18 August 2009 (COW: 2008).
    | _years("cis", "GEO", OURS, 1993, 1994)
    | {("cis", 2008, "GEO", OURS)}
    # Ukraine: COW codes it an associate (2) from 1993, as it never ratified the Charter; we
    # record it as a founding member whose participation ended in 2018 (ukraine-cis-2018).
    | _years("cis", "UKR", OURS, 1993, 2014)
)


def reference_dir() -> Path:
    value = os.environ.get("SIDELINE_REFERENCE_DATA")
    if not value:
        pytest.skip("SIDELINE_REFERENCE_DATA is not set; point it at the shared reference data")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"SIDELINE_REFERENCE_DATA={value} is not a folder")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def interval(row: dict[str, str]) -> Interval:
    end = row["end"]
    return Interval(PartialDate.parse(row["start"]), PartialDate.parse(end) if end else None)


def memberships() -> list[dict[str, str]]:
    return read_csv(DATA / "memberships.csv")


def members_on(rows: Iterable[dict[str, str]], organization: str, day: date) -> set[str]:
    return {
        row["state"]
        for row in rows
        if row["organization"] == organization
        and row["status"] == "member"
        and interval(row).in_force(day)
    }


def cow_state(stateabb: str, year: int) -> str:
    """Map a COW state abbreviation to our code for the year (the USSR and Yugoslavia)."""
    if stateabb not in COW_TO_ISO:
        raise AssertionError(f"COW state {stateabb} has no entry in COW_TO_ISO")
    code = COW_TO_ISO[stateabb]
    if code is None:
        return f"cow:{stateabb}"
    if code == "RUS" and year <= 1990:
        return "SUN"
    if code == "YUG" and year >= 1993:
        return "SRB"
    return code


def cow_members(reference: Path) -> dict[tuple[str, int], set[str]]:
    """Full members (code 1) of the eight organizations per (slug, year) in COW."""
    cow_dir = reference / "cow-igo-v3"
    column_to_abb = {row["state"]: row["stateabb"] for row in read_csv(cow_dir / "states2016.csv")}
    slug_of = {ioname: slug for slug, ioname in COW_IONAME.items()}
    result: dict[tuple[str, int], set[str]] = {}
    for row in read_csv(cow_dir / "igo_year_format3_eurasian_security8.csv"):
        year = int(row["year"])
        result[(slug_of[row["ioname"]], year)] = {
            cow_state(column_to_abb[column], year)
            for column, value in row.items()
            if column in column_to_abb and value == "1"
        }
    return result


def find_disagreements(reference: Path) -> set[Disagreement]:
    rows = memberships()
    found: set[Disagreement] = set()
    for (organization, year), theirs in cow_members(reference).items():
        ours = members_on(rows, organization, date(year, AS_OF_MONTH, AS_OF_DAY))
        found |= {(organization, year, state, OURS) for state in ours - theirs}
        found |= {(organization, year, state, COW) for state in theirs - ours}
    return found


def test_memberships_match_cow_except_known_disagreements() -> None:
    found = find_disagreements(reference_dir())
    new = sorted(found - KNOWN_DISAGREEMENTS)
    stale = sorted(KNOWN_DISAGREEMENTS - found)
    assert not new, f"disagreements with COW not in KNOWN_DISAGREEMENTS: {new}"
    assert not stale, f"KNOWN_DISAGREEMENTS listed but no longer found (fixed?): {stale}"


def test_cow_mapping_names_only_valid_codes() -> None:
    for abb, code in COW_TO_ISO.items():
        if code is not None:
            assert is_state_code(code), f"{abb} -> {code} is not an ISO 3166 alpha-3 code"


def eums_rows() -> list[dict[str, str]]:
    return read_csv(reference_dir() / "eu-membership" / "eums_member_states.csv")


def eu_rows() -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = {}
    for row in memberships():
        if row["organization"] == "eu" and row["status"] == "member":
            rows.setdefault(row["state"], []).append(row)
    return rows


def test_eu_accession_dates_match_eums_from_the_union_founding() -> None:
    ours = eu_rows()
    reference = eums_rows()
    assert set(ours) == {row["iso_alpha_3_code"] for row in reference}
    for row in reference:
        state = row["iso_alpha_3_code"]
        assert len(ours[state]) == 1, f"{state}: one EU membership row expected"
        mine = ours[state][0]
        accession = date.fromisoformat(row["accession_date"])
        if accession >= EU_FOUNDED:
            assert PartialDate.parse(mine["start"]).first_day == accession, state
        else:
            # A member of the Communities before the Union existed: our row starts with the
            # Union, and the note keeps the year of its accession to the Communities.
            assert mine["start"] == EU_FOUNDED.isoformat(), state
            assert row["accession_year"] in mine["note"], state
        if row["exit_date"] != "NA":
            # eums gives the last day of membership; our end is the first day without it.
            last_day = date.fromisoformat(row["exit_date"])
            assert PartialDate.parse(mine["end"]).first_day == last_day + timedelta(days=1), state
        else:
            assert mine["end"] == "", state


def test_eu_members_match_eums_year_by_year() -> None:
    reference = eums_rows()
    rows = memberships()
    for year in range(EU_FOUNDED.year, date.today().year + 1):
        day = date(year, AS_OF_MONTH, AS_OF_DAY)
        theirs = {
            row["iso_alpha_3_code"]
            for row in reference
            if date.fromisoformat(row["accession_date"]) <= day
            and (row["exit_date"] == "NA" or day <= date.fromisoformat(row["exit_date"]))
        }
        assert members_on(rows, "eu", day) == theirs, year


def is_state_code(code: str) -> bool:
    return (
        pycountry.countries.get(alpha_3=code) is not None
        or pycountry.historic_countries.get(alpha_3=code) is not None
    )


def test_membership_states_are_iso_codes_current_or_historic() -> None:
    bad = [
        (row["organization"], row["state"])
        for row in memberships()
        if row["state"] and not is_state_code(row["state"])
    ]
    assert not bad, f"unknown state codes: {bad}"


def test_membership_and_organization_sources_exist_in_sources() -> None:
    sources = {row["id"] for row in read_csv(DATA / "sources.csv")}
    cited = [("memberships.csv", row["source"]) for row in memberships()]
    cited += [("organizations.csv", row["source"]) for row in read_csv(DATA / "organizations.csv")]
    missing = sorted({item for item in cited if item[1] not in sources})
    assert not missing, f"source ids not in sources.csv: {missing}"


def test_membership_organizations_exist_in_organizations() -> None:
    slugs = {row["slug"] for row in read_csv(DATA / "organizations.csv")}
    assert {row["organization"] for row in memberships()} <= slugs


def test_membership_rows_of_one_status_do_not_overlap() -> None:
    groups: dict[tuple[str, str, str], list[Interval]] = {}
    for row in memberships():
        span = interval(row)
        assert not span.is_reversed(), row
        key = (row["organization"], row["state"] or row["participant_organization"], row["status"])
        for other in groups.get(key, []):
            assert not span.overlaps(other), f"overlapping rows for {key}"
        groups.setdefault(key, []).append(span)


def test_suspended_rows_lie_within_a_member_row() -> None:
    rows = memberships()
    for row in rows:
        if row["status"] != "suspended":
            continue
        span = interval(row)
        holders = [
            interval(other)
            for other in rows
            if (other["organization"], other["state"], other["status"])
            == (row["organization"], row["state"], "member")
        ]

        def covers(holder: Interval, span: Interval = span) -> bool:
            if not holder.in_force(span.start.first_day):
                return False
            if span.end is None:
                return holder.end is None
            return holder.end is None or span.end.first_day <= holder.end.first_day

        assert any(covers(holder) for holder in holders), (
            f"suspended row outside a member row: {row}"
        )
