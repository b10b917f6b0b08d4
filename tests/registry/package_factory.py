"""Build small data packages for tests, with the bundled descriptor and chosen rows."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from sideline.registry.package import BUNDLED_PACKAGE

Rows = list[dict[str, str]]

SOURCE = "test-source"


def minimal_tables() -> dict[str, Rows]:
    """Return a small, valid registry: CSTO with Uzbekistan's history, NATO, one forum."""

    def org(
        slug: str, abbreviation: str, ru: str, name: str, founded: str, bloc: str, pillars: str
    ) -> dict[str, str]:
        return {
            "slug": slug,
            "abbreviation_en": abbreviation,
            "abbreviation_ru": ru,
            "name_en": name,
            "name_ru": name,
            "founded": founded,
            "dissolved": "",
            "successor": "",
            "headquarters": "",
            "bloc": bloc,
            "pillars": pillars,
            "url": "",
            "source": SOURCE,
        }

    def member(
        organization: str, state: str, start: str, end: str = "", status: str = "member"
    ) -> dict[str, str]:
        return {
            "organization": organization,
            "state": state,
            "status": status,
            "start": start,
            "end": end,
            "source": SOURCE,
            "note": "",
        }

    return {
        "sources": [
            {
                "id": SOURCE,
                "title": "A test source",
                "publisher": "Tests",
                "url": "https://example.org/",
                "accessed": "2026-11-01",
                "note": "",
            }
        ],
        "sources_activity": [],
        "pillars": [
            {"slug": "russia", "name_en": "Russia", "name_ru": "Россия"},
            {"slug": "us", "name_en": "United States", "name_ru": "США"},
        ],
        "organizations": [
            org(
                "csto",
                "CSTO",
                "ОДКБ",
                "Collective Security Treaty Organization",
                "2002-10-07",
                "eurasian",
                "russia",
            ),
            org(
                "nato",
                "NATO",
                "НАТО",
                "North Atlantic Treaty Organization",
                "1949-04-04",
                "euro_atlantic",
                "us",
            ),
        ],
        "memberships": [
            member("csto", "RUS", "2002-10-07"),
            member("csto", "KAZ", "2002-10-07"),
            member("csto", "UZB", "2006-08-16", "2012-12-19"),
            member("nato", "USA", "1949-08-24"),
            member("nato", "KAZ", "1994-05-27", status="partner"),
        ],
        "functions": [
            {
                "slug": "counter-narcotics",
                "name_en": "Counter-narcotics",
                "name_ru": "Борьба с наркотиками",
                "description_en": "",
                "description_ru": "",
            }
        ],
        "mandates": [
            {
                "organization": "csto",
                "function": "counter-narcotics",
                "weight": "core",
                "basis": "Charter art. 8",
                "source": SOURCE,
            },
            {
                "organization": "nato",
                "function": "counter-narcotics",
                "weight": "secondary",
                "basis": "",
                "source": SOURCE,
            },
        ],
        "forums": [
            {
                "slug": "csto-council",
                "organization": "csto",
                "name_en": "CSTO Collective Security Council",
                "name_ru": "Совет коллективной безопасности ОДКБ",
                "level": "heads_of_state",
                "rrule": "FREQ=YEARLY;BYMONTH=11",
                "dtstart": "2003-04-28",
                "duration_days": "1",
                "timezone": "Europe/Moscow",
                "source": SOURCE,
            },
        ],
        "sessions": [
            {
                "id": "csto-council-2012",
                "forum": "csto-council",
                "start": "2012-12-19",
                "end": "2012-12-19",
                "city": "Moscow",
                "country": "RUS",
                "timezone": "Europe/Moscow",
                "attendees": "csto",
                "status": "held",
                "source": SOURCE,
            },
        ],
        "engagements": [
            {
                "id": "kaz-csto-2002",
                "state": "KAZ",
                "date": "2002-10-07",
                "end": "",
                "kind": "membership",
                "title_en": "CSTO founded",
                "title_ru": "Основание ОДКБ",
                "pillars": "russia",
                "category": "eurasian_integration",
                "weight": "1",
                "source": SOURCE,
            },
        ],
    }


def write_package(directory: Path, tables: dict[str, Rows] | None = None) -> Path:
    """Write ``tables`` (the minimal registry by default) as a package in ``directory``."""
    tables = minimal_tables() if tables is None else tables
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUNDLED_PACKAGE / "datapackage.json", directory / "datapackage.json")
    descriptor = json.loads((BUNDLED_PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        columns = [spec["name"] for spec in resource["schema"]["fields"]]
        with (directory / resource["path"]).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(tables.get(resource["name"], []))
    return directory
