"""The analysis selectors: a snapshot from the registry tables, and answers as of a date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sideline.analysis.errors import DateOutOfRangeError, UnknownStateError
from sideline.analysis.facts import WITH_ASSOCIATES, MembershipStatus
from sideline.analysis.models import VoteDataset
from sideline.analysis.selectors import (
    balance_report,
    bridge_report,
    build_snapshot,
    cached_vote_table,
    current_snapshot,
    duplication_report,
    overlap_report,
    planner_instance,
    suggestion_report,
    vote_dataset,
    voting_report,
)
from sideline.analysis.services import import_unvotes
from sideline.analysis.unvotes import load_unvotes
from sideline.analysis.voting import state_alignment
from sideline.planner.instance import parse_instance
from sideline.registry.dates import PartialDate
from sideline.registry.models import Membership, Organization
from sideline.registry.services import load_package
from tests.analysis.unvotes_factory import VOTES, write_unvotes
from tests.conftest import reference_data
from tests.registry.package_factory import minimal_tables, write_package


def test_build_snapshot_minimal_registry_rows(minimal_registry: Path) -> None:
    snapshot = build_snapshot(valid_until=date(2030, 12, 31))

    assert list(snapshot.organizations) == ["csto", "nato"]
    assert snapshot.organizations["csto"].bloc == "eurasian"
    assert snapshot.organizations["csto"].pillars == frozenset({"russia"})
    assert snapshot.states == ("KAZ", "RUS", "USA", "UZB")
    assert sorted(
        (m.organization, m.state, m.status.value, str(m.interval.start), str(m.interval.end))
        for m in snapshot.memberships
    ) == [
        ("csto", "KAZ", "member", "2002-10-07", "None"),
        ("csto", "RUS", "member", "2002-10-07", "None"),
        ("csto", "UZB", "member", "2006-08-16", "2012-12-19"),
        ("nato", "KAZ", "partner", "1994-05-27", "None"),
        ("nato", "USA", "member", "1949-08-24", "None"),
    ]
    assert [(m.organization, m.function, m.weight.value) for m in snapshot.mandates] == [
        ("csto", "counter-narcotics", "core"),
        ("nato", "counter-narcotics", "secondary"),
    ]
    assert snapshot.pillars == ("russia", "us")
    [engagement] = snapshot.engagements
    assert (engagement.id, engagement.state, engagement.kind, engagement.pillars) == (
        "kaz-csto-2002",
        "KAZ",
        "membership",
        ("russia",),
    )
    assert engagement.interval.start == PartialDate.parse("2002-10-07")
    assert snapshot.span == (date(1949, 4, 4), date(2030, 12, 31))  # NATO founded


def test_build_snapshot_query_count_minimal(
    minimal_registry: Path, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(5):
        build_snapshot()


def test_build_snapshot_query_count_bundled(registry: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(5):
        snapshot = build_snapshot()

    assert len(snapshot.memberships) > 400


def test_overlap_report_members_only_and_with_partners(minimal_registry: Path) -> None:
    members_only = overlap_report(day=date(2012, 12, 18))
    with_partners = overlap_report(day=date(2012, 12, 18), statuses=WITH_ASSOCIATES)

    assert members_only.organizations == ("csto", "nato")
    assert members_only.sizes == (3, 1)
    assert members_only.pairs == ()
    [pair] = with_partners.pairs
    assert pair.organizations == ("csto", "nato")
    assert pair.shared == ("KAZ",)
    assert pair.sizes == (3, 2)
    assert pair.jaccard == 0.25
    assert pair.overlap_coefficient == 0.5
    assert with_partners.jaccard == ((1.0, 0.25), (0.25, 1.0))


def test_overlap_report_date_before_data_raises(minimal_registry: Path) -> None:
    with pytest.raises(DateOutOfRangeError) as caught:
        overlap_report(day=date(1900, 1, 1))

    assert caught.value.code == "date_out_of_range"
    assert caught.value.argument == "day"


def test_duplication_report_counter_narcotics_shared(minimal_registry: Path) -> None:
    [pair] = duplication_report(day=date(2013, 1, 1))

    assert pair.organizations == ("csto", "nato")
    assert [f.function for f in pair.shared_functions] == ["counter-narcotics"]
    assert pair.functional == 0.5
    assert pair.membership == 0.0
    assert pair.score == 0.375


def test_bridge_report_edges_follow_ranking(minimal_registry: Path) -> None:
    report = bridge_report(day=date(2013, 1, 1), statuses=WITH_ASSOCIATES)

    assert [b.state for b in report.ranking][:1] == ["KAZ"]
    assert report.ranking[0].blocs == ("eurasian", "euro_atlantic")
    assert report.edges == (
        ("csto", "KAZ"),
        ("csto", "RUS"),
        ("nato", "KAZ"),
        ("nato", "USA"),
    )
    assert report.organizations == ("csto", "nato")


def test_suggestion_report_common_forum_filters_pairs(minimal_registry: Path) -> None:
    everything = suggestion_report(day=date(2013, 1, 1))
    common = suggestion_report(day=date(2013, 1, 1), common_forum=True)

    assert everything == [
        {
            "id": "dup-csto-nato-counter-narcotics",
            "organizations": ["csto", "nato"],
            "topic": "counter-narcotics",
            "priority": 3,  # 2, plus 1: no formal tie between them
            "slots": 1,
        }
    ]
    # The only session (CSTO council 2012) is attended by the CSTO alone.
    assert common == []


def test_planner_instance_parses_as_plan_instance(minimal_registry: Path) -> None:
    document = planner_instance(day=date(2013, 1, 1), year=2012)

    instance = parse_instance(document)

    assert document["schema"] == "sideline.plan-instance/1"
    assert instance.organizations == ("csto", "nato")
    assert [s.id for s in instance.sessions] == ["csto-council-2012"]
    [request] = instance.requests
    assert (request.id, request.not_before, request.not_after) == (
        "dup-csto-nato-counter-narcotics",
        date(2012, 1, 1),
        date(2012, 12, 31),
    )


def test_balance_report_single_pillar_year(minimal_registry: Path) -> None:
    series = balance_report(state="KAZ", start=2002, end=2003)

    assert series.pillars == ("russia", "us")
    assert [(y.year, y.shares, y.index) for y in series.years] == [
        (2002, {"russia": 1.0, "us": 0.0}, 0.0),
        (2003, {"russia": 1.0, "us": 0.0}, 0.0),
    ]


def test_balance_report_unknown_state_raises(minimal_registry: Path) -> None:
    with pytest.raises(UnknownStateError) as caught:
        balance_report(state="XXX", start=2002, end=2003)

    assert str(caught.value) == "state 'XXX' is not in the registry"


# --- facts of the bundled registry, read through the database ---------------------------


def test_bundled_kazakhstan_among_top_bridge_states_2015(registry: None) -> None:
    report = bridge_report(day=date(2015, 1, 1))

    top = [b.state for b in report.ranking[:5]]
    assert "KAZ" in top, f"top bridge states in 2015 are {top}"


def test_bundled_csto_and_sco_share_member_states_2015(registry: None) -> None:
    report = overlap_report(day=date(2015, 1, 1))

    pair = next(p for p in report.pairs if p.organizations == ("csto", "sco"))
    assert {"KAZ", "KGZ", "RUS", "TJK"} <= set(pair.shared)


def test_bundled_nato_and_csto_share_no_member_state_2013(registry: None) -> None:
    report = overlap_report(day=date(2013, 1, 1))

    assert [p for p in report.pairs if set(p.organizations) == {"csto", "nato"}] == []
    index = report.organizations.index
    assert report.jaccard[index("csto")][index("nato")] == 0.0


def test_bundled_suggestions_include_nato_csto_counter_narcotics(registry: None) -> None:
    requests = suggestion_report(day=date(2013, 1, 1))

    ids = [request["id"] for request in requests]
    assert "dup-csto-nato-counter-narcotics" in ids, f"suggested: {ids}"


def test_bundled_statuses_are_known(registry: None) -> None:
    snapshot = build_snapshot()

    assert {m.status for m in snapshot.memberships} <= set(MembershipStatus)


# --- per-process caches -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the cache is bypassed inside a transaction
def test_current_snapshot_second_call_one_query(
    minimal_registry: Path, django_assert_num_queries: Any
) -> None:
    first = current_snapshot()

    with django_assert_num_queries(1):  # the registry's version, nothing else
        second = current_snapshot()

    assert second is first


@pytest.mark.django_db(transaction=True)  # the cache is bypassed inside a transaction
def test_current_snapshot_reload_with_same_counts_reflected(
    minimal_registry: Path, tmp_path: Path
) -> None:
    assert current_snapshot().organizations["csto"].bloc == "eurasian"
    tables = minimal_tables()
    for row in tables["organizations"]:
        if row["slug"] == "csto":
            row["bloc"] = "euro_atlantic"

    load_package(write_package(tmp_path / "changed", tables))

    assert current_snapshot().organizations["csto"].bloc == "euro_atlantic"
    assert overlap_report(day=date(2015, 1, 1)).organizations == ("csto", "nato")


@pytest.mark.django_db(transaction=True)  # the cache is bypassed inside a transaction
def test_current_snapshot_bundled_then_minimal_reload_reflected(
    minimal_registry: Path, tmp_path: Path
) -> None:
    assert list(current_snapshot().organizations) == ["csto", "nato"]
    load_package()
    assert len(current_snapshot().organizations) == 16

    load_package(write_package(tmp_path / "again"))

    assert list(current_snapshot().organizations) == ["csto", "nato"]


@pytest.mark.django_db(transaction=True)  # the cache is bypassed inside a transaction
def test_current_snapshot_save_in_place_reflected(minimal_registry: Path) -> None:
    assert current_snapshot().organizations["nato"].bloc == "euro_atlantic"
    nato = Organization.objects.get(slug="nato")
    nato.bloc = "eurasian"

    nato.save()

    assert current_snapshot().organizations["nato"].bloc == "eurasian"


def test_cached_vote_table_second_call_no_query(
    minimal_registry: Path, tmp_path: Path, django_assert_num_queries: Any
) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))
    dataset = vote_dataset()
    assert dataset is not None
    first = cached_vote_table(dataset)

    with django_assert_num_queries(0):
        second = cached_vote_table(dataset)

    assert second is first
    assert not first.votes.flags.writeable


def test_voting_report_new_import_reflected(minimal_registry: Path, tmp_path: Path) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))
    dataset = vote_dataset()
    assert dataset is not None
    assert voting_report(dataset=dataset, state="KAZ").agreement["us"] == {49: 0.5, 50: 0.0}

    import_unvotes(
        write_unvotes(
            tmp_path / "new", votes=VOTES.replace("20,Kazakhstan,KZ,yes", "20,Kazakhstan,KZ,no")
        )
    )
    dataset = vote_dataset()
    assert dataset is not None

    assert voting_report(dataset=dataset, state="KAZ").agreement["us"] == {49: 0.5, 50: 1.0}


def test_voting_report_narrowed_equals_core_on_whole_table(registry: None) -> None:
    # The report slices the period's rows and the columns it needs; the core on the
    # whole table, with the bundled registry's EU, must give the same numbers.
    table = load_unvotes(reference_data() / "unvotes")

    report = voting_report(dataset=VoteDataset(), state="KAZ", start=1992, end=2019, table=table)

    expected = state_alignment(
        table,
        "KAZ",
        pillars=("us", "russia", "china", "eu"),
        eu_members={
            state: (start, end)
            for state, start, end in Membership.objects.filter(
                organization__slug="eu", status="member"
            ).values_list("state__code", "start_date", "end_date")
        },
        sessions=(47, 74),
    )
    assert report.pillars == ("us", "russia", "china", "eu")
    assert len(expected["eu"]) == 27  # sessions 48 to 74: the EU dates from November 1993
    assert report.agreement == expected
