"""/api/analysis: answers as of a date, and the one error body for every mistake."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sideline.analysis.services import import_unvotes
from sideline.planner.instance import parse_instance
from tests.analysis.unvotes_factory import write_unvotes

TODAY = date.today()


def get(client: Client, url: str) -> tuple[int, Any]:
    response = client.get(url)
    return response.status_code, response.json()


def test_api_overlap_with_partners(client: Client, minimal_registry: Path) -> None:
    status, body = get(client, "/api/analysis/overlap?as_of=2012-12-18&statuses=member,partner")

    assert status == 200
    assert body == {
        "as_of": "2012-12-18",
        "statuses": ["member", "partner"],
        "organizations": ["csto", "nato"],
        "sizes": [3, 2],
        "jaccard": [[1.0, 0.25], [0.25, 1.0]],
        "pairs": [
            {
                "organizations": ["csto", "nato"],
                "sizes": [3, 2],
                "shared_count": 1,
                "shared": ["KAZ"],
                "jaccard": 0.25,
                "overlap_coefficient": 0.5,
            }
        ],
    }


def test_api_duplication_names_functions_and_states(client: Client, minimal_registry: Path) -> None:
    status, body = get(client, "/api/analysis/duplication?as_of=2013-01-01")

    assert status == 200
    [pair] = body
    assert pair["organizations"] == ["csto", "nato"]
    assert pair["score"] == 0.375
    assert pair["shared_functions"] == [{"function": "counter-narcotics", "weights": [1.0, 0.5]}]
    assert pair["shared_states"] == []


def test_api_bridges_and_network(client: Client, minimal_registry: Path) -> None:
    _, bridges = get(client, "/api/analysis/bridges?as_of=2013-01-01&statuses=member,partner")
    _, network = get(client, "/api/analysis/network?as_of=2013-01-01&statuses=member,partner")

    assert (bridges[0]["state"], bridges[0]["blocs"]) == ("KAZ", ["eurasian", "euro_atlantic"])
    assert network == [
        {"organization": "csto", "state": "KAZ"},
        {"organization": "csto", "state": "RUS"},
        {"organization": "nato", "state": "KAZ"},
        {"organization": "nato", "state": "USA"},
    ]


def test_api_balance_years(client: Client, minimal_registry: Path) -> None:
    status, body = get(client, "/api/analysis/balance/kaz?from=2002&to=2003")

    assert status == 200
    assert body["state"] == "KAZ"
    assert body["pillars"] == ["russia", "us"]
    assert [(y["year"], y["shares"], y["index"]) for y in body["years"]] == [
        (2002, {"russia": 1.0, "us": 0.0}, 0.0),
        (2003, {"russia": 1.0, "us": 0.0}, 0.0),
    ]


def test_api_suggestions_are_planner_requests(client: Client, minimal_registry: Path) -> None:
    status, body = get(client, "/api/analysis/suggestions?as_of=2013-01-01")

    assert status == 200
    assert body == [
        {
            "id": "dup-csto-nato-counter-narcotics",
            "organizations": ["csto", "nato"],
            "topic": "counter-narcotics",
            "priority": 3,  # 2, plus 1: no formal tie between them
            "slots": 1,
        }
    ]


def test_api_planner_instance_parses(client: Client, minimal_registry: Path) -> None:
    status, body = get(client, "/api/analysis/suggestions/instance?as_of=2013-01-01&year=2012")

    assert status == 200
    instance = parse_instance(body)
    assert [r.id for r in instance.requests] == ["dup-csto-nato-counter-narcotics"]


def test_api_voting_after_import(client: Client, minimal_registry: Path, tmp_path: Path) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))

    status, body = get(client, "/api/analysis/voting/KAZ?from=1994&to=1995")

    assert status == 200
    assert body == {
        "state": "KAZ",
        "pillars": ["us", "russia", "china"],
        "sessions": [
            {"session": 49, "year": 1994, "us": 0.5, "russia": 0.5, "china": 0.0, "eu": None},
            {"session": 50, "year": 1995, "us": 0.0, "russia": 1.0, "china": 1.0, "eu": None},
        ],
    }


@pytest.mark.parametrize(
    ("url", "status", "code", "field", "message"),
    [
        (
            "/api/analysis/balance/XXX?from=2002&to=2003",
            404,
            "unknown_state",
            "state",
            "state 'XXX' is not in the registry",
        ),
        (
            "/api/analysis/balance/KAZ?from=2005&to=2003",
            400,
            "empty_period",
            "from",
            "from 2005 is after to 2003; give from <= to",
        ),
        (
            "/api/analysis/balance/KAZ?from=1800&to=2003",
            400,
            "date_out_of_range",
            "from",
            f"from 1800 is outside the data (1949 to {TODAY.year})",
        ),
        (
            "/api/analysis/overlap?as_of=1900-01-01",
            400,
            "date_out_of_range",
            "as_of",
            f"as_of 1900-01-01 is outside the data (1949-04-04 to {TODAY.isoformat()})",
        ),
        (
            "/api/analysis/overlap?as_of=2013-02-30",
            400,
            "invalid_date",
            "as_of",
            "as_of: '2013-02-30' is not a date; use YYYY-MM-DD",
        ),
        (
            "/api/analysis/bridges?statuses=boss",
            400,
            "invalid_argument",
            "statuses",
            "statuses contains 'boss'; use any of member, observer, partner, "
            "dialogue_partner, associate, suspended",
        ),
        (
            "/api/analysis/suggestions?threshold=3",
            400,
            "invalid_argument",
            "threshold",
            "threshold 3.0 is outside [0, 1]",
        ),
        (
            "/api/analysis/voting/KAZ",
            404,
            "no_vote_data",
            None,
            "no UN votes are imported; an operator runs: sideline data import-unvotes DIR",
        ),
    ],
)
def test_api_mistakes_have_one_error_body(
    client: Client,
    minimal_registry: Path,
    url: str,
    status: int,
    code: str,
    field: str | None,
    message: str,
) -> None:
    got_status, body = get(client, url)

    assert (got_status, body) == (
        status,
        {"error": {"code": code, "message": message, "field": field}},
    )


def test_api_voting_unknown_state_404(
    client: Client, minimal_registry: Path, tmp_path: Path
) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))

    status, body = get(client, "/api/analysis/voting/XXX")

    assert (status, body["error"]["code"]) == (404, "unknown_state")


def test_api_voting_empty_period_400(
    client: Client, minimal_registry: Path, tmp_path: Path
) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))

    status, body = get(client, "/api/analysis/voting/KAZ?from=1995&to=1994")

    assert (status, body["error"]) == (
        400,
        {"code": "empty_period", "message": "from 1995 is after to 1994", "field": "from"},
    )


# --- facts of the bundled registry ---------------------------------------------------------


def test_api_bundled_facts(client: Client, registry: None) -> None:
    _, bridges = get(client, "/api/analysis/bridges?as_of=2015-01-01")
    _, overlap_2015 = get(client, "/api/analysis/overlap?as_of=2015-01-01")
    _, overlap_2013 = get(client, "/api/analysis/overlap?as_of=2013-01-01")
    _, suggestions = get(client, "/api/analysis/suggestions?as_of=2013-01-01")

    assert "KAZ" in [b["state"] for b in bridges[:5]]
    csto_sco = next(p for p in overlap_2015["pairs"] if p["organizations"] == ["csto", "sco"])
    assert {"KAZ", "KGZ", "RUS", "TJK"} <= set(csto_sco["shared"])
    assert [p for p in overlap_2013["pairs"] if set(p["organizations"]) == {"csto", "nato"}] == []
    assert "dup-csto-nato-counter-narcotics" in [s["id"] for s in suggestions]


def test_api_overlap_query_count_constant(
    client: Client, registry: None, django_assert_max_num_queries: Any
) -> None:
    # Five reads build the snapshot; the rest (sessions, auth) must not grow with the data.
    with django_assert_max_num_queries(8):
        client.get("/api/analysis/overlap?as_of=2015-01-01")
