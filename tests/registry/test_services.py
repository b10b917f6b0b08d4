"""Loading and exporting the registry: whole or nothing, and round trips."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sideline.registry.models import Membership, Organization, State
from sideline.registry.package import PackageError, read_package
from sideline.registry.selectors import members_as_of, memberships_of_state, organization_timeline
from sideline.registry.services import export_package, load_package
from tests.registry.package_factory import minimal_tables, write_package


def test_load_package_minimal_gives_exact_counts(minimal_registry: Path) -> None:
    assert (Organization.objects.count(), Membership.objects.count()) == (2, 5)


def test_load_package_twice_changes_nothing(minimal_registry: Path) -> None:
    ids = sorted(Organization.objects.values_list("pk", flat=True))

    load_package(minimal_registry)

    assert (
        sorted(Organization.objects.values_list("pk", flat=True)),
        Membership.objects.count(),
    ) == (ids, 5)


def test_load_package_with_defect_leaves_registry_untouched(
    minimal_registry: Path, tmp_path: Path
) -> None:
    tables = minimal_tables()
    tables["memberships"] = tables["memberships"][:2]
    tables["memberships"][1]["state"] = "XYZ"

    with pytest.raises(PackageError):
        load_package(write_package(tmp_path / "broken", tables))

    assert Membership.objects.count() == 5


def test_members_as_of_follows_end_exclusive_rule(minimal_registry: Path) -> None:
    csto = Organization.objects.get(slug="csto")

    def codes(day: date) -> list[str]:
        return sorted(m.state.code for m in members_as_of(csto, as_of=day))

    assert codes(date(2012, 12, 18)) == ["KAZ", "RUS", "UZB"]
    assert codes(date(2012, 12, 19)) == ["KAZ", "RUS"]
    assert codes(date(2002, 10, 6)) == []


def test_memberships_of_state_as_of_filters(minimal_registry: Path) -> None:
    kazakhstan = State.objects.get(code="KAZ")

    assert [
        (m.organization.slug, m.status)
        for m in memberships_of_state(kazakhstan, as_of=date(2000, 1, 1))
    ] == [("nato", "partner")]
    assert len(memberships_of_state(kazakhstan)) == 2


def test_organization_timeline_lists_departures(minimal_registry: Path) -> None:
    events = organization_timeline(Organization.objects.get(slug="csto"))

    assert [(e.date, e.state.code, e.change) for e in events] == [
        ("2002-10-07", "KAZ", "joined"),
        ("2002-10-07", "RUS", "joined"),
        ("2006-08-16", "UZB", "joined"),
        ("2012-12-19", "UZB", "left"),
    ]


def test_state_names_include_russian(minimal_registry: Path) -> None:
    assert State.objects.get(code="UZB").name_ru == "Узбекистан"


def test_export_package_csv_round_trips(minimal_registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"

    counts = export_package(out)

    exported = read_package(out)
    original = read_package(minimal_registry)
    for name in (
        "organizations",
        "memberships",
        "functions",
        "mandates",
        "forums",
        "sessions",
        "engagements",
        "pillars",
    ):
        strip = [{k: v for k, v in row.items() if k != "_line"} for row in exported.rows(name)]
        expected = [{k: v for k, v in row.items() if k != "_line"} for row in original.rows(name)]
        key = json.dumps
        assert sorted(map(key, strip)) == sorted(map(key, expected)), name
    assert counts["memberships"] == 5


def test_export_package_json_writes_lists(minimal_registry: Path, tmp_path: Path) -> None:
    export_package(tmp_path, fmt="json")

    rows = json.loads((tmp_path / "memberships.json").read_text(encoding="utf-8"))
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert rows[0] == {
        "organization": "csto",
        "state": "KAZ",
        "status": "member",
        "start": "2002-10-07",
        "end": "",
        "source": "test-source",
        "note": "",
    }
    assert {r["path"] for r in descriptor["resources"]} >= {
        "memberships.json",
        "organizations.json",
    }
