"""Formal ties between organizations against duplication; the untied pairs; suggestions."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from sideline.analysis.errors import InvalidRowError, UnknownOrganizationError
from sideline.analysis.snapshot import RegistrySnapshot
from sideline.analysis.suggest import suggest_meeting_requests
from sideline.analysis.ties import (
    pair_ties,
    relations_network,
    ties_from_rows,
    untied_duplicates,
)
from tests.analysis.conftest import make_snapshot


def snapshot() -> RegistrySnapshot:
    # a and b share two states and a core function; a and c share a core function only;
    # b and c share nothing.
    return make_snapshot(
        {"a": "KAZ KGZ", "b": "KAZ KGZ RUS", "c": "USA"},
        mandates={"a": "ct:core cn:core", "b": "ct:core", "c": "cn:core"},
    )


def relation(key: str, first: str, second: str, signed: str, ended: str = "") -> dict[str, str]:
    return {
        "id": key,
        "organization": first,
        "counterpart": second,
        "kind": "memorandum",
        "signed": signed,
        "in_force": "",
        "ended": ended,
    }


def test_pair_ties_sets_ties_in_force_against_duplication() -> None:
    ties = ties_from_rows(relations=[relation("ab", "b", "a", "2005", "2010")])

    during = pair_ties(snapshot(), ties, day=date(2006, 1, 1))
    after = pair_ties(snapshot(), ties, day=date(2010, 1, 1))

    assert [(p.organizations, [t.id for t in p.ties]) for p in during] == [
        (("a", "b"), ["ab"]),
        (("a", "c"), []),
    ]
    assert [p.has_tie for p in after] == [False, False]
    assert during[0].shared_states == frozenset({"KAZ", "KGZ"})
    assert during[0].score > during[1].score


def test_pair_ties_keeps_a_tied_pair_that_does_not_duplicate() -> None:
    ties = ties_from_rows(relations=[relation("bc", "b", "c", "2001-05-01")])

    pairs = pair_ties(snapshot(), ties, day=date(2006, 1, 1))

    assert [(p.organizations, p.score, p.has_tie) for p in pairs][-1] == (("b", "c"), 0.0, True)


def test_untied_duplicates_names_the_pairs_with_no_tie_best_first() -> None:
    ties = ties_from_rows(relations=[relation("ab", "a", "b", "2005")])

    assert [p.organizations for p in untied_duplicates(snapshot(), ties, day=date(2004, 1, 1))] == [
        ("a", "b"),
        ("a", "c"),
    ]
    assert [p.organizations for p in untied_duplicates(snapshot(), ties, day=date(2005, 1, 1))] == [
        ("a", "c")
    ]


def test_an_organizations_status_in_another_is_a_tie() -> None:
    ties = ties_from_rows(
        participations=[
            {
                "organization": "c",
                "participant_organization": "a",
                "status": "observer",
                "start": "2003",
                "end": "",
            }
        ]
    )

    pairs = {p.organizations: p for p in pair_ties(snapshot(), ties, day=date(2004, 1, 1))}

    assert [(t.kind, t.id) for t in pairs[("a", "c")].ties] == [
        ("status:observer", "a-observer-c-2003")
    ]


def test_relations_network_lists_each_tied_pair_once() -> None:
    ties = ties_from_rows(
        relations=[relation("x", "a", "b", "2001"), relation("y", "b", "a", "2002", "2003")]
    )

    assert relations_network(ties, day=date(2002, 6, 1)) == [
        {"source": "a", "target": "b", "kinds": ["memorandum"], "ties": ["x", "y"]}
    ]
    assert relations_network(ties, day=date(2000, 1, 1)) == []


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ([relation("self", "a", "a", "2001")], InvalidRowError),
        ([relation("bad", "a", "b", "2001-02-30")], InvalidRowError),
    ],
)
def test_ties_from_rows_refuses_bad_rows(rows: list[dict[str, str]], error: type) -> None:
    with pytest.raises(error):
        ties_from_rows(relations=rows)


def test_pair_ties_refuses_an_unknown_organization() -> None:
    ties = ties_from_rows(relations=[relation("z", "a", "zzz", "2001")])

    with pytest.raises(UnknownOrganizationError):
        pair_ties(snapshot(), ties, day=date(2004, 1, 1))


def test_suggestions_put_untied_pairs_first_when_ties_are_given() -> None:
    day = date(2006, 1, 1)
    plain = suggest_meeting_requests(snapshot(), day=day, threshold=0.1)
    ties = ties_from_rows(relations=[relation("ab", "a", "b", "2005")])
    tied = suggest_meeting_requests(snapshot(), day=day, threshold=0.1, ties=ties)

    before = {r["id"]: r["priority"] for r in plain}
    after = {r["id"]: r["priority"] for r in tied}
    assert after["dup-a-c-cn"] == min(10, before["dup-a-c-cn"] + 1)  # untied: one higher
    assert after["dup-a-b-ct"] == before["dup-a-b-ct"]  # tied: unchanged
    assert suggest_meeting_requests(snapshot(), day=day, threshold=0.1, ties=None) == plain


# --- the registry's ties, through the API and the page --------------------------------


def test_api_ties_bundled_names_untied_pairs(client: Client, registry: None) -> None:
    body = client.get("/api/analysis/ties?as_of=2026-01-01").json()
    untied = client.get("/api/analysis/ties?as_of=2026-01-01&untied=true").json()

    pairs = {tuple(p["organizations"]): p for p in body}
    assert [t["id"] for t in pairs[("csto", "sco")]["ties"]] == ["csto-sco-mou-2007"]
    assert pairs[("eu", "nato")]["has_tie"] is True
    assert untied
    assert all(not p["has_tie"] for p in untied)
    assert [p["score"] for p in untied] == sorted((p["score"] for p in untied), reverse=True)
    assert ["csto", "sco"] not in [p["organizations"] for p in untied]


def test_api_relations_network_bundled(client: Client, registry: None) -> None:
    before = client.get("/api/analysis/relations-network?as_of=2007-10-04").json()
    after = client.get("/api/analysis/relations-network?as_of=2007-10-05").json()

    assert {
        "source": "csto",
        "target": "sco",
        "kinds": ["memorandum"],
        "ties": ["csto-sco-mou-2007"],
    } in after
    assert not any(edge["source"] == "csto" and edge["target"] == "sco" for edge in before)
    assert client.get("/api/analysis/relations-network?as_of=2007-02-30").status_code == 400


def test_ties_page_and_downloads(client: Client, registry: None) -> None:
    page = client.get("/analysis/ties/?as_of=2026-01-01")
    csv_download = client.get("/analysis/ties/?as_of=2026-01-01&format=csv")

    assert page.status_code == 200
    assert 'data-testid="untied"' in page.content.decode()
    assert csv_download.content.decode().splitlines()[0] == (
        "first,second,score,functional,membership,shared_states,ties"
    )
