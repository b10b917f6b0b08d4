"""Organizations as participants, relations between organizations, and the checks that keep
them true: each defect named by file, line and field; answers as of a date."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sideline.registry.models import Membership, Organization, Relation
from sideline.registry.package import BUNDLED_PACKAGE, DataIssue, PackageError, read_package
from sideline.registry.selectors import members_as_of, relations_of
from sideline.registry.services import export_package, load_package
from tests.registry.package_factory import SOURCE, Rows, minimal_tables, write_package

Tables = dict[str, Rows]


def _relation(**changes: str) -> dict[str, str]:
    row = {
        "id": "csto-nato-test",
        "organization": "csto",
        "counterpart": "nato",
        "kind": "memorandum",
        "title": "A test memorandum",
        "signed": "2010-03-18",
        "in_force": "",
        "ended": "",
        "reference": "",
        "source": SOURCE,
        "note": "",
    }
    row.update(changes)
    return row


def _observer(organization: str, participant: str, start: str, end: str = "") -> dict[str, str]:
    return {
        "organization": organization,
        "state": "",
        "participant_organization": participant,
        "status": "observer",
        "start": start,
        "end": end,
        "source": SOURCE,
        "note": "",
    }


def tables_with_ties() -> Tables:
    """The minimal registry with NATO observing the CSTO and one relation (not real facts)."""
    tables = minimal_tables()
    tables["memberships"].append(_observer("csto", "nato", "2005-01-01", "2012-01-01"))
    tables["relations"] = [_relation(), _relation(id="csto-nato-ended", ended="2011-01-01")]
    return tables


# --- loader defects: file, line, field, message --------------------------------------


def _participant_unknown(tables: Tables) -> None:
    tables["memberships"].append(_observer("csto", "warsaw-pact", "2005"))


def _two_participants(tables: Tables) -> None:
    tables["memberships"].append(dict(_observer("csto", "nato", "2005"), state="KAZ"))


def _no_participant(tables: Tables) -> None:
    tables["memberships"].append(_observer("csto", "", "2005"))


def _self_participant(tables: Tables) -> None:
    tables["memberships"].append(_observer("csto", "csto", "2005"))


def _contradictory(tables: Tables) -> None:
    # KAZ has been a CSTO member since 2002 (line 3); an observer row from 2005 contradicts it.
    tables["memberships"].append(
        dict(tables["memberships"][1], status="observer", start="2005", end="2007")
    )


def _self_relation(tables: Tables) -> None:
    tables["relations"] = [_relation(counterpart="csto")]


def _relation_unknown(tables: Tables) -> None:
    tables["relations"] = [_relation(counterpart="warsaw-pact")]


def _relation_no_date(tables: Tables) -> None:
    tables["relations"] = [_relation(signed="")]


def _relation_in_force_first(tables: Tables) -> None:
    tables["relations"] = [_relation(in_force="2009")]


def _relation_ended_first(tables: Tables) -> None:
    tables["relations"] = [_relation(ended="2010-03-18")]


def _relation_before_founding(tables: Tables) -> None:
    tables["relations"] = [_relation(signed="1999-05-01")]


def _ga_observer_not_un(tables: Tables) -> None:
    tables["relations"] = [_relation(kind="ga_observer")]


def _session_before_founding(tables: Tables) -> None:
    tables["sessions"][0].update(start="2001-12-19", end="2001-12-19")


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (
            _participant_unknown,
            DataIssue(
                "memberships.csv",
                7,
                "participant_organization",
                "unknown_participant",
                "'warsaw-pact' is neither a known state nor a known organization; add it to "
                "organizations.csv, or write a state's ISO code in the state column",
            ),
        ),
        (
            _two_participants,
            DataIssue(
                "memberships.csv",
                7,
                "participant_organization",
                "two_participants",
                "the row names both the state 'KAZ' and the organization 'nato'; a row has one "
                "participant, so split it in two",
            ),
        ),
        (
            _no_participant,
            DataIssue(
                "memberships.csv",
                7,
                "state",
                "missing_participant",
                "the row names no participant; give a state's ISO code in state or an "
                "organization's slug in participant_organization",
            ),
        ),
        (
            _self_participant,
            DataIssue(
                "memberships.csv",
                7,
                "participant_organization",
                "self_membership",
                "'csto' cannot hold a status in itself",
            ),
        ),
        (
            _contradictory,
            DataIssue(
                "memberships.csv",
                7,
                "status",
                "contradictory_status",
                "KAZ is observer of csto from 2005 while still member (line 3, 2002-10-07–open); "
                "end the member row on the day the observer status began",
            ),
        ),
        (
            _self_relation,
            DataIssue(
                "relations.csv",
                2,
                "counterpart",
                "self_relation",
                "a relation ties two organizations; 'csto' is named on both sides",
            ),
        ),
        (
            _relation_unknown,
            DataIssue(
                "relations.csv",
                2,
                "counterpart",
                "unknown_organization",
                "'warsaw-pact' is not a known organization; add it to organizations.csv",
            ),
        ),
        (
            _relation_no_date,
            DataIssue(
                "relations.csv",
                2,
                "signed",
                "missing_date",
                "give the day the document was signed (signed) or took effect (in_force)",
            ),
        ),
        (
            _relation_in_force_first,
            DataIssue(
                "relations.csv",
                2,
                "in_force",
                "in_force_before_signed",
                "the tie cannot take effect (2009) before it was signed (2010-03-18)",
            ),
        ),
        (
            _relation_ended_first,
            DataIssue(
                "relations.csv",
                2,
                "ended",
                "end_before_start",
                "the end 2010-03-18 is not after the start 2010-03-18",
            ),
        ),
        (
            _relation_before_founding,
            DataIssue(
                "relations.csv",
                2,
                "signed",
                "outside_existence",
                "csto did not exist on 1999-05-01 (2002-10-07–today); check the date or the "
                "organization",
            ),
        ),
        (
            _ga_observer_not_un,
            DataIssue(
                "relations.csv",
                2,
                "counterpart",
                "invalid_counterpart",
                "observer status in the UN General Assembly has the counterpart un",
            ),
        ),
        (
            _session_before_founding,
            DataIssue(
                "sessions.csv",
                2,
                "start",
                "outside_existence",
                "the forum's organization csto did not exist on 2001-12-19 "
                "(2002-10-07–today); check the date or the forum",
            ),
        ),
    ],
)
def test_read_package_tie_defect_reported_with_location(
    tmp_path: Path, break_it: Callable[[Tables], None], expected: DataIssue
) -> None:
    tables = minimal_tables()
    break_it(tables)

    with pytest.raises(PackageError) as raised:
        read_package(write_package(tmp_path, tables))

    assert raised.value.issues == [expected]


def test_read_package_accepts_successive_statuses_and_a_suspension(tmp_path: Path) -> None:
    tables = minimal_tables()
    # observer until the day membership begins, then a suspension inside the membership
    tables["memberships"].append(
        dict(tables["memberships"][3], status="observer", start="1949-01-01", end="1949-08-24")
    )
    tables["memberships"].append(
        dict(tables["memberships"][0], status="suspended", start="2020", end="2021")
    )

    assert len(read_package(write_package(tmp_path, tables)).rows("memberships")) == 7


def test_a_failed_load_writes_nothing(db: None, tmp_path: Path) -> None:
    load_package(write_package(tmp_path / "good", tables_with_ties()))
    tables = tables_with_ties()
    _self_relation(tables)

    with pytest.raises(PackageError):
        load_package(write_package(tmp_path / "bad", tables))

    assert sorted(Relation.objects.values_list("key", flat=True)) == [
        "csto-nato-ended",
        "csto-nato-test",
    ]


# --- as of a date -------------------------------------------------------------------


@pytest.fixture
def tied_registry(db: None, tmp_path: Path) -> Path:
    directory = write_package(tmp_path / "package", tables_with_ties())
    load_package(directory)
    return directory


def test_organization_participant_is_a_member_row_as_of_its_interval(tied_registry: Path) -> None:
    csto = Organization.objects.get(slug="csto")

    def participants(day: date) -> list[str]:
        return [m.participant_code for m in members_as_of(csto, as_of=day, statuses=["observer"])]

    assert participants(date(2004, 12, 31)) == []
    assert participants(date(2005, 1, 1)) == ["nato"]
    assert participants(date(2011, 12, 31)) == ["nato"]
    assert participants(date(2012, 1, 1)) == []


def test_relations_of_follow_the_as_of_rule(tied_registry: Path) -> None:
    nato = Organization.objects.get(slug="nato")

    def keys(day: date | None) -> list[str]:
        return [r.key for r in relations_of(nato, as_of=day)]

    assert keys(date(2010, 3, 17)) == []
    assert keys(date(2010, 3, 18)) == ["csto-nato-ended", "csto-nato-test"]
    assert keys(date(2011, 1, 1)) == ["csto-nato-test"]
    assert keys(None) == ["csto-nato-ended", "csto-nato-test"]


def get(client: Client, url: str) -> tuple[int, Any]:
    response = client.get(url)
    return response.status_code, response.json()


def test_api_members_tell_states_from_organizations(client: Client, tied_registry: Path) -> None:
    _, body = get(client, "/api/organizations/csto/members?as_of=2010-01-01&status=observer")

    assert body == [
        {
            "participant": "nato",
            "participant_kind": "organization",
            "participant_name_en": "North Atlantic Treaty Organization",
            "participant_name_ru": "North Atlantic Treaty Organization",
            "state": None,
            "state_name_en": None,
            "state_name_ru": None,
            "organization": "csto",
            "status": "observer",
            "start": "2005-01-01",
            "end": "2012-01-01",
            "source": {
                "key": SOURCE,
                "title": "A test source",
                "publisher": "Tests",
                "url": "https://example.org/",
            },
            "note": "",
        }
    ]
    _, members = get(client, "/api/organizations/csto/members?as_of=2010-01-01")
    assert [(m["participant"], m["participant_kind"]) for m in members][:2] == [
        ("KAZ", "state"),
        ("RUS", "state"),
    ]


def test_api_relations_as_of_a_date(client: Client, tied_registry: Path) -> None:
    _, all_relations = get(client, "/api/relations")
    _, in_2012 = get(client, "/api/relations?as_of=2012-01-01")
    _, of_nato = get(client, "/api/organizations/nato/relations?as_of=2010-06-01")

    assert [r["id"] for r in all_relations] == ["csto-nato-ended", "csto-nato-test"]
    assert [r["id"] for r in in_2012] == ["csto-nato-test"]
    assert of_nato[1] == {
        "id": "csto-nato-test",
        "organization": "csto",
        "counterpart": "nato",
        "kind": "memorandum",
        "title": "A test memorandum",
        "signed": "2010-03-18",
        "in_force": None,
        "ended": None,
        "reference": "",
        "source": {
            "key": SOURCE,
            "title": "A test source",
            "publisher": "Tests",
            "url": "https://example.org/",
        },
        "note": "",
    }


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/relations?as_of=2010-13-01", 400, "invalid_date"),
        ("/api/relations?as_of=2010-02-30", 400, "invalid_date"),
        ("/api/organizations/nato/relations?as_of=1812", 400, "invalid_date"),
        ("/api/organizations/warsaw-pact/relations", 404, "unknown_organization"),
    ],
)
def test_api_relations_refuse_bad_arguments(
    client: Client, tied_registry: Path, url: str, status: int, code: str
) -> None:
    answer, body = get(client, url)

    assert (answer, body["error"]["code"]) == (status, code)


def test_api_relations_read_an_empty_as_of_as_an_absent_one(
    client: Client, tied_registry: Path
) -> None:
    assert get(client, "/api/relations?as_of=") == get(client, "/api/relations")


def test_organization_page_shows_relations_and_organization_participants(
    client: Client, tied_registry: Path
) -> None:
    csto = client.get("/organizations/csto/?as_of=2010-06-01").content.decode()
    nato = client.get("/organizations/nato/?as_of=2010-06-01").content.decode()

    assert 'data-testid="organization-participant"' in csto
    assert "A test memorandum" in csto
    assert 'data-testid="relation-timeline"' in csto
    assert "observer" in nato  # NATO's own status in the CSTO
    assert "/organizations/csto/" in nato


def test_export_round_trips_relations_and_organization_participants(
    tied_registry: Path, tmp_path: Path
) -> None:
    counts = export_package(tmp_path / "out")
    load_package(tmp_path / "out")

    assert counts["relations"] == 2
    assert Membership.objects.filter(participant_organization__slug="nato").count() == 1
    with (tmp_path / "out" / "memberships.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["participant_organization"] for r in rows if not r["state"]] == ["nato"]


def test_export_json_with_relations_is_valid_frictionless(
    tied_registry: Path, tmp_path: Path
) -> None:
    from frictionless import Package

    export_package(tmp_path / "out", fmt="json")

    report = Package(str(tmp_path / "out" / "datapackage.json")).validate()
    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert errors == []
    relations = json.loads((tmp_path / "out" / "relations.json").read_text(encoding="utf-8"))
    assert relations[0][:4] == ["id", "organization", "counterpart", "kind"]


# --- the bundled data ----------------------------------------------------------------


def _bundled(name: str) -> list[dict[str, str]]:
    with (BUNDLED_PACKAGE / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _in_force(row: dict[str, str], start: str, end: str, day: date) -> bool:
    from sideline.registry.dates import Interval, PartialDate

    begun = row[start]
    if not begun:
        return False
    interval = Interval(PartialDate.parse(begun), PartialDate.parse(row[end]) if row[end] else None)
    return interval.in_force(day)


def test_bundled_relations_cover_the_eight_organizations() -> None:
    eight = {"un", "osce", "cica", "nato", "csto", "sco", "eu", "cis"}
    named = {row[side] for row in _bundled("relations") for side in ("organization", "counterpart")}

    assert eight <= named
    assert all(row["source"] for row in _bundled("relations"))


def test_bundled_ga_observers_match_the_general_debate_attendees() -> None:
    """Cross-check: the organizations listed at each UNGA general debate are exactly those
    whose General Assembly observer status is in force in the relations table that day."""
    relations = [row for row in _bundled("relations") if row["kind"] == "ga_observer"]
    sessions = [row for row in _bundled("sessions") if row["forum"] == "unga-high-level-week"]
    assert sessions

    for session in sessions:
        day = date.fromisoformat(session["start"])
        observers = {
            row["organization"]
            for row in relations
            if _in_force(row, "in_force" if row["in_force"] else "signed", "ended", day)
        }
        attendees = set(session["attendees"].split()) - {"un"}
        assert attendees == observers, session["id"]


def test_bundled_sco_statuses_merge_into_partners_on_1_september_2025(registry: None) -> None:
    sco = Organization.objects.get(slug="sco")

    def holders(day: date, status: str) -> set[str]:
        return {m.participant_code for m in members_as_of(sco, as_of=day, statuses=[status])}

    before, after = date(2025, 8, 31), date(2025, 9, 1)
    assert holders(before, "observer") == {"AFG", "MNG"}
    assert len(holders(before, "dialogue_partner")) == 15
    assert holders(after, "observer") == holders(after, "dialogue_partner") == set()
    assert holders(after, "partner") == holders(before, "observer") | holders(
        before, "dialogue_partner"
    )
    assert len(holders(after, "partner")) == 17


def test_bundled_cica_observers_include_the_un_and_the_osce(registry: None) -> None:
    cica = Organization.objects.get(slug="cica")

    observers = {
        m.participant_code
        for m in members_as_of(cica, as_of=date(2026, 1, 1), statuses=["observer"])
    }

    assert {"un", "osce", "USA", "JPN", "SAU", "TKM"} <= observers
    assert "VNM" not in observers  # a member since 2010


@pytest.mark.parametrize(
    ("organization", "status", "participant", "before", "on"),
    [
        ("nato", "partner", "DZA", date(2000, 2, 29), date(2000, 3, 1)),  # Mediterranean Dialogue
        ("nato", "partner", "ARE", date(2005, 6, 21), date(2005, 6, 22)),  # Istanbul Initiative
        ("eaeu", "observer", "IRN", date(2024, 12, 25), date(2024, 12, 26)),
        ("cica", "observer", "SAU", date(2023, 12, 25), date(2023, 12, 26)),
        ("cica", "partner", "eaeu", date(2022, 10, 12), date(2022, 10, 13)),
        ("cis", "observer", "sco", date(2025, 9, 30), date(2025, 10, 1)),
    ],
)
def test_bundled_status_begins_on_its_day(
    registry: None, organization: str, status: str, participant: str, before: date, on: date
) -> None:
    holder = Organization.objects.get(slug=organization)

    def holders(day: date) -> set[str]:
        return {m.participant_code for m in members_as_of(holder, as_of=day, statuses=[status])}

    assert participant not in holders(before)
    assert participant in holders(on)


@pytest.mark.parametrize("guess", ["2004?", "c. 2004", "unknown"])
def test_relation_with_a_guessed_date_is_refused(tmp_path: Path, guess: str) -> None:
    """An uncertain date is written as the part that is known (2004, 2004-12), never hedged."""
    tables = minimal_tables()
    tables["relations"] = [_relation(signed=guess)]

    with pytest.raises(PackageError) as raised:
        read_package(write_package(tmp_path, tables))

    # Reported once, by the column's pattern, though the rules parse the date too.
    assert raised.value.issues == [
        DataIssue(
            "relations.csv",
            2,
            "signed",
            "invalid_value",
            f"{guess!r} does not match the pattern ^\\d{{4}}(-\\d{{2}}(-\\d{{2}})?)?$",
        )
    ]


def test_relation_dated_to_the_year_holds_from_its_first_day(tmp_path: Path) -> None:
    """A tie known only to its year (the source gives no day) is kept, dated to the year."""
    tables = minimal_tables()
    tables["relations"] = [_relation(signed="2010")]

    package = read_package(write_package(tmp_path, tables))

    assert [row["signed"] for row in package.rows("relations")] == ["2010"]
