"""The bundled dataset: complete, sourced, consistent and valid Frictionless data."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from django.test import Client

from sideline.registry.models import Organization, State
from sideline.registry.package import BUNDLED_PACKAGE, read_package
from sideline.registry.selectors import members_as_of

EIGHT = {"un", "osce", "cica", "nato", "csto", "sco", "eu", "cis"}


def test_bundled_package_passes_our_checks() -> None:
    package = read_package()

    assert {row["slug"] for row in package.rows("organizations")} >= EIGHT


def test_bundled_package_is_valid_frictionless() -> None:
    from frictionless import Package

    report = Package(str(BUNDLED_PACKAGE / "datapackage.json")).validate()

    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert errors[:10] == []
    assert report.valid is True


@pytest.mark.parametrize(
    "resource", ["organizations", "memberships", "mandates", "forums", "sessions", "engagements"]
)
def test_every_bundled_row_names_a_source(resource: str) -> None:
    with (BUNDLED_PACKAGE / f"{resource}.csv").open(encoding="utf-8") as handle:
        unsourced = [
            line
            for line, row in enumerate(csv.DictReader(handle), start=2)
            if not row["source"].strip()
        ]

    assert unsourced == []


def _members(slug: str, day: date, status: str = "member") -> set[str]:
    organization = Organization.objects.get(slug=slug)
    return {m.state.code for m in members_as_of(organization, as_of=day, statuses=[status])}


def test_bundled_csto_uzbekistan_left_in_2012(registry: None) -> None:
    assert "UZB" in _members("csto", date(2012, 1, 1))
    assert "UZB" not in _members("csto", date(2013, 1, 1))
    assert "UZB" in _members("csto", date(1995, 1, 1))  # under the 1992 Collective Security Treaty
    assert "UZB" not in _members("csto", date(2003, 1, 1))


def test_bundled_nato_and_csto_share_no_member_in_2013(registry: None) -> None:
    assert _members("nato", date(2013, 6, 1)) & _members("csto", date(2013, 6, 1)) == set()


def test_bundled_eight_have_members_today(registry: None) -> None:
    today = date(2026, 1, 1)

    counts = {slug: len(_members(slug, today)) for slug in sorted(EIGHT)}

    assert counts == {
        "cica": 28,
        "cis": 10,
        "csto": 6,
        "eu": 27,
        "nato": 32,
        "osce": 57,
        "sco": 10,
        "un": 193,
    }


def test_bundled_un_before_1991_has_ussr_not_russia(registry: None) -> None:
    members = _members("un", date(1980, 1, 1))

    assert ("SUN" in members, "RUS" in members) == (True, False)


def test_bundled_kazakhstan_names_in_russian(registry: None) -> None:
    assert State.objects.get(code="KAZ").name_ru == "Казахстан"


def test_bundled_home_lists_the_eight(client: Client, registry: None) -> None:
    page = client.get("/").content.decode()

    for abbreviation in ("UN", "OSCE", "CICA", "NATO", "CSTO", "SCO", "EU", "CIS"):
        assert f"<strong>{abbreviation}</strong>" in page
