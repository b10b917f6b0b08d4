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

    assert [(e.date, e.participant.code, e.change) for e in events] == [
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


def test_export_package_json_writes_a_header_row_then_typed_rows(
    minimal_registry: Path, tmp_path: Path
) -> None:
    export_package(tmp_path, fmt="json")

    memberships = json.loads((tmp_path / "memberships.json").read_text(encoding="utf-8"))
    engagements = json.loads((tmp_path / "engagements.json").read_text(encoding="utf-8"))
    assert memberships[:2] == [
        [
            "organization",
            "state",
            "participant_organization",
            "status",
            "start",
            "end",
            "source",
            "note",
        ],
        ["csto", "KAZ", None, "member", "2002-10-07", None, "test-source", None],
    ]
    assert engagements[1][9] == 1.0
    assert json.loads((tmp_path / "sources_activity.json").read_text(encoding="utf-8")) == [
        ["id", "title", "publisher", "url", "accessed", "note"]
    ]


def test_export_package_json_is_a_valid_frictionless_package(
    minimal_registry: Path, tmp_path: Path
) -> None:
    from frictionless import Package

    export_package(tmp_path, fmt="json")

    report = Package(str(tmp_path / "datapackage.json")).validate()
    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert (errors, report.valid) == ([], True)


def test_export_package_json_round_trips_through_read_and_load(
    minimal_registry: Path, tmp_path: Path
) -> None:
    export_package(tmp_path / "csv")
    export_package(tmp_path / "json", fmt="json")

    from_csv = read_package(tmp_path / "csv")
    from_json = read_package(tmp_path / "json")
    summary = load_package(tmp_path / "json")

    for name, rows in from_csv.tables.items():
        strip = [{k: v for k, v in row.items() if k != "_line"} for row in rows]
        again = [{k: v for k, v in row.items() if k != "_line"} for row in from_json.rows(name)]
        if name == "engagements":  # JSON numbers come back as 1.0 where the CSV says 1.
            again = [dict(row, weight=f"{float(row['weight']):g}") for row in again]
        assert again == strip, name
    assert (summary.counts["memberships"], summary.counts["sessions"]) == (5, 1)


@pytest.mark.parametrize("left_out", ["memberships", "mandates", "sessions", "engagements"])
def test_load_package_missing_resource_leaves_every_table_intact(
    minimal_registry: Path, tmp_path: Path, left_out: str
) -> None:
    from django.apps import apps

    directory = write_package(tmp_path / "partial")
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != left_out]
    (directory / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    models = list(apps.get_app_config("registry").get_models())
    before = {model.__name__: model.objects.count() for model in models}

    with pytest.raises(PackageError) as caught:
        load_package(directory)

    assert [issue.code for issue in caught.value.issues] == ["missing_resource"]
    assert {model.__name__: model.objects.count() for model in models} == before
