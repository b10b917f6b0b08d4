"""The snapshot: reading rows, checking them, and the as-of view."""

from __future__ import annotations

from datetime import date

import pytest

from sideline.analysis.errors import (
    InvalidArgumentError,
    InvalidRowError,
    UnknownOrganizationError,
    UnknownPillarError,
    UnknownStateError,
)
from sideline.analysis.facts import MEMBERS_ONLY, MembershipStatus, parse_statuses
from sideline.analysis.snapshot import RegistrySnapshot

ORGS = [
    {"slug": "sco", "bloc": "shanghai", "pillars": "china russia", "founded": "2001-06-15"},
    {"slug": "csto", "bloc": "eurasian", "pillars": "russia", "founded": "2002-10-07"},
]


def test_snapshot_from_rows_reads_every_table() -> None:
    snapshot = RegistrySnapshot.from_rows(
        organizations=ORGS,
        memberships=[
            {
                "organization": "csto",
                "state": "UZB",
                "status": "member",
                "start": "2006-08-16",
                "end": "2012-12-19",
            },
            {
                "organization": "csto",
                "state": "UZB",
                "status": "suspended",
                "start": "2012-12-19",
                "end": "",
            },
        ],
        mandates=[{"organization": "csto", "function": "counter-narcotics", "weight": "core"}],
        engagements=[
            {
                "id": "e1",
                "state": "KAZ",
                "date": "2010",
                "end": "",
                "kind": "summit",
                "pillars": "eu us",
                "weight": "",
            },
        ],
        pillars=[{"slug": s} for s in ("russia", "china", "us", "eu", "turkey")],
    )

    assert tuple(snapshot.organizations) == ("csto", "sco")
    assert snapshot.states == ("KAZ", "UZB")
    assert snapshot.pillars == ("russia", "china", "us", "eu", "turkey")
    assert snapshot.mandates[0].value == 1.0
    assert snapshot.engagements[0].weight == 1.0
    assert snapshot.engagements[0].pillars == ("eu", "us")
    assert snapshot.span[0] == date(2001, 6, 15)


def test_snapshot_as_of_lists_statuses_and_existing_organizations() -> None:
    snapshot = RegistrySnapshot.from_rows(
        organizations=ORGS,
        memberships=[
            {
                "organization": "csto",
                "state": "UZB",
                "status": "member",
                "start": "2006-08-16",
                "end": "2012-12-19",
            },
            {"organization": "csto", "state": "UZB", "status": "suspended", "start": "2012-12-19"},
        ],
    )

    early = snapshot.as_of(date(2002, 1, 1))
    late = snapshot.as_of(date(2013, 1, 1))

    assert early.organizations == ("sco",)
    assert late.organizations == ("csto", "sco")
    assert late.statuses["csto"]["UZB"] == frozenset({MembershipStatus.SUSPENDED})
    assert late.members("csto") == frozenset()
    assert late.members("csto", statuses=frozenset(MembershipStatus)) == frozenset({"UZB"})
    assert late.organizations_of("UZB", statuses=frozenset({MembershipStatus.SUSPENDED})) == {
        "csto"
    }


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"organization": "csto", "state": "KAZ", "status": "boss", "start": "2002"},
            "memberships row 1 has unknown status 'boss'",
        ),
        (
            {"organization": "csto", "state": "KAZ", "status": "member", "start": "2002-13"},
            "memberships row 1 column 'start': '2002-13' is not a real date: "
            "month must be in 1..12",
        ),
        (
            {"organization": "csto", "state": "KAZ", "status": "member", "start": ""},
            "memberships row 1 has no 'start' date",
        ),
        (
            {"organization": "csto", "status": "member", "start": "2002"},
            "memberships row 1 has no column 'state'",
        ),
    ],
)
def test_snapshot_from_rows_invalid_membership(row: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidRowError) as caught:
        RegistrySnapshot.from_rows(organizations=ORGS, memberships=[row])

    assert (caught.value.code, str(caught.value)) == ("invalid_row", message)


def test_snapshot_unknown_organization_in_membership() -> None:
    with pytest.raises(UnknownOrganizationError) as caught:
        RegistrySnapshot.from_rows(
            organizations=ORGS,
            memberships=[
                {"organization": "nato", "state": "USA", "status": "member", "start": "1949"}
            ],
        )

    assert caught.value.code == "unknown_organization"
    assert caught.value.value == "nato"


def test_snapshot_unknown_pillar() -> None:
    with pytest.raises(UnknownPillarError) as caught:
        RegistrySnapshot.from_rows(organizations=ORGS, memberships=[], pillars=[{"slug": "russia"}])

    assert str(caught.value) == "pillar 'china' is not among the pillars ['russia']"


def test_snapshot_require_state_unknown() -> None:
    snapshot = RegistrySnapshot.from_rows(organizations=ORGS, memberships=[])

    with pytest.raises(UnknownStateError) as caught:
        snapshot.require_state("XXX")

    assert str(caught.value) == "state 'XXX' is not in the registry"


def test_parse_statuses_rejects_unknown_and_empty() -> None:
    assert parse_statuses(["member"]) == MEMBERS_ONLY
    with pytest.raises(InvalidArgumentError) as unknown:
        parse_statuses(["boss"])
    with pytest.raises(InvalidArgumentError) as empty:
        parse_statuses([])

    assert unknown.value.value == "boss"
    assert str(empty.value) == "statuses is empty; name at least one status"
