"""The package reader refuses every kind of defect, naming file, line and field."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sideline.registry.package import (
    BUNDLED_PACKAGE,
    OPTIONAL_RESOURCES,
    REQUIRED_RESOURCES,
    DataIssue,
    PackageError,
    read_package,
)
from tests.registry.package_factory import Rows, minimal_tables, write_package

Tables = dict[str, Rows]


def test_read_package_minimal_is_valid(tmp_path: Path) -> None:
    package = read_package(write_package(tmp_path))

    assert [len(package.rows(name)) for name in ("organizations", "memberships", "sessions")] == [
        2,
        5,
        1,
    ]


def _overlap(tables: Tables) -> None:
    tables["memberships"].append(dict(tables["memberships"][2], start="2010", end=""))


def _end_before_start(tables: Tables) -> None:
    tables["memberships"][2]["end"] = "2006-01-01"


def _unknown_state(tables: Tables) -> None:
    tables["memberships"][0]["state"] = "XYZ"


def _no_source(tables: Tables) -> None:
    tables["memberships"][1]["source"] = ""


def _unknown_source(tables: Tables) -> None:
    tables["memberships"][1]["source"] = "nowhere"


def _bad_status(tables: Tables) -> None:
    tables["memberships"][0]["status"] = "friend"


def _bad_partial_date(tables: Tables) -> None:
    tables["memberships"][0]["start"] = "2002-02-30"


def _unknown_organization(tables: Tables) -> None:
    tables["memberships"][0]["organization"] = "warsaw-pact"


def _duplicate_key(tables: Tables) -> None:
    tables["organizations"].append(dict(tables["organizations"][0]))


def _bad_timezone(tables: Tables) -> None:
    tables["sessions"][0]["timezone"] = "Mars/Olympus"


def _bad_rrule(tables: Tables) -> None:
    tables["forums"][0]["rrule"] = "FREQ=SOMETIMES"


def _session_reversed(tables: Tables) -> None:
    tables["sessions"][0]["end"] = "2012-12-01"


def _source_in_both_tables(tables: Tables) -> None:
    tables["sources_activity"].append(dict(tables["sources"][0], title="Another title"))


def _same_forum_same_day(tables: Tables) -> None:
    tables["sessions"].append(dict(tables["sessions"][0], id="csto-council-2012-again"))


def _attendee_twice(tables: Tables) -> None:
    tables["sessions"][0]["attendees"] = "csto nato csto"


def _suspension_outside(tables: Tables) -> None:
    tables["memberships"].append(
        dict(tables["memberships"][2], status="suspended", start="2013", end="")
    )


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (
            _overlap,
            DataIssue(
                "memberships.csv",
                7,
                "start",
                "overlapping_interval",
                "UZB as member of csto from 2010 overlaps line 4 (2006-08-16–2012-12-19); end the earlier row or merge them",
            ),
        ),
        (
            _end_before_start,
            DataIssue(
                "memberships.csv",
                4,
                "end",
                "end_before_start",
                "the end 2006-01-01 is not after the start 2006-08-16",
            ),
        ),
        (
            _unknown_state,
            DataIssue(
                "memberships.csv",
                2,
                "state",
                "unknown_state",
                "'XYZ' is not an ISO 3166-1 (or ISO 3166-3 former) alpha-3 code",
            ),
        ),
        (_no_source, DataIssue("memberships.csv", 3, "source", "invalid_value", "is required")),
        (
            _unknown_source,
            DataIssue(
                "memberships.csv",
                3,
                "source",
                "unknown_source",
                "'nowhere' is not a known source; add it to sources.csv or sources_activity.csv",
            ),
        ),
        (
            _bad_status,
            DataIssue(
                "memberships.csv",
                2,
                "status",
                "invalid_value",
                "'friend' is not one of: member, observer, partner, dialogue_partner, associate, suspended",
            ),
        ),
        (
            _bad_partial_date,
            DataIssue(
                "memberships.csv",
                2,
                "start",
                "invalid_date",
                "'2002-02-30' is not a real date: day is out of range for month",
            ),
        ),
        (
            _unknown_organization,
            DataIssue(
                "memberships.csv",
                2,
                "organization",
                "unknown_organization",
                "'warsaw-pact' is not a known organization; add it to organizations.csv",
            ),
        ),
        (
            _duplicate_key,
            DataIssue(
                "organizations.csv", 4, "slug", "duplicate_key", "'csto' already appears on line 2"
            ),
        ),
        (
            _bad_timezone,
            DataIssue(
                "sessions.csv",
                2,
                "timezone",
                "unknown_timezone",
                "'Mars/Olympus' is not an IANA time zone such as Europe/Vienna",
            ),
        ),
        (
            _session_reversed,
            DataIssue(
                "sessions.csv",
                2,
                "end",
                "end_before_start",
                "the session ends (2012-12-01) before it starts (2012-12-19)",
            ),
        ),
        (
            _source_in_both_tables,
            DataIssue(
                "sources_activity.csv",
                2,
                "id",
                "duplicate_source",
                "'test-source' already appears in sources.csv on line 2; a source id must name one row of the two tables",
            ),
        ),
        (
            _same_forum_same_day,
            DataIssue(
                "sessions.csv",
                3,
                "start",
                "duplicate_session",
                "csto-council already has a session starting 2012-12-19 on line 2 (csto-council-2012); keep one row per meeting",
            ),
        ),
        (
            _attendee_twice,
            DataIssue(
                "sessions.csv", 2, "attendees", "duplicate_value", "'csto' is listed more than once"
            ),
        ),
        (
            _suspension_outside,
            DataIssue(
                "memberships.csv",
                7,
                "start",
                "suspension_outside_membership",
                "UZB is suspended in csto outside any of its member rows; a suspension must lie within a membership",
            ),
        ),
    ],
)
def test_read_package_defect_reported_with_location(
    tmp_path: Path, break_it: Callable[[Tables], None], expected: DataIssue
) -> None:
    tables = minimal_tables()
    break_it(tables)

    with pytest.raises(PackageError) as raised:
        read_package(write_package(tmp_path, tables))

    assert raised.value.issues == [expected]


def test_read_package_bad_rrule_names_field(tmp_path: Path) -> None:
    tables = minimal_tables()
    _bad_rrule(tables)

    with pytest.raises(PackageError) as raised:
        read_package(write_package(tmp_path, tables))

    [issue] = raised.value.issues
    assert (issue.file, issue.line, issue.field, issue.code) == (
        "forums.csv",
        2,
        "rrule",
        "invalid_rrule",
    )


def test_read_package_reports_every_defect_at_once(tmp_path: Path) -> None:
    tables = minimal_tables()
    _unknown_state(tables)
    _end_before_start(tables)
    _bad_timezone(tables)

    with pytest.raises(PackageError) as raised:
        read_package(write_package(tmp_path, tables))

    assert [(i.file, i.line, i.code) for i in raised.value.issues] == [
        ("memberships.csv", 2, "unknown_state"),
        ("memberships.csv", 4, "end_before_start"),
        ("sessions.csv", 2, "unknown_timezone"),
    ]


def test_read_package_missing_column_named(tmp_path: Path) -> None:
    directory = write_package(tmp_path)
    path = directory / "memberships.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")

    with pytest.raises(PackageError) as raised:
        read_package(directory)

    assert [str(issue) for issue in raised.value.issues] == [
        "memberships.csv, line 1, field note: the column is missing from the header; add it"
    ]


def test_read_package_without_descriptor_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as raised:
        read_package(tmp_path)

    assert raised.value.issues[0].code == "missing_descriptor"
    assert str(raised.value).endswith("no datapackage.json here; give the folder of a data package")


def test_read_package_missing_resource_named_with_what_to_do(tmp_path: Path) -> None:
    directory = write_package(tmp_path)
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "memberships"]
    (directory / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    with pytest.raises(PackageError) as raised:
        read_package(directory)

    assert [str(issue) for issue in raised.value.issues] == [
        "datapackage.json: the resource 'memberships' is missing; add it with its file (a "
        "header alone for an empty table): loading without it would empty the registry's "
        "memberships"
    ]


def test_read_package_optional_resource_may_be_left_out(tmp_path: Path) -> None:
    directory = write_package(tmp_path)
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [
        r for r in descriptor["resources"] if r["name"] != "sources_activity"
    ]
    (directory / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    package = read_package(directory)

    assert package.rows("sources_activity") == []


def test_bundled_descriptor_lists_exactly_the_required_and_optional_resources() -> None:
    descriptor = json.loads((BUNDLED_PACKAGE / "datapackage.json").read_text(encoding="utf-8"))

    assert sorted(r["name"] for r in descriptor["resources"]) == sorted(
        REQUIRED_RESOURCES + OPTIONAL_RESOURCES
    )


def test_read_package_json_tables_of_objects_or_lists_read_alike(tmp_path: Path) -> None:
    directory = write_package(tmp_path)
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] in {"pillars", "memberships"}:
            with (directory / resource["path"]).open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            resource["path"] = f"{resource['name']}.json"
            resource["format"] = "json"
            table: object = (
                rows
                if resource["name"] == "pillars"
                else [list(rows[0])] + [list(row.values()) for row in rows]
            )
            (directory / resource["path"]).write_text(json.dumps(table), encoding="utf-8")
    (directory / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    package = read_package(directory)

    assert (len(package.rows("pillars")), len(package.rows("memberships"))) == (2, 5)
